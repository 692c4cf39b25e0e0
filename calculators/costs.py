"""The tables the Preço chapter and its calculator show, built from ``pricing``, ``fx`` and ``data``.

- ``token_count_table``: a text's tokens for each tokenizer a snapshot uses, exact or estimate;
- ``calculator_table``: a text's cost on every (model, provider): per request, per month, in USD and BRL;
- ``load_snapshots`` / ``calculator_tables``: the same for several snapshots at once, stacked, with a ``snapshot``
  column (what the browser-side charts embed, so that a menu can switch between snapshots);
- ``review_costs_by_snapshot``: the article's "review this article" (3,000 in + 1,000 out) in every snapshot.

Missing prices stay missing (NaN), never zero; estimated prices and token counts are flagged.
"""

from __future__ import annotations

import math

import pandas as pd

from .claims import REVIEW_INPUT_TOKENS, REVIEW_OUTPUT_TOKENS
from .data import list_snapshots, load_snapshot
from .fx import usd_to_brl
from .paths import ROOT
from .pricing import Price, cost_table, input_tokens_by_tokenizer
from .reasoning import effort_rows
from .tokens import tokenizer_info

PRICE_METRICS = ("input_usd_per_mtok", "output_usd_per_mtok")
DAYS_PER_MONTH = 30
ARTICLE_PATH = ROOT / "chapters" / "_data" / "llms-101.pt-BR.md"


def article_text() -> str:
    """The article "LLMs - 101" as the course ships it (the price calculators' default text)."""
    return ARTICLE_PATH.read_text(encoding="utf-8")


def price_is_estimate(df: pd.DataFrame) -> pd.Series:
    """True on rows whose input or output price is an estimate (``*_confidence == "estimate"``)."""
    flags = [df[f"{m}_confidence"].eq("estimate") for m in PRICE_METRICS if f"{m}_confidence" in df]
    if not flags:
        return pd.Series(False, index=df.index)
    return pd.concat(flags, axis=1).any(axis=1)


def row_price(row, *, applied: bool = False) -> Price | None:
    """The ``Price`` of one (model, provider) row, or None where the input or output price is missing.

    ``applied``: the prices its request pays (``pricing.cost_table``'s ``applied_*`` columns: tier and condition
    resolved) instead of the ordinary base prices.
    """
    prefix = "applied_" if applied else ""
    values = [row[prefix + m] for m in PRICE_METRICS]
    if any(v is None or pd.isna(v) for v in values):
        return None
    cached = row.get(prefix + "cached_input_usd_per_mtok")
    return Price(
        input_usd_per_mtok=float(values[0]),
        output_usd_per_mtok=float(values[1]),
        cached_input_usd_per_mtok=None if cached is None or pd.isna(cached) else float(cached),
    )


def token_count_table(text: str, df: pd.DataFrame) -> pd.DataFrame:
    """One row per tokenizer that ``df`` uses: ``tokenizer``, ``input_tokens``, ``exact``, ``method``, ``models``.

    Example: token_count_table("Olá, mundo!", load_snapshot("2024-05")) -> o200k_base: 4 tokens (exact, GPT-4o)
    """
    tokenizers = sorted(df["tokenizer"].unique())
    counts = input_tokens_by_tokenizer(text, tokenizers)
    rows = []
    for name in tokenizers:
        info = tokenizer_info(name)
        models = sorted(df.loc[df["tokenizer"] == name, "model"].unique())
        rows.append(
            {
                "tokenizer": name,
                "input_tokens": counts[name],
                "exact": info.exact,
                "method": info.method,
                "models": ", ".join(models),
            }
        )
    return pd.DataFrame(rows, columns=["tokenizer", "input_tokens", "exact", "method", "models"])


CALCULATOR_COLUMNS = [
    "model",
    "provider",
    "effort",
    "tokenizer",
    "input_tokens",
    "input_tokens_exact",
    "output_tokens",
    "reasoning_tokens",
    "cost_includes_reasoning",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "price_estimate",
    "tier_above_input_tokens",
    "price_condition",
    "price_variants",
    "applied_input_usd_per_mtok",
    "applied_output_usd_per_mtok",
    "cost_usd",
    "requests_per_day",
    "monthly_cost_usd",
    "cost_brl",
    "monthly_cost_brl",
    "price_note",
    "priced_on",
]


def calculator_table(
    df: pd.DataFrame,
    *,
    text: str | None = None,
    input_tokens: int | None = None,
    output_tokens: int,
    requests_per_day: float,
    brl_per_usd: float | None = None,
    days_per_month: float = DAYS_PER_MONTH,
    at_utc: str | None = None,
    batch: bool = False,
    effort: str | None = None,
    every_effort: bool = False,
    on: str | None = None,
) -> pd.DataFrame:
    """Every (model, provider) of ``df`` with the cost of one request and of a month of them, in USD and BRL.

    With an ``effort``, or ``every_effort``, a model measured at several reasoning efforts gets the row of that
    effort, or a row per effort (``reasoning.effort_rows``); the cost then includes the expected reasoning tokens
    (``reasoning_tokens``) where they were measured. Without, each (model, provider) keeps one row, whose cost
    leaves out the thinking of a model that has efforts (``cost_includes_reasoning`` says so).

    Give ``text`` (counted with each row's own tokenizer) or ``input_tokens``. ``cost_usd`` is
    ``pricing.cost_table``'s; ``monthly_cost_usd`` is that cost times requests a day times days; the BRL
    columns are ``fx.usd_to_brl`` at ``brl_per_usd`` (missing when no rate is given). Long prompts pay their
    row's tier (``tier_above_input_tokens``); ``at_utc``, ``batch`` and ``on`` (the day of the request, with
    ``price_note``) as in ``cost_table``. A missing price gives
    missing costs, never zero. Sorted from the cheapest request to the
    dearest, missing costs last.

    Example: calculator_table(df, input_tokens=3_000, output_tokens=1_000, requests_per_day=1_000,
             brl_per_usd=5.0) -> Claude 3 Opus on Anthropic: 0.12 USD a request, 3,600 USD a month, 18,000 BRL
    """
    if "effort" not in df:
        df = effort_rows(df, effort) if effort or every_effort else df.assign(effort=None)
    costs = cost_table(
        df, text=text, input_tokens=input_tokens, output_tokens=output_tokens, at_utc=at_utc, batch=batch, on=on
    )
    costs = costs.copy()
    costs["price_estimate"] = price_is_estimate(costs)
    costs["requests_per_day"] = requests_per_day
    if requests_per_day < 0 or days_per_month < 0:
        raise ValueError("requests_per_day and days_per_month cannot be negative")
    # pricing.monthly_cost_usd's formula on the request's cost, which includes the expected thinking
    monthly = costs["cost_usd"] * requests_per_day * days_per_month
    costs["monthly_cost_usd"] = monthly.astype("float64")
    costs["cost_brl"] = usd_to_brl(costs["cost_usd"], brl_per_usd=brl_per_usd)
    costs["monthly_cost_brl"] = usd_to_brl(costs["monthly_cost_usd"], brl_per_usd=brl_per_usd)
    out = costs[CALCULATOR_COLUMNS].sort_values(["cost_usd", "model", "provider"], na_position="last", kind="stable")
    out = out.reset_index(drop=True)
    out.attrs.update(df.attrs)
    return out


def _snapshot_ids(snapshots: list[str] | None) -> list[str]:
    return [m["id"] for m in list_snapshots()] if snapshots is None else list(snapshots)


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of several snapshots, one under the other, each row with its ``snapshot`` and ``as_of``."""
    tagged = [f.assign(snapshot=f.attrs["snapshot"], as_of=f.attrs["as_of"]) for f in frames]
    out = pd.concat(tagged, ignore_index=True) if tagged else pd.DataFrame(columns=["snapshot", "as_of"])
    out.attrs = {"snapshots": [f.attrs["snapshot"] for f in frames]}
    return out


def load_snapshots(snapshots: list[str] | None = None) -> pd.DataFrame:
    """``load_snapshot`` of every snapshot (default: all of ``list_snapshots()``, oldest first), stacked.

    Each row gets ``snapshot`` and ``as_of``; ``attrs["snapshots"]`` lists the ids in order.

    Example: load_snapshots().groupby("snapshot").size() -> 2024-05: 41 rows, 2026-11-26: 54 rows
    """
    return _stack([load_snapshot(s) for s in _snapshot_ids(snapshots)])


def calculator_tables(
    snapshots: list[str] | None = None,
    *,
    text: str | None = None,
    input_tokens: int | None = None,
    output_tokens: int,
    requests_per_day: float,
    brl_per_usd: float | None = None,
) -> pd.DataFrame:
    """``calculator_table`` for every snapshot (default: all, oldest first), stacked, with ``snapshot`` and ``as_of``.

    A ``text`` is counted with each row's own tokenizer, so a snapshot whose models use other tokenizers (or
    estimates of them) gets other counts for the same text; ``input_tokens_exact`` says which counts are exact.

    Example: calculator_tables(text="Olá, mundo!", output_tokens=0, requests_per_day=1) -> the 2024-05 rows,
             then the 2026-11-26 rows, each costed with its own tokenizer
    """
    return _stack(
        [
            calculator_table(
                load_snapshot(s),
                text=text,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                requests_per_day=requests_per_day,
                brl_per_usd=brl_per_usd,
            )
            for s in _snapshot_ids(snapshots)
        ]
    )


def review_costs_by_snapshot(
    snapshots: list[str] | None = None,
    *,
    input_tokens: int = REVIEW_INPUT_TOKENS,
    output_tokens: int = REVIEW_OUTPUT_TOKENS,
) -> pd.DataFrame:
    """The article's review in every snapshot (default: all of ``list_snapshots()``, oldest first).

    One row per (snapshot, model), with the model's ``creator``: ``median_cost_usd`` (over the model's priced
    providers, as the article's figures are), ``min_cost_usd`` and ``cheapest_provider`` (every provider at that
    cost, comma-separated), ``priced_providers``. A model with no priced provider has missing costs. Each
    provider prices the prompt at the tier its length falls in (Gemini's ≤128K price for the review).

    Example: review_costs_by_snapshot(["2024-05"]) -> Claude 3 Opus: median 0.12 USD,
             cheapest_provider "Amazon Bedrock, Anthropic"
    """
    frames = []
    for snap in _snapshot_ids(snapshots):
        df = load_snapshot(snap)
        costs = cost_table(df, input_tokens=input_tokens, output_tokens=output_tokens)
        priced = costs[costs["cost_usd"].notna()]
        median = costs.groupby("model")["cost_usd"].median()
        lowest = priced.groupby("model")["cost_usd"].transform("min")
        tied = priced[priced["cost_usd"] == lowest].sort_values("provider")
        cheapest = tied.groupby("model").agg(cost_usd=("cost_usd", "first"), provider=("provider", ", ".join))
        models = sorted(df["model"].unique())
        creators = df.groupby("model")["creator"].first()
        frames.append(
            pd.DataFrame(
                {
                    "snapshot": df.attrs["snapshot"],
                    "as_of": df.attrs["as_of"],
                    "model": models,
                    "creator": [creators.get(m) for m in models],
                    "median_cost_usd": [float(median.get(m, math.nan)) for m in models],
                    "min_cost_usd": [float(cheapest["cost_usd"].get(m, math.nan)) for m in models],
                    "cheapest_provider": [cheapest["provider"].get(m) for m in models],
                    "priced_providers": [int((priced["model"] == m).sum()) for m in models],
                }
            )
        )
    columns = [
        "snapshot",
        "as_of",
        "model",
        "creator",
        "median_cost_usd",
        "min_cost_usd",
        "cheapest_provider",
        "priced_providers",
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def review_cost_matrix(history: pd.DataFrame, models: list[str], column: str = "median_cost_usd") -> pd.DataFrame:
    """``models`` down, snapshots across (oldest first), ``column`` in the cells; NaN where a snapshot lacks it."""
    snaps = list(dict.fromkeys(history["snapshot"]))
    table = history.pivot_table(index="model", columns="snapshot", values=column, aggfunc="first", dropna=False)
    return table.reindex(index=models, columns=snaps)


def creator_extremes(history: pd.DataFrame) -> pd.DataFrame:
    """Each creator's dearest and cheapest model in each snapshot, by ``median_cost_usd`` (priced models only).

    ``history`` is ``review_costs_by_snapshot()``. One row per (snapshot, creator): ``dearest_model``,
    ``dearest_cost_usd``, ``cheapest_model``, ``cheapest_cost_usd``. A creator with no priced model in a
    snapshot has no row for it.

    Example: creator_extremes(review_costs_by_snapshot(["2024-05"])) -> Anthropic: Claude 3 Opus (0.12) and
             Claude 3 Haiku (0.002)
    """
    priced = history[history["median_cost_usd"].notna()].sort_values(
        ["snapshot", "creator", "median_cost_usd", "model"]
    )
    groups = priced.groupby(["snapshot", "creator"], sort=False)
    dearest = groups.tail(1).set_index(["snapshot", "creator"])
    cheapest = groups.head(1).set_index(["snapshot", "creator"])
    out = pd.DataFrame(
        {
            "dearest_model": dearest["model"],
            "dearest_cost_usd": dearest["median_cost_usd"],
            "cheapest_model": cheapest["model"],
            "cheapest_cost_usd": cheapest["median_cost_usd"],
        }
    )
    order = list(dict.fromkeys(history["snapshot"]))
    out = out.reset_index()
    out["snapshot"] = pd.Categorical(out["snapshot"], categories=order, ordered=True)
    return out.sort_values(["creator", "snapshot"], ignore_index=True).astype({"snapshot": str})


def scheduled_price_changes(df: pd.DataFrame, *, since: str | None = None) -> pd.DataFrame:
    """Every change of an ordinary input or output price a loaded snapshot schedules (``price_schedule``), one row
    per (model, provider, day): ``starts_on`` and the input and output prices (USD per 1M tokens) the day before and
    from that day. ``since`` (YYYY-MM-DD) keeps the changes on or after that day. Sorted by day, model, provider.

    Example: scheduled_price_changes(load_snapshot("2026-12-06"), since="2026-11-01") -> Gemini 4 Argon on Google,
             2026-12-01: input 2.0 -> 4.0, output 10.0 -> 20.0; Gemini 3.8 Flash on Google, 2027-01-01: 0.75 -> 1.5 ...
    """
    import datetime as dt

    from .pricing import prices_on

    rows = []
    for r in df.itertuples(index=False):
        schedule = getattr(r, "price_schedule", ())
        for start in sorted({p.starts_on for p in schedule if p.starts_on and p.condition == ""}):
            if since is not None and start < since:
                continue
            day_before = (dt.date.fromisoformat(start) - dt.timedelta(days=1)).isoformat()
            before, after = prices_on(schedule, day_before)[0], prices_on(schedule, start)[0]
            metrics = ("input_usd_per_mtok", "output_usd_per_mtok")
            if all(before.get(m) == after.get(m) for m in metrics):
                continue  # only another price (cached input) changed that day
            rows.append(
                {
                    "model": r.model,
                    "provider": r.provider,
                    "starts_on": start,
                    "input_before_usd_per_mtok": before.get("input_usd_per_mtok", math.nan),
                    "input_after_usd_per_mtok": after.get("input_usd_per_mtok", math.nan),
                    "output_before_usd_per_mtok": before.get("output_usd_per_mtok", math.nan),
                    "output_after_usd_per_mtok": after.get("output_usd_per_mtok", math.nan),
                }
            )
    columns = [
        "model",
        "provider",
        "starts_on",
        "input_before_usd_per_mtok",
        "input_after_usd_per_mtok",
        "output_before_usd_per_mtok",
        "output_after_usd_per_mtok",
    ]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["starts_on", "model", "provider"], ignore_index=True)
