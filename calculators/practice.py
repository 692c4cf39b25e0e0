"""A practice provider for "Meça você mesmo": ``python -m calculators practice-server``.

A classroom rarely has an API key, so this serves a **simulated** OpenAI-compatible endpoint on 127.0.0.1 that
``python -m calculators bench`` can measure:

- ``POST /v1/chat/completions``, streamed (``stream: true``: server-sent events in the ``chat.completion.chunk``
  shape, then a usage chunk when ``stream_options.include_usage``, then ``data: [DONE]``) or not;
- ``GET /v1/models`` and ``GET /v1/models/llms101-simulado``.

The answer is the course's Portuguese passage (``chapters/_data/passagem.pt-BR.txt``) cut into o200k_base tokens
and cycled, one token per chunk, at the configured pace (``Pace``): the first token ``ttft_s`` after the request
arrived, token ``i`` at ``ttft_s + i / tokens_per_s`` counted from the arrival, so that sleeping never drifts
(``schedule_s``). The jitter J varies each request's time to first token and rate by a log-normal factor (median 1,
J the standard deviation of its logarithm, held between 1/3 and 3) and moves every later token by at most
±0.45·J of an interval, which does not accumulate; ``--seed`` makes the draws reproducible. ``max_tokens`` (or
``max_completion_tokens``; default 256, at most 32,768) is honoured exactly, and ``usage.completion_tokens`` is
the number of tokens sent. ``--fail-rate`` fails that share of requests: half answer HTTP 500 or 503 with a JSON
error before any token, half are cut mid-stream, without ``[DONE]`` (a request without streaming gets the HTTP
error). A bad request body gets a JSON error in OpenAI's shape (400, or 404 for another model).

It says it is a simulation everywhere: the startup lines, a header ``X-LLMS101-Simulated: true`` on every
response, the only model id ``llms101-simulado``, and ``system_fingerprint: "llms101-practice-simulated"`` in
every answer. ``bench`` reads the header: its report says "simulated" and ``--save`` writes confidence
``simulated`` (``calculators.measurements``).

It listens on 127.0.0.1 only: a toy for this computer, never a service for a network.
"""

from __future__ import annotations

import errno
import json
import math
import random
import socket
import sys
import threading
import time
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .cliargs import UsageError, real_number, whole_number
from .formatting import number_pt
from .http import FetchError, one_line, parse_json, size_text
from .paths import ROOT

PRACTICE_MODEL = "llms101-simulado"
SIMULATED_HEADER = "X-LLMS101-Simulated"
SYSTEM_FINGERPRINT = "llms101-practice-simulated"
HOST = "127.0.0.1"
DEFAULT_PORT = 8008
DEFAULT_TTFT_S = 0.4
DEFAULT_TOKENS_PER_S = 60.0
DEFAULT_JITTER = 0.1
DEFAULT_MAX_TOKENS = 256
MAX_TTFT_S = 60.0
MAX_TOKENS_PER_S = 10_000.0
MAX_MAX_TOKENS = 32_768
MAX_BODY_BYTES = 1024 * 1024
MAX_FACTOR = 3.0  # a request's time to first token and rate stay within 1/3 and 3 times the configured ones
TOKEN_JITTER_SHARE = 0.45  # at jitter 1, a token moves by at most this share of an interval: never out of order
FAILURE_STATUSES = (500, 503)
IDLE_TIMEOUT_S = 60.0  # a connection that sends nothing for this long is closed
PASSAGE = ROOT / "chapters" / "_data" / "passagem.pt-BR.txt"
TOKENIZER = "o200k_base"


def is_simulated(headers) -> bool:
    """Whether response headers (a dict or httpx's) say they come from the practice server.

    Example: is_simulated({"X-LLMS101-Simulated": "true"}) -> True;  is_simulated({}) -> False
    """
    name = SIMULATED_HEADER.lower()
    return any(k.lower() == name and str(v).strip().lower() == "true" for k, v in headers.items())


def check_loopback(host: str) -> str:
    """``127.0.0.1`` for "127.0.0.1" or "localhost"; ValueError for any other host.

    Example: check_loopback("localhost") -> '127.0.0.1';  check_loopback("0.0.0.0") raises ValueError
    """
    if host in (HOST, "localhost"):
        return HOST
    raise ValueError(
        f"{one_line(str(host), 40)!r} refused: the practice server listens on {HOST} only "
        "(a simulation for this computer, not a service for a network)"
    )


def bench_command(base_url: str) -> str:
    """The ``bench`` command a learner runs against the practice server at ``base_url``.

    Example: bench_command("http://127.0.0.1:8008/v1") -> 'python -m calculators bench --base-url
             http://127.0.0.1:8008/v1 --model llms101-simulado --runs 5 --save' (one line)
    """
    return f"python -m calculators bench --base-url {base_url} --model {PRACTICE_MODEL} --runs 5 --save"


@cache
def answer_tokens() -> tuple[str, ...]:
    """The practice answer, cycled: the course's Portuguese passage and a blank line, as o200k_base tokens, each
    whole UTF-8 text (a test pins that no token splits a character).

    Example: answer_tokens()[:3] -> ('Um', ' modelo', ' de')
    """
    from .tokens import token_pieces  # loads the tokenizer: only when a server starts

    text = PASSAGE.read_text(encoding="utf-8").strip() + "\n\n"
    pieces = token_pieces(text, TOKENIZER, limit=len(text))
    if any(p.partial for p in pieces):
        raise RuntimeError(f"{PASSAGE.name}: a token splits a character; the practice answer needs whole tokens")
    return tuple(p.text for p in pieces)


def answer_text(tokens: int) -> str:
    """The first ``tokens`` tokens of the practice answer, as text.

    Example: answer_text(3) -> 'Um modelo de'
    """
    pieces = answer_tokens()
    return "".join(pieces[i % len(pieces)] for i in range(tokens))


def schedule_s(
    *, ttft_s: float, tokens_per_s: float, tokens: int, jitter: float = 0.0, rng: random.Random | None = None
) -> list[float]:
    """When each of ``tokens`` tokens is sent, in seconds after the request arrived: ``ttft_s + i / tokens_per_s``,
    every token after the first moved by a draw of at most ±0.45·``jitter`` of an interval (``rng``), which never
    accumulates nor puts a token before the one ahead of it.

    Example: schedule_s(ttft_s=0.5, tokens_per_s=10, tokens=3) -> [0.5, 0.6, 0.7]
    """
    if not tokens_per_s > 0:
        raise ValueError(f"tokens_per_s must be above 0, not {tokens_per_s!r}")
    spread_s = TOKEN_JITTER_SHARE * min(max(jitter, 0.0), 1.0) / tokens_per_s
    times = []
    for i in range(tokens):
        offset_s = rng.uniform(-spread_s, spread_s) if rng is not None and spread_s and i else 0.0
        times.append(ttft_s + i / tokens_per_s + offset_s)
    return times


def _check_range(name: str, value: float, low: float, high: float, *, above_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    if value < low or (above_low and value == low) or value > high:
        raise ValueError(f"{name} must be from {low:g}{' (excluded)' if above_low else ''} to {high:g}, not {value:g}")
    return float(value)


@dataclass(frozen=True)
class Pace:
    """How the practice server answers: the median time to first token and output speed, the jitter (0 to 1)
    and the share of requests that fail (0 to 1)."""

    ttft_s: float = DEFAULT_TTFT_S
    tokens_per_s: float = DEFAULT_TOKENS_PER_S
    jitter: float = DEFAULT_JITTER
    fail_rate: float = 0.0

    def __post_init__(self):
        _check_range("ttft_s", self.ttft_s, 0, MAX_TTFT_S)
        _check_range("tokens_per_s", self.tokens_per_s, 0, MAX_TOKENS_PER_S, above_low=True)
        _check_range("jitter", self.jitter, 0, 1)
        _check_range("fail_rate", self.fail_rate, 0, 1)


@dataclass(frozen=True)
class Plan:
    """What one request does, drawn when it arrives: when each token goes out and whether, and how, it fails."""

    number: int
    times_s: tuple[float, ...]
    failure: str | None = None  # None, "http" (an error before any token) or "cut" (the stream stops mid-way)
    status: int = 200
    cut_after: int = 0  # with "cut": the tokens sent before the connection is closed


class Simulator:
    """Draws each request's ``Plan`` from one seeded generator (thread-safe), so ``seed`` repeats a session."""

    def __init__(self, pace: Pace, *, seed: int | None = None):
        self.pace = pace
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._count = 0

    def _factor(self, rng: random.Random) -> float:
        return min(MAX_FACTOR, max(1 / MAX_FACTOR, math.exp(rng.gauss(0.0, self.pace.jitter))))

    def plan(self, tokens: int) -> Plan:
        """The plan of the next request, for an answer of ``tokens`` tokens."""
        with self._lock:
            rng = random.Random(self._rng.getrandbits(64))
            self._count += 1
            number = self._count
        pace = self.pace
        # Every draw of a request comes from its own generator, seeded from the shared one: a longer answer or a
        # failure never shifts the next request's draws.
        fails = rng.random() < pace.fail_rate
        kind = "http" if rng.random() < 0.5 else "cut"
        status = rng.choice(FAILURE_STATUSES)
        cut_after = min(tokens, max(1, round(tokens * rng.uniform(0.3, 0.7))))
        ttft_s = pace.ttft_s * self._factor(rng)
        rate = pace.tokens_per_s * self._factor(rng)
        times = schedule_s(ttft_s=ttft_s, tokens_per_s=rate, tokens=tokens, jitter=pace.jitter, rng=rng)
        if not fails:
            return Plan(number, tuple(times))
        return Plan(number, tuple(times), kind, status, cut_after)


# ---------------------------------------------------------------------------------------------------------
# Requests


class ApiError(Exception):
    """A request the server refuses, answered as OpenAI does: ``{"error": {"message", "type", "param", "code"}}``."""

    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error", param=None, code=None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"message": message, "type": kind, "param": param, "code": code}}


@dataclass(frozen=True)
class ChatRequest:
    stream: bool
    include_usage: bool
    max_tokens: int
    prompt_tokens: int  # the messages' text counted with o200k_base


def _bad(message: str, param: str | None = None) -> ApiError:
    return ApiError(400, message, param=param)


def _max_tokens(body: dict) -> int:
    for name in ("max_completion_tokens", "max_tokens"):
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MAX_TOKENS:
            shown = one_line(json.dumps(value, ensure_ascii=False), 40)
            raise _bad(f"'{name}' must be a whole number from 1 to {MAX_MAX_TOKENS:,}, not {shown}", name)
        return value
    return DEFAULT_MAX_TOKENS


def _message_texts(messages) -> list[str]:
    if not isinstance(messages, list) or not messages:
        raise _bad("'messages' must be a non-empty list of messages", "messages")
    texts = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise _bad(f"messages[{i}] must be an object with a 'role'", "messages")
        content = message.get("content")
        parts = content if isinstance(content, list) else [content]
        for part in parts:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif isinstance(part, str):
                texts.append(part)
            elif part is not None and not isinstance(part, dict):
                raise _bad(f"messages[{i}].content must be text or a list of parts", "messages")
    return texts


def parse_chat_request(raw: bytes) -> ChatRequest:
    """A chat-completions request body, checked as OpenAI checks it; ``ApiError`` says what is wrong (400, or 404
    for a model other than ``llms101-simulado``).

    Example: parse_chat_request(b'{"model": "llms101-simulado", "messages": [{"role": "user", "content": "Oi"}]}')
             -> ChatRequest(stream=False, include_usage=False, max_tokens=256, prompt_tokens=1)
    """
    if not raw.strip():
        raise _bad("the request body is empty: send a JSON object with 'model' and 'messages'")
    try:
        body = parse_json(raw, what="the request body")
    except FetchError as e:
        raise _bad(str(e)) from None
    if not isinstance(body, dict):
        raise _bad("the request body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise _bad(f"'model' is required: this practice server simulates {PRACTICE_MODEL!r}", "model")
    if model != PRACTICE_MODEL:
        raise ApiError(
            404,
            f"the model {one_line(model, 60)!r} does not exist here: the practice server simulates only "
            f"{PRACTICE_MODEL!r}",
            param="model",
            code="model_not_found",
        )
    texts = _message_texts(body.get("messages"))
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise _bad("'stream' must be true or false", "stream")
    options = body.get("stream_options")
    if options is not None and not (isinstance(options, dict) and stream):
        raise _bad("'stream_options' must be an object, and only with 'stream': true", "stream_options")
    include_usage = (options or {}).get("include_usage", False)
    if not isinstance(include_usage, bool):
        raise _bad("'stream_options.include_usage' must be true or false", "stream_options")
    from .tokens import count_tokens

    prompt_tokens = count_tokens("\n".join(texts), TOKENIZER)
    return ChatRequest(bool(stream), include_usage, _max_tokens(body), prompt_tokens)


def _usage(request: ChatRequest, tokens: int) -> dict:
    return {
        "prompt_tokens": request.prompt_tokens,
        "completion_tokens": tokens,
        "total_tokens": request.prompt_tokens + tokens,
    }


MODEL_DOC = {"id": PRACTICE_MODEL, "object": "model", "created": 0, "owned_by": "llms101-practice (simulado)"}


def _sleep_until(when_s: float) -> None:
    pause_s = when_s - time.perf_counter()
    if pause_s > 0:
        time.sleep(pause_s)


def _printable(text: str, limit: int = 80) -> str:
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "llms101-practice-server/1 (simulated)"
    timeout = IDLE_TIMEOUT_S
    disable_nagle_algorithm = True  # every token goes out as it is written

    def version_string(self) -> str:
        return self.server_version

    def end_headers(self):  # every response, errors of http.server included, says it is simulated
        self.send_header(SIMULATED_HEADER, "true")
        super().end_headers()

    def send_error(self, code, message=None, explain=None):  # http.server's own errors (501, 414...), as JSON
        self.close_connection = True
        phrase = self.responses.get(code, ("error",))[0]
        self._send_error(ApiError(code, _printable(message or phrase, 200)))

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        pass

    def log_request(self, code="-", size="-"):
        if self.server.verbose:
            status = int(code) if str(code).isdigit() else code
            print(f"[simulação] {self.command} {_printable(self.path)} -> {status}", file=sys.stderr, flush=True)

    def _path(self) -> str:
        return urlsplit(self.path).path.rstrip("/") or "/"

    def _send_json(self, status: int, doc: dict) -> None:
        body = json.dumps(doc, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_error(self, error: ApiError) -> None:
        self._send_json(error.status, error.body)

    def _not_found(self) -> ApiError:
        return ApiError(
            404,
            f"no {self.command} {_printable(self._path(), 60)} here: the practice server has GET /v1/models and "
            "POST /v1/chat/completions",
            code="not_found",
        )

    def do_GET(self):
        path = self._path()
        if path == "/v1/models":
            self._send_json(200, {"object": "list", "data": [MODEL_DOC]})
        elif path == f"/v1/models/{PRACTICE_MODEL}":
            self._send_json(200, MODEL_DOC)
        else:
            self._send_error(self._not_found())

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding"):
            self.close_connection = True
            raise ApiError(411, "send the body with a Content-Length (a chunked request body is not read here)")
        text = self.headers.get("content-length", "0").strip()
        if not (text.isascii() and text.isdigit()):
            self.close_connection = True
            raise _bad(f"bad Content-Length {_printable(text, 20)!r}")
        if int(text) > MAX_BODY_BYTES:
            self.close_connection = True
            raise ApiError(413, f"the request body is over {size_text(MAX_BODY_BYTES)}")
        return self.rfile.read(int(text))

    def do_POST(self):
        try:
            raw = self._read_body()
            arrived_s = time.perf_counter()
            if self._path() != "/v1/chat/completions":
                raise self._not_found()
            request = parse_chat_request(raw)
        except ApiError as e:
            self._send_error(e)
            return
        plan = self.server.simulator.plan(request.max_tokens)
        try:
            if plan.failure == "http" or (plan.failure and not request.stream):
                rate = self.server.simulator.pace.fail_rate
                message = f"simulated failure: the practice server fails {rate:.0%} of requests (--fail-rate {rate:g})"
                self._send_error(ApiError(plan.status, message, kind="server_error", code="simulated_failure"))
            elif request.stream:
                self._stream(request, plan, arrived_s)
            else:
                self._complete(request, plan, arrived_s)
        except (BrokenPipeError, ConnectionResetError):  # the client went away
            self.close_connection = True

    def _answer(self, plan: Plan, kind: str, choice: dict) -> dict:
        return {
            "id": f"chatcmpl-llms101-{plan.number}",
            "object": kind,
            "created": int(time.time()),
            "model": PRACTICE_MODEL,
            "system_fingerprint": SYSTEM_FINGERPRINT,
            "choices": [{"index": 0, **choice, "logprobs": None}] if choice else [],
        }

    def _complete(self, request: ChatRequest, plan: Plan, arrived_s: float) -> None:
        if plan.times_s:
            _sleep_until(arrived_s + plan.times_s[-1])
        tokens = len(plan.times_s)
        message = {"role": "assistant", "content": answer_text(tokens)}
        doc = self._answer(plan, "chat.completion", {"message": message, "finish_reason": "length"})
        self._send_json(200, {**doc, "usage": _usage(request, tokens)})

    def _send_chunk(self, data: bytes) -> None:
        """One piece of a chunked body (an empty one ends the body)."""
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _event(self, payload: dict | str) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        self._send_chunk(f"data: {text}\n\n".encode())

    def _cut(self) -> None:
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _stream(self, request: ChatRequest, plan: Plan, arrived_s: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._event(self._answer(plan, "chat.completion.chunk", {"delta": {"role": "assistant", "content": ""}}))
        pieces = answer_tokens()
        for i, at_s in enumerate(plan.times_s):
            if plan.failure == "cut" and i == plan.cut_after:
                break
            _sleep_until(arrived_s + at_s)
            delta = {"content": pieces[i % len(pieces)]}
            self._event(self._answer(plan, "chat.completion.chunk", {"delta": delta, "finish_reason": None}))
        if plan.failure == "cut":
            self._cut()
            return
        self._event(self._answer(plan, "chat.completion.chunk", {"delta": {}, "finish_reason": "length"}))
        if request.include_usage:
            usage = _usage(request, len(plan.times_s))
            self._event({**self._answer(plan, "chat.completion.chunk", {}), "usage": usage})
        self._event("[DONE]")
        self._send_chunk(b"")


class PracticeServer(ThreadingHTTPServer):
    """The practice server on 127.0.0.1 (``port`` 0: a free one, see ``.port``). Use it in a ``with``."""

    daemon_threads = True  # Ctrl-C does not wait for streams in flight

    def __init__(
        self,
        pace: Pace | None = None,
        *,
        port: int = DEFAULT_PORT,
        host: str = HOST,
        seed: int | None = None,
        verbose: bool = False,
    ):
        self.simulator = Simulator(pace or Pace(), seed=seed)
        self.verbose = verbose
        super().__init__((check_loopback(host), port), _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"


def banner(base_url: str, pace: Pace, seed: int | None = None) -> list[str]:
    """What the server prints when it starts, in Portuguese: that it is a simulation, where, at what pace, and
    the ``bench`` command to measure it."""
    seed_text = "" if seed is None else f", semente {seed}"
    return [
        f"SIMULAÇÃO — servidor de prática em {base_url} (modelo {PRACTICE_MODEL}): não é um provedor de verdade.",
        f"Ritmo simulado: primeiro token em ~{number_pt(pace.ttft_s, 2, ' s')}, "
        f"~{number_pt(pace.tokens_per_s, 0 if pace.tokens_per_s >= 10 else 2, ' tokens/s')}, "
        f"variação {number_pt(pace.jitter * 100, 0, '%')}, "
        f"falhas {number_pt(pace.fail_rate * 100, 0, '%')}{seed_text}.",
        "Para medir, em outro terminal:",
        f"  {bench_command(base_url)}",
        "O bench percebe a simulação e salva os números marcados como simulados. Ctrl-C para parar.",
    ]


# ---------------------------------------------------------------------------------------------------------
# Command line (registered by calculators.cli)


def _host_arg(text: str) -> str:
    import argparse

    try:
        return check_loopback(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def add_arguments(p) -> None:
    """The ``practice-server`` command's description, arguments and handler, on its parser (``calculators.cli``)."""
    p.description = (
        f"Serve a simulated OpenAI-compatible endpoint on {HOST} (model {PRACTICE_MODEL}) that streams a "
        "Portuguese passage at a chosen pace, for python -m calculators bench. Not a real provider: every "
        f"response carries {SIMULATED_HEADER}: true and bench saves what it measures here as 'simulated'."
    )
    p.add_argument(
        "--ttft",
        type=real_number(0, MAX_TTFT_S),
        default=DEFAULT_TTFT_S,
        help="median seconds to the first token (default 0.4; 0 to 60)",
    )
    p.add_argument(
        "--tokens-per-s",
        type=real_number(0, MAX_TOKENS_PER_S, above_minimum=True),
        default=DEFAULT_TOKENS_PER_S,
        help="median output tokens per second (default 60; above 0, at most 10,000)",
    )
    p.add_argument(
        "--port", type=whole_number(0, 65535), default=DEFAULT_PORT, help="default 8008; 0 picks a free port"
    )
    p.add_argument("--host", type=_host_arg, default=HOST, help=f"{HOST} only (the default): never a network")
    p.add_argument(
        "--jitter",
        type=real_number(0, 1),
        default=DEFAULT_JITTER,
        help="variation from request to request and token to token (default 0.1 = about 10%%; 0 to 1)",
    )
    p.add_argument(
        "--fail-rate",
        type=real_number(0, 1),
        default=0.0,
        help="share of requests that fail: an HTTP 500/503 or a stream cut mid-way (default 0; 0 to 1)",
    )
    p.add_argument("--seed", type=whole_number(0), help="makes the variation and the failures reproducible")
    p.add_argument("--quiet", action="store_true", help="no line per request on standard error")
    p.set_defaults(func=cmd_practice_server)


def cmd_practice_server(args) -> int:
    pace = Pace(ttft_s=args.ttft, tokens_per_s=args.tokens_per_s, jitter=args.jitter, fail_rate=args.fail_rate)
    try:
        server = PracticeServer(pace, port=args.port, host=args.host, seed=args.seed, verbose=not args.quiet)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {args.port} on {HOST} is in use: choose another with --port (0 picks a free one)"
            ) from None
        raise UsageError(f"cannot listen on {HOST}:{args.port} ({e.strerror or e})") from None
    with server:
        answer_tokens()  # load the tokenizer before the first request, so that it is not slower than the others
        for line in banner(server.base_url, pace, args.seed):
            print(line, flush=True)
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            print("Servidor de prática parado.", flush=True)
    return 0


__all__ = [
    "PRACTICE_MODEL",
    "SIMULATED_HEADER",
    "Pace",
    "PracticeServer",
    "answer_tokens",
    "bench_command",
    "is_simulated",
    "parse_chat_request",
    "schedule_s",
]
