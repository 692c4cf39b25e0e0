"""Speed charts: output tokens per second by model, and a response-time calculator that runs in the browser.

The response-time formulas live here as Vega expression strings (``GENERATION_S_EXPR``, ``E2E_S_EXPR``); the
tests evaluate their arithmetic in Python and pin them to ``calculators.latency``. ``when_valid`` wraps a formula
so that a missing figure gives a missing result (in JavaScript ``null + 1`` is ``1``: without the guard a
missing time to first token would silently count as zero).
"""

from __future__ import annotations

import math
import re

import altair as alt
import pandas as pd

from ..choose import CLOSED_PT, OPEN_PT, model_summary, number_pt
from ..latency import latency_table
from .base import (
    LABEL_SEP_EXPR,
    LINE_BREAK,
    MISSING_PT,
    NARROW_EXPR,
    chart_title,
    half_up_expr,
    layout_meta,
    row_axis,
    snapshot_caption,
)

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

OPENNESS_COLORS = {OPEN_PT: "#2a9d8f", CLOSED_PT: "#e76f51", MISSING_PT: "#9e9e9e"}


def openness_scale(values) -> alt.Scale:
    """The book's colours for "pesos abertos", "pesos fechados" and "sem dado", listing only the groups present."""
    present = set(values)
    domain = [group for group in OPENNESS_COLORS if group in present]
    return alt.Scale(domain=domain, range=[OPENNESS_COLORS[group] for group in domain])


OPENNESS_SHAPES = {OPEN_PT: "circle", CLOSED_PT: "square", MISSING_PT: "diamond"}


def openness_shapes(values) -> alt.Scale:
    """The shapes that go with ``openness_scale``'s colours, so that colour is not the only sign of openness."""
    present = set(values)
    domain = [group for group in OPENNESS_SHAPES if group in present]
    return alt.Scale(domain=domain, range=[OPENNESS_SHAPES[group] for group in domain])


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
    fixed = re.search(r"\.(\d+)f$", fmt)  # a fixed number of decimals rounds the book's way (half up)
    shown = half_up_expr(expr, int(fixed.group(1))) if fixed else expr
    return f"isValid({expr}) ? format({shown}, '{fmt}') + '{suffix}' : '{MISSING_PT}'"


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
    # The speed and, so that colour is not the only sign of it, the openness: "303 tokens/s · pesos abertos".
    base = (
        alt.Chart(data)
        .transform_calculate(label_text=f"datum.speed_text + ({NARROW_EXPR} ? '\\n' : ' · ') + datum.openness")
        .encode(
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
    )
    bars = base.mark_bar().encode(
        x=alt.X("speed_tokens_per_s:Q", title="tokens de saída por segundo (mediana)"),
        color=alt.Color(
            "openness:N", scale=openness_scale(data["openness"]), title="pesos", legend=alt.Legend(orient="bottom")
        ),
    )
    labels = base.mark_text(align="left", dx=3, lineBreak=LINE_BREAK).encode(
        x="speed_tokens_per_s:Q", text="label_text:N"
    )
    missing = (
        base.mark_text(align="left", color="#757575", fontStyle="italic", lineBreak=LINE_BREAK)
        .encode(x=alt.value(3), text="label_text:N")
        .transform_filter("!isValid(datum.speed_tokens_per_s)")
    )
    chart = alt.layer(bars, labels, missing).properties(
        title=chart_title("Velocidade por modelo", snapshot_caption(df)),
        width="container",
        description=(
            "Barras com os tokens de saída por segundo de cada modelo (a do Artificial Analysis), do mais rápido ao"
            " mais lento, cada uma dizendo se os pesos do modelo são abertos ou fechados."
        ),
        usermeta=layout_meta(
            narrow={"height": {"step": 30}},
            table=[("model", "modelo"), ("speed_text", "velocidade"), ("openness", "pesos")],
        ),
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
PART_GENERATION_ONLY = "só a geração (1º token: sem dado)"
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
        axis=row_axis(wide_limit=220),
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
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
    )
    first_token = (
        base.transform_filter("isValid(datum.ttft_s)")
        .transform_calculate(segment=f"'{PART_TTFT}'", start_s="0")
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(y=y, x=alt.X("start_s:Q", title=x_title), x2="ttft_s:Q", color=color, tooltip=tooltip)
    )
    generation = (
        base.transform_filter("isValid(datum.generation_s)")
        .transform_calculate(
            segment=f"isValid(datum.ttft_s) ? '{PART_GENERATION}' : '{PART_GENERATION_ONLY}'",
            start_s="isValid(datum.ttft_s) ? datum.ttft_s : 0",
            end_s="isValid(datum.ttft_s) ? datum.e2e_s : datum.generation_s",
        )
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(y=y, x=alt.X("start_s:Q", title=x_title), x2="end_s:Q", color=color, tooltip=tooltip)
    )
    labels = (
        base.transform_calculate(
            label_x="isValid(datum.e2e_s) ? datum.e2e_s : isValid(datum.generation_s) ? datum.generation_s : 0",
            label_text=(
                f"isValid(datum.e2e_s) ? datum.e2e_text : '{MISSING_PT}' + "
                f"(isValid(datum.generation_s) ? {LABEL_SEP_EXPR} + '(geração: ' + datum.generation_text + ')' : '')"
            ),
        )
        .mark_text(align="left", dx=4, fontSize=11, lineBreak=LINE_BREAK)
        .encode(y=y, x=alt.X("label_x:Q", title=x_title), text="label_text:N", tooltip=tooltip)
    )
    chart = (
        alt.layer(first_token, generation, labels)
        .add_params(tokens, model_menu)
        .properties(
            title=chart_title(
                "Quanto tempo até a resposta completa?",
                ["tempo até o primeiro token + tokens de saída ÷ tokens por segundo", snapshot_caption(df)],
            ),
            width="container",
            description=(
                "Barras com o tempo até a resposta completa em cada modelo e provedor, do mais rápido ao mais lento:"
                " o tempo até o primeiro token seguido da geração; o controle muda os tokens de saída e o menu"
                " mostra um modelo só."
            ),
            usermeta=layout_meta(
                narrow={"height": {"step": 30}},
                table=[
                    ("label", "modelo · provedor"),
                    ("ttft_text", "tempo até o primeiro token"),
                    ("generation_text", "geração"),
                    ("e2e_text", "resposta completa"),
                ],
            ),
        )
    )
    return pt_br(chart)


# --- your own measurements beside the published figures -----------------------------------------------------------
MEASURED_PT = "medido por você"
# A measurement of the course's practice server (confidence "simulated"): never shown as a provider's figure.
SIMULATED_PT = "simulado (servidor de prática)"
SIMULATED_NOTE_PT = "simulado: servidor de prática, não um provedor"  # fits a subtitle line
ORIGIN_COLORS = {MEASURED_PT: "#2a9d8f", SIMULATED_PT: "#e9a03b"}  # a published figure is grey, #9e9e9e
MEASURE_COMMAND = "python -m calculators bench --base-url URL --model MODELO --save"
# The command over two lines, so that the message fits a phone.
NO_MEASUREMENTS_PT = (
    "Nenhuma medição salva ainda: rode\n"
    + MEASURE_COMMAND.replace(" --base-url", "\n--base-url")
    + "\ne rode esta célula de novo."
)
MEASURED_METRICS_PT = {
    "output_tokens_per_s": ("tokens de saída por segundo (mediana)", 0, " tokens/s"),
    "ttft_s": ("tempo até o primeiro token (s, mediana)", 2, " s"),
}
_ENDPOINT = re.compile(r"\bendpoint (\S+)")
_GENERIC_WORDS = {"prompt", "global", "cloud", "service", "services", "inference", "https", "http"}


def endpoint_host(source: str) -> str:
    """The endpoint's host that ``bench --save`` wrote in a measurement's source, or "sem dado".

    Example: endpoint_host("python -m calculators bench, endpoint api.groq.com") -> 'api.groq.com'
    """
    match = _ENDPOINT.search(source or "")
    return match.group(1).rstrip(",;") if match else MISSING_PT


def _text(value, missing: str = MISSING_PT) -> str:
    return missing if value is None or (isinstance(value, float) and math.isnan(value)) or value == "" else str(value)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", str(text).lower()) if len(w) >= 4} - _GENERIC_WORDS


def match_published(table: pd.DataFrame, model: str, provider: str) -> pd.Series | None:
    """The row of ``table`` (one per (model, provider), e.g. ``latency_table``) that a measurement refers to.

    The model must be the same name (ignoring case and punctuation). The provider is the same name, or, since
    ``bench --save`` records the endpoint's host when no ``--provider`` is given, the only provider of that model
    whose name shares a word with the host ("Groq" for ``api.groq.com``). None when nothing (or more than one
    provider) fits.

    Example: match_published(latency_table(df, output_tokens=0), "Llama 3 70B", "api.groq.com") -> the Groq row
    """
    rows = table[table["model"].map(_norm) == _norm(model)]
    same = rows[rows["provider"].map(_norm) == _norm(provider)]
    if len(same) == 1:
        return same.iloc[0]
    labels = _words(provider.replace(".", " "))
    hits = rows[[bool(_words(p) & labels) for p in rows["provider"]]]
    return hits.iloc[0] if len(hits) == 1 else None


def _simulated_row(model: str, provider: str, metric: str, group: pd.DataFrame) -> dict:
    """The bar of a simulated measurement (the practice server): labelled "simulado" in its row, origin and value,
    and never paired with a published figure."""
    last = group.iloc[-1]
    title, decimals, unit = MEASURED_METRICS_PT[metric]
    label = f"{model} · {provider}" + ("" if "simulad" in provider.lower() else " (simulado)")
    saved = "1 medição salva" if len(group) == 1 else f"{len(group)} medições salvas, esta é a mais recente"
    return {
        "label": label,
        "metric": metric,
        "metric_pt": title,
        "origin": SIMULATED_PT,
        "value": float(last["value"]),
        "value_text": number_pt(float(last["value"]), decimals, unit) + " (simulado)",
        "as_of": last["as_of"],
        "endpoint": endpoint_host(last["source"]),
        "detail": f"{SIMULATED_NOTE_PT}; {saved}",
        "simulated": True,
    }


def measured_vs_published(df: pd.DataFrame, measurements: pd.DataFrame) -> pd.DataFrame:
    """Your latest measurement of each (model, provider, metric) beside the snapshot's published figure.

    ``measurements`` is ``measurements.load_measurements()``; ``df`` a ``load_snapshot`` frame. Two rows per
    measured (model, provider, metric): ``origin`` "publicado: snapshot ..." and "medido por você". A published
    figure the snapshot lacks (another model, another provider, no time to first token) stays missing and
    reads "sem dado"; the published speed may be the model's median across providers (``detail`` says so).

    A simulated measurement (confidence ``simulated``: the course's practice server) is one row alone, origin
    "simulado (servidor de prática)", "simulado" in its label and value text, ``simulated`` True: it is not a
    provider's figure, so it is never set beside a published one, nor mixed with a real measurement of the same
    model and provider.
    """
    columns = [
        "label",
        "metric",
        "metric_pt",
        "origin",
        "value",
        "value_text",
        "as_of",
        "endpoint",
        "detail",
        "simulated",
    ]
    wanted = measurements[measurements["metric"].isin(list(MEASURED_METRICS_PT))]
    if wanted.empty:
        return pd.DataFrame(columns=columns)
    table = latency_table(df, output_tokens=0)
    published_pt = "publicado: " + snapshot_caption(df).removeprefix("dados: ")
    confidence = wanted["confidence"] if "confidence" in wanted else "measured"
    wanted = wanted.assign(_order=range(len(wanted)), _simulated=confidence == "simulated")
    wanted = wanted.sort_values(["as_of", "_order"])
    rows = []
    keys = ["model", "provider", "metric", "_simulated"]
    for (model, provider, metric, simulated), group in wanted.groupby(keys, sort=False):
        if simulated:
            rows.append(_simulated_row(model, provider, metric, group))
            continue
        last = group.iloc[-1]
        title, decimals, unit = MEASURED_METRICS_PT[metric]
        ref = match_published(table, model, provider)
        if ref is None:
            value, as_of, detail = math.nan, MISSING_PT, f"o snapshot não tem {model} em {provider}"
        else:
            figure = metric
            basis = "deste provedor"
            if metric == "output_tokens_per_s":
                value = ref["speed_tokens_per_s"]
                basis = SPEED_BASIS_PT.get(ref["speed_basis"], MISSING_PT)
                if ref["speed_basis"] != "provider":
                    figure = "model_output_tokens_per_s"
            else:
                value = ref[metric]
            as_of = _text(ref[f"{figure}_as_of"])
            detail = (
                f"{basis}; fonte: {_text(ref[f'{figure}_source'])}"
                if pd.notna(value)
                else "o snapshot não tem este número"
            )
        label = f"{model} · {provider if ref is None else ref['provider']}"
        base = {"label": label, "metric": metric, "metric_pt": title}
        rows.append(
            {
                **base,
                "origin": published_pt,
                "value": value,
                "value_text": number_pt(value, decimals, unit),
                "as_of": as_of,
                "endpoint": "—",
                "detail": detail,
                "simulated": False,
            }
        )
        saved = "1 medição salva" if len(group) == 1 else f"{len(group)} medições salvas, esta é a mais recente"
        note = _text(last["note"], "")
        rows.append(
            {
                **base,
                "origin": MEASURED_PT,
                "value": float(last["value"]),
                "value_text": number_pt(float(last["value"]), decimals, unit),
                "as_of": last["as_of"],
                "endpoint": endpoint_host(last["source"]),
                "detail": f"{saved}; {note}" if note else saved,
                "simulated": False,
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    out["value"] = out["value"].astype("float64")
    out["simulated"] = out["simulated"].astype(bool)
    return out


def measured_speed_chart(df: pd.DataFrame, measurements: pd.DataFrame) -> alt.VConcatChart | alt.Chart:
    """Your measurements (``bench --save``) beside the published figures of ``df``'s snapshot.

    Two panels, output tokens per second and time to first token: for each measured (model, provider), one bar
    for the published figure and one for yours; the tooltip has the measurement's date and endpoint host. A
    published figure the snapshot lacks reads "sem dado" (no bar), never 0. With no measurement, a chart that
    says so and how to make one (``NO_MEASUREMENTS_PT``), instead of empty axes.

    A simulated measurement (the practice server) is never passed off as a provider's: its bar has its own
    colour and a dashed outline, its row, legend entry and value say "simulado", and the subtitle and the text
    alternative say that simulated figures are not a provider's.
    """
    data = measured_vs_published(df, measurements)
    any_simulated = bool(data["simulated"].any()) if not data.empty else False
    caption = [snapshot_caption(df), SIMULATED_NOTE_PT] if any_simulated else snapshot_caption(df)
    title = chart_title("A sua medição e a publicada", caption)
    if data.empty:
        message = pd.DataFrame({"message": [NO_MEASUREMENTS_PT]})
        chart = (
            alt.Chart(message)
            .mark_text(align="left", baseline="top", fontSize=13, lineBreak="\n", lineHeight=18)
            .encode(text="message:N", x=alt.value(0), y=alt.value(4))
            .properties(
                width="container",
                height=80,
                title=title,
                description="Ainda não há medições salvas: o texto do gráfico diz como fazer uma.",
            )
        )
        return pt_br(chart)
    origins = list(dict.fromkeys(data["origin"]))
    color = alt.Color(
        "origin:N",
        title=None,
        scale=alt.Scale(domain=origins, range=[ORIGIN_COLORS.get(o, "#9e9e9e") for o in origins]),
        legend=alt.Legend(orient="bottom", labelLimit=400),
    )
    tooltip = [
        alt.Tooltip("label:N", title="modelo · provedor"),
        alt.Tooltip("origin:N", title="origem"),
        alt.Tooltip("value_text:N", title="valor"),
        alt.Tooltip("as_of:N", title="data"),
        alt.Tooltip("endpoint:N", title="endpoint"),
        alt.Tooltip("detail:N", title="detalhe"),
    ]
    panels = []
    for metric, (metric_title, _, _) in MEASURED_METRICS_PT.items():
        part = data[data["metric"] == metric]
        if part.empty:
            continue
        base = alt.Chart(part).encode(
            y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=220)),
            yOffset=alt.YOffset("origin:N", scale=alt.Scale(domain=origins)),
            tooltip=tooltip,
        )
        bars = base.mark_bar().encode(x=alt.X("value:Q", title=metric_title), color=color)
        labels = (
            base.transform_calculate(label_x="isValid(datum.value) ? datum.value : 0")
            .mark_text(align="left", dx=4, fontSize=11)
            .encode(x="label_x:Q", text="value_text:N")
        )
        layers = [bars, labels]
        if part["simulated"].any():  # a second sign beside the colour: a dashed outline on simulated bars
            outline = (
                base.transform_filter("datum.simulated")
                .mark_bar(filled=False, stroke="#6b4a12", strokeDash=[4, 2], strokeWidth=1.5)
                .encode(x="value:Q")
            )
            layers.insert(1, outline)
        panels.append(alt.layer(*layers).properties(width=300, height=alt.Step(14)))
    description = (
        "Barras com as suas medições ao lado dos números publicados, por modelo e provedor: tokens de saída por"
        " segundo e tempo até o primeiro token."
    )
    if any_simulated:
        description += (
            " As barras com contorno tracejado e a palavra simulado vêm do servidor de prática do curso: são uma"
            " simulação, não números de um provedor."
        )
    chart = alt.vconcat(
        *panels,
        title=title,
        description=description,
        usermeta=layout_meta(
            table=[
                ("label", "modelo · provedor"),
                ("metric_pt", "métrica"),
                ("origin", "origem"),
                ("value_text", "valor"),
            ]
        ),
    ).resolve_scale(color="shared")
    return pt_br(chart)
