"""Shared pieces of the chart builders."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from .. import formatting
from ..formatting import MISSING_PT  # noqa: F401 - re-exported for the chart modules
from ..pricing import long_prompt_tier


def date_br(iso: str) -> str:
    """A date of the data as a Brazilian reads it: '2024-05-21' -> '21/05/2024', '2024-07' -> '07/2024'."""
    parts = str(iso).split("-")
    return "/".join(reversed(parts)) if all(p.isdigit() for p in parts) else str(iso)


def snapshot_caption(df: pd.DataFrame) -> str:
    """Which data a chart shows, for its subtitle: "dados: snapshot 2026-11-26 (26/11/2026)".

    Where some figures are dated after the snapshot (``figures_as_of_until``), the date is the latest figure's:
    "dados: snapshot 2024-05 (preços até 25/07/2024)" (short enough for a phone's title line).
    """
    snap = df.attrs.get("snapshot", "?")
    as_of = df.attrs.get("as_of", "?")
    until = df.attrs.get("figures_as_of_until") or as_of
    when = f"preços até {date_br(until)}" if until > as_of else date_br(as_of)
    return f"dados: snapshot {snap} ({when})"


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


# --- phones and screen readers ------------------------------------------------------------------------------------
# Every chart is drawn at its container's width (Vega-Lite ``width: "container"``; concatenated charts, which
# Vega-Lite cannot size that way, are shrunk to fit by the page's script, ``render.py``). Below ``NARROW_PX`` of
# container (a phone) the charts switch to a narrow layout: two-line row labels, value notes on their own line.
# ``NARROW_EXPR`` decides that in the reader's browser; where there is no container (node, the tests) it is false
# and the wide layout is drawn, so the labels the tests read do not change.
NARROW_PX = 560
NARROW_EXPR = f"(containerSize()[0] > 0 && containerSize()[0] < {NARROW_PX})"
# Between the parts of a value label: a space on a wide screen, a line break on a phone (text marks that show such
# labels set ``lineBreak=LINE_BREAK``).
LINE_BREAK = "\n"
LABEL_SEP_EXPR = f"({NARROW_EXPR} ? '\\n' : ' ')"
TITLE_CHARS = 44  # a chart title's line, in characters: fits a 390 px phone at the default 13 px bold
SUBTITLE_CHARS = 50  # a subtitle's line (11 px)


def narrow_or(narrow: str, wide: str) -> alt.ExprRef:
    """A Vega expression for a mark or axis property: ``narrow`` on a phone, ``wide`` elsewhere (both expressions).

    Example: narrow_or("120", "230").expr -> '(containerSize()[0] > 0 && containerSize()[0] < 560) ? 120 : 230'
    """
    return alt.ExprRef(f"{NARROW_EXPR} ? {narrow} : {wide}")


def row_axis(*, wide_limit: int = 230, narrow_limit: int = 130, split: str = " · ") -> alt.Axis:
    """A y axis of row labels such as "Claude 3 Haiku · Amazon Bedrock": one line on a wide screen, and on a phone
    two lines split at ``split`` ("Claude 3 Haiku" / "Amazon Bedrock"), each cut at ``narrow_limit`` pixels.
    The chart's ``narrow`` layout (``layout_meta``) gives its rows the height of two lines."""
    return alt.Axis(
        labelLimit=narrow_or(str(narrow_limit), str(wide_limit)),
        labelExpr=f"{NARROW_EXPR} ? split(datum.label, '{split}') : datum.label",
    )


def wrap(text: str, width: int) -> str | list[str]:
    """``text`` as lines of at most ``width`` characters (a title or subtitle that fits a phone); short text as is.

    Example: wrap("Quanto tempo até a resposta completa?", 44) -> 'Quanto tempo até a resposta completa?'
    """
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return text if len(lines) <= 1 else lines


def wrap_lines(lines, width: int = SUBTITLE_CHARS) -> list[str]:
    """Every line of ``lines`` (a string or a list of them) wrapped at ``width`` characters, flattened."""
    out: list[str] = []
    for line in [lines] if isinstance(lines, str) else lines:
        wrapped = wrap(line, width)
        out.extend([wrapped] if isinstance(wrapped, str) else wrapped)
    return out


def layout_meta(
    *, narrow: dict | None = None, table: list[tuple[str, str]] | None = None, embed: dict | None = None
) -> dict:
    """A chart's ``usermeta``: what the page's script (``render.py``) does with it besides drawing it.

    - ``narrow``: a partial Vega-Lite spec merged into the chart on a phone (container under ``NARROW_PX``),
      for what no expression can change, such as the height of a row: ``{"height": {"step": 30}}``; lists merge
      item by item (``{"vconcat": [{}, {"height": {"step": 36}}]}``).
    - ``table``: (field, header) pairs: the page adds a visually hidden table of the drawn rows with these
      columns, for screen readers, and keeps it in step with the sliders.
    - ``embed``: vega-embed options (``embedOptions``); the renderer is always SVG.
    """
    meta: dict = {"embedOptions": {"renderer": "svg", **(embed or {})}}
    llms101: dict = {}
    if narrow:
        llms101["narrow"] = narrow
    if table:
        llms101["table"] = [[field, header] for field, header in table]
    if llms101:
        meta["llms101"] = llms101
    return meta


def chart_title(text, subtitle=None, **options) -> alt.TitleParams:
    """A chart's title and subtitle, wrapped to fit a phone and aligned with the left edge of the whole drawing
    (axis labels included), so that a narrow screen shows them from their first letter. ``text`` may be a Vega
    expression (``alt.ExprRef``), left as it is; a one-line subtitle stays a string.

    Example: chart_title("Velocidade por modelo", "dados: snapshot 2024-05 (até 2024-05-21)").anchor -> 'start'
    """
    if isinstance(text, str):
        text = wrap(text, TITLE_CHARS)
    if subtitle is None:
        subtitle = alt.Undefined
    else:
        lines = wrap_lines(subtitle)
        subtitle = lines[0] if isinstance(subtitle, str) and len(lines) == 1 else lines
    return alt.TitleParams(text, subtitle=subtitle, anchor="start", frame="bounds", **options)


def half_up_expr(value: str, decimals: int) -> str:
    """Vega expression: ``value`` rounded to ``decimals`` places the book's way (twin: ``formatting.number_pt``).

    Vega's ``format`` rounds the float's binary value, so 0.525 (0.52499999... as a float) would read 0,52. The
    expression first takes the decimal value (15 significant digits, as Python's ``f"{x:.15g}"``, read back in
    either locale), then rounds half up: ``round(x * 100) / 100``.

    Example: half_up_expr("datum.x", 2) -> "round(toNumber(...) * 100) / 100"
    """
    scale = 10**decimals
    digits = f"format({value}, '.15r')"
    dot = f"replace({digits}, format(0.5, '.1f') === '0.5' ? '.' : ',', '.')"
    return f"(round(toNumber({dot}) * {scale}) / {scale})"
