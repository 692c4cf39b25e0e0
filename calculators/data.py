"""The dataset: snapshots of figures, each with its source, as-of date and confidence.

A snapshot is a folder under ``data/snapshots/`` with three files:

- ``snapshot.json``: ``{"id", "as_of", "title", "description"}``;
- ``models.csv``: ``model, creator, tokenizer``;
- ``figures.csv``: one figure a row: ``model, provider, metric, value, as_of, confidence, source, note``, and
  optionally ``above_input_tokens, condition, starts_on``. An empty ``provider`` means a model-level figure
  (quality, MMLU, open weights...). A price may come in tiers and conditions: ``above_input_tokens`` N (the price
  of a request whose input tokens exceed N, the whole request at that price) and ``condition`` (``batch``, or a UTC
  time-of-day window ``utc HH:MM-HH:MM``). Every tier and condition needs the ordinary base price beside it. A
  price may be scheduled: ``starts_on`` (YYYY-MM-DD) is the day it takes effect, and the price before it (an
  earlier ``starts_on``, or none) ends the day before.

``load_snapshot`` validates everything and pivots the figures into one row per (model, provider): the ordinary
base prices in effect on the snapshot's date in the price columns, the tiers and conditional prices in effect then
in ``price_variants``, and every scheduled price in ``price_schedule``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import DataError
from .paths import SNAPSHOT_DIR
from .tokens import TOKENIZERS


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    kind: str  # "float", "int" or "bool"
    level: str  # "model", "provider" or "any"
    minimum: float | None
    maximum: float | None
    description: str


# Upper bounds: a larger figure is a typo or a unit slip (a price per token written as per 1M tokens...). A speed
# must be positive: a zero speed is "not measured" (leave the value empty) and would divide by zero in the latency.
MAX_USD_PER_MTOK = 10_000
MIN_TOKENS_PER_S = 0.01
MAX_TOKENS_PER_S = 100_000
MAX_TTFT_S = 3_600
MAX_CONTEXT_TOKENS = 10**8
MAX_ELO = 4_000
MAX_REASONING_RATIO = 1_000  # thinking tokens per answer token: the highest measured is about 21

# Reasoning effort: a request's setting for how long a reasoning model thinks before it answers ("none": no
# thinking). A figure that depends on it (speed, time to first answer token, index, thinking per answer token)
# names its effort in figures.csv's optional ``effort`` column.
EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
EFFORT_METRICS = (
    "model_output_tokens_per_s",
    "model_ttft_s",
    "model_ttfat_s",
    "intelligence_index",
    "reasoning_tokens_per_answer_token",
)

METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric(
            "input_usd_per_mtok",
            "USD per 1M tokens",
            "float",
            "provider",
            0,
            MAX_USD_PER_MTOK,
            "list price of input tokens",
        ),
        Metric(
            "output_usd_per_mtok",
            "USD per 1M tokens",
            "float",
            "provider",
            0,
            MAX_USD_PER_MTOK,
            "list price of output tokens",
        ),
        Metric(
            "cached_input_usd_per_mtok",
            "USD per 1M tokens",
            "float",
            "provider",
            0,
            MAX_USD_PER_MTOK,
            "price of input tokens read from the provider's prompt cache",
        ),
        Metric(
            "output_tokens_per_s",
            "tokens/s",
            "float",
            "provider",
            MIN_TOKENS_PER_S,
            MAX_TOKENS_PER_S,
            "median output speed on this provider",
        ),
        Metric("ttft_s", "s", "float", "provider", 0, MAX_TTFT_S, "median time to first token on this provider"),
        Metric("context_window_tokens", "tokens", "int", "any", 1, MAX_CONTEXT_TOKENS, "maximum tokens in one request"),
        Metric("quality_index", "index 0-100", "float", "model", 0, 100, "Artificial Analysis quality index"),
        Metric("mmlu_pct", "%", "float", "model", 0, 100, "MMLU score"),
        Metric("humaneval_pct", "%", "float", "model", 0, 100, "HumanEval pass@1"),
        Metric("mt_bench_score", "score 0-10", "float", "model", 0, 10, "MT-Bench score"),
        Metric("arena_elo", "Elo", "float", "model", 0, MAX_ELO, "LMSYS Chatbot Arena Elo"),
        Metric("open_weights", "", "bool", "model", None, None, "weights published for download"),
        Metric(
            "model_output_tokens_per_s",
            "tokens/s",
            "float",
            "model",
            MIN_TOKENS_PER_S,
            MAX_TOKENS_PER_S,
            "Artificial Analysis' model-level median output speed (across providers)",
        ),
        Metric(
            "model_ttft_s",
            "s",
            "float",
            "model",
            0,
            MAX_TTFT_S,
            "Artificial Analysis' model-level median time to the first token (visible thinking included)",
        ),
        Metric(
            "model_ttfat_s",
            "s",
            "float",
            "model",
            0,
            MAX_TTFT_S,
            "Artificial Analysis' model-level median time to the first answer token (thinking done)",
        ),
        Metric(
            "intelligence_index",
            "index 0-100",
            "float",
            "model",
            0,
            100,
            "Artificial Analysis Intelligence Index (2026; not the 2024 quality index)",
        ),
        Metric(
            "reasoning_tokens_per_answer_token",
            "tokens per answer token",
            "float",
            "model",
            0,
            MAX_REASONING_RATIO,
            "reasoning (thinking) tokens written per answer token, in Artificial Analysis' index run",
        ),
        Metric(
            "aa_blended_usd_per_mtok",
            "USD per 1M tokens",
            "float",
            "model",
            0,
            MAX_USD_PER_MTOK,
            "Artificial Analysis' model-level blended price (3 input : 1 output, median across providers)",
        ),
    ]
}

# The labels a snapshot's figure may carry. Your own measurements (calculators.measurements) take "measured" or
# "simulated" (the course's practice server); "simulated" is deliberately not here, so figures.csv refuses it.
CONFIDENCE = {
    "primary": "straight from the originator (a chart, a model card, an official price page)",
    "secondary": "a table or quote that copies the originator",
    "estimate": "derived from a ratio or a rough statement",
    "computed": "arithmetic on other figures",
    "low": "good only for ranking",
    "measured": "measured by a reader with `python -m calculators bench`",
    "missing": "looked for and not found",
}

FIGURE_COLUMNS = ["model", "provider", "metric", "value", "as_of", "confidence", "source", "note"]
# Optional in figures.csv (a file without them has only ordinary base prices); measurements never have them.
PRICE_RULE_COLUMNS = ["above_input_tokens", "condition", "starts_on"]
# Optional too: the reasoning effort a model-level figure was measured at (empty: the model's only variant).
EFFORT_COLUMN = "effort"
SNAPSHOT_FIGURE_COLUMNS = [*FIGURE_COLUMNS, *PRICE_RULE_COLUMNS, EFFORT_COLUMN]
PRICE_METRICS = ("input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok")
# "batch" (the provider's batch API) or a daily window in UTC; a window may cross midnight (utc 16:30-00:30).
CONDITION_PATTERN = re.compile(r"batch|utc ([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")
MAX_TOKENS = 10**9  # no request is a billion tokens: a larger threshold or window is a typo
MODEL_COLUMNS = ["model", "creator", "tokenizer"]
MAX_META_BYTES = 1024 * 1024  # snapshot.json holds a few fields
MAX_META_DEPTH = 6  # {"sources": {"genai-prices": {"address": ...}}} is 3 levels
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A scheduled price starts on a day of these years: outside them the date is a typo.
STARTS_ON_YEARS = (2000, 2100)


@dataclass(frozen=True, order=True)
class PriceVariant:
    """A price that applies only to some requests: above a prompt length, or under a condition.

    ``above_input_tokens`` 0 is the condition's base price; N > 0 prices a request whose input tokens exceed N, the
    whole request at this price (how the sources bill it: see data/README.md). ``condition`` "" is the ordinary
    price, "batch" the batch API's, "utc HH:MM-HH:MM" a time-of-day window.
    """

    condition: str
    metric: str
    above_input_tokens: int
    usd_per_mtok: float


@dataclass(frozen=True, order=True)
class ScheduledPrice:
    """One price figure of a (model, provider) whose prices change on a date (a row of ``price_schedule``).

    ``starts_on`` "" is the price before the first scheduled change (in effect since the figure's as-of date, or
    before); "YYYY-MM-DD" the day a scheduled price takes effect (00:00 UTC), the previous one ending the day
    before. ``condition`` and ``above_input_tokens`` as in ``PriceVariant``; the price of one (metric, condition)
    on a day is the group of rows with the latest ``starts_on`` not after that day (``pricing.prices_on``).
    """

    starts_on: str
    condition: str
    metric: str
    above_input_tokens: int
    usd_per_mtok: float


# A URL at the start of a word: "scheme://..." (any scheme), or one of the schemes without "//" that a browser runs
# or reads ("javascript:alert(1)"), the colon followed by the address. Not "02:49", nor "Data: the API's JSON",
# nor a model id such as "meta.llama4-maverick-17b-instruct-v1:0".
_URL_START = re.compile(r"(?:^|[\s(\[<\"'])([A-Za-z][A-Za-z0-9+.\-]*):(//)?(?=\S)")
_SCHEMES_WITHOUT_SLASHES = {"javascript", "vbscript", "data", "file", "blob", "filesystem", "about"}
WEB_SCHEMES = ("http", "https")


def web_url(text: str) -> str | None:
    """``text`` if it is one http(s) URL (what may become a link), else None.

    Example: web_url("https://www.bcb.gov.br/") -> "https://www.bcb.gov.br/";  web_url("javascript:x") -> None
    """
    from urllib.parse import urlsplit

    text = str(text).strip()
    if not text or any(c.isspace() for c in text):
        return None
    parts = urlsplit(text)
    return text if parts.scheme.lower() in WEB_SCHEMES and parts.netloc else None


def check_source(value: str, path: Path, line: int, column: str) -> str:
    """A source or link column: plain text, or text with ``http(s)`` URLs; any other URL is refused.

    The site turns a source that is a URL into a link, so a ``javascript:``, ``data:`` or ``file:`` address in
    the data would become a link that runs script or reads the reader's disk.

    Example: check_source("https://www.bcb.gov.br/x", p, 2, "source") -> "https://www.bcb.gov.br/x";
             check_source("javascript:alert(1)", p, 2, "source") raises DataError("p: row 2, column 'source': ...")
    """
    # Browsers drop tabs and line breaks inside a URL: "java\tscript:" is "javascript:".
    for match in _URL_START.finditer(re.sub(r"[\t\n\r]", "", value)):
        scheme = match.group(1).lower()
        if scheme not in WEB_SCHEMES and (match.group(2) or scheme in _SCHEMES_WITHOUT_SLASHES):
            raise _fail(
                path, line, column, f"{match.group(1)}: URLs are not allowed here, only http(s) URLs or plain text"
            )
    return value


def _fail(path: Path, line: int | None, column: str | None, message: str) -> DataError:
    where = str(path)
    if line is not None:
        where += f": row {line}"
    if column is not None:
        where += f", column {column!r}"
    return DataError(f"{where}: {message}")


def _parse_date(text: str, path: Path, line: int, column: str) -> str:
    if not _DATE.match(text):
        raise _fail(path, line, column, f"{text!r} is not a date (YYYY-MM or YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(text if len(text) == 10 else text + "-01")
    except ValueError:
        raise _fail(path, line, column, f"{text!r} is not a valid date") from None
    if day > dt.date.today():
        raise _fail(path, line, column, f"{text} is in the future")
    return text


def _read_csv(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers (the header is line 1)."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            seen: set[str] = set()
            for name in header:
                if name in seen:  # csv.DictReader would keep the last one silently
                    raise _fail(path, 1, name, "the column appears twice in the header")
                seen.add(name)
            missing = [c for c in columns if c not in header]
            if missing:
                raise _fail(path, 1, missing[0], "required column is missing from the header")
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise _fail(path, reader.line_num, None, f"expected {len(header)} fields")
                rows.append((reader.line_num, {k: v.strip() for k, v in row.items()}))
            return rows
    except FileNotFoundError:
        raise _fail(path, None, None, "file not found") from None
    except UnicodeDecodeError as e:
        raise _fail(path, None, None, f"not UTF-8 text ({e.reason})") from None
    except csv.Error as e:
        raise _fail(path, None, None, f"malformed CSV: {e}") from None


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_value(metric: Metric, text: str) -> float | int | bool:
    """The value of a figure of ``metric`` written as ``text``; ValueError saying why if it is not one.

    A number must be finite, whole for a count, and within the metric's minimum and maximum.

    Example: check_value(METRICS["ttft_s"], "0.25") -> 0.25;  check_value(METRICS["ttft_s"], "-1") raises ValueError
    """
    if metric.kind == "bool":
        if text not in ("true", "false"):
            raise ValueError(f"{_short(text)!r} is not true or false ({metric.name})")
        return text == "true"
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{_short(text)!r} is not a number ({metric.name}, {metric.unit})") from None
    if not math.isfinite(number):
        raise ValueError(f"{_short(text)!r} is not a finite number ({metric.name}, {metric.unit})")
    if metric.kind == "int":
        if number != int(number):
            raise ValueError(f"{_short(text)!r} is not a whole number ({metric.name})")
        number = int(number)
    if metric.minimum is not None and number < metric.minimum:
        what = "negative" if number < 0 else f"below {metric.minimum:g}"
        raise ValueError(f"{_short(text)} is {what} ({metric.name}, {metric.unit})")
    if metric.maximum is not None and number > metric.maximum:
        raise ValueError(f"{_short(text)} is above {metric.maximum:,} ({metric.name}, {metric.unit})")
    return number


def _parse_value(metric: Metric, text: str, path: Path, line: int):
    try:
        return check_value(metric, text)
    except ValueError as e:
        raise _fail(path, line, "value", str(e)) from None


def snapshot_path(snapshot: str) -> Path:
    """Folder of a snapshot id; ``latest`` is the snapshot with the newest as-of date."""
    if snapshot == "latest":
        snaps = list_snapshots()
        if not snaps:
            raise DataError(f"{SNAPSHOT_DIR}: no snapshots")
        snapshot = max(snaps, key=lambda s: s["as_of"])["id"]
    if not re.fullmatch(r"[A-Za-z0-9._-]+", snapshot) or snapshot.startswith("."):
        raise DataError(f"{snapshot!r} is not a snapshot id")
    path = SNAPSHOT_DIR / snapshot
    if not (path / "snapshot.json").is_file():
        known = ", ".join(s["id"] for s in list_snapshots()) or "none"
        raise DataError(f"unknown snapshot {snapshot!r}; known snapshots: {known}, latest")
    return path


def _json_depth(value, limit: int) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0), counting no further than ``limit + 1``."""
    if not isinstance(value, dict | list) or limit < 0:
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((_json_depth(v, limit - 1) for v in children), default=0)


def read_meta(path: Path) -> dict:
    """A snapshot folder's validated ``snapshot.json``: a UTF-8 JSON object, at most ``MAX_META_DEPTH`` levels deep,
    with ``id`` (the folder's name), ``as_of``, ``title``, and optionally ``figures_as_of_until`` (see
    ``figures_as_of_limit``)."""
    meta_path = path / "snapshot.json"
    try:
        raw = meta_path.read_bytes()
    except OSError as e:
        raise _fail(meta_path, None, None, f"cannot be read: {e.strerror}") from None
    if len(raw) > MAX_META_BYTES:
        raise _fail(meta_path, None, None, f"larger than {MAX_META_BYTES // 1024} KB")
    try:
        meta = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise _fail(meta_path, None, None, f"not UTF-8 text (byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise _fail(meta_path, None, None, f"malformed JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise _fail(meta_path, None, None, f"nested deeper than {MAX_META_DEPTH} levels") from None
    except ValueError as e:  # e.g. an integer of more than 4,300 digits
        raise _fail(meta_path, None, None, f"cannot be read: {_short(str(e), 80)}") from None
    if not isinstance(meta, dict):
        raise _fail(meta_path, None, None, f"a JSON {type(meta).__name__}, not an object")
    if _json_depth(meta, MAX_META_DEPTH) > MAX_META_DEPTH:
        raise _fail(meta_path, None, None, f"nested deeper than {MAX_META_DEPTH} levels")
    for key in ("id", "as_of", "title"):
        if not isinstance(meta.get(key), str) or not meta[key]:
            raise _fail(meta_path, None, key, "required text field is missing")
    if meta["id"] != path.name:
        raise _fail(meta_path, None, "id", f"{_short(meta['id'])!r} does not match the folder name {path.name!r}")
    _parse_date(meta["as_of"], meta_path, 1, "as_of")
    no_reasoning = meta.get("no_reasoning_models")
    if no_reasoning is not None and (not isinstance(no_reasoning, str) or not no_reasoning.strip()):
        raise _fail(meta_path, None, "no_reasoning_models", "must be the text of its source")
    until = meta.get("figures_as_of_until")
    if until is not None:
        if not isinstance(until, str):
            raise _fail(meta_path, None, "figures_as_of_until", "not a date (YYYY-MM-DD)")
        _parse_date(until, meta_path, 1, "figures_as_of_until")
    return meta


def _first_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text if len(text) == 10 else text + "-01")


def _last_day(text: str) -> dt.date:
    """The last day a date of ``_DATE``'s form may mean: the day itself, or a month's last day."""
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    first = dt.date.fromisoformat(text + "-01")
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def figures_as_of_limit(meta: dict) -> str:
    """The latest as-of date a figure of the snapshot may have: the snapshot's ``as_of``, or its
    ``figures_as_of_until`` if later, where a hand-built snapshot took figures from sources dated after its own date.

    Example: figures_as_of_limit({"as_of": "2024-05-21", "figures_as_of_until": "2024-07-25"}) -> '2024-07-25'
    """
    dates = [meta["as_of"], meta.get("figures_as_of_until") or meta["as_of"]]
    return max(dates, key=_last_day)


def list_snapshots() -> list[dict]:
    """Every snapshot's metadata, oldest first."""
    if not SNAPSHOT_DIR.is_dir():
        return []
    metas = [read_meta(p) for p in sorted(SNAPSHOT_DIR.iterdir()) if (p / "snapshot.json").is_file()]
    return sorted(metas, key=lambda m: m["as_of"])


def load_models(path: Path) -> pd.DataFrame:
    file = path / "models.csv"
    seen: dict[str, int] = {}
    rows = []
    for line, row in _read_csv(file, MODEL_COLUMNS):
        for col in MODEL_COLUMNS:
            if not row[col]:
                raise _fail(file, line, col, "empty")
        if row["tokenizer"] not in TOKENIZERS:
            raise _fail(file, line, "tokenizer", f"unknown tokenizer {row['tokenizer']!r}")
        if row["model"] in seen:
            raise _fail(file, line, "model", f"duplicate model {row['model']!r} (first on row {seen[row['model']]})")
        seen[row["model"]] = line
        rows.append({c: row[c] for c in MODEL_COLUMNS})
    return pd.DataFrame(rows, columns=MODEL_COLUMNS)


def load_figures(snapshot: str) -> pd.DataFrame:
    """The validated long table: one figure a row, with its source, as-of date, confidence and note."""
    path = snapshot_path(snapshot)
    meta = read_meta(path)
    return _load_figures(path, set(load_models(path)["model"]), as_of_limit=figures_as_of_limit(meta))


def _load_figures(path: Path, models: set[str], *, as_of_limit: str | None = None) -> pd.DataFrame:
    """The figures of ``path``; with ``as_of_limit`` (the snapshot's date), a figure dated after it is an error."""
    file = path / "figures.csv"
    seen: dict[tuple[str, str, str], int] = {}
    rows = []
    for line, row in _read_csv(file, FIGURE_COLUMNS):
        if row["model"] not in models:
            raise _fail(file, line, "model", f"unknown model {row['model']!r} (not in models.csv)")
        metric = METRICS.get(row["metric"])
        if metric is None:
            raise _fail(file, line, "metric", f"unknown metric {row['metric']!r}")
        if metric.level == "model" and row["provider"]:
            raise _fail(file, line, "provider", f"{metric.name} is a model-level figure: leave provider empty")
        if metric.level == "provider" and not row["provider"]:
            raise _fail(file, line, "provider", f"{metric.name} needs a provider")
        if row["confidence"] not in CONFIDENCE:
            raise _fail(file, line, "confidence", f"{row['confidence']!r} is not one of {', '.join(CONFIDENCE)}")
        if not row["source"]:
            raise _fail(file, line, "source", "every figure needs its source")
        check_source(row["source"], file, line, "source")
        _parse_date(row["as_of"], file, line, "as_of")
        if as_of_limit is not None and _first_day(row["as_of"]) > _last_day(as_of_limit):
            raise _fail(file, line, "as_of", f"{row['as_of']} is after the snapshot's as-of date {as_of_limit}")
        if row["value"] == "":
            if row["confidence"] != "missing":
                raise _fail(file, line, "value", "empty value: mark a figure that was not found as 'missing'")
            value = None
        else:
            if row["confidence"] == "missing":
                raise _fail(file, line, "confidence", "a 'missing' figure must have an empty value")
            value = _parse_value(metric, row["value"], file, line)
        above, condition = _price_rule(row, metric, file, line)
        starts_on = _starts_on(row, metric, file, line)
        effort = _effort(row, metric, file, line)
        key = (row["model"], row["provider"], row["metric"], above, condition, starts_on, effort)
        if key in seen:
            what = (
                key[:3]
                + ((f"above {above} input tokens",) if above else ())
                + ((condition,) if condition else ())
                + ((f"from {starts_on}",) if starts_on else ())
                + ((f"effort {effort}",) if effort else ())
            )
            raise _fail(file, line, "metric", f"duplicate figure {what} (first on row {seen[key]})")
        seen[key] = line
        rows.append(
            {
                **row,
                "value": value,
                "row": line,
                "above_input_tokens": above,
                "condition": condition,
                "starts_on": starts_on,
                "effort": effort,
            }
        )
    for (model, provider, metric_name, above, condition, starts_on, effort), line in seen.items():
        if above and (model, provider, metric_name, 0, condition, starts_on, "") not in seen:
            where = f"the {condition} price" if condition else "the base price"
            when = f" from {starts_on}" if starts_on else ""
            raise _fail(file, line, "above_input_tokens", f"a tier without {where}{when} of {metric_name} for {model}")
        if condition and (model, provider, metric_name, 0, "", "", "") not in seen:
            raise _fail(file, line, "condition", f"a {condition} price without the ordinary price of {metric_name}")
        if effort and (model, provider, metric_name, 0, "", "", "") in seen:
            raise _fail(
                file,
                line,
                "effort",
                f"{metric_name} of {model} for effort {effort} beside one for no effort "
                f"(row {seen[(model, provider, metric_name, 0, '', '', '')]}): a model has variants or none",
            )
        if starts_on and not condition and (model, provider, metric_name, 0, "", "", "") not in seen:
            raise _fail(
                file,
                line,
                "starts_on",
                f"a price from {starts_on} without the ordinary price before it ({metric_name})",
            )
    return pd.DataFrame(rows, columns=[*SNAPSHOT_FIGURE_COLUMNS, "row"])


def _starts_on(row: dict[str, str], metric: Metric, file: Path, line: int) -> str:
    """``starts_on`` of a figure: "" for a price not scheduled, else the day (YYYY-MM-DD) it takes effect."""
    text = row.get("starts_on") or ""
    if not text:
        return ""
    if metric.name not in PRICE_METRICS:
        raise _fail(file, line, "starts_on", f"only prices are scheduled, not {metric.name}")
    if not _DAY.fullmatch(text):
        raise _fail(file, line, "starts_on", f"{_short(text)!r} is not a day (YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(file, line, "starts_on", f"{text!r} is not a valid date") from None
    if not STARTS_ON_YEARS[0] <= day.year <= STARTS_ON_YEARS[1]:
        raise _fail(file, line, "starts_on", f"{text} is not between {STARTS_ON_YEARS[0]} and {STARTS_ON_YEARS[1]}")
    return text


def in_effect(figures: pd.DataFrame, on: str) -> pd.Series:
    """Which rows of a figures table are in effect on the day ``on`` (YYYY-MM-DD): for each (model, provider,
    metric, condition), the rows of the latest ``starts_on`` not after ``on`` ("" counts as the earliest); a
    scheduled group that starts after ``on`` with nothing before it is not in effect.

    Example: Gemini 4 Argon input 2 (no starts_on) and 4 (starts_on 2026-12-01): on "2026-11-30" the first row,
             on "2026-12-06" the second.
    """
    keys = list(zip(figures["model"], figures["provider"], figures["metric"], figures["condition"], strict=True))
    chosen: dict[tuple, str] = {}
    for key, start in zip(keys, figures["starts_on"], strict=True):
        if start <= on and start >= chosen.get(key, ""):
            chosen[key] = start
    mask = [key in chosen and start == chosen[key] for key, start in zip(keys, figures["starts_on"], strict=True)]
    return pd.Series(mask, index=figures.index, dtype=bool)


def _price_rule(row: dict[str, str], metric: Metric, file: Path, line: int) -> tuple[int, str]:
    """``(above_input_tokens, condition)`` of a figure: (0, "") for an ordinary figure."""
    above_text = row.get("above_input_tokens") or ""
    condition = row.get("condition") or ""
    if (above_text or condition) and metric.name not in PRICE_METRICS:
        column = "above_input_tokens" if above_text else "condition"
        raise _fail(file, line, column, f"only prices have tiers or conditions, not {metric.name}")
    above = 0
    if above_text:
        if not above_text.isascii() or not above_text.isdigit() or int(above_text) <= 0:
            raise _fail(file, line, "above_input_tokens", f"{above_text!r} is not a positive whole number of tokens")
        above = int(above_text)
        if above >= MAX_TOKENS:
            raise _fail(file, line, "above_input_tokens", f"{above_text} tokens is not a prompt length")
    if condition and not CONDITION_PATTERN.fullmatch(condition):
        raise _fail(file, line, "condition", f"{condition!r} is not 'batch' or 'utc HH:MM-HH:MM'")
    if condition.startswith("utc") and condition[4:9] == condition[10:15]:
        raise _fail(file, line, "condition", f"{condition!r} is an empty time window")
    return above, condition


def _effort(row: dict[str, str], metric: Metric, file: Path, line: int) -> str:
    """The reasoning effort of a figure ("" for none given): one of ``EFFORTS``, only on ``EFFORT_METRICS``."""
    effort = row.get(EFFORT_COLUMN) or ""
    if not effort:
        return ""
    if metric.name not in EFFORT_METRICS:
        raise _fail(file, line, EFFORT_COLUMN, f"{metric.name} does not depend on a reasoning effort")
    if effort not in EFFORTS:
        raise _fail(file, line, EFFORT_COLUMN, f"{_short(effort)!r} is not one of {', '.join(EFFORTS)}")
    return effort


@dataclass(frozen=True)
class EffortFigure:
    """A model-level figure measured at one reasoning effort (``figures.csv``'s ``effort`` column)."""

    effort: str
    metric: str
    value: float
    source: str
    as_of: str
    confidence: str


def load_snapshot(snapshot: str = "2024-05") -> pd.DataFrame:
    """One validated row per (model, provider), every figure beside its source, as-of date and confidence.

    Model-level figures (quality, MMLU, open weights, ...) repeat on each provider row of their model. For
    every metric ``m`` there are columns ``m``, ``m_source``, ``m_as_of`` and ``m_confidence``; a missing figure
    is NaN (``<NA>`` for whole numbers and booleans), never zero. Prices are the ordinary base prices in effect on
    the snapshot's as-of date; ``price_variants`` holds the row's tiers and conditional prices in effect then (a
    tuple of ``PriceVariant``, empty for most); ``price_schedule`` every price figure of a row whose prices change
    on a date (a tuple of ``ScheduledPrice``, empty for a row without a ``starts_on``), which
    ``pricing.prices_on`` resolves for another day.

    Example: load_snapshot("2024-05").query("model == 'Claude 3 Opus' and provider == 'Anthropic'")
             ["input_usd_per_mtok"] -> 15.0
    """
    path = snapshot_path(snapshot)
    meta = read_meta(path)
    models = load_models(path)
    figures = _load_figures(path, set(models["model"]), as_of_limit=figures_as_of_limit(meta))

    pairs = figures.loc[figures["provider"] != "", ["model", "provider"]].drop_duplicates()
    lonely = sorted(set(models["model"]) - set(pairs["model"]))
    pairs = pd.concat([pairs, pd.DataFrame({"model": lonely, "provider": ""})], ignore_index=True)
    df = pairs.merge(models, on="model", how="left")
    df["tokenizer_exact"] = df["tokenizer"].map(lambda t: TOKENIZERS[t].exact)

    schedule: dict[tuple[str, str], list[ScheduledPrice]] = {}
    scheduled = figures[figures["starts_on"] != ""]
    dated = set(zip(scheduled["model"], scheduled["provider"], strict=True))
    for r in figures.itertuples(index=False):
        if (r.model, r.provider) in dated and r.metric in PRICE_METRICS:
            price = ScheduledPrice(r.starts_on, r.condition, r.metric, int(r.above_input_tokens), float(r.value))
            schedule.setdefault((r.model, r.provider), []).append(price)
    figures = figures[in_effect(figures, _last_day(meta["as_of"]).isoformat())]
    ordinary = (figures["above_input_tokens"] == 0) & (figures["condition"] == "") & (figures["effort"] == "")
    index = {(r.model, r.provider, r.metric): r for r in figures[ordinary].itertuples(index=False)}
    by_effort: dict[str, list[EffortFigure]] = {}
    for r in figures[figures["effort"] != ""].itertuples(index=False):
        value = math.nan if r.value is None else float(r.value)
        by_effort.setdefault(r.model, []).append(
            EffortFigure(r.effort, r.metric, value, r.source, r.as_of, r.confidence)
        )
    variants: dict[tuple[str, str], list[PriceVariant]] = {}
    for r in figures[~ordinary & (figures["effort"] == "")].itertuples(index=False):
        variants.setdefault((r.model, r.provider), []).append(
            PriceVariant(r.condition, r.metric, int(r.above_input_tokens), float(r.value))
        )
    for metric in METRICS.values():
        values, sources, dates, confidences = [], [], [], []
        for model, provider in zip(df["model"], df["provider"], strict=True):
            fig = index.get((model, provider, metric.name)) or index.get((model, "", metric.name))
            values.append(None if fig is None else fig.value)
            sources.append(None if fig is None else fig.source)
            dates.append(None if fig is None else fig.as_of)
            confidences.append(None if fig is None else fig.confidence)
        dtype = {"float": "float64", "int": "Int64", "bool": "boolean"}[metric.kind]
        df[metric.name] = pd.Series([math.nan if v is None and dtype == "float64" else v for v in values]).astype(dtype)
        df[f"{metric.name}_source"] = sources
        df[f"{metric.name}_as_of"] = dates
        df[f"{metric.name}_confidence"] = confidences

    df["price_variants"] = [
        tuple(sorted(variants.get((m, p), ()))) for m, p in zip(df["model"], df["provider"], strict=True)
    ]
    df["price_schedule"] = [
        tuple(sorted(schedule.get((m, p), ()))) for m, p in zip(df["model"], df["provider"], strict=True)
    ]
    # The model-level figures measured at each reasoning effort (``calculators.reasoning.effort_rows`` spreads them)
    df["effort_figures"] = [tuple(by_effort.get(m, ())) for m in df["model"]]
    no_reasoning = meta.get("no_reasoning_models")
    if no_reasoning:  # a snapshot from before reasoning models: no model thinks before it answers
        metric = "reasoning_tokens_per_answer_token"
        known = df[metric].notna()
        df[metric] = df[metric].where(known, 0.0)
        df[f"{metric}_source"] = df[f"{metric}_source"].where(known, no_reasoning)
        df[f"{metric}_as_of"] = df[f"{metric}_as_of"].where(known, meta["as_of"])
        df[f"{metric}_confidence"] = df[f"{metric}_confidence"].where(known, "primary")
    bad = df["cached_input_usd_per_mtok"] > df["input_usd_per_mtok"]
    if bad.any():
        r = df[bad].iloc[0]
        line = index[(r["model"], r["provider"], "cached_input_usd_per_mtok")].row
        raise _fail(path / "figures.csv", line, "value", "cached input price is above the input price")
    df = df.sort_values(["model", "provider"], ignore_index=True)
    df.attrs.update(snapshot=meta["id"], as_of=meta["as_of"], title=meta["title"])
    df.attrs["figures_as_of_until"] = figures_as_of_limit(meta)
    return df
