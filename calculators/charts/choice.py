"""Charts for choosing: open against closed models, and the "escolha seu LLM" lab that runs in the browser.

The lab's formulas and checks live here as Vega expression strings; the tests evaluate them in Python and pin
them to ``calculators.pricing``, ``calculators.latency`` and ``calculators.choose.choose`` (the same rows must
come out as ``atende``, ``sem dado`` and ``não atende``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..choose import (
    CLOSED_PT,
    DAYS_PER_MONTH,
    FAILS,
    FITS,
    OPEN_PT,
    UNKNOWN,
    model_summary,
    number_pt,
    openness_pt,
)
from ..latency import latency_table
from ..pricing import MTOK
from .base import (
    LINE_BREAK,
    MISSING_PT,
    NARROW_EXPR,
    chart_title,
    layout_meta,
    snapshot_caption,
    tier_columns,
    tier_price_expr,
    wrap,
    wrap_lines,
)
from .quality import NARROW_X_SPAN, label_layers, label_positions
from .speed import E2E_S_EXPR, SPEED_BASIS_PT, openness_scale, openness_shapes, pt_br, text_or_missing, when_valid

# Browser formulas; the params are the sliders ``input_tokens``, ``output_tokens`` and ``requests_per_day``. A
# long prompt pays its row's tier (twin: pricing.cost_table at pricing.applied_price's prices).
COST_USD_EXPR = (
    f"(input_tokens * {tier_price_expr('input_usd_per_mtok', 'input_tokens')}"
    f" + output_tokens * {tier_price_expr('output_usd_per_mtok', 'input_tokens')}) / {MTOK}"
)
MONTHLY_COST_USD_EXPR = f"requests_per_day * {DAYS_PER_MONTH} * datum.cost_usd"

NO_LIMIT = 1e15  # sorts a row with no response time last (JSON has no infinity)
ANY_OPENNESS = "todos"

GENERATION_S_EXPR = "output_tokens / datum.speed_tokens_per_s"
E2E_OVER = "isValid(datum.e2e_s) && datum.e2e_s > max_e2e_s"
GENERATION_OVER = f"!isValid(datum.e2e_s) && isValid(datum.speed_tokens_per_s) && {GENERATION_S_EXPR} > max_e2e_s"
TTFT_OVER = (
    "!isValid(datum.e2e_s) && !(isValid(datum.speed_tokens_per_s) && "
    f"{GENERATION_S_EXPR} > max_e2e_s) && isValid(datum.ttft_s) && datum.ttft_s > max_e2e_s"
)

# The checks of calculators.choose.choose, as Vega expressions. ``min_quality`` 0 means no quality constraint,
# ``use_max_e2e`` switches the time limit on, ``openness_menu`` is "todos", "pesos abertos" or "pesos fechados".
FAIL_EXPRS = {
    "open_weights": (
        f"openness_menu != '{ANY_OPENNESS}' && isValid(datum.open_weights) && datum.openness != openness_menu"
    ),
    "quality": "min_quality > 0 && isValid(datum.quality) && datum.quality < min_quality",
    # The whole time when it is known; otherwise a known part of it (the generation, or the wait for the first
    # token) that alone already breaks the limit (twin: choose.response_time_check).
    "e2e": f"use_max_e2e && (({E2E_OVER}) || ({GENERATION_OVER}) || ({TTFT_OVER}))",
    "context": "isValid(datum.context_window_tokens) && input_tokens + output_tokens > datum.context_window_tokens",
}
UNKNOWN_EXPRS = {
    "open_weights": f"openness_menu != '{ANY_OPENNESS}' && !isValid(datum.open_weights)",
    "quality": "min_quality > 0 && !isValid(datum.quality)",
    "e2e": "use_max_e2e && !isValid(datum.e2e_s)",
    "context": "!isValid(datum.context_window_tokens)",
    "price": "!isValid(datum.cost_usd)",
}
LEFT_OUT_TITLE_PT = "Os que ficaram de fora (até dez), e por quê"
NOTHING_FITS_PT = "Nenhuma combinação atende: afrouxe uma exigência (veja quantas ficaram sem dado, abaixo)."
FAILS_EXPR = " || ".join(f"({e})" for e in FAIL_EXPRS.values())
UNKNOWN_EXPR = " || ".join(f"({e})" for e in UNKNOWN_EXPRS.values())
STATUS_EXPR = f"datum.fails ? '{FAILS}' : datum.unknown ? '{UNKNOWN}' : '{FITS}'"


def _typed(expr: str) -> str:
    """A number as JavaScript writes it, with a decimal comma (twin: choose._fmt)."""
    return f"replace(toString({expr}), '.', ',')"


def _tenths_text(expr: str) -> str:
    """A number of seconds rounded to one decimal, a tie upwards (twin: choose.tenths), with a decimal comma."""
    return f"format(round(({expr}) * 10) / 10, '.1f')"


# Why a row fails or lacks a figure, in the words and order of choose's ``reason``: the broken checks, then the
# missing figures, joined by "; ".
_LIMIT = _typed("max_e2e_s")
REASON_PARTS = [
    (FAIL_EXPRS["open_weights"], "datum.openness + ' (pedido: ' + openness_menu + ')'"),
    (FAIL_EXPRS["quality"], f"'qualidade ' + {_typed('datum.quality')} + ' < ' + {_typed('min_quality')}"),
    (
        f"use_max_e2e && ({E2E_OVER})",
        f"'tempo de resposta ' + {_tenths_text('datum.e2e_s')} + ' s > ' + {_LIMIT} + ' s'",
    ),
    (
        f"use_max_e2e && ({GENERATION_OVER})",
        f"'só a geração já leva ' + {_tenths_text(GENERATION_S_EXPR)} + ' s > ' + {_LIMIT} + ' s'",
    ),
    (
        f"use_max_e2e && ({TTFT_OVER})",
        f"'só o primeiro token já leva ' + {_tenths_text('datum.ttft_s')} + ' s > ' + {_LIMIT} + ' s'",
    ),
    (
        FAIL_EXPRS["context"],
        "format(input_tokens + output_tokens, ',d') + ' tokens > janela de '"
        " + format(datum.context_window_tokens, ',d')",
    ),
    (UNKNOWN_EXPRS["open_weights"], "'pesos abertos: sem dado'"),
    (UNKNOWN_EXPRS["quality"], "'qualidade: sem dado'"),
    (
        f"!({FAIL_EXPRS['e2e']}) && {UNKNOWN_EXPRS['e2e']}",
        "'tempo de resposta: sem dado (' + (isValid(datum.ttft_s) ? 'velocidade' : 'tempo até o primeiro token') + ')'",
    ),
    (UNKNOWN_EXPRS["context"], "'janela de contexto: sem dado'"),
    (UNKNOWN_EXPRS["price"], "'preço: sem dado'"),
]
REASON_EXPR = "substring(" + " + ".join(f"(({c}) ? '; ' + {t} : '')" for c, t in REASON_PARTS) + ", 2)"


def lab_data(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (model, provider) with the figures the browser lab needs; missing figures stay missing."""
    table = latency_table(df, output_tokens=0)
    tiers = tier_columns(table)
    estimated = (table["input_usd_per_mtok_confidence"] == "estimate") | (
        table["output_usd_per_mtok_confidence"] == "estimate"
    )
    notes = []
    for est, basis in zip(estimated, table["speed_basis"], strict=True):
        note = []
        if est:
            note.append("preço estimado")
        if basis == "model median":
            note.append("velocidade: mediana do modelo")
        notes.append("; ".join(note) or "—")
    open_weights = table["open_weights"].astype("boolean")
    return pd.DataFrame(
        {
            "label": table["model"] + " · " + table["provider"],
            "model": table["model"],
            "provider": table["provider"],
            "open_weights": [None if v is pd.NA else bool(v) for v in open_weights],
            "openness": [openness_pt(v) for v in open_weights],
            "quality": table["quality_index"],
            "quality_text": [number_pt(v, 0) for v in table["quality_index"]],
            "input_usd_per_mtok": table["input_usd_per_mtok"],
            "output_usd_per_mtok": table["output_usd_per_mtok"],
            "ttft_s": table["ttft_s"],
            "speed_tokens_per_s": table["speed_tokens_per_s"],
            "speed_text": [number_pt(v, 0, " tokens/s") for v in table["speed_tokens_per_s"]],
            "basis": table["speed_basis"].map(SPEED_BASIS_PT),
            "context_window_tokens": table["context_window_tokens"].astype("Float64").astype("float64"),
            **{column: tiers[column] for column in tiers},
            "notes": notes,
        }
    )


def choice_chart(
    df: pd.DataFrame,
    *,
    input_tokens: int = 2_000,
    output_tokens: int = 500,
    requests_per_day: int = 1_000,
    min_quality: int = 80,
    max_e2e_s: float = 10,
    use_max_e2e: bool = False,
    openness: str = ANY_OPENNESS,
) -> alt.VConcatChart:
    """The lab in the browser: sliders for the workload and the constraints, the rows that fit on a chart.

    Top: each (model, provider) that fits, monthly cost (log scale) against quality, the point's size its speed.
    Middle: the ten cheapest that fit, in ``choose``'s order (cost, then response time, then quality), with
    monthly cost, response time and quality; then how many rows fit, lack a figure ("sem dado") or break a
    constraint; last, up to ten rows that do not fit ("sem dado" first), each with ``choose``'s reason. Same checks
    as ``calculators.choose.choose``.
    """
    if openness not in (ANY_OPENNESS, OPEN_PT, CLOSED_PT):
        raise ValueError(f"openness must be {ANY_OPENNESS!r}, {OPEN_PT!r} or {CLOSED_PT!r}, not {openness!r}")
    data = lab_data(df)
    params = [
        alt.param(
            name="input_tokens",
            value=input_tokens,
            bind=alt.binding_range(min=100, max=200_000, step=100, name="tokens de entrada por pedido: "),
        ),
        alt.param(
            name="output_tokens",
            value=output_tokens,
            bind=alt.binding_range(min=50, max=4_000, step=50, name="tokens de saída por pedido: "),
        ),
        alt.param(
            name="requests_per_day",
            value=requests_per_day,
            bind=alt.binding_range(min=1, max=100_000, step=1, name="pedidos por dia: "),
        ),
        alt.param(
            name="min_quality",
            value=min_quality,
            bind=alt.binding_range(min=0, max=100, step=1, name="qualidade mínima (0 = tanto faz): "),
        ),
        alt.param(
            name="use_max_e2e",
            value=use_max_e2e,
            bind=alt.binding_checkbox(name="limitar o tempo de resposta? "),
        ),
        alt.param(
            name="max_e2e_s",
            value=max_e2e_s,
            bind=alt.binding_range(min=1, max=60, step=0.5, name="tempo máximo de resposta (s): "),
        ),
        alt.param(
            name="openness_menu",
            value=openness,
            bind=alt.binding_select(options=[ANY_OPENNESS, OPEN_PT, CLOSED_PT], name="pesos: "),
        ),
    ]
    base = (
        alt.Chart(data)
        .transform_calculate(
            cost_usd=when_valid(COST_USD_EXPR, ["input_usd_per_mtok", "output_usd_per_mtok"]),
            e2e_s=when_valid(E2E_S_EXPR, ["ttft_s", "speed_tokens_per_s"]),
        )
        .transform_calculate(monthly_cost_usd=when_valid(MONTHLY_COST_USD_EXPR, ["cost_usd"]))
        .transform_calculate(fails=FAILS_EXPR, unknown=UNKNOWN_EXPR)
        .transform_calculate(
            status=STATUS_EXPR,
            reason=REASON_EXPR,
            monthly_text=text_or_missing("datum.monthly_cost_usd", "$,.2f", " por mês"),
            cost_text=text_or_missing("datum.cost_usd", "$,.5f", " por pedido"),
            e2e_text=text_or_missing("datum.e2e_s", ",.1f", " s"),
        )
    )
    tooltip = [
        alt.Tooltip("label:N", title="modelo · provedor"),
        alt.Tooltip("monthly_text:N", title="custo"),
        alt.Tooltip("cost_text:N", title="custo por pedido"),
        alt.Tooltip("e2e_text:N", title="resposta completa"),
        alt.Tooltip("quality_text:N", title="qualidade"),
        alt.Tooltip("speed_text:N", title="velocidade"),
        alt.Tooltip("basis:N", title="velocidade medida"),
        alt.Tooltip("openness:N", title="pesos"),
        alt.Tooltip("notes:N", title="atenção"),
    ]
    fits = base.transform_filter(f"datum.status == '{FITS}'")
    # Legends under the plot, stacked narrow enough for a phone.
    legend = alt.Legend(orient="bottom", direction="vertical")
    scatter = (
        fits.mark_point(opacity=0.8, filled=True)
        .encode(
            x=alt.X(
                "monthly_cost_usd:Q",
                scale=alt.Scale(type="log"),
                title="custo por mês (US$, escala log)",
                axis=alt.Axis(format="$,.2~f", labelOverlap="greedy"),
            ),
            y=alt.Y("quality:Q", scale=alt.Scale(zero=False, padding=10), title="índice de qualidade"),
            size=alt.Size(
                "speed_tokens_per_s:Q",
                title="tokens/s",
                scale=alt.Scale(range=[40, 600]),
                legend=alt.Legend(orient="bottom", values=[50, 100, 200]),
            ),
            color=alt.Color("openness:N", scale=openness_scale(data["openness"]), title="pesos", legend=legend),
            shape=alt.Shape("openness:N", scale=openness_shapes(data["openness"]), title="pesos", legend=legend),
            tooltip=tooltip,
        )
        .properties(
            width=480,
            height=300,
            title=chart_title("Os que atendem: custo x qualidade", snapshot_caption(df)),
        )
    )
    ranked = (
        fits.transform_calculate(e2e_order=f"isValid(datum.e2e_s) ? datum.e2e_s : {NO_LIMIT}")
        .transform_window(
            rank="row_number()",
            sort=[
                alt.SortField("monthly_cost_usd", order="ascending"),
                alt.SortField("e2e_order", order="ascending"),
                alt.SortField("quality", order="descending"),
                alt.SortField("model", order="ascending"),
                alt.SortField("provider", order="ascending"),
            ],
        )
        .transform_filter("datum.rank <= 10")
        .transform_calculate(
            # On a phone, three lines: the row, its monthly cost, its response time and quality.
            line=f"datum.rank + '. ' + datum.label + ({NARROW_EXPR} ? '\\n' : ' — ') + datum.monthly_text"
            f" + ({NARROW_EXPR} ? '\\n' : ' · ') + 'resposta: ' + datum.e2e_text + ' · qualidade ' + datum.quality_text"
        )
        .mark_text(align="left", fontSize=12, lineBreak=LINE_BREAK)
        .encode(
            y=alt.Y("rank:O", axis=None),
            x=alt.value(0),
            text="line:N",
            tooltip=tooltip,
        )
    )
    nothing_narrow = "\\n".join(wrap_lines(NOTHING_FITS_PT, 44))
    nothing_fits = (
        base.transform_calculate(fit=f"datum.status == '{FITS}' ? 1 : 0")
        .transform_aggregate(fits="sum(fit)")
        .transform_filter("datum.fits == 0")
        .transform_calculate(message=f"{NARROW_EXPR} ? '{nothing_narrow}' : '{NOTHING_FITS_PT}'")
        .mark_text(align="left", baseline="top", fontSize=12, fontStyle="italic", color="#c4441f", lineBreak=LINE_BREAK)
        .encode(x=alt.value(0), y=alt.value(2), text="message:N")
    )
    ranked = alt.layer(ranked, nothing_fits).properties(width=480, title=chart_title("Os dez mais baratos que atendem"))
    left_out = (
        base.transform_filter(f"datum.status != '{FITS}'")
        .transform_calculate(
            status_order=f"datum.status == '{UNKNOWN}' ? 0 : 1",
            cost_order=f"isValid(datum.monthly_cost_usd) ? datum.monthly_cost_usd : {NO_LIMIT}",
            e2e_order=f"isValid(datum.e2e_s) ? datum.e2e_s : {NO_LIMIT}",
            quality_order="isValid(datum.quality) ? datum.quality : -1",
        )
        .transform_window(
            rank="row_number()",
            sort=[
                alt.SortField("status_order", order="ascending"),
                alt.SortField("cost_order", order="ascending"),
                alt.SortField("e2e_order", order="ascending"),
                alt.SortField("quality_order", order="descending"),
                alt.SortField("model", order="ascending"),
                alt.SortField("provider", order="ascending"),
            ],
        )
        .transform_filter("datum.rank <= 10")
        .transform_calculate(
            # On a phone: the row and its situation, then each reason on a line of its own, in a smaller font.
            line=f"{NARROW_EXPR} ? datum.label + ' (' + datum.status + ')\\n'"
            " + replace(datum.reason, regexp('; ', 'g'), '\\n')"
            " : datum.label + ' — ' + datum.status + ': ' + datum.reason"
        )
        .mark_text(align="left", fontSize={"expr": f"{NARROW_EXPR} ? 10.5 : 12"}, lineBreak=LINE_BREAK)
        .encode(y=alt.Y("rank:O", axis=None), x=alt.value(0), text="line:N", tooltip=tooltip)
        .properties(width=480, title=chart_title(LEFT_OUT_TITLE_PT))
    )
    counts = (
        base.mark_bar()
        .encode(
            y=alt.Y("status:N", sort=[FITS, UNKNOWN, FAILS], title=None),
            x=alt.X("count():Q", title="linhas (modelo · provedor)"),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=[FITS, UNKNOWN, FAILS], range=["#2a9d8f", "#9e9e9e", "#e76f51"]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("status:N", title="situação"), alt.Tooltip("count():Q", title="linhas")],
        )
        .properties(width=480, height=80, title=chart_title("Quantos atendem, quantos não, quantos sem dado"))
    )
    chart = (
        alt.vconcat(scatter, ranked, counts, left_out)
        .add_params(*params)
        .resolve_scale(color="independent", shape="independent", size="independent")
        .properties(
            description=(
                "O laboratório de escolha: com as exigências dos controles, os pares de modelo e provedor que atendem"
                " (custo por mês contra qualidade), os dez mais baratos deles, quantos atendem, não atendem ou ficam"
                " sem dado, e por que os outros ficaram de fora."
            ),
            usermeta=layout_meta(
                # On a phone each of the ten cheapest takes three lines.
                narrow={"vconcat": [{}, {"height": {"step": 48}}, {}, {"height": {"step": 44}}]},
                table=[("line", "os dez mais baratos que atendem, e os que ficaram de fora")],
            ),
        )
    )
    return pt_br(chart)


def open_closed_chart(df: pd.DataFrame) -> alt.LayerChart:
    """Models with open weights against closed ones: quality against price (log), size = speed.

    Click a legend entry to highlight one group. Price is the median over the model's providers of the
    blended price (3 input : 1 output); speed is the model's median output tokens per second.
    """
    summary = model_summary(df)
    data = pd.DataFrame(
        {
            "model": summary["model"],
            "openness": summary["openness"],
            "quality": summary["quality_index"],
            "quality_text": [number_pt(v, 0) for v in summary["quality_index"]],
            "blended_usd_per_mtok": summary["blended_usd_per_mtok"],
            "price_text": [
                MISSING_PT if pd.isna(p) else "US$ " + number_pt(p, 2, " por 1M tokens")
                for p in summary["blended_usd_per_mtok"]
            ],
            "speed_tokens_per_s": summary["speed_tokens_per_s"],
            "speed_text": [number_pt(v, 0, " tokens/s") for v in summary["speed_tokens_per_s"]],
            "providers": summary["providers"],
        }
    )
    data["label_pos"] = label_positions(data, x="blended_usd_per_mtok", y="quality")
    data["label_pos_narrow"] = label_positions(data, x="blended_usd_per_mtok", y="quality", x_span=NARROW_X_SPAN)
    pick = alt.selection_point(name="openness_pick", fields=["openness"], bind="legend")
    base = alt.Chart(data).transform_filter("isValid(datum.quality) && isValid(datum.blended_usd_per_mtok)")
    x = alt.X(
        "blended_usd_per_mtok:Q",
        scale=alt.Scale(type="log"),
        title=wrap("preço combinado, mediana dos provedores (US$ por 1M tokens, escala log)", 40),
        axis=alt.Axis(format=",.2~f", labelOverlap="greedy"),
    )
    y = alt.Y("quality:Q", scale=alt.Scale(zero=False, padding=12), title="índice de qualidade")
    legend = alt.Legend(orient="bottom", direction="vertical")
    points = (
        base.mark_point(filled=True)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "speed_tokens_per_s:Q",
                title="tokens/s",
                scale=alt.Scale(range=[60, 700]),
                legend=alt.Legend(values=[50, 100, 150], orient="bottom"),
            ),
            color=alt.Color(
                "openness:N", scale=openness_scale(data["openness"]), title="pesos (clique)", legend=legend
            ),
            shape=alt.Shape(
                "openness:N", scale=openness_shapes(data["openness"]), title="pesos (clique)", legend=legend
            ),
            opacity=alt.condition(pick, alt.value(0.9), alt.value(0.12)),
            tooltip=[
                alt.Tooltip("model:N", title="modelo"),
                alt.Tooltip("openness:N", title="pesos"),
                alt.Tooltip("quality_text:N", title="qualidade"),
                alt.Tooltip("price_text:N", title="preço combinado"),
                alt.Tooltip("speed_text:N", title="velocidade"),
                alt.Tooltip("providers:Q", title="provedores"),
            ],
        )
        .add_params(pick)
    )
    labels = label_layers(base, x=x, y=y, opacity=alt.condition(pick, alt.value(1), alt.value(0.15)), gap=5)
    chart = alt.layer(points, *labels).properties(
        title=chart_title("Pesos abertos x fechados: qualidade, preço e velocidade", snapshot_caption(df)),
        width="container",
        height=340,
        description=(
            "Pontos com os modelos de pesos abertos e os fechados: o preço combinado (em escala logarítmica) no eixo"
            " horizontal, o índice de qualidade no vertical e a velocidade no tamanho do ponto."
        ),
        usermeta=layout_meta(
            table=[
                ("model", "modelo"),
                ("openness", "pesos"),
                ("quality_text", "qualidade"),
                ("price_text", "preço combinado"),
                ("speed_text", "velocidade"),
            ]
        ),
    )
    return pt_br(chart)
