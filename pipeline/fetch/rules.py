"""The HTTP rules the fetcher applies, as pure functions: where a redirect goes, what a
conditional request sends, how long to wait before a retry, and the one-line reason an
editor reads for each way a source can fail.

No I/O here: pipeline.fetch.fetcher does the requests and calls these, so each rule is tested on
values alone and every reason is written in one place.
"""

from __future__ import annotations

import random
import ssl
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import httpx

from ..config import FetchSettings
from ..records import SourceStatus
from .addresses import AddressBlocked, Unreachable

__all__ = [
    "backoff_delay",
    "conditional_headers",
    "explain_transport_error",
    "http_error_reason",
    "is_certificate_error",
    "redirect_target",
    "retry_after_seconds",
    "status_text",
    "url_host",
]


def redirect_target(current: str, location: str) -> str | None:
    """Where a Location header points, or None when it is no address at all.

    An absolute Location is kept as the site wrote it (so a "javascript:" or "file:" target
    is refused by name at the next hop); a relative one is resolved against `current`.
    """
    try:
        if urlsplit(location).scheme:
            target = location
        else:
            try:
                target = str(httpx.URL(current).join(location))
            except httpx.InvalidURL:
                target = urljoin(current, location)
        urlsplit(target).hostname  # noqa: B018 - raises ValueError on a malformed host
    except ValueError:
        return None
    return target


def conditional_headers(validators: tuple[str | None, str | None] | None) -> dict[str, str]:
    """The request headers that ask "only if changed since" (RFC 9110 §13.1) for the
    (ETag, Last-Modified) of an earlier fetch; {} when there are none."""
    etag, last_modified = validators or (None, None)
    headers = {}
    if etag and etag.strip():
        headers["If-None-Match"] = etag.strip()
    if last_modified and last_modified.strip():
        headers["If-Modified-Since"] = last_modified.strip()
    return headers


def backoff_delay(base: float, attempt: int) -> float:
    """Seconds to wait before retry number `attempt` + 1: exponential backoff with "equal
    jitter" (half fixed, half random), so sources retrying one host do not come back in
    lockstep."""
    step = base * 2.0**attempt
    return step / 2 + random.uniform(0, step / 2)


def retry_after_seconds(value: str) -> float | None:
    """Retry-After as seconds from now (delta-seconds or an HTTP date), None if absent/invalid."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" dates come back naive; HTTP dates are GMT anyway
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def status_text(status: int, reason_phrase: str = "") -> str:
    """ "HTTP 404 Not Found": the code with the site's phrase, else the standard one."""
    phrase = reason_phrase
    if not phrase:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
    return f"HTTP {status} {phrase}".strip()


def http_error_reason(status: int, reason_phrase: str, attempts: int, gave_up: str = "") -> str:
    """The reason line for a final 4xx/5xx (or other non-page) answer.

    403 and 429 are "refused by the site", never "dead": sites answer automated readers so,
    and a reader with a browser may well get the page (link checkers' most common false
    alarm). 404 and 410 are the dead links.
    """
    shown = status_text(status, reason_phrase)
    if status in (403, 429):
        reason = f"refused by the site ({shown}): it may block automated readers; open the link in a browser to check"
    elif status == 401:
        reason = f"the page needs a login ({shown})"
    elif status in (404, 410):
        reason = f"the page is not there ({shown}): the link is dead or the page has moved"
    elif status >= 500:
        reason = f"the site failed with a server error ({shown})"
    else:
        reason = f"the site answered {shown}"
    if attempts > 1:
        reason += f" after {attempts} attempts"
    if gave_up:
        reason += f"; {gave_up}"
    return reason


def explain_transport_error(
    error: Exception, url: str, *, attempts: int, receiving: int | None, settings: FetchSettings
) -> tuple[SourceStatus, str]:
    """The status and one-line reason for a transport error that ended the fetch of `url`
    after `attempts` tries; `receiving` is the status of a response cut off mid-body."""
    host = url_host(url) or url
    tries = f" (after {attempts} attempts)" if attempts > 1 else ""
    detail = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, AddressBlocked):
        return "blocked", detail
    if isinstance(error, Unreachable):
        return "unreachable", detail
    if is_certificate_error(error):
        return "unreachable", f"the TLS certificate of {host} could not be verified ({detail})"
    if isinstance(error, httpx.ConnectTimeout):
        return "timeout", f"could not connect to {host} within {settings.connect_timeout:g} s{tries}"
    if isinstance(error, httpx.ReadTimeout):
        answered = f"answered HTTP {receiving}, then " if receiving is not None else ""
        return "timeout", f"{host} {answered}stopped sending for more than {settings.read_timeout:g} s (read_timeout)"
    if isinstance(error, httpx.TimeoutException):
        return "timeout", f"{host} did not answer in time ({detail})"
    if isinstance(error, httpx.ConnectError):
        return "unreachable", f"could not connect to {host} ({detail}){tries}"
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return "unreachable", f"not a valid web address ({detail})"
    return "unreachable", f"the connection to {host} failed ({detail}){tries}"


def is_certificate_error(error: BaseException) -> bool:
    """Whether a connect error is a failed certificate check (final: retrying cannot help)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def url_host(url: str) -> str:
    """The lower-cased host name of `url` ("" when it has none or cannot be parsed)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
