"""What the in-page calculators read: snapshots, tokenizers, exchange rates and the catalogue, as JSON.

The static site cannot run Python, so the build (``tools/llms101_site.py``) writes these files into the site and
the page's JavaScript (``site/calc/``) only applies the formulas of ``pricing``, ``latency`` and ``tokens`` to
them. Python stays the single source of truth: every price, tier, speed, estimate rule, tokenizer file and split
pattern comes from here, and tests pin the page's results to ``python -m calculators cost`` row by row.

    calc/data.json          snapshots (rows in the CLI's order), tokenizers, defaults
    calc/catalogue.json     every text-priced (model, provider) of genai-prices' packaged data
    calc/tokenizers/...     the exact tokenizers' files, byte for byte what Python loads
    calc/article.txt        the article, the chapters' example text
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path

import pandas as pd

from .catalogue import CATALOGUE_TIMESTAMP, catalogue_rows
from .charts.price import COST_DECIMALS, MONTHLY_DECIMALS
from .costs import DAYS_PER_MONTH, article_text, price_is_estimate
from .data import EFFORTS, list_snapshots, load_snapshot
from .formatting import MISSING_PT
from .fx import default_usd_brl
from .latency import latency_table
from .pricing import MTOK, PRICE_NOTE_DAYS, PRICE_STALE_DAYS, REFRESH_COMMAND
from .reasoning import EFFORT_PT, NO_THINKING, effort_rows
from .tokens import ESTIMATE_RULES, MAX_DISPLAY_TOKENS, TOKENIZERS, tokenizer_source

PAGE_DATA_FORMAT = 1


def _number(value) -> float | None:
    """A JSON number, or None for a missing figure (NaN never reaches the page)."""
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def snapshot_rows(df: pd.DataFrame) -> list[dict]:
    """One dict per (model, provider) of a loaded snapshot, in the snapshot's order (the CLI's order).

    ``price_variants`` are the row's tiers and conditional prices (``data.PriceVariant``); speeds and times to
    the first answer token are ``latency.latency_table``'s (the provider's own median, else the model's). ``df``
    may have an ``effort`` column (``reasoning.effort_rows``): each row then carries its effort and the
    effort-dependent figures (reasoning tokens per answer token, Intelligence Index).

    Example: snapshot_rows(load_snapshot("2024-05"))[3] -> {"model": "Claude 3 Opus", "provider": "Anthropic",
             "input_usd_per_mtok": 15.0, "output_usd_per_mtok": 75.0, ...}
    """
    speeds = latency_table(df, output_tokens=0)
    estimates = price_is_estimate(df)
    efforts = df["effort"] if "effort" in df else [None] * len(df)
    rows = []
    for i, r in enumerate(df.itertuples(index=False)):
        rows.append(
            {
                "model": r.model,
                "provider": r.provider,
                "creator": r.creator,
                "tokenizer": r.tokenizer,
                "tokenizer_exact": bool(r.tokenizer_exact),
                "input_usd_per_mtok": _number(r.input_usd_per_mtok),
                "output_usd_per_mtok": _number(r.output_usd_per_mtok),
                "cached_input_usd_per_mtok": _number(r.cached_input_usd_per_mtok),
                "price_estimate": bool(estimates.iloc[i]),
                "ttft_s": _number(speeds["ttft_s"].iloc[i]),
                "speed_tokens_per_s": _number(speeds["speed_tokens_per_s"].iloc[i]),
                "speed_basis": str(speeds["speed_basis"].iloc[i]),
                "ttft_basis": str(speeds["ttft_basis"].iloc[i]),
                "effort": efforts[i],
                "reasoning_tokens_per_answer_token": _number(r.reasoning_tokens_per_answer_token),
                "intelligence_index": _number(r.intelligence_index),
                "context_window_tokens": _number(r.context_window_tokens),
                # [condition, metric, above_input_tokens, usd_per_mtok]: tiers and conditional prices
                "price_variants": [
                    [v.condition, v.metric, v.above_input_tokens, v.usd_per_mtok] for v in r.price_variants
                ],
                # [starts_on, condition, metric, above_input_tokens, usd_per_mtok]: every price of a row whose
                # prices are scheduled (data.ScheduledPrice), resolved for the request's day by pricing.prices_on
                "price_schedule": [
                    [p.starts_on, p.condition, p.metric, p.above_input_tokens, p.usd_per_mtok]
                    for p in getattr(r, "price_schedule", ())
                ],
            }
        )
    return rows


def _rate(as_of: str) -> dict | None:
    rate = default_usd_brl(as_of)
    if rate is None:
        return None
    return {
        "brl_per_usd": rate.brl_per_usd,
        "date": rate.date,
        "description": rate.description_pt,
        "source": rate.source,
    }


def snapshots_data() -> list[dict]:
    """Every snapshot, oldest first: id, as-of date, title, its default R$ per US$ (or None) and its rows."""
    out = []
    for meta in sorted(list_snapshots(), key=lambda m: m["as_of"]):
        df = effort_rows(load_snapshot(meta["id"]))
        out.append(
            {
                "id": meta["id"],
                "as_of": meta["as_of"],
                "title": meta["title"],
                "usd_brl": _rate(meta["as_of"]),
                "rows": snapshot_rows(df),
            }
        )
    return out


def tokenizers_data() -> list[dict]:
    """Every tokenizer: how the page counts it (``tiktoken``, ``sentencepiece``, ``proxy`` or ``chars``)."""
    out = []
    for info in TOKENIZERS.values():
        item = {
            "name": info.name,
            "label": info.label,
            "exact": info.exact,
            "description": info.description,
            "method": info.method,
        }
        if info.exact:
            path, pattern = tokenizer_source(info.name)
            item |= {
                "kind": "sentencepiece" if pattern is None else "tiktoken",
                "file": f"{info.name}.model" if pattern is None else f"{info.name}.tiktoken",
                "bytes": path.stat().st_size,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "pattern": pattern,
            }
        else:
            rule = ESTIMATE_RULES[info.name]
            item |= {"kind": "proxy", "proxy": rule.proxy} if rule.proxy else {"kind": "chars"}
            item["chars_per_token"] = rule.chars_per_token
        out.append(item)
    return out


def page_data() -> dict:
    """Everything ``calc/data.json`` holds."""
    snapshots = snapshots_data()
    return {
        "format": PAGE_DATA_FORMAT,
        "latest": snapshots[-1]["id"],
        "mtok": MTOK,
        "days_per_month": DAYS_PER_MONTH,
        "max_display_tokens": MAX_DISPLAY_TOKENS,
        "missing_text": MISSING_PT,
        "cost_decimals": COST_DECIMALS,
        "monthly_decimals": MONTHLY_DECIMALS,
        "catalogue_as_of": CATALOGUE_TIMESTAMP.strftime("%Y-%m-%d %H:%M UTC"),
        "efforts": [{"id": e, "label": EFFORT_PT[e]} for e in EFFORTS],
        "no_thinking_effort": NO_THINKING,
        "price_note_days": PRICE_NOTE_DAYS,
        "price_stale_days": PRICE_STALE_DAYS,
        "refresh_command": REFRESH_COMMAND,
        "tokenizers": tokenizers_data(),
        "snapshots": snapshots,
    }


def _dump(obj, path: Path) -> int:
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def write_page_data(out_dir: Path) -> dict[str, int]:
    """Write ``data.json``, ``catalogue.json``, ``article.txt`` and the tokenizer files into ``out_dir``.

    Returns the bytes written per file.
    """
    out_dir = Path(out_dir)
    (out_dir / "tokenizers").mkdir(parents=True, exist_ok=True)
    data = page_data()
    sizes = {"data.json": _dump(data, out_dir / "data.json")}
    sizes["catalogue.json"] = _dump({"format": PAGE_DATA_FORMAT, "rows": catalogue_rows()}, out_dir / "catalogue.json")
    article = article_text()
    (out_dir / "article.txt").write_text(article, encoding="utf-8")
    sizes["article.txt"] = len(article.encode("utf-8"))
    for item in data["tokenizers"]:
        if not item["exact"]:
            continue
        src, _ = tokenizer_source(item["name"])
        shutil.copyfile(src, out_dir / "tokenizers" / item["file"])
        sizes[f"tokenizers/{item['file']}"] = item["bytes"]
    return sizes
