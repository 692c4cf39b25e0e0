"""The price calculator: paste a text, see its tokens for each model and what it costs, per request and per month,
in dollars and in reais.

Thin: it reads the controls, calls ``calculators.costs`` (``token_count_table``, ``calculator_table``) and
``calculators.charts.price.text_cost_chart``, keeps the result on ``self.view`` and shows it. Needs a running
kernel (Jupyter, Binder, Colab); the static site has the browser-side charts of ``calculators.charts.price``.
"""

from __future__ import annotations

import datetime as dt
import html

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from ..charts.base import MISSING_PT, snapshot_caption, usd_pt
from ..charts.price import text_cost_chart
from ..charts.tokens import number_pt
from ..choose import NO_THINKING_PT
from ..costs import DAYS_PER_MONTH, article_text, calculator_table, token_count_table
from ..data import EFFORTS, list_snapshots, load_snapshot, web_url
from ..fx import default_usd_brl
from ..pricing import check_time_utc, price_age_note, today_utc
from ..reasoning import EFFORT_PT
from ..tokens import tokenizer_label


def brl_pt(value) -> str:
    """Reais the Brazilian way: 'R$ 18.488,16'; a missing value reads "sem dado"."""
    text = usd_pt(value, 2)
    return text if text == MISSING_PT else "R$ " + text.removeprefix("US$ ")


_CELL = 'style="white-space: nowrap; padding: 0 0.6em 0 0; text-align: left"'


def _cell(value: str) -> str:
    return f"<td {_CELL}>{html.escape(value)}</td>"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th {_CELL}>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
    table = f'<table class="llms101-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'<div style="overflow-x: auto; margin: 0.5em 0">{table}</div>'


def counts_html(counts: pd.DataFrame) -> str:
    """The token counts per tokenizer, each marked exact or estimate."""
    rows = [
        [tokenizer_label(r.tokenizer), number_pt(r.input_tokens), "exata" if r.exact else "estimativa", r.models]
        for r in counts.itertuples(index=False)
    ]
    return _table(["tokenizador", "tokens de entrada", "contagem", "modelos"], rows)


def costs_html(view: pd.DataFrame) -> str:
    """The cost table: one row per (model, provider), estimates marked, missing figures as "sem dado"."""
    rows = []
    for r in view.itertuples(index=False):
        notes = [
            n for n, on in (("tokens estimados", not r.input_tokens_exact), ("preço estimado", r.price_estimate)) if on
        ]
        if r.tier_above_input_tokens:
            notes.append(f"preço de prompt longo, > {number_pt(r.tier_above_input_tokens, 0)} tokens")
        if r.price_condition:
            notes.append("lote" if r.price_condition == "batch" else f"horário {r.price_condition[4:]} UTC")
        if not r.cost_includes_reasoning:
            notes.append(NO_THINKING_PT)
        elif r.reasoning_tokens:
            notes.append(f"+ {number_pt(r.reasoning_tokens, 0)} tokens de raciocínio")
        if getattr(r, "price_note", ""):
            notes.append(r.price_note)
        rows.append(
            [
                r.model if r.effort is None else f"{r.model} · {EFFORT_PT[r.effort]}",
                r.provider,
                number_pt(r.input_tokens),
                usd_pt(r.cost_usd, 5),
                usd_pt(r.monthly_cost_usd, 2),
                brl_pt(r.monthly_cost_brl),
                "; ".join(notes),
            ]
        )
    header = ["modelo", "provedor", "tokens de entrada", "por pedido", "por mês", "por mês (R$)", "observação"]
    return _table(header, rows)


class PriceCalculator:
    """Textarea (the article by default) in; token counts, a cost table and a chart out.

    Controls: ``text``, ``output_tokens``, ``requests_per_day``, ``usd_brl`` (reais per dollar; 0 means "no rate":
    only dollars), ``snapshot``, ``price_kind`` ("ordinary" or "batch"), ``at_utc`` (HH:MM, UTC; empty for the
    ordinary price), ``request_date`` (the day of the request: scheduled prices apply from their day; default
    today, UTC) and ``effort`` (a reasoning effort, or "" for every effort the data has). ``view`` is the last
    ``costs.calculator_table`` (one row per (model, provider, effort));
    ``token_counts`` the last ``costs.token_count_table``. The displayed output has one row per (model,
    provider) whatever the text's size: the text itself is never echoed.
    """

    def __init__(
        self,
        text: str | None = None,
        *,
        snapshot: str = "2024-05",
        output_tokens: int = 1_000,
        requests_per_day: int = 1_000,
        effort: str = "",
    ):
        snapshots = [m["id"] for m in list_snapshots()]
        self.text = widgets.Textarea(
            value=article_text() if text is None else text,
            placeholder="Cole ou digite um texto",
            continuous_update=False,
            layout=widgets.Layout(width="100%", height="8em"),
        )
        self.snapshot = widgets.Dropdown(options=snapshots, value=snapshot, description="snapshot")
        self.output_tokens = widgets.IntSlider(
            value=output_tokens, min=0, max=10_000, step=50, description="tokens de saída", continuous_update=False
        )
        self.requests_per_day = widgets.IntSlider(
            value=requests_per_day, min=0, max=50_000, step=100, description="pedidos/dia", continuous_update=False
        )
        self.usd_brl = widgets.BoundedFloatText(value=0.0, min=0.0, max=1_000.0, step=0.01, description="R$ por US$")
        self.price_kind = widgets.Dropdown(
            options=[("preço normal", "ordinary"), ("API de lote (batch)", "batch")],
            value="ordinary",
            description="preço",
        )
        self.at_utc = widgets.Text(value="", placeholder="HH:MM", description="horário do pedido (UTC)")
        self.effort = widgets.Dropdown(
            options=[("todos", ""), *((EFFORT_PT[e], e) for e in EFFORTS)],
            value=effort,
            description="esforço de raciocínio",
        )
        # The day the request is sent: scheduled prices apply from their day (default today, UTC).
        self.request_date = widgets.DatePicker(value=dt.date.fromisoformat(today_utc()), description="data do pedido")
        self.request_date.style = {"description_width": "initial"}
        self.condition_note = widgets.HTML()
        settings = (self.output_tokens, self.requests_per_day, self.usd_brl, self.price_kind, self.at_utc, self.effort)
        for w in (self.snapshot, *settings):
            w.style = {"description_width": "initial"}
        self.rate_note = widgets.HTML()
        self.summary = widgets.HTML()
        self.tables = widgets.HTML()
        self.chart_out = widgets.Output()
        self.view: pd.DataFrame = pd.DataFrame()
        self.token_counts: pd.DataFrame = pd.DataFrame()
        self.chart = None
        self._df = None
        self._set_default_rate()
        self.snapshot.observe(self._on_snapshot, names="value")
        for w in (self.text, *settings, self.request_date):
            w.observe(self._update, names="value")
        self.widget = widgets.VBox(
            [
                self.text,
                widgets.HBox([self.snapshot, self.output_tokens]),
                widgets.HBox([self.requests_per_day, self.usd_brl]),
                widgets.HBox([self.price_kind, self.at_utc]),
                self.effort,
                widgets.HBox([self.price_kind, self.at_utc, self.request_date]),
                self.rate_note,
                self.condition_note,
                self.summary,
                self.tables,
                self.chart_out,
            ]
        )
        self._update()

    def _set_default_rate(self) -> None:
        """Load the snapshot and put its sourced default rate (if any) in the rate box."""
        self._df = load_snapshot(self.snapshot.value)
        rate = default_usd_brl(self._df.attrs["as_of"])
        if rate is None:
            self.rate_note.value = "Sem câmbio de referência para esta data: digite o câmbio para ver reais."
            self.usd_brl.value = 0.0
        else:
            href = web_url(rate.source)  # a link only from an http(s) URL
            source = f'<a href="{html.escape(href)}">fonte</a>' if href else f"fonte: {html.escape(rate.source)}"
            self.rate_note.value = (
                f"Câmbio sugerido: {html.escape(rate.description_pt)} ({source}). Troque à vontade; 0 = só dólares."
            )
            self.usd_brl.value = rate.brl_per_usd

    def _on_snapshot(self, change=None) -> None:
        self._set_default_rate()
        self._update()

    def _update(self, change=None) -> None:
        rate = self.usd_brl.value or None
        text = self.text.value
        at_utc = self.at_utc.value.strip() or None
        try:
            check_time_utc(at_utc)
        except ValueError:
            self.condition_note.value = "<p>Horário: digite HH:MM (UTC), ou deixe vazio para o preço normal.</p>"
            return  # keep the last table until the time is whole
        self.condition_note.value = ""
        on = (self.request_date.value or dt.date.fromisoformat(today_utc())).isoformat()
        self.token_counts = token_count_table(text, self._df)
        self.view = calculator_table(
            self._df,
            text=text,
            output_tokens=self.output_tokens.value,
            requests_per_day=self.requests_per_day.value,
            brl_per_usd=rate,
            at_utc=at_utc,
            batch=self.price_kind.value == "batch",
            effort=self.effort.value or None,
            every_effort=True,
            on=on,
        )
        self.summary.value = (
            f"<p>{html.escape(snapshot_caption(self._df))} · "
            f"{html.escape(price_age_note(self._df.attrs['as_of'], on))} · "
            f"texto de {number_pt(len(text))} caracteres · "
            f"{number_pt(self.output_tokens.value)} tokens de saída por pedido · "
            f"{number_pt(self.requests_per_day.value)} pedidos por dia, {DAYS_PER_MONTH} dias por mês</p>"
        )
        self.tables.value = counts_html(self.token_counts) + costs_html(self.view)
        self.chart = text_cost_chart(self.view, output_tokens=self.output_tokens.value)
        self.chart_out.clear_output(wait=True)
        with self.chart_out:
            display(self.chart)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
