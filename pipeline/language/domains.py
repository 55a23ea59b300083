"""Host names and registrable domains of addresses: what an address says about whose site it is.

Shared by the extract stage (a page's publisher from its address), outlet names (the names a
source goes by) and attribution; the public suffix list comes from the `tld` package.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from tld import get_fld

__all__ = ["address_names_site", "host_of", "registrable_domain"]


def host_of(url: str) -> str:
    """The lower-case host name of `url` ("" when it has none), without a trailing dot."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def registrable_domain(url: str) -> str:
    """The registrable domain of `url` ("bbc.co.uk" for news.bbc.co.uk), by the public
    suffix list; the bare host (without "www.") where there is none (IP, localhost)."""
    host = host_of(url)
    if not host:
        return ""
    found = get_fld(host, fix_protocol=True, fail_silently=True)
    return str(found) if found else host.removeprefix("www.")


def address_names_site(url: str) -> bool:
    """Whether `url`'s host can say whose site it is: False for an IP address, "localhost"
    and a single-label host (a page served from a test or intranet server), whose host names
    no publisher; True for any dotted name."""
    host = host_of(url)
    if not host or host == "localhost" or host.endswith(".localhost") or "." not in host:
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    return False
