"""Shared HTTP helpers (httpx): timeouts, a bounded retry that honours ``Retry-After``, and key redaction.

Every failure becomes a ``FetchError`` whose message is one line, says what failed, and never contains a
secret: API keys are read from the environment by the caller and passed here only to be redacted.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

DEFAULT_TIMEOUT_S = 20.0
CONNECT_TIMEOUT_S = 5.0
DEFAULT_RETRIES = 2  # retries after the first attempt
BACKOFF_S = 0.5  # first backoff; doubles after each attempt
MAX_RETRY_AFTER_S = 60.0
MAX_BODY_BYTES = 64 * 1024 * 1024
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDACTED = "[redacted]"
USER_AGENT = "llms-101-calculators (python -m calculators)"


class FetchError(Exception):
    """A request failed. ``str(error)`` is one redacted line, e.g. ``HTTP 503 from example.org after 3 tries``."""


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every secret replaced by ``[redacted]`` (secrets shorter than 4 characters are ignored).

    Example: redact("bad key sk-123456", ["sk-123456"]) -> 'bad key [redacted]'
    """
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def one_line(text: str, limit: int = 200) -> str:
    """Whitespace collapsed to single spaces and cut to ``limit`` characters.

    Example: one_line("a\\n  b") -> 'a b'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def host_of(url: str) -> str:
    """The host (and port, if any) of a URL, for messages and sources: never the path or query.

    Example: host_of("http://127.0.0.1:8080/v1/models?key=x") -> '127.0.0.1:8080'
    """
    parts = urlsplit(url)
    return parts.netloc.rpartition("@")[2] or url


def retry_after_s(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent or bad.

    Example: retry_after_s("2") -> 2.0;  retry_after_s("soon") -> None
    """
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_s(attempt: int, base_s: float = BACKOFF_S) -> float:
    """Wait before retry number ``attempt`` (1, 2, ...): base, 2 x base, 4 x base...

    Example: [backoff_s(n, 0.5) for n in (1, 2, 3)] -> [0.5, 1.0, 2.0]
    """
    return base_s * 2 ** (attempt - 1)


def timeout(total_s: float = DEFAULT_TIMEOUT_S) -> httpx.Timeout:
    return httpx.Timeout(total_s, connect=min(CONNECT_TIMEOUT_S, total_s))


def describe_exception(error: Exception, url: str) -> str:
    """What went wrong with a request, in a few words (no secrets: only the host is named)."""
    host = host_of(url)
    if isinstance(error, httpx.ConnectTimeout):
        return f"connection to {host} timed out"
    if isinstance(error, httpx.TimeoutException):
        return f"{host} did not answer in time (timeout)"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect to {host} (no network or connection refused)"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"{host} closed the connection mid-response (truncated response)"
    if isinstance(error, httpx.TransportError):
        return f"network error talking to {host} ({type(error).__name__})"
    return f"{type(error).__name__} talking to {host}"


@dataclass(frozen=True)
class Response:
    """A successful response: the final URL, status, headers and body bytes."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def _read_limited(response: httpx.Response, limit: int) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(f"response from {host_of(str(response.url))} is larger than {limit // 2**20} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def get(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    secrets: Iterable[str | None] = (),
    timeout_s: float = DEFAULT_TIMEOUT_S,
    retries: int = DEFAULT_RETRIES,
    backoff_base_s: float = BACKOFF_S,
    max_retry_after_s: float = MAX_RETRY_AFTER_S,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[str], None] | None = None,
) -> Response:
    """GET ``url`` with a timeout and up to ``retries`` retries (network errors, 408/425/429/5xx).

    A ``Retry-After`` header sets the wait (capped at ``max_retry_after_s``; longer asks fail at once).
    Other HTTP errors fail at once. Raises ``FetchError`` with one redacted line.
    """
    secrets = list(secrets)
    host = host_of(url)
    all_headers = {"user-agent": USER_AGENT, "accept": "application/json", **(headers or {})}
    attempts = retries + 1
    last = ""
    # A custom key header (x-api-key) would follow a redirect to another host: with a key, redirects are errors.
    carries_key = any(s for s in secrets)
    with httpx.Client(timeout=timeout(timeout_s), follow_redirects=not carries_key) as client:
        for attempt in range(1, attempts + 1):
            wait = backoff_s(attempt, backoff_base_s)
            try:
                with client.stream("GET", url, headers=all_headers) as response:
                    if 300 <= response.status_code < 400:
                        raise FetchError(
                            f"HTTP {response.status_code} from {host}: redirect not followed (the request has a key)"
                        )
                    if response.status_code < 400:
                        body = _read_limited(response, MAX_BODY_BYTES)
                        return Response(str(response.url), response.status_code, dict(response.headers), body)
                    body = _read_limited(response, 64 * 1024)
                    text = one_line(body.decode("utf-8", "replace"))
                    last = f"HTTP {response.status_code} from {host}" + (f": {text}" if text else "")
                    if response.status_code not in RETRY_STATUSES:
                        raise FetchError(redact(last, secrets))
                    asked = retry_after_s(response.headers.get("retry-after"))
                    if asked is not None:
                        if asked > max_retry_after_s:
                            raise FetchError(redact(f"{last} (asked to retry after {asked:.0f} s)", secrets))
                        wait = asked
            except httpx.HTTPError as e:
                last = describe_exception(e, url)
            if attempt < attempts:
                if on_retry:
                    on_retry(redact(f"{last}; retrying in {wait:.1f} s", secrets))
                sleep(wait)
    tries = "1 try" if attempts == 1 else f"{attempts} tries"
    raise FetchError(redact(f"{last} (after {tries})", secrets))


def parse_json(body: bytes, *, what: str) -> object:
    """The JSON document in ``body``; a truncated or malformed document raises ``FetchError`` saying which.

    Example: parse_json(b'{"a": [1', what="x") raises FetchError('x: truncated JSON (ends at byte 8)')
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FetchError(f"{what}: not UTF-8 text (byte {e.start})") from None
    if not text.strip():
        raise FetchError(f"{what}: empty response body")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
            raise FetchError(f"{what}: truncated JSON (ends at byte {len(body)})") from None
        raise FetchError(f"{what}: malformed JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
