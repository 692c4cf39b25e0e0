"""US dollars to Brazilian reais, at a rate the reader sets or at a sourced, dated default.

The rates live in ``data/fx/usd_brl.csv`` (one rate a row, with its source and confidence). A default rate is a
figure like any other: it comes from that file, never from a number typed into code.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .data import CONFIDENCE, DataError, _read_csv, check_source
from .paths import DATA_DIR

FX_FILE = DATA_DIR / "fx" / "usd_brl.csv"
FX_COLUMNS = ["date", "brl_per_usd", "rate", "confidence", "source", "note"]
RATE_KINDS = {"ptax_sell": "PTAX de venda do Banco Central do Brasil (boletim de fechamento)"}
MAX_DEFAULT_AGE_DAYS = 31  # an older rate is no default: the reader types one


@dataclass(frozen=True)
class UsdBrlRate:
    """One sourced rate: ``brl_per_usd`` reais for one dollar on ``date``."""

    date: str
    brl_per_usd: float
    rate: str
    confidence: str
    source: str
    note: str

    @property
    def description_pt(self) -> str:
        """What the rate is, in the book's words: "PTAX de venda do Banco Central do Brasil (...) de 14/05/2024"."""
        day = "/".join(reversed(self.date.split("-")))
        return f"{RATE_KINDS.get(self.rate, self.rate)} de {day}"


def _fail(path: Path, line: int, column: str, message: str) -> DataError:
    return DataError(f"{path}: row {line}, column {column!r}: {message}")


def load_usd_brl(path: Path = FX_FILE) -> pd.DataFrame:
    """The validated rates, oldest first: one row per date, with source, confidence and note.

    A bad row stops loading with the file, the row and the column in the message.
    """
    rows = []
    seen: dict[str, int] = {}
    for line, row in _read_csv(path, FX_COLUMNS):
        try:
            day = dt.date.fromisoformat(row["date"])
        except ValueError:
            raise _fail(path, line, "date", f"{row['date']!r} is not a date (YYYY-MM-DD)") from None
        if day > dt.date.today():
            raise _fail(path, line, "date", f"{row['date']} is in the future")
        if row["date"] in seen:
            raise _fail(path, line, "date", f"duplicate date (first on row {seen[row['date']]})")
        seen[row["date"]] = line
        try:
            value = float(row["brl_per_usd"])
        except ValueError:
            raise _fail(path, line, "brl_per_usd", f"{row['brl_per_usd']!r} is not a number") from None
        if not math.isfinite(value) or value <= 0:
            raise _fail(path, line, "brl_per_usd", f"{row['brl_per_usd']} is not a positive rate")
        if row["rate"] not in RATE_KINDS:
            raise _fail(path, line, "rate", f"{row['rate']!r} is not one of {', '.join(RATE_KINDS)}")
        if row["confidence"] not in CONFIDENCE or row["confidence"] == "missing":
            raise _fail(path, line, "confidence", f"{row['confidence']!r} is not a confidence of a known figure")
        if not row["source"]:
            raise _fail(path, line, "source", "every rate needs its source")
        check_source(row["source"], path, line, "source")
        rows.append({**row, "brl_per_usd": value})
    out = pd.DataFrame(rows, columns=FX_COLUMNS)
    return out.sort_values("date", ignore_index=True)


def _day(as_of: str) -> dt.date:
    """A date; a month (``YYYY-MM``) stands for its last day."""
    if len(as_of) == 7:
        first = dt.date.fromisoformat(f"{as_of}-01")
        return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return dt.date.fromisoformat(as_of)


def default_usd_brl(as_of: str, *, path: Path = FX_FILE, max_age_days: int = MAX_DEFAULT_AGE_DAYS):
    """The newest rate on or before ``as_of`` (``YYYY-MM-DD`` or ``YYYY-MM``), or None if none is recent enough.

    Example: default_usd_brl("2024-05-21").brl_per_usd -> 5.1356 (the PTAX of 2024-05-14);
             default_usd_brl("2026-11-26") -> None (no rate within 31 days: the reader types one)
    """
    day = _day(as_of)
    rates = load_usd_brl(path)
    if rates.empty:
        return None
    dates = rates["date"].map(dt.date.fromisoformat)
    usable = rates[(dates <= day) & (dates >= day - dt.timedelta(days=max_age_days))]
    if usable.empty:
        return None
    r = usable.iloc[-1]
    return UsdBrlRate(**{c: r[c] for c in FX_COLUMNS if c != "brl_per_usd"}, brl_per_usd=float(r["brl_per_usd"]))


def usd_to_brl(usd, *, brl_per_usd: float | None):
    """Reais for ``usd`` dollars (a number or a pandas Series); a missing rate or amount gives a missing result.

    Example: usd_to_brl(0.12, brl_per_usd=5.0) -> 0.6;  usd_to_brl(0.12, brl_per_usd=None) -> nan
    """
    if brl_per_usd is None or (isinstance(brl_per_usd, float) and math.isnan(brl_per_usd)):
        return usd * math.nan
    if isinstance(brl_per_usd, bool) or not isinstance(brl_per_usd, (int, float)):
        raise TypeError(f"brl_per_usd must be a number, not {brl_per_usd!r}")
    if brl_per_usd <= 0 or not math.isfinite(brl_per_usd):
        raise ValueError(f"an exchange rate must be positive ({brl_per_usd})")
    return usd * brl_per_usd
