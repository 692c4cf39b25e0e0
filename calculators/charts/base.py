"""Shared pieces of the chart builders."""

from __future__ import annotations

import math

import pandas as pd

MISSING_PT = "sem dado"  # what a missing figure shows as, everywhere in the book


def snapshot_caption(df: pd.DataFrame) -> str:
    """Which data a chart shows, for its subtitle: "dados: snapshot 2024-05 (até 2024-05-21)"."""
    snap = df.attrs.get("snapshot", "?")
    as_of = df.attrs.get("as_of", "?")
    return f"dados: snapshot {snap} (até {as_of})"


def usd_pt(value: float | None, decimals: int = 4) -> str:
    """US dollars with a Brazilian decimal comma; a missing value reads "sem dado".

    Example: usd_pt(0.12) -> 'US$ 0,1200';  usd_pt(float('nan')) -> 'sem dado'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return MISSING_PT
    text = f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"US$ {text}"
