"""Shared pieces of the chart builders."""

from __future__ import annotations

import pandas as pd

from .. import formatting
from ..formatting import MISSING_PT  # noqa: F401 - re-exported for the chart modules
from ..pricing import long_prompt_tier


def snapshot_caption(df: pd.DataFrame) -> str:
    """Which data a chart shows, for its subtitle: "dados: snapshot 2024-05 (até 2024-05-21)"."""
    snap = df.attrs.get("snapshot", "?")
    as_of = df.attrs.get("as_of", "?")
    return f"dados: snapshot {snap} (até {as_of})"


def usd_pt(value: float | None, decimals: int = 4) -> str:
    """US dollars with a Brazilian decimal comma, four decimals by default (request costs are small).

    Example: usd_pt(0.12) -> 'US$ 0,1200';  usd_pt(float('nan')) -> 'sem dado'
    """
    return formatting.usd_pt(value, decimals)


# --- long-prompt tiers in the browser -----------------------------------------------------------------------------
def tier_price_expr(metric: str, tokens: str) -> str:
    """Vega expression: the row's price of ``metric`` for a request of ``tokens`` input tokens, its long-prompt
    tier's once ``tokens`` exceeds ``datum.tier_above_tokens`` (0: no tier). The rows carry the tier's prices as
    ``tier_<metric>`` (``tier_columns``). Twin: ``pricing.applied_price``.

    Example: tier_price_expr("input_usd_per_mtok", "workload_input_tokens")
    """
    return f"(datum.tier_above_tokens > 0 && {tokens} > datum.tier_above_tokens ? datum.tier_{metric} : datum.{metric})"


def tier_columns(df: pd.DataFrame, metrics=("input_usd_per_mtok", "output_usd_per_mtok")) -> pd.DataFrame:
    """``tier_above_tokens`` and ``tier_<metric>`` per row, from its ``price_variants`` (the base price where the
    tier does not change a metric; 0 and the base prices for a row without a tier)."""
    above, prices = [], {m: [] for m in metrics}
    variants_of = df["price_variants"] if "price_variants" in df else [()] * len(df)
    for i, variants in enumerate(variants_of):
        threshold, tier = long_prompt_tier(variants or ())
        above.append(threshold)
        for m in metrics:
            prices[m].append(tier.get(m, df[m].iloc[i]))
    out = pd.DataFrame({"tier_above_tokens": above}, index=df.index)
    for m in metrics:
        out[f"tier_{m}"] = pd.Series(prices[m], index=df.index, dtype="float64")
    return out
