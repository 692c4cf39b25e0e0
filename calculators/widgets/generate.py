"""Generate text token by token with the book's n-gram model: a temperature slider, a seed and a "gerar" button.

Thin: it reads the controls, calls ``calculators.ngram`` and keeps the results on ``self.probs`` (the next-token
table for the prompt) and ``self.view`` (the steps of the last generation). Needs a running kernel.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from ..ngram import (
    NgramModel,
    UnknownContextError,
    detokenize,
    generate,
    generation_table,
    next_token_table,
    words,
)


class NextTokenGenerator:
    """Prompt, temperature and seed in; next-token probabilities and a generated sentence out.

    ``probs`` is the ``next_token_table`` after the prompt (empty when the prompt's context was never seen),
    ``view`` the ``generation_table`` of the last click on "gerar", ``generated`` its text.
    """

    def __init__(
        self,
        model: NgramModel,
        prompt: str = "modelos",
        *,
        temperature: float = 1.0,
        seed: int = 0,
        max_tokens: int = 30,
    ):
        self.model = model
        self.max_tokens = max_tokens
        self.prompt = widgets.Text(value=prompt, description="começo", continuous_update=False)
        self.temperature = widgets.FloatSlider(
            value=temperature, min=0.1, max=3.0, step=0.05, description="temperatura", readout_format=".2f"
        )
        self.seed = widgets.IntText(value=seed, description="semente")
        self.button = widgets.Button(description="gerar", button_style="primary", icon="play")
        self.probs_output = widgets.HTML()
        self.text_output = widgets.HTML()
        self.probs: pd.DataFrame = pd.DataFrame()
        self.view: pd.DataFrame = generation_table([])
        self.generated = ""
        self.prompt.observe(self._update_probs, names="value")
        self.temperature.observe(self._update_probs, names="value")
        self.button.on_click(self._generate)
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.prompt, self.seed]),
                self.temperature,
                self.probs_output,
                self.button,
                self.text_output,
            ]
        )
        self._update_probs()

    def _prompt_tokens(self) -> list[str]:
        return words(self.prompt.value)

    def _update_probs(self, change=None) -> None:
        try:
            self.probs = next_token_table(self.model, self._prompt_tokens(), temperature=self.temperature.value)
        except (UnknownContextError, ValueError):
            self.probs = pd.DataFrame(columns=["token", "count", "rank", "probability"])
            self.probs_output.value = (
                "<em>Esse começo nunca aparece no texto de treino (ou está vazio), então o modelo não tem "
                "nenhum próximo token para propor. Tente outra palavra.</em>"
            )
            return
        self.probs_output.value = self.probs.head(10).to_html(
            index=False, formatters={"probability": "{:.1%}".format}, escape=True
        )

    def _generate(self, button=None) -> None:
        prompt = self._prompt_tokens()
        steps = generate(
            self.model,
            prompt,
            max_tokens=self.max_tokens,
            temperature=self.temperature.value,
            seed=self.seed.value,
        )
        self.view = generation_table(steps)
        self.generated = detokenize(prompt + [s.token for s in steps])
        new = detokenize([s.token for s in steps])
        self.text_output.value = (
            f"<p><strong>{html.escape(detokenize(prompt))}</strong> {html.escape(new)}</p>"
            if steps
            else "<p><em>Nada gerado: esse começo nunca foi visto no texto de treino.</em></p>"
        )

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
