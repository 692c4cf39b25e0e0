"""The tokenizer explorer: type or paste text, see it cut into coloured tokens by several tokenizers at once.

Thin: it reads the controls, calls ``calculators.charts.tokens.token_table`` and ``tokens_html``, keeps the table
on ``self.view`` and shows the HTML. Needs a running kernel (Jupyter, Binder, Colab).
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd

from ..charts.tokens import DISPLAY_LIMIT, default_tokenizers, token_table, tokens_html
from ..tokens import tokenizer_info

DEFAULT_TEXT = "Olá! Quantos tokens tem esta frase? E esta aqui, em inglês: how many tokens?"


class TokenExplorer:
    """Textarea in, coloured tokens and counts out, one block per tokenizer.

    ``view`` is the last ``token_table``: ``tokenizer, description, exact, tokens, shown, pieces``.
    At most ``limit`` tokens are drawn per tokenizer; counts always cover the whole text.
    """

    def __init__(
        self, text: str = DEFAULT_TEXT, tokenizers: Sequence[str] | None = None, *, limit: int = DISPLAY_LIMIT
    ):
        self.limit = limit
        names = default_tokenizers()
        self.text = widgets.Textarea(
            value=text,
            placeholder="Cole ou digite um texto",
            continuous_update=False,
            layout=widgets.Layout(width="100%", height="7em"),
        )
        self.tokenizers = widgets.SelectMultiple(
            options=[(self._label(n), n) for n in names],
            value=tuple(tokenizers or names),
            rows=len(names),
            description="tokenizadores",
            style={"description_width": "initial"},
        )
        self.output = widgets.HTML()
        self.view: pd.DataFrame = pd.DataFrame()
        self.text.observe(self._update, names="value")
        self.tokenizers.observe(self._update, names="value")
        self.widget = widgets.VBox([self.text, self.tokenizers, self.output])
        self._update()

    @staticmethod
    def _label(name: str) -> str:
        return tokenizer_info(name).label

    def _update(self, change=None) -> None:
        self.view = token_table(self.text.value, list(self.tokenizers.value), limit=self.limit)
        self.output.value = tokens_html(self.view)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
