"""Speed charts: output tokens per second by model, and a response-time calculator that runs in the browser.

The response-time formulas live here as Vega expression strings (``GENERATION_S_EXPR``, ``E2E_S_EXPR``); the
tests evaluate their arithmetic in Python and pin them to ``calculators.latency``. ``when_valid`` wraps a formula
so that a missing figure gives a missing result (in JavaScript ``null + 1`` is ``1``: without the guard a
missing time to first token would silently count as zero).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..choose import OPEN_PT, model_summary, number_pt
from ..latency import latency_table
from .base import MISSING_PT, snapshot_caption

# Vega expressions behind the slider; ``output_tokens`` is the slider's param. Pinned to calculators.latency.
GENERATION_S_EXPR = "output_tokens / datum.speed_tokens_per_s"
E2E_S_EXPR = "datum.ttft_s + output_tokens / datum.speed_tokens_per_s"

# Brazilian number format for every label and tooltip: 1.234,56
PT_BR_LOCALE = alt.Locale(
    number=alt.NumberLocale(decimal=",", thousands=".", grouping=[3], currency=["US$ ", ""]),
)

SPEED_BASIS_PT = {
    "provider": "deste provedor",
    "model median": "mediana do modelo (todos os provedores)",
    "provider median": "mediana dos provedores",
    "missing": MISSING_PT,
}

OPENNESS_COLORS = {OPEN_PT: "#2a9d8f", "fechado": "#e76f51", MISSING_PT: "#9e9e9e"}


def openness_scale(values) -> alt.Scale:
    """The book's colours for "pesos abertos", "fechado" and "sem dado", listing only the groups present."""
    present = set(values)
    domain = [group for group in OPENNESS_COLORS if group in present]
    return alt.Scale(domain=domain, range=[OPENNESS_COLORS[group] for group in domain])


def when_valid(expr: str, fields) -> str:
    """A Vega expression that is ``expr`` when every ``datum`` field in ``fields`` is present, otherwise null.

    Example: when_valid("datum.a + 1", ["a"]) -> '(isValid(datum.a)) ? (datum.a + 1) : null'
    """
    fields = list(fields)
    if not fields:
        raise ValueError("when_valid needs at least one field")
    checks = " && ".join(f"isValid(datum.{f})" for f in fields)
    return f"({checks}) ? ({expr}) : null"


def text_or_missing(expr: str, fmt: str, suffix: str = "") -> str:
    """A Vega expression that formats ``expr`` (``format(value, fmt)`` + ``suffix``) or reads "sem dado".

    Example: text_or_missing("datum.e2e_s", ".2f", " s") -> "isValid(datum.e2e_s) ? format(...) + ' s' : 'sem dado'"
    """
    return f"isValid({expr}) ? format({expr}, '{fmt}') + '{suffix}' : '{MISSING_PT}'"


def pt_br(chart):
    """The chart with the book's Brazilian number format and a quiet view frame."""
    return chart.configure(locale=PT_BR_LOCALE).configure_view(stroke=None)


def model_speed_chart(df: pd.DataFrame) -> alt.LayerChart:
    """Output tokens per second by model, fastest first (the article's speed chart), coloured by openness.

    The speed is Artificial Analysis' median across providers where the data has it (``model_summary``); a
    model without any speed figure keeps its row and reads "sem dado".
    """
    summary = model_summary(df)
    data = pd.DataFrame(
        {
            "model": summary["model"],
            "speed_tokens_per_s": summary["speed_tokens_per_s"],
            "speed_text": [number_pt(v, 0, " tokens/s") for v in summary["speed_tokens_per_s"]],
            "basis": summary["speed_basis"].map(SPEED_BASIS_PT),
            "openness": summary["openness"],
            "source": summary["model_output_tokens_per_s_source"].fillna(MISSING_PT),
            "as_of": summary["model_output_tokens_per_s_as_of"].fillna(MISSING_PT),
        }
    )
    order = list(data.sort_values(["speed_tokens_per_s", "model"], ascending=[False, True])["model"])
    base = alt.Chart(data).encode(
        y=alt.Y("model:N", sort=order, title=None),
        tooltip=[
            alt.Tooltip("model:N", title="modelo"),
            alt.Tooltip("speed_text:N", title="velocidade"),
            alt.Tooltip("basis:N", title="base"),
            alt.Tooltip("openness:N", title="pesos"),
            alt.Tooltip("source:N", title="fonte"),
            alt.Tooltip("as_of:N", title="data"),
        ],
    )
    bars = base.mark_bar().encode(
        x=alt.X("speed_tokens_per_s:Q", title="tokens de saída por segundo (mediana)"),
        color=alt.Color(
            "openness:N", scale=openness_scale(data["openness"]), title="pesos", legend=alt.Legend(orient="bottom")
        ),
    )
    labels = base.mark_text(align="left", dx=3).encode(x="speed_tokens_per_s:Q", text="speed_text:N")
    missing = (
        base.mark_text(align="left", color="#757575", fontStyle="italic")
        .encode(x=alt.value(3), text="speed_text:N")
        .transform_filter("!isValid(datum.speed_tokens_per_s)")
    )
    chart = alt.layer(bars, labels, missing).properties(
        title=alt.Title("Velocidade por modelo", subtitle=snapshot_caption(df)), width=460
    )
    return pt_br(chart)


def response_time_data(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (model, provider) with what the browser needs to compute a response time.

    ``speed_tokens_per_s`` and ``speed_basis`` come from ``calculators.latency.latency_table``; times and speeds
    stay missing where the data has no figure.
    """
    table = latency_table(df, output_tokens=0)
    speed_source = table["output_tokens_per_s_source"].where(
        table["speed_basis"] == "provider", table["model_output_tokens_per_s_source"]
    )
    return pd.DataFrame(
        {
            "label": table["model"] + " · " + table["provider"].replace("", MISSING_PT),
            "model": table["model"],
            "provider": table["provider"],
            "ttft_s": table["ttft_s"],
            "speed_tokens_per_s": table["speed_tokens_per_s"],
            "ttft_text": [number_pt(v, 2, " s") for v in table["ttft_s"]],
            "speed_text": [number_pt(v, 0, " tokens/s") for v in table["speed_tokens_per_s"]],
            "basis": table["speed_basis"].map(SPEED_BASIS_PT),
            "ttft_source": table["ttft_s_source"].fillna(MISSING_PT),
            "speed_source": speed_source.fillna(MISSING_PT),
        }
    )


# The three pieces of a bar, in the legend's order.
PART_TTFT = "tempo até o primeiro token"
PART_GENERATION = "geração da resposta"
PART_GENERATION_ONLY = "só a geração (tempo até o primeiro token: sem dado)"
_SORT_KEY = "isValid(datum.e2e_s) ? datum.e2e_s : isValid(datum.generation_s) ? 1e6 + datum.generation_s : 2e6"


def response_time_chart(
    df: pd.DataFrame, *, output_tokens: int = 500, max_output_tokens: int = 4_000
) -> alt.LayerChart:
    """How long until an answer of ``output_tokens`` tokens is complete, per (model, provider), with a slider.

    Each bar is the time to first token followed by the generation (``output_tokens`` ÷ tokens per second),
    computed in the browser with ``E2E_S_EXPR``. Where the time to first token is missing, the bar shows the
    generation alone in a lighter colour and the total reads "sem dado", never a total that counts it as zero.
    A menu narrows the bars to one model.
    """
    if not 1 <= output_tokens <= max_output_tokens:
        raise ValueError(f"output_tokens must be between 1 and {max_output_tokens} ({output_tokens})")
    data = response_time_data(df)
    tokens = alt.param(
        name="output_tokens",
        value=output_tokens,
        bind=alt.binding_range(min=50, max=max_output_tokens, step=50, name="tokens de saída: "),
    )
    models = ["todos", *sorted(data["model"].unique())]
    model_menu = alt.param(name="model_menu", value="todos", bind=alt.binding_select(options=models, name="modelo: "))
    base = (
        alt.Chart(data)
        .transform_filter("model_menu == 'todos' || datum.model == model_menu")
        .transform_calculate(
            generation_s=when_valid(GENERATION_S_EXPR, ["speed_tokens_per_s"]),
            e2e_s=when_valid(E2E_S_EXPR, ["ttft_s", "speed_tokens_per_s"]),
        )
        .transform_calculate(
            sort_key=_SORT_KEY,
            e2e_text=text_or_missing("datum.e2e_s", ",.2f", " s"),
            generation_text=text_or_missing("datum.generation_s", ",.2f", " s"),
        )
    )
    y = alt.Y(
        "label:N",
        sort=alt.EncodingSortField("sort_key", op="min", order="ascending"),
        title=None,
        axis=alt.Axis(labelLimit=220),
    )
    x_title = "segundos até a resposta completa"
    tooltip = [
        alt.Tooltip("label:N", title="modelo · provedor"),
        alt.Tooltip("e2e_text:N", title="resposta completa"),
        alt.Tooltip("ttft_text:N", title="tempo até o primeiro token"),
        alt.Tooltip("generation_text:N", title="geração"),
        alt.Tooltip("speed_text:N", title="velocidade"),
        alt.Tooltip("basis:N", title="velocidade medida"),
        alt.Tooltip("ttft_source:N", title="fonte do TTFT"),
        alt.Tooltip("speed_source:N", title="fonte da velocidade"),
    ]
    color = alt.Color(
        "segment:N",
        title=None,
        scale=alt.Scale(
            domain=[PART_TTFT, PART_GENERATION, PART_GENERATION_ONLY], range=["#264653", "#2a9d8f", "#b7d9d4"]
        ),
        legend=alt.Legend(orient="top", direction="vertical", labelLimit=400),
    )
    first_token = (
        base.transform_filter("isValid(datum.ttft_s)")
        .transform_calculate(segment=f"'{PART_TTFT}'", start_s="0")
        .mark_bar()
        .encode(y=y, x=alt.X("start_s:Q", title=x_title), x2="ttft_s:Q", color=color, tooltip=tooltip)
    )
    generation = (
        base.transform_filter("isValid(datum.generation_s)")
        .transform_calculate(
            segment=f"isValid(datum.ttft_s) ? '{PART_GENERATION}' : '{PART_GENERATION_ONLY}'",
            start_s="isValid(datum.ttft_s) ? datum.ttft_s : 0",
            end_s="isValid(datum.ttft_s) ? datum.e2e_s : datum.generation_s",
        )
        .mark_bar()
        .encode(y=y, x=alt.X("start_s:Q", title=x_title), x2="end_s:Q", color=color, tooltip=tooltip)
    )
    labels = (
        base.transform_calculate(
            label_x="isValid(datum.e2e_s) ? datum.e2e_s : isValid(datum.generation_s) ? datum.generation_s : 0",
            label_text=(
                f"isValid(datum.e2e_s) ? datum.e2e_text : '{MISSING_PT}' + "
                "(isValid(datum.generation_s) ? ' (geração: ' + datum.generation_text + ')' : '')"
            ),
        )
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(y=y, x=alt.X("label_x:Q", title=x_title), text="label_text:N", tooltip=tooltip)
    )
    chart = (
        alt.layer(first_token, generation, labels)
        .add_params(tokens, model_menu)
        .properties(
            title=alt.Title(
                "Quanto tempo até a resposta completa?",
                subtitle=["tempo até o primeiro token + tokens de saída ÷ tokens por segundo", snapshot_caption(df)],
            ),
            width=260,
        )
    )
    return pt_br(chart)
