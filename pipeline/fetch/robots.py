"""robots.txt as RFC 9309 asks: read once per site in a run, obeyed for every page.

Step 2 of pipeline.fetch.fetcher. A site with no robots.txt, or one that cannot be read, allows
everything; a server error on it disallows the whole site (RFC 9309 §2.3.1). The robots.txt
request goes through the run's `Exchanger`, so it is archived and spaced like any other.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
from protego import Protego

from ..config import FetchSettings
from .addresses import check_url
from .exchange import Exchanger
from .rules import redirect_target, status_text
from .trail import Failed

# RFC 9309 §2.5: a crawler must parse at least the first 500 KiB of robots.txt.
_ROBOTS_MAX_BYTES = 500 * 1024
_ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 §2.3.1.2


class RobotsRules:
    """The robots.txt rules of the sites one run visits, each read once and shared."""

    def __init__(self, settings: FetchSettings, exchanger: Exchanger) -> None:
        self.settings = settings
        self.exchanger = exchanger
        self.robots_agent = settings.user_agent.split("/", 1)[0].split()[0] if settings.user_agent.strip() else "*"
        self._robots: dict[str, asyncio.Task[Protego | str | None]] = {}

    async def aclose(self) -> None:
        """Stop the reads still under way."""
        for task in self._robots.values():
            task.cancel()
        await asyncio.gather(*self._robots.values(), return_exceptions=True)

    async def obey(self, url: str) -> None:
        """Raise Failed("robots_disallowed") when the site's robots.txt forbids `url`."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        task = self._robots.get(origin)
        if task is None:
            task = self._robots[origin] = asyncio.ensure_future(self._load(origin))
        # Shielded: a source hitting its deadline must not cancel the read other sources share.
        rules = await asyncio.shield(task)
        if isinstance(rules, str):
            raise Failed("robots_disallowed", rules)
        if rules is not None and not rules.can_fetch(url, self.robots_agent):
            raise Failed(
                "robots_disallowed",
                f"robots.txt of {parts.hostname} does not allow {self.robots_agent} to read this page",
            )

    async def _load(self, origin: str) -> Protego | str | None:
        """The site's robots rules; None (allow all) when it has none or cannot be read, a
        reason string (disallow all) on a server error, as RFC 9309 §2.3.1 asks."""
        url = f"{origin}/robots.txt"
        try:
            async with asyncio.timeout(self.settings.total_deadline):
                for _ in range(_ROBOTS_MAX_REDIRECTS + 1):
                    if check_url(url):
                        return None
                    exchange = await self.exchanger.exchange(url, _ROBOTS_MAX_BYTES, None, check_type=False)
                    location = exchange.header("location").strip()
                    target = redirect_target(url, location) if 300 <= exchange.status < 400 and location else None
                    if target is not None:
                        url = target
                        continue
                    if 200 <= exchange.status < 300:
                        return Protego.parse(exchange.body.decode("utf-8", "replace"))
                    if exchange.status >= 500:
                        answer = status_text(exchange.status, exchange.reason_phrase)
                        return (
                            f"robots.txt of {urlsplit(origin).hostname} could not be read ({answer}), "
                            "so the whole site counts as disallowed (RFC 9309)"
                        )
                    return None
        except (httpx.TransportError, httpx.InvalidURL, TimeoutError):
            # The page's own fetch meets the same problem and reports it properly.
            return None
        return None
