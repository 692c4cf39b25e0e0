"""What a reader sees: every table and every single number a chapter shows, in the book's Portuguese.

Two helpers, for the last expression of a chapter cell:

- ``table_pt`` picks a table's columns, gives them Portuguese headers (with the unit: ``custo (US$)``), writes
  numbers the Brazilian way (``formatting.number_pt``), booleans as ``sim``/``não`` and a missing figure as
  "sem dado"; its first column labels the rows, so no meaningless 0, 1, 2… index shows;
- ``value_pt`` does the same for one number: ``0,13``, not ``np.float64(0.125)``.

Both only change how a value reads, never the value: keep computing with the original data frame.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .formatting import MISSING_PT, is_missing, number_pt

YES_PT, NO_PT = "sim", "não"
VALUE_PT = "valor"  # the value column of a table made from a dict or an unnamed Series

Format = Callable[[object], str] | int


class TextPt(str):
    """A string that a notebook shows as it is, without the quotes of a Python string."""

    def __repr__(self) -> str:
        return str(self)


def value_pt(value, decimals: int | None = None, suffix: str = "") -> TextPt:
    """One value as a reader reads it: Brazilian number, ``sim``/``não``, "sem dado" when missing.

    ``decimals`` defaults to 0 for integers and 2 for other numbers; ``suffix`` follows a number (a unit).

    Example: value_pt(0.125, 2) -> 0,13;  value_pt(1234.5, 2) -> 1.234,50;  value_pt(True) -> sim;
             value_pt(float("nan")) -> sem dado;  value_pt(1.9, 2, " s") -> 1,90 s
    """
    return TextPt(_cell(value, decimals, suffix))


def at_most(decimals: int) -> Callable[[object], str]:
    """A format for ``table_pt``: up to ``decimals`` decimals, without trailing zeros (for a column of mixed sizes).

    Example: at_most(4)(33.0) -> '33';  at_most(4)(0.0036) -> '0,0036';  at_most(4)(33.333333) -> '33,3333'
    """

    def fmt(value) -> str:
        text = number_pt(value, decimals)
        return text.rstrip("0").rstrip(",") if "," in text else text

    return fmt


def table_pt(
    data: pd.DataFrame | pd.Series | Mapping,
    columns: Mapping[object, str] | Sequence | None = None,
    *,
    formats: Mapping[object, Format] | Format | None = None,
    index: object | None = None,
    transpose: bool = False,
) -> pd.DataFrame:
    """A table for reading: chosen columns with Portuguese headers, every value written the book's way.

    - ``data``: a DataFrame; a Series (``value_counts()``, a ``groupby`` result) or a dict becomes a two-column
      table, its index (header: the index's name) and its values (header: the Series' name, else "valor").
      A DataFrame's index is kept as a column when it means something (it has a name, or holds labels rather
      than row numbers); a pivot's two levels of headers become one ("mais caro, 2024-05").
    - ``columns``: ``{column: header}`` picks columns in that order and renames them; a list picks them and
      keeps their names; ``None`` keeps every column.
    - ``formats``: ``{column: decimals or function}`` (by column or by header; ``at_most(4)`` for up to four
      decimals); a single number or function applies to every column. Without one: booleans read
      ``sim``/``não``, integers ``1.234``, other numbers two decimals (none if every value in the column is
      whole), lists "a, b". A missing value always reads "sem dado", before any function sees it.
    - ``index``: the column (or header) that labels the rows; by default the first one. Its header goes in the
      table's corner, so the table has one header row and no 0, 1, 2… column.
    - ``transpose``: rows become columns (a wide table with few rows reads better turned).

    Every value of the result is text: compute with the original data, show this.

    Example: table_pt(pd.DataFrame({"model": ["A"], "cost_usd": [1234.5], "open_weights": [True]}),
                      {"model": "modelo", "cost_usd": "custo (US$)", "open_weights": "pesos abertos"})
             -> one row labelled "A": custo (US$) "1.234,50", pesos abertos "sim"; the corner header is "modelo"
    """
    frame = _as_frame(data)
    picked = _pick(frame, columns)
    headers = list(picked.values())
    if len(set(headers)) < len(headers):
        raise ValueError(f"two columns would show the same header: {headers}")
    by_header = {header: column for column, header in picked.items()}

    def original(key, what: str):
        if key in picked:
            return key
        if key in by_header:
            return by_header[key]
        raise KeyError(f"{what} names {key!r}, which is not a column of the table; columns: {list(picked)}")

    if formats is None or isinstance(formats, Mapping):
        per_column = {original(key, "formats"): fmt for key, fmt in (formats or {}).items()}
    else:
        per_column = dict.fromkeys(picked, formats)
    out = pd.DataFrame(
        {header: _column(frame[column], per_column.get(column)) for column, header in picked.items()},
        columns=headers,
    )
    label = picked[original(headers[0] if index is None else index, "index")]
    out = out.set_index(label)
    out.index.name = None
    if transpose:
        out = out.T
    out.columns.name = label
    return out


def _as_frame(data) -> pd.DataFrame:
    if isinstance(data, Mapping):
        data = pd.Series(dict(data), dtype=object)
    if isinstance(data, pd.Series):
        label = data.index.name if data.index.name is not None else ""
        value = data.name if data.name is not None else VALUE_PT
        return pd.DataFrame({label: list(data.index), value: list(data)}, columns=[label, value])
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"table_pt shows a DataFrame, a Series or a dict, not {type(data).__name__}")
    if isinstance(data.columns, pd.MultiIndex):  # a pivot's two header rows become one: "mais caro, 2024-05"
        data = data.set_axis([", ".join(str(part) for part in column if str(part)) for column in data.columns], axis=1)
    index = data.index
    named = any(name is not None for name in index.names)
    labels = not (pd.api.types.is_integer_dtype(index.dtype) and index.nlevels == 1)
    if named or labels:
        return data.reset_index(names=[n if n is not None else "" for n in index.names])
    return data.reset_index(drop=True)


def _pick(frame: pd.DataFrame, columns) -> dict:
    if columns is None:
        columns = list(frame.columns)
    if not isinstance(columns, Mapping):
        columns = {column: column for column in columns}
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise KeyError(f"no column {missing} in the table; its columns: {list(frame.columns)}")
    if not columns:
        raise ValueError("a table needs at least one column")
    return {column: str(header) for column, header in columns.items()}


def _column(values: pd.Series, fmt: Format | None) -> list[str]:
    if fmt is None:
        fmt = _default_decimals(values)
    return [_cell(value, fmt) for value in values]


def _default_decimals(values: pd.Series) -> int | None:
    """0 for a column of whole numbers (``88.0`` reads ``88``), else ``None`` (each value's own default)."""
    floats = [v for v in values if _is_number(v) and not _is_integer(v)]
    if floats and all(math.isfinite(v) and float(v).is_integer() for v in floats):
        return 0
    return None


def _is_number(value) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_)) and not is_missing(value)


def _is_integer(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _cell(value, fmt: Format | None, suffix: str = "") -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return ", ".join(_cell(item, fmt) for item in items)
    if is_missing(value):
        return MISSING_PT
    if callable(fmt):
        return str(fmt(value))
    if isinstance(value, (bool, np.bool_)):
        return YES_PT if value else NO_PT
    if _is_number(value):
        decimals = fmt if fmt is not None else 0 if _is_integer(value) else 2
        return number_pt(value, decimals, suffix)
    return str(value)
