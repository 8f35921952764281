"""GitHub's REST API as `pipekit history fetch` reads it: one page at a time, surviving what GitHub does.

- Pages follow the ``Link`` header's ``rel="next"``; a page URL is never built by hand.
- A page fetched before is asked for with ``If-None-Match``: a ``304`` costs no quota and the stored page
  answers it.
- A rate limit (``403``/``429``) waits for ``Retry-After``, or until ``x-ratelimit-reset`` when
  ``x-ratelimit-remaining`` is 0, with a countdown on stderr. ``5xx`` answers and dropped connections are
  tried again with a doubling pause, a bounded number of times.
- ``401``/``404``/a permission ``403`` are one line naming the token's variable or the repository.

The token is sent only to the API's own origin (scheme, host, port): a redirect to a storage host (an
artifact's zip) is followed without it, and a ``Link`` to another host is refused, since GitHub never
pages onto another host and following it would mix in data from a host nobody named. The token is never
part of a URL, a stored page or a message.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

import httpx

from pipekit import __version__
from pipekit.errors import EXIT_FINDINGS, InputFileError, PipekitError

API_VERSION = "2022-11-28"
DEFAULT_API_URL = "https://api.github.com"
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
MAX_RETRIES = 5  # for 5xx answers and dropped connections, per request
MAX_RATE_LIMIT_WAITS = 5  # per request: a limit that is still hit after this many waits is an error
SECONDARY_LIMIT_WAIT = 60.0  # seconds, when a 403/429 says neither how long nor until when (GitHub's advice)
MAX_REDIRECTS = 5


class AccessError(PipekitError):
    """GitHub refused the request: the token, its permissions, or the repository's name."""


class ServerError(PipekitError):
    """GitHub (or the network) kept failing; what was fetched so far is kept, the next fetch resumes."""

    exit_code = EXIT_FINDINGS


class _TooLarge(Exception):
    """A download's body is over its limit."""


class PageCache(Protocol):
    """Where pages and their ETags are kept between fetches (`pipekit.history.store.Store` is one)."""

    def etag(self, url: str) -> tuple[str, str] | None: ...

    def set_etag(self, url: str, etag: str, body: str) -> None: ...


@dataclasses.dataclass(frozen=True)
class Page:
    url: str
    data: dict[str, Any]
    next_url: str | None
    not_modified: bool  # answered 304 from the cache: no quota spent


@dataclasses.dataclass
class Counts:
    requests: int = 0  # HTTP requests sent, retries and redirects included
    not_modified: int = 0  # of them, answered 304
    retries: int = 0
    rate_limit_waits: int = 0


def origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    parsed = httpx.URL(str(url))
    port = parsed.port or {"https": 443, "http": 80}.get(parsed.scheme)
    return parsed.scheme, parsed.host.lower(), port


def check_api_url(api_url: str, *, with_token: bool) -> str:
    """The API's base URL without a trailing slash; refused when it is no http(s) URL, or when it would
    carry the token in clear text to anything but this machine."""
    url = api_url.rstrip("/")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in {"http", "https"} or not parsed.host:
        raise InputFileError(
            f"--api-url {api_url!r}: expected an http(s) URL such as {DEFAULT_API_URL} "
            "or https://HOST/api/v3 (GitHub Enterprise Server)"
        )
    if parsed.query or parsed.fragment:
        raise InputFileError(f"--api-url {api_url!r}: give the API's base URL, without a query")
    if with_token and parsed.scheme == "http" and not _loopback(parsed.host):
        raise InputFileError(
            f"--api-url {api_url!r}: the token would travel unencrypted over http; use https"
        )
    return url


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _stderr(text: str, end: str = "\n") -> None:
    print(text, end=end, file=sys.stderr, flush=True)


class Client:
    """A GitHub REST client for one API (github.com or a GitHub Enterprise Server); a context manager.

    `sleep`, `clock` and `notice` are injectable so tests neither wait nor print; `cache` keeps pages
    with their ETags; `token_source` names where the token came from, for messages.
    """

    def __init__(
        self,
        api_url: str = DEFAULT_API_URL,
        token: str | None = None,
        *,
        token_source: str = "GITHUB_TOKEN",
        cache: PageCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        notice: Callable[[str], None] = _stderr,
        max_retries: int = MAX_RETRIES,
        backoff: float = 1.0,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_url = check_api_url(api_url, with_token=bool(token))
        self._origin = origin(self.api_url)
        self._token = token or None
        self.token_source = token_source
        self.cache = cache
        self.sleep, self.clock, self.notice = sleep, clock, notice
        self.max_retries, self.backoff = max_retries, backoff
        self.counts = Counts()
        self._http = httpx.Client(
            timeout=timeout,
            follow_redirects=False,  # redirects are followed here, to decide who gets the token
            transport=transport,
            headers={
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"pipekit/{__version__}",
            },
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def host(self) -> str:
        return self._origin[1]

    def url(self, path: str) -> str:
        """The API URL of `path` (``/repos/OWNER/NAME/actions/runs``)."""
        return self.api_url + path

    # -- pages -----------------------------------------------------------------------------------------

    def pages(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        cache: bool = False,
        keep: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> Iterator[Page]:
        """Every page of a listing, following ``Link: rel="next"``."""
        page: Page | None = self.page(url, params, cache=cache, keep=keep)
        while page is not None:
            yield page
            page = self.page(page.next_url, cache=cache, keep=keep) if page.next_url else None

    def page(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        cache: bool = False,
        keep: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> Page:
        """One JSON page. With `cache`, a page seen before is asked for conditionally and `keep` trims
        what is stored of it (the fields a fetch reads; a listing's page can be megabytes)."""
        full = str(httpx.URL(url, params=dict(params)) if params else httpx.URL(url))
        if origin(full) != self._origin:
            raise ServerError(
                f"{self.api_url} named a next page on another host ({httpx.URL(full).host}); pipekit sends "
                "the token only to the API's host and stops here; the runs saved so far are kept"
            )
        stored = self.cache.etag(full) if cache and self.cache is not None else None
        headers = {"If-None-Match": stored[0]} if stored else {}
        response = self._get(full, headers, foreign_redirects=False)
        if response.status_code == 304 and stored:
            envelope = json.loads(stored[1])
            return Page(full, envelope["data"], envelope["next"], not_modified=True)
        try:
            data = response.json()
        except ValueError:
            raise ServerError(f"{self._where(full)}: the answer is not JSON; try again later") from None
        if not isinstance(data, dict):
            raise ServerError(f"{self._where(full)}: expected a JSON object, got {type(data).__name__}")
        next_url = response.links.get("next", {}).get("url")
        etag = response.headers.get("etag")
        if cache and etag and self.cache is not None:
            kept = keep(data) if keep else data
            self.cache.set_etag(full, etag, json.dumps({"data": kept, "next": next_url}))
        return Page(full, data, next_url, not_modified=False)

    def download(self, url: str, max_bytes: int) -> bytes | None:
        """The body at `url` (an artifact's zip), following redirects; the token goes only to the API's
        host. None when the body is larger than `max_bytes`."""
        try:
            return self._get(url, {}, foreign_redirects=True, stream_limit=max_bytes).content
        except _TooLarge:
            return None

    # -- one request -----------------------------------------------------------------------------------

    def _get(
        self,
        url: str,
        headers: dict[str, str],
        *,
        foreign_redirects: bool,
        stream_limit: int | None = None,
    ) -> httpx.Response:
        """A 200 or 304 answer for `url`, after redirects, retries and rate-limit waits; raises on the
        rest. A redirect to another host is followed (without the token) only with `foreign_redirects`;
        with `stream_limit`, a body over the limit raises _TooLarge."""
        failures = waits = 0
        target, hops = url, 0
        while True:
            sent = dict(headers)
            if self._token and origin(target) == self._origin:
                sent["Authorization"] = f"Bearer {self._token}"
            else:
                sent.pop("If-None-Match", None)
            self.counts.requests += 1
            try:
                response = self._send(target, sent, stream_limit)
            except httpx.TransportError as error:
                failures += 1
                self._retry_or_raise(failures, url, f"{type(error).__name__}: {self._redact(str(error))}")
                continue
            status = response.status_code
            if status in {301, 302, 303, 307, 308} and "location" in response.headers:
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise ServerError(f"{self._where(url)}: more than {MAX_REDIRECTS} redirects")
                target = str(httpx.URL(target).join(response.headers["location"]))
                if origin(target) != self._origin and not foreign_redirects:
                    raise ServerError(
                        f"{self._where(url)}: redirected to another host ({httpx.URL(target).host}); "
                        "pipekit reads the API only from its own host"
                    )
                continue
            if status in {200, 304}:
                if status == 304:
                    self.counts.not_modified += 1
                return response
            if status in {403, 429} and self._rate_limited(response):
                waits += 1
                if waits > MAX_RATE_LIMIT_WAITS:
                    raise ServerError(
                        f"{self._where(url)}: still rate limited after {MAX_RATE_LIMIT_WAITS} waits; "
                        "the runs saved so far are kept; fetch again later"
                    )
                self._wait_for_limit(response, waits)
                continue
            if status >= 500:
                failures += 1
                self._retry_or_raise(failures, url, f"HTTP {status}")
                continue
            raise self._refusal(url, response)

    def _send(self, url: str, headers: dict[str, str], stream_limit: int | None) -> httpx.Response:
        if stream_limit is None:
            return self._http.get(url, headers=headers)
        with self._http.stream("GET", url, headers=headers) as response:
            if response.status_code != 200:
                response.read()
                return response
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > stream_limit:
                raise _TooLarge
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > stream_limit:
                    raise _TooLarge
                chunks.append(chunk)
            return httpx.Response(200, content=b"".join(chunks), request=response.request)

    def _retry_or_raise(self, failures: int, url: str, what: str) -> None:
        if failures > self.max_retries:
            raise ServerError(
                f"{self._where(url)}: {what} after {self.max_retries} retries; the runs saved so far are "
                "kept; run the fetch again to resume"
            )
        self.counts.retries += 1
        pause = self.backoff * 2 ** (failures - 1)
        self.notice(f"{self.host}: {what}; trying again in {pause:g} s ({failures}/{self.max_retries})")
        self.sleep(pause)

    @staticmethod
    def _rate_limited(response: httpx.Response) -> bool:
        headers = response.headers
        if "retry-after" in headers or headers.get("x-ratelimit-remaining") == "0":
            return True
        return "rate limit" in response.text.lower()  # a secondary limit says so in its message

    def _wait_for_limit(self, response: httpx.Response, waits: int) -> None:
        headers = response.headers
        seconds: float
        if headers.get("retry-after", "").strip().isdigit():
            seconds, why = float(headers["retry-after"]), "as Retry-After asks"
        elif headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset", "").isdigit():
            seconds = max(1.0, float(headers["x-ratelimit-reset"]) - self.clock())
            why = "until the limit resets (x-ratelimit-reset)"
        else:
            seconds = SECONDARY_LIMIT_WAIT * 2 ** (waits - 1)
            why = "(a secondary rate limit)"
        self.counts.rate_limit_waits += 1
        whole = int(-(-seconds // 1))  # whole seconds, rounded up
        self.notice(f"rate limited: waiting {whole} s {why}")
        self._countdown(whole)

    def _countdown(self, seconds: int) -> None:
        """Sleep `seconds`, one second at a time, showing what is left where someone watches."""
        visible = self.notice is _stderr and sys.stderr.isatty()
        for left in range(seconds, 0, -1):
            if visible:
                _stderr(f"\r  {left} s left ", end="")
            self.sleep(1.0)
        if visible:
            _stderr("\r" + " " * 16 + "\r", end="")

    def _refusal(self, url: str, response: httpx.Response) -> PipekitError:
        status = response.status_code
        try:
            message = str(response.json().get("message", ""))
        except (ValueError, AttributeError):
            message = ""
        said = f" ({self._redact(message)})" if message else ""
        token = (
            f"the token in {self.token_source}"
            if self._token
            else f"no token (set {' or '.join(TOKEN_VARIABLES)})"
        )
        if status == 401:
            return AccessError(
                f"{self.host} refused {token}: HTTP 401{said}; set {self.token_source} to a valid token"
            )
        if status == 403:
            needed = response.headers.get("x-accepted-github-permissions")
            grant = f"; it needs {needed}" if needed else '; it needs the "Actions: read" permission'
            return AccessError(f"{self._where(url)}: HTTP 403{said}: {token} may not read this{grant}")
        if status == 404:
            return AccessError(
                f"{self._where(url)}: HTTP 404{said}; check --repo OWNER/NAME and --api-url, and that "
                f"{token} can read the repository (GitHub answers 404 for private repositories it hides)"
            )
        return AccessError(f"{self._where(url)}: HTTP {status}{said}")

    def _where(self, url: str) -> str:
        """`url` for a message: its path, without query or credentials."""
        return self._redact(f"{self.host}{httpx.URL(url).path}")

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text
