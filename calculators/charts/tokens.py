"""Tokens on the page: coloured token pieces (HTML), token counts per tokenizer, next-token probabilities.

Besides the ``alt.Chart`` builders this module holds the small tables they draw (``token_table``,
``count_table``) and one HTML renderer (``tokens_html``): a tokenizer explorer whose output is plain HTML with
inline styles, so it shows on the static site without a kernel and without any script.

The temperature chart computes probabilities in the browser (Vega expressions below, behind a slider). They
are the same formula as ``calculators.ngram.apply_temperature``; ``tests/test_charts_tokens.py`` runs the chart's
transforms in Python and compares.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from .. import formatting
from ..tokens import count_tokens, list_tokenizers, token_pieces, tokenizer_info, tokenizer_label
from .base import chart_title, layout_meta

# Default cap on the pieces the explorer draws (counting always covers the whole text).
DISPLAY_LIMIT = 300

# A light palette with dark text, readable in the site's light and dark themes alike.
PALETTE = ("#fde68a", "#bfdbfe", "#bbf7d0", "#fecaca", "#ddd6fe", "#fed7aa", "#a5f3fc", "#f5d0fe")

# Brazilian number format in the browser (33,3%; 4.262), passed to vega-embed through the chart's usermeta. The same
# d3-format locale as calculators.charts.render.PT_BR_FORMAT_LOCALE.
PT_BR_EMBED = {
    "embedOptions": {"formatLocale": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["US$ ", ""]}}
}
_FORMAT_LOCALE = PT_BR_EMBED["embedOptions"]

EXACT_PT = "exato"
ESTIMATE_PT = "estimativa"

# The browser side of calculators.ngram.apply_temperature. Fields: count (the candidate's count), max_count (the
# largest count, from a joinaggregate), weight, total_weight (the sum of weights, from a joinaggregate).
TEMPERATURE_PARAM = "temperatura"
WEIGHT_EXPR = f"exp((log(datum.count) - log(datum.max_count)) / {TEMPERATURE_PARAM})"
PROBABILITY_EXPR = "datum.weight / datum.total_weight"


def default_tokenizers() -> list[str]:
    """Every tokenizer of ``calculators.tokens``, exact ones first."""
    return [t.name for t in list_tokenizers()]


def number_pt(value: float | None, decimals: int = 0) -> str:
    """A number the Brazilian way (``.`` between thousands, ``,`` before decimals); a missing value reads "sem dado".

    Example: number_pt(4262) -> '4.262';  number_pt(1.1905, 2) -> '1,19';  number_pt(float("nan")) -> 'sem dado'
    """
    return formatting.number_pt(value, decimals)


def snapshot_tokenizers(df: pd.DataFrame) -> pd.DataFrame:
    """The tokenizers a snapshot's models use, in ``list_tokenizers`` order: ``tokenizer, exact, models``.

    ``df`` is a ``load_snapshot`` frame; ``models`` lists the models of each tokenizer, comma-separated.

    Example: snapshot_tokenizers(load_snapshot("2024-05")).loc[0, "models"] -> 'GPT-4o'   (o200k_base)
    """
    per_model = df[["model", "tokenizer"]].drop_duplicates()
    rows = []
    for info in list_tokenizers():
        models = sorted(per_model.loc[per_model["tokenizer"] == info.name, "model"])
        if models:
            rows.append({"tokenizer": info.name, "label": info.label, "exact": info.exact, "models": ", ".join(models)})
    return pd.DataFrame(rows, columns=["tokenizer", "label", "exact", "models"])


def token_table(text: str, tokenizers: Sequence[str] | None = None, *, limit: int = DISPLAY_LIMIT) -> pd.DataFrame:
    """One row per tokenizer: ``tokenizer, description, exact, tokens, shown, pieces``.

    ``tokens`` counts the whole text (an estimate where ``exact`` is False); ``pieces`` holds the first ``limit``
    ``TokenPiece`` objects (``shown`` of them), or an empty list for an estimate, which has no pieces.

    Example: token_table("Olá, mundo!", ["o200k_base"]).loc[0, "tokens"] -> 4
    """
    rows = []
    for name in tokenizers or default_tokenizers():
        info = tokenizer_info(name)
        pieces = token_pieces(text, name, limit=limit) if info.exact else []
        rows.append(
            {
                "tokenizer": name,
                "description": info.description,
                "exact": info.exact,
                "tokens": count_tokens(text, name),
                "shown": len(pieces),
                "pieces": pieces,
            }
        )
    return pd.DataFrame(rows, columns=["tokenizer", "description", "exact", "tokens", "shown", "pieces"])


def _visible(text: str) -> str:
    """A piece's text with its whitespace made visible: · for a space, ↵ for a newline, → for a tab."""
    return html.escape(text.replace(" ", "·").replace("\n", "↵").replace("\t", "→").replace("\r", "␍"))


def _piece_span(piece, colour: str) -> str:
    border = "1px dashed #7f1d1d" if piece.partial else "1px solid rgba(0,0,0,.15)"
    title = f"id {piece.id}" + (" · pedaço de um caractere (bytes soltos)" if piece.partial else "")
    return (
        f'<span title="{html.escape(title)}" style="display:inline-flex;flex-direction:column;align-items:center;'
        f"margin:1px;padding:0 2px;border-radius:3px;border:{border};background:{colour};color:#111;"
        f'line-height:1.25">'
        f'<span style="font-family:monospace;white-space:pre">{_visible(piece.text)}</span>'
        f'<span style="font-size:.65em;color:#444">{piece.id}</span></span>'
    )


def tokens_html(table: pd.DataFrame, *, captions: Mapping[str, str] | None = None) -> str:
    """The explorer: per tokenizer, a header (name, exact or estimate, count) and its coloured pieces with ids.

    ``table`` is a ``token_table``. Consecutive tokens alternate colours; a dashed border marks a token that holds
    only some bytes of a character (shown as ``<0xC3>``-style markers). ``captions`` replaces a tokenizer's
    description in its header (e.g. with the models that use it).

    Example: "89191" in tokens_html(token_table("Olá, mundo!", ["o200k_base"])) -> True   (the id of "Olá")
    """
    blocks = []
    for row in table.itertuples(index=False):
        caption = (captions or {}).get(row.tokenizer, row.description)
        kind = EXACT_PT if row.exact else ESTIMATE_PT
        count = f"{number_pt(row.tokens)} tokens" if row.exact else f"≈ {number_pt(row.tokens)} tokens"
        name = tokenizer_label(row.tokenizer)
        head = (
            f'<div style="margin-bottom:2px"><strong>{html.escape(name)}</strong> · {kind} · {count}'
            f' <span style="opacity:.7">— {html.escape(caption)}</span></div>'
        )
        if not row.exact:
            body = '<div style="opacity:.8"><em>Sem tokenizador público: só a contagem estimada, sem peças.</em></div>'
        else:
            spans = "".join(_piece_span(p, PALETTE[i % len(PALETTE)]) for i, p in enumerate(row.pieces))
            note = ""
            if row.shown < row.tokens:
                shown, total = number_pt(row.shown), number_pt(row.tokens)
                note = f'<div style="opacity:.8"><em>Mostrando os primeiros {shown} de {total} tokens.</em></div>'
            body = f'<div style="display:flex;flex-wrap:wrap;align-items:flex-start">{spans}</div>{note}'
        blocks.append(f'<div style="margin:0 0 .8em 0">{head}{body}</div>')
    legend = (
        '<div style="font-size:.85em;opacity:.8">· é um espaço, ↵ uma quebra de linha; o número embaixo de cada '
        "token é o seu id; borda tracejada: o token carrega só parte dos bytes de um caractere.</div>"
    )
    return f'<div class="llm-tokens">{"".join(blocks)}{legend}</div>'


def count_table(texts: Mapping[str, str], tokenizers: Sequence[str] | None = None) -> pd.DataFrame:
    """Token counts of several texts: one row per tokenizer, one column per text label, ``exact`` and ``label``.

    ``label`` is the tokenizer's name for readers (``TokenizerInfo.label``: "Mistral v1", "Claude (estimativa)").
    With exactly two texts a ``ratio`` column holds first / second.

    Example: count_table({"pt": "Olá, mundo!", "en": "Hello, world!"}, ["o200k_base"]) -> pt 4, en 4, ratio 1.0
    """
    rows = []
    for name in tokenizers or default_tokenizers():
        info = tokenizer_info(name)
        row = {"tokenizer": name, "label": info.label, "exact": info.exact}
        row.update({key: count_tokens(text, name) for key, text in texts.items()})
        rows.append(row)
    out = pd.DataFrame(rows)
    if len(texts) == 2:
        first, second = list(texts)
        out["ratio"] = out[first] / out[second].where(out[second] > 0)
    return out


def token_counts_chart(
    table: pd.DataFrame, texts: Sequence[str], *, title: str = "Tokens por tokenizador"
) -> alt.Chart:
    """Grouped bars: for each tokenizer (estimates labelled), the token count of each text in ``texts``.

    ``table`` is a ``count_table``; ``texts`` are the column labels to draw (e.g. ``["português", "inglês"]``).
    """
    long = table.melt(
        id_vars=["tokenizer", "label", "exact"], value_vars=list(texts), var_name="texto", value_name="tokens"
    )
    order = list(table["label"])
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("tokens:Q", title="tokens"),
            y=alt.Y("label:N", sort=order, title=None),
            yOffset=alt.YOffset("texto:N", sort=list(texts)),
            color=alt.Color("texto:N", sort=list(texts), title=None, legend=alt.Legend(orient="bottom")),
            opacity=alt.condition("datum.exact", alt.value(1.0), alt.value(0.55)),
            tooltip=[
                alt.Tooltip("label:N", title="tokenizador"),
                alt.Tooltip("texto:N"),
                alt.Tooltip("tokens:Q"),
            ],
        )
        .properties(
            title=chart_title(title, "barras claras: estimativas (sem tokenizador público)"),
            width="container",
            description=(
                f"Barras com quantos tokens cada tokenizador conta em cada texto ({', '.join(texts)}), um texto"
                " embaixo do outro, sempre na mesma ordem; as barras claras são estimativas."
            ),
            usermeta=layout_meta(
                embed=_FORMAT_LOCALE, table=[("label", "tokenizador"), ("texto", "texto"), ("tokens", "tokens")]
            ),
        )
    )


def temperature_chart(
    table: pd.DataFrame,
    *,
    context: str,
    top_k: int | None = None,
    temperature: float = 1.0,
    t_min: float = 0.1,
    t_max: float = 3.0,
    t_step: float = 0.05,
) -> alt.LayerChart:
    """Next-token probabilities for one context, recomputed in the browser as a temperature slider moves.

    ``table`` is a ``calculators.ngram.next_token_table`` (columns ``token, count, rank``). Probabilities are
    computed over all candidates; with ``top_k`` only the ``top_k`` most frequent are drawn.
    """
    if not t_min <= temperature <= t_max or t_min <= 0:
        raise ValueError("need 0 < t_min <= temperature <= t_max")
    data = table[["token", "count", "rank"]].copy()
    slider = alt.param(
        name=TEMPERATURE_PARAM,
        value=temperature,
        bind=alt.binding_range(min=t_min, max=t_max, step=t_step, name="temperatura T "),
    )
    y = alt.Y("token:N", sort=alt.EncodingSortField(field="rank", order="ascending"), title=None)
    x = alt.X("probability:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"), title="probabilidade")
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("token:N"),
                alt.Tooltip("count:Q", title="vezes no texto"),
                alt.Tooltip("probability:Q", title="probabilidade", format=".1%"),
            ],
        )
    )
    labels = alt.Chart().mark_text(align="left", dx=3).encode(x=x, y=y, text=alt.Text("probability:Q", format=".1%"))
    chart = (
        alt.layer(bars, labels, data=data)
        .add_params(slider)
        .transform_joinaggregate(max_count="max(count)")
        .transform_calculate(weight=WEIGHT_EXPR)
        .transform_joinaggregate(total_weight="sum(weight)")
        .transform_calculate(probability=PROBABILITY_EXPR)
    )
    if top_k is not None:
        chart = chart.transform_filter(f"datum.rank <= {int(top_k)}")
    shown = f"os {top_k} mais frequentes de {len(data)} candidatos" if top_k else f"{len(data)} candidatos"
    return chart.properties(
        title=chart_title(f"Próximo token depois de “{context}”", [shown, "mova a temperatura"]),
        width="container",
        description=(
            f"Barras com a probabilidade de cada candidato a próximo token depois de “{context}”, do mais provável ao"
            " menos provável; o controle de temperatura recalcula as probabilidades."
        ),
        usermeta=layout_meta(
            embed=_FORMAT_LOCALE, table=[("token", "token"), ("probability", "probabilidade (de 0 a 1)")]
        ),
    )
