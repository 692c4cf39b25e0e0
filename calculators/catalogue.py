"""The full price catalogue of genai-prices, as plain data a web page can price with.

genai-prices (PyPI, pinned in requirements.txt) ships prices for thousands of (provider, model) pairs. This module
turns every pair with a text price (input and output per 1M tokens) into a JSON-ready dict: base prices, prompt-length
tiers, the per-request fee, the other charges the text calculator leaves out, and the course's tokenizer for the
model. ``catalogue_cost_usd`` is the one formula; a static page ports it to JavaScript line by line, and the tests pin
it to genai-prices' own ``calc_price`` on every row.

Prices are resolved at one fixed instant, ``CATALOGUE_TIMESTAMP``: noon UTC on the date of the newest snapshot in
``data/snapshots`` (time-of-day prices, such as DeepSeek's, are "the 12:00 UTC price" there too).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import tiktoken.model
from genai_prices.data import providers as _PROVIDERS
from genai_prices.types import ModelInfo, ModelPrice, TieredPrices, TimeOfDateConstraint

from .data import list_snapshots
from .pricing import MTOK, _check_count, price_change_note
from .tokens import tokenizer_info

CATALOGUE_TIME_UTC = dt.time(12, 0, tzinfo=dt.timezone.utc)


def _latest_snapshot_noon_utc() -> dt.datetime:
    snapshots = list_snapshots()
    if not snapshots:
        raise RuntimeError("no snapshot in data/snapshots: the catalogue has no date to resolve prices at")
    as_of = max(s["as_of"] for s in snapshots)
    return dt.datetime.combine(dt.date.fromisoformat(as_of), CATALOGUE_TIME_UTC)


# The instant every catalogue price is resolved at (2026-11-26 12:00 UTC for the 2026-11-26 snapshot).
CATALOGUE_TIMESTAMP: dt.datetime = _latest_snapshot_noon_utc()

# Price keys the text calculator charges: input and output tokens, the per-request fee. ``cache_read_mtok`` is
# carried as ``cached_input_usd_per_mtok`` for the page; every other key a price has is an "other charge".
_TEXT_PRICE_KEYS = frozenset({"input_mtok", "output_mtok", "cache_read_mtok", "requests_kcount"})
_REQUESTS_PER_KCOUNT = 1_000

# ---------------------------------------------------------------------------------------------------------------
# Tokenizers
#
# OpenAI models first: the id, without a provider's prefix (``openai/``, ``azure/``, ``@cf/openai/``, AWS's
# ``global.openai.``, Databricks' ``databricks-``, OpenRouter's ``~``) and, if that fails, without a ``:variant``
# suffix (OpenRouter's ``:batch``), is looked up in tiktoken's own model table. ``o200k_harmony`` (gpt-oss) counts
# as ``o200k_base``: tiktoken builds it from o200k_base's ranks and split pattern and only adds special tokens,
# which the course always treats as plain text (tests/test_catalogue.py checks the ids agree). Encodings the course
# does not ship (r50k_base, p50k_base of davinci-era models) fall through to the rules below.
#
# Then the first rule below that matches "<model id> <model name>" (lower case) wins; no match is an estimate.
_OPENAI_PREFIX = re.compile(r"^~?(?:@cf/)?(?:(?:global|regional)\.)?(?:databricks-)?(?:(?:openai|azure)[/.])?")
_VARIANT_SUFFIX = re.compile(r":[^:]*$")
_TIKTOKEN_TO_COURSE = {"o200k_base": "o200k_base", "cl100k_base": "cl100k_base", "o200k_harmony": "o200k_base"}

TOKENIZER_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), tokenizer)
    for pattern, tokenizer in [
        # Llama 2 and Code Llama (a Llama 2 fine-tune): SentencePiece, not shipped. Before the Llama 3 rule, so that
        # "codellama" or "llama-2" never counts as Llama 3.
        (r"codellama|code-llama|llama[-_ ]?2(?![0-9])", "o200k_estimate"),
        # Llama Prompt Guard 2 is an mDeBERTa classifier, not a Llama.
        (r"prompt[-_ ]?guard", "o200k_estimate"),
        # Llama 4 (Scout, Maverick) and Llama Guard 4 (pruned from Llama 4 Scout).
        (r"llama[-_ .]?4(?![0-9])|llama[-_ ]?guard[-_ ]?4", "llama4"),
        # Llama 3, 3.1, 3.2, 3.3 and models built on them (Nemotron, Hermes 3, Llama Guard 2 and 3...), in the
        # spellings providers use: llama-3.1, llama3-1, Llama-3_3, llama-v3p1, "Llama 3 8B". Not "llama-30b".
        # "L3", "L3.1", "L31", "L3.3" is the community's shorthand for Llama 3.x fine-tunes (Sao10K/L3-8B-Stheno).
        (r"llama[-_ .]?v?3(?![0-9])|llama[-_ ]?guard[-_ ]?[23](?![0-9])|(?:^|/)l3(?:\.?[0-9])?-", "llama3"),
        (r"claude", "claude_estimate"),
        (r"gemini", "gemini_estimate"),
        # Mistral's open models with a shipped SentencePiece tokenizer (mistral-common). Mistral 7B v0.3 moved to the
        # v3 tokenizer; v0.1 and v0.2 and Mixtral 8x7B use v1; Mixtral 8x22B uses v3.
        (r"(?<![a-z])mistral[- ]7b.*v0\.3", "mistral_v3"),
        (r"(?<![a-z])(?:open-)?(?:mistral|mixtral)[- ](?:7b|8x7b)(?![0-9])", "mistral_v1"),
        (r"(?<![a-z])(?:open-)?mixtral[- ]8x22b", "mistral_v3"),
        # Every other Mistral model (Large, Small 3, Nemo, Codestral...): tokenizer not shipped.
        (r"mistral|mixtral|magistral|ministral|codestral|devstral|pixtral|voxtral", "o200k_estimate"),
    ]
)
DEFAULT_TOKENIZER = "o200k_estimate"


def _tiktoken_tokenizer(model_id: str) -> str | None:
    bare = _OPENAI_PREFIX.sub("", model_id.strip().lower())
    for candidate in (bare, _VARIANT_SUFFIX.sub("", bare)):
        try:
            encoding = tiktoken.model.encoding_name_for_model(candidate)
        except KeyError:
            continue
        return _TIKTOKEN_TO_COURSE.get(encoding)
    return None


def catalogue_tokenizer(provider_id: str, model_id: str, name: str | None = None) -> str:
    """The course's tokenizer (a key of ``calculators.tokens.TOKENIZERS``) for one catalogue model.

    OpenAI ids go through tiktoken's model table; the others through ``TOKENIZER_RULES``, matched against the id
    and the name. ``provider_id`` is part of the key the page uses; the rules match the model, whoever serves it.

    Example: catalogue_tokenizer("openrouter", "openai/gpt-4o", "GPT-4o") -> 'o200k_base'
             catalogue_tokenizer("groq", "llama-3.3-70b-versatile", None) -> 'llama3'
             catalogue_tokenizer("together", "codellama/CodeLlama-34b-Instruct-hf", None) -> 'o200k_estimate'
    """
    del provider_id  # the same model id means the same tokenizer on every provider
    from_tiktoken = _tiktoken_tokenizer(model_id)
    if from_tiktoken is not None:
        return from_tiktoken
    text = f"{model_id} {name or ''}".lower()
    for pattern, tokenizer in TOKENIZER_RULES:
        if pattern.search(text):
            return tokenizer
    return DEFAULT_TOKENIZER


# ---------------------------------------------------------------------------------------------------------------
# Rows


def _base_usd_per_mtok(price: Decimal | TieredPrices) -> float:
    return float(price.base if isinstance(price, TieredPrices) else price)


def _tiers(price: Decimal | TieredPrices | None) -> list[list]:
    if not isinstance(price, TieredPrices):
        return []
    return [[int(tier.start), float(tier.price)] for tier in sorted(price.tiers, key=lambda tier: tier.start)]


def _price_keys(price: ModelPrice) -> set[str]:
    return {key for key, value in vars(price).items() if not key.startswith("_") and value is not None}


def _has_time_of_day_prices(model: ModelInfo) -> bool:
    return isinstance(model.prices, list) and any(
        isinstance(conditional.constraint, TimeOfDateConstraint) for conditional in model.prices
    )


def _price_note(model: ModelInfo, at: dt.datetime) -> str:
    if not _has_time_of_day_prices(model):
        return ""
    if at.tzinfo is None:  # genai-prices reads a naive timestamp as UTC
        at = at.replace(tzinfo=dt.timezone.utc)
    when = at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"price at {when}; time-of-day prices exist"


def _request_usd(price: ModelPrice) -> float:
    fee = price.requests_kcount
    if fee is None:
        return 0.0
    if isinstance(fee, TieredPrices):  # genai-prices tiers tokens, not requests; refuse to guess
        raise ValueError(f"tiered per-request fee is not supported: {price!r}")
    return float(fee / _REQUESTS_PER_KCOUNT)


def _text_prices(price: ModelPrice) -> dict:
    cached = price.cache_read_mtok
    return {
        "input_usd_per_mtok": _base_usd_per_mtok(price.input_mtok),
        "output_usd_per_mtok": _base_usd_per_mtok(price.output_mtok),
        "cached_input_usd_per_mtok": None if cached is None else _base_usd_per_mtok(cached),
        "input_tiers": _tiers(price.input_mtok),
        "output_tiers": _tiers(price.output_mtok),
        "cached_input_tiers": _tiers(cached),
        "request_usd": _request_usd(price),
    }


def _has_text_price(price: ModelPrice) -> bool:
    return isinstance(price.input_mtok, (Decimal, TieredPrices)) and isinstance(
        price.output_mtok, (Decimal, TieredPrices)
    )


def _price_schedule(model: ModelInfo, at: dt.datetime) -> list[dict]:
    """The model's ordinary prices around its scheduled changes (genai-prices' ``StartDateConstraint``): one dict per
    price, ``starts_on`` "" (the price before the first change) or the day a price starts, with the text prices of
    ``_text_prices`` resolved at 12:00 UTC that day (``null`` prices where that day has no text price). Empty for a
    model without a scheduled price."""
    days = sorted(
        {c.start_date for c in (cp.constraint for cp in model.prices) if getattr(c, "start_date", None) is not None}
        if isinstance(model.prices, list)
        else set()
    )
    if not days:
        return []
    noon = at.timetz()
    epochs = [("", days[0] - dt.timedelta(days=1))] + [(d.isoformat(), d) for d in days]
    out = []
    for starts_on, day in epochs:
        price = model.get_prices(dt.datetime.combine(day, noon))
        if _has_text_price(price):
            out.append({"starts_on": starts_on, **_text_prices(price)})
        else:
            out.append({"starts_on": starts_on, "input_usd_per_mtok": None, "output_usd_per_mtok": None})
    return out


def catalogue_row_on(row: dict, on: str) -> dict:
    """A catalogue row with the prices in effect on the day ``on`` (YYYY-MM-DD): the entry of its ``price_schedule``
    with the latest ``starts_on`` not after ``on`` ("" is the earliest); the row itself without a schedule.

    Example: Gemini 4 Argon on Google: catalogue_row_on(row, "2026-11-30")["input_usd_per_mtok"] -> 2.0;
             catalogue_row_on(row, "2026-12-06")["input_usd_per_mtok"] -> 4.0
    """
    chosen = None
    for entry in row.get("price_schedule") or []:
        if entry["starts_on"] <= on:
            chosen = entry
    if chosen is None:
        return row
    blank = {"cached_input_usd_per_mtok": None, "input_tiers": [], "output_tiers": [], "cached_input_tiers": []}
    return {**row, **blank, "request_usd": 0.0, **{k: v for k, v in chosen.items() if k != "starts_on"}}


def catalogue_change_note(row: dict, on: str) -> str:
    """``pricing.price_change_note`` for a catalogue row: when its input or output price changed, or will change,
    within 60 days of ``on`` ("" without a schedule).

    Example: Gemini 4 Argon on Google on "2026-12-06" -> 'preço mudou em 01/12/2026'
    """
    from .data import ScheduledPrice

    schedule = [
        ScheduledPrice(entry["starts_on"], "", metric, 0, entry[metric])
        for entry in row.get("price_schedule") or []
        for metric in ("input_usd_per_mtok", "output_usd_per_mtok")
        if entry.get(metric) is not None
    ]
    return price_change_note(schedule, on) if schedule else ""


def catalogue_rows(*, at: dt.datetime | None = None) -> list[dict]:
    """One JSON-ready dict per (provider, model) in genai-prices whose price at ``at`` has input and output prices.

    ``at`` defaults to ``CATALOGUE_TIMESTAMP``. Only ordinary prices are used (no ``price_context``: no batch, flex
    or priority service tier). Prices are USD per 1M tokens as floats; a tier is ``[start_tokens, usd_per_mtok]``
    and applies when the prompt has more than ``start_tokens`` input tokens. Rows are sorted by provider, then model.

    ``price_schedule`` holds the prices of a model whose price changes on a date (``_price_schedule``), which
    ``catalogue_row_on`` resolves for another day; ``[]`` for most.

    Example: row = next(r for r in catalogue_rows() if (r["provider_id"], r["model_id"]) == ("openai", "gpt-4o"))
             row["input_usd_per_mtok"], row["output_usd_per_mtok"], row["tokenizer"] -> (2.5, 10.0, 'o200k_base')
    """
    at = CATALOGUE_TIMESTAMP if at is None else at
    rows = []
    for provider in _PROVIDERS:
        for model in provider.models:
            price = model.get_prices(at)
            if not isinstance(price.input_mtok, (Decimal, TieredPrices)) or not isinstance(
                price.output_mtok, (Decimal, TieredPrices)
            ):
                continue
            name = (model.name or model.id).strip()
            tokenizer = catalogue_tokenizer(provider.id, model.id, model.name)
            rows.append(
                {
                    "provider_id": provider.id,
                    "provider": provider.name,
                    "model_id": model.id,
                    "model": name,
                    "context_window_tokens": None if model.context_window is None else int(model.context_window),
                    "deprecated": bool(model.deprecated),
                    **_text_prices(price),
                    "other_charges": sorted(_price_keys(price) - _TEXT_PRICE_KEYS),
                    "conditional": isinstance(model.prices, list),
                    "price_note": _price_note(model, at),
                    "price_schedule": _price_schedule(model, at),
                    "tokenizer": tokenizer,
                    "tokenizer_exact": tokenizer_info(tokenizer).exact,
                }
            )
    rows.sort(key=lambda row: (row["provider"].lower(), row["provider_id"], row["model"].lower(), row["model_id"]))
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Cost


def tier_price(base: float, tiers: list, input_tokens: int) -> float:
    """The price per 1M tokens that applies to a prompt of ``input_tokens``: genai-prices' "cliff" rule.

    The price of the highest tier whose start is strictly below ``input_tokens``, else ``base``; crossing a tier
    prices every token of that kind at the tier price. ``tiers`` are ``[start_tokens, usd_per_mtok]`` pairs, sorted.

    Example: tier_price(1.25, [[200_000, 2.5]], 200_000) -> 1.25;  tier_price(1.25, [[200_000, 2.5]], 200_001) -> 2.5
    """
    price = base
    for start_tokens, usd_per_mtok in tiers:
        if input_tokens > start_tokens:
            price = usd_per_mtok
    return price


def applied_tier(row: dict, *, input_tokens: int) -> int | None:
    """The start of the input tier a prompt of ``input_tokens`` is billed at; None means the base price.

    Example: a row with input_tiers [[200_000, 2.5]] -> applied_tier(row, input_tokens=250_000) -> 200000;
             applied_tier(row, input_tokens=3_000) -> None
    """
    _check_count("input_tokens", input_tokens)
    applied = None
    for start_tokens, _usd_per_mtok in row["input_tiers"]:
        if input_tokens > start_tokens:
            applied = start_tokens
    return applied


def catalogue_cost_usd(row: dict, *, input_tokens: int, output_tokens: int) -> float | None:
    """Cost of one request in US dollars at a catalogue row's prices, as genai-prices computes it.

    Both the input and the output price follow the input tier (``tier_price`` on ``input_tokens``); the per-request
    fee is added once. Computed as ``(input_tokens * input_price + output_tokens * output_price) / 1_000_000 +
    request_usd``, in this order, so a JavaScript port gives the same float.

    Example: 3_000 in + 1_000 out at 1.25 / 10 USD per 1M tokens, tiers 2.5 / 15 above 200K, no fee
             -> (3_000 * 1.25 + 1_000 * 10) / 1_000_000 = 0.01375;  250_000 in + 1_000 out -> 0.64
    """
    _check_count("input_tokens", input_tokens)
    _check_count("output_tokens", output_tokens)
    if row["input_usd_per_mtok"] is None or row["output_usd_per_mtok"] is None:
        return None  # a row resolved on a day without a text price (catalogue_row_on): no cost, never 0
    input_usd_per_mtok = tier_price(row["input_usd_per_mtok"], row["input_tiers"], input_tokens)
    output_usd_per_mtok = tier_price(row["output_usd_per_mtok"], row["output_tiers"], input_tokens)
    return (input_tokens * input_usd_per_mtok + output_tokens * output_usd_per_mtok) / MTOK + row["request_usd"]


def catalogue_summary(rows: list[dict]) -> dict[str, int]:
    """Counts for the prose: rows, providers, rows with prompt-length tiers, rows with an exact tokenizer.

    Example: catalogue_summary([{"provider_id": "a", "input_tiers": [], "output_tiers": [], "cached_input_tiers": [],
             "tokenizer_exact": True}]) -> {'rows': 1, 'providers': 1, 'rows_with_tiers': 0, 'rows_exact_tokenizer': 1}
    """
    return {
        "rows": len(rows),
        "providers": len({row["provider_id"] for row in rows}),
        "rows_with_tiers": sum(
            1 for row in rows if row["input_tiers"] or row["output_tiers"] or row["cached_input_tiers"]
        ),
        "rows_exact_tokenizer": sum(1 for row in rows if row["tokenizer_exact"]),
    }
