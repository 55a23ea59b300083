"""`--judge openai:MODEL` through the command line, against a loopback endpoint: the report
names the judge of each verdict; a re-check of an unchanged article asks the endpoint nothing
(its answers are in the run store); with the endpoint down, `check` finishes with the default
judge and says so in one stderr line and in the report; bad judge settings are one error line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chat_endpoint import CHAT_PATH, TableEndpoint, judge_config
from loopback import LoopbackServer, Reply

from pipeline.cli import main
from pipeline.store import Store

CLAIMS = (
    "Brisk walking for thirty minutes a day lowers resting blood pressure [1].",
    "Walkers in the trial also slept longer at night [1].",
)
PAGE = ("<html><head><title>A walking trial</title></head><body><article><h1>A walking trial</h1>"
        "<p>Researchers followed 240 adults for twelve weeks.</p>"
        "<p>Adults who walked briskly for thirty minutes a day had lower resting blood pressure.</p>"
        "<p>Sleep was recorded with wrist monitors, and walkers slept 20 minutes longer.</p>"
        "</article></body></html>").encode()


def _article(folder: Path, url: str, claims: tuple[str, ...] = CLAIMS) -> Path:
    path = folder / "walking.md"
    body = "\n\n".join(claims)
    path.write_text(f"# Walking\n\n{body}\n\n## Sources\n1. A walking trial. {url}\n", encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def site(loopback: LoopbackServer) -> LoopbackServer:
    loopback.add("/study", Reply(body=PAGE, etag='"v1"'))
    return loopback


def test_a_recheck_of_an_unchanged_article_asks_the_endpoint_nothing(site: LoopbackServer, tmp_path: Path,
                                                                     capsys) -> None:
    endpoint = TableEndpoint({}, default="supports")
    site.respond(CHAT_PATH, endpoint)
    config = judge_config(site, tmp_path)
    article = _article(tmp_path, site.url("/study"))
    db, out = tmp_path / "runs.db", tmp_path / "out"
    judge = ["--judge", "openai:desk-model", "--config", config, "--allow-private-hosts", "--quiet", "--db", str(db)]
    status, _, err = _run(capsys, "check", str(article), "--out", str(out), *judge)
    assert status == 0 and err == ""
    asked = site.hits(CHAT_PATH)
    assert asked == len(CLAIMS)  # one request per claim
    report = json.loads((out / "report.json").read_text())
    assert [claim["judge"] for claim in report["claims"]] == ["openai:desk-model"] * len(CLAIMS)
    assert [claim["judge_fallback"] for claim in report["claims"]] == [None] * len(CLAIMS)
    assert [claim["verdict"] for claim in report["claims"]] == ["supported"] * len(CLAIMS)
    assert report["summary"]["judges"] == {"openai:desk-model": len(CLAIMS)}
    with Store(db) as store:
        kept = store.count("judge_answers")
    assert kept >= len(CLAIMS)

    status, _, err = _run(capsys, "recheck", "--out", str(tmp_path / "re"), *judge)
    assert status == 0, err
    assert site.hits(CHAT_PATH) == asked  # nothing asked again
    recheck = json.loads((tmp_path / "re" / "recheck.json").read_text())
    assert recheck["articles"][0]["verdict_changes"] == []

    # A claim added to the article is the only thing asked about at the next re-check.
    new_claim = "Walking lowered resting blood pressure within twelve weeks [1]."
    _article(tmp_path, site.url("/study"), (*CLAIMS, new_claim))
    status, _, err = _run(capsys, "recheck", "--out", str(tmp_path / "re2"), *judge)
    assert status == 0, err
    assert site.hits(CHAT_PATH) == asked + 1
    assert endpoint.claims[-1].startswith("Walking lowered resting blood pressure within twelve weeks")
    assert not any(claim.startswith("Walking lowered") for claim in endpoint.claims[:-1])


def test_with_the_endpoint_down_check_finishes_with_the_default_judge_and_says_so(
    site: LoopbackServer, tmp_path: Path, capsys
) -> None:
    with LoopbackServer() as gone:
        config = judge_config(gone, tmp_path, retries=0)
    # `gone` is stopped: its port answers nothing.
    article = _article(tmp_path, site.url("/study"))
    out, plain = tmp_path / "out", tmp_path / "plain"
    status, stdout, err = _run(capsys, "check", str(article), "--out", str(out), "--judge", "openai:desk-model",
                               "--config", config, "--allow-private-hosts", "--quiet", "--no-db")
    assert status == 0
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"claimcheck: the default judge decided {len(CLAIMS)} claims in place of "
                               "openai:desk-model: cannot reach the judge endpoint http://127.0.0.1:")
    assert stdout.startswith(f"{len(CLAIMS)} claims (")
    report = json.loads((out / "report.json").read_text())
    assert [claim["judge"] for claim in report["claims"]] == ["default"] * len(CLAIMS)
    assert all("cannot reach the judge endpoint" in claim["judge_fallback"] for claim in report["claims"])
    assert report["summary"]["judge_fallbacks"] == len(CLAIMS)
    assert "the default judge stood in for 2" in (out / "report.md").read_text()
    # Both claims are supported (the page states both), so the HTML lists them briefly and says in
    # its summary who stood in; a claim shown in full would also carry the per-claim line.
    assert "the default judge stood in for 2" in (out / "report.html").read_text()
    # Standing in, the default judge gives exactly the verdicts it gives on its own.
    assert _run(capsys, "check", str(article), "--out", str(plain), "--allow-private-hosts", "--quiet",
                "--no-db")[0] == 0
    alone = json.loads((plain / "report.json").read_text())
    assert [claim["verdict"] for claim in report["claims"]] == [claim["verdict"] for claim in alone["claims"]]
    assert [claim["judge"] for claim in alone["claims"]] == ["default"] * len(CLAIMS)
    assert alone["summary"]["judge_fallbacks"] == 0


def test_bad_judge_settings_are_one_error_line(site: LoopbackServer, tmp_path: Path, capsys,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    article = _article(tmp_path, site.url("/study"))
    status, _, err = _run(capsys, "check", str(article), "--judge", "gpt4", "--no-db", "--quiet")
    assert status == 2
    assert err == ("claimcheck: error: unknown judge 'gpt4' (give default, nli:PATH, openai:MODEL or "
                   "module:attribute)\n")
    monkeypatch.delenv("DESK_JUDGE_KEY", raising=False)
    config = judge_config(site, tmp_path, openai_api_key_env="DESK_JUDGE_KEY")
    status, _, err = _run(capsys, "check", str(article), "--judge", "openai:m", "--config", config, "--no-db",
                          "--quiet", "--allow-private-hosts")
    assert status == 2
    assert err == ("claimcheck: error: the environment variable DESK_JUDGE_KEY (judge.openai_api_key_env) holding "
                   "the judge's API key is not set\n")
    assert site.hits("/study") == 0  # refused before anything was fetched


def test_the_key_is_sent_to_the_endpoint_and_written_nowhere(site: LoopbackServer, tmp_path: Path, capsys,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    site.respond(CHAT_PATH, TableEndpoint({}, default="related"))
    monkeypatch.setenv("DESK_JUDGE_KEY", "sk-desk-0123456789")
    config = judge_config(site, tmp_path, openai_api_key_env="DESK_JUDGE_KEY")
    article = _article(tmp_path, site.url("/study"))
    out, db = tmp_path / "out", tmp_path / "runs.db"
    status, stdout, err = _run(capsys, "check", str(article), "--out", str(out), "--judge", "openai:m", "--config",
                               config, "--db", str(db), "--allow-private-hosts", "--quiet")
    assert status == 0
    chat = [seen for seen in site.requests if seen.path == CHAT_PATH]
    assert chat and all(seen.headers["authorization"] == "Bearer sk-desk-0123456789" for seen in chat)
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert written and not any(b"sk-desk-0123456789" in path.read_bytes() for path in written)
    assert "sk-desk" not in stdout + err


def test_the_evidence_verb_takes_a_judge_and_says_when_it_stood_in(tmp_path: Path, capsys,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    lines = [json.dumps({"id": n, "claim": "Brisk walking lowers resting blood pressure.",
                         "passages": ["Adults who walked briskly had lower resting blood pressure.",
                                      "Sleep was recorded with wrist monitors."]}) for n in (1, 2)]
    with LoopbackServer() as server:
        endpoint = TableEndpoint({}, default="supports")
        server.respond(CHAT_PATH, endpoint)
        config = judge_config(server, tmp_path, retries=0)
        monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
        status, out, err = _run(capsys, "evidence", "--judge", "openai:desk-model", "--config", config)
        assert status == 0 and err == ""
        answers = [json.loads(line) for line in out.splitlines()]
        assert [(a["verdict"], a["judge"], a["judge_fallback"]) for a in answers] == \
            [("supported", "openai:desk-model", None)] * 2
        assert server.hits(CHAT_PATH) == 1  # the repeated claim was asked about once
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    status, out, err = _run(capsys, "evidence", "--judge", "openai:desk-model", "--config", config)
    assert status == 0
    answers = [json.loads(line) for line in out.splitlines()]
    assert [answer["judge"] for answer in answers] == ["default"] * 2
    assert all(answer["judge_fallback"].startswith("openai:desk-model: cannot reach") for answer in answers)
    assert err.count("\n") == 1 and err.startswith("claimcheck: the default judge decided 2 claims in place of ")


def test_the_evidence_verb_asks_about_a_window_of_lines_at_once_in_order(tmp_path: Path, capsys,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    table = TableEndpoint({}, default="related")

    def slow(seen):
        reply = table(seen)
        return Reply(body=reply.body, content_type=reply.content_type, delay=0.3)

    claims = [f"Walking {what} lowers resting blood pressure." for what in ("daily", "briskly", "uphill", "slowly")]
    lines = [json.dumps({"id": n, "claim": claim, "passages": [f"{claim[:-1]} in adults.", "Sleep was recorded."]})
             for n, claim in enumerate(claims)]
    lines.insert(2, '{"id": "bad", "claim": 5}')
    with LoopbackServer() as server:
        server.respond(CHAT_PATH, slow)
        config = judge_config(server, tmp_path, concurrency=3)
        monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
        status, out, err = _run(capsys, "evidence", "--judge", "openai:desk-model", "--config", config)
        assert status == 0 and err == ""
        assert server.hits(CHAT_PATH) == 4 and server.peak_in_flight >= 2
    answers = [json.loads(line) for line in out.splitlines()]
    assert [answer["id"] for answer in answers] == [0, 1, "bad", 2, 3]
    assert answers[2] == {"id": "bad", "error": 'line 3: "claim" must be a non-empty string'}
    assert [answer["judge"] for answer in answers if "error" not in answer] == ["openai:desk-model"] * 4
