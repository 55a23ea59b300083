"""The desk over HTTP, through a real threaded server on loopback: CSRF on every POST, the
Host check, the security headers, hostile text escaped, decisions without JavaScript, two
reviewers at once, and `claimcheck review` started as a process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from desk_serving import Desk, check_into, serving, session_client
from desk_site import page
from loopback import LoopbackServer, Reply

from pipeline.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _decisions(db: Path) -> list[tuple[str, str, str]]:
    with Store(db) as store:
        (article,) = store.articles()
        return [(d.reviewer, d.action, d.reason) for d in store.decisions(article.id)]


def test_a_post_without_the_csrf_token_is_refused_and_records_nothing(desk: Desk, served: str) -> None:
    client, token = session_client(served)
    refused = client.post("/runs/1/flags/0", data={"action": "confirm"})
    assert refused.status_code == 400
    assert "Refused: The CSRF token is missing." in refused.text
    # A token from another browser's session does not do either.
    other, other_token = session_client(served)
    assert client.post("/runs/1/flags/0", data={"action": "confirm", "csrf_token": other_token}).status_code == 400
    # Nor does a token with no session cookie at all.
    bare = httpx.post(f"{served}/runs/1/flags/0", data={"action": "confirm", "csrf_token": token})
    assert bare.status_code == 400
    assert client.post("/reviewer", data={"reviewer": "mallory"}).status_code == 400
    assert _decisions(desk.db) == []
    accepted = client.post("/runs/1/flags/0", data={"action": "confirm", "csrf_token": token, "next": "/runs/1"})
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/runs/1#claim-c")
    assert _decisions(desk.db) == [("ana", "confirm", "")]
    client.close()
    other.close()


def test_a_request_for_another_host_name_is_refused(served: str) -> None:
    # DNS rebinding: a page elsewhere whose name now points at 127.0.0.1 must not reach the desk.
    answer = httpx.get(f"{served}/runs/1", headers={"Host": "desk.attacker.example"})
    assert answer.status_code == 400
    assert httpx.get(f"{served}/runs/1", headers={"Host": "localhost"}).status_code == 200


def test_every_answer_carries_a_strict_content_security_policy(served: str) -> None:
    for path in ("/", "/runs/1", "/runs/999"):
        answer = httpx.get(served + path)
        policy = answer.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
    assert httpx.get(served + "/runs/999").status_code == 404
    archived = httpx.get(served + "/runs/1/sources/1/archived")
    assert archived.status_code == 200 and b"Tea drinking" in archived.content
    assert archived.headers["content-security-policy"].startswith("sandbox; default-src 'none'")
    exported = httpx.get(served + "/runs/1/export/reviewed-report.html")
    assert exported.headers["content-security-policy"].startswith("sandbox; ")
    assert exported.headers["content-disposition"] == 'attachment; filename="reviewed-report.html"'


def test_decisions_work_without_javascript_and_a_dismissal_needs_a_reason(desk: Desk, served: str) -> None:
    client, token = session_client(served)
    missing = client.post(
        "/runs/1/flags/0", data={"action": "dismiss", "reason": " ", "csrf_token": token, "next": "/runs/1"}
    )
    assert missing.status_code == 303
    shown = client.get(missing.headers["location"])
    assert "a dismissal needs a reason: say why" in shown.text
    assert _decisions(desk.db) == []
    client.post("/reviewer", data={"reviewer": "ben", "csrf_token": token, "next": "/runs/1"})
    client.post("/runs/1/flags/0", data={"action": "dismiss", "reason": "Table 2 shows it.", "csrf_token": token})
    client.post("/runs/1/claims/c2", data={"action": "fixed", "csrf_token": token})
    assert _decisions(desk.db) == [("ben", "dismiss", "Table 2 shows it."), ("ben", "fixed", "")]
    undecided = client.get("/runs/1", params={"decision": "undecided"}).text
    dismissed = client.get("/runs/1", params={"decision": "dismissed"}).text
    assert 'id="flag-0"' not in undecided and 'id="flag-0"' in dismissed
    assert 'id="claim-c2"' not in undecided  # fixed in the draft: nothing waits there
    high = client.get("/runs/1", params={"severity": "high", "code": "PARTIAL_SUPPORT"}).text
    assert "No flagged claim matches these filters." in high
    client.close()


def test_hostile_text_from_the_article_and_its_sources_is_shown_as_text(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    loopback.add(
        "/survey",
        Reply(
            body=page(
                "Colds &lt;img src=x onerror=alert(4)&gt; survey",
                "In a cross-sectional survey, adults who took zinc &lt;script&gt;alert(1)&lt;/script&gt; reported fewer colds.",
                '<a href="javascript:alert(2)">Adults</a> who took zinc <img src=x onerror="alert(3)"> also slept more.',
            )
        ),
    )
    article = tmp_path / "zinc.md"
    article.write_text(
        "# Zinc <script>alert(5)</script>\n\nTaking zinc every day prevents colds in adults [1].\n\n"
        f"Zinc lozenges cure every cold <b onmouseover=alert(6)>fast</b> [2].\n\n"
        f"## Sources\n1. Survey. {loopback.url('/survey')}\n2. Shop. javascript:alert(7)\n",
        encoding="utf-8",
    )
    db = tmp_path / "runs.db"
    check_into(article, db, tmp_path / "out")
    with serving(db) as base:
        html = httpx.get(base + "/runs/1").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    assert "&lt;b onmouseover=alert(6)&gt;" in html
    tree = BeautifulSoup(html, "html.parser")
    assert [script.get("src") for script in tree.find_all("script")] == ["/static/review.js"]
    assert tree.find_all(["img", "b", "iframe", "object"]) == []
    handlers = [(tag.name, name) for tag in tree.find_all(True) for name in tag.attrs if name.startswith("on")]
    assert handlers == []
    hrefs = [tag["href"] for tag in tree.find_all(["a", "area", "form"], href=True)]
    assert hrefs and all(href.startswith(("/", "#", "http://127.0.0.1")) for href in hrefs), hrefs


def test_two_reviewers_on_two_servers_deciding_at_once_lose_nothing(desk: Desk) -> None:
    rounds = 12
    with serving(desk.db, "ana") as first, serving(desk.db, "ben") as second:
        clients = [session_client(first), session_client(second)]
        barrier = threading.Barrier(2)
        failures: list[str] = []

        def decide(client: httpx.Client, token: str, name: str) -> None:
            barrier.wait()
            for number in range(rounds):
                answer = client.post(
                    f"/runs/1/flags/{number % 3}",
                    data={"action": "note", "reason": f"{name} note {number}", "csrf_token": token},
                    headers={"X-Claimcheck-Fragment": "1"},
                )
                if answer.status_code != 200:
                    failures.append(f"{name} {number}: {answer.status_code}")

        threads = [
            threading.Thread(target=decide, args=(client, token, name))
            for (client, token), name in zip(clients, ("ana", "ben"), strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for client, _ in clients:
            client.close()
    assert failures == []
    recorded = sorted(_decisions(desk.db))
    assert recorded == sorted((name, "note", f"{name} note {n}") for name in ("ana", "ben") for n in range(rounds))


def test_a_decision_taken_meanwhile_is_reported_to_the_second_reviewer(desk: Desk, served: str) -> None:
    ana, ana_token = session_client(served)
    ben, ben_token = session_client(served)
    seen = re.search(r'action="/runs/1/flags/0">.*?name="seen" value="(\d+)"', ana.get("/runs/1").text, re.S)
    assert seen is not None
    ben.post("/reviewer", data={"reviewer": "ben", "csrf_token": ben_token})
    ben.post("/runs/1/flags/0", data={"action": "confirm", "csrf_token": ben_token, "seen": seen.group(1)})
    answer = ana.post(
        "/runs/1/flags/0",
        data={"action": "dismiss", "reason": "Fine.", "csrf_token": ana_token, "seen": seen.group(1)},
        headers={"X-Claimcheck-Fragment": "1"},
    )
    assert answer.status_code == 200
    assert "Meanwhile ben chose confirm on this at " in answer.text
    assert [(who, action) for who, action, _ in _decisions(desk.db)] == [("ben", "confirm"), ("ana", "dismiss")]
    ana.close()
    ben.close()


def test_claimcheck_review_prints_its_address_serves_and_stops_on_ctrl_c(desk: Desk) -> None:
    env = {**os.environ, "CLAIMCHECK_REVIEWER": "cleo"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "review", "--db", str(desk.db), "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(
            r"claimcheck review: open (http://127\.0\.0\.1:\d+/) \(run store (.+); deciding as cleo; Ctrl-C stops\)\n",
            line,
        )
        assert found is not None, line
        assert found.group(2) == str(desk.db)
        client, token = session_client(found.group(1).rstrip("/"))
        client.post("/runs/1/flags/0", data={"action": "confirm", "csrf_token": token})
        client.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert _decisions(desk.db) == [("cleo", "confirm", "")]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["review", "--db", "{tmp}/none.db"],
            "{tmp}/none.db: no run store here (record a run first: claimcheck check ARTICLE --db {tmp}/none.db)",
        ),
        (["review", "--db", "{db}", "--port", "70000"], "--port 70000: give a port from 0 to 65535"),
        (["export", "--db", "{db}"], "give a recorded ARTICLE or --run ID (one of them)"),
        (["export", "--db", "{db}", "--run", "9"], "{db}: no run 9"),
    ],
)
def test_desk_commands_say_what_is_wrong_in_one_line(
    desk: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    from pipeline.cli import main

    filled = [part.format(tmp=tmp_path, db=desk.db) for part in argv]
    assert main(filled) == 2
    assert capsys.readouterr().err == f"claimcheck: error: {line.format(tmp=tmp_path, db=desk.db)}\n"


def test_served_address_is_taken_when_busy(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    with serving(desk.db) as base:
        port = base.rsplit(":", 1)[1]
        assert main(["review", "--db", str(desk.db), "--port", port]) == 2
    assert re.fullmatch(
        rf"claimcheck: error: cannot listen on 127\.0\.0\.1:{port} \(.+\); give another --port\n",
        capsys.readouterr().err,
    )


def test_the_other_commands_never_load_the_web_framework() -> None:
    # `claimcheck check` and the re-check import these; Flask is for `claimcheck review` alone.
    code = (
        "import sys; import pipeline.cli, pipeline.runner, pipeline.store.record, pipeline.recheck.report; "
        "print(sorted(name for name in ('flask', 'flask_wtf', 'werkzeug') if name in sys.modules))"
    )
    shown = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout == "[]\n"
