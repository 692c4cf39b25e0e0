"""Benchmark of the HTTP limits (issue 9): what the deadlines, the decompression cap and the streaming SSE reader
cost on ordinary calls. Run: .venv/bin/python benchmarks/bench_http_limits.py

Local servers (tests/servers.py) run in a child process, so they do not share the interpreter with the timing.
Reports, in one run:

- bench: 20 runs of 200 tokens against a fast streaming server (no delay before or between tokens), through
  ``calculators.bench.bench`` (with the limits) and through the code path it had before them (a plain
  ``httpx.Client``, ``iter_lines``, ``json.loads``, the same timestamps and counting); median time per run;
- refresh: the recorded OpenRouter answer (tests/fixtures/openrouter_models.json) from a local server: fetch and
  parse (``http.get`` + ``parse_json`` against ``httpx.get`` + ``json.loads``), and a whole
  ``refresh --source openrouter --dry-run`` with ``http.get`` against the same with a plain httpx stand-in for it.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calculators import bench as bench_mod  # noqa: E402
from calculators import data, http, refresh  # noqa: E402
from calculators.tokens import count_tokens  # noqa: E402

RUNS = 20
TOKENS = 200
FETCHES = 30
REFRESHES = 10
SERVERS = f"""
import sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from servers import JsonServer, Reply, StreamServer
stream = StreamServer(ttft_s=0.0, tokens_per_s=1e9, tokens={TOKENS}).start()
models = JsonServer().start()
models.replies = [Reply(200, open({str(ROOT / "tests" / "fixtures" / "openrouter_models.json")!r}, "rb").read())]
print(stream.url, models.url, flush=True)
sys.stdin.read()
"""


def plain_run(client: httpx.Client, url: str, *, max_tokens: int, tokenizer: str) -> bench_mod.RunResult:
    """One run the way bench did it before the limits: no deadline, no caps, the whole text kept."""
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": bench_mod.DEFAULT_PROMPT}],
        "max_tokens": max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    t0 = time.perf_counter()
    first_s = last_s = None
    first_text, texts, usage_tokens, done = "", [], None, False
    with client.stream("POST", url, json=body, headers={"accept": "text/event-stream"}) as response:
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            payload = line[5:].strip()
            if payload == "[DONE]":
                done = True
                break
            chunk = json.loads(payload)
            text = "".join((c.get("delta") or {}).get("content") or "" for c in chunk.get("choices") or [])
            if text:
                now = time.perf_counter()
                if first_s is None:
                    first_s, first_text = now, text
                last_s = now
                texts.append(text)
            usage = chunk.get("usage")
            if isinstance(usage, dict) and isinstance(usage.get("completion_tokens"), int):
                usage_tokens = usage["completion_tokens"]
    end_s = time.perf_counter()
    assert done
    tokens = usage_tokens if usage_tokens is not None else count_tokens("".join(texts), tokenizer)
    speed = bench_mod.output_speed_tokens_per_s(
        output_tokens=tokens,
        first_chunk_tokens=max(1, count_tokens(first_text, tokenizer)),
        first_s=first_s,
        last_s=last_s,
    )
    return bench_mod.RunResult(True, first_s - t0, speed, end_s - t0, tokens, usage_tokens is None)


def median_ms(fn, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def plain_get(url: str, **_http) -> http.Response:
    response = httpx.get(url, timeout=20.0)
    response.raise_for_status()
    return http.Response(str(response.url), response.status_code, dict(response.headers), response.content)


def main() -> None:
    servers = subprocess.Popen(
        [sys.executable, "-c", SERVERS], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        stream_url, models_url = servers.stdout.readline().split()
        base = stream_url + "/v1"
        tokenizer = "o200k_base"
        count_tokens("warm up", tokenizer)

        # bench: both paths once to warm up, then 20 runs each
        report = bench_mod.bench(base, model="m", runs=2, max_tokens=TOKENS, tokenizer=tokenizer)
        assert report.failed_runs == 0, [r.error for r in report.runs]
        t0 = time.perf_counter()
        report = bench_mod.bench(base, model="m", runs=RUNS, max_tokens=TOKENS, tokenizer=tokenizer)
        limited_s = time.perf_counter() - t0
        assert report.failed_runs == 0 and all(r.output_tokens == TOKENS for r in report.runs)
        limited_run_ms = statistics.median(r.e2e_s * 1000 for r in report.runs)
        url = base + "/chat/completions"
        with httpx.Client(timeout=120.0) as client:
            plain_run(client, url, max_tokens=TOKENS, tokenizer=tokenizer)
        t0 = time.perf_counter()
        with httpx.Client(timeout=120.0) as client:  # bench makes its client in the timed part too
            plain = [plain_run(client, url, max_tokens=TOKENS, tokenizer=tokenizer) for _ in range(RUNS)]
        plain_s = time.perf_counter() - t0
        plain_run_ms = statistics.median(r.e2e_s * 1000 for r in plain)
        print(f"bench, {RUNS} runs of {TOKENS} tokens from a local server with no delay")
        print(f"  with the limits:    {limited_s * 1000:8.1f} ms in all, median run {limited_run_ms:6.2f} ms")
        print(f"  before the limits:  {plain_s * 1000:8.1f} ms in all, median run {plain_run_ms:6.2f} ms")
        print(
            f"  ratio:              {limited_s / plain_s:8.2f} x in all, {limited_run_ms / plain_run_ms:.2f} x per run"
        )

        # refresh: fetch and parse, then a whole dry run
        models = models_url + "/models"
        limited_ms = median_ms(lambda: http.parse_json(http.get(models).body, what="x"), FETCHES)
        plain_ms = median_ms(lambda: json.loads(plain_get(models).body), FETCHES)
        print(
            f"refresh --source openrouter, {len((ROOT / 'tests/fixtures/openrouter_models.json').read_bytes()):,} "
            f"bytes, median of {FETCHES} fetches + parses"
        )
        print(f"  http.get + parse_json:      {limited_ms:6.2f} ms")
        print(f"  httpx.get + json.loads:     {plain_ms:6.2f} ms")
        print(f"  ratio:                      {limited_ms / plain_ms:6.2f} x")

        scratch = Path(tempfile.mkdtemp(prefix="bench-http-limits-"))
        try:
            shutil.copytree(ROOT / "data" / "snapshots" / "2024-05", scratch / "snapshots" / "2024-05")
            data.SNAPSHOT_DIR = scratch / "snapshots"

            def whole() -> None:
                refresh.refresh("openrouter", base_url=models_url, dry_run=True)

            whole()
            limited_ms = median_ms(whole, REFRESHES)
            real_get = refresh.get
            refresh.get = plain_get
            try:
                plain_ms = median_ms(whole, REFRESHES)
            finally:
                refresh.get = real_get
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        print(f"refresh --source openrouter --dry-run (fetch, check, write to a scratch folder), median of {REFRESHES}")
        print(f"  with http.get:              {limited_ms:6.1f} ms")
        print(f"  with plain httpx.get:       {plain_ms:6.1f} ms")
        print(f"  ratio:                      {limited_ms / plain_ms:6.2f} x")
    finally:
        servers.stdin.close()
        servers.wait(timeout=10)


if __name__ == "__main__":
    main()
