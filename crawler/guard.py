"""What the crawler may fetch: the source's hosts, over http(s), at public addresses.

A source is the portal URL's host plus the hosts its configuration names (CONCEJO_CRAWL_ALLOWED_HOSTS);
loopback, private, link-local, multicast, reserved and unspecified addresses are refused unless the
source allows them (CONCEJO_CRAWL_ALLOW_PRIVATE_ADDRESSES: the bundled replica and the tests serve the
portal on 127.0.0.1).

Two Scrapy hooks enforce it. `SourceGuardMiddleware` checks every request before it is sent: pages,
robots.txt, file downloads, and every redirect, since a redirect comes back through the downloader
middlewares as a new request. `GuardedResolver` (DNS_RESOLVER) refuses private addresses when a name
is resolved. The middleware resolves names through that same resolver, whose cache then answers the
connection's own lookup, so the address checked is the address connected to; should the cache have
dropped the name in between, the connection's lookup is checked again by the resolver. Not covered: an
HTTP proxy from the environment (http_proxy) resolves names itself, so the address check sees the proxy.

This module never fetches anything.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

SCHEMES = ("http", "https")
DEFAULT_PORTS = (80, 443)
MAX_REFUSALS_KEPT = 10


class RequestRefused(IgnoreRequest):
    """A request the source's configuration does not allow; `reason` says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AddressRefused(Exception):
    """A host name resolved to an address the source does not allow."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_fetchable_link(url: str) -> bool:
    """True for absolute http(s) URLs: the only links the crawler requests."""
    return urlsplit(url.strip()).scheme.lower() in SCHEMES


def _host_port(netloc_url: str) -> tuple[str, int | None]:
    parts = urlsplit(netloc_url)
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        port = parts.port
    except ValueError:
        port = -1  # an unparsable port matches no allowed host
    return host, port


def address_kind(address: str) -> str | None:
    """The kind of a non-public IP address ("loopback", "private", ...), None for a public one."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind, flag in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                       ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                       ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if flag:
            return kind
    return None if ip.is_global else "non-public"


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


@dataclass(frozen=True)
class SourcePolicy:
    """The hosts (host, port) a source may be fetched from, and whether private addresses are allowed.

    A host named without a port (the portal URL `https://example.org`, or `files.example.org` in the
    allowed hosts) allows the default ports 80 and 443; `host:8800` allows that port only.
    """

    hosts: frozenset[tuple[str, int | None]]
    allow_private: bool = False
    source_slug: str | None = None  # names the setting to change in a refusal's message

    @classmethod
    def for_source(cls, portal_url: str, allowed_hosts: tuple[str, ...] | list[str] = (),
                   allow_private: bool = False, source_slug: str | None = None) -> SourcePolicy:
        hosts = {_host_port(portal_url)}
        hosts.update(_host_port(f"//{entry.strip()}") for entry in allowed_hosts if entry.strip())
        return cls(frozenset(hosts), allow_private, source_slug)

    def _setting(self, key: str, variable: str) -> str:
        if self.source_slug is None:
            return variable
        return f"{key} of source {self.source_slug} in the sources file, or {variable} for the default source"

    def describe_hosts(self) -> str:
        return ", ".join(sorted(host if port is None else f"{host}:{port}" for host, port in self.hosts))

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be requested (scheme, host, or a private IP literal), None if it may."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in SCHEMES:
            return f"the link is not http or https ({parts.scheme or 'no scheme'}:), so it is not fetched"
        host, port = _host_port(url)
        default_port = 443 if parts.scheme.lower() == "https" else 80
        allowed = (host, port) in self.hosts or (
            (host, None) in self.hosts and (port or default_port) in DEFAULT_PORTS
        )
        if not allowed:
            shown = host if port is None else f"{host}:{port}"
            return (f"the link points to {shown}, which is not one of the source's hosts "
                    f"({self.describe_hosts()}); add it to "
                    f"{self._setting('allowed_hosts', 'CONCEJO_CRAWL_ALLOWED_HOSTS')} if it belongs to the portal")
        literal = _ip_literal(host)
        return self.address_refusal(host, literal) if literal else None

    def address_refusal(self, host: str, address: str) -> str | None:
        if self.allow_private:
            return None
        kind = address_kind(address)
        if kind is None:
            return None
        named = address if host == address else f"{host} ({address})"
        setting = self._setting("allow_private_addresses = true", "CONCEJO_CRAWL_ALLOW_PRIVATE_ADDRESSES=true")
        return f"{named} is a {kind} address, which the crawler does not fetch unless the source allows it ({setting})"


def policy_from_settings(settings) -> SourcePolicy:
    """The policy of one crawl from its Scrapy settings (see crawler.settings.crawl_settings)."""
    return SourcePolicy.for_source(
        settings.get("CONCEJO_SOURCE_URL") or "",
        tuple(settings.getlist("CONCEJO_ALLOWED_HOSTS")),
        settings.getbool("CONCEJO_ALLOW_PRIVATE_ADDRESSES"),
        settings.get("CONCEJO_SOURCE_SLUG"),
    )


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver that refuses non-public addresses unless the source allows them."""

    def __init__(self, reactor, cache_size: int, timeout: float, policy: SourcePolicy) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler, reactor):
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"), policy_from_settings(settings))

    def getHostByName(self, name: str, timeout=()) -> defer.Deferred:
        resolved = super().getHostByName(name, timeout)
        resolved.addCallback(self._checked, name)
        return resolved

    def _checked(self, address: str, name: str) -> str:
        reason = self.policy.address_refusal(name, address)
        if reason:
            raise AddressRefused(reason)
        return address


class SourceGuardMiddleware:
    """Downloader middleware: refuses any request (redirects included) the source does not allow."""

    def __init__(self, crawler, policy: SourcePolicy, dns_timeout: float = 60.0) -> None:
        self.crawler = crawler
        self.policy = policy
        self.dns_timeout = dns_timeout

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, policy_from_settings(settings), settings.getfloat("DNS_TIMEOUT"))

    def process_request(self, request) -> defer.Deferred | None:
        reason = self.policy.refusal(request.url)
        if reason:
            self._refuse(request, reason)
        host = _host_port(request.url)[0]
        if self.policy.allow_private or _ip_literal(host):
            return None
        from twisted.internet import reactor

        # Resolved through the installed GuardedResolver: a private address fails here, with its reason,
        # and the connection then finds the checked address in the resolver's cache. One attempt bounded
        # by DNS_TIMEOUT (CONCEJO_CRAWL_REQUEST_TIMEOUT_S), not Twisted's default 1+3+11+45 s.
        resolved = reactor.resolve(host, timeout=(self.dns_timeout,))
        resolved.addCallbacks(lambda _address: None, self._resolution_failed, errbackArgs=(request,))
        return resolved

    def _resolution_failed(self, failure, request) -> None:
        if failure.check(AddressRefused):
            self._refuse(request, failure.value.reason)
        if failure.check(DNSLookupError):
            return  # the download itself then fails with Scrapy's own DNS error
        failure.raiseException()

    def _refuse(self, request, reason: str) -> NoReturn:
        stats = self.crawler.stats
        stats.inc_value("concejo/refused_requests")
        refusals = stats.get_value("concejo/refusals") or []
        if len(refusals) < MAX_REFUSALS_KEPT:
            stats.set_value("concejo/refusals", [*refusals, f"{request.url}: {reason}"])
        self.crawler.spider.logger.warning("refused %s: %s", request.url, reason)
        raise RequestRefused(reason)
