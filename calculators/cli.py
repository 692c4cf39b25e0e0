"""Command line: ``python -m calculators tokens|cost|latency|choose|snapshots|tokenizers|refresh|bench|...``
(``--json`` for machines).

Bad arguments or files end in a one-line error and exit code 2, never a traceback: usage errors, data errors, and
input too large or too odd to compute with (OverflowError, MemoryError, RecursionError, UnicodeError). Every
``--json`` document is strict JSON: a missing or non-finite number is ``null``.

A command's module is imported only when that command runs (``COMMANDS``): ``tokens`` loads the tokenizers and
neither pandas nor the network code. The parts every command shares live below this module, in ``cliargs``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from .cliargs import Parser, UsageError, input_text, json_number, json_text, read_text_file, real_number, whole_number
from .errors import DataError


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
    from .tokens import TOKENIZERS, count_tokens, encode

    names = args.tokenizer or list(TOKENIZERS)
    for name in names:
        if name not in TOKENIZERS:
            raise UsageError(f"unknown tokenizer {name!r}; known: {', '.join(TOKENIZERS)}")
    text = input_text(text=args.text, file=args.file)
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
    from .pricing import check_time_utc

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
    from .pricing import check_day

    try:
        return check_day(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def cmd_cost(args) -> int:
    from .data import load_snapshot
    from .pricing import cost_table, today_utc
    from .reasoning import effort_rows

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
            "reasoning_tokens": json_number(r.reasoning_tokens),
            "tier_above_input_tokens": int(r.tier_above_input_tokens),
            "price_condition": r.price_condition,
            "cost_usd": json_number(r.cost_usd),
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
    from .data import load_snapshot
    from .latency import latency_table
    from .reasoning import effort_rows

    df = effort_rows(load_snapshot(args.snapshot), args.effort)
    table = latency_table(df, output_tokens=args.output_tokens)
    rows = [
        {
            "model": r.model,
            "provider": r.provider,
            "effort": r.effort,
            "ttft_s": json_number(r.ttft_s),
            "output_tokens_per_s": json_number(r.speed_tokens_per_s),
            "e2e_s": json_number(r.e2e_s),
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
    import pandas as pd

    from .choose import choose
    from .data import load_snapshot
    from .pricing import today_utc
    from .reasoning import effort_rows

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
            "monthly_cost_usd": json_number(r.monthly_cost_usd),
            "cost_includes_reasoning": bool(r.cost_includes_reasoning),
            "e2e_s": json_number(r.e2e_s),
            "quality": json_number(r.quality),
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
    from .data import list_snapshots

    snaps = [{"id": s["id"], "as_of": s["as_of"], "title": s["title"]} for s in list_snapshots()]
    if args.json:
        print(json_text(snaps))
    else:
        _print_table(snaps, ["id", "as_of", "title"])
    return 0


def cmd_tokenizers(args) -> int:
    from .tokens import list_tokenizers

    infos = [{"name": t.name, "exact": t.exact, "method": t.method} for t in list_tokenizers()]
    if args.json:
        print(json_text(infos))
    else:
        _print_table(infos, ["name", "exact", "method"])
    return 0


def _effort_arg(p) -> None:
    from .data import EFFORTS

    p.add_argument(
        "--effort",
        choices=EFFORTS,
        help="reasoning effort of the request (default: every effort the data has, one row each); "
        "a model measured at one effort only keeps its row",
    )


def _token_count():
    """The argparse type of every count of tokens: no request is a billion tokens, and larger numbers overflow the
    arithmetic (``data.MAX_TOKENS``)."""
    from .data import MAX_TOKENS

    return whole_number(0, MAX_TOKENS)


def _tokens_arguments(p) -> None:
    p.add_argument("--tokenizer", action="append", help="tokenizer name (repeatable; default: all)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--text", help="the text to count")
    src.add_argument("--file", help="a UTF-8 text file to count")
    p.add_argument("--ids", action="store_true", help="also print the token ids")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tokens)


def _cost_arguments(p) -> None:
    p.add_argument("--snapshot", required=True, help="snapshot id (see: snapshots), or 'latest'")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--input-tokens", type=_token_count())
    src.add_argument("--file", help="a UTF-8 text file: its tokens, counted with each model's tokenizer")
    p.add_argument("--output-tokens", type=_token_count(), required=True)
    p.add_argument("--cached-input-tokens", type=_token_count(), default=0)
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


def _latency_arguments(p) -> None:
    p.add_argument("--snapshot", required=True)
    p.add_argument("--output-tokens", type=_token_count(), required=True)
    _effort_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_latency)


def _choose_arguments(p) -> None:
    p.add_argument("--snapshot", required=True)
    p.add_argument("--input-tokens", type=_token_count(), required=True)
    p.add_argument("--output-tokens", type=_token_count(), required=True)
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


def _snapshots_arguments(p) -> None:
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_snapshots)


def _tokenizers_arguments(p) -> None:
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tokenizers)


def _refresh_arguments(p) -> None:
    from .refresh import add_arguments

    add_arguments(p)


def _bench_arguments(p) -> None:
    from .bench import add_arguments

    add_arguments(p)


def _practice_arguments(p) -> None:
    from .practice import add_arguments

    add_arguments(p)


# Every command: name -> (its line in --help, the function that adds its arguments and its handler). A command's
# arguments, and with them its module, are loaded only when that command is run or its --help is asked for.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "tokens": ("count tokens with one or more tokenizers", _tokens_arguments),
    "cost": ("cost of one request on every model and provider of a snapshot", _cost_arguments),
    "latency": ("end-to-end response time on every model and provider", _latency_arguments),
    "choose": (
        "the lab: every model and provider checked against a workload and limits, the ones that fit ranked",
        _choose_arguments,
    ),
    "snapshots": ("the dataset's snapshots and their as-of dates", _snapshots_arguments),
    "tokenizers": ("the tokenizers, exact or estimate, and how each count is made", _tokenizers_arguments),
    "refresh": (
        "refresh the dataset from a source (genai-prices, openrouter, artificialanalysis)",
        _refresh_arguments,
    ),
    "bench": ("measure time to first token and output speed of an OpenAI-compatible endpoint", _bench_arguments),
    "practice-server": (
        "a SIMULATED OpenAI-compatible provider on 127.0.0.1, to practise bench without an API key",
        _practice_arguments,
    ),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser. Every command is listed (with its line of help); only ``command``'s arguments are
    added, or every command's when ``command`` is None."""
    parser = Parser(prog="python -m calculators", description="Token, cost and latency calculators (LLMs 101).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name, (help_text, add_arguments) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        if command is None or command == name:
            add_arguments(p)
    return parser


def _command_of(argv: list[str]) -> str:
    """The command named in ``argv``: its first word that is not an option (the main parser has only --help), or
    "" when there is none (then no command's arguments are needed: --help lists the commands, and a missing command
    is a usage error)."""
    return next((word for word in argv if not word.startswith("-")), "")


def check_base_url(args) -> None:
    """Refuse a ``--base-url`` that carries a key (user:password@, a key-like query parameter, or the key itself):
    it would be printed and recorded as the source. Keys come from environment variables only."""
    url = getattr(args, "base_url", None)
    if not url:
        return
    from .apikeys import key_in_url
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
        argv = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(_command_of(argv)).parse_args(argv)
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
