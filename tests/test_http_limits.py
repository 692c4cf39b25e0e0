"""The HTTP layer's limits (calculators.http), against real misbehaving servers on 127.0.0.1.

Each command-line case runs ``python -m calculators`` in a child process of its own (tests/cli_child.py) on a
copy of data/, and checks: the exit code (1 for a server or source failure, 2 for a bad argument), a one-line
error and no traceback, the wall time (under twice the deadline asked), the child's peak memory (VmHWM, under
300 MB) and that data/ is byte-identical afterwards.
"""

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from servers import SSE_HEAD, JsonServer, Reply, ScriptServer, chat_chunk, http_response, sse_event

from calculators import http
from calculators.http import Deadline, FetchError, get, parse_json

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).with_name("cli_child.py")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PEAK_LIMIT_KB = 300 * 1024
DEADLINE_S = 2.0
DEEP = 100_000


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module", autouse=True)
def repository_data_untouched():
    before = tree_hashes(ROOT / "data" / "snapshots")
    yield
    assert tree_hashes(ROOT / "data" / "snapshots") == before, "a test wrote to the repository's data/"


@pytest.fixture
def data_copy(tmp_path):
    """A temporary copy of data/snapshots (the article's snapshot) and data/README.md for the child to use."""
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "snapshots" / "2024-05", root / "snapshots" / "2024-05")
    shutil.copy(ROOT / "data" / "README.md", root / "README.md")
    return root


def twice_gzipped(pattern: bytes, total_bytes: int) -> bytes:
    """``pattern`` repeated to ``total_bytes``, gzipped, then gzipped again: a few KB that expand to the total."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = pattern * (2**20 // len(pattern))
    parts = [inner.compress(block) for _ in range(total_bytes // len(block))]
    parts.append(inner.flush())
    return gzip.compress(b"".join(parts), compresslevel=9)


@pytest.fixture(scope="module")
def zeros_bomb() -> bytes:
    bomb = twice_gzipped(b"\0", 200 * 2**20)  # 200 MB of zeros
    assert len(bomb) < 64 * 1024
    return bomb


@pytest.fixture(scope="module")
def sse_bomb() -> bytes:
    bomb = twice_gzipped(b": keep-alive " + b"." * 1010 + b"\n", 200 * 2**20)  # 200 MB of SSE comment lines
    assert len(bomb) < 512 * 1024
    return bomb


@dataclass
class ChildRun:
    code: int
    out: str
    err: str
    wall_s: float
    peak_kb: int


def run_child(args: list[str], data_dir: Path) -> ChildRun:
    report = data_dir.parent / "child-report.json"
    report.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CLI_CHILD_SNAPSHOT_DIR": str(data_dir / "snapshots"),
        "CLI_CHILD_REPORT": str(report),
    }
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(CHILD), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    wall_s = time.monotonic() - start
    assert "Traceback" not in proc.stderr, proc.stderr
    peak_kb = json.loads(report.read_text(encoding="utf-8"))["vmhwm_kb"]
    return ChildRun(proc.returncode, proc.stdout, proc.stderr, wall_s, peak_kb)


def serve(script):
    return ScriptServer(script).start()


# ----------------------------------------------------------------------------------------------- scripts


def send(data: bytes):
    def script(_request):
        yield data

    return script


def trickle(data: bytes, *, head: bytes = b"", interval_s: float = 1.0):
    """``head`` at once, then ``data`` one byte every ``interval_s``."""

    def script(_request):
        if head:
            yield head
        for i in range(len(data)):
            yield data[i : i + 1]
            yield interval_s

    return script


def openrouter_trickled_body():
    body = (FIXTURES / "openrouter_models.json").read_bytes()
    whole = http_response(body)
    head = whole[: -len(body)]
    return trickle(body, head=head)


def openrouter_trickled_whole():
    return trickle(http_response((FIXTURES / "openrouter_models.json").read_bytes()))


def sse_script(*events, forever=None, pause_s: float = 0.0, head: bytes = SSE_HEAD):
    """SSE headers, ``events`` (dicts, strings or raw bytes), then ``forever()`` repeated with ``pause_s``."""

    def script(_request):
        yield head
        for event in events:
            yield event if isinstance(event, bytes) else sse_event(event)
        while forever is not None:
            yield forever()
            if pause_s:
                yield pause_s

    return script


def stream_with_usage(usage_tokens) -> bytes:
    usage = b'{"prompt_tokens": 5, "completion_tokens": %s, "total_tokens": 1}' % usage_tokens
    return b"".join(
        [
            sse_event(chat_chunk()),
            sse_event(chat_chunk(" hello")),
            b'data: {"id": "x", "object": "chat.completion.chunk", "choices": [], "usage": ' + usage + b"}\n\n",
            sse_event("[DONE]"),
        ]
    )


# ----------------------------------------------------------------------------------------------- refresh


REFRESH_CASES = {
    "trickled_body": (openrouter_trickled_body, "took longer than 2 s in all"),
    "trickled_headers": (openrouter_trickled_whole, "took longer than 2 s in all"),
    "gzip_bomb": ("zeros_bomb", "sent a body over 64 MB after decompression"),
    "nested_100000_deep": (lambda: send(http_response(b"[" * DEEP + b"]" * DEEP)), "JSON nested deeper than 64"),
    "brotli": (lambda: send(http_response(b"{}", headers={"content-encoding": "br"})), "Content-Encoding 'br'"),
}


@pytest.mark.parametrize("case", REFRESH_CASES)
def test_refresh_against_a_misbehaving_server(case, data_copy, request):
    make, expected = REFRESH_CASES[case]
    if make == "zeros_bomb":
        bomb = request.getfixturevalue("zeros_bomb")
        script = send(http_response(bomb, headers={"content-encoding": "gzip, gzip"}))
    else:
        script = make()
    before = tree_hashes(data_copy)
    server = serve(script)
    try:
        args = ["--source", "openrouter", "--base-url", server.url, "--timeout", str(DEADLINE_S), "--retries", "0"]
        run = run_child(["refresh", *args], data_copy)
    finally:
        server.stop()
    print(f"{case}: exit {run.code}, {run.wall_s:.2f} s, peak {run.peak_kb / 1024:.0f} MB")  # shown with -s
    lines = run.err.strip().splitlines()
    assert run.code == 1, run.err
    assert len(lines) == 1, run.err
    assert lines[0].startswith("error: refresh openrouter failed, data unchanged: ")
    assert expected in lines[0]
    assert run.wall_s < 2 * DEADLINE_S, f"{run.wall_s:.1f} s"
    assert run.peak_kb < PEAK_LIMIT_KB, f"peak {run.peak_kb / 1024:.0f} MB"
    assert tree_hashes(data_copy) == before


# ----------------------------------------------------------------------------------------------- bench


def _endless_tokens():
    return sse_script(chat_chunk(), forever=lambda: sse_event(chat_chunk(" hello")))


def _keep_alive_forever():
    return sse_script(chat_chunk(), forever=lambda: b": keep-alive\n\n", pause_s=0.5)


def _huge_line():
    return sse_script(b"data: ", forever=lambda: b"x" * 65536)


def _trickled_stream():
    whole = SSE_HEAD + sse_event(chat_chunk()) + sse_event(chat_chunk(" hello")) + sse_event("[DONE]")
    return trickle(whole)


BENCH_CASES = {
    "trickled": (_trickled_stream, "took longer than 2 s in all"),
    "keep_alive_comments_forever": (_keep_alive_forever, "took longer than 2 s in all"),
    "gzip_bomb": ("sse_bomb", "sent a body over 64 MB after decompression"),
    "endless_tokens": (_endless_tokens, "kept streaming past max_tokens 10 (over 26 tokens; stopped reading)"),
    "huge_line": (_huge_line, "sent an SSE line over 1 MB"),
    "choices_not_a_list": (lambda: sse_script({"choices": "x"}, "[DONE]"), "'choices' is not a list"),
    "negative_usage": (lambda: send(SSE_HEAD + stream_with_usage(b"-5")), "impossible usage"),
    "usage_10e23": (lambda: send(SSE_HEAD + stream_with_usage(b"100000000000000000000000")), "impossible usage"),
    "usage_1e23_float": (lambda: send(SSE_HEAD + stream_with_usage(b"1e23")), "impossible usage"),
    "nested_100000_deep": (
        lambda: sse_script(b"data: " + b"[" * DEEP + b"]" * DEEP + b"\n\n"),
        "JSON nested deeper than 64",
    ),
}


@pytest.mark.parametrize("case", BENCH_CASES)
def test_bench_against_a_misbehaving_server(case, data_copy, request):
    make, expected = BENCH_CASES[case]
    if make == "sse_bomb":
        head = SSE_HEAD.replace(b"\r\n\r\n", b"\r\ncontent-encoding: gzip, gzip\r\n\r\n")
        script = send(head + request.getfixturevalue("sse_bomb"))
    else:
        script = make()
    before = tree_hashes(data_copy)
    server = serve(script)
    try:
        args = ["--base-url", server.url + "/v1", "--model", "m", "--runs", "1", "--max-tokens", "10"]
        args += ["--timeout", str(DEADLINE_S), "--retries", "0", "--save"]
        run = run_child(["bench", *args], data_copy)
    finally:
        server.stop()
    print(f"{case}: exit {run.code}, {run.wall_s:.2f} s, peak {run.peak_kb / 1024:.0f} MB")  # shown with -s
    lines = run.err.strip().splitlines()
    assert run.code == 1, run.err
    # one line for the failed run, one for --save having nothing to save
    assert len(lines) == 2 and lines[1] == "error: every run failed; nothing saved", run.err
    assert lines[0].startswith("run 1: failed: ") and expected in lines[0], lines[0]
    assert run.wall_s < 2 * DEADLINE_S, f"{run.wall_s:.1f} s"
    assert run.peak_kb < PEAK_LIMIT_KB, f"peak {run.peak_kb / 1024:.0f} MB"
    assert tree_hashes(data_copy) == before
    assert not (data_copy / "measurements").exists()


USAGE_ERRORS = {
    "runs_500": (["--runs", "500"], "argument --runs: 500 is above the maximum of 100"),
    "runs_0": (["--runs", "0"], "argument --runs: 0 is not at least 1"),
    "retries_11": (["--retries", "11"], "argument --retries: '11' is not a whole number from 0 to 10"),
    "timeout_nan": (["--timeout", "nan"], "argument --timeout: 'nan' is not a number of seconds above 0"),
    "timeout_inf": (["--timeout", "inf"], "argument --timeout: 'inf' is not a number of seconds above 0"),
    "timeout_0": (["--timeout", "0"], "argument --timeout: '0' is not a number of seconds above 0"),
    "timeout_601": (["--timeout", "601"], "and at most 600"),
    "bad_url": (["--base-url", "http://[::1"], "argument --base-url: 'http://[::1': not a valid URL"),
    "not_http": (["--base-url", "file:///etc/passwd"], "not an http:// or https:// URL"),
}


@pytest.mark.parametrize("case", USAGE_ERRORS)
def test_bench_bad_arguments_exit_2_with_one_line(case, data_copy):
    extra, expected = USAGE_ERRORS[case]
    args = ["bench", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", *extra]
    run = run_child(args, data_copy)
    lines = run.err.strip().splitlines()
    assert run.code == 2 and len(lines) == 1, run.err
    assert lines[0].startswith("error: ") and expected in lines[0], lines[0]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--timeout", "nan"], "is not a number of seconds above 0 and at most 600"),
        (["--retries", "1000"], "is not a whole number from 0 to 10"),
        (["--base-url", "http://[::1"], "not a valid URL"),
    ],
)
def test_refresh_bad_network_arguments_are_one_line(extra, expected, data_copy):
    args = ["refresh", "--source", "openrouter", "--base-url", "http://127.0.0.1:9", *extra]
    run = run_child(args, data_copy)
    lines = run.err.strip().splitlines()
    # refresh uses calculators.http's argument types: a usage error, one line, exit 2, before any request.
    assert run.code == 2 and len(lines) == 1, run.err
    assert expected in lines[0], lines[0]


# ----------------------------------------------------------------------------------------------- the layer itself


@pytest.fixture
def json_server():
    server = JsonServer().start()
    yield server
    server.stop()


DOC = json.dumps({"data": [{"id": "a", "n": list(range(50))}] * 20}).encode()


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(DOC)),
        ("deflate", zlib.compress(DOC)),  # zlib-wrapped, as RFC 9110 says
        ("deflate", zlib.compress(DOC)[2:-4]),  # raw, as some servers send it
        ("gzip, gzip", gzip.compress(gzip.compress(DOC))),
        ("identity, gzip", gzip.compress(DOC)),
        ("", DOC),
    ],
)
def test_every_declared_encoding_is_undone_in_order(encoding, body, json_server):
    json_server.replies = [Reply(200, body, headers={"content-encoding": encoding} if encoding else {})]
    assert get(json_server.url, retries=0, timeout_s=5).body == DOC
    assert json_server.requests[0]["headers"]["accept-encoding"] == "gzip, deflate"


def test_the_cap_counts_decompressed_bytes(json_server):
    json_server.replies = [Reply(200, gzip.compress(DOC), headers={"content-encoding": "gzip"})]
    with pytest.raises(FetchError, match=r"sent a body over 1 KB after decompression$"):
        get(json_server.url, retries=0, max_bytes=1024)
    json_server.replies = [Reply(200, DOC)]
    with pytest.raises(FetchError, match=r"sent a body over 1 KB$"):
        get(json_server.url, retries=0, max_bytes=1024)


@pytest.mark.parametrize(
    ("encoding", "body", "expected"),
    [
        ("zstd", b"x", "Content-Encoding 'zstd', which is not decoded here"),
        ("gzip, gzip, gzip, gzip", b"x", "sent 4 content encodings (at most 3 are decoded)"),
        ("gzip", b"not gzip at all", "not valid gzip"),
        ("gzip", gzip.compress(DOC)[:-20], "truncated gzip body"),
    ],
)
def test_bad_encodings_are_one_line_errors(encoding, body, expected, json_server):
    json_server.replies = [Reply(200, body, headers={"content-encoding": encoding})]
    with pytest.raises(FetchError, match=re.escape(expected)) as error:
        get(json_server.url, retries=0)
    assert "\n" not in str(error.value)


def test_the_deadline_covers_a_trickle_in_process():
    server = serve(trickle(b'{"a": 1}', head=b"HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\n", interval_s=0.3))
    start = time.monotonic()
    try:
        with pytest.raises(FetchError, match=r"did not answer in time \(timeout\): the request took longer than 1 s"):
            get(server.url, retries=2, timeout_s=1.0)
    finally:
        server.stop()
    assert time.monotonic() - start < 1.5


def test_a_command_deadline_cuts_requests_shorter(json_server):
    json_server.replies = [Reply(200, b"{}", delay_s=1.0)]
    command = Deadline(0.4, what="the whole refresh")
    start = time.monotonic()
    with pytest.raises(FetchError, match="the whole refresh took longer than 0.4 s in all"):
        get(json_server.url, retries=0, timeout_s=10, deadline=command)
    assert time.monotonic() - start < 0.9
    assert Deadline(5).sooner(command) is command and command.sooner(None) is command


def test_no_retry_waits_past_the_deadline(json_server):
    json_server.replies = [Reply(503, b"busy")]
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"HTTP 503 .*after 1 try; a retry in 2.0 s would pass the 1 s deadline"):
        get(json_server.url, retries=3, timeout_s=1.0, backoff_base_s=2.0)
    assert time.monotonic() - start < 0.5 and len(json_server.requests) == 1


def test_request_arguments_are_checked():
    for kwargs, expected in [
        ({"timeout_s": float("nan")}, "finite number of seconds"),
        ({"timeout_s": 601}, "at most 600 s"),
        ({"retries": 11}, "from 0 to 10"),
        ({"retries": -1}, "from 0 to 10"),
    ]:
        with pytest.raises(FetchError, match=expected):
            get("http://127.0.0.1:9/", **kwargs)
    with pytest.raises(FetchError, match=r"not a valid URL \(Invalid IPv6 URL\)"):
        get("http://[::1/models")
    assert http.host_of("http://[::1") == "an invalid URL"
    assert http.timeout_arg("2.5") == 2.5 and http.retries_arg("10") == 10


def test_sse_lines_split_on_every_line_end_across_chunks():
    pieces = [b"data: 0\r", b"\n", b"\ndata: 1\r", b"\n\nda", b"ta: 2\r\r: ping\n", b"data: 3", b"\n", b"unfinished"]
    script = sse_script(*pieces)

    def paced(request):  # a pause between pieces, so they arrive as separate chunks
        for piece in script(request):
            yield piece
            yield 0.02

    server = serve(paced)
    deadline = Deadline(5)
    try:
        with http.Session(server.url) as session:
            lines = session.request(
                "GET",
                server.url,
                deadline=deadline,
                consume=lambda r, _: list(http.iter_sse_lines(r, deadline=deadline)),
            )
    finally:
        server.stop()
    assert lines == [b"data: 0", b"", b"data: 1", b"", b"data: 2", b"", b": ping", b"data: 3"]


def test_json_depth_and_size_of_numbers():
    with pytest.raises(FetchError, match="x: JSON nested deeper than 64 levels"):
        parse_json(b"[" * DEEP + b"]" * DEEP, what="x")
    with pytest.raises(FetchError, match="nested deeper than 64"):
        parse_json(b'{"a": ' * 65 + b"1" + b"}" * 65, what="x")
    assert parse_json(b"[" * 64 + b"]" * 64, what="x") is not None
    with pytest.raises(FetchError, match="x: malformed JSON"):
        parse_json(b"1" * 5000, what="x")  # more digits than Python converts
