"""Measure a provider yourself: ``python -m calculators bench --base-url URL --model MODEL``.

Streams chat completions (``POST {base}/chat/completions`` with ``stream: true`` and
``stream_options: {"include_usage": true}``) from any OpenAI-compatible endpoint and measures, per run:

- time to first token (``ttft_s``): from sending the request to the first chunk with text;
- output speed (``output_tokens_per_s``), Artificial Analysis' definition: tokens after the first chunk divided
  by the time from the first chunk to the last;
- end-to-end time (``e2e_s``): from sending the request to the end of the stream;
- output tokens: the stream's ``usage.completion_tokens`` when the server sends it, else counted with the model's
  tokenizer (and marked ``counted``).

A run that fails (HTTP error, a stream cut before ``[DONE]``, a timeout, a server past the limits below) is
reported and counted; the others still count. ``--save`` appends the medians of the runs that succeeded to
``data/measurements/measurements.csv`` (see ``calculators.measurements``) with confidence ``measured``, the date,
and the endpoint's host as the source, never the key.

The course's practice server (``python -m calculators practice-server``, ``calculators.practice``) answers with a
header ``X-LLMS101-Simulated: true``. A run that sees it is ``simulated``, and so is the report: the text and the
``--json`` document say so (``"simulated": true``), and ``--save`` writes confidence ``simulated``, never
``measured``.

Limits, so that no server can keep a run going or make it hold much (``calculators.http`` enforces the rest):

- ``--timeout`` is the total per run: connecting, streaming every chunk, and retries with their waits; SSE
  keep-alive comments do not extend it;
- reading stops at ``--max-tokens`` plus a small margin (``token_limit``: 16 tokens, or 10% from 160 on): a
  server that keeps streaming answer text past it fails the run (reasoning text, which some servers leave out of
  max_tokens, is bounded by the stream limits and the deadline only). Only counts and timestamps are kept, plus
  at most ``TALLY_FLUSH_CHARS`` characters of text not yet counted;
- a stream line over 1 MB, a stream over 64 MB, a chunk that is not the OpenAI shape (``{"choices": "x"}``) or
  impossible usage (negative, not a whole number, more than ``MAX_USAGE_TOKENS``) fails the run, so its numbers
  are never saved;
- ``--runs`` 1 to 100, ``--retries`` 0 to 10 (retries happen only before the stream starts), ``--timeout``
  above 0 and at most 600 s.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import httpx

from .cliargs import UsageError, json_text, read_text_file, whole_number
from .http import (
    Deadline,
    FetchError,
    Session,
    check_retries,
    check_timeout_s,
    check_url,
    host_of,
    iter_sse_lines,
    one_line,
    parse_json,
    redact,
    retries_arg,
    timeout_arg,
    url_arg,
)
from .practice import is_simulated
from .tokens import count_tokens

DEFAULT_PROMPT = (
    "Explique em três parágrafos curtos o que é um token em um modelo de linguagem e por que o preço das APIs "
    "é cobrado por token."
)
DEFAULT_MAX_TOKENS = 256
MAX_MAX_TOKENS = 1_000_000
DEFAULT_RUNS = 5
MAX_RUNS = 100
DEFAULT_TIMEOUT_S = 120.0  # per run, in all
DEFAULT_RETRIES = 0  # a retried run measures the second try: off unless asked for
MAX_USAGE_TOKENS = 10**7  # output tokens one response may claim in its usage
STREAM_MARGIN_TOKENS = 16
TALLY_FLUSH_CHARS = 64 * 1024
FALLBACK_TOKENIZER = "o200k_estimate"


@dataclass(frozen=True)
class RunResult:
    """One streamed request. On failure ``error`` says why and the timings are None. ``simulated``: the answer
    came from the course's practice server (its ``X-LLMS101-Simulated`` header)."""

    ok: bool
    ttft_s: float | None = None
    output_tokens_per_s: float | None = None
    e2e_s: float | None = None
    output_tokens: int | None = None
    tokens_counted: bool = False
    error: str | None = None
    simulated: bool = False


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


def token_limit(max_tokens: int) -> int:
    """Tokens of answer a stream may carry before reading stops: ``max_tokens`` plus a small margin (16, or 10%).

    The margin absorbs a tokenizer that counts a little differently from the server's.

    Example: token_limit(10) -> 26;  token_limit(1000) -> 1100
    """
    return max_tokens + max(STREAM_MARGIN_TOKENS, max_tokens // 10)


class _Tally:
    """A running token count of streamed text that keeps at most about ``TALLY_FLUSH_CHARS`` characters of it:
    past that, the text up to its last space is counted and dropped (tokenizers split words at spaces anyway).

    Example: t = _Tally("o200k_base"); t.add(" hello"); t.add(" hello"); t.total() -> 2
    """

    def __init__(self, tokenizer: str):
        self.tokenizer = tokenizer
        self.counted = 0
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        if not text:
            return
        self.parts.append(text)
        self.size += len(text)
        if self.size >= TALLY_FLUSH_CHARS:
            text = "".join(self.parts)
            cut = text.rfind(" ")
            cut = cut if cut > 0 else len(text)
            self.counted += count_tokens(text[:cut], self.tokenizer)
            rest = text[cut:]
            self.parts = [rest] if rest else []
            self.size = len(rest)

    def total(self) -> int:
        return self.counted + count_tokens("".join(self.parts), self.tokenizer)


def _odd(host: str, what: str) -> FetchError:
    return FetchError(f"odd stream chunk from {host}: {what}")


def _texts_of(chunk: dict, host: str) -> tuple[str, str]:
    """(answer text, reasoning text) in a stream chunk; ``FetchError`` for a shape no OpenAI-compatible server
    sends (``{"choices": "x"}``)."""
    choices = chunk.get("choices")
    if choices is None:
        return "", ""
    if not isinstance(choices, list):
        raise _odd(host, "'choices' is not a list")
    answer, thought = [], []
    for choice in choices:
        if not isinstance(choice, dict):
            raise _odd(host, "a choice is not an object")
        delta = choice.get("delta")
        if delta is None:
            continue
        if not isinstance(delta, dict):
            raise _odd(host, "'delta' is not an object")
        content = delta.get("content")
        if content is not None and not isinstance(content, str):
            raise _odd(host, "'delta.content' is not text")
        answer.append(content or "")
        for key in ("reasoning_content", "reasoning"):
            value = delta.get(key)
            if isinstance(value, str):
                thought.append(value)
    return "".join(answer), "".join(thought)


def _usage_tokens(chunk: dict, host: str) -> int | None:
    """``usage.completion_tokens`` of a stream chunk (None if absent); ``FetchError`` if it cannot be true."""
    usage = chunk.get("usage")
    if usage is None:
        return None
    if not isinstance(usage, dict):
        raise FetchError(f"impossible usage from {host}: 'usage' is not an object")
    value = usage.get("completion_tokens")
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        shown = one_line(json.dumps(value, ensure_ascii=False), 40)
        raise FetchError(f"impossible usage from {host}: completion_tokens is {shown}, not a whole number")
    if not 0 <= value <= MAX_USAGE_TOKENS:
        raise FetchError(
            f"impossible usage from {host}: completion_tokens {one_line(str(value), 30)} "
            f"(not from 0 to {MAX_USAGE_TOKENS:,})"
        )
    return value


def _measure(
    response: httpx.Response,
    sent_s: float,
    *,
    host: str,
    max_tokens: int,
    tokenizer: str,
    deadline: Deadline,
    clock: Callable[[], float],
) -> RunResult:
    """Read one stream and time it; ``FetchError`` when the stream is cut, odd, or past a limit."""
    limit = token_limit(max_tokens)
    first_s = last_s = None
    # Tokens are counted after the stream (loading the tokenizer then), so counting does not delay reading; only
    # an answer past TALLY_FLUSH_CHARS characters or past the token limit is counted while it streams.
    first_text = ""
    answer_chunks = 0
    next_check = limit  # answer chunks after which the answer's tokens are counted
    answer, thought = _Tally(tokenizer), _Tally(tokenizer)
    usage_tokens: int | None = None
    done = False
    for line in iter_sse_lines(response, deadline=deadline):
        if not line.startswith(b"data:"):
            continue
        payload = line[5:].strip()
        if payload == b"[DONE]":
            done = True
            break
        chunk = parse_json(payload, what=f"a stream chunk from {host}")
        if not isinstance(chunk, dict):
            raise _odd(host, "not a JSON object")
        if chunk.get("error"):
            detail = one_line(json.dumps(chunk["error"], ensure_ascii=False), 160)
            raise FetchError(f"error in the stream: {detail}")
        text, reasoning = _texts_of(chunk, host)
        if text or reasoning:
            now = clock()
            if first_s is None:
                first_s, first_text = now, reasoning + text
            last_s = now
            answer.add(text)
            thought.add(reasoning)
        if text:
            # A server that honours max_tokens sends at most max_tokens chunks of answer (each holds a token or
            # more): past the limit, count the answer's tokens, and again every margin's worth of chunks.
            answer_chunks += 1
            if answer_chunks > next_check:
                if answer.total() > limit:
                    raise FetchError(
                        f"{host} kept streaming past max_tokens {max_tokens} (over {limit} tokens; stopped reading)"
                    )
                next_check += limit - max_tokens
        usage = _usage_tokens(chunk, host)
        if usage is not None:
            usage_tokens = usage
    end_s = clock()
    if not done:
        raise FetchError(f"the stream from {host} ended before [DONE] (cut mid-way)")
    if first_s is None:
        raise FetchError(f"{host} sent no text")
    counted = usage_tokens is None
    output_tokens = answer.total() + thought.total() if counted else usage_tokens
    first_chunk_tokens = max(1, count_tokens(first_text, tokenizer))
    speed = output_speed_tokens_per_s(
        output_tokens=output_tokens, first_chunk_tokens=first_chunk_tokens, first_s=first_s, last_s=last_s
    )
    return RunResult(True, first_s - sent_s, speed, end_s - sent_s, output_tokens, counted)


def run_once(
    session: Session,
    url: str,
    *,
    model: str,
    prompt: str,
    max_tokens: int,
    headers: dict[str, str],
    tokenizer: str,
    secrets: list[str | None],
    timeout_s: float = DEFAULT_TIMEOUT_S,
    retries: int = DEFAULT_RETRIES,
    deadline: Deadline | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> RunResult:
    """Stream one chat completion and time it, within ``timeout_s`` in all (and ``deadline``, if given)."""
    body = {
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    run_deadline = Deadline(timeout_s).sooner(deadline)
    host = host_of(url)
    seen = {"simulated": False}  # kept when the stream then fails

    def measure(response: httpx.Response, sent_s: float) -> RunResult:
        seen["simulated"] = is_simulated(response.headers)
        result = _measure(
            response, sent_s, host=host, max_tokens=max_tokens, tokenizer=tokenizer, deadline=run_deadline, clock=clock
        )
        return replace(result, simulated=seen["simulated"])

    try:
        return session.request(
            "POST",
            url,
            consume=measure,
            deadline=run_deadline,
            retries=retries,
            headers=headers,
            json_body=body,
            secrets=secrets,
            retry_reads=False,
            clock=clock,
        )
    except FetchError as e:
        return RunResult(False, error=redact(str(e), secrets), simulated=seen["simulated"])


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

    @property
    def simulated(self) -> bool:
        """Whether any run was answered by the course's practice server: then every figure is a simulation."""
        return any(r.simulated for r in self.runs)

    def stat(self, name: str) -> dict[str, float | None]:
        values = [getattr(r, name) for r in self.runs if r.ok and getattr(r, name) is not None]
        return {"median": percentile(values, 50), "p90": percentile(values, 90)}

    def summary(self) -> dict:
        """The ``--json`` document."""
        return {
            "model": self.model,
            "runs": len(self.runs),
            "failed_runs": self.failed_runs,
            "simulated": self.simulated,
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
    retries: int = DEFAULT_RETRIES,
    deadline: Deadline | None = None,
    tokenizer: str | None = None,
    on_run: Callable[[int, RunResult], None] | None = None,
) -> BenchReport:
    """Run ``runs`` streamed requests one after the other and collect the results.

    Each run has ``timeout_s`` seconds in all, its retries included; ``deadline`` (a ``Deadline`` the caller
    made), if given, bounds them all together: a run it cuts short fails.
    """
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"runs must be from 1 to {MAX_RUNS}")
    if not 1 <= max_tokens <= MAX_MAX_TOKENS:
        raise ValueError(f"max_tokens must be from 1 to {MAX_MAX_TOKENS:,}")
    check_timeout_s(timeout_s)
    check_retries(retries)
    check_url(base_url)
    url = base_url.rstrip("/") + "/chat/completions"
    dataset_model = None
    if tokenizer is None:
        tokenizer, dataset_model = pick_tokenizer(model)
    headers = {"accept": "text/event-stream"}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    results = []
    with Session(url, follow_redirects=False) as session:
        for i in range(runs):
            result = run_once(
                session,
                url,
                model=model,
                prompt=prompt,
                max_tokens=max_tokens,
                headers=headers,
                tokenizer=tokenizer,
                secrets=[api_key],
                timeout_s=timeout_s,
                retries=retries,
                deadline=deadline,
            )
            results.append(result)
            if on_run:
                on_run(i, result)
    return BenchReport(model, host_of(url), results, tokenizer, dataset_model)


# ---------------------------------------------------------------------------------------------------------
# Command line (registered by calculators.cli)


def add_arguments(p) -> None:
    """The ``bench`` command's description, arguments and handler, on its parser (``calculators.cli``)."""
    from .measurements import PRACTICE_PROVIDER_PT

    p.description = (
        "Stream chat completions from an OpenAI-compatible endpoint and report time to first token, output "
        "tokens per second (first token to last) and end-to-end time, per run and as median and p90."
    )
    p.add_argument("--base-url", required=True, type=url_arg, help="e.g. https://api.groq.com/openai/v1")
    p.add_argument("--model", required=True, help="the model id the endpoint expects")
    p.add_argument("--api-key-env", help="name of the environment variable holding the API key")
    p.add_argument("--runs", type=whole_number(1, MAX_RUNS), default=DEFAULT_RUNS, help="1 to 100 (default 5)")
    p.add_argument(
        "--max-tokens",
        type=whole_number(1, MAX_MAX_TOKENS),
        default=DEFAULT_MAX_TOKENS,
        help="the request's max_tokens (default 256); reading stops a little past it",
    )
    p.add_argument("--prompt-file", help="a UTF-8 text file with the prompt (default: a short question)")
    p.add_argument(
        "--timeout",
        type=timeout_arg,
        default=DEFAULT_TIMEOUT_S,
        help="seconds per run in all: connecting, the whole stream, retries and their waits (default 120, at most 600)",
    )
    p.add_argument(
        "--retries",
        type=retries_arg,
        default=DEFAULT_RETRIES,
        help="retries of a run that fails before its stream starts (network error, HTTP 408/425/429/5xx; default 0, "
        "at most 10)",
    )
    p.add_argument(
        "--provider",
        help=f"provider name for --save (default: the endpoint's host, or {PRACTICE_PROVIDER_PT!r} for the "
        "practice server)",
    )
    p.add_argument("--save", action="store_true", help="add the medians to data/measurements/measurements.csv")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)


def _fmt(value: float | None, unit: str, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f} {unit}"


def cmd_bench(args) -> int:
    api_key = None
    if args.api_key_env:
        api_key = os.environ.get(args.api_key_env)
        if not api_key:
            raise UsageError(f"the environment variable {args.api_key_env} is not set")
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
            retries=args.retries,
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
        print(json_text(report.summary()))
    else:
        counted = any(r.tokens_counted for r in report.runs if r.ok)
        print(f"{report.model} at {report.endpoint_host}: {len(report.runs)} runs, {report.failed_runs} failed")
        if report.simulated:
            print(
                f"SIMULATED: {report.endpoint_host} is the course's practice server (python -m calculators "
                "practice-server), not a real provider; --save marks these figures 'simulated'"
            )
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
            print(f"saved to {saved}" + (" (confidence 'simulated')" if report.simulated else ""))
    if report.failed_runs == len(report.runs):
        return 1
    return 0


__all__ = ["BenchReport", "RunResult", "bench", "output_speed_tokens_per_s", "percentile", "pick_tokenizer"]
