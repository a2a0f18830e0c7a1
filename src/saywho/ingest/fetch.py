"""``fetch_url``: one HTTP(S) GET that is safe to point at URLs from untrusted lists."""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from saywho.ingest.capped import over_cap, read_capped, undo_content_encoding
from saywho.ingest.netguard import VettedAddress, connect_vetted, resolve_vetted
from saywho.ingest.options import FetchOptions
from saywho.model import InputError

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
# Characters left as they are when percent-encoding a path or query: the
# reserved ones and existing escapes, so only spaces, controls and non-ASCII change.
_URL_SAFE = "/%:@!$&'()*+,;=[]?"


@dataclass(frozen=True)
class FetchedPage:
    """A 2xx response, its body decompressed and within the size cap."""

    url: str  # after redirects
    status: int
    content_type: str  # media type in lower case, "" when the server sent none
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def charset(self) -> str | None:
        return self.headers.get_content_charset()


@dataclass(frozen=True)
class Validators:
    """What a server said about a page's version, to ask "has it changed?" next time."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def of(cls, page: FetchedPage) -> Validators | None:
        etag, modified = page.headers.get("ETag"), page.headers.get("Last-Modified")
        return cls(etag, modified) if etag or modified else None


class NotModified(InputError):
    """HTTP 304: the page has not changed since the validators were given."""


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    request_path: str  # path and query, percent-encoded


@dataclass(frozen=True)
class _Redirect:
    location: str  # absolute


def fetch_url(url: str, options: FetchOptions, validators: Validators | None = None) -> FetchedPage:
    """GET ``url``, following at most ``options.max_redirects`` redirects, each vetted anew.

    Raises InputError, with a one-line reason, for anything but a 2xx page within
    the limits of ``options``. With ``validators`` the request is conditional
    (``If-None-Match``, ``If-Modified-Since``) and a 304 raises ``NotModified``.
    """
    current = url
    for hop in range(options.max_redirects + 1):
        try:
            outcome = _get(_parse_target(current), options, validators)
        except InputError as exc:
            if hop == 0:
                raise
            raise InputError(f"after a redirect to {current}: {exc}") from exc
        if isinstance(outcome, FetchedPage):
            return outcome
        current = outcome.location
    raise InputError(f"too many redirects (more than {options.max_redirects})")


def _parse_target(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"malformed URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InputError(f"unsupported URL scheme {scheme!r} (only http and https)")
    if not parts.hostname:
        raise InputError("URL has no host name")
    request_path = quote(parts.path or "/", safe=_URL_SAFE)
    if parts.query:
        request_path += "?" + quote(parts.query, safe=_URL_SAFE)
    return _Target(url, scheme, parts.hostname, port or _DEFAULT_PORTS[scheme], request_path)


def _get(
    target: _Target, options: FetchOptions, validators: Validators | None = None
) -> FetchedPage | _Redirect:
    addresses = resolve_vetted(
        target.host, target.port, allow_private=options.allow_private_network
    )
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    with (
        _network_errors(target.host, options.timeout),
        closing(
            connection_class(target.host, target.port, addresses, options.timeout)
        ) as connection,
    ):
        headers = _request_headers(options, validators)
        connection.request("GET", target.request_path, headers=headers)
        response = connection.getresponse()
        if response.status == 304 and validators is not None:
            raise NotModified("HTTP 304 Not Modified")
        if response.status in _REDIRECT_STATUSES:
            return _Redirect(_redirect_location(target.url, response))
        if not 200 <= response.status < 300:
            raise InputError(f"HTTP {response.status} {response.reason}".rstrip())
        body = _read_body(response, options.max_bytes)
    return FetchedPage(
        url=target.url,
        status=response.status,
        content_type=_media_type(response.headers),
        headers=response.headers,
        body=body,
    )


def _request_headers(options: FetchOptions, validators: Validators | None) -> dict[str, str]:
    headers = {
        "User-Agent": options.user_agent,
        "Accept": _ACCEPT,
        # Only what capped.undo_content_encoding can undo.
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _redirect_location(url: str, response: http.client.HTTPResponse) -> str:
    location = response.getheader("Location")
    if not location:
        raise InputError(f"HTTP {response.status} redirect without a Location header")
    return urljoin(url, location.strip())


def _read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    declared_length = response.length
    # Refuse before reading when the server says up front that it is too large.
    if declared_length is not None and declared_length > max_bytes:
        raise InputError(over_cap(max_bytes))
    body = read_capped(response, max_bytes)
    if declared_length is not None and len(body) < declared_length:
        raise InputError(f"connection closed after {len(body)} of {declared_length} bytes")
    encoding = response.getheader("Content-Encoding") or ""
    return undo_content_encoding(body, encoding, max_bytes)


def _media_type(headers: http.client.HTTPMessage) -> str:
    return headers.get_content_type() if "Content-Type" in headers else ""


@contextmanager
def _network_errors(host: str, timeout: float) -> Iterator[None]:
    """Turn what the network raises into one-line reasons."""
    try:
        yield
    except TimeoutError as exc:
        raise InputError(f"timed out after {timeout:g} s") from exc
    except ssl.SSLCertVerificationError as exc:
        raise InputError(f"TLS certificate of {host} not valid: {exc.verify_message}") from exc
    except ssl.SSLError as exc:
        raise InputError(f"TLS error with {host}: {exc.reason or exc}") from exc
    except http.client.HTTPException as exc:
        raise InputError(f"invalid HTTP response from {host}: {exc!s}") from exc
    except ConnectionRefusedError as exc:
        raise InputError(f"connection refused by {host}") from exc
    except OSError as exc:
        raise InputError(f"cannot reach {host}: {exc.strerror or exc}") from exc


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to vetted addresses only; the Host header still names the host."""

    def __init__(
        self, host: str, port: int, addresses: list[VettedAddress], timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self) -> None:
        self.sock = connect_vetted(self._addresses, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to vetted addresses only; SNI and the certificate check use the host name."""

    def __init__(
        self, host: str, port: int, addresses: list[VettedAddress], timeout: float
    ) -> None:
        self._tls_context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls_context)
        self._addresses = addresses

    def connect(self) -> None:
        plain = connect_vetted(self._addresses, self.timeout)
        try:
            self.sock = self._tls_context.wrap_socket(plain, server_hostname=self.host)
        except BaseException:
            plain.close()
            raise
