"""Measure a provider yourself: ``python -m calculators bench --base-url URL --model MODEL``.

Streams chat completions (``POST {base}/chat/completions`` with ``stream: true`` and
``stream_options: {"include_usage": true}``) from any OpenAI-compatible endpoint and measures, per run:

- time to first token (``ttft_s``): from sending the request to the first chunk with text;
- output speed (``output_tokens_per_s``), Artificial Analysis' definition: tokens after the first chunk divided
  by the time from the first chunk to the last;
- end-to-end time (``e2e_s``): from sending the request to the end of the stream;
- output tokens: the stream's ``usage.completion_tokens`` when the server sends it, else counted with the model's
  tokenizer (and marked ``counted``).

A run that fails (HTTP error, a stream cut before ``[DONE]``, a timeout) is reported and counted; the others
still count. ``--save`` appends the medians to ``data/measurements/measurements.csv`` (see
``calculators.measurements``) with confidence ``measured``, the date, and the endpoint's host as the source,
never the key.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .http import describe_exception, host_of, one_line, redact
from .http import timeout as http_timeout
from .tokens import count_tokens

DEFAULT_PROMPT = (
    "Explique em três parágrafos curtos o que é um token em um modelo de linguagem e por que o preço das APIs "
    "é cobrado por token."
)
DEFAULT_MAX_TOKENS = 256
DEFAULT_RUNS = 5
DEFAULT_TIMEOUT_S = 120.0
FALLBACK_TOKENIZER = "o200k_estimate"


@dataclass(frozen=True)
class RunResult:
    """One streamed request. On failure ``error`` says why and the timings are None."""

    ok: bool
    ttft_s: float | None = None
    output_tokens_per_s: float | None = None
    e2e_s: float | None = None
    output_tokens: int | None = None
    tokens_counted: bool = False
    error: str | None = None


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation between closest ranks (numpy's default).

    Example: percentile([1, 2, 3, 4], 50) -> 2.5;  percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) -> 9.1
    """
    xs = sorted(v for v in values if v is not None and not math.isnan(v))
    if not xs:
        return None
    if len(xs) == 1:
        return xs[0]
    rank = (len(xs) - 1) * q / 100
    lo = math.floor(rank)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (rank - lo)


def output_speed_tokens_per_s(
    *, output_tokens: int, first_chunk_tokens: int, first_s: float, last_s: float
) -> float | None:
    """Artificial Analysis' output speed: tokens after the first chunk / time from the first chunk to the last.

    Example: 101 tokens, 1 in the first chunk, first at 0.5 s, last at 1.5 s -> 100.0 tokens/s
    """
    span_s = last_s - first_s
    later = output_tokens - first_chunk_tokens
    if span_s <= 0 or later <= 0:
        return None
    return later / span_s


def pick_tokenizer(model: str, snapshot: str = "latest") -> tuple[str, str | None]:
    """Tokenizer to count a model's output when the server sends no usage: (tokenizer, dataset model or None).

    The API model id is matched to the dataset's model names (ignoring case and punctuation; the longest name
    contained in the id wins); without a match, the ``o200k_estimate`` estimate.

    Example: pick_tokenizer("meta-llama/llama-4-maverick-17b-128e-instruct") -> ('llama4', 'Llama 4 Maverick')
    """
    import re

    from . import data

    def norm(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    wanted = norm(model)
    try:
        snaps = [s["id"] for s in data.list_snapshots()]
        order = ([snapshot] if snapshot in snaps or snapshot == "latest" else []) + snaps[::-1]
        for snap in dict.fromkeys(order):
            models = data.load_models(data.snapshot_path(snap))
            hits = [(len(norm(r.model)), r.model, r.tokenizer) for r in models.itertuples() if norm(r.model) in wanted]
            if hits:
                _, name, tokenizer = max(hits)
                return tokenizer, name
    except data.DataError:
        pass
    return FALLBACK_TOKENIZER, None


def _text_of(chunk: dict) -> str:
    parts = []
    for choice in chunk.get("choices") or []:
        delta = choice.get("delta") or {}
        for key in ("content", "reasoning_content", "reasoning"):
            value = delta.get(key)
            if isinstance(value, str):
                parts.append(value)
    return "".join(parts)


def run_once(
    client: httpx.Client,
    url: str,
    *,
    model: str,
    prompt: str,
    max_tokens: int,
    headers: dict[str, str],
    tokenizer: str,
    secrets: list[str | None],
    clock: Callable[[], float] = time.perf_counter,
) -> RunResult:
    """Stream one chat completion and time it."""
    body = {
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    t0 = clock()
    first_s = last_s = None
    first_text = ""
    texts: list[str] = []
    usage_tokens: int | None = None
    done = False
    try:
        with client.stream("POST", url, json=body, headers=headers) as response:
            if response.status_code >= 400:
                detail = one_line(response.read().decode("utf-8", "replace"), 160)
                message = f"HTTP {response.status_code} from {host_of(url)}" + (f": {detail}" if detail else "")
                return RunResult(False, error=redact(message, secrets))
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    done = True
                    break
                try:
                    chunk = json.loads(payload)
                except json.JSONDecodeError:
                    return RunResult(False, error=f"malformed stream chunk from {host_of(url)}")
                if isinstance(chunk, dict) and chunk.get("error"):
                    detail = one_line(json.dumps(chunk["error"], ensure_ascii=False), 160)
                    return RunResult(False, error=redact(f"error in the stream: {detail}", secrets))
                text = _text_of(chunk) if isinstance(chunk, dict) else ""
                if text:
                    now = clock()
                    if first_s is None:
                        first_s, first_text = now, text
                    last_s = now
                    texts.append(text)
                usage = chunk.get("usage") if isinstance(chunk, dict) else None
                if isinstance(usage, dict) and isinstance(usage.get("completion_tokens"), int):
                    usage_tokens = usage["completion_tokens"]
    except httpx.HTTPError as e:
        return RunResult(False, error=redact(describe_exception(e, url), secrets))
    end_s = clock()
    if not done:
        return RunResult(False, error=f"the stream from {host_of(url)} ended before [DONE] (cut mid-way)")
    if first_s is None:
        return RunResult(False, error=f"{host_of(url)} sent no text")
    counted = usage_tokens is None
    output_tokens = count_tokens("".join(texts), tokenizer) if counted else usage_tokens
    first_chunk_tokens = max(1, count_tokens(first_text, tokenizer))
    speed = output_speed_tokens_per_s(
        output_tokens=output_tokens, first_chunk_tokens=first_chunk_tokens, first_s=first_s, last_s=last_s
    )
    return RunResult(True, first_s - t0, speed, end_s - t0, output_tokens, counted)


@dataclass
class BenchReport:
    model: str
    endpoint_host: str
    runs: list[RunResult]
    tokenizer: str
    dataset_model: str | None

    @property
    def failed_runs(self) -> int:
        return sum(not r.ok for r in self.runs)

    def stat(self, name: str) -> dict[str, float | None]:
        values = [getattr(r, name) for r in self.runs if r.ok and getattr(r, name) is not None]
        return {"median": percentile(values, 50), "p90": percentile(values, 90)}

    def summary(self) -> dict:
        """The ``--json`` document."""
        return {
            "model": self.model,
            "runs": len(self.runs),
            "failed_runs": self.failed_runs,
            "ttft_s": self.stat("ttft_s"),
            "output_tokens_per_s": self.stat("output_tokens_per_s"),
            "e2e_s": self.stat("e2e_s"),
        }


def bench(
    base_url: str,
    *,
    model: str,
    api_key: str | None = None,
    runs: int = DEFAULT_RUNS,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    prompt: str = DEFAULT_PROMPT,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    tokenizer: str | None = None,
    on_run: Callable[[int, RunResult], None] | None = None,
) -> BenchReport:
    """Run ``runs`` streamed requests one after the other and collect the results."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    url = base_url.rstrip("/") + "/chat/completions"
    dataset_model = None
    if tokenizer is None:
        tokenizer, dataset_model = pick_tokenizer(model)
    headers = {"accept": "text/event-stream"}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    results = []
    with httpx.Client(timeout=http_timeout(timeout_s)) as client:
        for i in range(runs):
            result = run_once(
                client,
                url,
                model=model,
                prompt=prompt,
                max_tokens=max_tokens,
                headers=headers,
                tokenizer=tokenizer,
                secrets=[api_key],
            )
            results.append(result)
            if on_run:
                on_run(i, result)
    return BenchReport(model, host_of(url), results, tokenizer, dataset_model)


# ---------------------------------------------------------------------------------------------------------
# Command line (registered by calculators.cli)


def register_cli(sub) -> None:
    from .cli import whole_number  # calculators.cli imports this module to register the command

    _positive_int = whole_number(1)
    p = sub.add_parser(
        "bench",
        help="measure time to first token and output speed of an OpenAI-compatible endpoint",
        description=(
            "Stream chat completions from an OpenAI-compatible endpoint and report time to first token, output "
            "tokens per second (first token to last) and end-to-end time, per run and as median and p90."
        ),
    )
    p.add_argument("--base-url", required=True, help="e.g. https://api.groq.com/openai/v1")
    p.add_argument("--model", required=True, help="the model id the endpoint expects")
    p.add_argument("--api-key-env", help="name of the environment variable holding the API key")
    p.add_argument("--runs", type=_positive_int, default=DEFAULT_RUNS)
    p.add_argument("--max-tokens", type=_positive_int, default=DEFAULT_MAX_TOKENS)
    p.add_argument("--prompt-file", help="a UTF-8 text file with the prompt (default: a short question)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per request (default 120)")
    p.add_argument("--provider", help="provider name for --save (default: the endpoint's host)")
    p.add_argument("--save", action="store_true", help="add the medians to data/measurements/measurements.csv")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)


def _fmt(value: float | None, unit: str, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f} {unit}"


def cmd_bench(args) -> int:
    from .cli import UsageError, read_text_file

    api_key = None
    if args.api_key_env:
        api_key = os.environ.get(args.api_key_env)
        if not api_key:
            raise UsageError(f"the environment variable {args.api_key_env} is not set")
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    prompt = read_text_file(args.prompt_file) if args.prompt_file else DEFAULT_PROMPT
    if not prompt.strip():
        raise UsageError(f"{args.prompt_file}: the prompt is empty")

    from tqdm import tqdm

    bar = tqdm(total=args.runs, desc=f"bench {args.model}", unit="run", file=sys.stderr, disable=None, leave=False)

    def on_run(i: int, result: RunResult) -> None:
        bar.update(1)
        if not result.ok:
            bar.write(f"run {i + 1}: failed: {result.error}", file=sys.stderr)

    try:
        report = bench(
            args.base_url,
            model=args.model,
            api_key=api_key,
            runs=args.runs,
            max_tokens=args.max_tokens,
            prompt=prompt,
            timeout_s=args.timeout,
            on_run=on_run,
        )
    finally:
        bar.close()
    saved = None
    if args.save:
        from .measurements import save_measurement

        if report.failed_runs == len(report.runs):
            print("error: every run failed; nothing saved", file=sys.stderr)
            return 1
        saved = save_measurement(report, provider=args.provider)
    if args.json:
        print(json.dumps(report.summary(), ensure_ascii=False))
    else:
        counted = any(r.tokens_counted for r in report.runs if r.ok)
        print(f"{report.model} at {report.endpoint_host}: {len(report.runs)} runs, {report.failed_runs} failed")
        for i, r in enumerate(report.runs, 1):
            if r.ok:
                mark = " (counted with " + report.tokenizer + ")" if r.tokens_counted else ""
                print(
                    f"  run {i}: ttft {_fmt(r.ttft_s, 's')}, {_fmt(r.output_tokens_per_s, 'tokens/s', 1)}, "
                    f"e2e {_fmt(r.e2e_s, 's')}, {r.output_tokens} output tokens{mark}"
                )
            else:
                print(f"  run {i}: failed: {r.error}")
        for name, unit, digits in (("ttft_s", "s", 3), ("output_tokens_per_s", "tokens/s", 1), ("e2e_s", "s", 3)):
            s = report.stat(name)
            print(f"{name:<20} median {_fmt(s['median'], unit, digits):>16}   p90 {_fmt(s['p90'], unit, digits):>16}")
        if counted:
            print(f"output tokens counted with {report.tokenizer} (the server sent no usage)")
        if saved:
            print(f"saved to {saved}")
    if report.failed_runs == len(report.runs):
        return 1
    return 0


__all__ = ["BenchReport", "RunResult", "bench", "output_speed_tokens_per_s", "percentile", "pick_tokenizer"]
