"""The address guard: where the fetcher may connect.

An article is untrusted input. A reference to `http://169.254.169.254/latest/meta-data/` or to
a name that resolves to 10.0.0.5 would make claimcheck read the operator's own network and
copy it into a report (server-side request forgery). So, by default, the fetcher refuses:

    scheme        anything but http and https (file:, ftp:, data:, javascript:, gopher:, ...)
    credentials   a link carrying a user name or password
    addresses     loopback, private, link-local, carrier-grade NAT (100.64.0.0/10), multicast,
                  unspecified, reserved, the cloud metadata addresses, and the IPv6 forms that
                  embed such an IPv4 address (IPv4-mapped, NAT64, 6to4)

Two layers, both applied on every redirect hop:

1. `check_url(url)` looks at the URL alone (no I/O); the fetcher calls it before each request.
2. `GuardedTransport` is the network transport. Its connection backend resolves the host
   itself, classifies *every* address the name resolves to, and then connects to the very
   address it checked. That closes DNS rebinding (a name answering "public" to the check and
   "private" to a second lookup at connect time): there is no second lookup. TLS still
   verifies the certificate against the host name, because httpcore takes SNI from the URL,
   not from the address connected to.

`allow_private_hosts` (the CLI's `--allow-private-hosts`) lifts layer 2 only; a file: link
is never fetched. Environment proxies are ignored on purpose: through a proxy the guard
would check the proxy's address, not the source's.

Both layers raise exceptions derived from httpx's, so any transport (a loopback server, the
archive replay) can end a fetch with a stated reason the fetcher turns into a FetchFailure:
`AddressBlocked` → status "blocked"; `Unreachable` → status "unreachable", never retried.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
import typing
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Sequence,
)
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the addresses the host name resolves to, as strings.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
# address -> the class that makes it off limits ("a loopback address"), or None when public.
Classifier = Callable[[IPAddress], "str | None"]

ALLOWED_SCHEMES = ("http", "https")

# Instance metadata services hand out credentials; named apart so the reason says so.
# AWS/GCP/Azure/OpenStack, AWS over IPv6, Oracle Cloud, Alibaba Cloud.
_METADATA = frozenset(
    ipaddress.ip_address(text) for text in ("169.254.169.254", "fd00:ec2::254", "192.0.0.192", "100.100.100.200")
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
# IETF protocol assignments; Python 3.11 does not count all of it as non-global.
_IETF_PROTOCOL = ipaddress.ip_network("192.0.0.0/24")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressBlocked(httpx.TransportError):
    """The guard refused a URL or an address before any connection was made.

    `str(error)` is the one-line reason shown in the report.
    """


class Unreachable(httpx.ConnectError):
    """A final "cannot reach this" with a reason fit for the report; the fetcher does not
    retry it (a name that does not resolve, a URL missing from an archive)."""


class HostNotFound(Unreachable):
    """The host name does not resolve."""


def classify_address(address: IPAddress | str) -> str | None:
    """The class that puts `address` off limits, as a phrase ("a loopback address"), or None
    when it is a public address the fetcher may connect to.

    IPv6 addresses that carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96,
    6to4 2002::/16) are judged by the IPv4 address they lead to.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        embedded, form = _embedded_ipv4(ip)
        if embedded is not None:
            inner = classify_address(embedded)
            return f"{inner} in {form} form" if inner else None
    if ip in _METADATA:
        return "a cloud metadata address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "a carrier-grade NAT address (100.64.0.0/10)"
    if ip.is_multicast:
        return "a multicast address"
    # Reserved before private: Python also counts 240.0.0.0/4 as private, and "reserved" is
    # the truer word for it.
    if ip.is_reserved or (isinstance(ip, ipaddress.IPv4Address) and ip in _IETF_PROTOCOL):
        return "a reserved address"
    if ip.is_private or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local):
        return "a private address"
    if not ip.is_global:
        return "a reserved address (not globally routable)"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address | None, str]:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped IPv6"
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "NAT64 IPv6"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4 IPv6"
    return None, ""


def check_url(url: str) -> str | None:
    """Why `url` must not be fetched, judging from the URL alone, or None when it may be.

    Refuses every scheme but http(s), links with a user name or password, and links with no
    host. The address the host resolves to is checked later, at connect time.
    """
    try:
        parts = urlsplit(url.strip())
        has_credentials = parts.username is not None or parts.password is not None
        host = parts.hostname
    except ValueError:
        return "the link is not a valid web address"
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"'{scheme}:' links" if scheme else "links without http:// or https://"
        return f"{shown} are not fetched (only http and https)"
    if has_credentials:
        return "the link carries a user name or password, which claimcheck never sends"
    if not host:
        return "the link has no host name"
    return None


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """Resolve `host` with the operating system's resolver (getaddrinfo, off the event loop).

    Returns the distinct addresses in the resolver's order; raises HostNotFound.
    """
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise HostNotFound(f"the host name {host} does not resolve ({_first_line(error)})") from None
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """Resolves host names and refuses the addresses `classify` puts off limits.

    `resolver` and `classify` are injectable so tests can stand a loopback server in for a
    "public" host; production uses the system resolver and `classify_address`.
    """

    allow_private: bool = False
    resolver: Resolver = system_resolver
    classify: Classifier = classify_address

    async def addresses_for(self, host: str, port: int) -> tuple[str, ...]:
        """The addresses to connect to for `host`, all of them checked.

        Raises AddressBlocked if *any* address is off limits (a name resolving to both a
        public and a private address is exactly what a rebinding attack looks like), and
        HostNotFound when the name has no address.
        """
        addresses = tuple(await self.resolver(host, port))
        if not addresses:
            raise HostNotFound(f"the host name {host} does not resolve")
        if self.allow_private:
            return addresses
        for address in addresses:
            label = self.classify(ipaddress.ip_address(address))
            if label:
                shown = f"{host} is" if host == address else f"{host} resolves to {address},"
                raise AddressBlocked(
                    f"{shown} {label}; refused because an article's links must not reach "
                    "local or internal networks (--allow-private-hosts lifts this)"
                )
        return addresses


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the guard in front of every new connection."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve and check `host`, then connect to a checked address (never re-resolved)."""
        try:
            # Name resolution counts against the connect timeout, as it would inside a socket
            # library's own connect.
            with anyio.fail_after(timeout):
                addresses = await self._guard.addresses_for(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took longer than {timeout:g} s") from None
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None  # addresses is never empty
        raise last_error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[typing.Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        """Never used for sources: a local socket is as internal as it gets."""
        raise AddressBlocked("local sockets are never used to fetch sources")

    async def sleep(self, seconds: float) -> None:
        """Delegate to anyio (httpcore uses it between its own retries, which we leave off)."""
        await self._inner.sleep(seconds)


# httpcore's exceptions and the httpx ones the fetcher understands; most specific first.
_ERROR_MAP: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as error:
        for core_type, httpx_type in _ERROR_MAP:
            if isinstance(error, core_type):
                raise httpx_type(_first_line(error)) from error
        raise


class _MappedStream(httpx.AsyncByteStream):
    def __init__(self, stream: typing.AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for chunk in self._stream:
                yield chunk

    async def aclose(self) -> None:
        closer = getattr(self._stream, "aclose", None)
        if closer is not None:
            with _httpx_errors():
                await closer()


class GuardedTransport(httpx.AsyncBaseTransport):
    """The network transport of the fetcher: an httpcore connection pool whose every new
    connection goes through `guard` (see the module docstring)."""

    def __init__(
        self,
        guard: AddressGuard,
        *,
        max_connections: int = 16,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or _default_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            network_backend=_GuardedBackend(guard),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` through the guarded pool; httpcore errors come out as httpx ones."""
        assert isinstance(request.stream, typing.AsyncIterable)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = await self._pool.handle_async_request(core_request)
        assert isinstance(response.stream, typing.AsyncIterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_MappedStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self._pool.aclose()


@functools.cache
def _default_ssl_context() -> ssl.SSLContext:
    """httpx's verifying context (certifi's CA bundle), built once: loading the bundle costs
    tens of milliseconds, and a context is safe to share between connections."""
    return httpx.create_ssl_context()


def _first_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__
