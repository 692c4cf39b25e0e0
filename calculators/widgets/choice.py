"""The "escolha seu LLM" lab: a workload and constraints in, a ranked table of models and providers out.

Thin: it reads the controls, calls ``calculators.choose.choose``, keeps the ranked table on ``self.view`` and
shows it. Needs a running kernel (Jupyter, Binder, Colab).
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ..charts.base import snapshot_caption
from ..choose import CLOSED_PT, FITS, OPEN_PT, choose, choose_display
from ..data import EFFORTS
from ..reasoning import EFFORT_PT, effort_rows

ANY = "todos"
# Menu values are strings: a Dropdown whose value is None shows no selection at all.
OPENNESS_OPTIONS = [(ANY, "any"), (OPEN_PT, "open"), (CLOSED_PT, "closed")]
OPENNESS_VALUES = {"any": None, "open": True, "closed": False}
RANK_OPTIONS = [("menor custo", "monthly_cost_usd"), ("resposta mais rápida", "e2e_s"), ("maior qualidade", "quality")]


class ChooseLab:
    """Workload (tokens in and out per request, requests per day) and constraints in; ``view`` is ``choose``'s table.

    A minimum quality of 0 means no quality constraint; the time limit applies only while its box is ticked.
    ``show_all`` also lists the rows that do not fit or lack a figure, with the reason. ``effort`` is the requests'
    reasoning effort ("" for a row per effort the data has); quality is the snapshot's index: Artificial Analysis'
    2026 Intelligence Index where the data has it, else the 2024 quality index.
    """

    def __init__(
        self,
        df: pd.DataFrame,
        *,
        input_tokens: int = 2_000,
        output_tokens: int = 500,
        requests_per_day: int = 1_000,
        min_quality: int = 80,
        max_e2e_s: float | None = None,
        open_weights: bool | None = None,
        effort: str = "",
    ):
        self.df = df
        self._by_effort = effort_rows(df) if "effort" not in df else df
        has_index = self._by_effort["intelligence_index"].notna().any() if "intelligence_index" in df else False
        self.quality_metric = "intelligence_index" if has_index else "quality_index"
        style = {"description_width": "initial"}
        self.input_tokens = widgets.BoundedIntText(
            value=input_tokens, min=0, max=2_000_000, step=100, description="tokens de entrada por pedido", style=style
        )
        self.output_tokens = widgets.BoundedIntText(
            value=output_tokens, min=0, max=100_000, step=50, description="tokens de saída por pedido", style=style
        )
        self.requests_per_day = widgets.BoundedIntText(
            value=requests_per_day, min=0, max=100_000_000, step=100, description="pedidos por dia", style=style
        )
        self.min_quality = widgets.IntSlider(
            value=min_quality, min=0, max=100, description="qualidade mínima (0 = tanto faz)", style=style
        )
        self.use_max_e2e = widgets.Checkbox(value=max_e2e_s is not None, description="limitar o tempo de resposta")
        self.max_e2e_s = widgets.BoundedFloatText(
            value=10.0 if max_e2e_s is None else max_e2e_s,
            min=0.1,
            max=600,
            step=0.5,
            description="tempo máximo (s)",
            style=style,
        )
        menu_value = {v: k for k, v in OPENNESS_VALUES.items()}[open_weights]
        self.open_weights = widgets.Dropdown(options=OPENNESS_OPTIONS, value=menu_value, description="pesos")
        self.rank_by = widgets.Dropdown(options=RANK_OPTIONS, value="monthly_cost_usd", description="ordenar por")
        self.show_all = widgets.Checkbox(value=False, description="mostrar também os que não atendem")
        self.effort = widgets.Dropdown(
            options=[("todos", ""), *((EFFORT_PT[e], e) for e in EFFORTS)],
            value=effort,
            description="esforço de raciocínio",
            style=style,
        )
        self.output = widgets.HTML()
        self.view: pd.DataFrame = pd.DataFrame()
        controls = [
            self.input_tokens,
            self.output_tokens,
            self.requests_per_day,
            self.min_quality,
            self.use_max_e2e,
            self.max_e2e_s,
            self.open_weights,
            self.rank_by,
            self.show_all,
            self.effort,
        ]
        for control in controls:
            control.observe(self._update, names="value")
        self.widget = widgets.VBox(
            [
                self.input_tokens,
                self.output_tokens,
                self.requests_per_day,
                self.min_quality,
                widgets.HBox([self.use_max_e2e, self.max_e2e_s]),
                self.open_weights,
                self.effort,
                widgets.HBox([self.rank_by, self.show_all]),
                self.output,
            ]
        )
        self._update()

    def _update(self, change=None) -> None:
        rows = self._by_effort if not self.effort.value else effort_rows(self.df, self.effort.value)
        self.view = choose(
            rows,
            input_tokens=self.input_tokens.value,
            output_tokens=self.output_tokens.value,
            requests_per_day=self.requests_per_day.value,
            min_quality=self.min_quality.value or None,
            max_e2e_s=self.max_e2e_s.value if self.use_max_e2e.value else None,
            open_weights=OPENNESS_VALUES[self.open_weights.value],
            rank_by=self.rank_by.value,
            quality_metric=self.quality_metric,
        )
        shown = self.view if self.show_all.value else self.view[self.view["status"] == FITS]
        fits = int((self.view["status"] == FITS).sum())
        summary = f"<p><b>{fits} de {len(self.view)}</b> combinações de modelo e provedor atendem.</p>"
        if shown.empty:
            table = (
                "<p>Nenhuma combinação atende. Afrouxe uma exigência ou marque “mostrar também os que não atendem”.</p>"
            )
        else:
            display = choose_display(shown)
            if not self.show_all.value:  # every row shown fits: no status, no reason to show
                display = display.drop(columns=["situação", "por quê"])
            table = display.to_html(index=False, escape=True)
        caption = f"<p><small>{snapshot_caption(self.df)}</small></p>"
        self.output.value = summary + table + caption

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
