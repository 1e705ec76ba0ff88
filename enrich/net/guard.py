"""The address guard: which hosts and addresses link expansion may reach.

Posts are untrusted, so every URL in them is chosen by an attacker. A hop may only reach a
globally routable address. Addresses that smuggle a private one inside them (IPv4-mapped IPv6,
6to4, NAT64, Teredo) are unwrapped first; non-canonical IPv4 spellings (``2130706433``,
``0x7f.1``, ``0177.0.0.1``, ``127.1``) are refused outright because resolvers disagree on them.
An explicit allow-list (for tests and benchmarks on loopback) is the only way past the guard.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


class BlockedAddress(Exception):
    """The URL's host is, or resolves to, an address the guard refuses."""

    def __init__(self, host: str, reason: str) -> None:
        self.host = host
        self.reason = reason
        super().__init__(f"{host}: {reason}")


def embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64, Teredo), if any."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr.teredo is not None:
        return addr.teredo[1]  # the client address
    for net in _NAT64:
        if addr in net:
            return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    # IPv4-compatible (deprecated ::a.b.c.d) addresses
    if int(addr) >> 32 == 0 and int(addr) > 1:
        return ipaddress.IPv4Address(int(addr))
    return None


def _unsafe_reason(addr: IPAddress) -> str | None:
    if addr.is_loopback:
        return "loopback address"
    if addr.is_link_local:
        return "link-local address"
    if addr.is_private:
        return "private address"
    if addr.is_multicast:
        return "multicast address"
    if addr.is_unspecified:
        return "unspecified address"
    if addr.is_reserved:
        return "reserved address"
    if not addr.is_global:
        return "not a globally routable address"
    return None


def parse_networks(specs: Iterable[str]) -> tuple[IPNetwork, ...]:
    nets: list[IPNetwork] = []
    for spec in specs:
        spec = spec.strip()
        if spec:
            nets.append(ipaddress.ip_network(spec, strict=False))
    return tuple(nets)


def parse_resolve(entries: Iterable[str]) -> dict[tuple[str, int], list[str]]:
    """curl-style ``HOST:PORT:ADDR[,ADDR...]`` entries (IPv6 addresses may be bracketed)."""
    table: dict[tuple[str, int], list[str]] = {}
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        host, sep1, rest = entry.partition(":")
        port, sep2, addrs = rest.partition(":")
        if not (sep1 and sep2 and host and port.isdigit() and addrs):
            raise ValueError(f"resolve entry {entry!r} is not HOST:PORT:ADDR")
        parsed = []
        for a in addrs.split(","):
            a = a.strip().strip("[]")
            parsed.append(str(ipaddress.ip_address(a)))
        table[(host.lower(), int(port))] = parsed
    return table


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """What the guard lets through: globally routable addresses, plus an explicit allow-list."""

    allow: tuple[IPNetwork, ...] = field(default_factory=tuple)

    def check(self, host: str, addr: str | IPAddress) -> None:
        """Raise :class:`BlockedAddress` unless ``addr`` may be reached."""
        reason = _address_verdict(str(addr).split("%", 1)[0], self.allow)
        if reason:
            raise BlockedAddress(host, reason)

    def check_host_literal(self, host: str) -> IPAddress | None:
        """If ``host`` is an IP literal, check it and return it; refuse odd IPv4 spellings.

        Returns ``None`` for a hostname that must be resolved (and checked at connect time).
        """
        ip, reason = _literal_verdict(host, self.allow)
        if reason:
            raise BlockedAddress(host, reason)
        return ip


# Verdicts are cached: the same few addresses and hosts come up again and again, and ipaddress's
# is_private/is_global walk lists of networks on every call.
@lru_cache(maxsize=65536)
def _address_verdict(addr: str, allow: tuple[IPNetwork, ...]) -> str | None:
    ip = ipaddress.ip_address(addr)
    if any(ip in net for net in allow if net.version == ip.version):
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            if any(inner in net for net in allow if net.version == 4):
                return None
            reason = _unsafe_reason(inner)
            # The embedded IPv4 address is where the packets go.
            return f"{ip} carries {inner}: {reason}" if reason else None
    reason = _unsafe_reason(ip)
    return f"{ip}: {reason}" if reason else None


@lru_cache(maxsize=65536)
def _literal_verdict(host: str, allow: tuple[IPNetwork, ...]) -> tuple[IPAddress | None, str | None]:
    bare = host.strip("[]")
    try:
        ip = ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        ip = None
    if ip is not None:
        return ip, _address_verdict(str(ip), allow)
    if is_numeric_ipv4_spelling(bare):
        return None, "non-canonical IPv4 spelling (decimal, octal or hex) refused"
    return None, None


def is_numeric_ipv4_spelling(host: str) -> bool:
    """True for hosts ``inet_aton`` would read as IPv4 (``2130706433``, ``0x7f.1``, ``127.1``)."""
    if not host or host.endswith("."):
        host = host.rstrip(".")
    if not host or not all(c.isdigit() or c in ".xXabcdefABCDEF" for c in host):
        return False
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True
