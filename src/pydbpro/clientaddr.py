"""The client's address, believing X-Forwarded-For only from configured trusted proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from quart import request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=32)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _is_trusted(addr: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def in_networks(addr: str, networks: Sequence[str]) -> bool:
    """Whether ``addr`` lies in one of ``networks`` (addresses or CIDR ranges)."""
    return _is_trusted(addr, _networks(tuple(networks)))


def client_address(trusted_proxies: Sequence[str]) -> str:
    """Walk X-Forwarded-For from the nearest hop back, stopping at the first untrusted one."""
    remote = request.remote_addr or "unknown"
    networks = _networks(tuple(trusted_proxies))
    if not networks or not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else remote
