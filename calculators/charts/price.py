"""Price charts: what a text or a workload costs on each (model, provider), recomputed in the browser.

The sliders are Vega-Lite params; the formulas they feed are the module-level strings below, and
``tests/test_charts_price.py`` pins each one to its Python twin in ``calculators.pricing`` / ``calculators.fx``.
A missing price shows as "sem dado" (never as 0); estimated prices and token counts are labelled as estimates.

Given the rows of several snapshots (``costs.calculator_tables`` / ``costs.load_snapshots``: a ``snapshot`` column),
a chart gets a ``snapshot`` menu: the data embeds every snapshot's rows, the chart shows the chosen one's, and its
title names the snapshot shown.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from ..costs import DAYS_PER_MONTH, price_is_estimate
from ..data import figures_as_of_limit, list_snapshots
from ..formatting import number_pt
from .base import (
    LABEL_SEP_EXPR,
    LINE_BREAK,
    MISSING_PT,
    NARROW_EXPR,
    SUBTITLE_CHARS,
    chart_title,
    date_br,
    half_up_expr,
    layout_meta,
    row_axis,
    snapshot_caption,
    tier_columns,
    tier_price_expr,
    wrap,
    wrap_lines,
)

# --- browser-side formulas (Vega expressions) -------------------------------------------------------------------
# Param names, as the sliders' <input name="..."> and the formulas spell them.
OUTPUT_TOKENS_PARAM = "output_tokens"
REQUESTS_PER_DAY_PARAM = "requests_per_day"
WORKLOAD_INPUT_PARAM = "workload_input_tokens"
WORKLOAD_OUTPUT_PARAM = "workload_output_tokens"
USD_BRL_PARAM = "usd_brl"
SNAPSHOT_PARAM = "snapshot"

# With several snapshots in the data, only the menu's snapshot is drawn.
SNAPSHOT_FILTER_EXPR = f"datum.snapshot === {SNAPSHOT_PARAM}"

# One request: the row's own input tokens (the text counted with its tokenizer) + the slider's output tokens, at
# the prices of the tier the input tokens fall in. Twin: pricing.cost_table's cost_usd (pricing.applied_price).
COST_USD_EXPR = (
    f"(datum.input_tokens * {tier_price_expr('input_usd_per_mtok', 'datum.input_tokens')}"
    f" + output_tokens * {tier_price_expr('output_usd_per_mtok', 'datum.input_tokens')}) / 1000000"
)

# A month of identical requests. Twin: pricing.monthly_cost_usd(price, requests_per_day=..., input_tokens=...,
# output_tokens=..., days_per_month=DAYS_PER_MONTH) at pricing.applied_price's prices.
MONTHLY_COST_USD_EXPR = (
    f"(workload_input_tokens * {tier_price_expr('input_usd_per_mtok', 'workload_input_tokens')}"
    f" + workload_output_tokens * {tier_price_expr('output_usd_per_mtok', 'workload_input_tokens')})"
    f" / 1000000 * requests_per_day * {DAYS_PER_MONTH}"
)

# A row whose long-prompt tier prices this request says so in its label ("preço de prompt longo").
LONG_PROMPT_PT = "preço de prompt longo"


def tier_note_expr(tokens: str) -> str:
    """Vega expression: the label note of a row whose long-prompt tier prices a request of ``tokens`` tokens
    ("preço de prompt longo, > 128.000 tokens"; on a phone, "prompt > 128.000 tokens")."""
    return (
        f"(datum.tier_above_tokens > 0 && {tokens} > datum.tier_above_tokens"
        f" ? ({NARROW_EXPR} ? 'prompt' : '{LONG_PROMPT_PT},') + ' > ' + datum.tier_above_text + ' tokens' : '')"
    )


def notes_expr() -> str:
    """Vega expression: " (tokens estimados; preço de prompt longo...)" from ``note_pt`` and ``tier_pt``, or "";
    on a phone on a line of its own."""
    return (
        f" + (datum.note_pt || datum.tier_pt ? {LABEL_SEP_EXPR} + '(' + datum.note_pt"
        " + (datum.note_pt && datum.tier_pt ? '; ' : '') + datum.tier_pt + ')' : '')"
    )


# Dollars to reais at the rate the reader typed. Twin: fx.usd_to_brl(usd, brl_per_usd=...).
MONTHLY_COST_BRL_EXPR = "datum.monthly_cost_usd * toNumber(usd_brl)"

# Guards: a row without both prices has no cost (null, shown as "sem dado"), and no rate means no BRL figure.
PRICED_EXPR = "isValid(datum.input_usd_per_mtok) && isValid(datum.output_usd_per_mtok)"
RATE_SET_EXPR = "isValid(usd_brl) && toNumber(usd_brl) > 0"


def pt_number_expr(value: str, decimals: int) -> str:
    """Vega expression formatting ``value`` the Brazilian way: 3,600.5 -> "3.600,50" (as ``base.usd_pt`` does).

    Vega formats numbers in its page-wide default locale: English unless some chart on the page set
    ``formatLocale``. The expression checks which one is in force, and swaps the separators only if needed.
    """
    formatted = f"format({half_up_expr(value, decimals)}, ',.{decimals}f')"
    swapped = f"replace(replace(replace({formatted}, regexp(',', 'g'), '_'), '.', ','), regexp('_', 'g'), '.')"
    return f"(format(0.5, '.1f') === '0.5' ? {swapped} : {formatted})"


def money_label_expr(value: str, decimals: int, currency: str = "US$") -> str:
    """Vega expression: "US$ 0,12000" for a number, "sem dado" for a missing one."""
    return f"(isValid({value}) ? '{currency} ' + {pt_number_expr(value, decimals)} : '{MISSING_PT}')"


COST_DECIMALS = 5  # one request of a few thousand tokens can cost a few hundredths of a cent
MONTHLY_DECIMALS = 2


def money_pt(value: float | None) -> str:
    """A small cost for a table: "US$ 0,0345", four significant figures; "sem dado" when missing."""
    if value is None or pd.isna(value):
        return MISSING_PT
    text = f"{value:.4g}" if value < 1 else f"{value:,.2f}"
    return "US$ " + text.replace(",", "_").replace(".", ",").replace("_", ".")


def _usd_axis(decimals: int) -> str:
    return "'US$ ' + " + pt_number_expr("datum.value", decimals)


LISTED_PT = "preço de tabela e tokens exatos"
ESTIMATE_PT = "com estimativa (de preço ou de tokens)"


# --- data for the charts -----------------------------------------------------------------------------------------
def _note_pt(tokens_exact: bool, price_estimate: bool) -> str:
    notes = []
    if not tokens_exact:
        notes.append("tokens estimados")
    if price_estimate:
        notes.append("preço estimado")
    return "; ".join(notes)


def _caption(snapshot: str, as_of: str) -> str:
    frame = pd.DataFrame()
    frame.attrs.update(snapshot=snapshot, as_of=as_of)
    meta = next((s for s in list_snapshots() if s["id"] == snapshot), None)
    if meta is not None:
        frame.attrs["figures_as_of_until"] = figures_as_of_limit(meta)
    return snapshot_caption(frame)


def chart_rows(costs: pd.DataFrame) -> pd.DataFrame:
    """The columns the browser needs, one row per (model, provider), with the labels the charts show.

    ``costs`` is a ``load_snapshot`` frame, optionally with ``input_tokens`` / ``input_tokens_exact`` (as
    ``pricing.cost_table`` adds them), or several snapshots' stacked (``costs.load_snapshots``,
    ``costs.calculator_tables``). Each row keeps its ``snapshot`` and ``as_of`` (from the frame's ``attrs`` when
    it holds one snapshot) and the ``snapshot_caption`` to show with it. Missing prices stay missing.
    """
    out = pd.DataFrame(
        {
            "model": costs["model"],
            "provider": costs["provider"],
            "input_usd_per_mtok": costs["input_usd_per_mtok"].astype("float64"),
            "output_usd_per_mtok": costs["output_usd_per_mtok"].astype("float64"),
        }
    )
    if "input_tokens" in costs:
        out["input_tokens"] = costs["input_tokens"].astype("int64")
    exact = costs["input_tokens_exact"] if "input_tokens_exact" in costs else costs["tokenizer_exact"]
    estimate = costs["price_estimate"] if "price_estimate" in costs else price_is_estimate(costs)
    out["tokens_exact"] = exact.astype(bool)
    out["price_estimate"] = estimate.astype(bool)
    tiers = tier_columns(costs).reset_index(drop=True)
    for column in tiers:
        out[column] = tiers[column].to_numpy()
    out["tier_above_text"] = [number_pt(t, 0) for t in out["tier_above_tokens"]]
    out["row_label"] = out["model"] + " · " + out["provider"]
    out["note_pt"] = [_note_pt(e, p) for e, p in zip(out["tokens_exact"], out["price_estimate"], strict=True)]
    out["kind_pt"] = [ESTIMATE_PT if n else LISTED_PT for n in out["note_pt"]]
    if "snapshot" in costs:
        out["snapshot"] = costs["snapshot"].astype(str).to_numpy()
        out["as_of"] = costs["as_of"].astype(str).to_numpy()
    else:
        out["snapshot"] = costs.attrs.get("snapshot", "?")
        out["as_of"] = costs.attrs.get("as_of", "?")
        out.attrs.update(snapshot=costs.attrs.get("snapshot", "?"), as_of=costs.attrs.get("as_of", "?"))
    out["snapshot_caption"] = [_caption(snap, as_of) for snap, as_of in zip(out["snapshot"], out["as_of"], strict=True)]
    return out.reset_index(drop=True)  # keeps attrs


def _js(text: str) -> str:
    """A Vega expression string literal (JSON's double-quoted strings are valid there)."""
    return json.dumps(text, ensure_ascii=False)


def snapshot_menu(rows: pd.DataFrame, snapshot: str | None = None) -> tuple[list, list[str], str | alt.ExprRef]:
    """What a chart needs to switch snapshots: (params, filters, caption), from ``chart_rows`` rows.

    With one snapshot in ``rows``: no param, no filter, and its caption as plain text. With several: a menu
    param ``snapshot`` listing them in the rows' order (``snapshot`` or the first is selected), the filter
    ``SNAPSHOT_FILTER_EXPR``, and the caption as an expression on the menu, so the title follows it.
    """
    captions = dict(zip(rows["snapshot"], rows["snapshot_caption"], strict=True))
    ids = list(captions)
    if len(ids) <= 1:
        return [], [], next(iter(captions.values()), snapshot_caption(rows))
    chosen = ids[0] if snapshot is None else snapshot
    if chosen not in captions:
        raise ValueError(f"snapshot {chosen!r} is not in the data ({', '.join(ids)})")
    labels = [captions[i].removeprefix("dados: snapshot ") for i in ids]
    param = alt.param(
        name=SNAPSHOT_PARAM,
        value=chosen,
        bind=alt.binding_select(options=ids, labels=labels, name="snapshot dos dados "),
    )
    caption = _js("")
    for snap in reversed(ids):
        caption = f"{SNAPSHOT_PARAM} === {_js(snap)} ? {_js(captions[snap])} : {caption}"
    return [param], [SNAPSHOT_FILTER_EXPR], alt.ExprRef(caption)


def _title(text: str, caption: str | alt.ExprRef, *lines: str) -> alt.TitleParams:
    """The title, then the snapshot caption, then ``lines`` (wrapped to fit a phone). A caption that follows a menu
    (an expression) goes in the title's second line: Vega-Lite takes expressions for a title's text but not for
    its subtitle."""
    lines = tuple(wrap_lines(list(lines), SUBTITLE_CHARS))
    if isinstance(caption, alt.ExprRef):
        text = alt.ExprRef(f"[{_js(text)}, {caption.expr}]")
        return chart_title(alt.ExprRef(text.expr), list(lines))
    return chart_title(text, [caption, *lines])


def _filtered(chart: alt.Chart, filters: list[str]) -> alt.Chart:
    for expr in filters:
        chart = chart.transform_filter(expr)
    return chart


_KIND_COLORS = alt.Scale(domain=[LISTED_PT, ESTIMATE_PT], range=["#1f77b4", "#ff7f0e"])
_PRICE_COLORS = alt.Scale(domain=["preço de tabela", "preço estimado"], range=["#1f77b4", "#ff7f0e"])
_LEGEND = alt.Legend(orient="bottom", direction="vertical", labelLimit=400)
# On a phone a row is two lines high: its label split in two, its value and notes on two lines.
_NARROW_ROWS = {"height": {"step": 30}}


def _bars_and_labels(base: alt.Chart, label_field: str) -> tuple[alt.Chart, alt.Chart]:
    """One bar and one text label per row, rows sorted by ``sort_key``; the label's SVG aria-label is the row's."""
    rows = base.encode(
        y=alt.Y(
            "row_label:N",
            sort=alt.EncodingSortField("sort_key", op="min", order="ascending"),
            title=None,
            axis=row_axis(wide_limit=230),
        ),
        description=alt.Description("row_label:N"),
    )
    labels = rows.mark_text(align="left", dx=4, fontSize=11, lineBreak=LINE_BREAK).encode(
        x="label_x:Q", text=f"{label_field}:N"
    )
    return rows.mark_bar(), labels


# --- charts --------------------------------------------------------------------------------------------------------
def text_cost_chart(
    costs: pd.DataFrame,
    *,
    output_tokens: int = 1_000,
    max_output_tokens: int = 10_000,
    step: int = 50,
    snapshot: str | None = None,
    title: str = "Quanto custa um pedido com este texto",
) -> alt.LayerChart:
    """Cost of one request per (model, provider): the text's tokens in + the slider's ``output_tokens`` out.

    ``costs`` is ``costs.calculator_table(df, text=...)`` or ``pricing.cost_table(df, text=...)`` (its
    ``input_tokens`` are the text counted with each row's tokenizer; the former also leaves out price tiers that
    do not apply to the text's length). The slider's param is named ``output_tokens``; the browser computes
    ``COST_USD_EXPR`` at the tier the row's input tokens fall in. Each row's label reads "US$ 0,13893" or "sem
    dado", with "(tokens estimados)", "(preço estimado)" or "(preço de prompt longo, > 128.000 tokens)" where
    that is so.

    With several snapshots' rows (``costs.calculator_tables(text=...)``), a ``snapshot`` menu picks the one
    shown (``snapshot``, default the first); the title says which (``snapshot_menu``).
    """
    if "price_condition" in costs and costs["price_condition"].astype(bool).any():
        # Priced under a condition (batch, a time of day): the prices each row's request pays, tier included.
        costs = costs.assign(
            input_usd_per_mtok=costs["applied_input_usd_per_mtok"],
            output_usd_per_mtok=costs["applied_output_usd_per_mtok"],
            price_variants=[()] * len(costs),
        )
    rows = chart_rows(costs)
    menu, filters, caption = snapshot_menu(rows, snapshot)
    slider = alt.param(
        name=OUTPUT_TOKENS_PARAM,
        value=output_tokens,
        bind=alt.binding_range(min=0, max=max_output_tokens, step=step, name="tokens de saída "),
    )
    base = (
        _filtered(alt.Chart(rows), filters)
        .transform_calculate(cost_usd=f"{PRICED_EXPR} ? {COST_USD_EXPR} : null")
        .transform_calculate(
            tier_pt=tier_note_expr("datum.input_tokens"),
        )
        .transform_calculate(
            cost_label=money_label_expr("datum.cost_usd", COST_DECIMALS) + notes_expr(),
            label_x="isValid(datum.cost_usd) ? datum.cost_usd : 0",
            sort_key="isValid(datum.cost_usd) ? datum.cost_usd : 1e12",
        )
    )
    bars, labels = _bars_and_labels(base, "cost_label")
    bars = bars.encode(
        x=alt.X("cost_usd:Q", title="custo de um pedido (US$)", axis=alt.Axis(labelExpr=_usd_axis(2))),
        color=alt.Color("kind_pt:N", scale=_KIND_COLORS, title=None, legend=_LEGEND),
        tooltip=[
            alt.Tooltip("row_label:N", title="modelo · provedor"),
            alt.Tooltip("input_tokens:Q", title="tokens de entrada", format=","),
            alt.Tooltip("input_usd_per_mtok:Q", title="entrada (US$/1M tokens)"),
            alt.Tooltip("output_usd_per_mtok:Q", title="saída (US$/1M tokens)"),
            alt.Tooltip("cost_label:N", title="custo"),
        ],
    )
    summary = (
        "Barras com o custo, em dólares, de um pedido com este texto em cada modelo e provedor, do mais barato ao"
        " mais caro; o controle de tokens de saída recalcula os custos"
        + (" e o menu escolhe o snapshot dos dados." if menu else ".")
    )
    return (
        alt.layer(bars, labels)
        .add_params(slider, *menu)
        .properties(
            width="container",
            height=alt.Step(16),
            title=_title(title, caption, "arraste o controle de tokens de saída: o custo é recalculado aqui mesmo"),
            description=summary,
            usermeta=layout_meta(
                narrow=_NARROW_ROWS, table=[("row_label", "modelo · provedor"), ("cost_label", "custo de um pedido")]
            ),
        )
    )


def workload_chart(
    df: pd.DataFrame,
    *,
    requests_per_day: int = 1_000,
    input_tokens: int = 3_000,
    output_tokens: int = 1_000,
    brl_per_usd: float | None = None,
    rate_note: str = "",
    snapshot: str | None = None,
    title: str = "Quanto custa um mês de pedidos",
) -> alt.LayerChart:
    """Monthly cost of ``requests_per_day`` identical requests, per model, on its cheapest provider (or on all).

    Sliders: ``requests_per_day``, ``workload_input_tokens``, ``workload_output_tokens``; a number box
    ``usd_brl`` (reais per dollar, empty when ``brl_per_usd`` is None: then only dollars show); a checkbox
    to show every provider instead of the cheapest of each model. Formulas: ``MONTHLY_COST_USD_EXPR``,
    ``MONTHLY_COST_BRL_EXPR``. ``rate_note`` says where the default rate comes from.

    With several snapshots' rows (``costs.load_snapshots()``), a ``snapshot`` menu picks the one shown
    (``snapshot``, default the first), as in ``text_cost_chart``.
    """
    rows = chart_rows(df).drop(columns=["tokens_exact"], errors="ignore")
    menu, filters, caption = snapshot_menu(rows, snapshot)
    rows["note_pt"] = ["preço estimado" if p else "" for p in rows["price_estimate"]]
    rows["kind_pt"] = ["preço estimado" if p else "preço de tabela" for p in rows["price_estimate"]]
    # On a tie, the model's own creator first (Claude 3 Opus: Anthropic, not Amazon Bedrock at the same price).
    creators = df["creator"] if "creator" in df else pd.Series("", index=df.index)
    rows["tie_break"] = [0 if c and p.startswith(c) else 1 for c, p in zip(creators, df["provider"], strict=True)]
    params = [
        alt.param(
            name=REQUESTS_PER_DAY_PARAM,
            value=requests_per_day,
            bind=alt.binding_range(min=0, max=50_000, step=100, name="pedidos por dia "),
        ),
        alt.param(
            name=WORKLOAD_INPUT_PARAM,
            value=input_tokens,
            bind=alt.binding_range(min=0, max=20_000, step=100, name="tokens de entrada por pedido "),
        ),
        alt.param(
            name=WORKLOAD_OUTPUT_PARAM,
            value=output_tokens,
            bind=alt.binding_range(min=0, max=5_000, step=50, name="tokens de saída por pedido "),
        ),
        alt.param(
            name=USD_BRL_PARAM,
            value=brl_per_usd,
            bind=alt.binding(input="number", name="câmbio (R$ por US$) "),
        ),
        alt.param(
            name="all_providers",
            value=False,
            bind=alt.binding_checkbox(name="mostrar todos os provedores (e não só o mais barato de cada modelo) "),
        ),
    ]
    brl_label = money_label_expr("datum.monthly_cost_brl", MONTHLY_DECIMALS, "R$")
    base = (
        _filtered(alt.Chart(rows), filters)
        .transform_calculate(monthly_cost_usd=f"{PRICED_EXPR} ? {MONTHLY_COST_USD_EXPR} : null")
        .transform_calculate(
            monthly_cost_brl=f"isValid(datum.monthly_cost_usd) && {RATE_SET_EXPR} ? {MONTHLY_COST_BRL_EXPR} : null",
            sort_key="isValid(datum.monthly_cost_usd) ? datum.monthly_cost_usd : 1e15",
        )
        .transform_window(
            rank="row_number()",
            groupby=["snapshot", "model"],
            sort=[alt.SortField("sort_key", order="ascending"), alt.SortField("tie_break", order="ascending")],
        )
        .transform_filter("all_providers || datum.rank == 1")
        .transform_calculate(
            tier_pt=tier_note_expr(WORKLOAD_INPUT_PARAM),
        )
        .transform_calculate(
            month_label=money_label_expr("datum.monthly_cost_usd", MONTHLY_DECIMALS)
            + f" + (isValid(datum.monthly_cost_brl) ? ({NARROW_EXPR} ? '\\n' : ' · ') + {brl_label} : '')"
            + notes_expr(),
            label_x="isValid(datum.monthly_cost_usd) ? datum.monthly_cost_usd : 0",
        )
    )
    bars, labels = _bars_and_labels(base, "month_label")
    bars = bars.encode(
        x=alt.X(
            "monthly_cost_usd:Q",
            title=f"custo por mês de {DAYS_PER_MONTH} dias (US$)",
            axis=alt.Axis(labelExpr=_usd_axis(0)),
        ),
        color=alt.Color("kind_pt:N", scale=_PRICE_COLORS, title=None, legend=_LEGEND),
        tooltip=[
            alt.Tooltip("row_label:N", title="modelo · provedor"),
            alt.Tooltip("input_usd_per_mtok:Q", title="entrada (US$/1M tokens)"),
            alt.Tooltip("output_usd_per_mtok:Q", title="saída (US$/1M tokens)"),
            alt.Tooltip("month_label:N", title="por mês"),
        ],
    )
    lines = ["mesmos tokens em todos os modelos; com a caixa desmarcada, só o provedor mais barato de cada modelo"]
    if rate_note:
        lines.append(rate_note)
    summary = (
        "Barras com o custo de um mês de pedidos iguais em cada modelo, no seu provedor mais barato (ou em todos),"
        " do mais barato ao mais caro; os controles mudam os pedidos por dia, os tokens de cada pedido e o câmbio."
    )
    return (
        alt.layer(bars, labels)
        .add_params(*params, *menu)
        .properties(
            width="container",
            height=alt.Step(16),
            title=_title(title, caption, *lines),
            description=summary,
            # On a phone: dollars, reais and the notes on three lines.
            usermeta=layout_meta(
                narrow={"height": {"step": 42}},
                table=[("row_label", "modelo · provedor"), ("month_label", "custo por mês")],
            ),
        )
    )


def review_history_chart(history: pd.DataFrame, models: list[str] | None = None) -> alt.Chart:
    """The article's review (3,000 in + 1,000 out) per model, one point per snapshot (log scale).

    ``history`` is ``costs.review_costs_by_snapshot()``. A model a snapshot does not price has no point
    there (the table beside the chart says "sem dado").
    """
    data = history if models is None else history[history["model"].isin(models)]
    data = data[data["median_cost_usd"].notna()].assign(
        snapshot_label=lambda d: d["snapshot"] + " (" + d["as_of"].map(date_br) + ")",
        cost_text=lambda d: [money_pt(v) for v in d["median_cost_usd"]],
    )
    snaps = list(dict.fromkeys(history["snapshot"] + " (" + history["as_of"].map(date_br) + ")"))
    caption = "dados: snapshots " + ", ".join(snaps) if snaps else "dados: nenhum snapshot"
    return (
        alt.Chart(data)
        .mark_point(filled=True, size=80)
        .encode(
            x=alt.X(
                "median_cost_usd:Q",
                scale=alt.Scale(type="log"),
                title=wrap("custo da revisão do artigo (US$, mediana dos provedores)", 40),
                axis=alt.Axis(labelExpr="'US$ ' + replace(format(datum.value, '~g'), '.', ',')", labelOverlap="greedy"),
            ),
            y=alt.Y("model:N", title=None, sort=alt.EncodingSortField("median_cost_usd", op="max", order="descending")),
            color=alt.Color(
                "snapshot_label:N",
                title="snapshot",
                scale=alt.Scale(domain=snaps),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
            ),
            shape=alt.Shape("snapshot_label:N", title="snapshot", scale=alt.Scale(domain=snaps)),
            tooltip=[
                alt.Tooltip("model:N", title="modelo"),
                alt.Tooltip("snapshot_label:N", title="snapshot"),
                alt.Tooltip("median_cost_usd:Q", title="mediana dos provedores (US$)", format=".5f"),
                alt.Tooltip("min_cost_usd:Q", title="no mais barato (US$)", format=".5f"),
                alt.Tooltip("cheapest_provider:N", title="mais barato"),
            ],
        )
        .properties(
            width="container",
            height=alt.Step(18),
            title=chart_title(
                "Revisar o artigo (3.000 tokens de entrada + 1.000 de saída), snapshot a snapshot",
                [caption, "escala logarítmica: cada marca do eixo é 10× a anterior"],
            ),
            description=(
                "Pontos com o custo de revisar o artigo em cada modelo, na mediana dos provedores, um ponto por"
                " snapshot dos dados, em escala logarítmica."
            ),
            usermeta=layout_meta(
                table=[("model", "modelo"), ("snapshot_label", "snapshot"), ("cost_text", "custo (mediana)")]
            ),
        )
    )
