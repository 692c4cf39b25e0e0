"""Prices and costs: pure functions on token counts and USD-per-million-token prices."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import pandas as pd

from .reasoning import reasoning_tokens
from .tokens import count_tokens

MTOK = 1_000_000
BLEND_INPUT_WEIGHT = 3  # Artificial Analysis' blended price: 3 input tokens for 1 output token
BLEND_OUTPUT_WEIGHT = 1


@dataclass(frozen=True)
class Price:
    """List prices of one model on one provider, in USD per 1M tokens (None where not known)."""

    input_usd_per_mtok: float
    output_usd_per_mtok: float
    cached_input_usd_per_mtok: float | None = None


_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def check_time_utc(at_utc: str | None) -> None:
    """Raise ValueError unless ``at_utc`` is None or a time of day ``HH:MM`` (UTC)."""
    if at_utc is not None and (not isinstance(at_utc, str) or not _HHMM.fullmatch(at_utc)):
        raise ValueError(f"{at_utc!r} is not a time of day HH:MM (UTC, 00:00 to 23:59)")


def condition_applies(condition: str, *, at_utc: str | None = None, batch: bool = False) -> bool:
    """Whether a price's condition holds for a request sent at ``at_utc`` (HH:MM, UTC), by batch or not.

    Example: condition_applies("utc 16:30-00:30", at_utc="23:10") -> True (the window crosses midnight)
             condition_applies("batch", batch=False) -> False;  condition_applies("") -> True
    """
    if condition == "":
        return True
    if condition == "batch":
        return batch
    if at_utc is None:
        return False
    start, end = condition[4:9], condition[10:15]
    return start <= at_utc < end if start < end else (at_utc >= start or at_utc < end)


def request_condition(variants, *, at_utc: str | None = None, batch: bool = False) -> str:
    """The condition a request is priced under: "batch" when asked for, else the row's time window that holds
    ``at_utc``, else "" (the ordinary price).

    Example: request_condition([PriceVariant("utc 01:00-04:00", "input_usd_per_mtok", 0, 1.32)], at_utc="02:00")
             -> 'utc 01:00-04:00'
    """
    if batch:
        return "batch"
    for condition in sorted({v.condition for v in variants}):
        if condition.startswith("utc") and condition_applies(condition, at_utc=at_utc):
            return condition
    return ""


def applied_price(
    base_usd_per_mtok: float | None, variants, metric: str, *, input_tokens: int, condition: str = ""
) -> tuple[float | None, int]:
    """The price per 1M tokens of ``metric`` for a request of ``input_tokens`` under ``condition``, and the tier
    applied (the threshold it is above; 0 = the base price).

    A tier prices the whole request once its input tokens exceed the threshold (data/README.md, "Tiers and
    conditions"). Under a condition the data has no price for, the price is unknown (None): nothing is invented.

    Example: Claude Haiku 5.5 input, 0.1 with a tier of 0.5 above 100,000 tokens:
             applied_price(0.1, variants, "input_usd_per_mtok", input_tokens=250_000) -> (0.5, 100000)
    """
    own = sorted(
        (v for v in variants if v.metric == metric and v.condition == condition), key=lambda v: v.above_input_tokens
    )
    if condition:
        base_usd_per_mtok = next((v.usd_per_mtok for v in own if v.above_input_tokens == 0), None)
    if base_usd_per_mtok is None or base_usd_per_mtok != base_usd_per_mtok:
        return None, 0
    price, tier = base_usd_per_mtok, 0
    for v in own:
        if v.above_input_tokens and input_tokens > v.above_input_tokens:
            price, tier = v.usd_per_mtok, v.above_input_tokens
    return price, tier


PRICE_NOTE_DAYS = 60  # a row says its price changed, or will change, when the change is this close to the day


def check_day(on) -> str | None:
    """``on`` as a day ``YYYY-MM-DD`` (a ``datetime.date`` or that text), or None for None; ValueError otherwise."""
    if on is None:
        return None
    if isinstance(on, dt.date) and not isinstance(on, dt.datetime):
        return on.isoformat()
    if isinstance(on, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", on):
        try:
            return dt.date.fromisoformat(on).isoformat()
        except ValueError:
            pass
    raise ValueError(f"{on!r} is not a day YYYY-MM-DD")


def today_utc() -> str:
    """Today's date in UTC, YYYY-MM-DD: the day a request priced "now" is priced on."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def prices_on(schedule, on: str) -> tuple[dict[str, float], tuple]:
    """A row's prices on the day ``on`` (YYYY-MM-DD) from its ``price_schedule`` (``data.ScheduledPrice``): the
    ordinary base prices ``{metric: usd_per_mtok}`` and the tiers and conditional prices in effect then (a tuple of
    ``data.PriceVariant``, as ``price_variants``).

    For each (metric, condition) the rows of the latest ``starts_on`` not after ``on`` apply ("" is the earliest).

    Example: Gemini 4 Argon (input 2, then 4 from 2026-12-01):
             prices_on(schedule, "2026-11-30")[0]["input_usd_per_mtok"] -> 2.0;  on "2026-12-06" -> 4.0
    """
    from .data import PriceVariant

    chosen: dict[tuple[str, str], str] = {}
    for p in schedule:
        key = (p.metric, p.condition)
        if p.starts_on <= on and p.starts_on >= chosen.get(key, ""):
            chosen[key] = p.starts_on
    base: dict[str, float] = {}
    variants = []
    for p in schedule:
        if (p.metric, p.condition) not in chosen or chosen[(p.metric, p.condition)] != p.starts_on:
            continue  # an earlier price of this (metric, condition), or one that has not started yet
        if p.condition == "" and p.above_input_tokens == 0:
            base[p.metric] = p.usd_per_mtok
        else:
            variants.append(PriceVariant(p.condition, p.metric, p.above_input_tokens, p.usd_per_mtok))
    return base, tuple(sorted(variants))


def _day_pt(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def price_change_note(schedule, on: str, *, days: int = PRICE_NOTE_DAYS) -> str:
    """What a reader pricing a request on ``on`` should know about a row's scheduled prices, in Portuguese: each
    change of its ordinary price at most ``days`` days before or after ``on``. A past change: "preço mudou em
    01/12/2026"; a future rise of the input or output price (neither falls): "preço promocional até 31/12/2026"
    (the last day of the current price); any other future change: "preço muda em 01/01/2027". "" without one.

    Example: Gemini 4 Argon (2 / 10, then 4 / 20 from 2026-12-01): on "2026-12-06" -> 'preço mudou em 01/12/2026';
             on "2026-11-26" -> 'preço promocional até 30/11/2026';  on "2027-03-01" -> ''
    """
    day = dt.date.fromisoformat(on)
    notes = []
    for start in sorted({p.starts_on for p in schedule if p.starts_on and p.condition == ""}):
        change = dt.date.fromisoformat(start)
        if abs((change - day).days) > days:
            continue
        if change <= day:
            notes.append(f"preço mudou em {_day_pt(change)}")
            continue
        before = prices_on(schedule, (change - dt.timedelta(days=1)).isoformat())[0]
        after = prices_on(schedule, start)[0]
        pairs = [(before.get(m), after.get(m)) for m in ("input_usd_per_mtok", "output_usd_per_mtok")]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        if pairs and all(b >= a for a, b in pairs) and any(b > a for a, b in pairs):
            notes.append(f"preço promocional até {_day_pt(change - dt.timedelta(days=1))}")
        else:
            notes.append(f"preço muda em {_day_pt(change)}")
    return "; ".join(notes)


PRICE_STALE_DAYS = 90  # past this age a snapshot's prices may be out of date: the page and widgets say so
REFRESH_COMMAND = "python -m calculators refresh --source genai-prices"


def price_age_note(as_of: str, on: str) -> str:
    """How old a snapshot's prices are on the day ``on``, in Portuguese; past ``PRICE_STALE_DAYS`` days, a warning
    that says how to refresh them. ``as_of`` may be a month (``2024-05``: its first day counts).

    Example: price_age_note("2026-11-26", "2026-12-06") -> 'preços de 26/11/2026, há 10 dias'
             price_age_note("2026-12-06", "2026-12-06") -> 'preços de 06/12/2026, do próprio dia'
    """
    start = dt.date.fromisoformat(as_of if len(as_of) == 10 else as_of + "-01")
    shown = _day_pt(start) if len(as_of) == 10 else f"{start.month:02d}/{start.year}"
    days = (dt.date.fromisoformat(on) - start).days
    if days == 0:
        return f"preços de {shown}, do próprio dia"
    if days < 0:
        return f"preços de {shown}, {-days} dia{'s' if days < -1 else ''} depois da data do pedido"
    note = f"preços de {shown}, há {days} dia{'s' if days > 1 else ''}"
    if days > PRICE_STALE_DAYS:
        note += (
            f". Atenção: têm mais de {PRICE_STALE_DAYS} dias e podem estar desatualizados: escolha o snapshot mais "
            f"recente, confira a página de preços do provedor ou atualize os dados com {REFRESH_COMMAND} (README do "
            "repositório)"
        )
    return note


def long_prompt_tier(variants) -> tuple[int, dict[str, float]]:
    """The one long-prompt tier of a row's ordinary prices: ``(above_input_tokens, {metric: usd_per_mtok})``, or
    ``(0, {})`` without one. Raises ValueError on a row with several thresholds (the charts draw one).

    Example: long_prompt_tier(gemini_pro_variants) -> (128000, {'input_usd_per_mtok': 7.0, 'output_usd_per_mtok': 21.0})
    """
    tiers = [v for v in variants if v.condition == "" and v.above_input_tokens]
    thresholds = sorted({v.above_input_tokens for v in tiers})
    if len(thresholds) > 1:
        raise ValueError(f"a row with {len(thresholds)} prompt-length tiers ({thresholds}); the charts draw one")
    return (thresholds[0], {v.metric: v.usd_per_mtok for v in tiers}) if thresholds else (0, {})


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise TypeError(f"{name} must be a number of tokens, not {value!r}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative ({value})")


def request_cost_usd(price: Price, *, input_tokens: int, output_tokens: int, cached_input_tokens: int = 0) -> float:
    """Cost of one request in US dollars.

    ``cached_input_tokens`` is the part of ``input_tokens`` read from the provider's prompt cache. Where the
    provider lists no cached price, a request with cached tokens has no known cost (NaN).

    Example: 3_000 in + 1_000 out at 15 / 75 USD per 1M tokens -> 0.045 + 0.075 = 0.12
    """
    for name, value in (
        ("input_tokens", input_tokens),
        ("output_tokens", output_tokens),
        ("cached_input_tokens", cached_input_tokens),
    ):
        _check_count(name, value)
    if cached_input_tokens > input_tokens:
        raise ValueError(f"cached_input_tokens ({cached_input_tokens}) cannot exceed input_tokens ({input_tokens})")
    cached_cost = 0.0
    if cached_input_tokens:
        cached = price.cached_input_usd_per_mtok
        cached_cost = math.nan if cached is None else cached_input_tokens * cached
    fresh = input_tokens - cached_input_tokens
    return (fresh * price.input_usd_per_mtok + cached_cost + output_tokens * price.output_usd_per_mtok) / MTOK


def blended_usd_per_mtok(*, input_usd_per_mtok: float, output_usd_per_mtok: float) -> float:
    """Artificial Analysis' blended price: the average of 3 input tokens and 1 output token.

    Example: Claude 3 Opus at 15 / 75 -> (3 * 15 + 75) / 4 = 30.0
    """
    weight = BLEND_INPUT_WEIGHT + BLEND_OUTPUT_WEIGHT
    return (BLEND_INPUT_WEIGHT * input_usd_per_mtok + BLEND_OUTPUT_WEIGHT * output_usd_per_mtok) / weight


def monthly_cost_usd(
    price: Price,
    *,
    requests_per_day: float,
    input_tokens: int,
    output_tokens: int,
    cached_input_tokens: int = 0,
    days_per_month: float = 30,
) -> float:
    """Cost of a month of identical requests.

    Example: 1_000 requests/day of 3_000 in + 1_000 out at 15 / 75, 30 days -> 0.12 * 1_000 * 30 = 3_600.0
    """
    if requests_per_day < 0 or days_per_month < 0:
        raise ValueError("requests_per_day and days_per_month cannot be negative")
    one = request_cost_usd(
        price, input_tokens=input_tokens, output_tokens=output_tokens, cached_input_tokens=cached_input_tokens
    )
    return one * requests_per_day * days_per_month


def price_ratio(expensive_usd: float, cheap_usd: float) -> float:
    """How many times ``cheap_usd`` fits in ``expensive_usd``.

    Example: price_ratio(30, 0.9) -> 33.33...
    """
    if cheap_usd <= 0:
        raise ValueError(f"cannot divide by a price of {cheap_usd}")
    return expensive_usd / cheap_usd


def input_tokens_by_tokenizer(text: str, tokenizers) -> dict[str, int]:
    """Count ``text`` once per distinct tokenizer."""
    return {name: count_tokens(text, name) for name in dict.fromkeys(tokenizers)}


APPLIED_PRICE_COLUMNS = {
    "input_usd_per_mtok": "applied_input_usd_per_mtok",
    "output_usd_per_mtok": "applied_output_usd_per_mtok",
    "cached_input_usd_per_mtok": "applied_cached_input_usd_per_mtok",
}


def _applied_prices(out: pd.DataFrame, *, at_utc: str | None, batch: bool, on: str | None = None) -> None:
    """Add the prices each row's request pays (tier and condition resolved) and which tier and condition; with
    ``on``, a row with a ``price_schedule`` is priced on that day, and ``price_note`` says what changes near it."""
    conditions, tiers, notes = [], [], []
    applied = {column: [] for column in APPLIED_PRICE_COLUMNS.values()}
    no_variants = [()] * len(out)
    variants_of = out["price_variants"] if "price_variants" in out else no_variants
    schedules = out["price_schedule"] if "price_schedule" in out else no_variants
    for i, variants in enumerate(variants_of):
        variants = variants or ()
        schedule = schedules.iloc[i] if "price_schedule" in out else ()
        dated_base = None
        if on is not None and schedule:
            dated_base, variants = prices_on(schedule, on)
        notes.append(price_change_note(schedule, on) if on is not None and schedule else "")
        condition = request_condition(variants, at_utc=at_utc, batch=batch)
        n = int(out["input_tokens"].iloc[i])
        tier = 0
        for metric, column in APPLIED_PRICE_COLUMNS.items():
            base = out[metric].iloc[i] if dated_base is None else dated_base.get(metric, math.nan)
            price, metric_tier = applied_price(
                None if pd.isna(base) else float(base), variants, metric, input_tokens=n, condition=condition
            )
            applied[column].append(math.nan if price is None else price)
            tier = max(tier, metric_tier)
        conditions.append(condition)
        tiers.append(tier)
    for column, values in applied.items():
        out[column] = pd.Series(values, index=out.index, dtype="float64")
    out["tier_above_input_tokens"] = pd.Series(tiers, index=out.index, dtype="int64")
    out["price_condition"] = conditions
    out["price_note"] = notes


def cost_table(
    df: pd.DataFrame,
    *,
    input_tokens: int | None = None,
    text: str | None = None,
    output_tokens: int,
    cached_input_tokens: int = 0,
    at_utc: str | None = None,
    batch: bool = False,
    on: str | dt.date | None = None,
) -> pd.DataFrame:
    """``df`` plus ``input_tokens``, ``output_tokens``, ``cached_input_tokens``, ``reasoning_tokens``, the prices
    the request pays (``applied_*_usd_per_mtok``, with ``tier_above_input_tokens`` and ``price_condition``),
    ``blended_usd_per_mtok``, ``cost_usd`` and ``cost_includes_reasoning``.

    ``output_tokens`` are the answer's tokens. A reasoning model also writes hidden reasoning tokens, billed as
    output: ``reasoning_tokens`` is the answer tokens times the row's measured ratio
    (``reasoning_tokens_per_answer_token`` at its ``effort``, see ``reasoning.effort_rows``; 0 at effort "none"),
    and the cost includes them. Where nothing was measured, ``reasoning_tokens`` is NaN, the cost covers input and
    answer only and ``cost_includes_reasoning`` is False: never a silent 0.

    Give either ``input_tokens`` (the same count on every row) or ``text`` (counted with each row's own
    tokenizer; ``input_tokens_exact`` says whether that count is exact or an estimate). A long prompt pays its
    row's tier (``price_variants``); ``at_utc`` (HH:MM) picks a time-of-day price where the row has one, and
    ``batch`` the batch price (missing where the data has none). A row with a missing price gets a missing cost
    (NaN), never zero.

    ``on`` (YYYY-MM-DD) is the day the request is sent: a row whose prices are scheduled (``price_schedule``) pays
    the price in effect that day, and ``price_note`` says when its price changed or will change within
    ``PRICE_NOTE_DAYS`` days ("preço mudou em 01/12/2026"). None prices on the snapshot's own as-of date (the
    prices as the snapshot gives them, so a chapter's figures do not move with the day it is built); the command
    line, the widgets and the page default to today. ``priced_on`` is the day used.

    Example: cost_table(df, input_tokens=3_000, output_tokens=1_000) -> Claude 3 Opus on Anthropic: 0.12
    """
    if (input_tokens is None) == (text is None):
        raise ValueError("give exactly one of input_tokens or text")
    _check_count("output_tokens", output_tokens)
    _check_count("cached_input_tokens", cached_input_tokens)
    check_time_utc(at_utc)
    on = check_day(on)
    snapshot_day = df.attrs.get("as_of")
    day = on if on is not None else (snapshot_day if snapshot_day and len(snapshot_day) == 10 else None)
    out = df.copy()
    if text is not None:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        counts = input_tokens_by_tokenizer(text, out["tokenizer"])
        out["input_tokens"] = out["tokenizer"].map(counts).astype("int64")
        out["input_tokens_exact"] = out["tokenizer_exact"]
    else:
        _check_count("input_tokens", input_tokens)
        out["input_tokens"] = int(input_tokens)
        out["input_tokens_exact"] = True
    if (out["input_tokens"] < cached_input_tokens).any():
        raise ValueError(f"cached_input_tokens ({cached_input_tokens}) cannot exceed the input tokens of a row")
    out["output_tokens"] = int(output_tokens)
    out["cached_input_tokens"] = int(cached_input_tokens)
    ratios = out["reasoning_tokens_per_answer_token"] if "reasoning_tokens_per_answer_token" in out else None
    efforts = out["effort"] if "effort" in out else None
    thinking = [
        reasoning_tokens(
            answer_tokens=int(output_tokens),
            reasoning_tokens_per_answer_token=None if ratios is None else float(ratios.iloc[i]),
            effort=None if efforts is None else efforts.iloc[i],
        )
        for i in range(len(out))
    ]
    out["reasoning_tokens"] = pd.Series(
        [math.nan if t is None else t for t in thinking], index=out.index, dtype="float64"
    )
    out["cost_includes_reasoning"] = out["reasoning_tokens"].notna()
    _applied_prices(out, at_utc=at_utc, batch=batch, on=day)
    out["priced_on"] = day
    fresh = out["input_tokens"] - cached_input_tokens
    cached_cost = out["applied_cached_input_usd_per_mtok"] * cached_input_tokens if cached_input_tokens else 0.0
    billed_output = output_tokens + out["reasoning_tokens"].fillna(0.0)
    out["cost_usd"] = (
        fresh * out["applied_input_usd_per_mtok"] + cached_cost + billed_output * out["applied_output_usd_per_mtok"]
    ) / MTOK
    out["blended_usd_per_mtok"] = blended_usd_per_mtok(
        input_usd_per_mtok=out["input_usd_per_mtok"], output_usd_per_mtok=out["output_usd_per_mtok"]
    )
    return out


def model_prices(df: pd.DataFrame) -> pd.DataFrame:
    """One row per model: the median over its providers of the input, output and blended prices.

    The base prices of ordinary prompts (a long-prompt tier is in ``price_variants``, not here). Artificial
    Analysis' model-level price is this median for most models; ``aa_blended_usd_per_mtok`` keeps their own figure
    beside it for comparison (for Gemini 1.5 it was the long-prompt tier).
    """
    priced = df.assign(
        blended_usd_per_mtok=blended_usd_per_mtok(
            input_usd_per_mtok=df["input_usd_per_mtok"], output_usd_per_mtok=df["output_usd_per_mtok"]
        )
    )
    grouped = priced.groupby("model", sort=True)
    out = grouped[["input_usd_per_mtok", "output_usd_per_mtok", "blended_usd_per_mtok"]].median()
    out["priced_providers"] = grouped["blended_usd_per_mtok"].count()
    out["aa_blended_usd_per_mtok"] = grouped["aa_blended_usd_per_mtok"].first()
    return out.reset_index()
