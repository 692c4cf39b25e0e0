"""Real HTTP servers on 127.0.0.1 for the refresh and bench tests (stdlib http.server in a thread; no mocks).

- ``JsonServer``: answers like OpenRouter, genai-prices' feed or Artificial Analysis. A test sets ``replies``,
  a list of ``Reply`` served in order (the last one repeats), and reads ``requests`` afterwards.
- ``StreamServer``: an OpenAI-compatible ``POST /v1/chat/completions`` that streams server-sent events with a
  configurable delay before the first token and a configurable token rate; ``modes`` makes given runs fail
  (``cut`` closes the stream mid-way, ``http500`` answers 500 and echoes the request's key in the body).
- ``ScriptServer``: sends whatever bytes a test's script yields, when it yields them (a trickle, a gzip bomb, an
  endless stream); ``http_response``, ``SSE_HEAD``, ``sse_event`` and ``chat_chunk`` help write such scripts.

A test module starts one per test (``server = JsonServer().start()`` ... ``server.stop()``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    declared_length: int | None = None  # a Content-Length larger than the body: the connection drops early
    echo_key: bool = False  # put the request's x-api-key / Authorization header in the body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Base:
    def __init__(self, handler_class):
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(handler_class):
            disable_nagle_algorithm = True
            server_obj = outer

            def log_message(self, *args):  # keep the test output clean
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def log(self, handler) -> None:
        with self._lock:
            self.requests.append({"path": handler.path, "headers": dict(handler.headers), "time": time.monotonic()})


class _JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server = self.server_obj
        server.log(self)
        with server._lock:
            index = min(len(server.requests) - 1, len(server.replies) - 1)
            reply = server.replies[index]
        if reply.delay_s:
            time.sleep(reply.delay_s)
        body = reply.body
        if reply.echo_key:
            key = self.headers.get("x-api-key") or self.headers.get("authorization") or ""
            body = body + f" (you sent: {key})".encode()
        self.send_response(reply.status)
        self.send_header("content-type", "application/json")
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.send_header("content-length", str(reply.declared_length or len(body)))
        self.send_header("connection", "close")
        self.end_headers()
        try:
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class JsonServer(_Base):
    def __init__(self):
        super().__init__(_JsonHandler)
        self.replies: list[Reply] = [Reply(404, b'{"error": "no reply configured"}')]


class _StreamHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_POST(self):
        server = self.server_obj
        server.log(self)
        length = int(self.headers.get("content-length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        with server._lock:
            n = len(server.requests) - 1
            mode = server.modes[n] if n < len(server.modes) else "ok"
        if mode == "http500":
            key = self.headers.get("authorization", "")
            body = json.dumps({"error": {"message": f"internal error; request auth was {key}"}}).encode()
            self.send_response(500)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        tokens = min(server.tokens, int(request.get("max_tokens") or server.tokens))
        include_usage = server.send_usage and (request.get("stream_options") or {}).get("include_usage")
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.end_headers()

        def event(payload) -> None:
            text = payload if isinstance(payload, str) else json.dumps(payload)
            self.wfile.write(f"data: {text}\n\n".encode())
            self.wfile.flush()

        def chunk(delta: dict, finish=None) -> dict:
            return {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "model": request.get("model"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        try:
            event(chunk({"role": "assistant", "content": ""}))
            start = time.perf_counter() + server.ttft_s
            for i in range(tokens):
                target = start + i / server.tokens_per_s
                pause = target - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                event(chunk({"content": server.piece}))
                if mode == "cut" and i == tokens // 2:
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
            event(chunk({}, finish="length" if tokens == request.get("max_tokens") else "stop"))
            if include_usage:
                usage = {"prompt_tokens": 20, "completion_tokens": tokens, "total_tokens": 20 + tokens}
                event({"id": "chatcmpl-test", "object": "chat.completion.chunk", "choices": [], "usage": usage})
            event("[DONE]")
        except (BrokenPipeError, ConnectionResetError):
            pass


class StreamServer(_Base):
    def __init__(self, *, ttft_s=0.2, tokens_per_s=100.0, tokens=40, send_usage=True, piece=" hello"):
        super().__init__(_StreamHandler)
        self.ttft_s = ttft_s
        self.tokens_per_s = tokens_per_s
        self.tokens = tokens
        self.send_usage = send_usage
        self.piece = piece  # one token in o200k_base, so counted and reported counts agree
        self.modes: list[str] = []


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connection refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ----------------------------------------------------------------------------------------------- misbehaving servers

SSE_HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n"


def http_response(body: bytes, *, status: int = 200, headers: dict[str, str] | None = None) -> bytes:
    """A whole HTTP/1.1 response (status line, headers with Content-Length, body) as bytes."""
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "content-type: application/json"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    lines += [f"content-length: {len(body)}", "connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def sse_event(payload) -> bytes:
    """One server-sent event, ``data: ...`` and a blank line; a dict or list is sent as JSON."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {text}\n\n".encode()


def chat_chunk(content: str | None = None, *, usage: dict | None = None) -> dict:
    """An OpenAI-style stream chunk: a delta with ``content``, or (with ``usage``) the closing usage chunk."""
    if usage is not None:
        return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "choices": [], "usage": usage}
    delta = {"role": "assistant", "content": ""} if content is None else {"content": content}
    return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]}


class _ScriptHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def _serve(self):
        server = self.server_obj
        server.log(self)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        give_up = time.monotonic() + server.max_s
        try:
            for piece in server.script(body):
                if time.monotonic() > give_up:
                    break
                if isinstance(piece, int | float):
                    time.sleep(piece)
                    continue
                self.wfile.write(piece)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: what these servers are for
        self.close_connection = True

    do_GET = do_POST = _serve


class ScriptServer(_Base):
    """Answers every GET and POST with what ``script(request_body)`` yields, as it yields it: bytes are written at
    once (status line and headers included: nothing is added), a number is a pause in seconds. So a test can send
    what no well-behaved server would: a byte a second, a compressed bomb, a stream without end. A script may run
    forever; the server stops it when the client goes away or after ``max_s`` seconds."""

    def __init__(self, script, *, max_s: float = 60.0):
        super().__init__(_ScriptHandler)
        self.script = script
        self.max_s = max_s
