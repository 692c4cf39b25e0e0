"""Shared pieces of the chart builders."""

from __future__ import annotations

import pandas as pd

from .. import formatting
from ..formatting import MISSING_PT  # noqa: F401 - re-exported for the chart modules


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
