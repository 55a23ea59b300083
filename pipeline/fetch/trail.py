"""Where one source's fetch has got to, and how it ends when it fails.

`Trail` is one source's state across its hops and retries: the redirects followed, the host
slot it holds, the attempts made, the last record archived, the status of a body still
arriving. It is what a FetchFailure must report. `Failed` ends the source with one from
wherever in the fetch the problem is found (pipeline.fetch.fetcher turns it into the failure).
"""

from __future__ import annotations

import dataclasses

from ..records import FetchFailure, SourceStatus
from .archive import utc_now


class Failed(Exception):
    """Ends one source with a FetchFailure (internal to the fetcher; never leaves pipeline.fetch.fetcher)."""

    def __init__(self, status: SourceStatus, reason: str, http_status: int | None = None) -> None:
        super().__init__(reason)
        self.status: SourceStatus = status
        self.reason = reason
        self.http_status = http_status


@dataclasses.dataclass(slots=True)
class Trail:
    """Where one source's fetch has got to: what a failure must report."""

    url: str
    current: str
    hops: list[str] = dataclasses.field(default_factory=list)
    host: str | None = None
    attempts: int = 0
    deadline: float = 0.0
    archived_as: str = ""
    # When the last response was received (the archive's time, in a replay).
    fetched_at: str = ""
    # The status of a response whose body is still being read: a deadline striking then
    # reports what the site did answer.
    receiving: int | None = None
    # The status of the last redirect followed (what the site last answered before a
    # redirect target is refused).
    redirected_by: int | None = None
    # If-None-Match / If-Modified-Since from an earlier fetch; sent on every hop, because
    # the validators describe the page the earlier fetch ended on, wherever it started.
    conditions: dict[str, str] = dataclasses.field(default_factory=dict)

    def failure(self, status: SourceStatus, reason: str, http_status: int | None = None) -> FetchFailure:
        if self.hops and self.current not in self.hops:  # the problem is at a redirect's target
            reason = f"redirected to {self.current}: {reason}"
        return FetchFailure(
            reference_id="",
            url=self.url,
            status=status,
            reason=reason,
            fetched_at=self.fetched_at or utc_now(),
            http_status=http_status,
            final_url=self.current,
            archived_as=self.archived_as,
            redirects=tuple(self.hops),
        )
