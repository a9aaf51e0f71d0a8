"""Sending a flow's http request for real, from the server, without letting it reach inside the network.

The simulator's "really send it" makes the request an http step describes. The address comes from a
user, so every hop is checked before anything is sent:

* only ``http`` and ``https``, no user name or password in the address;
* the host name is resolved (``getaddrinfo``) and EVERY address it resolves to must be public: loopback,
  private, link-local (cloud metadata included), unspecified, multicast, reserved and other non-global
  addresses are refused, also when written as a number (``http://2130706433/``), in hex or octal, as
  IPv6 (``[::1]``), IPv4-mapped IPv6 or NAT64, or behind a name that resolves to them;
* the connection goes to the address that was checked (never resolved a second time, so DNS cannot
  change its answer in between), with the original Host header and, for https, the original name for
  SNI and certificate checking;
* redirects are not followed by the library: each ``Location`` is checked like the first address
  (at most ``SIMULATOR_HTTP_MAX_REDIRECTS`` hops);
* one deadline for the whole exchange (``SIMULATOR_HTTP_TIMEOUT``, 5 seconds) and at most
  ``SIMULATOR_HTTP_MAX_BYTES`` of answer, read undecoded (no decompression bomb); a longer answer fails.

``SIMULATOR_HTTP_ALLOWLIST`` names what may be reached all the same: IP addresses or networks
(``127.0.0.1``, ``10.1.0.0/16``) or host names (``intranet.example``, then all its addresses).
No proxy from the environment is used.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from urllib3.exceptions import HTTPError, MaxRetryError, NewConnectionError, ProtocolError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from editor.flowcore.checks import HTTP_METHOD_SET, HTTP_METHODS

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_BYTES = 256 * 1024
DEFAULT_MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
METADATA = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
NAT64 = ipaddress.ip_network("64:ff9b::/96")
USER_AGENT = "FlowStudio-simulator/1.0"
EXCERPT_CHARS = 1000

# Looked up at call time, so tests can answer for made-up names without any DNS.
getaddrinfo: Callable[..., Sequence[tuple[Any, ...]]] = socket.getaddrinfo


class Refused(Exception):
    """The address may not be reached from the server. The message says why, in plain words."""


class SendFailed(Exception):
    """The request was allowed but did not get a usable answer (no such host, timeout, too large ...)."""


@dataclass(frozen=True, slots=True)
class Allowlist:
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        networks, hosts = [], set()
        for entry in entries:
            entry = entry.strip()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(tuple(networks), frozenset(hosts))

    def allows(self, host: str, ip: IPAddress) -> bool:
        return host in self.hosts or any(ip in network for network in self.networks)


@dataclass(frozen=True, slots=True)
class Target:
    """One checked hop: where to connect and what to send."""

    url: str
    scheme: str
    host: str  # as in the address, lower case, without brackets
    port: int
    path: str  # path and query
    addresses: tuple[str, ...]  # checked IPs, in resolver order

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


@dataclass(slots=True)
class SafeResponse:
    status: int
    url: str  # the final address, after redirects
    body: str  # the start of the answer, as text
    redirects: list[str] = field(default_factory=list)
    elapsed: float = 0.0


def blocked_kind(ip: IPAddress) -> str | None:
    """Why an address may not be reached ("a loopback address"), or None for a public one."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return blocked_kind(embedded)
    if ip in METADATA:
        return "the cloud metadata address"
    for test, words in (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address (this server itself)"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private network address"),
    ):
        if getattr(ip, test):
            return words
    return None if ip.is_global else "an address that is not on the public internet"


def check_url(url: str, allowlist: Allowlist) -> Target:
    """Check one address and resolve it. Raises Refused, or SendFailed when the host cannot be found."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise Refused(f"This is not a usable web address: {exc}.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused(f"Only http and https addresses can be sent, not {scheme or 'this one'}.")
    if parts.username is not None or parts.password is not None:
        raise Refused("Addresses with a user name or password in them are not sent.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused("This address has no host name.")
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise SendFailed(f"The host {host} could not be found.") from exc
    addresses: list[str] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        ip = ipaddress.ip_address(text)
        kind = blocked_kind(ip)
        if kind is not None and not allowlist.allows(host, ip):
            shown = host if host == text else f"{host} ({text})"
            raise Refused(f"{shown} is {kind}, which the simulator does not send requests to.")
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise SendFailed(f"The host {host} has no address.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(url, scheme, host, port, path, tuple(addresses))


def _settings() -> tuple[list[str], float, int, int]:
    try:
        from django.conf import settings

        return (
            list(getattr(settings, "SIMULATOR_HTTP_ALLOWLIST", [])),
            float(getattr(settings, "SIMULATOR_HTTP_TIMEOUT", DEFAULT_TIMEOUT)),
            int(getattr(settings, "SIMULATOR_HTTP_MAX_BYTES", DEFAULT_MAX_BYTES)),
            int(getattr(settings, "SIMULATOR_HTTP_MAX_REDIRECTS", DEFAULT_MAX_REDIRECTS)),
        )
    except Exception:  # Django not configured: plain defaults, nothing allowlisted
        return [], DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS


def send(
    method: str,
    url: str,
    *,
    allowlist: Iterable[str] | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
    ca_certs: str | None = None,
) -> SafeResponse:
    """Send ``method url`` safely; settings give the defaults. Raises Refused or SendFailed."""
    listed, default_timeout, default_bytes, default_redirects = _settings()
    allowed = Allowlist.parse(listed if allowlist is None else allowlist)
    timeout = default_timeout if timeout is None else timeout
    max_bytes = default_bytes if max_bytes is None else max_bytes
    max_redirects = default_redirects if max_redirects is None else max_redirects
    began = time.monotonic()
    deadline = began + timeout
    redirects: list[str] = []
    if method not in HTTP_METHOD_SET:
        # The flow core's registry of methods is the only one sent; anything else (CONNECT, TRACE,
        # a method carrying CR/LF or thousands of characters) never reaches the socket.
        raise Refused("the method must be one of " + ", ".join(HTTP_METHODS) + ".")
    while True:
        target = check_url(url, allowed)
        status, location, body = _exchange(method, target, deadline, max_bytes, ca_certs)
        if status in REDIRECTS and location:
            if len(redirects) >= max_redirects:
                raise SendFailed(f"The address redirected more than {max_redirects} times.")
            url = urljoin(target.url, location)
            redirects.append(url)
            if status == 303 or (status in (301, 302) and method == "POST"):
                method = "GET"
            continue
        return SafeResponse(status, target.url, body, redirects, time.monotonic() - began)


def _exchange(
    method: str, target: Target, deadline: float, max_bytes: int, ca_certs: str | None
) -> tuple[int, str, str]:
    """One request to a checked target: (status, Location header, start of the body)."""
    last_error: Exception | None = None
    for address in target.addresses[:2]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise SendFailed("No answer within the time limit (timeout).")
        pool = _pool(target, address, remaining, ca_certs)
        try:
            response = pool.urlopen(
                method,
                target.path,
                headers={
                    "Host": target.host_header,
                    "User-Agent": USER_AGENT,
                    "Accept": "*/*",
                    "Accept-Encoding": "identity",
                },
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=False,
                assert_same_host=False,
            )
        except (NewConnectionError, MaxRetryError) as exc:
            if isinstance(exc, MaxRetryError) and isinstance(exc.reason, Urllib3Timeout):
                pool.close()
                raise SendFailed("No answer within the time limit (timeout).") from exc
            last_error = exc
            pool.close()
            continue
        except Urllib3Timeout as exc:
            pool.close()
            raise SendFailed("No answer within the time limit (timeout).") from exc
        except SSLError as exc:
            pool.close()
            raise SendFailed(f"The secure connection failed: {exc}.") from exc
        except (ProtocolError, HTTPError, OSError) as exc:
            pool.close()
            raise SendFailed(f"The connection failed: {exc}.") from exc
        try:
            body = _read(response, deadline, max_bytes)
            return response.status, response.headers.get("Location", ""), body
        finally:
            response.release_conn()
            pool.close()
    raise SendFailed(f"Could not connect to {target.host}.") from last_error


def _pool(target: Target, address: str, remaining: float, ca_certs: str | None) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=remaining, read=remaining)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_certs or certifi.where(),
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False)


def _read(response: Any, deadline: float, max_bytes: int) -> str:
    """Read at most ``max_bytes`` of the answer before the deadline; more, or later, fails."""
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SendFailed("The answer did not arrive within the time limit (timeout).")
            sock = getattr(getattr(response, "connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(remaining)  # the deadline holds for every read, not per read
            chunk = response.read1(min(16384, max_bytes + 1 - size), decode_content=False)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise SendFailed(f"The answer is larger than {max_bytes // 1024} KB, the limit for a test request.")
    except (TimeoutError, Urllib3Timeout) as exc:
        raise SendFailed("The answer did not arrive within the time limit (timeout).") from exc
    except (ProtocolError, HTTPError, OSError) as exc:
        raise SendFailed(f"The answer was cut off: {exc}.") from exc
    return b"".join(chunks)[:4096].decode("utf-8", errors="replace")[:EXCERPT_CHARS]
