"""calculators.display: what a reader sees, with the known values of its docstrings."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from calculators.display import at_most, table_pt, value_pt
from calculators.formatting import number_pt


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.125, 2, "0,13"),  # a tie rounds up, as by hand and in the browser, not to the even 0,12
        (0.12500000000000003, 3, "0,125"),
        (1234.5, 2, "1.234,50"),
        (np.float64(0.12), 2, "0,12"),
        (np.int64(5388), None, "5.388"),  # integers: no decimals by default
        (3.0, None, "3,00"),  # other numbers: two
        (-0.894, 3, "-0,894"),
        (True, None, "sim"),
        (False, None, "não"),
        (np.bool_(True), None, "sim"),
        (math.nan, 2, "sem dado"),
        (None, 2, "sem dado"),
        (pd.NA, 2, "sem dado"),
        ("fechados", None, "fechados"),
    ],
)
def test_value_pt(value, decimals, expected):
    assert value_pt(value, decimals) == expected


def test_value_pt_shows_without_quotes_or_numpy():
    shown = value_pt(np.float64(0.12), 2)
    assert repr(shown) == "0,12" and isinstance(shown, str)
    assert value_pt(1.9, 2, " s") == "1,90 s"


def test_number_pt_rounds_ties_away_from_zero_like_the_browser():
    # Intl.NumberFormat("pt-BR") rounds the number as written (its shortest decimal) half away from zero.
    assert number_pt(0.125) == "0,13"
    assert number_pt(2.5, 0) == "3"
    assert number_pt(-0.125) == "-0,13"
    assert number_pt(2.675) == "2,68"  # stored as 2.67499999..., written 2.675: the tie rounds up, as by hand
    # The book's own cases (review of 2026-12-06, U22): 0,525 -> 0,53; 0,15375 -> 0,1538; 0,00105 -> 0,0011.
    assert number_pt(0.525) == "0,53"
    assert number_pt(0.15375, 4) == "0,1538"
    assert number_pt(0.00105, 4) == "0,0011"
    # ...also when arithmetic leaves binary noise below the tie: (3 × 0,35 + 1,05) ÷ 4 = 0.5249999999999999.
    assert (3 * 0.35 + 1.05) / 4 < 0.525 and number_pt((3 * 0.35 + 1.05) / 4) == "0,53"
    assert number_pt(0.5249999999, 2) == "0,52"  # a value really below the tie stays below
    assert number_pt(1234.5, 1, " s") == "1.234,5 s"
    assert number_pt(float("inf"), 0) == "inf"


def _models() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model": ["Claude 3 Opus", "Llama 3 70B", "Mixtral 8x7B"],
            "provider": ["Anthropic", "Groq", "Perplexity"],
            "cost_usd": [0.125, 1234.5, math.nan],
            "open_weights": pd.array([False, True, pd.NA], dtype="boolean"),
            "quality_index": [94.0, 88.0, math.nan],
            "providers": [2, 9, 8],
            "price_status": ["preço de tabela", "preço de tabela", "sem preço"],
        },
        index=[89, 131, 163],  # what a filter leaves: row numbers, not labels
    )


def test_table_pt_headers_numbers_booleans_missing():
    shown = table_pt(
        _models(),
        {
            "model": "modelo",
            "cost_usd": "custo (US$)",
            "open_weights": "pesos abertos",
            "quality_index": "índice de qualidade",
            "providers": "provedores",
        },
        formats={"cost_usd": 2},
    )
    assert list(shown.columns) == ["custo (US$)", "pesos abertos", "índice de qualidade", "provedores"]
    assert shown.columns.name == "modelo" and shown.index.name is None
    assert list(shown.index) == ["Claude 3 Opus", "Llama 3 70B", "Mixtral 8x7B"]
    assert list(shown["custo (US$)"]) == ["0,13", "1.234,50", "sem dado"]
    assert list(shown["pesos abertos"]) == ["não", "sim", "sem dado"]
    assert list(shown["índice de qualidade"]) == ["94", "88", "sem dado"]  # whole numbers: no decimals
    assert list(shown["provedores"]) == ["2", "9", "8"]


def test_table_pt_has_no_index_column_and_one_header_row():
    shown = table_pt(_models(), {"model": "modelo", "provider": "provedor"})
    html = shown.to_html()
    assert html.count("<tr") == 1 + 3  # one header row, three rows
    assert "<th>modelo</th>" in html and "<th>Claude 3 Opus</th>" in html
    assert "<th>89</th>" not in html and "<th>0</th>" not in html
    assert str(shown).splitlines()[0].split() == ["modelo", "provedor"]


def test_table_pt_index_formats_by_header_and_for_every_column():
    shown = table_pt(
        _models(),
        {"provider": "provedor", "model": "modelo", "cost_usd": "custo (US$)"},
        formats={"custo (US$)": 4},
        index="modelo",
    )
    assert shown.columns.name == "modelo" and list(shown.columns) == ["provedor", "custo (US$)"]
    assert shown.loc["Llama 3 70B", "custo (US$)"] == "1.234,5000"
    everything = table_pt(_models(), {"model": "modelo", "cost_usd": "custo (US$)"}, formats=1)
    assert list(everything["custo (US$)"]) == ["0,1", "1.234,5", "sem dado"]
    tier = table_pt(_models(), {"model": "modelo", "providers": "faixa"}, formats={"providers": lambda n: f"{n}×"})
    assert list(tier["faixa"]) == ["2×", "9×", "8×"]


def test_table_pt_keeps_a_meaningful_index():
    by_model = _models().set_index("model")
    shown = table_pt(by_model, {"model": "modelo", "provider": "provedor"})
    assert list(shown.index) == ["Claude 3 Opus", "Llama 3 70B", "Mixtral 8x7B"]
    labels = pd.DataFrame({"T = 0,5": [0.681, 0.096]}, index=pd.Index(["abertos", "fechados"], name="token"))
    assert table_pt(labels, formats=3).loc["fechados", "T = 0,5"] == "0,096"


def test_table_pt_series_and_dict():
    counts = pd.Series(["atende", "não atende", "atende"], name="status").value_counts()
    shown = table_pt(counts, {"status": "situação", "count": "combinações"})
    assert shown.columns.name == "situação" and shown.loc["atende", "combinações"] == "2"
    values = table_pt({"fechados": np.int64(3), "total": 24, "chance": value_pt(0.125, 3)})
    assert list(values.columns) == ["valor"] and list(values["valor"]) == ["3", "24", "0,125"]
    lists = table_pt({"HumanEval ≥ 85": ["GPT-4o", "GPT-4 Turbo"]})
    assert lists.loc["HumanEval ≥ 85", "valor"] == "GPT-4o, GPT-4 Turbo"


def test_table_pt_transpose_and_pivot():
    groups = pd.DataFrame({"models": [4, 8], "max_quality_index": [88.0, 100.0]}, index=["pesos abertos", "fechado"])
    groups.index.name = "openness"
    turned = table_pt(
        groups,
        {"openness": "pesos", "models": "modelos", "max_quality_index": "maior índice"},
        transpose=True,
    )
    assert turned.columns.name == "pesos" and list(turned.columns) == ["pesos abertos", "fechado"]
    assert turned.loc["maior índice", "fechado"] == "100"
    long = pd.DataFrame({"creator": ["A", "A"], "snapshot": ["2024-05", "2026-11"], "mais caro": ["x", "y"]})
    wide = long.pivot(index="creator", columns="snapshot", values=["mais caro"])
    shown = table_pt(wide.rename_axis(index="criador"))
    assert shown.columns.name == "criador" and list(shown.columns) == ["mais caro, 2024-05", "mais caro, 2026-11"]


def test_table_pt_leaves_the_data_alone():
    models = _models()
    before = models.copy()
    table_pt(models, {"model": "modelo", "cost_usd": "custo (US$)"}, formats={"cost_usd": 2})
    pd.testing.assert_frame_equal(models, before)


def test_table_pt_says_what_is_wrong():
    with pytest.raises(KeyError, match="price_usd"):
        table_pt(_models(), {"model": "modelo", "price_usd": "preço"})
    with pytest.raises(KeyError, match="formats"):
        table_pt(_models(), {"model": "modelo"}, formats={"cost_usd": 2})
    with pytest.raises(ValueError, match="same header"):
        table_pt(_models(), {"model": "modelo", "provider": "modelo"})
    with pytest.raises(TypeError):
        table_pt([1, 2, 3])


def test_at_most():
    fmt = at_most(4)
    assert [fmt(v) for v in (33.0, 0.0036, 33.333333, 46.875, 1234.0)] == ["33", "0,0036", "33,3333", "46,875", "1.234"]
