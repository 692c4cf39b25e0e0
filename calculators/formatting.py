"""Numbers the Brazilian way, for prose, tables and labels: one implementation for the whole book."""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

MISSING_PT = "sem dado"  # what a missing figure shows as, everywhere in the book


def is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or pd.isna(value)


def number_pt(value, decimals: int = 2, suffix: str = "") -> str:
    """``.`` between thousands, ``,`` before decimals; a missing value reads "sem dado".

    The decimal value (15 significant digits, which drops the binary noise of arithmetic) is rounded, a tie away
    from zero: as by hand and as the page does (Python's own formatting would round 0.125 to the even 0,12, and
    (3 × 0.35 + 1.05) / 4, stored as 0.52499999..., to 0,52).

    Example: number_pt(1234.5, 1, " s") -> '1.234,5 s';  number_pt(0.125) -> '0,13';  number_pt(0.525) -> '0,53';
             number_pt(float("nan")) -> 'sem dado'
    """
    if is_missing(value):
        return MISSING_PT
    value = _half_up(value, decimals)
    text = f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return text + suffix


def _half_up(value, decimals: int):
    """The number's decimal value rounded half away from zero to ``decimals`` places (infinities as they are).

    The decimal value is the float to 15 significant digits, which every float of up to 15 digits survives and
    which drops the binary noise of arithmetic: (3 × 0.35 + 1.05) / 4 is 0.5249999999999999 as a float, 0.525 as
    a decimal. The page does the same (``decimalValue`` in site/calc/calculator.js: ``toPrecision(15)``).
    """
    value = int(value) if isinstance(value, numbers.Integral) else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return value
    exact = Decimal(value) if isinstance(value, int) else Decimal(f"{value:.15g}")
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def usd_pt(value, decimals: int = 2) -> str:
    """US dollars with a Brazilian decimal comma; a missing value reads "sem dado".

    Example: usd_pt(0.12, 4) -> 'US$ 0,1200';  usd_pt(float("nan")) -> 'sem dado'
    """
    text = number_pt(value, decimals)
    return text if text == MISSING_PT else "US$ " + text
