"""Fetching many pages politely: robots.txt, a per-host pace, and saywho's user agent.

Every request, robots.txt included, goes through ``fetch_url``, so the address
vetting (no private networks unless allowed), size caps and timeouts of
``saywho analyze`` hold for crawls too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from saywho.ingest.fetch import FetchedPage, Validators, fetch_url
from saywho.ingest.options import FetchOptions
from saywho.model import InputError

# The product token robots.txt rules are matched against.
ROBOTS_AGENT = "saywho"
DEFAULT_HOST_DELAY = 1.0  # seconds between two requests to one host
# fetch_url words a non-2xx answer as "HTTP <status> <reason>".
_HTTP_STATUS = re.compile(r"^HTTP (\d{3})\b")


@dataclass
class _HostState:
    robots: RobotFileParser | None  # None: everything allowed
    delay: float
    refusal: str | None = None  # why nothing on this host may be fetched
    next_request: float = 0.0


@dataclass
class PoliteFetcher:
    """``fetch`` one URL after checking its host's robots.txt and waiting its turn.

    robots.txt is read once per scheme, host and port: missing (4xx) allows
    everything; unreachable or a server error (5xx) disallows everything, as
    RFC 9309 asks. A ``Crawl-delay`` longer than ``delay`` is honoured.
    """

    options: FetchOptions
    delay: float = DEFAULT_HOST_DELAY
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _hosts: dict[str, _HostState] = field(default_factory=dict)

    def fetch(self, url: str, validators: Validators | None = None) -> FetchedPage:
        """The page, or InputError with a one-line reason (disallowed, unreachable...);
        ``NotModified`` when ``validators`` are given and the page has not changed."""
        origin = _origin(url)
        host = self._hosts.get(origin)
        if host is None:
            host = self._hosts[origin] = self._read_robots(origin)
        if host.refusal is not None:
            raise InputError(host.refusal)
        if host.robots is not None and not host.robots.can_fetch(ROBOTS_AGENT, url):
            raise InputError(f"disallowed by {origin}/robots.txt")
        self._wait_turn(host)
        return fetch_url(url, self.options, validators)

    def _read_robots(self, origin: str) -> _HostState:
        state = _HostState(robots=None, delay=self.delay)
        self._wait_turn(state)
        try:
            page = fetch_url(f"{origin}/robots.txt", self.options)
        except InputError as error:
            status = _HTTP_STATUS.match(str(error))
            if status and 400 <= int(status.group(1)) < 500:
                return state
            if str(error).startswith("refused:"):
                raise  # the address itself is refused: say that, not "robots.txt"
            state.refusal = f"{origin}/robots.txt could not be read ({error}): nothing fetched"
            return state
        state.robots = RobotFileParser()
        state.robots.parse(page.body.decode("utf-8", errors="replace").splitlines())
        crawl_delay = state.robots.crawl_delay(ROBOTS_AGENT)
        if crawl_delay is not None:
            state.delay = max(self.delay, float(crawl_delay))
        return state

    def _wait_turn(self, host: _HostState) -> None:
        now = self.clock()
        if now < host.next_request:
            self.sleep(host.next_request - now)
            now = host.next_request
        host.next_request = now + host.delay


def _origin(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InputError(f"malformed URL: {error}") from error
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"not an http(s) URL: {url}")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port else "")
