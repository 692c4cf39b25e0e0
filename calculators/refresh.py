"""Refresh the dataset from a live (or packaged) source: ``python -m calculators refresh --source SOURCE``.

Sources:

- ``genai-prices``: Pydantic's genai-prices price data. By default the data packaged in the installed PyPI
  package (offline); with ``--base-url`` its published JSON feed, ``{base}/data.json``.
- ``openrouter``: OpenRouter's public model list, ``GET {base}/models`` (no key).
- ``artificialanalysis``: Artificial Analysis' data API, ``GET {base}/data/llms/models`` with the key from the
  environment variable ``ARTIFICIAL_ANALYSIS_API_KEY`` in the ``x-api-key`` header.

Only the models of ``followed_models()`` (the models a reader would compare now, read from
``data/followed_models.csv`` by ``calculators.followed``) are kept; the models a source lists that the catalogue
does not follow are reported (``unfollowed_*``), so a reviewer can decide to add rows. Every figure carries its
source address and as-of date. A refresh writes the snapshot named by its as-of date (the refresh date): the figures
of the refreshed source are replaced, the figures other sources gave to the previous refreshed snapshot are carried
over unchanged (with their own as-of dates). The new folder is written to a temporary place, validated with
``calculators.data``'s loader, and only then renamed into ``data/snapshots/``; on any failure the data files stay
byte-for-byte as they were. ``latest`` resolves to the snapshot with the newest as-of date.

The pure parts (``normalise_*``, ``merge``, ``diff``) have no I/O and are tested on recorded responses.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import math
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from . import data as _data
from .apikeys import contains_secret, key_in_url
from .cliargs import json_text
from .data import MODEL_COLUMNS, SNAPSHOT_FIGURE_COLUMNS, DataError
from .followed import SOURCES, CatalogModel, load_followed_models
from .http import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_S,
    FetchError,
    get,
    one_line,
    parse_json,
    redact,
    retries_arg,
    timeout_arg,
    url_arg,
)
from .locking import write_lock

DEFAULT_BASE_URLS = {
    "openrouter": "https://openrouter.ai/api/v1",
    "artificialanalysis": "https://artificialanalysis.ai/api/v2",
    # Used only with --base-url-less `--feed`; the default genai-prices source is the packaged data.
    "genai-prices": "https://raw.githubusercontent.com/pydantic/genai-prices/refs/heads/main/prices/new_data/v2",
}
AA_KEY_ENV = "ARTIFICIAL_ANALYSIS_API_KEY"
AA_ATTRIBUTION = "Data: Artificial Analysis (artificialanalysis.ai)"

# A figure belongs to the source whose label its `source` column starts with.
SOURCE_LABELS = {
    "genai-prices": "genai-prices",
    "openrouter": "OpenRouter",
    "artificialanalysis": "Artificial Analysis",
}
PRICE_METRICS = ("input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok")
MAX_LOST_FRACTION = 0.5
MAX_USD_PER_MTOK = Decimal(_data.MAX_USD_PER_MTOK)
PRICE_QUANTUM = Decimal("1e-12")  # prices are written to 12 decimals of a dollar per 1M tokens
KEY_IN_ANSWER = "the source's answer contains the API key; nothing was written"
KEY_IN_URL_ADVICE = (
    f"give the address without it; a key goes in an environment variable ({AA_KEY_ENV} for refresh, the one "
    "bench --api-key-env names for bench)"
)


class RefreshError(Exception):
    """A refresh failed; ``str(error)`` is one line. The data files were not touched."""


# ---------------------------------------------------------------------------------------------------------
# The catalogue: which models a reader compares now, and what each source calls them.


# genai-prices provider id -> the provider name the dataset uses (as in the 2024-05 snapshot).
GENAI_PROVIDERS = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "groq": "Groq",
    "together": "Together.ai",
    "fireworks": "Fireworks",
    "aws": "Amazon Bedrock",
    "azure": "Microsoft Azure",
    "mistral": "Mistral",
    "meta": "Meta",
    "deepseek": "DeepSeek",
    "x-ai": "xAI",
    "cerebras": "Cerebras",
}


# The models the course follows: data/followed_models.csv (see data/README.md). Adding a model is a data change.
@functools.cache
def followed_models() -> tuple[CatalogModel, ...]:
    """The models the course follows (``data/followed_models.csv``), read on first use: a bad file fails the
    refresh with file, row and column, and never stops the other commands."""
    return load_followed_models(genai_providers=GENAI_PROVIDERS)


def _provider_name(provider_id: str, creator: str) -> str:
    if provider_id == "google" and creator != "Google":
        return "Google Vertex AI"
    return GENAI_PROVIDERS[provider_id]


# ---------------------------------------------------------------------------------------------------------
# Figures and results


@dataclass(frozen=True)
class Figure:
    """One row of figures.csv (every value as the text written to the file)."""

    model: str
    provider: str
    metric: str
    value: str
    as_of: str
    confidence: str
    source: str
    note: str = ""
    above_input_tokens: str = ""  # a prompt-length tier: this price applies above this many input tokens
    condition: str = ""  # "batch" or "utc HH:MM-HH:MM"; "" is the ordinary price
    starts_on: str = ""  # a scheduled price: the day (YYYY-MM-DD) it takes effect; "" is the price before any change
    effort: str = ""  # the reasoning effort a model-level figure was measured at; "" for none

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(getattr(self, c) for c in FIGURE_KEY)

    def row(self) -> dict[str, str]:
        return {c: getattr(self, c) for c in SNAPSHOT_FIGURE_COLUMNS}


# A figure is one (model, provider, metric) price or number; a price may also have tiers and conditions.
FIGURE_KEY = ("model", "provider", "metric", "above_input_tokens", "condition", "starts_on", "effort")


def row_key(row: dict[str, str]) -> tuple[str, ...]:
    """The key of a figures.csv row (files without the tier and condition columns read as ordinary prices)."""
    return tuple(row.get(c) or "" for c in FIGURE_KEY)


@dataclass
class SourceResult:
    """What one source gave, normalised: figures of catalogue models, and how it was read.

    ``unfollowed``: the models the source listed that the catalogue does not follow (``unfollowed_*``), each as
    ``"id (YYYY-MM-DD)"`` where the source dates it, in the order ``UNFOLLOWED_ORDER`` gives for the source.
    """

    source: str
    address: str
    figures: list[Figure]
    attribution: str | None = None
    models_seen: int = 0
    unfollowed: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)  # followed models the source gave no figure for


def number_text(value: Decimal | float | int) -> str:
    """A number as the dataset writes it: no exponent, no trailing zeros.

    Example: number_text(Decimal("2.50")) -> '2.5';  number_text(Decimal("0.0000025") * 10**6) -> '2.5'
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(d.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _schema(message: str) -> RefreshError:
    return RefreshError(f"schema violation: {message}")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _short(text: object, limit: int = 40) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def price_text(value: Decimal, where: str) -> str:
    """A price in USD per 1M tokens as the dataset writes it (12 decimals at most); a price that is not finite,
    negative or above the dataset's maximum is a schema violation.

    Example: price_text(Decimal("2.50"), "x") -> '2.5';  price_text(Decimal("1e200"), "x") raises RefreshError
    """
    if not value.is_finite():
        raise _schema(f"{where} is {_short(value)!r}, not a finite number")
    if value < 0:
        raise _schema(f"{where} is negative ({_short(value)})")
    if value > MAX_USD_PER_MTOK:
        raise _schema(f"{where} is {_short(value)}, above {MAX_USD_PER_MTOK:,} USD per 1M tokens")
    return number_text(value.quantize(PRICE_QUANTUM))


def _count(value: object, where: str, *, maximum: int = _data.MAX_CONTEXT_TOKENS) -> int:
    """A whole number of tokens from a source, between 1 and ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise _schema(f"{where} is {_short(value)!r}, not a number of tokens from 1 to {maximum:,}")
    return value


# ---------------------------------------------------------------------------------------------------------
# genai-prices


_CHECKED = re.compile(r"(?:verified|checked)\b[^.;]*?(\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def _checked_date(texts: Iterable[str | None], as_of: str) -> str | None:
    dates = [d for t in texts if t for d in _CHECKED.findall(t) if d <= as_of]
    return max(dates) if dates else None


def _price_value(value) -> tuple[Decimal | None, list[tuple[int, Decimal]]]:
    """Base price and its prompt-length tiers ``[(above_input_tokens, price)]``, from a genai-prices price (a
    Decimal or TieredPrices). genai-prices bills a tier the way the providers publish it: once a request's input
    tokens exceed the tier's start, the whole request pays the tier's price (``genai_prices.types.TieredPrices``).
    """
    if value is None:
        return None, []
    tiers = getattr(value, "tiers", None)
    if tiers is None:
        return Decimal(value), []
    return Decimal(value.base), [(int(t.start), Decimal(t.price)) for t in sorted(tiers, key=lambda t: t.start)]


def _conditional_prices(model, at: dt.datetime) -> list[tuple[str, object]]:
    """``[(condition, prices)]``: the model's time-of-day prices (``utc HH:MM-HH:MM``, resolved at the window's
    start on ``at``'s day) and its batch prices (``batch``, genai-prices' ``processing: batch`` variant in force at
    ``at``). Windows whose prices equal the ordinary ones are left out."""
    out = []
    ordinary = model.get_prices(at)
    for cp in model.prices if isinstance(model.prices, list) else []:
        start, end = getattr(cp.constraint, "start_time", None), getattr(cp.constraint, "end_time", None)
        if start is None or end is None:
            continue
        start_utc = dt.datetime.combine(at.date(), start).astimezone(dt.UTC)
        end_utc = dt.datetime.combine(at.date(), end).astimezone(dt.UTC)
        prices = model.get_prices(start_utc)
        if prices != ordinary:
            out.append((f"utc {start_utc:%H:%M}-{end_utc:%H:%M}", prices))
    batch = {"processing": "batch"}
    if any(v.when == batch and (v.constraint is None or v.constraint.active(at)) for v in model.price_variants or []):
        out.append(("batch", model.get_prices(at, price_context=batch)))
    return out


def _start_dates(model) -> list[dt.date]:
    """Every day genai-prices says one of the model's prices (ordinary or batch) starts, oldest first."""
    constraints = [cp.constraint for cp in model.prices] if isinstance(model.prices, list) else []
    constraints += [v.constraint for v in model.price_variants or []]
    return sorted({c.start_date for c in constraints if getattr(c, "start_date", None) is not None})


def _price_schedule_note(model, at: dt.datetime) -> str:
    prices = model.prices
    notes = []
    starts = [d for d in _start_dates(model) if d > at.date()]
    if starts:
        days = ", ".join(d.isoformat() for d in starts)
        notes.append(f"the source schedules a price change on {days} (rows with starts_on)")
    if isinstance(prices, list) and any(getattr(cp.constraint, "start_time", None) is not None for cp in prices):
        notes.append("prices vary with the time of day: this is the 12:00 UTC price, the others have a condition")
    return "; ".join(notes)


def _price_groups(model, at: dt.datetime, *, fallback: bool, where: str) -> dict[tuple[str, str], list[tuple]]:
    """The prices in force at ``at``: ``{(metric, condition): [(above_input_tokens, text), ...]}``, the ordinary
    price (condition "") with its tiers, then the time-of-day and batch prices (``_conditional_prices``)."""
    try:
        prices = model.get_prices(at)
    except Exception as e:  # a price the library cannot resolve is a schema problem of the data
        raise _schema(f"genai-prices cannot resolve {where}: {e}") from None
    conditional = _conditional_prices(model, at)
    if fallback:  # genai-prices does not carry another provider's batch prices over (ModelInfo.calc_price)
        conditional = [(c, p) for c, p in conditional if c != "batch"]
    groups: dict[tuple[str, str], list[tuple]] = {}
    ordinary = set()
    for condition, resolved in [("", prices), *conditional]:
        for metric, attr in (
            ("input_usd_per_mtok", "input_mtok"),
            ("output_usd_per_mtok", "output_mtok"),
            ("cached_input_usd_per_mtok", "cache_read_mtok"),
        ):
            value, tiers = _price_value(getattr(resolved, attr, None))
            if value is None or (condition and metric not in ordinary):
                continue  # a condition's price needs the ordinary price beside it
            ordinary.add(metric)
            groups[(metric, condition)] = [
                (above, price_text(price, f"{where} {attr}")) for above, price in [(0, value), *tiers]
            ]
    return groups


def _price_epochs(model, at: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """``[(starts_on, instant)]``: the instants (12:00 UTC) to resolve the model's prices at. Without a scheduled
    price, ``[("", at)]``; with one, the day before the first start ("": the price before any change) and each
    start day (its ``starts_on``)."""
    days = _start_dates(model)
    if not days:
        return [("", at)]
    noon = dt.time(12, 0, tzinfo=dt.UTC)
    first = dt.datetime.combine(days[0] - dt.timedelta(days=1), noon)
    return [("", first)] + [(d.isoformat(), dt.datetime.combine(d, noon)) for d in days]


def normalise_genai(providers: list, *, as_of: str, source_prefix: str) -> list[Figure]:
    """Figures for the catalogue's models from genai-prices ``Provider`` objects (packaged or from the feed).

    Prices in force at 12:00 UTC on ``as_of`` (the ordinary price), each prompt-length tier as a figure with
    ``above_input_tokens``, and the time-of-day and batch prices as figures with a ``condition``
    (``_conditional_prices``); a price genai-prices takes from another provider (Azure selling OpenAI's models at
    OpenAI's list price, its ``fallback_model_providers``) is marked ``estimate``.
    """
    at = dt.datetime.fromisoformat(as_of).replace(hour=12, tzinfo=dt.UTC)
    by_id = {p.id: p for p in providers}
    figures: list[Figure] = []
    for cat in followed_models():
        for provider_id, model_id in cat.genai:
            provider = by_id.get(provider_id)
            if provider is None:
                continue
            model = next((m for m in provider.models if m.id == model_id), None)
            fallback = False
            if model is None and provider.fallback_model_providers:
                model = provider.find_model(model_id, all_providers=providers)
                fallback = model is not None
            if model is None:
                continue
            where = f"{provider_id}/{model_id}"
            pricing_url = (provider.pricing_urls or [""])[0]
            source = f"{source_prefix}, provider {provider_id!r}, model {model.id!r}" + (
                f"; {pricing_url}" if pricing_url else ""
            )
            checked = _checked_date([model.price_comments, provider.price_comments], as_of)
            base_notes = []
            if checked:
                base_notes.append(f"latest check date in genai-prices' comments: {checked}")
            if fallback:
                base_notes.append(f"genai-prices gives {provider.name} the list price of {cat.creator}'s own API")
            if provider_id == "aws" and model_id.startswith("global."):
                base_notes.append("global cross-region inference; regional endpoints cost more")
            schedule = _price_schedule_note(model, at)
            if schedule:
                base_notes.append(schedule)
            confidence = "estimate" if fallback else "secondary"
            provider_name = _provider_name(provider_id, cat.creator)
            before: dict[tuple[str, str], list[tuple]] = {}
            for starts_on, instant in _price_epochs(model, at):
                groups = _price_groups(model, instant, fallback=fallback, where=where)
                for (metric, condition), prices in groups.items():
                    if starts_on and before.get((metric, condition)) == prices:
                        continue  # the same price as before this day: nothing changes
                    for above, text in prices:
                        figures.append(
                            Figure(
                                cat.name,
                                provider_name,
                                metric,
                                text,
                                as_of,
                                confidence,
                                source,
                                "; ".join(base_notes),
                                above_input_tokens=str(above) if above else "",
                                condition=condition,
                                starts_on=starts_on,
                            )
                        )
                before = groups
            if model.context_window:
                context = _count(model.context_window, f"{provider_id}/{model_id} context_window")
                figures.append(
                    Figure(
                        cat.name,
                        provider_name,
                        "context_window_tokens",
                        str(context),
                        as_of,
                        confidence,
                        source,
                        "",
                    )
                )
    return figures


def _genai_version() -> str:
    from importlib.metadata import version

    return version("genai-prices")


def fetch_genai_prices(base_url: str | None, **http) -> SourceResult:
    if base_url is None:
        from genai_prices.data import providers

        address = f"genai-prices {_genai_version()} (PyPI package data)"
        seen = sum(len(p.models) for p in providers)
        return SourceResult("genai-prices", address, [], models_seen=seen), list(providers)
    from genai_prices.types import _providers_from_raw  # the parser genai-prices uses for its own feed

    url = base_url.rstrip("/") + "/data.json"
    doc = parse_json(get(url, **http).body, what=f"genai-prices feed {url}")
    if not isinstance(doc, list):
        raise _schema(f"genai-prices feed {url} is not a list of providers")
    if not doc:
        raise RefreshError(f"genai-prices feed {url} is an empty list")
    try:
        providers = _providers_from_raw(doc)
    except Exception as e:
        errors = getattr(e, "errors", None)
        if callable(errors):
            first = e.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise _schema(f"genai-prices feed {url}: {where}: {first.get('msg')}") from None
        raise _schema(f"genai-prices feed {url}: {one_line(str(e))}") from None
    return SourceResult("genai-prices", f"genai-prices feed {url}", [], models_seen=len(doc)), providers


# ---------------------------------------------------------------------------------------------------------
# OpenRouter


def _decimal(text, where: str) -> Decimal | None:
    """A number from a source's JSON (a string or a number), or None if absent; not a number is a schema error."""
    if text is None or text == "":
        return None
    if not isinstance(text, str | int | float) or isinstance(text, bool):
        raise _schema(f"{where} is a JSON {type(text).__name__}, not a number")
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise _schema(f"{where} is {_short(text)!r}, not a number") from None
    if not value.is_finite():
        raise _schema(f"{where} is {_short(text)!r}, not a finite number")
    return value


def _per_token_to_per_mtok(text, where: str) -> Decimal | None:
    value = _decimal(text, where)
    if value is None:
        return None
    if value.copy_abs() > MAX_USD_PER_MTOK / 1_000_000:  # checked before scaling: 1e999999999 would overflow
        what = "negative" if value < 0 else f"above {MAX_USD_PER_MTOK:,} USD per 1M tokens"
        raise _schema(f"{where} is {_short(text)!r} USD per token, {what}")
    return (value * 1_000_000).quantize(PRICE_QUANTUM)


def normalise_openrouter(doc: object, *, url: str, as_of: str) -> list[Figure]:
    """Figures for the catalogue's models from OpenRouter's ``GET /models`` answer (``{"data": [...]}``).

    Per-token prices become USD per 1M tokens; ``context_length`` the context window; the tokenizer family
    goes in the note.
    """
    if not isinstance(doc, dict) or "data" not in doc:
        raise _schema(f"OpenRouter {url}: expected an object with a 'data' list")
    items = doc["data"]
    if not isinstance(items, list):
        raise _schema(f"OpenRouter {url}: 'data' is not a list")
    if not items:
        raise RefreshError(f"OpenRouter {url}: the model list is empty")
    by_id: dict[str, dict] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise _schema(f"OpenRouter {url}: data[{i}] has no text 'id'")
        pricing = item.get("pricing")
        if not isinstance(pricing, dict) or "prompt" not in pricing or "completion" not in pricing:
            raise _schema(f"OpenRouter {url}: data[{i}] ({item['id']}) has no pricing.prompt/completion")
        for k in ("prompt", "completion", "input_cache_read"):
            _decimal(pricing.get(k), f"data[{i}].pricing.{k}")  # bounds are checked for the followed models only
        by_id[item["id"]] = item
    figures = []
    for cat in followed_models():
        item = by_id.get(cat.openrouter or "")
        if item is None:
            continue
        source = f"OpenRouter {url} (model {item['id']!r})"
        architecture = item.get("architecture") or {}
        if not isinstance(architecture, dict):
            raise _schema(f"OpenRouter {url}: {item['id']} architecture is a JSON {type(architecture).__name__}")
        tokenizer = architecture.get("tokenizer")
        if tokenizer is not None and not isinstance(tokenizer, str):
            raise _schema(f"OpenRouter {url}: {item['id']} architecture.tokenizer is not text")
        note = f"OpenRouter tokenizer family: {one_line(tokenizer, 80)}" if tokenizer else ""
        for metric, key in (
            ("input_usd_per_mtok", "prompt"),
            ("output_usd_per_mtok", "completion"),
            ("cached_input_usd_per_mtok", "input_cache_read"),
        ):
            value = _per_token_to_per_mtok(item["pricing"].get(key), f"{item['id']} pricing.{key}")
            if value is None:
                continue
            if value < 0:
                raise _schema(f"OpenRouter {url}: {item['id']} pricing.{key} is negative (variable price)")
            figures.append(Figure(cat.name, "OpenRouter", metric, number_text(value), as_of, "secondary", source, note))
        context = item.get("context_length")
        if context is not None:
            context = _count(context, f"OpenRouter {url}: {item['id']} context_length")
            figures.append(
                Figure(cat.name, "OpenRouter", "context_window_tokens", str(context), as_of, "secondary", source, note)
            )
    return figures


# ---------------------------------------------------------------------------------------------------------
# Artificial Analysis


def _aa_number(item: dict, path: tuple[str, ...], where: str) -> float | None:
    value = item
    for p in path:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _schema(f"{where}: {'.'.join(path)} is not an object")
        value = value.get(p)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _schema(f"{where}: {'.'.join(path)} is {_short(value)!r}, not a number")
    try:
        number = float(value)
    except OverflowError:
        raise _schema(f"{where}: {'.'.join(path)} is too large a number") from None
    if not math.isfinite(number):
        raise _schema(f"{where}: {'.'.join(path)} is {number}, not a finite number")
    return round(number, 6)


# Where each figure sits in an item: the data API (top level, or under "performance" in API v2), then the
# leaderboard page's payload ("speed"). The first path with a value wins; the formats agree on everything else.
AA_FIELDS = {
    "model_output_tokens_per_s": (
        ("median_output_tokens_per_second",),
        ("performance", "median_output_tokens_per_second"),
        ("speed", "output_tokens_per_second"),
    ),
    "model_ttft_s": (
        ("median_time_to_first_token_seconds",),
        ("performance", "median_time_to_first_token_seconds"),
        ("speed", "time_to_first_token_seconds"),
    ),
    "model_ttfat_s": (
        ("median_time_to_first_answer_token_seconds",),
        ("performance", "median_time_to_first_answer_token_seconds"),
        ("speed", "time_to_first_answer_token_seconds"),
    ),
    "intelligence_index": (("evaluations", "artificial_analysis_intelligence_index"),),
}
AA_TOKEN_COUNTS = ("breakdowns", "intelligence_index_token_counts")
AA_MEDIAN_NOTE = "the model's median across providers (Artificial Analysis does not say which provider served it)"


def aa_items(doc: object, where: str) -> list[dict]:
    """The model variants of an Artificial Analysis answer or saved payload: ``{"data": [...]}`` (the data API)
    or ``{"models": [...]}`` (the collected API v2 and page payloads), each with a text ``slug`` and ``name``."""
    items = doc.get("data", doc.get("models")) if isinstance(doc, dict) else None
    if items is None:
        raise _schema(f"{where}: expected an object with a 'data' (or 'models') list")
    if not isinstance(items, list):
        raise _schema(f"{where}: the model list is not a list")
    if not items:
        raise RefreshError(f"{where}: the model list is empty")
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("slug"), str) or not isinstance(item.get("name"), str):
            raise _schema(f"{where}: item {i} has no text 'slug' and 'name'")
    return items


def _aa_first(item: dict, paths: tuple[tuple[str, ...], ...], where: str) -> float | None:
    for path in paths:
        value = _aa_number(item, path, where)
        if value is not None:
            return value
    return None


def _aa_ratio(item: dict, where: str) -> tuple[float, str] | None:
    """Reasoning tokens per answer token in AA's Intelligence Index run, and a note with the two counts."""
    counts = item
    for p in AA_TOKEN_COUNTS:
        counts = counts.get(p) if isinstance(counts, dict) else None
    if counts is None:
        return None
    if not isinstance(counts, dict):
        raise _schema(f"{where}: {'.'.join(AA_TOKEN_COUNTS)} is not an object")
    answer = _aa_number(counts, ("answerTokens",), where)
    reasoning = _aa_number(counts, ("reasoningTokens",), where)
    if not answer or reasoning is None or answer < 0 or reasoning < 0:
        return None
    note = f"{int(reasoning):,} reasoning tokens for {int(answer):,} answer tokens in AA's Intelligence Index run"
    return reasoning / answer, note


def normalise_artificialanalysis(
    doc: object, *, url: str, as_of: str, source: str | None = None, confidence: str = "primary"
) -> list[Figure]:
    """Model-level figures of the followed models from an Artificial Analysis answer or saved payload.

    For each variant of ``followed_models()`` (slug and reasoning effort, mapped explicitly in
    ``data/followed_models.csv``): output speed, time to first token, time to first answer token, the
    Intelligence Index (2026; ``intelligence_index``, not the 2024 ``quality_index``) and, where the payload has
    AA's token counts, reasoning tokens per answer token. A zero or missing speed means "not measured" and is left
    out. Every figure is the model's median across providers, dated ``as_of``; ``source`` (default: the address)
    says where it came from.
    """
    where = f"Artificial Analysis {url}"
    by_slug = {item["slug"]: item for item in aa_items(doc, where)}
    source = source or f"{where}; {AA_ATTRIBUTION}"
    figures = []
    for cat in followed_models():
        blended_done = False
        for slug, effort in cat.aa_variants():
            item = by_slug.get(slug)
            if item is None:
                continue
            here = f"{where} (model {slug!r})"
            if len(item["name"]) > 1_000:  # a name goes whole into the notes (a cut could hide part of a secret)
                raise _schema(f"{here}: a name of {len(item['name'])} characters")
            note = f"AA: {item['name']}; {AA_MEDIAN_NOTE}"
            values: list[tuple[str, float, str]] = []
            for metric, paths in AA_FIELDS.items():
                value = _aa_first(item, paths, here)
                if value is None or (metric == "model_output_tokens_per_s" and value <= 0):
                    continue
                values.append((metric, value, note))
            ratio = _aa_ratio(item, here)
            if ratio is not None:
                values.append(("reasoning_tokens_per_answer_token", round(ratio[0], 6), f"{ratio[1]}; {note}"))
            for metric, value, text in values:
                figures.append(
                    Figure(cat.name, "", metric, number_text(value), as_of, confidence, source, text, effort=effort)
                )
            blended = _aa_number(item, ("pricing", "price_1m_blended_3_to_1"), here)
            if blended is not None and blended >= 0 and not blended_done:  # one price for every effort
                blended_done = True
                figures.append(
                    Figure(cat.name, "", "aa_blended_usd_per_mtok", number_text(blended), as_of, confidence, source)
                )
    return figures


def aa_payload_result(paths: list[Path]) -> SourceResult:
    """The figures of saved Artificial Analysis payloads (``data/sources/artificialanalysis/``), each checked
    against the sha256 in that folder's ``payloads.json`` and dated by its ``meta.fetched_at``.

    Where two payloads give the same figure (model, metric, effort), the newer one's is kept.
    """
    best: dict[tuple[str, ...], Figure] = {}
    seen: set[str] = set()
    addresses = []
    docs = []
    for path in paths:
        path = Path(path)
        where = f"Artificial Analysis payload {path.name}"
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise RefreshError(f"{where}: cannot be read ({e.strerror})") from None
        manifest = _aa_manifest(path)
        sha = hashlib.sha256(raw).hexdigest()
        if manifest["sha256"] != sha:
            raise RefreshError(f"{where}: sha256 {sha[:12]}… is not the {manifest['sha256'][:12]}… of payloads.json")
        doc = parse_json(raw, what=where)
        fetched = doc.get("meta", {}).get("fetched_at") if isinstance(doc, dict) else None
        if not isinstance(fetched, str) or not re.match(r"\d{4}-\d{2}-\d{2}T", fetched):
            raise _schema(f"{where}: no meta.fetched_at date")
        as_of = fetched[:10]
        source = (
            f"Artificial Analysis (artificialanalysis.ai), {manifest['origin']}, fetched {fetched[:19]}Z; copy: "
            f"{manifest['repository']}@{manifest['commit']} {manifest['path']} = "
            f"data/sources/artificialanalysis/{path.name} (sha256 {sha})"
        )
        figures = normalise_artificialanalysis(doc, url=path.name, as_of=as_of, source=source, confidence="secondary")
        for f in figures:
            old = best.get(f.key)
            if old is None or old.as_of < f.as_of:
                best[f.key] = f
        seen |= {f.model for f in figures if f.metric == "model_output_tokens_per_s"}
        addresses.append(f"{path.name} ({as_of})")
        docs.append((as_of, doc))
    result = SourceResult(
        "artificialanalysis",
        "Artificial Analysis payloads " + ", ".join(addresses),
        list(best.values()),
        attribution=AA_ATTRIBUTION,
    )
    result.unfollowed = unfollowed_artificialanalysis(max(docs, key=lambda d: d[0])[1])
    result.not_found = [c.name for c in followed_models() if c.name not in seen]
    return result


def _aa_manifest(path: Path) -> dict:
    """The entry of ``path`` in its folder's ``payloads.json`` (where it came from, its sha256)."""
    manifest_path = path.parent / "payloads.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entry = manifest["payloads"][path.name]
        for key in ("repository", "commit", "path", "origin", "sha256"):
            if not isinstance(entry.get(key), str):
                raise KeyError(key)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise RefreshError(
            f"{manifest_path}: no entry for {path.name} with its repository, commit, path, origin and sha256"
        ) from None
    return entry


# ---------------------------------------------------------------------------------------------------------
# Models a source lists that the catalogue does not follow (candidates to add to data/followed_models.csv)

UNFOLLOWED_ORDER = {
    "genai-prices": "by provider, then id: genai-prices gives no release dates",
    "openrouter": "newest first, by OpenRouter's 'created' date",
    "artificialanalysis": "newest first where Artificial Analysis gives a 'release_date', then the undated by slug",
}
UNFOLLOWED_SHOWN = 20


def _newest_first(entries: Iterable[tuple[str, float | None, str | None]]) -> list[str]:
    """``(id, when, date text)`` entries as ``"id (date text)"``, newest ``when`` first, the undated last, ties by id.

    Example: _newest_first([("a", None, None), ("b", 1.0, "1970-01-01"), ("c", 2.0, "1970-01-01")])
             -> ['c (1970-01-01)', 'b (1970-01-01)', 'a']
    """
    ordered = sorted(entries, key=lambda e: (e[1] is None, -(e[1] or 0), e[0]))
    return [f"{i} ({day})" if day else i for i, _, day in ordered]


def unfollowed_genai(providers: list) -> list[str]:
    """``provider/model`` for every model of genai-prices ``providers`` that no catalogue row names.

    Only the providers the catalogue uses for at least one model are listed (the others hold 2,000+ models of
    no interest here), by provider, then model id: genai-prices' ``ModelInfo`` has no release date, so there is
    no "newest first". Models genai-prices marks deprecated end in `` (deprecated)``.
    """
    followed = {pair for cat in followed_models() for pair in cat.genai}
    used = {provider_id for provider_id, _ in followed}
    out = []
    for provider in sorted(providers, key=lambda p: p.id):
        if provider.id not in used:
            continue
        for model in sorted(provider.models, key=lambda m: m.id):
            if (provider.id, model.id) not in followed:
                out.append(f"{provider.id}/{model.id}" + (" (deprecated)" if model.deprecated else ""))
    return out


def unfollowed_openrouter(doc: dict) -> list[str]:
    """Ids in OpenRouter's ``GET /models`` answer (already checked by ``normalise_openrouter``) that no catalogue
    model has, newest first by ``created`` (unix seconds, shown as its UTC date); items without it come last."""
    followed = {cat.openrouter for cat in followed_models() if cat.openrouter}
    entries = []
    for item in doc["data"]:
        if item["id"] in followed:
            continue
        created = item.get("created")
        if isinstance(created, bool) or not isinstance(created, int | float) or not 0 < created < 1e11:
            entries.append((item["id"], None, None))
            continue
        day = dt.datetime.fromtimestamp(created, dt.UTC).date().isoformat()
        entries.append((item["id"], float(created), day))
    return _newest_first(entries)


def _release_day(text: object) -> dt.date | None:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text):
        return None
    try:
        return dt.date.fromisoformat(text if len(text) == 10 else text + "-01")
    except ValueError:
        return None


def unfollowed_artificialanalysis(doc: dict) -> list[str]:
    """Slugs in Artificial Analysis' answer (already checked by ``normalise_artificialanalysis``) that the
    catalogue does not follow: neither one of its slugs nor, ignoring case and punctuation, one of its names.

    Newest first by ``release_date`` (``YYYY-MM-DD`` or ``YYYY-MM``) where an item has one; the others by slug.
    """
    slugs = {slug for cat in followed_models() for slug in cat.aa}
    names = {_norm(cat.name) for cat in followed_models()}
    entries = []
    for item in aa_items(doc, "Artificial Analysis"):
        if item["slug"] in slugs or _norm(item["name"]) in names:
            continue
        day = _release_day(item.get("release_date"))
        entries.append((item["slug"], float(day.toordinal()) if day else None, item["release_date"] if day else None))
    return _newest_first(entries)


# ---------------------------------------------------------------------------------------------------------
# Reading snapshots, merging, diffing


def read_rows(path: Path) -> tuple[dict, list[dict[str, str]], list[dict[str, str]]]:
    """A snapshot folder's metadata, models.csv rows and figures.csv rows, as text."""
    meta = json.loads((path / "snapshot.json").read_text(encoding="utf-8"))
    with (path / "models.csv").open(encoding="utf-8", newline="") as f:
        models = list(csv.DictReader(f))
    with (path / "figures.csv").open(encoding="utf-8", newline="") as f:
        figures = [{c: row.get(c) or "" for c in SNAPSHOT_FIGURE_COLUMNS} for row in csv.DictReader(f)]
    return meta, models, figures


def owner(source_text: str) -> str | None:
    """Which refresh source a figure's ``source`` column belongs to (None: not made by a refresh)."""
    for name, label in SOURCE_LABELS.items():
        if source_text.startswith(label):
            return name
    return None


def previous_refreshed(snapshot_dir: Path) -> Path | None:
    """The newest snapshot a refresh wrote (its snapshot.json has ``sources``), or None.

    Every snapshot.json is read with the dataset's checks (``calculators.data.read_meta``): a broken one raises
    ``DataError`` naming it, rather than being skipped (which would make an older snapshot the base).
    """
    best: tuple[str, str] | None = None
    if not snapshot_dir.is_dir():
        return None
    for p in snapshot_dir.iterdir():
        meta_path = p / "snapshot.json"
        if p.name.startswith(".") or not meta_path.is_file():
            continue
        meta = _data.read_meta(p)
        if isinstance(meta.get("sources"), dict):
            key = (meta["as_of"], p.name)
            if best is None or key > best:
                best = key
    return snapshot_dir / best[1] if best else None


@dataclass
class Diff:
    """Price changes of one source between the previous refreshed snapshot and the new one."""

    added: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    removed: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    changed: list[tuple[tuple[str, ...], str, str]] = field(default_factory=list)
    # prices the new snapshot schedules after its own date (starts_on later than its as-of)
    scheduled: list[tuple[tuple[str, ...], str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        def k(key):
            return dict(zip(FIGURE_KEY, key, strict=True))

        return {
            "added": [{**k(key), "value": v} for key, v in self.added],
            "removed": [{**k(key), "value": v} for key, v in self.removed],
            "changed": [{**k(key), "old": a, "new": b} for key, a, b in self.changed],
            "scheduled": [{**k(key), "value": v} for key, v in self.scheduled],
        }


def in_effect_rows(rows: Iterable[dict[str, str]], on: str) -> list[dict[str, str]]:
    """The figure rows in effect on the day ``on`` (``calculators.data.in_effect``), each with ``starts_on`` made
    "" so that the prices two snapshots charge on their own dates compare by (model, provider, metric, tier,
    condition)."""
    rows = list(rows)

    def group(r: dict[str, str]) -> tuple[str, ...]:  # a price and its tiers change together
        return tuple(r.get(c) or "" for c in FIGURE_KEY if c not in ("above_input_tokens", "starts_on"))

    chosen: dict[tuple[str, ...], str] = {}
    for r in rows:
        start = r.get("starts_on") or ""
        if start <= on and start >= chosen.get(group(r), ""):
            chosen[group(r)] = start
    return [{**r, "starts_on": ""} for r in rows if chosen.get(group(r)) == (r.get("starts_on") or "")]


def diff(old: Iterable[dict[str, str]], new: Iterable[dict[str, str]]) -> Diff:
    """Added, removed and changed prices between two lists of figure rows.

    Example: diff([{"model": "M", "provider": "P", "metric": "input_usd_per_mtok", "value": "2"}],
                  [{"model": "M", "provider": "P", "metric": "input_usd_per_mtok", "value": "1.5"}]).changed
             -> [(('M', 'P', 'input_usd_per_mtok', '', '', '', ''), '2', '1.5')]
    """

    def prices(rows):
        return {row_key(r): r["value"] for r in rows if r["metric"] in PRICE_METRICS}

    a, b = prices(old), prices(new)
    result = Diff()
    for key in sorted(b.keys() - a.keys()):
        result.added.append((key, b[key]))
    for key in sorted(a.keys() - b.keys()):
        result.removed.append((key, a[key]))
    for key in sorted(a.keys() & b.keys()):
        if Decimal(a[key] or "0") != Decimal(b[key] or "0") or (a[key] == "") != (b[key] == ""):
            result.changed.append((key, a[key], b[key]))
    return result


@dataclass
class Plan:
    """A snapshot ready to be written, and how it differs from the previous one."""

    snapshot_id: str
    meta: dict
    models: list[dict[str, str]]
    figures: list[dict[str, str]]
    base_id: str | None
    diff: Diff
    previous_rows: int
    new_rows: int
    carried_rows: int


def merge(
    result: SourceResult,
    *,
    snapshot_id: str,
    as_of: str,
    base: tuple[str, dict, list[dict[str, str]], list[dict[str, str]]] | None,
    max_lost_fraction: float = MAX_LOST_FRACTION,
) -> Plan:
    """The new snapshot: the base's figures from other sources, plus this source's figures.

    Raises ``RefreshError`` when the source gave nothing for the catalogue, or lost more than
    ``max_lost_fraction`` of the rows it gave to the base.
    """
    if not result.figures:
        raise RefreshError(f"{result.address}: no model of the catalogue in the response (an empty result)")
    new_rows = [f.row() for f in sorted(result.figures, key=lambda f: f.key)]
    keys = [row_key(r) for r in new_rows]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise _schema(f"{result.address} gave {dup} twice")
    base_id, base_meta, base_models, base_figures = base if base else (None, {}, [], [])
    previous = [r for r in base_figures if owner(r["source"]) == result.source]
    if previous and len(new_rows) < len(previous) * (1 - max_lost_fraction):
        raise RefreshError(
            f"{result.address}: the result has {len(new_rows)} rows, fewer than half of the {len(previous)} rows "
            f"this source gave to snapshot {base_id}; keeping the data as it is"
        )
    new_keys = set(keys)
    carried = [r for r in base_figures if owner(r["source"]) != result.source and row_key(r) not in new_keys]
    figures = sorted(carried + new_rows, key=row_key)
    used = {r["model"] for r in figures}
    catalog = {c.name: c for c in followed_models()}
    models_by_name = {r["model"]: r for r in base_models}
    models = []
    for name in sorted(used):
        if name in catalog:
            c = catalog[name]
            models.append({"model": c.name, "creator": c.creator, "tokenizer": c.tokenizer})
        else:
            models.append({c: models_by_name[name][c] for c in MODEL_COLUMNS})
    sources = dict(base_meta.get("sources") or {})
    sources[result.source] = {"address": result.address, "as_of": as_of, "figures": len(new_rows)}
    if result.attribution:
        sources[result.source]["attribution"] = result.attribution
    meta = {
        "id": snapshot_id,
        "as_of": as_of,
        "title": f"Atualização de {_date_pt(as_of)}",
        "description": (
            "Current prices (and, where a source gives them, speed and quality) of the models a reader compares "
            "now, written by `python -m calculators refresh` from: "
            + "; ".join(f"{k}: {v['address']} (as of {v['as_of']})" for k, v in sorted(sources.items()))
            + ". Prices are indicative. See data/README.md."
        ),
        "sources": sources,
    }
    changes = diff(in_effect_rows(previous, base_meta.get("as_of", as_of)), in_effect_rows(new_rows, as_of))
    changes.scheduled = [
        (row_key(r), r["value"]) for r in new_rows if r.get("starts_on", "") > as_of and r["metric"] in PRICE_METRICS
    ]
    if base_id == snapshot_id and "changes" in base_meta:  # a second refresh the same day keeps the first's
        meta["changes"] = base_meta["changes"]
    elif base_id and base_id != snapshot_id:
        meta["changes"] = {
            "compared_with": base_id,
            "added": [f"{_key_text(key)}: {v}" for key, v in changes.added],
            "removed": [f"{_key_text(key)}: {v}" for key, v in changes.removed],
            "changed": [f"{_key_text(key)}: {a} -> {b}" for key, a, b in changes.changed],
            "scheduled": [f"{_key_text(key)}: {v}" for key, v in changes.scheduled],
        }
    return Plan(
        snapshot_id,
        meta,
        models,
        figures,
        base_id,
        changes,
        len(previous),
        len(new_rows),
        len(carried),
    )


_MONTHS_PT = [
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
]


def _date_pt(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d.day} de {_MONTHS_PT[d.month - 1]} de {d.year}"


# ---------------------------------------------------------------------------------------------------------
# Writing


def _csv_text(rows: list[dict[str, str]], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _write_folder(plan: Plan, root: Path) -> Path:
    folder = root / plan.snapshot_id
    folder.mkdir()
    meta = json.dumps(plan.meta, indent=2, ensure_ascii=False) + "\n"
    (folder / "snapshot.json").write_text(meta, encoding="utf-8")
    (folder / "models.csv").write_text(_csv_text(plan.models, MODEL_COLUMNS), encoding="utf-8")
    (folder / "figures.csv").write_text(_csv_text(plan.figures, SNAPSHOT_FIGURE_COLUMNS), encoding="utf-8")
    return folder


def write_snapshot(plan: Plan, snapshot_dir: Path) -> Path:
    """Write ``plan`` to a temporary folder, validate it with the dataset's loader, then rename it into place.

    On any failure the temporary folder is removed and ``snapshot_dir`` is left exactly as it was.
    """
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    tmp_root = Path(tempfile.mkdtemp(prefix=".refresh-", dir=snapshot_dir.parent))
    try:
        folder = _write_folder(plan, tmp_root)
        validate_folder(folder)
        final = snapshot_dir / plan.snapshot_id
        old = tmp_root / (plan.snapshot_id + ".old")
        if final.exists():
            os.rename(final, old)
        try:
            os.rename(folder, final)
        except OSError:
            if old.exists():
                os.rename(old, final)
            raise
        return final
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)


def _load_folder(folder: Path) -> None:
    """Load ``folder`` with ``calculators.data.load_snapshot`` (schema, units, dates, cached <= input...)."""
    saved = _data.SNAPSHOT_DIR
    _data.SNAPSHOT_DIR = folder.parent
    try:
        _data.load_snapshot(folder.name)
    finally:
        _data.SNAPSHOT_DIR = saved


def validate_folder(folder: Path) -> None:
    """Check a snapshot folder a refresh made; ``RefreshError`` (schema violation) if it breaks a rule."""
    try:
        _load_folder(folder)
    except DataError as e:
        raise _schema(f"the result does not pass the dataset's checks: {e}") from None


def plan_refresh(result: SourceResult, snapshot_dir: Path, *, as_of: str) -> Plan:
    """The merge of ``result`` with the previous refreshed snapshot, which is first checked with the dataset's
    loader: a snapshot edited by hand into a bad state stops the refresh instead of being carried over."""
    try:
        base_path = previous_refreshed(snapshot_dir)
        base = None
        if base_path:
            _load_folder(base_path)
            base = (base_path.name, *read_rows(base_path))
    except DataError as e:
        raise RefreshError(
            f"the previous snapshot does not pass the dataset's checks (fix or remove it): {e}"
        ) from None
    return merge(result, snapshot_id=as_of, as_of=as_of, base=base)


def check_values(result: SourceResult) -> None:
    """Every figure of ``result`` within its metric's rules (a finite number within its bounds...), or a schema
    violation that names the source, the model and the metric."""
    for f in result.figures:
        try:
            _data.check_value(_data.METRICS[f.metric], f.value)
        except ValueError as e:
            raise _schema(f"{result.address}: {f.model} / {f.provider or '-'}: {e}") from None


def holds_key(result: SourceResult, secrets: Iterable[str | None]) -> bool:
    """Whether any text ``result`` would write or print (every field of every figure, the address, the
    attribution, the models not followed) holds a key, in any form ``calculators.apikeys`` knows."""
    texts = [result.address, result.attribution or "", *result.unfollowed]
    texts += [value for f in result.figures for value in f.row().values()]
    return any(contains_secret(text, secrets) for text in texts)


# ---------------------------------------------------------------------------------------------------------
# The whole refresh


@dataclass
class RefreshReport:
    source: str
    address: str
    snapshot_id: str
    path: Path | None
    plan: Plan
    attribution: str | None
    written: bool
    unfollowed: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "address": self.address,
            "snapshot": self.snapshot_id,
            "path": str(self.path) if self.path else None,
            "written": self.written,
            "compared_with": self.plan.base_id,
            "rows": self.plan.new_rows,
            "previous_rows": self.plan.previous_rows,
            "carried_rows": self.plan.carried_rows,
            "models": len(self.plan.models),
            "attribution": self.attribution,
            **self.plan.diff.as_dict(),
            "unfollowed": list(self.unfollowed),
            "unfollowed_order": UNFOLLOWED_ORDER[self.source],
            "not_found": list(self.not_found),
        }


def refresh(
    source: str,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    today: dt.date | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    retries: int = DEFAULT_RETRIES,
    dry_run: bool = False,
    on_retry: Callable[[str], None] | None = None,
    payloads: list[Path] | None = None,
) -> RefreshReport:
    """Fetch ``source``, normalise, merge with the previous refreshed snapshot, validate, and write it.

    Raises ``RefreshError`` (one line, no secrets) and leaves the data as it was on any failure.
    """
    if source not in SOURCES:
        raise RefreshError(f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
    if base_url:
        why = key_in_url(base_url, [api_key])
        if why:
            raise RefreshError(f"--base-url carries {why}: {KEY_IN_URL_ADVICE}")
    as_of = (today or dt.date.today()).isoformat()
    http = {"timeout_s": timeout_s, "retries": retries, "secrets": [api_key], "on_retry": on_retry}
    try:
        if source == "genai-prices":
            result, providers = fetch_genai_prices(base_url, **http)
            result.figures = normalise_genai(providers, as_of=as_of, source_prefix=result.address)
            result.unfollowed = unfollowed_genai(providers)
        elif source == "openrouter":
            url = (base_url or DEFAULT_BASE_URLS["openrouter"]).rstrip("/") + "/models"
            doc = parse_json(get(url, **http).body, what=f"OpenRouter {url}")
            result = SourceResult("openrouter", f"OpenRouter {url}", normalise_openrouter(doc, url=url, as_of=as_of))
            result.unfollowed = unfollowed_openrouter(doc)
        elif payloads:
            result = aa_payload_result(payloads)
        else:
            if not api_key:
                raise RefreshError(f"set the environment variable {AA_KEY_ENV} to your Artificial Analysis API key")
            url = (base_url or DEFAULT_BASE_URLS["artificialanalysis"]).rstrip("/") + "/data/llms/models"
            http["headers"] = {"x-api-key": api_key}
            doc = parse_json(get(url, **http).body, what=f"Artificial Analysis {url}")
            result = SourceResult(
                "artificialanalysis",
                f"Artificial Analysis {url}",
                normalise_artificialanalysis(doc, url=url, as_of=as_of),
                attribution=AA_ATTRIBUTION,
            )
            result.unfollowed = unfollowed_artificialanalysis(doc)
            timed = {f.model for f in result.figures if f.metric == "model_output_tokens_per_s"}
            result.not_found = [c.name for c in followed_models() if c.name not in timed]
        if payloads and source != "artificialanalysis":
            raise RefreshError(
                "--payload reads saved Artificial Analysis payloads: use it with --source artificialanalysis"
            )
        if holds_key(result, [api_key]):
            raise RefreshError(KEY_IN_ANSWER)
        check_values(result)
        snapshot_dir = _data.SNAPSHOT_DIR
        if dry_run:  # reads only: no lock, so a dry run leaves data/ exactly as it was
            plan = plan_refresh(result, snapshot_dir, as_of=as_of)
            scratch = Path(tempfile.mkdtemp(prefix="refresh-dry-"))
            try:
                validate_folder(_write_folder(plan, scratch))
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            path = None
        else:
            # One writer at a time, from reading the previous snapshot to renaming the new one into place.
            with write_lock(snapshot_dir.parent):
                plan = plan_refresh(result, snapshot_dir, as_of=as_of)
                path = write_snapshot(plan, snapshot_dir)
    except DataError as e:  # the write lock was not free in time
        raise RefreshError(redact(str(e), [api_key])) from None
    except FetchError as e:
        raise RefreshError(redact(str(e), [api_key])) from None
    except RefreshError as e:
        raise RefreshError(redact(str(e), [api_key])) from None
    except OSError as e:
        raise RefreshError(redact(f"cannot write the snapshot: {e}", [api_key])) from None
    return RefreshReport(
        source,
        result.address,
        plan.snapshot_id,
        path,
        plan,
        result.attribution,
        not dry_run,
        result.unfollowed,
        result.not_found,
    )


# ---------------------------------------------------------------------------------------------------------
# Command line (``python -m calculators refresh``: calculators.cli runs it)


def add_arguments(p) -> None:
    """The ``refresh`` command's description, arguments and handler, on its parser (``calculators.cli``)."""
    p.description = (
        "Fetch current figures for the catalogue's models, validate them and write the snapshot named by "
        "today's date (latest). On any failure the data stays as it was and the exit code is 1. "
        f"artificialanalysis reads its key from {AA_KEY_ENV}. genai-prices uses its packaged data unless "
        f"--base-url gives its feed folder (e.g. {DEFAULT_BASE_URLS['genai-prices']})."
    )
    p.add_argument("--source", required=True, choices=SOURCES)
    p.add_argument("--base-url", type=url_arg, help="the source's base URL (a mirror, or a local server in tests)")
    p.add_argument(
        "--timeout",
        type=timeout_arg,
        default=DEFAULT_TIMEOUT_S,
        help="seconds per request in all, retries and their waits included (default 20)",
    )
    p.add_argument(
        "--retries", type=retries_arg, default=DEFAULT_RETRIES, help="retries after a failed try (0-10, default 2)"
    )
    p.add_argument(
        "--payload",
        action="append",
        type=Path,
        metavar="FILE",
        help="artificialanalysis: read a saved payload instead of the API (repeatable; the newer figure wins), "
        "e.g. data/sources/artificialanalysis/2026-10-10-llms.json; no key, no network",
    )
    p.add_argument("--dry-run", action="store_true", help="fetch, check and show the diff, but write nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_refresh)


def _key_text(key: tuple[str, ...]) -> str:
    text = f"{key[0]} / {key[1] or '-'} / {key[2]}"
    above, condition, starts_on = (key[3:6] + ("", "", ""))[:3]
    if above:
        text += f" above {int(above):,} input tokens"
    if condition:
        text += f" ({condition})"
    if starts_on:
        text += f" from {starts_on}"
    return text


def cmd_refresh(args) -> int:
    api_key = os.environ.get(AA_KEY_ENV) if args.source == "artificialanalysis" and not args.payload else None

    def on_retry(message: str) -> None:
        print(f"retry: {redact(message, [api_key])}", file=sys.stderr)

    try:
        report = refresh(
            args.source,
            base_url=args.base_url,
            api_key=api_key,
            timeout_s=args.timeout,
            retries=args.retries,
            dry_run=args.dry_run,
            on_retry=on_retry,
            payloads=args.payload,
        )
    except RefreshError as e:
        print(f"error: refresh {args.source} failed, data unchanged: {redact(str(e), [api_key])}", file=sys.stderr)
        return 1
    if args.json:
        print(json_text(report.as_dict()))
        return 0
    plan, d = report.plan, report.plan.diff
    print(f"{report.address}: {plan.new_rows} figures for {len({r['model'] for r in plan.figures})} models")
    if report.attribution:
        print(report.attribution)
    against = f"snapshot {plan.base_id}" if plan.base_id else "nothing (first refresh)"
    print(f"prices compared with {against}: {len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed")
    for key, value in d.added:
        print(f"  + {_key_text(key)}: {value}")
    for key, value in d.removed:
        print(f"  - {_key_text(key)}: {value}")
    for key, a, b in d.changed:
        print(f"  ~ {_key_text(key)}: {a} -> {b}")
    if d.scheduled:
        print(f"scheduled after {plan.meta['as_of']}: {len(d.scheduled)} prices")
        for key, value in d.scheduled:
            print(f"  > {_key_text(key)}: {value}")
    if plan.carried_rows:
        print(f"kept {plan.carried_rows} figures from other sources")
    if report.unfollowed:
        n = len(report.unfollowed)
        print(f"not followed: {n} model{'' if n == 1 else 's'} ({UNFOLLOWED_ORDER[report.source]})")
        for entry in report.unfollowed[:UNFOLLOWED_SHOWN]:
            print(f"  * {entry}")
        if len(report.unfollowed) > UNFOLLOWED_SHOWN:
            print(f"  ... and {len(report.unfollowed) - UNFOLLOWED_SHOWN} more")
    if report.not_found:
        print(f"no speed for {len(report.not_found)} followed models (their times stay 'sem dado'):")
        for name in report.not_found:
            print(f"  ? {name}")
    if report.written:
        print(f"wrote {report.path} (snapshot {report.snapshot_id}, as of {plan.meta['as_of']})")
    else:
        print(f"dry run: snapshot {report.snapshot_id} checked, nothing written")
    return 0
