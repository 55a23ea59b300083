"""The desk in a real browser: Playwright drives Debian's Chromium (/usr/bin/chromium; the
browser comes from the system package, never a download). Skipped, with one line, only where
no Chromium is installed; `.ci/run` installs it.

Set CLAIMCHECK_SCREENSHOT=path.png to have the test suite's browser save a screenshot of the
review page (docs/images/review.png was made this way).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_serving import Desk, check_into, recheck_all, serving
from desk_site import SLEEP_LONG_REVISED, page, sleep_page
from loopback import LoopbackServer, Reply

from pipeline.store import Store

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (apt-get install chromium)")

# Without the background-networking switches Chromium dials out at start, which a closed
# network refuses; the rest keep it headless, sandbox-free (root in CI) and quiet.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


@pytest.fixture
def tab(browser: object) -> Iterator[object]:
    """A fresh page that fails the test on any dialog (alert, confirm) a page opens."""
    browser.clear_cookies()  # type: ignore[attr-defined]
    opened = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield opened
    opened.close()
    assert dialogs == [], f"a page opened a dialog: {dialogs}"


def _flag(tab: object, claim: str, code: str = "CAUSAL_OVERSTATEMENT") -> object:
    return tab.locator(f"#claim-{claim} li.flag").filter(has=tab.locator(f"code:text-is('{code}')"))  # type: ignore[attr-defined]


def _status(tab: object, claim: str, code: str = "CAUSAL_OVERSTATEMENT") -> str:
    return _flag(tab, claim, code).get_attribute("data-status")  # type: ignore[attr-defined]


def test_dismiss_with_a_reason_survives_a_reload_and_the_keys_work(tab: object, desk: Desk) -> None:
    with serving(desk.db) as base:
        tab.goto(f"{base}/runs/1")  # type: ignore[attr-defined]
        flag = _flag(tab, "c1")
        flag.locator("details.dismiss summary").click()
        flag.locator("details.dismiss textarea").fill("The cohort adjusted for exercise and smoking.")
        flag.locator("details.dismiss button").click()
        tab.wait_for_selector("#claim-c1 li.flag[data-status='dismissed']")  # type: ignore[attr-defined]
        tab.reload()  # type: ignore[attr-defined]
        assert _status(tab, "c1") == "dismissed"
        assert "The cohort adjusted for exercise and smoking." in _flag(tab, "c1").inner_text()
        # Keyboard: j j moves to the second claim of the queue, c confirms its first open flag;
        # j, d opens the third claim's dismissal, Enter sends the reason typed.
        for key in ("j", "j", "c"):
            tab.keyboard.press(key)  # type: ignore[attr-defined]
        tab.wait_for_selector("#claim-c2 li.flag[data-status='confirmed']")  # type: ignore[attr-defined]
        tab.keyboard.press("j")  # type: ignore[attr-defined]
        tab.keyboard.press("d")  # type: ignore[attr-defined]
        tab.keyboard.type("Said so in the discussion section.")  # type: ignore[attr-defined]
        tab.keyboard.press("Enter")  # type: ignore[attr-defined]
        tab.wait_for_selector("#claim-c3 li.flag[data-status='dismissed']")  # type: ignore[attr-defined]
        tab.keyboard.press("k")  # type: ignore[attr-defined]
        assert tab.locator(".queue .card.current").get_attribute("id") == "claim-c2"  # type: ignore[attr-defined]
        # Posted from the page but without the form's token: refused.
        status = tab.evaluate(  # type: ignore[attr-defined]
            "fetch('/runs/1/flags/0', {method: 'POST', body: new URLSearchParams({action: 'confirm'})})"
            ".then(response => response.status)"
        )
        assert status == 400
        screenshot = os.environ.get("CLAIMCHECK_SCREENSHOT")
        if screenshot:
            tab.reload()  # type: ignore[attr-defined]
            tab.keyboard.press("j")  # type: ignore[attr-defined]
            tab.evaluate("window.scrollTo(0, 0)")  # type: ignore[attr-defined]
            tab.screenshot(path=screenshot)  # type: ignore[attr-defined]
    with Store(desk.db) as store:
        decided = [(d.claim, d.action, d.reason) for d in store.decisions(1)]
    assert decided == [
        ("c1", "dismiss", "The cohort adjusted for exercise and smoking."),
        ("c2", "confirm", ""),
        ("c3", "dismiss", "Said so in the discussion section."),
    ]


def test_a_recheck_keeps_a_dismissal_while_the_evidence_stands_and_reopens_it_when_it_changes(
    tab: object, desk: Desk, loopback: LoopbackServer
) -> None:
    with serving(desk.db) as base:
        tab.goto(f"{base}/runs/1")  # type: ignore[attr-defined]
        for claim in ("c2", "c3"):
            flag = _flag(tab, claim)
            flag.locator("details.dismiss summary").click()
            flag.locator("details.dismiss textarea").fill(f"Accepted wording for {claim}.")
            flag.locator("details.dismiss button").click()
            tab.wait_for_selector(f"#claim-{claim} li.flag[data-status='dismissed']")  # type: ignore[attr-defined]
        assert recheck_all(desk.db).articles[0].alerts == ()  # nothing changed
        tab.goto(f"{base}/runs/2")  # type: ignore[attr-defined]
        assert (_status(tab, "c2"), _status(tab, "c3")) == ("dismissed", "dismissed")
        loopback.add("/sleep", Reply(body=sleep_page(SLEEP_LONG_REVISED), etag='"s2"'))
        (changed,) = recheck_all(desk.db).articles
        assert [(item.flag.claim, item.flag.code) for item in changed.reopened] == [("c3", "CAUSAL_OVERSTATEMENT")]
        tab.goto(f"{base}/runs/3")  # type: ignore[attr-defined]
        assert (_status(tab, "c2"), _status(tab, "c3")) == ("dismissed", "reopened")
        text = _flag(tab, "c3").inner_text()
        assert "Reopened: the passage it rests on changed since ana dismissed it on " in text
        assert SLEEP_LONG_REVISED in text
        # The history under the reopened flag keeps the dismissal it came from.
        _flag(tab, "c3").locator("details.history summary").click()
        assert "Accepted wording for c3." in _flag(tab, "c3").locator("details.history").inner_text()


def test_a_hostile_source_never_runs_in_the_desk_or_its_archived_copy(
    tab: object, loopback: LoopbackServer, tmp_path: Path
) -> None:
    hostile = page(
        "Zinc &lt;img src=x onerror=window.pwned=1&gt; survey",
        "In a cross-sectional survey, adults who took zinc &lt;script&gt;window.pwned=2&lt;/script&gt; reported fewer colds.",
        '<a href="javascript:window.pwned=3">Adults</a> who took zinc <img src=x onerror="window.pwned=4"> slept more.',
        head="<script>window.pwned = 5; document.title = 'ran';</script>",
    )
    loopback.add("/survey", Reply(body=hostile))
    article = tmp_path / "zinc.md"
    article.write_text(
        "# Zinc\n\nTaking zinc every day prevents colds in adults <img src=x onerror=window.pwned=6> [1].\n\n"
        f"## Sources\n1. Survey. {loopback.url('/survey')}\n",
        encoding="utf-8",
    )
    db = tmp_path / "runs.db"
    check_into(article, db, tmp_path / "out")
    with serving(db) as base:
        tab.goto(f"{base}/runs/1")  # type: ignore[attr-defined]
        tab.wait_for_load_state("load")  # type: ignore[attr-defined]
        for link in tab.locator(".queue a").all():  # type: ignore[attr-defined]
            assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
        tab.mouse.move(300, 300)  # type: ignore[attr-defined]
        assert tab.evaluate("window.pwned") is None  # type: ignore[attr-defined]
        assert "window.pwned=2" in tab.locator(".queue").inner_text()  # there, as words
        assert tab.locator("img").count() == 0  # type: ignore[attr-defined]
        tab.goto(f"{base}/runs/1/sources/1/archived")  # type: ignore[attr-defined]
        assert tab.evaluate("window.pwned") is None  # type: ignore[attr-defined]
        assert tab.title() != "ran"  # type: ignore[attr-defined]
