"""Provider charts: one model served by many companies, at different prices and speeds.

A missing price or speed shows as "sem dado" (never at 0); an estimated price is marked as an estimate. The one
browser-side formula (time to stream the output) is a module-level string, pinned by
``tests/test_charts_providers.py`` to ``calculators.latency``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..costs import price_is_estimate
from ..pricing import blended_usd_per_mtok
from .base import (
    LABEL_SEP_EXPR,
    LINE_BREAK,
    MISSING_PT,
    chart_title,
    layout_meta,
    snapshot_caption,
    wrap,
)
from .price import pt_number_expr
from .quality import label_layers, label_positions

STREAM_TOKENS_PARAM = "stream_output_tokens"
MODEL_PARAM = "model_choice"

# Seconds to stream the output once the first token arrived. Twin: latency.latency_table(df, output_tokens=...)
# ["generation_s"] (and latency.e2e_s with ttft_s=0).
GENERATION_S_EXPR = "stream_output_tokens / datum.output_tokens_per_s"
HAS_SPEED_EXPR = "isValid(datum.output_tokens_per_s) && datum.output_tokens_per_s > 0"

LISTED_PT = "preço de tabela"
ESTIMATE_PT = "preço estimado"


def provider_rows(df: pd.DataFrame, model: str | None = None) -> pd.DataFrame:
    """One row per provider (of ``model``, or of every model): prices, blended price, speed and their status.

    ``price_status`` is "preço de tabela", "preço estimado" or "sem dado"; ``blended_usd_per_mtok`` is
    Artificial Analysis' 3 input : 1 output blend (``pricing.blended_usd_per_mtok``), missing where a price is.
    """
    rows = df if model is None else df[df["model"] == model]
    estimate = price_is_estimate(rows)
    blended = blended_usd_per_mtok(
        input_usd_per_mtok=rows["input_usd_per_mtok"], output_usd_per_mtok=rows["output_usd_per_mtok"]
    )
    status = [
        MISSING_PT if pd.isna(b) else (ESTIMATE_PT if e else LISTED_PT) for b, e in zip(blended, estimate, strict=True)
    ]
    out = pd.DataFrame(
        {
            "model": rows["model"],
            "provider": rows["provider"],
            "input_usd_per_mtok": rows["input_usd_per_mtok"].astype("float64"),
            "output_usd_per_mtok": rows["output_usd_per_mtok"].astype("float64"),
            "blended_usd_per_mtok": blended.astype("float64"),
            "output_tokens_per_s": rows["output_tokens_per_s"].astype("float64"),
            "price_status": status,
        }
    )
    out["point_label"] = [
        p + (" (preço estimado)" if s == ESTIMATE_PT else "")
        for p, s in zip(out["provider"], out["price_status"], strict=True)
    ]
    return out.reset_index(drop=True)


_STATUS_SCALE = alt.Scale(domain=[LISTED_PT, ESTIMATE_PT], range=["#1f77b4", "#ff7f0e"])
_SHAPE_SCALE = alt.Scale(domain=[LISTED_PT, ESTIMATE_PT], range=["circle", "triangle-up"])
AXIS_TITLE_CHARS = 40  # an axis title's line: fits a phone
_LEGEND = alt.Legend(orient="bottom", direction="vertical")


def price_speed_chart(df: pd.DataFrame, model: str = "Llama 3 70B") -> alt.VConcatChart:
    """Blended price against output speed, one point per provider of ``model``.

    Providers without a price go on a separate strip below ("preço: sem dado"), at their speed; an estimated
    price is a triangle labelled "(preço estimado)". Providers without a speed are named in the subtitle.
    """
    rows = provider_rows(df, model)
    no_speed = rows[rows["output_tokens_per_s"].isna()]
    rows = rows[rows["output_tokens_per_s"].notna()]
    priced = rows[rows["price_status"] != MISSING_PT]
    unpriced = rows[rows["price_status"] == MISSING_PT]
    top_speed = float(rows["output_tokens_per_s"].max()) if len(rows) else 1.0
    # Labels beside their points, moved above or below a neighbour's: a label is ~70 px wide and ~14 px high, of a
    # plot 440 px wide (about 200 on a phone) and 260 px high.
    top_price = float(priced["blended_usd_per_mtok"].max()) if len(priced) else 1.0
    y_span = top_price * 1.1 * 14 / 260
    placing = {"x": "output_tokens_per_s", "y": "blended_usd_per_mtok", "y_span": y_span, "log_x": False}
    priced = priced.assign(
        label_pos=label_positions(priced, x_span=top_speed * 1.15 * 70 / 440, **placing),
        label_pos_narrow=label_positions(priced, x_span=top_speed * 1.15 * 70 / 200, **placing),
    )
    x_scale = alt.Scale(domain=[0, top_speed * 1.15], nice=False)
    x = alt.X("output_tokens_per_s:Q", title="velocidade de saída (tokens por segundo)", scale=x_scale)
    subtitle = [snapshot_caption(df), "preço combinado: 3 tokens de entrada para 1 de saída"]
    if len(no_speed):
        subtitle.append("sem dado de velocidade: " + ", ".join(no_speed["provider"]))
    tooltip = [
        alt.Tooltip("provider:N", title="provedor"),
        alt.Tooltip("output_tokens_per_s:Q", title="tokens/s"),
        alt.Tooltip("blended_usd_per_mtok:Q", title="US$/1M tokens (combinado)", format=".2f"),
        alt.Tooltip("price_status:N", title="preço"),
    ]
    y = alt.Y(
        "blended_usd_per_mtok:Q",
        title="preço combinado (US$ por 1M tokens)",
        axis=alt.Axis(labelExpr="'US$ ' + " + pt_number_expr("datum.value", 2)),
    )
    base = alt.Chart(priced).encode(
        x=x,
        y=y,
        tooltip=tooltip,
        description=alt.Description("provider:N"),
    )
    points = base.mark_point(filled=True, size=110).encode(
        color=alt.Color("price_status:N", scale=_STATUS_SCALE, title=None, legend=_LEGEND),
        shape=alt.Shape("price_status:N", scale=_SHAPE_SCALE, title=None),
    )
    names = label_layers(base, x=x, y=y, text="point_label:N")
    top = alt.layer(points, *names).properties(width=440, height=260)
    if unpriced.empty:
        chart = alt.vconcat(top)
    else:
        strip_rows = unpriced.assign(strip_label=lambda d: d["provider"] + ": preço " + MISSING_PT)
        strip_base = alt.Chart(strip_rows).encode(
            x=x.axis(title=None, labels=False, ticks=False),
            y=alt.Y("strip_label:N", title=None, axis=alt.Axis(labels=False, ticks=False, domain=False)),
            tooltip=tooltip,
            description=alt.Description("strip_label:N"),
        )
        strip = alt.layer(
            strip_base.mark_point(shape="diamond", size=90, color="#7f7f7f", filled=False),
            strip_base.mark_text(align="left", dx=8, fontSize=11, color="#555").encode(text="strip_label:N"),
        ).properties(
            width=440,
            height=alt.Step(18),
            title=alt.TitleParams(f"sem preço no snapshot ({MISSING_PT}): só a velocidade", fontSize=11),
        )
        chart = alt.vconcat(top, strip, spacing=8)
    return chart.properties(
        title=chart_title(f"{model}: preço × velocidade em cada provedor", subtitle),
        description=(
            f"Pontos com os provedores de {model}: a velocidade de saída no eixo horizontal e o preço combinado no"
            " vertical; embaixo e à direita ficam os mais baratos e mais rápidos."
        ),
        usermeta=layout_meta(
            table=[
                ("provider", "provedor"),
                ("output_tokens_per_s", "tokens de saída por segundo"),
                ("blended_usd_per_mtok", "preço combinado (US$ por 1M tokens)"),
                ("price_status", "preço"),
            ]
        ),
    )


def stream_time_chart(df: pd.DataFrame, model: str = "Llama 3 70B", *, output_tokens: int = 500) -> alt.LayerChart:
    """Seconds each provider of ``model`` takes to stream ``stream_output_tokens`` tokens (a slider).

    Only the streaming: the wait for the first token is not included. Formula: ``GENERATION_S_EXPR``.
    Providers without a speed read "sem dado".
    """
    rows = provider_rows(df, model)
    slider = alt.param(
        name=STREAM_TOKENS_PARAM,
        value=output_tokens,
        bind=alt.binding_range(min=0, max=4_000, step=50, name="tokens de saída "),
    )
    seconds = pt_number_expr("datum.generation_s", 1)
    base = (
        alt.Chart(rows)
        .transform_calculate(generation_s=f"{HAS_SPEED_EXPR} ? {GENERATION_S_EXPR} : null")
        .transform_calculate(
            time_label=f"isValid(datum.generation_s) ? {seconds} + ' s' : '{MISSING_PT}'",
            label_x="isValid(datum.generation_s) ? datum.generation_s : 0",
            sort_key="isValid(datum.output_tokens_per_s) ? -datum.output_tokens_per_s : 1e12",
        )
        .encode(
            y=alt.Y("provider:N", title=None, sort=alt.EncodingSortField("sort_key", op="min", order="ascending")),
            description=alt.Description("provider:N"),
        )
    )
    bars = base.mark_bar(color="#1f77b4").encode(
        x=alt.X(
            "generation_s:Q",
            title=wrap("segundos para transmitir a resposta (sem a espera pelo 1º token)", AXIS_TITLE_CHARS),
        ),
        tooltip=[
            alt.Tooltip("provider:N", title="provedor"),
            alt.Tooltip("output_tokens_per_s:Q", title="tokens/s"),
            alt.Tooltip("time_label:N", title="tempo"),
        ],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(x="label_x:Q", text="time_label:N")
    return (
        alt.layer(bars, labels)
        .add_params(slider)
        .properties(
            width="container",
            height=alt.Step(20),
            title=chart_title(
                f"{model}: quanto tempo a resposta leva para ser transmitida",
                [snapshot_caption(df), "arraste o controle: quantos tokens tem a resposta"],
            ),
            description=(
                f"Barras com os segundos que cada provedor de {model} leva para transmitir a resposta, do mais rápido"
                " ao mais lento; o controle muda quantos tokens a resposta tem."
            ),
            usermeta=layout_meta(table=[("provider", "provedor"), ("time_label", "tempo para transmitir")]),
        )
    )


def models_with_providers(df: pd.DataFrame, minimum: int = 2) -> list[str]:
    """Models with at least ``minimum`` providers, those with the most providers first."""
    counts = df.groupby("model")["provider"].nunique()
    counts = counts[counts >= minimum]
    return sorted(counts.index, key=lambda m: (-counts[m], m))


def provider_price_chart(df: pd.DataFrame, model: str = "Llama 3 70B") -> alt.LayerChart:
    """Blended price of each provider of the model picked in a menu (``model_choice``) among models with two or
    more providers. A missing price reads "sem dado"; an estimate, "(preço estimado)".
    """
    options = models_with_providers(df)
    if model not in options and options:
        model = options[0]
    rows = provider_rows(df[df["model"].isin(options)])
    menu = alt.param(
        name=MODEL_PARAM,
        value=model,
        bind=alt.binding_select(options=options, name="modelo "),
    )
    money = pt_number_expr("datum.blended_usd_per_mtok", 2)
    base = (
        alt.Chart(rows)
        .transform_filter(f"datum.model === {MODEL_PARAM}")
        .transform_calculate(
            price_label=f"(isValid(datum.blended_usd_per_mtok) ? 'US$ ' + {money} : '{MISSING_PT}')"
            f" + (datum.price_status === '{ESTIMATE_PT}' ? {LABEL_SEP_EXPR} + '({ESTIMATE_PT})' : '')",
            label_x="isValid(datum.blended_usd_per_mtok) ? datum.blended_usd_per_mtok : 0",
            sort_key="isValid(datum.blended_usd_per_mtok) ? datum.blended_usd_per_mtok : 1e12",
        )
        .encode(
            y=alt.Y("provider:N", title=None, sort=alt.EncodingSortField("sort_key", op="min", order="ascending")),
            description=alt.Description("provider:N"),
        )
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "blended_usd_per_mtok:Q",
            title=wrap("preço combinado (US$ por 1M tokens, 3 de entrada : 1 de saída)", AXIS_TITLE_CHARS),
            axis=alt.Axis(labelExpr="'US$ ' + " + pt_number_expr("datum.value", 2)),
        ),
        color=alt.Color("price_status:N", scale=_STATUS_SCALE, title=None, legend=_LEGEND),
        tooltip=[
            alt.Tooltip("provider:N", title="provedor"),
            alt.Tooltip("input_usd_per_mtok:Q", title="entrada (US$/1M tokens)"),
            alt.Tooltip("output_usd_per_mtok:Q", title="saída (US$/1M tokens)"),
            alt.Tooltip("price_label:N", title="combinado"),
        ],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=11, lineBreak=LINE_BREAK).encode(
        x="label_x:Q", text="price_label:N"
    )
    return (
        alt.layer(bars, labels)
        .add_params(menu)
        .properties(
            width="container",
            height=alt.Step(20),
            title=chart_title(
                "O mesmo modelo, provedores diferentes: quanto cada um cobra",
                [snapshot_caption(df), "escolha o modelo no menu abaixo do gráfico"],
            ),
            description=(
                "Barras com o preço combinado que cada provedor cobra pelo modelo escolhido no menu, do mais barato"
                " ao mais caro."
            ),
            usermeta=layout_meta(
                narrow={"height": {"step": 30}},
                table=[("provider", "provedor"), ("price_label", "preço combinado (US$ por 1M tokens)")],
            ),
        )
    )
