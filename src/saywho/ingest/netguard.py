"""Which network addresses a fetch may reach, and connecting to those only.

The host is resolved once and every address vetted; the connection then goes to
a vetted address, so a DNS answer that changes between check and connect (DNS
rebinding) cannot lead a fetch into the local network.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

from saywho.model import InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SocketAddress = tuple[str, int] | tuple[str, int, int, int] | tuple[int, bytes]

# NAT64 (RFC 6052): the last 32 bits are the IPv4 address a gateway connects to.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class VettedAddress:
    family: socket.AddressFamily
    sockaddr: SocketAddress


def resolve_vetted(host: str, port: int, *, allow_private: bool) -> list[VettedAddress]:
    """All addresses of ``host``; InputError if any of them is not public (unless allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve host {host}: {exc.strerror}") from exc
    except UnicodeError as exc:
        raise InputError(f"invalid host name {host!r}") from exc
    addresses = [VettedAddress(family, sockaddr) for family, _, _, _, sockaddr in infos]
    if not allow_private:
        for address in addresses:
            _refuse_if_not_public(host, ipaddress.ip_address(address.sockaddr[0]))
    return addresses


def _refuse_if_not_public(host: str, address: IPAddress) -> None:
    category = non_public_category(address)
    if category is None:
        return
    subject = f"{host} is" if _is_literal(host, address) else f"{host} resolves to {address},"
    raise InputError(
        f"refused: {subject} {category} address (use --allow-private-network to allow)"
    )


def _is_literal(host: str, address: IPAddress) -> bool:
    try:
        return ipaddress.ip_address(host) == address
    except ValueError:
        return False


def non_public_category(address: IPAddress) -> str | None:
    """``"a loopback"``, ``"a private"``...: why a fetch must not reach it; None if public."""
    address = _embedded_ipv4(address) or address
    checks = (
        (address.is_unspecified, "an unspecified"),
        (address.is_loopback, "a loopback"),
        (address.is_link_local, "a link-local"),
        (address.is_multicast, "a multicast"),
        # Before "private", which in Python 3.11 also covers the reserved 240.0.0.0/4.
        (address.is_reserved, "a reserved"),
        (address.is_private, "a private"),
        # What is left, such as 100.64.0.0/10 (carrier-grade NAT).
        (not address.is_global, "a non-public"),
    )
    return next((category for matches, category in checks if matches), None)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one leads to (mapped, 6to4, NAT64), if it carries one."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return address.ipv4_mapped or address.sixtofour


def connect_vetted(addresses: list[VettedAddress], timeout: float | None) -> socket.socket:
    """A socket connected to the first address that answers, tried in resolver order."""
    for address in addresses[:-1]:
        try:
            return _connect(address, timeout)
        except OSError:
            continue  # the next address may answer
    return _connect(addresses[-1], timeout)


def _connect(address: VettedAddress, timeout: float | None) -> socket.socket:
    sock = socket.socket(address.family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(address.sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock
