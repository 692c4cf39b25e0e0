"""Token charts and the explorer's HTML; the browser's temperature formula pinned to the Python one."""

import ast
import math
import re

import altair as alt
import pandas as pd
import pytest

from calculators.charts import tokens as ct
from calculators.ngram import apply_temperature, next_token_table, train
from calculators.tokens import count_tokens, token_pieces

# ---- a small interpreter for the Vega-Lite transforms the chart uses -------------------------------------------

_VEGA_FUNCS = {"exp": math.exp, "log": math.log, "pow": math.pow, "sqrt": math.sqrt, "abs": abs}
_TOKEN = re.compile(
    r"\s*(?:(\d+\.?\d*(?:e[-+]?\d+)?)|(datum\.[A-Za-z_]\w*)|([A-Za-z_]\w*)|(<=|>=|==|!=|&&|\|\||[-+*/()<>,!]))"
)
_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Subscript,
    ast.operator,
    ast.unaryop,
    ast.boolop,
    ast.cmpop,
)


def vega_to_python(expr: str) -> str:
    """Translate the Vega expression subset used here into Python; anything else fails the test."""
    out, pos = [], 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            if expr[pos:].strip() == "":
                break
            raise AssertionError(f"unsupported Vega expression syntax at {expr[pos:]!r}")
        number, field, name, op = m.groups()
        if number:
            out.append(number)
        elif field:
            out.append(f"datum[{field.split('.', 1)[1]!r}]")
        elif name:
            out.append(name)
        else:
            out.append({"&&": " and ", "||": " or ", "!": " not "}.get(op, op))
        pos = m.end()
    code = " ".join(out)
    for node in ast.walk(ast.parse(code, mode="eval")):
        assert isinstance(node, _ALLOWED_NODES), f"unexpected {type(node).__name__} in {code}"
    return code


def vega_eval(expr: str, datum: dict, params: dict):
    return eval(vega_to_python(expr), {"__builtins__": {}}, {**_VEGA_FUNCS, **params, "datum": datum})


_AGG = {"max": max, "min": min, "sum": sum, "count": len}


def run_transforms(rows: list[dict], transforms: list[dict], params: dict) -> list[dict]:
    rows = [dict(r) for r in rows]
    for t in transforms:
        if "calculate" in t:
            for r in rows:
                r[t["as"]] = vega_eval(t["calculate"], r, params)
        elif "joinaggregate" in t:
            assert "groupby" not in t, "groupby not supported by this interpreter"
            for agg in t["joinaggregate"]:
                value = _AGG[agg["op"]]([r[agg["field"]] for r in rows])
                for r in rows:
                    r[agg["as"]] = value
        elif "filter" in t:
            rows = [r for r in rows if vega_eval(t["filter"], r, params)]
        else:
            raise AssertionError(f"transform not supported by this interpreter: {t}")
    return rows


def chart_rows(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


COUNTS = pd.DataFrame(
    {"token": ["abertos", "fechados", ".", "da", "sem"], "count": [8, 3, 2, 2, 1], "rank": [1, 2, 3, 4, 5]}
)


def test_vega_interpreter_understands_the_basics():
    assert vega_eval("exp(log(datum.a) * 2) / t", {"a": 3.0}, {"t": 2}) == pytest.approx(4.5)
    assert vega_eval("datum.rank <= 2 && !(datum.rank == 1)", {"rank": 2}, {}) is True
    with pytest.raises(AssertionError):
        vega_to_python("datum.a ? 1 : 2")


@pytest.mark.parametrize("temperature", [0.1, 0.25, 0.5, 1.0, 1.3, 2.0, 3.0])
def test_browser_formula_matches_python(temperature):
    spec = ct.temperature_chart(COUNTS, context="modelos").to_dict()
    [param] = [p for p in spec["params"] if "bind" in p]
    assert param["name"] == ct.TEMPERATURE_PARAM
    rows = run_transforms(chart_rows(spec), spec["transform"], {param["name"]: temperature})
    expected = apply_temperature(dict(zip(COUNTS["token"], COUNTS["count"], strict=True)), temperature)
    assert {r["token"]: r["probability"] for r in rows} == pytest.approx(expected, rel=1e-12)
    # Both layers draw the computed probability.
    for layer in spec["layer"]:
        assert layer["encoding"]["x"]["field"] == "probability"


def test_browser_formula_on_real_model_and_top_k(article_text):
    from calculators.ngram import plain_text, words

    model = train(words(plain_text(article_text)))
    table = next_token_table(model, ["modelos"])
    spec = ct.temperature_chart(table, context="modelos", top_k=4, temperature=0.7).to_dict()
    assert spec["params"][0]["value"] == 0.7
    rows = run_transforms(chart_rows(spec), spec["transform"], {ct.TEMPERATURE_PARAM: 0.7})
    full = next_token_table(model, ["modelos"], temperature=0.7)
    assert len(rows) == 4
    # Probabilities are over all candidates, then only the top four are drawn.
    assert [r["probability"] for r in rows] == pytest.approx(full["probability"].head(4).tolist())
    assert sum(r["probability"] for r in rows) < 1


def test_pin_fails_when_formulas_drift():
    """The interpreter can tell a wrong browser formula from the right one."""
    drifted = [
        {"joinaggregate": [{"op": "max", "field": "count", "as": "max_count"}]},
        {"calculate": f"pow(datum.count, {ct.TEMPERATURE_PARAM})", "as": "weight"},  # T instead of 1/T
        {"joinaggregate": [{"op": "sum", "field": "weight", "as": "total_weight"}]},
        {"calculate": ct.PROBABILITY_EXPR, "as": "probability"},
    ]
    rows = run_transforms(COUNTS.to_dict("records"), drifted, {ct.TEMPERATURE_PARAM: 0.5})
    expected = apply_temperature(dict(zip(COUNTS["token"], COUNTS["count"], strict=True)), 0.5)
    assert {r["token"]: r["probability"] for r in rows} != pytest.approx(expected)


def test_temperature_chart_validates_and_rejects_bad_range():
    chart = ct.temperature_chart(COUNTS, context="modelos", top_k=3)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict(validate=True)
    assert spec["params"][0]["bind"]["input"] == "range"
    assert "3 mais frequentes de 5" in spec["title"]["subtitle"][0]
    with pytest.raises(ValueError):
        ct.temperature_chart(COUNTS, context="x", temperature=5.0)
    with pytest.raises(ValueError):
        ct.temperature_chart(COUNTS, context="x", t_min=0, temperature=0.5)


# ---- explorer tables and HTML -----------------------------------------------------------------------------------


def test_token_table_counts_and_pieces():
    text = "Olá, mundo! 👋🏽"
    table = ct.token_table(text, ["o200k_base", "mistral_v1", "claude_estimate", "gemini_estimate"])
    assert table["tokenizer"].tolist() == ["o200k_base", "mistral_v1", "claude_estimate", "gemini_estimate"]
    for row in table.itertuples():
        assert row.tokens == count_tokens(text, row.tokenizer)
    o200k = table.iloc[0]
    assert o200k.exact and o200k.shown == o200k.tokens
    assert [p.text for p in o200k.pieces][:4] == ["Olá", ",", " mundo", "!"]
    assert not table.iloc[2].exact
    assert table.iloc[2].shown == 0 and table.iloc[2].pieces == []
    assert table.iloc[3].tokens == math.ceil(len(text) / 4)
    with pytest.raises(ValueError):
        ct.token_table(text, ["no_such_tokenizer"])


def test_token_table_limit_caps_display_not_count(article_text):
    table = ct.token_table(article_text, ["cl100k_base"], limit=50)
    row = table.iloc[0]
    assert row.shown == 50 and row.tokens == count_tokens(article_text, "cl100k_base") > 50
    html = ct.tokens_html(table)
    assert "Mostrando os primeiros 50 de" in html
    assert html.count('title="id ') == 50


def test_tokens_html_shows_ids_estimates_and_split_characters():
    text = "Olá, mundo! 👋🏽"
    table = ct.token_table(text, ["o200k_base", "claude_estimate"])
    page = ct.tokens_html(table)
    for piece in token_pieces(text, "o200k_base"):
        assert f">{piece.id}</span>" in page
    assert "·mundo" in page  # the leading space is made visible
    assert "estimativa" in page and "Sem tokenizador público" in page
    assert "dashed" in page and "&lt;0xF0&gt;" in page  # an emoji split across tokens, shown as byte markers
    assert "Mostrando os primeiros" not in page


def test_tokens_html_captions():
    table = ct.token_table("Olá", ["o200k_base", "cl100k_base"])
    page = ct.tokens_html(table, captions={"o200k_base": "GPT-4o <novo>"})
    assert "— GPT-4o &lt;novo&gt;" in page
    assert table.loc[1, "description"] in page  # no caption: the tokenizer's own description
    assert table.loc[0, "description"] not in page


def test_tokens_html_escapes_markup():
    page = ct.tokens_html(ct.token_table("<script>alert(1)</script>", ["cl100k_base"]))
    assert "<script>" not in page and "&lt;" in page


def test_token_table_empty_text():
    table = ct.token_table("", ["o200k_base", "gemini_estimate"])
    assert table["tokens"].tolist() == [0, 0]
    assert "0 tokens" in ct.tokens_html(table)


# ---- counts chart -------------------------------------------------------------------------------------------------


def test_count_table_and_ratio():
    table = ct.count_table({"pt": "Olá, mundo!", "en": "Hello, world!"}, ["o200k_base", "claude_estimate"])
    assert table.loc[0, "pt"] == count_tokens("Olá, mundo!", "o200k_base")
    assert table.loc[0, "ratio"] == pytest.approx(table.loc[0, "pt"] / table.loc[0, "en"])
    assert table["label"].tolist() == ["GPT-4o (o200k_base)", "Claude (estimativa)"]
    empty = ct.count_table({"pt": "x", "en": ""}, ["o200k_base"])
    assert math.isnan(empty.loc[0, "ratio"])  # no division by zero: the ratio is missing, not 0 or inf
    three = ct.count_table({"a": "x", "b": "y", "c": "z"}, ["o200k_base"])
    assert "ratio" not in three.columns


def test_token_counts_chart_validates():
    table = ct.count_table({"português": "Olá, mundo!", "inglês": "Hello, world!"}, ["o200k_base", "gemini_estimate"])
    chart = ct.token_counts_chart(table, ["português", "inglês"])
    spec = chart.to_dict(validate=True)
    rows = chart_rows(spec)
    assert len(rows) == 4
    assert {r["texto"] for r in rows} == {"português", "inglês"}
    assert spec["encoding"]["x"]["field"] == "tokens"


# ---- helpers for the prose -----------------------------------------------------------------------------------------


def test_number_pt():
    assert ct.number_pt(4262) == "4.262"
    assert ct.number_pt(1.1905, 2) == "1,19"
    assert ct.number_pt(-1234567.891, 1) == "-1.234.567,9"
    assert ct.number_pt(0) == "0"
    assert ct.number_pt(float("nan")) == "sem dado"
    assert ct.number_pt(None) == "sem dado"


def test_snapshot_tokenizers():
    from calculators import load_snapshot

    table = ct.snapshot_tokenizers(load_snapshot("2024-05"))
    assert table.loc[0, "tokenizer"] == "o200k_base" and table.loc[0, "models"] == "GPT-4o"
    row = table.set_index("tokenizer").loc["cl100k_base"]
    assert row["models"] == "GPT-3.5 Turbo, GPT-4 Turbo" and row["exact"]
    assert not table.set_index("tokenizer").loc["claude_estimate", "exact"]
    assert table["tokenizer"].is_unique


def test_charts_format_numbers_the_brazilian_way():
    for chart in (
        ct.temperature_chart(COUNTS, context="modelos"),
        ct.token_counts_chart(ct.count_table({"a": "x", "b": "y"}, ["o200k_base"]), ["a", "b"]),
    ):
        locale = chart.to_dict()["usermeta"]["embedOptions"]["formatLocale"]
        assert locale["decimal"] == "," and locale["thousands"] == "."


# ---- the same chart in real Vega (node + the vendored vega the site ships); the interpreter above always runs ----


@pytest.fixture(scope="module")
def run_vega(tmp_path_factory):
    from vega_eval import vega_runner

    run = vega_runner(tmp_path_factory.mktemp("vega-tokens"))
    if run is None:
        pytest.skip("node or the vendored vega files are missing (run `make vendor`)")
    return run


def test_temperature_chart_in_real_vega(run_vega):
    from vega_eval import rows_with

    temperatures = [0.1, 0.3, 1.0, 2.5]
    spec = ct.temperature_chart(COUNTS, context="modelos", top_k=4).to_dict()
    runs = run_vega(spec, [{ct.TEMPERATURE_PARAM: t} for t in temperatures])
    counts = dict(zip(COUNTS["token"], COUNTS["count"], strict=True))
    for t, datasets in zip(temperatures, runs, strict=True):
        rows = rows_with(datasets, "probability")
        expected = apply_temperature(counts, t)
        assert len(rows) == 4  # the top_k filter ran after the probabilities
        assert {r["token"]: r["probability"] for r in rows} == pytest.approx(
            {k: expected[k] for k in ["abertos", "fechados", ".", "da"]}, rel=1e-9
        )


# ---- what the chapter "Como LLMs funcionam" says in words about these numbers ------------------------------------


def test_chapter_claims_about_portuguese_hold():
    from pathlib import Path

    chapters_data = Path(__file__).resolve().parent.parent / "chapters" / "_data"
    pt = (chapters_data / "passagem.pt-BR.txt").read_text(encoding="utf-8").strip()
    en = (chapters_data / "passagem.en.txt").read_text(encoding="utf-8").strip()
    table = ct.count_table({"pt": pt, "en": en}).set_index("tokenizer")
    exact = table[table["exact"]]
    # "a mesma ideia escrita em português tende a gastar mais tokens" - in every exact tokenizer.
    assert (exact["ratio"] > 1.05).all(), exact["ratio"]
    # "O do GPT-4o (o200k_base) ... diminui a diferença" (against cl100k_base, Llama 3 and Mistral).
    assert table.loc["o200k_base", "ratio"] < min(
        table.loc[n, "ratio"] for n in ["cl100k_base", "llama3", "mistral_v1"]
    )
    # The characters / 4 estimate barely sees the language.
    assert abs(table.loc["gemini_estimate", "ratio"] - 1) < 0.1


def test_chapter_claims_about_the_question_hold():
    question = "Qual LLM é mais barato para resumir contratos em português? 🤔"
    o200k = [p.text for p in token_pieces(question, "o200k_base")]
    assert " português" in o200k and " mais" in o200k and " barato" in o200k
    assert " português" not in [p.text for p in token_pieces(question, "cl100k_base")]
    assert count_tokens(question, "o200k_base") < count_tokens(question, "cl100k_base")
    # The emoji is split into byte pieces by at least two of the article's tokenizers.
    split = [n for n in ["o200k_base", "cl100k_base", "llama3"] if any(p.partial for p in token_pieces(question, n))]
    assert len(split) >= 2
    # Mistral's SentencePiece puts a space before the first word.
    assert token_pieces(question, "mistral_v1")[0].text.startswith(" ")
    # "inconstitucionalmente": o200k_base keeps bigger pieces.
    assert count_tokens("inconstitucionalmente", "o200k_base") < count_tokens("inconstitucionalmente", "cl100k_base")
