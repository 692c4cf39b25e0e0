"""Quality charts: benchmark scores by model, and quality against price with a menu and a slider."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from ..choose import model_summary
from .base import MISSING_PT, snapshot_caption
from .speed import openness_scale, pt_br

# The metrics the menu offers, in the book's words. MT-Bench is left out: the data has it for one model only.
METRIC_LABELS = {
    "quality_index": "índice de qualidade (Artificial Analysis)",
    "mmlu_pct": "MMLU (%)",
    "humaneval_pct": "HumanEval (pass@1, %)",
}
HEIGHT = 340  # of the quality x price chart, in pixels
ALL_METRIC_LABELS = {**METRIC_LABELS, "mt_bench_score": "MT-Bench (0 a 10)"}


LABEL_OFFSETS = {
    "right": {"align": "left", "dx": 10, "dy": 0},
    "above": {"align": "center", "dx": 0, "dy": -12},
    "below": {"align": "center", "dx": 0, "dy": 14},
}


def label_positions(
    frame: pd.DataFrame, *, x: str, y: str, by: str | None = None, x_span: float = 0.55, y_span: float = 2.0
):
    """Where each point's label goes so that neighbours' labels do not overlap: "right", "above" or "below".

    A label goes to the right of its point, unless the point sits within ``y_span`` units of height and
    ``x_span`` decades (the x axis is a log scale) to the right of a point already labelled: then it goes below
    that label when the neighbour is higher, above it otherwise, or to the other side when that one is taken.
    ``by`` places each group (e.g. each metric) separately.

    Example: points (1, 65) and (1.5, 65) -> "right" for the first, "above" for the second
    """
    positions = pd.Series("right", index=frame.index)
    groups = [frame] if by is None else [part for _, part in frame.groupby(by, sort=False)]
    for part in groups:
        placed: list[tuple[float, float, str]] = []
        for idx, row in part.sort_values([x, y]).iterrows():
            if pd.isna(row[x]) or pd.isna(row[y]) or row[x] <= 0:
                continue
            here = math.log10(row[x])
            clashes = [(px, py, pos) for px, py, pos in placed if abs(row[y] - py) < y_span and 0 <= here - px < x_span]
            position = "right"
            if clashes:
                taken = {pos for _, _, pos in clashes}
                higher = any(py > row[y] for _, py, _ in clashes)
                preferred = ["below", "above"] if higher else ["above", "below"]
                position = next((pos for pos in preferred if pos not in taken), "right")
            positions[idx] = position
            placed.append((here, row[y], position))
    return positions


def label_layers(base: alt.Chart, *, x, y, text: str = "model:N", opacity=None, gap: int = 0) -> list[alt.Chart]:
    """One text layer per label position (the data needs a ``label_pos`` column from ``label_positions``).

    ``gap`` pushes the labels further from their points, for big circles.
    """
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
            base.transform_filter(f"datum.label_pos == '{position}'").mark_text(fontSize=11, **moved).encode(**encoding)
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
    return out


def missing_by_metric(long: pd.DataFrame) -> pd.DataFrame:
    """One row per metric: the models the chart cannot place (no score or no price), as one line of text."""
    out = []
    for metric, part in long.groupby("metric", sort=False):
        gone = part[part["value"].isna() | part["blended_usd_per_mtok"].isna()]["model"]
        text = f"{MISSING_PT}: " + ", ".join(gone) if len(gone) else ""
        out.append({"metric": metric, "text": text})
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
    base = alt.Chart(long).transform_filter(
        "datum.metric == metric_menu && isValid(datum.value) && isValid(datum.blended_usd_per_mtok)"
    )
    x = alt.X(
        "blended_usd_per_mtok:Q",
        scale=alt.Scale(type="log"),
        title="preço combinado, mediana dos provedores (US$ por 1M tokens, escala log)",
        axis=alt.Axis(format=",.2~f"),
    )
    y = alt.Y("value:Q", scale=alt.Scale(zero=False, padding=12), title="pontuação na métrica escolhida")
    points = base.mark_circle(size=110, opacity=0.9).encode(
        x=x,
        y=y,
        color=alt.condition(
            "datum.value >= min_score",
            alt.Color("openness:N", scale=openness_scale(long["openness"]), title="pesos"),
            alt.value("#d0d0d0"),
        ),
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
        .mark_text(align="left", baseline="top", color="#757575", fontStyle="italic", fontSize=11)
        .encode(x=alt.value(0), y=alt.value(HEIGHT + 44), text="text:N")
    )
    chart = (
        alt.layer(points, *labels, note)
        .add_params(menu, slider)
        .properties(
            title=alt.Title("Qualidade x preço", subtitle=snapshot_caption(df)),
            width=480,
            height=HEIGHT,
        )
    )
    return pt_br(chart)


def benchmark_chart(df: pd.DataFrame, *, metric: str = "quality_index") -> alt.LayerChart:
    """One metric by model, best first (the article's quality and MMLU charts); a missing score reads "sem dado"."""
    if metric not in ALL_METRIC_LABELS:
        raise ValueError(f"metric must be one of {', '.join(ALL_METRIC_LABELS)}, not {metric!r}")
    long = quality_long_data(df, metrics=(metric,))
    order = list(long.sort_values(["value", "model"], ascending=[False, True], na_position="last")["model"])
    base = alt.Chart(long).encode(
        y=alt.Y("model:N", sort=order, title=None),
        tooltip=[
            alt.Tooltip("model:N", title="modelo"),
            alt.Tooltip("value_text:N", title="pontuação"),
            alt.Tooltip("source:N", title="fonte"),
            alt.Tooltip("as_of:N", title="data"),
            alt.Tooltip("confidence:N", title="confiança"),
        ],
    )
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title=ALL_METRIC_LABELS[metric]),
        color=alt.Color(
            "openness:N", scale=openness_scale(long["openness"]), title="pesos", legend=alt.Legend(orient="bottom")
        ),
    )
    labels = base.mark_text(align="left", dx=3).encode(x="value:Q", text="value_text:N")
    missing = (
        base.transform_filter("!isValid(datum.value)")
        .mark_text(align="left", color="#757575", fontStyle="italic")
        .encode(x=alt.value(3), text="value_text:N")
    )
    title = ALL_METRIC_LABELS[metric]
    chart = alt.layer(bars, labels, missing).properties(
        title=alt.Title(title[0].upper() + title[1:] + " por modelo", subtitle=snapshot_caption(df)), width=440
    )
    return pt_br(chart)
