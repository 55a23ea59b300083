"""The fetcher against a real HTTP server on 127.0.0.1 (tests/loopback.py); httpx unpatched.

Timeouts are tiny so the whole file runs in a few seconds; every timing assertion leaves
generous room for a loaded 2-core machine.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import gzip
import hashlib
import ipaddress
import shutil
import socket
import ssl
import subprocess
import time
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st
from loopback import LoopbackServer, Reply, gzipped

from pipeline.config import FetchSettings
from pipeline.fetch.addresses import AddressGuard, GuardedTransport, classify_address
from pipeline.fetch.archive import ReplayTransport, WarcRecorder, write_fixture_archive
from pipeline.fetch.archive_read import ArchiveIndex
from pipeline.fetch.body import sniff_media_type
from pipeline.fetch.fetcher import fetch_document, fetch_references_sync
from pipeline.fetch.rules import retry_after_seconds
from pipeline.records import SOURCE_STATUSES, FetchFailure, Reference, Snapshot

HTML = b"<!doctype html><html><head><title>T</title></head><body><p>Walking helps.</p></body></html>"


def quick(**changes: Any) -> FetchSettings:
    """Settings for loopback tests: private hosts allowed, everything fast."""
    base = FetchSettings(
        user_agent="claimcheck-test/1.0 (+https://example.org/test)",
        connect_timeout=1.0,
        read_timeout=0.5,
        total_deadline=2.0,
        retries=2,
        backoff_base=0.01,
        retry_after_cap=2.0,
        allow_private_hosts=True,
    )
    return dataclasses.replace(base, **changes)


def fetch_one(url: str, settings: FetchSettings | None = None, **kwargs: object) -> Snapshot | FetchFailure:
    return fetch_references_sync([Reference("1", url)], settings or quick(), **kwargs)[0]  # type: ignore[arg-type]


def snapshot(result: Snapshot | FetchFailure) -> Snapshot:
    assert isinstance(result, Snapshot), result
    return result


def failure(result: Snapshot | FetchFailure) -> FetchFailure:
    assert isinstance(result, FetchFailure), result
    return result


# ── plain answers ─────────────────────────────────────────────────────────────────────────


def test_ok_html_is_a_snapshot_with_the_body_and_an_honest_user_agent(loopback: LoopbackServer) -> None:
    url = loopback.add("/page", body=HTML)
    result = snapshot(fetch_one(url))
    assert result.body == HTML
    assert result.http_status == 200
    assert result.content_type == "text/html; charset=utf-8"
    assert result.final_url == url and result.redirects == ()
    assert result.content_sha256 == hashlib.sha256(HTML).hexdigest()
    assert result.fetched_at.endswith("Z")
    seen = loopback.requests[0]
    assert seen.headers["user-agent"] == "claimcheck-test/1.0 (+https://example.org/test)"
    assert seen.headers["accept-encoding"] == "gzip, deflate"
    assert "from" not in seen.headers  # no contact set, so none is made up


def test_a_contact_address_is_sent_as_the_from_header(loopback: LoopbackServer) -> None:
    url = loopback.add("/page", body=HTML)
    snapshot(fetch_one(url, quick(contact="desk@example.org")))
    assert loopback.requests[0].headers["from"] == "desk@example.org"


def test_404_is_an_http_error_with_the_status(loopback: LoopbackServer) -> None:
    result = failure(fetch_one(loopback.url("/gone")))
    assert result.status == "http_error"
    assert result.http_status == 404
    assert result.reason == "the page is not there (HTTP 404 Not Found): the link is dead or the page has moved"
    assert loopback.hits("/gone") == 1  # a 404 is not retried


def test_403_is_reported_as_refused_by_the_site(loopback: LoopbackServer) -> None:
    url = loopback.add("/walled", status=403, body=b"no bots")
    result = failure(fetch_one(url))
    assert (result.status, result.http_status) == ("http_error", 403)
    assert result.reason.startswith("refused by the site (HTTP 403 Forbidden)")


def test_document_fetch_uses_the_article_id(loopback: LoopbackServer) -> None:
    url = loopback.add("/article", body=HTML)
    result = snapshot(fetch_document(url, quick()))
    assert result.reference_id == "article" and result.body == HTML


# ── redirects ─────────────────────────────────────────────────────────────────────────────


def test_a_redirect_chain_is_followed_and_every_hop_listed(loopback: LoopbackServer) -> None:
    final = loopback.add("/final", body=HTML)
    loopback.redirect("/one", "/two", status=301)
    loopback.redirect("/two", loopback.url("/three"), status=302)  # absolute Location too
    loopback.redirect("/three", "/final", status=308)
    result = snapshot(fetch_one(loopback.url("/one")))
    assert result.final_url == final
    assert result.redirects == (loopback.url("/one"), loopback.url("/two"), loopback.url("/three"))
    assert result.body == HTML


def test_a_redirect_loop_is_caught(loopback: LoopbackServer) -> None:
    loopback.redirect("/ping", "/pong")
    loopback.redirect("/pong", "/ping")
    result = failure(fetch_one(loopback.url("/ping")))
    assert result.status == "http_error" and result.http_status == 301
    assert result.reason.startswith(f"redirect loop: {loopback.url('/ping')} leads back")
    assert (loopback.hits("/ping"), loopback.hits("/pong")) == (1, 1)


def test_too_many_redirects_stop_at_the_cap(loopback: LoopbackServer) -> None:
    for step in range(10):
        loopback.redirect(f"/r{step}", f"/r{step + 1}")
    result = failure(fetch_one(loopback.url("/r0"), quick(max_redirects=3)))
    assert result.status == "http_error"
    assert result.reason.startswith("more than 3 redirects (max_redirects)")
    assert loopback.hits() == 4  # r0..r3 answered; r4 never asked for
    assert len(result.redirects) == 4


@pytest.mark.parametrize(
    ("location", "status", "reason"),
    [
        ("javascript:alert(1)", "blocked", "redirected to javascript:alert(1): 'javascript:' links are not fetched (only http and https)"),
        ("file:///etc/passwd", "blocked", "redirected to file:///etc/passwd: 'file:' links are not fetched (only http and https)"),
        ("http://[::1/", "http_error", "the site answered HTTP 302 Found pointing to an invalid address (http://[::1/)"),
    ],
)
def test_a_hostile_redirect_is_refused_by_name_and_archived(
    loopback: LoopbackServer, tmp_path: Path, location: str, status: str, reason: str
) -> None:
    url = loopback.redirect("/hop", location, status=302)
    with WarcRecorder(tmp_path / "a.warc.gz") as recorder:
        result = failure(fetch_one(url, recorder=recorder))
    assert (result.status, result.http_status, result.reason) == (status, 302, reason)
    archived = ArchiveIndex(tmp_path / "a.warc.gz").latest(url)
    assert archived is not None and archived.status == 302 and ("Location", location) in archived.headers


# ── time limits ───────────────────────────────────────────────────────────────────────────


def test_a_silent_server_times_out_on_the_read_timeout(loopback: LoopbackServer) -> None:
    url = loopback.add("/slow", body=HTML, delay=5.0)
    started = time.monotonic()
    result = failure(fetch_one(url, quick(read_timeout=0.2, retries=0)))
    assert time.monotonic() - started < 1.5
    assert result.status == "timeout"
    assert result.reason == "127.0.0.1 stopped sending for more than 0.2 s (read_timeout)"


def test_a_trickling_server_cannot_hold_the_run_past_the_deadline(loopback: LoopbackServer) -> None:
    # A byte every 50 ms never trips the read timeout; only the total deadline stops it.
    url = loopback.add("/drip", body=HTML * 3, trickle=0.05, chunk_size=1)
    started = time.monotonic()
    result = failure(fetch_one(url, quick(read_timeout=0.5, total_deadline=0.6)))
    elapsed = time.monotonic() - started
    assert 0.55 <= elapsed < 1.6
    assert (result.status, result.http_status) == ("timeout", 200)
    assert result.reason == (
        "the site answered HTTP 200 but the page was still arriving after 0.6 s "
        "(total_deadline, redirects and retries included)"
    )


def test_a_server_that_never_answers_times_out_without_a_status(loopback: LoopbackServer) -> None:
    url = loopback.add("/mute", body=HTML, delay=5.0)
    result = failure(fetch_one(url, quick(read_timeout=5.0, total_deadline=0.4)))
    assert (result.status, result.http_status) == ("timeout", None)
    assert result.reason == "no complete answer within 0.4 s (total_deadline, redirects and retries included)"


def test_a_body_that_stalls_half_way_is_a_read_timeout_with_the_status(loopback: LoopbackServer) -> None:
    url = loopback.add("/stall", body=HTML, trickle=3.0, chunk_size=20)
    result = failure(fetch_one(url, quick(read_timeout=0.2, retries=0)))
    assert (result.status, result.http_status) == ("timeout", 200)
    assert result.reason == "127.0.0.1 answered HTTP 200, then stopped sending for more than 0.2 s (read_timeout)"


# ── sizes, encodings and types ────────────────────────────────────────────────────────────


def test_a_body_past_max_bytes_is_stopped_while_streaming(loopback: LoopbackServer) -> None:
    # No Content-Length (chunked): only counting while streaming can catch it. Sent in full,
    # the body would take about 2.5 s.
    url = loopback.add("/huge", body=b"<p>" + b"x" * 400_000, framing="chunked", trickle=0.1, chunk_size=16_000)
    started = time.monotonic()
    result = failure(fetch_one(url, quick(max_bytes=40_000, total_deadline=5.0)))
    assert time.monotonic() - started < 1.2
    assert result.status == "too_large"
    assert result.reason == "the source is larger than max_bytes (40,000 bytes); reading stopped there"


def test_a_declared_length_past_max_bytes_is_not_downloaded(loopback: LoopbackServer) -> None:
    url = loopback.add("/declared", body=b"y" * 50_000)
    result = failure(fetch_one(url, quick(max_bytes=10_000)))
    assert result.status == "too_large"
    assert result.reason == "the source declares 50,000 bytes, more than max_bytes (10,000); not downloaded"


def test_a_gzip_bomb_stops_at_the_decoded_cap(loopback: LoopbackServer) -> None:
    bomb = gzip.compress(b"\0" * 30_000_000, compresslevel=9)
    assert len(bomb) < 100_000  # small on the wire, huge decoded
    url = loopback.add("/bomb", body=bomb, headers=(("Content-Encoding", "gzip"),))
    result = failure(fetch_one(url, quick(max_bytes=1_000_000)))
    assert result.status == "too_large"


def test_a_gzip_body_is_decoded(loopback: LoopbackServer) -> None:
    url = loopback.add("/gz", body=gzipped(HTML), headers=(("Content-Encoding", "gzip"),))
    result = snapshot(fetch_one(url))
    assert result.body == HTML
    assert ("Content-Encoding", "gzip") in result.headers


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib-wrapped", "raw"])
def test_both_kinds_of_deflate_are_decoded(loopback: LoopbackServer, wbits: int) -> None:
    packer = zlib.compressobj(wbits=wbits)
    url = loopback.add(
        "/deflate", body=packer.compress(HTML) + packer.flush(), headers=(("Content-Encoding", "deflate"),)
    )
    assert snapshot(fetch_one(url)).body == HTML


def test_an_undecodable_encoding_is_named(loopback: LoopbackServer) -> None:
    url = loopback.add("/br", body=b"\x8b\x03\x80", headers=(("Content-Encoding", "br"),))
    result = failure(fetch_one(url))
    assert result.status == "unsupported_type"
    assert result.reason == "the body is encoded as 'br', which claimcheck does not decode"


def test_an_image_is_an_unsupported_type(loopback: LoopbackServer) -> None:
    url = loopback.add("/pic", body=b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    result = failure(fetch_one(url))
    assert result.status == "unsupported_type"
    assert result.reason == "the source is image/png, not a web page, plain text or PDF"
    assert result.http_status == 200


def test_a_pdf_sent_as_octet_stream_is_recognised_by_its_signature(loopback: LoopbackServer) -> None:
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
    url = loopback.add("/paper", body=pdf, content_type="application/octet-stream")
    result = snapshot(fetch_one(url))
    assert result.content_type == "application/pdf" and result.body == pdf


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=utf-8", b"<p>x</p>", "text/html"),
        ("application/xhtml+xml", b"<?xml version='1.0'?><html/>", "application/xhtml+xml"),
        ("text/plain", b"Plain words.", "text/plain"),
        ("application/pdf", b"%PDF-1.4 ...", "application/pdf"),
        ("text/html", b"%PDF-1.4 ...", "application/pdf"),  # the signature beats a wrong header
        ("", b"  <!DOCTYPE html><html><body>x</body></html>", "text/html"),
        ("application/octet-stream", b"Just some words, no markup.\n", "text/plain"),
        ("application/xml", b"<html xmlns='http://www.w3.org/1999/xhtml'></html>", "application/xhtml+xml"),
        ("application/xml", b"<feed><entry/></feed>", None),
        ("application/octet-stream", b"\x00\x01\x02binary", None),
        ("image/png", b"\x89PNG\r\n", None),
        ("application/json", b'{"a": 1}', None),
    ],
)
def test_type_sniffing(content_type: str, body: bytes, expected: str | None) -> None:
    assert sniff_media_type(content_type, body) == expected


# ── limits, retries, politeness ───────────────────────────────────────────────────────────


def test_per_host_concurrency_is_respected(loopback: LoopbackServer) -> None:
    refs = [Reference(str(n), loopback.add(f"/p{n}", body=HTML, delay=0.15)) for n in range(6)]
    results = fetch_references_sync(refs, quick(per_host_concurrency=2, max_concurrency=8))
    assert all(isinstance(result, Snapshot) for result in results)
    assert loopback.peak_in_flight == 2


def test_global_concurrency_is_respected(loopback: LoopbackServer) -> None:
    refs = [Reference(str(n), loopback.add(f"/g{n}", body=HTML, delay=0.15)) for n in range(7)]
    fetch_references_sync(refs, quick(per_host_concurrency=10, max_concurrency=3))
    assert loopback.peak_in_flight == 3


def test_a_503_is_retried_until_the_page_comes(loopback: LoopbackServer) -> None:
    url = loopback.add("/flaky", replies=[Reply(status=503), Reply(status=503), Reply(body=HTML)])
    result = snapshot(fetch_one(url))
    assert result.body == HTML and loopback.hits("/flaky") == 3


def test_a_lasting_5xx_is_reported_after_every_attempt(loopback: LoopbackServer) -> None:
    url = loopback.add("/down", status=502)
    result = failure(fetch_one(url, quick(retries=2)))
    assert result.reason == "the site failed with a server error (HTTP 502 Bad Gateway) after 3 attempts"
    assert loopback.hits("/down") == 3


def test_a_429_waits_as_long_as_retry_after_says(loopback: LoopbackServer) -> None:
    url = loopback.add("/busy", replies=[Reply(status=429, headers=(("Retry-After", "1"),)), Reply(body=HTML)])
    started = time.monotonic()
    result = snapshot(fetch_one(url, quick(total_deadline=3.0)))
    # backoff_base is 10 ms: only Retry-After explains a wait of a second.
    assert time.monotonic() - started >= 0.95
    assert result.body == HTML and loopback.hits("/busy") == 2


def test_a_retry_after_beyond_the_cap_ends_at_once(loopback: LoopbackServer) -> None:
    url = loopback.add("/later", status=429, headers=(("Retry-After", "120"),))
    result = failure(fetch_one(url, quick(retry_after_cap=2.0)))
    assert result.reason == (
        "refused by the site (HTTP 429 Too Many Requests): it may block automated readers; open the link "
        "in a browser to check; it asked to wait 120 s, longer than retry_after_cap (2 s)"
    )
    assert loopback.hits("/later") == 1


def test_retries_stop_before_they_would_pass_the_deadline(loopback: LoopbackServer) -> None:
    url = loopback.add("/wobbly", status=503)
    started = time.monotonic()
    result = failure(fetch_one(url, quick(backoff_base=2.0, total_deadline=1.0)))
    assert time.monotonic() - started < 0.8
    assert result.status == "http_error"
    assert result.reason.endswith("; waiting to retry would pass the total deadline")


def test_a_closed_port_is_unreachable_after_retries() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = failure(fetch_one(f"http://127.0.0.1:{port}/x", quick(retries=1)))
    assert result.status == "unreachable"
    assert result.reason.startswith("could not connect to 127.0.0.1 (")
    assert result.reason.endswith("(after 2 attempts)")


def test_duplicate_urls_are_fetched_once_and_shared(loopback: LoopbackServer) -> None:
    url = loopback.add("/shared", body=HTML, delay=0.05)
    seen: list[str] = []
    refs = [Reference("1", url), Reference("2", url + "#section"), Reference("3", url)]
    results = fetch_references_sync(refs, quick(), on_result=lambda result: seen.append(result.reference_id))
    assert loopback.hits("/shared") == 1
    assert [result.reference_id for result in results] == ["1", "2", "3"]
    assert results[1].url == url + "#section"
    assert sorted(seen) == ["1", "2", "3"]


def test_results_keep_the_order_of_the_references(loopback: LoopbackServer) -> None:
    slow = loopback.add("/slow-first", body=b"<p>slow</p>", delay=0.2)
    fast = loopback.add("/fast-second", body=b"<p>fast</p>")
    results = fetch_references_sync([Reference("a", slow), Reference("b", fast)], quick())
    assert [snapshot(result).body for result in results] == [b"<p>slow</p>", b"<p>fast</p>"]


def test_politeness_delay_spaces_requests_to_one_host(loopback: LoopbackServer) -> None:
    refs = [Reference(str(n), loopback.add(f"/q{n}", body=HTML)) for n in range(3)]
    fetch_references_sync(refs, quick(politeness_delay=0.2))
    starts = sorted(seen.at for seen in loopback.requests)
    assert starts[2] - starts[0] >= 0.38


@pytest.mark.parametrize("bad", ["not a link", "http://exa mple.org/", "http://[::1/", "https://", ""])
def test_malformed_links_are_failures_not_exceptions(bad: str) -> None:
    result = failure(fetch_one(bad))
    assert result.status in ("blocked", "unreachable")
    assert result.reason and "\n" not in result.reason


# ── conditional requests (re-checks) ─────────────────────────────────────────────────────

ETAG = '"v1-walking"'
LAST_MODIFIED = "Tue, 02 Apr 2024 10:00:00 GMT"


def test_unchanged_etag_gives_a_304_snapshot_with_the_304_record(loopback: LoopbackServer, tmp_path: Path) -> None:
    url = loopback.add("/cond", body=HTML, etag=ETAG, last_modified=LAST_MODIFIED)
    with WarcRecorder(tmp_path / "a.warc.gz") as recorder:
        first = snapshot(fetch_one(url, recorder=recorder))
        etag, modified = _validators(first)
        again = snapshot(fetch_one(url, recorder=recorder, validators={url: (etag, modified)}))
    assert (etag, modified) == (ETAG, LAST_MODIFIED)
    sent = loopback.requests[-1].headers
    assert sent["if-none-match"] == ETAG and sent["if-modified-since"] == LAST_MODIFIED
    assert (again.http_status, again.body, again.content_sha256) == (304, b"", "")
    assert ("ETag", ETAG) in again.headers
    assert again.archived_as and again.archived_as != first.archived_as
    record = ArchiveIndex(tmp_path / "a.warc.gz").record(again.archived_as.split("#", 1)[1])
    assert record is not None and record.status == 304


def _validators(result: Snapshot) -> tuple[str | None, str | None]:
    headers = {name.lower(): value for name, value in result.headers}
    return headers.get("etag"), headers.get("last-modified")


def test_a_changed_page_answers_200_to_a_conditional_request(loopback: LoopbackServer) -> None:
    url = loopback.add("/cond", body=HTML, etag='"v2"')
    result = snapshot(fetch_one(url, validators={url: ('"v1"', None)}))
    assert loopback.requests[-1].headers["if-none-match"] == '"v1"'
    assert (result.http_status, result.body) == (200, HTML)


def test_last_modified_alone_is_sent_as_if_modified_since(loopback: LoopbackServer) -> None:
    url = loopback.add("/dated", body=HTML, last_modified=LAST_MODIFIED)
    later = "Wed, 03 Apr 2024 10:00:00 GMT"
    result = snapshot(fetch_one(url, validators={url: (None, later)}))
    assert "if-none-match" not in loopback.requests[-1].headers
    assert loopback.requests[-1].headers["if-modified-since"] == later
    assert result.http_status == 304


def test_validators_go_only_to_their_own_url(loopback: LoopbackServer) -> None:
    asked = loopback.add("/asked", body=HTML, etag=ETAG)
    other = loopback.add("/other", body=HTML, etag=ETAG)
    references = [Reference("1", asked), Reference("2", other)]
    results = fetch_references_sync(references, quick(), validators={asked: (ETAG, None)})
    assert [snapshot(result).http_status for result in results] == [304, 200]
    sent = {seen.path: seen.headers for seen in loopback.requests}
    assert "if-none-match" in sent["/asked"] and "if-none-match" not in sent["/other"]


def test_an_unasked_304_is_an_http_error(loopback: LoopbackServer) -> None:
    url = loopback.add("/odd", status=304, content_type=None)
    result = failure(fetch_one(url))
    assert (result.status, result.http_status) == ("http_error", 304)


def test_a_304_is_replayed_from_the_archive(loopback: LoopbackServer, tmp_path: Path) -> None:
    url = loopback.add("/cond", body=HTML, etag=ETAG)
    archive = tmp_path / "recheck.warc.gz"
    with WarcRecorder(archive) as recorder:
        live = snapshot(fetch_one(url, recorder=recorder, validators={url: (ETAG, None)}))
    loopback.stop()
    replayed = snapshot(fetch_one(url, transport=ReplayTransport(archive), validators={url: (ETAG, None)}))
    assert live.http_status == replayed.http_status == 304
    assert replayed == live


# ── robots.txt ────────────────────────────────────────────────────────────────────────────


def test_robots_txt_is_obeyed_and_read_once_per_site(loopback: LoopbackServer) -> None:
    rules = b"User-agent: claimcheck-test\nDisallow: /private\n\nUser-agent: *\nDisallow: /\n"
    loopback.add("/robots.txt", body=rules, content_type="text/plain")
    open_page = loopback.add("/public", body=HTML)
    closed_page = loopback.add("/private/page", body=HTML)
    results = fetch_references_sync(
        [Reference("1", open_page), Reference("2", closed_page)], quick(respect_robots=True)
    )
    assert snapshot(results[0]).body == HTML
    refused = failure(results[1])
    assert refused.status == "robots_disallowed"
    assert refused.reason == "robots.txt of 127.0.0.1 does not allow claimcheck-test to read this page"
    assert loopback.hits("/robots.txt") == 1 and loopback.hits("/private/page") == 0


def test_robots_txt_is_ignored_when_not_respected(loopback: LoopbackServer) -> None:
    loopback.add("/robots.txt", body=b"User-agent: *\nDisallow: /\n", content_type="text/plain")
    assert snapshot(fetch_one(loopback.add("/page", body=HTML), quick(respect_robots=False))).body == HTML
    assert loopback.hits("/robots.txt") == 0


@pytest.mark.parametrize(("robots_status", "allowed"), [(404, True), (503, False)])
def test_a_missing_robots_txt_allows_and_a_failing_one_disallows(
    loopback: LoopbackServer, robots_status: int, allowed: bool
) -> None:
    loopback.add("/robots.txt", status=robots_status)
    result = fetch_one(loopback.add("/page", body=HTML), quick(respect_robots=True))
    assert isinstance(result, Snapshot) is allowed
    if not allowed:
        assert failure(result).status == "robots_disallowed"
        assert "could not be read (HTTP 503 Service Unavailable)" in failure(result).reason


def test_a_robots_request_waits_for_its_hosts_slot(loopback: LoopbackServer) -> None:
    # Two origins on one host (127.0.0.1, two ports): one source holds the host's only slot
    # with a slow page; the other is redirected to the second origin, whose robots.txt it
    # must not ask for until the slot is free.
    with LoopbackServer() as second:
        second.add("/robots.txt", status=404)
        target = second.add("/b", body=HTML)
        loopback.add("/slow", body=HTML, delay=0.4)
        loopback.redirect("/a", target)
        redirected = loopback.url("/a", host="localhost")
        results = fetch_references_sync(
            [Reference("1", loopback.url("/slow")), Reference("2", redirected)],
            quick(respect_robots=True, per_host_concurrency=1, max_concurrency=2, total_deadline=3.0),
        )
        assert all(isinstance(result, Snapshot) for result in results), results
        slow_started = next(seen.at for seen in loopback.requests if seen.path == "/slow")
        robots_asked = next(seen.at for seen in second.requests if seen.path == "/robots.txt")
        assert robots_asked - slow_started >= 0.35


# ── the address guard, end to end ─────────────────────────────────────────────────────────


def test_loopback_is_refused_by_default_and_the_server_sees_nothing(loopback: LoopbackServer) -> None:
    url = loopback.add("/page", body=HTML)
    result = failure(fetch_one(url, quick(allow_private_hosts=False)))
    assert result.status == "blocked"
    assert result.reason.startswith("127.0.0.1 is a loopback address; refused")
    assert loopback.hits() == 0


def test_loopback_is_fetched_with_allow_private_hosts(loopback: LoopbackServer) -> None:
    url = loopback.add("/page", body=HTML)
    assert snapshot(fetch_one(url, quick(allow_private_hosts=True))).body == HTML


@pytest.mark.parametrize("host", ["2130706433", "0x7f.0.0.1", "localhost"])
def test_other_spellings_of_loopback_are_refused(loopback: LoopbackServer, host: str) -> None:
    url = loopback.add("/page", body=HTML)
    result = failure(fetch_one(url.replace("127.0.0.1", host), quick(allow_private_hosts=False)))
    assert result.status == "blocked", result.reason
    assert "loopback" in result.reason
    assert loopback.hits() == 0


def test_non_web_schemes_are_blocked_without_a_request() -> None:
    results = fetch_references_sync(
        [
            Reference("1", "file:///etc/passwd"),
            Reference("2", "ftp://example.org/a"),
            Reference("3", "javascript:alert(1)"),
        ],
        quick(allow_private_hosts=True),
    )
    assert [failure(result).status for result in results] == ["blocked"] * 3
    assert failure(results[0]).reason == "'file:' links are not fetched (only http and https)"


def _pretend_resolver(names: dict[str, str], calls: list[str]):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return [names.get(host, host)]

    return resolve


def _loopback_counts_as_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """The production classifier, except that 127.0.0.1 plays a public web server."""
    return None if str(address) == "127.0.0.1" else classify_address(address)


def test_a_redirect_from_a_public_host_to_a_private_one_is_refused(loopback: LoopbackServer) -> None:
    calls: list[str] = []
    guard = AddressGuard(
        resolver=_pretend_resolver({"news.test": "127.0.0.1", "intranet.test": "10.0.0.7"}, calls),
        classify=_loopback_counts_as_public,
    )
    start = loopback.redirect("/story", loopback.url("/admin", host="intranet.test"))
    loopback.add("/admin", body=b"internal")
    result = failure(
        fetch_one(
            start.replace("127.0.0.1", "news.test"),
            quick(allow_private_hosts=False),
            transport=GuardedTransport(guard),
        )
    )
    assert result.status == "blocked"
    assert result.reason.startswith(
        f"redirected to {loopback.url('/admin', host='intranet.test')}: "
        "intranet.test resolves to 10.0.0.7, a private address; refused"
    )
    assert result.redirects == (loopback.url("/story", host="news.test"),)
    assert (loopback.hits("/story"), loopback.hits("/admin")) == (1, 0)


def test_the_connection_goes_to_the_address_that_was_checked(loopback: LoopbackServer) -> None:
    # "source.test" exists only in the pretend resolver: reaching the server proves the
    # connection used the checked address, with no second lookup of the name.
    calls: list[str] = []
    guard = AddressGuard(
        resolver=_pretend_resolver({"source.test": "127.0.0.1"}, calls), classify=_loopback_counts_as_public
    )
    loopback.add("/page", body=HTML)
    result = snapshot(
        fetch_one(
            loopback.url("/page", host="source.test"),
            quick(allow_private_hosts=False),
            transport=GuardedTransport(guard),
        )
    )
    assert result.body == HTML
    assert calls == ["source.test"]
    assert loopback.requests[0].headers["host"] == f"source.test:{loopback.port}"


def test_a_name_that_resolves_too_slowly_is_a_connect_timeout() -> None:
    async def slow_resolver(host: str, port: int) -> Sequence[str]:
        await asyncio.sleep(5)
        return ["127.0.0.1"]

    guard = AddressGuard(resolver=slow_resolver)
    started = time.monotonic()
    result = failure(
        fetch_one("http://slow.test/page", quick(connect_timeout=0.2, retries=1), transport=GuardedTransport(guard))
    )
    assert time.monotonic() - started < 1.5
    assert result.status == "timeout"
    assert result.reason == "could not connect to slow.test within 0.2 s (after 2 attempts)"


# ── never an exception for a source ───────────────────────────────────────────────────────


@hypothesis.settings(
    max_examples=150, deadline=None, suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture]
)
@hypothesis.given(
    url=st.one_of(
        st.text(max_size=40),
        st.builds(lambda tail: "https://example.org/" + tail, st.text(max_size=30)),
        st.builds(lambda host: f"http://{host}/", st.text(max_size=20)),
    )
)
def test_any_link_at_all_ends_in_a_result(url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    # A replay has no network, so arbitrary links cost nothing; the fetch code is the same.
    archive = tmp_path_factory.getbasetemp() / "fuzz.warc.gz"
    if not archive.exists():
        write_fixture_archive(archive, [("https://example.org/", 200, [("Content-Type", "text/plain")], b"x")])
    (result,) = fetch_references_sync([Reference("1", url)], quick(), transport=ReplayTransport(archive))
    assert result.reference_id == "1" and result.url == url
    if isinstance(result, FetchFailure):
        assert result.status in SOURCE_STATUSES and result.reason and "\n" not in result.reason


def test_a_programmer_error_in_on_result_propagates_as_itself(loopback: LoopbackServer) -> None:
    url = loopback.add("/page", body=HTML)

    def broken(result: Snapshot | FetchFailure) -> None:
        raise KeyError("bug in the caller")

    with pytest.raises(KeyError, match="bug in the caller"):
        fetch_references_sync([Reference("1", url)], quick(), on_result=broken)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_tls_is_verified_against_the_host_name_not_the_address_connected_to(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=source.test",
         "-addext", "subjectAltName=DNS:source.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    names = {"source.test": "127.0.0.1", "impostor.test": "127.0.0.1"}
    guard = AddressGuard(resolver=_pretend_resolver(names, []), classify=_loopback_counts_as_public)
    transport = GuardedTransport(guard, ssl_context=ssl.create_default_context(cafile=str(cert)))
    with LoopbackServer(tls=server_tls) as server:
        server.add("/page", body=HTML)
        # Both names lead to the same address; only the one the certificate names is accepted.
        good = fetch_one(server.url("/page", host="source.test"), quick(retries=2), transport=transport)
        bad = fetch_one(server.url("/page", host="impostor.test"), quick(retries=2), transport=transport)
    assert snapshot(good).body == HTML
    refused = failure(bad)
    assert refused.status == "unreachable"
    assert refused.reason.startswith("the TLS certificate of impostor.test could not be verified ("), refused.reason
    assert server.hits() == 1  # the impostor got no request, and was not retried


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        ("", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 -0000", 0.0),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date(header: str, expected: float | None) -> None:
    assert retry_after_seconds(header) == expected


def test_retry_after_dates_in_the_future_count_from_now() -> None:
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    seconds = retry_after_seconds(later)
    assert seconds is not None and 85 <= seconds <= 90
