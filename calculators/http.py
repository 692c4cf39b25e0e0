"""Shared HTTP helpers (httpx): deadlines, size limits, a bounded retry that honours ``Retry-After``, and key
redaction. Every caller (``refresh``, ``bench``) goes through here, so every request gets the same limits:

- a total wall-clock deadline per request, ``timeout_s``: connecting, every read and write, and the waits
  between retries, all together (not per read: a server that sends one byte a second cannot stretch it).
  Each socket operation is given at most the time left. A command may also create one ``Deadline`` for all
  its requests and pass it down; the sooner of the two applies;
- at most ``MAX_RETRIES`` retries, and none that would wait past the deadline;
- at most ``MAX_BODY_BYTES`` per body, counted after decompression and enforced while decompressing (gzip,
  deflate and identity, in the order the server declares them; other encodings are refused), so a small
  compressed "bomb" is never expanded in memory;
- server-sent events (``iter_sse_lines``): at most ``MAX_SSE_LINE_BYTES`` per line and ``MAX_STREAM_BYTES`` in
  all, the deadline checked between chunks;
- JSON (``parse_json``) at most ``MAX_JSON_DEPTH`` levels deep.

Every failure becomes a ``FetchError`` whose message is one line, says what failed, and never contains a
secret: API keys are read from the environment by the caller and passed here only to be redacted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import json
import math
import time
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

import httpcore
import httpx

DEFAULT_TIMEOUT_S = 20.0  # total per request, retries included
MAX_TIMEOUT_S = 600.0
CONNECT_TIMEOUT_S = 5.0  # per connection attempt, within the total
DEFAULT_RETRIES = 2  # retries after the first attempt
MAX_RETRIES = 10
BACKOFF_S = 0.5  # first backoff; doubles after each attempt
MAX_RETRY_AFTER_S = 60.0
MAX_BODY_BYTES = 64 * 1024 * 1024  # after decompression
MAX_ERROR_BODY_BYTES = 64 * 1024  # of an error body, kept for the message (the rest is not read)
MAX_SSE_LINE_BYTES = 1024 * 1024
MAX_STREAM_BYTES = 64 * 1024 * 1024  # a whole server-sent-events stream, after decompression
MAX_JSON_DEPTH = 64  # OpenRouter's, genai-prices' and Artificial Analysis' documents are 4 to 10 levels deep
MAX_ENCODINGS = 3  # content codings decoded one after the other ("gzip, gzip" is two)
DECODE_CHUNK_BYTES = 64 * 1024  # largest piece a decompressor may produce at once
ACCEPT_ENCODING = "gzip, deflate"  # what we can decode with a cap (no br, no zstd)
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDACTED = "[redacted]"
USER_AGENT = "llms-101-calculators (python -m calculators)"

T = TypeVar("T")


class FetchError(Exception):
    """A request failed. ``str(error)`` is one redacted line, e.g. ``HTTP 503 from example.org after 3 tries``."""


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every secret replaced by ``[redacted]`` (secrets shorter than 4 characters are ignored), in
    every form a server may echo it: as sent, upper- or lower-cased, base64 (standard or URL-safe, padded or not),
    URL-encoded or JSON-escaped (``calculators.apikeys``).

    Example: redact("bad key sk-123456 (SK-123456, c2stMTIzNDU2)", ["sk-123456"])
             -> 'bad key [redacted] ([redacted], [redacted])'
    """
    from .apikeys import redact as redact_every_form

    return redact_every_form(text, secrets, mark=REDACTED)


def one_line(text: str, limit: int = 200) -> str:
    """Whitespace collapsed to single spaces and cut to ``limit`` characters.

    Example: one_line("a\\n  b") -> 'a b'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def host_of(url: str) -> str:
    """The host (and port, if any) of a URL, for messages and sources: never the path or query.

    Example: host_of("http://127.0.0.1:8080/v1/models?key=x") -> '127.0.0.1:8080'
             host_of("http://[::1") -> 'an invalid URL'
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "an invalid URL"
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


def size_text(n_bytes: int) -> str:
    """A byte count in words, for messages.

    Example: size_text(64 * 2**20) -> '64 MB';  size_text(64 * 1024) -> '64 KB';  size_text(10) -> '10 bytes'
    """
    if n_bytes >= 2**20 and n_bytes % 2**20 == 0:
        return f"{n_bytes // 2**20} MB"
    if n_bytes >= 1024 and n_bytes % 1024 == 0:
        return f"{n_bytes // 1024} KB"
    return f"{n_bytes} bytes"


# ---------------------------------------------------------------------------------------------------------
# Checks of what a caller asks for (ValueError), and the same as argparse types for the command line


def check_timeout_s(value: float) -> float:
    """``value`` if it can be a request's total timeout in seconds (finite, above 0, at most 600); else ValueError.

    Example: check_timeout_s(5) -> 5.0;  check_timeout_s(float("nan")) raises ValueError
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"the timeout must be a finite number of seconds, not {value!r}")
    if not 0 < value <= MAX_TIMEOUT_S:
        raise ValueError(f"the timeout must be above 0 and at most {MAX_TIMEOUT_S:g} s, not {value:g}")
    return float(value)


def check_retries(value: int) -> int:
    """``value`` if it is a whole number of retries from 0 to ``MAX_RETRIES``; else ValueError.

    Example: check_retries(2) -> 2;  check_retries(11) raises ValueError
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RETRIES:
        raise ValueError(f"retries must be a whole number from 0 to {MAX_RETRIES}, not {value!r}")
    return value


def check_url(url: str) -> str:
    """``url`` if it is an absolute http:// or https:// URL with a host that httpx can send to; else ValueError.

    Example: check_url("http://[::1") raises ValueError('not a valid URL (Invalid IPv6 URL)')
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises only when asked for
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as e:
        raise ValueError(f"not a valid URL ({one_line(str(e), 80)})") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("not an http:// or https:// URL")
    if not parts.hostname:
        raise ValueError("no host in the URL")
    return url


def timeout_arg(text: str) -> float:
    """argparse type for ``--timeout``: seconds in all per request, retries included (above 0, at most 600)."""
    try:
        return check_timeout_s(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{one_line(text, 40)!r} is not a number of seconds above 0 and at most {MAX_TIMEOUT_S:g}"
        ) from None


def retries_arg(text: str) -> int:
    """argparse type for ``--retries``: a whole number from 0 to ``MAX_RETRIES``."""
    try:
        return check_retries(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{one_line(text, 40)!r} is not a whole number from 0 to {MAX_RETRIES}"
        ) from None


def url_arg(text: str) -> str:
    """argparse type for ``--base-url``: an absolute http(s) URL (``check_url``)."""
    try:
        return check_url(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{one_line(text, 80)!r}: {e}") from None


# ---------------------------------------------------------------------------------------------------------
# Deadlines


class Deadline:
    """A wall-clock budget that ends ``total_s`` seconds after it is made, whatever happens in between.

    ``get`` makes one per request from ``timeout_s``; a command may make one for all its requests and pass it
    down (``deadline=``), and the sooner of the two applies.

    Example: Deadline(5).message() -> 'the request took longer than 5 s in all'
    """

    def __init__(self, total_s: float, *, what: str = "the request", clock: Callable[[], float] = time.monotonic):
        if isinstance(total_s, bool) or not isinstance(total_s, int | float) or not math.isfinite(total_s):
            raise ValueError(f"a deadline must be a finite number of seconds, not {total_s!r}")
        if total_s <= 0:
            raise ValueError(f"a deadline must be above 0 s, not {total_s:g}")
        self.total_s = float(total_s)
        self.what = what
        self._clock = clock
        self.ends_at = clock() + total_s

    def remaining_s(self) -> float:
        return self.ends_at - self._clock()

    def expired(self) -> bool:
        return self.remaining_s() <= 0

    def message(self) -> str:
        return f"{self.what} took longer than {self.total_s:g} s in all"

    def sooner(self, other: Deadline | None) -> Deadline:
        """This deadline or ``other``, whichever ends first (both on the same clock)."""
        return self if other is None or self.ends_at <= other.ends_at else other


def _timeout_text(host: str, deadline: Deadline) -> str:
    return f"{host} did not answer in time (timeout): {deadline.message()}"


def describe_exception(error: Exception, url: str, deadline: Deadline | None = None) -> str:
    """What went wrong with a request, in a few words (no secrets: only the host is named)."""
    host = host_of(url)
    if deadline is not None and deadline.expired() and isinstance(error, httpx.TimeoutException):
        return _timeout_text(host, deadline)
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


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake gets at most the time left on the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, backend: _DeadlineBackend):
        self._stream = stream
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._backend.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._backend.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):
        stream = self._stream.start_tls(
            ssl_context, server_hostname, self._backend.clamp(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(stream, self._backend)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend, with every socket operation cut to the time left on ``self.deadline``."""

    def __init__(self, inner: httpcore.NetworkBackend):
        self.inner = inner
        self.deadline: Deadline | None = None

    def clamp(self, timeout: float | None, error: type[Exception]) -> float | None:
        if self.deadline is None:
            return timeout
        left = self.deadline.remaining_s()
        if left <= 0:
            raise error(self.deadline.message())
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = self.clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self.inner.connect_tcp(host, port, timeout, local_address, socket_options), self)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        timeout = self.clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self.inner.connect_unix_socket(path, timeout, socket_options), self)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def _environment_proxy(url: str) -> str | None:
    """The proxy HTTP_PROXY / HTTPS_PROXY / ALL_PROXY name for ``url``, unless NO_PROXY exempts its host."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return proxy


# ---------------------------------------------------------------------------------------------------------
# Bodies: decoded with a cap while decoding, read with the deadline checked between chunks


@dataclass(frozen=True)
class Response:
    """A successful response: the final URL, status, headers and body bytes (decoded)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes


_ENCODINGS = ("identity", "gzip", "x-gzip", "deflate")


def _raw_chunks(response: httpx.Response, *, deadline: Deadline, max_bytes: int, host: str, compressed: bool):
    size = 0
    for chunk in response.iter_raw():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{host} sent a{' compressed' if compressed else ''} body over {size_text(max_bytes)}")
        if deadline.expired():
            raise FetchError(_timeout_text(host, deadline))
        yield chunk


def _decompressed(chunks: Iterable[bytes], encoding: str, *, deadline: Deadline, max_bytes: int, host: str):
    """``chunks`` decompressed, in pieces of at most ``DECODE_CHUNK_BYTES``, stopping once ``max_bytes`` is passed."""
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding in ("gzip", "x-gzip") else None
    head = b""  # deflate: the first two bytes say whether it is zlib-wrapped (RFC 9110) or raw, as some servers send
    produced = 0
    fed = False
    try:
        for chunk in chunks:
            if decoder is None:
                head += chunk
                if len(head) < 2:
                    continue
                wrapped = head[0] & 0x0F == 8 and (head[0] * 256 + head[1]) % 31 == 0
                decoder = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
                chunk, head = head, b""
            fed = fed or bool(chunk)
            while chunk and not decoder.eof:  # bytes after the end of the compressed data are ignored, as httpx does
                out = decoder.decompress(chunk, DECODE_CHUNK_BYTES)
                chunk = decoder.unconsumed_tail
                if out:
                    produced += len(out)
                    if produced > max_bytes:
                        raise FetchError(f"{host} sent a body over {size_text(max_bytes)} after decompression")
                    yield out
                if deadline.expired():
                    raise FetchError(_timeout_text(host, deadline))
        if decoder is None:
            if head:
                raise FetchError(f"{host} sent a truncated {encoding} body")
            return
        out = decoder.flush()
        if out:
            produced += len(out)
            if produced > max_bytes:
                raise FetchError(f"{host} sent a body over {size_text(max_bytes)} after decompression")
            yield out
        if fed and not decoder.eof:
            raise FetchError(f"{host} sent a truncated {encoding} body")
    except zlib.error as e:
        raise FetchError(f"{host} sent a body that is not valid {encoding} ({one_line(str(e), 80)})") from None


def iter_body(response: httpx.Response, *, deadline: Deadline, max_bytes: int = MAX_BODY_BYTES) -> Iterator[bytes]:
    """The body of a streamed ``response`` as it arrives, decoded: at most ``max_bytes`` at every step of the
    decoding, and never past ``deadline``.

    The declared ``Content-Encoding`` is undone in reverse order (``gzip, gzip``: gunzip twice); gzip, deflate and
    identity only, at most ``MAX_ENCODINGS`` of them. Raises ``FetchError``, e.g.
    ``127.0.0.1:8080 sent a body over 64 MB after decompression``.
    """
    host = host_of(str(response.url))
    declared = response.headers.get("content-encoding", "")
    encodings = [e.strip().lower() for e in declared.split(",") if e.strip()]
    if len(encodings) > MAX_ENCODINGS:
        raise FetchError(f"{host} sent {len(encodings)} content encodings (at most {MAX_ENCODINGS} are decoded)")
    for encoding in encodings:
        if encoding not in _ENCODINGS:
            raise FetchError(
                f"{host} sent Content-Encoding {one_line(encoding, 40)!r}, which is not decoded here "
                "(only gzip, deflate and identity)"
            )
    compressed = [e for e in encodings if e != "identity"]
    chunks = _raw_chunks(response, deadline=deadline, max_bytes=max_bytes, host=host, compressed=bool(compressed))
    for encoding in reversed(compressed):
        chunks = _decompressed(chunks, encoding, deadline=deadline, max_bytes=max_bytes, host=host)
    return chunks


def read_body(
    response: httpx.Response, *, deadline: Deadline, max_bytes: int = MAX_BODY_BYTES, truncate: bool = False
) -> bytes:
    """The whole decoded body (``iter_body``); over ``max_bytes`` a ``FetchError``, or with ``truncate`` its first
    ``max_bytes`` (the rest is not read)."""
    chunks, size = [], 0
    for chunk in iter_body(response, deadline=deadline, max_bytes=MAX_BODY_BYTES if truncate else max_bytes):
        if truncate and size + len(chunk) >= max_bytes:
            chunks.append(chunk[: max_bytes - size])
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def iter_sse_lines(
    response: httpx.Response,
    *,
    deadline: Deadline,
    max_line_bytes: int = MAX_SSE_LINE_BYTES,
    max_bytes: int = MAX_STREAM_BYTES,
) -> Iterator[bytes]:
    """The lines of a server-sent-events stream as they arrive, without their ends (LF, CRLF or CR).

    Holds at most one line in memory: a line over ``max_line_bytes`` or a stream over ``max_bytes`` (decoded) is a
    ``FetchError``, and so is the deadline passing, checked between chunks, so keep-alive comments cannot extend
    it. An unfinished last line is dropped, as the SSE standard says.

    Example: a body b'data: 1\\r\\n\\n: ping\\ndata: 2\\n' gives b'data: 1', b'', b': ping', b'data: 2'
    """
    host = host_of(str(response.url))
    pending = bytearray()
    after_cr = False  # the last chunk ended in CR: an LF opening the next one belongs to that line end
    for chunk in iter_body(response, deadline=deadline, max_bytes=max_bytes):
        if after_cr and chunk[:1] == b"\n":
            chunk = chunk[1:]
            after_cr = False
        if not chunk:
            continue
        after_cr = chunk.endswith(b"\r")
        for piece in chunk.splitlines(keepends=True):
            line = piece.rstrip(b"\r\n")
            if len(pending) + len(line) > max_line_bytes:
                raise FetchError(f"{host} sent an SSE line over {size_text(max_line_bytes)}")
            if len(line) == len(piece):  # no line end yet: the line goes on in the next chunk
                pending += piece
                continue
            if pending:
                pending += line
                line = bytes(pending)
                pending.clear()
            yield line
        if deadline.expired():
            raise FetchError(_timeout_text(host, deadline))


# ---------------------------------------------------------------------------------------------------------
# Requests


def _tries(n: int) -> str:
    return "1 try" if n == 1 else f"{n} tries"


class Session:
    """One httpx client for a series of requests (connections kept alive between them) in which every connect,
    read and write gets at most the time left on the current request's ``Deadline``. Use it in a ``with``."""

    def __init__(self, url: str, *, follow_redirects: bool = True):
        transport = httpx.HTTPTransport(proxy=_environment_proxy(url))
        # httpx builds its connection pool with httpcore's default network backend; ours wraps it. (The pool is
        # not public: a test with a trickling server fails if an httpx upgrade moves it.)
        pool = getattr(transport, "_pool", None)
        inner = getattr(pool, "_network_backend", None)
        if not isinstance(inner, httpcore.NetworkBackend):  # pragma: no cover - only after an httpx upgrade
            raise RuntimeError("cannot set deadlines: httpx's connection pool has moved (httpx 0.28 expected)")
        self._backend = _DeadlineBackend(inner)
        pool._network_backend = self._backend
        self.follow_redirects = follow_redirects
        self.client = httpx.Client(
            transport=transport,
            follow_redirects=follow_redirects,
            timeout=httpx.Timeout(MAX_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
        )

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        consume: Callable[[httpx.Response, float], T],
        deadline: Deadline,
        retries: int = 0,
        headers: dict[str, str] | None = None,
        json_body: object = None,
        secrets: Iterable[str | None] = (),
        retry_reads: bool = True,
        backoff_base_s: float = BACKOFF_S,
        max_retry_after_s: float = MAX_RETRY_AFTER_S,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> T:
        """``consume(response, sent_s)`` for the first response below 400, ``sent_s`` being ``clock()`` just
        before that try was sent.

        Network errors and HTTP 408/425/429/5xx are retried up to ``retries`` times (errors while ``consume``
        reads the body only if ``retry_reads``), waiting ``backoff_s`` or what ``Retry-After`` asks (capped at
        ``max_retry_after_s``; longer asks fail at once), and never past ``deadline``: a wait that would pass it
        fails at once. Other HTTP errors fail at once. Raises ``FetchError`` with one redacted line.
        """
        secrets = list(secrets)
        try:
            check_retries(retries)
        except ValueError as e:
            raise FetchError(str(e)) from None
        host = host_of(url)
        all_headers = {"user-agent": USER_AGENT, "accept-encoding": ACCEPT_ENCODING, **(headers or {})}
        attempts = retries + 1
        last = ""
        self._backend.deadline = deadline
        try:
            for attempt in range(1, attempts + 1):
                wait = backoff_s(attempt, backoff_base_s)
                consuming = False
                try:
                    sent_s = clock()
                    with self.client.stream(method, url, headers=all_headers, json=json_body) as response:
                        status = response.status_code
                        if 300 <= status < 400:
                            why = " (the request has a key)" if any(secrets) else ""
                            raise FetchError(redact(f"HTTP {status} from {host}: redirect not followed{why}", secrets))
                        if status < 400:
                            consuming = True
                            return consume(response, sent_s)
                        try:
                            body = read_body(response, deadline=deadline, max_bytes=MAX_ERROR_BODY_BYTES, truncate=True)
                            # redact before cutting to one line, so a long encoded key is never cut in half
                            text = one_line(redact(body.decode("utf-8", "replace"), secrets))
                        except FetchError:
                            text = ""
                        last = f"HTTP {status} from {host}" + (f": {text}" if text else "")
                        if status not in RETRY_STATUSES:
                            raise FetchError(redact(last, secrets))
                        asked = retry_after_s(response.headers.get("retry-after"))
                        if asked is not None:
                            if asked > max_retry_after_s:
                                raise FetchError(redact(f"{last} (asked to retry after {asked:.0f} s)", secrets))
                            wait = asked
                except httpx.HTTPError as e:
                    last = describe_exception(e, url, deadline)
                    if consuming and not retry_reads:
                        raise FetchError(redact(last, secrets)) from None
                if deadline.expired():
                    break
                if attempt < attempts:
                    if wait >= deadline.remaining_s():
                        raise FetchError(
                            redact(
                                f"{last} (after {_tries(attempt)}; a retry in {wait:.1f} s would pass the "
                                f"{deadline.total_s:g} s deadline)",
                                secrets,
                            )
                        )
                    if on_retry:
                        on_retry(redact(f"{last}; retrying in {wait:.1f} s", secrets))
                    sleep(wait)
        finally:
            self._backend.deadline = None
        raise FetchError(redact(f"{last} (after {_tries(attempt)})", secrets))


def get(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    secrets: Iterable[str | None] = (),
    timeout_s: float = DEFAULT_TIMEOUT_S,
    retries: int = DEFAULT_RETRIES,
    deadline: Deadline | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    backoff_base_s: float = BACKOFF_S,
    max_retry_after_s: float = MAX_RETRY_AFTER_S,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[str], None] | None = None,
) -> Response:
    """GET ``url`` within ``timeout_s`` seconds in all, retries and their waits included (and within ``deadline``,
    a command's own, if given), with up to ``retries`` retries (network errors, 408/425/429/5xx) and a body of at
    most ``max_bytes`` after decompression.

    A ``Retry-After`` header sets the wait (capped at ``max_retry_after_s``; longer asks fail at once).
    Other HTTP errors fail at once. Raises ``FetchError`` with one redacted line, e.g.
    ``127.0.0.1:8080 did not answer in time (timeout): the request took longer than 5 s in all (after 1 try)``.
    """
    secrets = list(secrets)
    try:
        check_url(url)
        check_timeout_s(timeout_s)
        check_retries(retries)
    except ValueError as e:
        raise FetchError(redact(f"GET {one_line(url, 80)}: {e}", secrets)) from None
    request_deadline = Deadline(timeout_s).sooner(deadline)

    def consume(response: httpx.Response, _sent_s: float) -> Response:
        body = read_body(response, deadline=request_deadline, max_bytes=max_bytes)
        return Response(str(response.url), response.status_code, dict(response.headers), body)

    # A custom key header (x-api-key) would follow a redirect to another host: with a key, redirects are errors.
    carries_key = any(s for s in secrets)
    with Session(url, follow_redirects=not carries_key) as session:
        return session.request(
            "GET",
            url,
            consume=consume,
            deadline=request_deadline,
            retries=retries,
            headers={"accept": "application/json", **(headers or {})},
            secrets=secrets,
            backoff_base_s=backoff_base_s,
            max_retry_after_s=max_retry_after_s,
            sleep=sleep,
            on_retry=on_retry,
        )


def _depth_over(value: object, limit: int) -> bool:
    """Whether a parsed JSON value nests deeper than ``limit`` (iteratively: no recursion to run out of)."""
    level, depth = [value], 1
    while level:  # one level at a time: the containers among the children of the containers above
        if depth > limit:
            return True
        level = [c for item in level for c in (item.values() if isinstance(item, dict) else item) if type(c) in _NESTS]
        depth += 1
    return False


_NESTS = (dict, list)  # what json.loads makes for objects and arrays (exact types: no subclass comes out of it)


def parse_json(body: bytes, *, what: str, max_depth: int = MAX_JSON_DEPTH) -> object:
    """The JSON document in ``body``; a truncated, malformed or too deeply nested document raises ``FetchError``.

    Example: parse_json(b'{"a": [1', what="x") raises FetchError('x: truncated JSON (ends at byte 8)')
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FetchError(f"{what}: not UTF-8 text (byte {e.start})") from None
    if not text.strip():
        raise FetchError(f"{what}: empty response body")
    try:
        doc = json.loads(text)
    except RecursionError:
        raise FetchError(f"{what}: JSON nested deeper than {max_depth} levels") from None
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
            raise FetchError(f"{what}: truncated JSON (ends at byte {len(body)})") from None
        raise FetchError(f"{what}: malformed JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    except ValueError as e:  # a number with more digits than Python converts
        raise FetchError(f"{what}: malformed JSON ({one_line(str(e), 80)})") from None
    # Fewer brackets than the limit cannot nest past it (a stream chunk): walk only bigger documents.
    if text.count("[") + text.count("{") > max_depth and _depth_over(doc, max_depth):
        raise FetchError(f"{what}: JSON nested deeper than {max_depth} levels")
    return doc
