"""Quality charts: benchmark scores by model, and quality against price with a menu and a slider."""

from __future__ import annotations

import math
import textwrap

import altair as alt
import pandas as pd

from ..choose import model_summary
from .base import (
    LINE_BREAK,
    MISSING_PT,
    NARROW_EXPR,
    chart_title,
    layout_meta,
    snapshot_caption,
    wrap,
)
from .speed import openness_scale, openness_shapes, pt_br

# The metrics the menu offers, in the book's words. MT-Bench is left out: the data has it for one model only.
METRIC_LABELS = {
    "quality_index": "índice de qualidade (Artificial Analysis)",
    "mmlu_pct": "MMLU (%)",
    "humaneval_pct": "HumanEval (pass@1, %)",
}
HEIGHT = 340  # of the quality x price chart, in pixels
NOTE_Y = HEIGHT + 100  # where the "sem dado" note starts: below the x axis and the legend
NOTE_CHARS = 48  # a line of that note on a phone
ALL_METRIC_LABELS = {**METRIC_LABELS, "mt_bench_score": "MT-Bench (1 a 10)"}


LABEL_OFFSETS = {
    "right": {"align": "left", "dx": 10, "dy": 0},
    "above": {"align": "center", "dx": 0, "dy": -12},
    "below": {"align": "center", "dx": 0, "dy": 14},
}


NARROW_X_SPAN = 1.1  # decades a label takes on a phone's narrower x axis (``label_positions``' x_span)


def label_positions(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    by: str | None = None,
    x_span: float = 0.55,
    y_span: float = 2.0,
    log_x: bool = True,
):
    """Where each point's label goes so that labels do not overlap each other or the points: "right", "above" or
    "below".

    A label is a box ``x_span`` wide (in decades, since the x axis is a log scale; with ``log_x=False``, in x
    units) and ``y_span`` high (in y units). Points are placed from left to right; each label takes the first of
    right, above and below where its box meets no label already placed and no other point, or, where every one
    does, the one that overlaps least. ``by`` places each group (e.g. each metric) separately. A phone's
    narrower axis needs a wider ``x_span`` (the charts keep both placings: ``label_pos`` and ``label_pos_narrow``).

    Example: points (1, 65) and (1.5, 65) -> "above" for the first (to its right is the second point), "right"
    for the second
    """
    width, height = x_span, y_span

    def box(px: float, py: float, position: str) -> tuple[float, float, float, float]:
        if position == "right":
            return (px + 0.1 * width, px + 1.1 * width, py - height / 2, py + height / 2)
        if position == "above":
            return (px - width / 2, px + width / 2, py + 0.5 * height, py + 1.5 * height)
        return (px - width / 2, px + width / 2, py - 1.5 * height, py - 0.5 * height)

    def overlap(a, b) -> float:
        dx = min(a[1], b[1]) - max(a[0], b[0])
        dy = min(a[3], b[3]) - max(a[2], b[2])
        return dx * dy if dx > 0 and dy > 0 else 0.0

    positions = pd.Series("right", index=frame.index)
    groups = [frame] if by is None else [part for _, part in frame.groupby(by, sort=False)]
    for part in groups:
        points = []
        for idx, row in part.sort_values([x, y]).iterrows():
            if pd.isna(row[x]) or pd.isna(row[y]) or (log_x and row[x] <= 0):
                continue
            points.append((idx, math.log10(row[x]) if log_x else float(row[x]), float(row[y])))
        dots = {
            idx: (px - 0.1 * width, px + 0.1 * width, py - 0.3 * height, py + 0.3 * height) for idx, px, py in points
        }
        placed: list[tuple[float, float, float, float]] = []
        for idx, px, py in points:
            best, best_cost = "right", None
            for position in ("right", "above", "below"):
                label = box(px, py, position)
                cost = sum(overlap(label, other) for other in placed)
                cost += sum(overlap(label, dot) for other, dot in dots.items() if other != idx)
                if best_cost is None or cost < best_cost - 1e-12:
                    best, best_cost = position, cost
                if cost == 0:
                    break
            positions[idx] = best
            placed.append(box(px, py, best))
    return positions


def label_layers(base: alt.Chart, *, x, y, text: str = "model:N", opacity=None, gap: int = 0) -> list[alt.Chart]:
    """One text layer per label position (the data needs a ``label_pos`` column from ``label_positions``, and may
    have a ``label_pos_narrow`` one, used on a phone).

    ``gap`` pushes the labels further from their points, for big circles.
    """
    where = f"({NARROW_EXPR} && isValid(datum.label_pos_narrow) ? datum.label_pos_narrow : datum.label_pos)"
    layers = []
    for position, offsets in LABEL_OFFSETS.items():
        encoding = {"x": x, "y": y, "text": text}
        if opacity is not None:
            encoding["opacity"] = opacity
        moved = {
            "align": offsets["align"],
            "dx": offsets["dx"] + (gap if offsets["dx"] > 0 else 0),
            "dy": offsets["dy"] + (gap if offsets["dy"] > 0 else -gap if offsets["dy"] < 0 else 0),
        }
        layers.append(
            base.transform_filter(f"{where} == '{position}'").mark_text(fontSize=11, **moved).encode(**encoding)
        )
    return layers


def quality_long_data(df: pd.DataFrame, metrics=tuple(METRIC_LABELS)) -> pd.DataFrame:
    """One row per (model, metric) with the score, its source, as-of date and confidence, and the model's price.

    A missing score stays missing (its ``value_text`` reads "sem dado"); an estimated price says so in
    ``price_text``.
    """
    summary = model_summary(df)
    rows = []
    for _, m in summary.iterrows():
        price = m["blended_usd_per_mtok"]
        if pd.isna(price):
            price_text = MISSING_PT
        else:
            price_text = f"US$ {price:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") + " por 1M tokens"
            if m["price_has_estimate"]:
                price_text += " (inclui preço estimado)"
        for metric in metrics:
            value = m[metric]
            confidence = m[f"{metric}_confidence"]
            rows.append(
                {
                    "model": m["model"],
                    "openness": m["openness"],
                    "metric": metric,
                    "metric_label": ALL_METRIC_LABELS[metric],
                    "value": None if pd.isna(value) else float(value),
                    "value_text": MISSING_PT if pd.isna(value) else f"{value:g}".replace(".", ","),
                    "source": m[f"{metric}_source"] or MISSING_PT,
                    "as_of": m[f"{metric}_as_of"] or MISSING_PT,
                    "confidence": confidence or MISSING_PT,
                    "blended_usd_per_mtok": None if pd.isna(price) else float(price),
                    "price_text": price_text,
                    "priced_providers": int(m["priced_providers"]),
                }
            )
    out = pd.DataFrame(rows)
    out["label_pos"] = label_positions(out, x="blended_usd_per_mtok", y="value", by="metric")
    out["label_pos_narrow"] = label_positions(
        out, x="blended_usd_per_mtok", y="value", by="metric", x_span=NARROW_X_SPAN
    )
    return out


def missing_by_metric(long: pd.DataFrame) -> pd.DataFrame:
    """One row per metric: the models the chart cannot place (no score or no price), as one line of text."""
    out = []
    for metric, part in long.groupby("metric", sort=False):
        gone = part[part["value"].isna() | part["blended_usd_per_mtok"].isna()]["model"]
        text = f"{MISSING_PT}: " + ", ".join(gone) if len(gone) else ""
        out.append({"metric": metric, "text": text, "text_narrow": "\n".join(textwrap.wrap(text, NOTE_CHARS))})
    return pd.DataFrame(out)


def quality_price_chart(df: pd.DataFrame, *, metric: str = "quality_index", min_score: float = 0) -> alt.LayerChart:
    """Quality against price per model, price on a log scale: a menu picks the metric, a slider a minimum score.

    Each point is a model: its score on the chosen metric, and the median over its providers of the blended
    price (3 input : 1 output). Models at or above the slider's score keep their colour; the others turn grey.
    Models without the chosen score are listed under the chart as "sem dado".
    """
    if metric not in METRIC_LABELS:
        raise ValueError(f"metric must be one of {', '.join(METRIC_LABELS)}, not {metric!r}")
    long = quality_long_data(df)
    missing = missing_by_metric(long)
    menu = alt.param(
        name="metric_menu",
        value=metric,
        bind=alt.binding_select(options=list(METRIC_LABELS), labels=list(METRIC_LABELS.values()), name="métrica: "),
    )
    slider = alt.param(
        name="min_score", value=min_score, bind=alt.binding_range(min=0, max=100, step=1, name="pontuação mínima: ")
    )
    base = (
        alt.Chart(long)
        .transform_filter("datum.metric == metric_menu && isValid(datum.value) && isValid(datum.blended_usd_per_mtok)")
        .transform_calculate(above_pt="datum.value >= min_score ? 'sim' : 'não'")
    )
    x = alt.X(
        "blended_usd_per_mtok:Q",
        scale=alt.Scale(type="log"),
        title=wrap("preço combinado, mediana dos provedores (US$ por 1M tokens, escala log)", 40),
        axis=alt.Axis(format=",.2~f", labelOverlap="greedy"),
    )
    y = alt.Y("value:Q", scale=alt.Scale(zero=False, padding=12), title="pontuação na métrica escolhida")
    legend = alt.Legend(orient="bottom")
    points = base.mark_point(size=110, opacity=0.9, filled=True).encode(
        x=x,
        y=y,
        color=alt.condition(
            "datum.value >= min_score",
            alt.Color("openness:N", scale=openness_scale(long["openness"]), title="pesos", legend=legend),
            alt.value("#d0d0d0"),
        ),
        shape=alt.Shape("openness:N", scale=openness_shapes(long["openness"]), title="pesos", legend=legend),
        tooltip=[
            alt.Tooltip("model:N", title="modelo"),
            alt.Tooltip("metric_label:N", title="métrica"),
            alt.Tooltip("value_text:N", title="pontuação"),
            alt.Tooltip("source:N", title="fonte"),
            alt.Tooltip("as_of:N", title="data"),
            alt.Tooltip("confidence:N", title="confiança"),
            alt.Tooltip("price_text:N", title="preço combinado"),
            alt.Tooltip("priced_providers:Q", title="provedores com preço"),
            alt.Tooltip("openness:N", title="pesos"),
        ],
    )
    labels = label_layers(
        base, x=x, y=y, opacity=alt.condition("datum.value >= min_score", alt.value(1), alt.value(0.35))
    )
    note = (
        alt.Chart(missing)
        .transform_filter("datum.metric == metric_menu && datum.text != ''")
        .transform_calculate(shown_text=f"{NARROW_EXPR} ? datum.text_narrow : datum.text")
        .mark_text(align="left", baseline="top", color="#757575", fontStyle="italic", fontSize=11, lineBreak=LINE_BREAK)
        .encode(x=alt.value(0), y=alt.value(NOTE_Y), text="shown_text:N")
    )
    chart = (
        alt.layer(points, *labels, note)
        .add_params(menu, slider)
        .properties(
            title=chart_title("Qualidade x preço", snapshot_caption(df)),
            width="container",
            height=HEIGHT,
            description=(
                "Pontos com os modelos: o preço combinado (em escala logarítmica) no eixo horizontal e a pontuação"
                " na métrica do menu no vertical; os que ficam abaixo da pontuação mínima do controle ficam cinza."
            ),
            usermeta=layout_meta(
                table=[
                    ("model", "modelo"),
                    ("metric_label", "métrica"),
                    ("value_text", "pontuação"),
                    ("price_text", "preço combinado"),
                    ("openness", "pesos"),
                    ("above_pt", "atinge a pontuação mínima"),
                ]
            ),
        )
    )
    return pt_br(chart)


def benchmark_chart(df: pd.DataFrame, *, metric: str = "quality_index") -> alt.LayerChart:
    """One metric by model, best first (the article's quality and MMLU charts); a missing score reads "sem dado"."""
    if metric not in ALL_METRIC_LABELS:
        raise ValueError(f"metric must be one of {', '.join(ALL_METRIC_LABELS)}, not {metric!r}")
    long = quality_long_data(df, metrics=(metric,))
    order = list(long.sort_values(["value", "model"], ascending=[False, True], na_position="last")["model"])
    # The score and, so that colour is not the only sign of it, the openness: "88 · pesos abertos".
    base = (
        alt.Chart(long)
        .transform_calculate(label_text=f"datum.value_text + ({NARROW_EXPR} ? '\\n' : ' · ') + datum.openness")
        .encode(
            y=alt.Y("model:N", sort=order, title=None),
            tooltip=[
                alt.Tooltip("model:N", title="modelo"),
                alt.Tooltip("value_text:N", title="pontuação"),
                alt.Tooltip("source:N", title="fonte"),
                alt.Tooltip("as_of:N", title="data"),
                alt.Tooltip("confidence:N", title="confiança"),
            ],
        )
    )
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title=ALL_METRIC_LABELS[metric]),
        color=alt.Color(
            "openness:N", scale=openness_scale(long["openness"]), title="pesos", legend=alt.Legend(orient="bottom")
        ),
    )
    labels = base.mark_text(align="left", dx=3, lineBreak=LINE_BREAK).encode(x="value:Q", text="label_text:N")
    missing = (
        base.transform_filter("!isValid(datum.value)")
        .mark_text(align="left", color="#757575", fontStyle="italic", lineBreak=LINE_BREAK)
        .encode(x=alt.value(3), text="label_text:N")
    )
    title = ALL_METRIC_LABELS[metric]
    chart = alt.layer(bars, labels, missing).properties(
        title=chart_title(title[0].upper() + title[1:] + " por modelo", snapshot_caption(df)),
        width="container",
        description=(
            f"Barras com {title} de cada modelo, do melhor ao pior, cada uma dizendo se os pesos do modelo são"
            " abertos ou fechados."
        ),
        usermeta=layout_meta(
            narrow={"height": {"step": 30}},
            table=[("model", "modelo"), ("value_text", title), ("openness", "pesos")],
        ),
    )
    return pt_br(chart)
