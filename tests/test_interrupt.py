"""Ctrl-C and SIGTERM in the middle of a fetch: the command line stops with status 130 and one
line on stderr, the previous run's outputs stay byte for byte, no temporary report file is
left behind, and what this run archived before the signal is a readable WARC.

The command runs as a child process against a loopback server whose second source trickles
its page, so the signal lands while that source is being read.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply

from pipeline.config import load_settings
from pipeline.fetch.archive_read import ArchiveIndex
from pipeline.runner import CheckRequest, check_article

ROOT = Path(__file__).resolve().parents[1]
PAGE = b"""<!doctype html><html><head><title>Tide pools and children</title></head><body><article>
<h1>Tide pools and children</h1>
<p>Children who explored tide pools with a guide named more sea creatures a week later.</p>
</article></body></html>"""
ARTICLE = """# Rock pools

Guided visits to tide pools helped children name more sea creatures a week later [1].
Tide pools hold more species in spring than in autumn [2].

## References

[1] Tide pools and children. {fast}
[2] Tide pools through the year. {slow}
"""
EARLIER_OUTPUTS = ("report.json", "report.md", "report.html", "graph.graphml", "sources.warc.gz")
# What an interrupted run may leave beside the earlier outputs: its own partial archive,
# under the name the runner writes it to, or published beside the old one.
PARTIAL_ARCHIVES = {"sources.warc.gz.part", "sources.interrupted.warc.gz"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A server, an article citing a fast and a slow source, and a finished earlier run."""
    workdir = tmp_path_factory.mktemp("interrupt")
    with LoopbackServer() as server:
        fast = server.add("/fast", body=PAGE)
        slow = server.add("/slow", body=PAGE)  # quick for the earlier run
        article = workdir / "rock-pools.md"
        article.write_text(ARTICLE.format(fast=fast, slow=slow), encoding="utf-8")
        earlier = workdir / "earlier"
        settings = load_settings().with_fetch(allow_private_hosts=True)
        check_article(CheckRequest(article=str(article), out_dir=earlier), settings)
        # From now on the second source sends a byte every 0.2 s: minutes for the page.
        server.add("/slow", Reply(body=PAGE, trickle=0.2, chunk_size=1))
        yield server, article, earlier


def _command() -> list[str]:
    script = Path(sys.executable).with_name("claimcheck")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pipeline"]


def _wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_mid_fetch_keeps_earlier_outputs_and_a_readable_archive(
    site, tmp_path: Path, signal_number: int  # type: ignore[no-untyped-def]
) -> None:
    server, article, earlier = site
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    before = {name: (out / name).read_bytes() for name in EARLIER_OUTPUTS}
    slow_hits = server.hits("/slow")

    child = subprocess.Popen(
        [*_command(), "check", str(article), "--out", str(out), "--allow-private-hosts", "--quiet"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for(lambda: server.hits("/slow") > slow_hits, 30), "the slow source was never asked for"
        time.sleep(0.5)  # a few bytes in: the signal lands mid-body
        child.send_signal(signal_number)
        stdout, stderr = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    assert child.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "claimcheck: interrupted; earlier outputs are intact"
    assert "Traceback" not in stderr
    assert stdout == ""
    for name, content in before.items():
        assert (out / name).read_bytes() == content, f"{name} changed"
    left = {path.name for path in out.iterdir()} - set(EARLIER_OUTPUTS)
    assert left <= PARTIAL_ARCHIVES, left
    for name in left:
        index = ArchiveIndex(out / name)
        assert not index.damaged, name
        fast = index.latest(server.url("/fast"))
        assert fast is not None and fast.body == PAGE and not fast.truncated
        slow = index.latest(server.url("/slow"))
        if slow is not None:  # the read cut short by the signal, archived as far as it got
            assert slow.truncated and PAGE.startswith(slow.body)
