"""The address guard's rules, without any network: address classes, URL checks, and the
guard's resolve-then-check step with a stand-in resolver."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence

import pytest

from pipeline.fetch.addresses import (
    AddressBlocked,
    AddressGuard,
    HostNotFound,
    check_url,
    classify_address,
    system_resolver,
)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.255.0.9", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("172.31.255.254", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.1.1", "a link-local address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("100.64.0.1", "a carrier-grade NAT address (100.64.0.0/10)"),
        ("100.127.255.255", "a carrier-grade NAT address (100.64.0.0/10)"),
        ("224.0.0.1", "a multicast address"),
        ("239.255.255.250", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("240.0.0.1", "a reserved address"),
        ("255.255.255.255", "a reserved address"),
        ("192.0.0.8", "a reserved address"),
        ("192.0.2.10", "a private address"),  # documentation range: never a real source
        ("::1", "a loopback address"),
        ("::", "an unspecified address"),
        ("fe80::1", "a link-local address"),
        ("fe80::1%eth0", "a link-local address"),
        ("fc00::1", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("fec0::1", "a private address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("ff02::1", "a multicast address"),
        ("::ffff:127.0.0.1", "a loopback address in IPv4-mapped IPv6 form"),
        ("::ffff:169.254.169.254", "a cloud metadata address in IPv4-mapped IPv6 form"),
        ("::ffff:10.0.0.1", "a private address in IPv4-mapped IPv6 form"),
        ("::ffff:100.64.1.1", "a carrier-grade NAT address (100.64.0.0/10) in IPv4-mapped IPv6 form"),
        ("64:ff9b::a00:1", "a private address in NAT64 IPv6 form"),
        ("2002:a9fe:a9fe::1", "a cloud metadata address in 6to4 IPv6 form"),
        ("::127.0.0.1", "a reserved address"),  # the deprecated IPv4-compatible form
    ],
)
def test_off_limits_addresses_are_named_by_class(address: str, expected: str) -> None:
    assert classify_address(address) == expected


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.215.14",
        "100.63.255.255",  # just below CGNAT
        "100.128.0.0",  # just above CGNAT
        "172.32.0.1",  # just above 172.16/12
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",  # mapped form of a public address
        "64:ff9b::808:808",  # NAT64 of a public address
    ],
)
def test_public_addresses_pass(address: str) -> None:
    assert classify_address(address) is None
    assert classify_address(ipaddress.ip_address(address.split("%")[0])) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "'file:' links are not fetched (only http and https)"),
        ("ftp://example.org/data.csv", "'ftp:' links are not fetched (only http and https)"),
        ("data:text/html,<script>alert(1)</script>", "'data:' links are not fetched (only http and https)"),
        ("javascript:alert(document.cookie)", "'javascript:' links are not fetched (only http and https)"),
        ("gopher://example.org/", "'gopher:' links are not fetched (only http and https)"),
        ("//example.org/page", "links without http:// or https:// are not fetched (only http and https)"),
        ("example.org/page", "links without http:// or https:// are not fetched (only http and https)"),
        (
            "http://user:secret@example.org/",
            "the link carries a user name or password, which claimcheck never sends",
        ),
        (
            "https://user@example.org/",
            "the link carries a user name or password, which claimcheck never sends",
        ),
        (
            "https://:pw@example.org/",
            "the link carries a user name or password, which claimcheck never sends",
        ),
        ("http:///path-only", "the link has no host name"),
        ("http://[::1/", "the link is not a valid web address"),
    ],
)
def test_urls_refused_before_any_lookup(url: str, reason: str) -> None:
    assert check_url(url) == reason


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "HTTP://EXAMPLE.ORG/Page?q=1#top",
        "http://[2606:4700::1]:8080/x",
        " https://example.org/a ",
    ],
)
def test_web_urls_pass_the_url_check(url: str) -> None:
    assert check_url(url) is None


def _resolver(answer: Sequence[str]):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> Sequence[str]:
        return answer

    return resolve


def test_a_name_with_any_private_address_is_refused() -> None:
    # Public first, private second: what a rebinding or split-horizon name looks like.
    guard = AddressGuard(resolver=_resolver(["93.184.215.14", "10.0.0.5"]))
    with pytest.raises(AddressBlocked) as caught:
        asyncio.run(guard.addresses_for("mixed.example", 80))
    assert str(caught.value).startswith("mixed.example resolves to 10.0.0.5, a private address; refused")


def test_public_names_pass_with_every_address_kept_in_order() -> None:
    guard = AddressGuard(resolver=_resolver(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]))
    assert asyncio.run(guard.addresses_for("example.org", 443)) == (
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    )


def test_allow_private_lifts_the_address_check() -> None:
    guard = AddressGuard(allow_private=True, resolver=_resolver(["169.254.169.254"]))
    assert asyncio.run(guard.addresses_for("metadata.internal", 80)) == ("169.254.169.254",)


def test_a_name_without_addresses_is_not_found() -> None:
    with pytest.raises(HostNotFound) as caught:
        asyncio.run(AddressGuard(resolver=_resolver([])).addresses_for("void.example", 80))
    assert str(caught.value) == "the host name void.example does not resolve"


def test_the_system_resolver_reads_literals_and_the_hosts_file_without_network() -> None:
    assert asyncio.run(system_resolver("127.0.0.1", 80)) == ("127.0.0.1",)
    assert "127.0.0.1" in asyncio.run(system_resolver("localhost", 80)) or "::1" in asyncio.run(
        system_resolver("localhost", 80)
    )
    guard = AddressGuard()
    with pytest.raises(AddressBlocked) as caught:
        asyncio.run(guard.addresses_for("localhost", 80))
    assert "a loopback address" in str(caught.value)
