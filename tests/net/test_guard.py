"""The address guard refuses every way of spelling a private address."""

from __future__ import annotations

import contextlib
import ipaddress
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrich.net.fetch import GuardedResolver, parse_connect_to
from enrich.net.guard import (
    AddressPolicy,
    BlockedAddress,
    embedded_ipv4,
    is_numeric_ipv4_spelling,
    parse_networks,
    parse_resolve,
)

POLICY = AddressPolicy()

BLOCKED_HOSTS = [
    "127.0.0.1", "127.8.9.10", "[::1]", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
    "169.254.169.254", "100.64.0.1", "0.0.0.0", "[::ffff:127.0.0.1]", "::ffff:10.0.0.1",
    "2002:7f00:1::", "64:ff9b::10.0.0.1", "fe80::1", "fc00::1", "224.0.0.1", "255.255.255.255",
    "2130706433", "0x7f.1", "0177.0.0.1", "127.1", "0x7f000001", "017700000001", "10.1",
]


@pytest.mark.parametrize("host", BLOCKED_HOSTS)
def test_blocked_literals(host: str) -> None:
    with pytest.raises(BlockedAddress):
        POLICY.check_host_literal(host)


@pytest.mark.parametrize("host", ["8.8.8.8", "1.1.1.1", "[2606:4700:4700::1111]", "93.184.216.34"])
def test_public_literals_pass(host: str) -> None:
    assert POLICY.check_host_literal(host) is not None


@pytest.mark.parametrize("host", ["example.com", "t.co", "cafe.be", "deadbeef", "1x.example"])
def test_hostnames_are_left_to_connect_time(host: str) -> None:
    assert POLICY.check_host_literal(host) is None


def test_allow_list_is_explicit_and_narrow() -> None:
    policy = AddressPolicy(parse_networks(["127.0.0.2/32"]))
    policy.check("lab", "127.0.0.2")
    with pytest.raises(BlockedAddress):
        policy.check("lab", "127.0.0.1")
    with pytest.raises(BlockedAddress):
        policy.check("lab", "::ffff:127.0.0.1")
    policy.check("lab", "::ffff:127.0.0.2")  # the same allowed address, IPv4-mapped


def test_embedded_ipv4() -> None:
    assert str(embedded_ipv4(ipaddress.IPv6Address("::ffff:1.2.3.4"))) == "1.2.3.4"
    assert str(embedded_ipv4(ipaddress.IPv6Address("2002:0a00:0001::1"))) == "10.0.0.1"
    assert str(embedded_ipv4(ipaddress.IPv6Address("64:ff9b::c0a8:1"))) == "192.168.0.1"
    assert embedded_ipv4(ipaddress.IPv6Address("2606:4700::1")) is None


@given(st.ip_addresses(v=4))
def test_every_ipv4_spelling_agrees(addr: ipaddress.IPv4Address) -> None:
    """Decimal, hex and IPv4-mapped spellings of any address get the same verdict."""
    def verdict(host: str) -> bool:
        try:
            POLICY.check_host_literal(host)
            return True
        except BlockedAddress:
            return False

    canonical = verdict(str(addr))
    assert verdict(f"::ffff:{addr}") == canonical
    # Non-canonical spellings are refused whatever they point at.
    assert verdict(str(int(addr))) is False or str(int(addr)) == str(addr)
    assert verdict(hex(int(addr))) is False
    if not addr.is_global:
        assert canonical is False


@given(st.text(max_size=40))
def test_literal_check_never_crashes(host: str) -> None:
    with contextlib.suppress(BlockedAddress):
        POLICY.check_host_literal(host)
    is_numeric_ipv4_spelling(host)


def test_parsers() -> None:
    assert parse_resolve(["t.co:443:127.0.0.2", "x.test:80:[::1],127.0.0.3"]) == {
        ("t.co", 443): ["127.0.0.2"], ("x.test", 80): ["::1", "127.0.0.3"]}
    assert parse_connect_to(["a.test:80:127.0.0.2:8080"]) == {("a.test", 80): ("127.0.0.2", 8080)}
    with pytest.raises(ValueError):
        parse_resolve(["nonsense"])
    with pytest.raises(ValueError):
        parse_resolve(["h:80:not-an-ip"])
    with pytest.raises(ValueError):
        parse_connect_to(["h:80:127.0.0.1"])


class _FakeBase:
    """A resolver whose answer changes between calls, as in DNS rebinding."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list:
        addr = self.answers.pop(0)
        return [{"hostname": host, "host": addr, "port": port, "family": family, "proto": 0, "flags": 0}]

    async def close(self) -> None:
        return None


async def test_resolver_checks_every_answer_at_connect_time() -> None:
    resolver = GuardedResolver(AddressPolicy(), {}, {})
    resolver._base = _FakeBase(["93.184.216.34", "10.0.0.7"])  # type: ignore[assignment]
    ok = await resolver.resolve("rebind.test", 80)
    assert ok[0]["host"] == "93.184.216.34"
    with pytest.raises(BlockedAddress):
        await resolver.resolve("rebind.test", 80)  # second lookup rebinds to a private address


async def test_resolve_override_still_guarded() -> None:
    resolver = GuardedResolver(AddressPolicy(), parse_resolve(["private.test:80:10.1.2.3"]), {})
    with pytest.raises(BlockedAddress):
        await resolver.resolve("private.test", 80)
