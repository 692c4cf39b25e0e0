"""Command line: ``python -m calculators tokens|cost|latency|snapshots`` (``--json`` for machines).

Bad arguments or files end in a one-line error and exit code 2, never a traceback: usage errors, data errors, and
input too large or too odd to compute with (OverflowError, MemoryError, RecursionError, UnicodeError). Every
``--json`` document is strict JSON: a missing or non-finite number is ``null``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable

import pandas as pd

from .apikeys import key_in_url
from .choose import choose
from .data import EFFORTS, MAX_TOKENS, DataError, list_snapshots, load_snapshot
from .latency import latency_table
from .pricing import check_day, check_time_utc, cost_table, today_utc
from .reasoning import effort_rows
from .tokens import TOKENIZERS, count_tokens, encode, list_tokenizers

MAX_FILE_BYTES = 200 * 1024 * 1024


class UsageError(Exception):
    """Bad arguments or an unreadable input file: exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        raise UsageError(f"{message} (see: {self.prog} --help)")


def _number(value) -> float | None:
    """A JSON-ready number: NaN (a missing figure) and ±infinity become None."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _finite(value):
    """``value`` with every non-finite float (NaN, ±infinity), however deep in lists and dicts, replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def json_text(value) -> str:
    """Strict JSON for ``--json``: NaN and ±infinity (not JSON) become null.

    Example: json_text({"e2e_s": float("inf"), "model": "Olá"}) -> '{"e2e_s": null, "model": "Olá"}'
    """
    return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False)


def _shown(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def whole_number(minimum: int = 0, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type for a whole number from ``minimum`` to ``maximum``, with a one-line message otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            digits = text.strip().lstrip("+-")
            if not (digits.isascii() and digits.isdigit()):
                raise argparse.ArgumentTypeError(f"{_shown(text)!r} is not a whole number") from None
            # More digits than int() converts (4,300): far outside any bound.
            value = minimum - 1 if text.strip().startswith("-") else None
            if value is None:
                limit = "too large" if maximum is None else f"above the maximum of {maximum:,}"
                raise argparse.ArgumentTypeError(f"{_shown(text)} is {limit}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"{_shown(text)} is negative" if minimum == 0 else f"{_shown(text)} is not at least {minimum}"
            )
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is above the maximum of {maximum:,}")
        return value

    return parse


def real_number(minimum: float, maximum: float, *, above_minimum: bool = False) -> Callable[[str], float]:
    """An argparse type for a finite number from ``minimum`` (above it, with ``above_minimum``) to ``maximum``,
    with a one-line message otherwise.

    Example: real_number(0, 60)("0.4") -> 0.4;  real_number(0, 10_000, above_minimum=True)("0") raises
             ArgumentTypeError('0 is not above 0')
    """

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{_shown(text)!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{_shown(text)!r} is not a finite number")
        if above_minimum and value <= minimum:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is not above {minimum:,g}")
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is below the minimum of {minimum:,g}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is above the maximum of {maximum:,g}")
        return value

    return parse


_non_negative_int = whole_number(0)
# Every count of tokens: no request is a billion tokens, and larger numbers overflow the arithmetic.
_token_count = whole_number(0, MAX_TOKENS)


def _size(n_bytes: int) -> str:
    return f"{n_bytes // 2**20} MB" if n_bytes >= 2**20 else f"{n_bytes:,} bytes"


def read_text_file(path: str) -> str:
    """A text file's contents, or a UsageError that says in one line why not."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a file") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot be read ({e.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UsageError(f"{path}: larger than {_size(MAX_FILE_BYTES)}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UsageError(f"{path}: not UTF-8 text (byte {e.start})") from None


def checked_text(text: str, what: str) -> str:
    """``text`` if it is valid Unicode; a UsageError otherwise. A byte the shell could not decode as UTF-8 (in
    ``--text $'\\xff'``) reaches Python as a lone surrogate, which no tokenizer can take."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        code = ord(text[e.start])
        bad = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"character U+{code:04X}"
        raise UsageError(f"{what} is not valid UTF-8 text ({bad} at character {e.start + 1})") from None
    return text


def _input_text(args) -> str:
    if args.text is not None:
        return checked_text(args.text, "--text")
    if args.file is not None:
        return read_text_file(args.file)
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("give --text, --file or text on standard input")
    raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise UsageError(f"standard input is larger than {_size(MAX_FILE_BYTES)}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UsageError(f"standard input is not UTF-8 text (byte {e.start})") from None


def _print_table(rows: list[dict], columns: list[str]) -> None:
    def cell(v) -> str:
        if v is None:
            return "missing"
        if isinstance(v, float):
            return f"{v:.6g}"
        return str(v)

    cells = [[cell(r[c]) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def cmd_tokens(args) -> int:
    names = args.tokenizer or list(TOKENIZERS)
    for name in names:
        if name not in TOKENIZERS:
            raise UsageError(f"unknown tokenizer {name!r}; known: {', '.join(TOKENIZERS)}")
    text = _input_text(args)
    result = []
    for name in dict.fromkeys(names):
        info = TOKENIZERS[name]
        item = {"name": name, "exact": info.exact, "count": count_tokens(text, name)}
        if args.ids:
            item["ids"] = encode(text, name) if info.exact else None
        result.append(item)
    if args.json:
        print(json_text({"tokenizers": result}))
    else:
        for item in result:
            kind = "exact" if item["exact"] else "estimate"
            print(f"{item['name']:<16} {item['count']:>10,} tokens  ({kind})")
            if args.ids:
                print(f"  ids: {item['ids'] if item['ids'] is not None else 'none: no public tokenizer'}")
    return 0


def _time_utc(text: str) -> str:
    try:
        check_time_utc(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def _effort_note(rows: list[dict]) -> str:
    """The line under a table whose costs leave thinking out somewhere."""
    if all(r["cost_includes_reasoning"] for r in rows):
        return ""
    return (
        "reasoning_tokens 'missing': no measurement of that model's thinking; its cost covers input and answer "
        "only (a reasoning model bills its thinking as output tokens)"
    )


def _day(text: str) -> str:
    try:
        return check_day(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def cmd_cost(args) -> int:
    df = effort_rows(load_snapshot(args.snapshot), args.effort)
    options = {
        "output_tokens": args.output_tokens,
        "cached_input_tokens": args.cached_input_tokens,
        "at_utc": args.at,
        "batch": args.batch,
        "on": args.on or today_utc(),
    }
    try:
        if args.input_tokens is not None:
            table = cost_table(df, input_tokens=args.input_tokens, **options)
        else:
            table = cost_table(df, text=read_text_file(args.file), **options)
    except ValueError as e:
        raise UsageError(str(e)) from None
    rows = [
        {
            "model": r.model,
            "provider": r.provider,
            "effort": r.effort,
            "input_tokens": int(r.input_tokens),
            "output_tokens": int(r.output_tokens),
            "reasoning_tokens": _number(r.reasoning_tokens),
            "tier_above_input_tokens": int(r.tier_above_input_tokens),
            "price_condition": r.price_condition,
            "cost_usd": _number(r.cost_usd),
            "cost_includes_reasoning": bool(r.cost_includes_reasoning),
            "price_note": r.price_note,
        }
        for r in table.itertuples()
    ]
    if args.json:
        print(json_text(rows))
    else:
        print(
            f"snapshot {df.attrs['snapshot']} (as of {df.attrs['as_of']}), priced on {options['on']}; "
            "'missing' = no figure in the data"
        )
        columns = ["model", "provider", "input_tokens", "output_tokens"]
        if any(r["effort"] for r in rows):
            columns[2:2] = ["effort"]
        if any(r["reasoning_tokens"] for r in rows):
            columns.append("reasoning_tokens")
        shown = [dict(r) for r in rows]
        if any(r["tier_above_input_tokens"] for r in rows):
            columns.append("tier")
            for r in shown:  # the price tier a long prompt pays: "> 200,000 tokens"
                r["tier"] = f"> {r['tier_above_input_tokens']:,} tokens" if r["tier_above_input_tokens"] else "base"
        if any(r["price_condition"] for r in rows):
            columns.append("condition")
            for r in shown:
                r["condition"] = r["price_condition"] or "ordinary"
        if any(r["price_note"] for r in rows):
            columns.append("price_note")
        _print_table(shown, [*columns, "cost_usd"])
        if _effort_note(rows):
            print(_effort_note(rows))
    return 0


def cmd_latency(args) -> int:
    df = effort_rows(load_snapshot(args.snapshot), args.effort)
    table = latency_table(df, output_tokens=args.output_tokens)
    rows = [
        {
            "model": r.model,
            "provider": r.provider,
            "effort": r.effort,
            "ttft_s": _number(r.ttft_s),
            "output_tokens_per_s": _number(r.speed_tokens_per_s),
            "e2e_s": _number(r.e2e_s),
            "basis": _basis(r.speed_basis, r.ttft_basis),
            "as_of": _latency_as_of(r),
        }
        for r in table.itertuples()
    ]
    if args.json:
        print(json_text(rows))
    else:
        print(f"snapshot {df.attrs['snapshot']} (as of {df.attrs['as_of']}); 'missing' = no figure in the data")
        columns = ["model", "provider", "ttft_s", "output_tokens_per_s", "e2e_s"]
        if any(r["effort"] for r in rows):
            columns[2:2] = ["effort"]
        _print_table(rows, columns)
        print(
            "ttft_s: time to the first token of the answer (a reasoning model's thinking comes before it); "
            "'model median' basis: the model's median across providers (Artificial Analysis), not this provider's"
        )
    return 0


def cmd_choose(args) -> int:
    df = effort_rows(load_snapshot(args.snapshot), args.effort)
    metric = "intelligence_index" if df["intelligence_index"].notna().any() else "quality_index"
    view = choose(
        df,
        input_tokens=args.input_tokens,
        output_tokens=args.output_tokens,
        requests_per_day=args.requests_per_day,
        min_quality=args.min_quality,
        max_e2e_s=args.max_seconds,
        open_weights=True if args.open_weights else False if args.closed else None,
        quality_metric=metric,
        on=args.on or today_utc(),
    )
    rows = [
        {
            "rank": None if r.rank is pd.NA else int(r.rank),
            "model": r.model,
            "provider": r.provider,
            "effort": r.effort,
            "status": r.status,
            "reason": r.reason,
            "monthly_cost_usd": _number(r.monthly_cost_usd),
            "cost_includes_reasoning": bool(r.cost_includes_reasoning),
            "e2e_s": _number(r.e2e_s),
            "quality": _number(r.quality),
            "quality_metric": metric,
            "notes": r.notes,
        }
        for r in view.itertuples()
    ]
    if args.json:
        print(json_text(rows))
    else:
        print(f"snapshot {df.attrs['snapshot']} (as of {df.attrs['as_of']}); quality: {metric}")
        columns = ["rank", "model", "provider", "status", "monthly_cost_usd", "e2e_s", "quality", "reason"]
        if any(r["effort"] for r in rows):
            columns[3:3] = ["effort"]
        _print_table(rows, columns)
    return 0


def _basis(speed_basis: str, ttft_basis: str) -> str:
    """Where a row's times come from: "provider", "model median", or "missing" when either is missing."""
    return (
        "missing" if "missing" in (speed_basis, ttft_basis) else ttft_basis if ttft_basis == speed_basis else ("mixed")
    )


def _latency_as_of(r) -> str | None:
    """The as-of date of the figures behind a row's time (the older of speed and time to first answer token)."""
    dates = []
    for basis, provider, model in (
        (r.speed_basis, "output_tokens_per_s_as_of", "model_output_tokens_per_s_as_of"),
        (r.ttft_basis, "ttft_s_as_of", "model_ttfat_s_as_of"),
    ):
        if basis != "missing":
            dates.append(getattr(r, provider if basis == "provider" else model))
    return min(dates) if len(dates) == 2 and all(dates) else None


def cmd_snapshots(args) -> int:
    snaps = [{"id": s["id"], "as_of": s["as_of"], "title": s["title"]} for s in list_snapshots()]
    if args.json:
        print(json_text(snaps))
    else:
        _print_table(snaps, ["id", "as_of", "title"])
    return 0


def cmd_tokenizers(args) -> int:
    infos = [{"name": t.name, "exact": t.exact, "method": t.method} for t in list_tokenizers()]
    if args.json:
        print(json_text(infos))
    else:
        _print_table(infos, ["name", "exact", "method"])
    return 0


# Other modules add subcommands here: name -> function(subparsers) that registers it.
EXTRA_COMMANDS: list[Callable] = []


def _effort_arg(p) -> None:
    p.add_argument(
        "--effort",
        choices=EFFORTS,
        help="reasoning effort of the request (default: every effort the data has, one row each); "
        "a model measured at one effort only keeps its row",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m calculators", description="Token, cost and latency calculators (LLMs 101).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("tokens", help="count tokens with one or more tokenizers")
    p.add_argument("--tokenizer", action="append", help="tokenizer name (repeatable; default: all)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--text", help="the text to count")
    src.add_argument("--file", help="a UTF-8 text file to count")
    p.add_argument("--ids", action="store_true", help="also print the token ids")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tokens)

    p = sub.add_parser("cost", help="cost of one request on every model and provider of a snapshot")
    p.add_argument("--snapshot", required=True, help="snapshot id (see: snapshots), or 'latest'")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--input-tokens", type=_token_count)
    src.add_argument("--file", help="a UTF-8 text file: its tokens, counted with each model's tokenizer")
    p.add_argument("--output-tokens", type=_token_count, required=True)
    p.add_argument("--cached-input-tokens", type=_token_count, default=0)
    p.add_argument("--at", type=_time_utc, metavar="HH:MM", help="time of the request, UTC: applies time-of-day prices")
    p.add_argument("--batch", action="store_true", help="the batch API's price (missing where the data has none)")
    _effort_arg(p)
    p.add_argument(
        "--on",
        type=_day,
        metavar="YYYY-MM-DD",
        help="the day the request is sent: applies the prices in effect that day (default: today, UTC)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cost)

    p = sub.add_parser("latency", help="end-to-end response time on every model and provider")
    p.add_argument("--snapshot", required=True)
    p.add_argument("--output-tokens", type=_token_count, required=True)
    _effort_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_latency)

    p = sub.add_parser(
        "choose",
        help="the lab: every model and provider checked against a workload and limits, the ones that fit ranked",
    )
    p.add_argument("--snapshot", required=True)
    p.add_argument("--input-tokens", type=_token_count, required=True)
    p.add_argument("--output-tokens", type=_token_count, required=True)
    p.add_argument("--requests-per-day", type=real_number(0, 1e12), required=True)
    p.add_argument(
        "--min-quality",
        type=real_number(0, 100),
        help="lowest index accepted: the snapshot's Intelligence Index (2026) where it has one, else its quality index",
    )
    p.add_argument("--max-seconds", type=real_number(0, 86_400, above_minimum=True), help="longest answer accepted")
    p.add_argument(
        "--on", type=_day, metavar="YYYY-MM-DD", help="the day of the requests' prices (default: today, UTC)"
    )
    weights = p.add_mutually_exclusive_group()
    weights.add_argument("--open-weights", action="store_true", help="only models whose weights are published")
    weights.add_argument("--closed", action="store_true", help="only models whose weights are not published")
    _effort_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_choose)

    p = sub.add_parser("snapshots", help="the dataset's snapshots and their as-of dates")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_snapshots)

    p = sub.add_parser("tokenizers", help="the tokenizers, exact or estimate, and how each count is made")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tokenizers)

    from .bench import register_cli as register_bench
    from .practice import register_cli as register_practice
    from .refresh import register_cli as register_refresh

    register_refresh(sub)
    register_bench(sub)
    register_practice(sub)

    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


def check_base_url(args) -> None:
    """Refuse a ``--base-url`` that carries a key (user:password@, a key-like query parameter, or the key itself):
    it would be printed and recorded as the source. Keys come from environment variables only."""
    url = getattr(args, "base_url", None)
    if not url:
        return
    from .refresh import AA_KEY_ENV, KEY_IN_URL_ADVICE

    names = [AA_KEY_ENV, getattr(args, "api_key_env", None)]
    why = key_in_url(url, [os.environ.get(name) for name in names if name])
    if why:
        raise UsageError(f"--base-url carries {why}: {KEY_IN_URL_ADVICE}")


# Input too large or too odd to compute with: one line and exit 2, like any bad input. Nothing broader is caught,
# so a real bug still shows its traceback.
BAD_INPUT_ERRORS = {
    OverflowError: "a number is too large to compute with",
    MemoryError: "not enough memory for this input",
    RecursionError: "the input is nested too deeply",
    UnicodeError: "the text is not valid UTF-8",
}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        check_base_url(args)
        if getattr(args, "cached_input_tokens", 0) and getattr(args, "input_tokens", None) is not None:
            if args.cached_input_tokens > args.input_tokens:
                raise UsageError("--cached-input-tokens cannot exceed --input-tokens")
        return args.func(args)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except tuple(BAD_INPUT_ERRORS) as e:
        message = next(text for kind, text in BAD_INPUT_ERRORS.items() if isinstance(e, kind))
        print(f"error: {message} ({type(e).__name__})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
