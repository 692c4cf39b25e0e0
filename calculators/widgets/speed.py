"""The response-time calculator: how long until an answer of N tokens is complete, per model and provider.

Thin: it reads the controls, calls ``calculators.choose.response_times`` (which uses ``calculators.latency``),
keeps the table on ``self.view`` and shows it. Needs a running kernel (Jupyter, Binder, Colab).
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ..charts.base import snapshot_caption
from ..choose import response_times, response_times_display

ALL_MODELS = "todos"


class ResponseTimeCalculator:
    """A slider for the output tokens and a menu for the model; ``view`` is the last ``response_times`` table.

    Rows without a time to first token keep ``e2e_s`` missing and read "sem dado", never a total that counts
    the missing time as zero.
    """

    def __init__(self, df: pd.DataFrame, *, output_tokens: int = 500, model: str | None = None):
        self.df = df
        models = sorted(df["model"].unique())
        self.output_tokens = widgets.IntSlider(
            value=output_tokens,
            min=1,
            max=8_000,
            step=1,
            description="tokens de saída",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        )
        self.model = widgets.Dropdown(
            options=[(ALL_MODELS, ALL_MODELS), *[(m, m) for m in models]],
            value=model or ALL_MODELS,
            description="modelo",
        )
        self.output = widgets.HTML()
        self.view: pd.DataFrame = pd.DataFrame()
        self.output_tokens.observe(self._update, names="value")
        self.model.observe(self._update, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.output_tokens, self.model]), self.output])
        self._update()

    def _update(self, change=None) -> None:
        model = None if self.model.value == ALL_MODELS else self.model.value
        self.view = response_times(self.df, output_tokens=self.output_tokens.value, model=model)
        table = response_times_display(self.view).to_html(index=False, escape=True)
        caption = f"<p><small>{snapshot_caption(self.df)}</small></p>"
        self.output.value = table + caption

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
