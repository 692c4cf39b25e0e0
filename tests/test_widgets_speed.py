"""The response-time widget without a browser: set .value, assert the recomputed view."""

from __future__ import annotations

import math

import pytest

from calculators import load_snapshot
from calculators.choose import response_times
from calculators.widgets.speed import ResponseTimeCalculator


@pytest.fixture(scope="module")
def df():
    return load_snapshot("2024-05")


def test_defaults_to_500_tokens(df):
    calc = ResponseTimeCalculator(df)
    assert calc.output_tokens.value == 500
    groq = calc.view.iloc[0]
    assert (groq["model"], groq["provider"]) == ("Llama 3 70B", "Groq")
    assert groq["e2e_s"] == pytest.approx(0.25 + 500 / 303)
    assert "1,90 s" in calc.output.value
    assert "snapshot 2024-05" in calc.output.value


def test_slider_and_menu_recompute(df):
    calc = ResponseTimeCalculator(df)
    calc.output_tokens.value = 1_000
    groq = calc.view[(calc.view["model"] == "Llama 3 70B") & (calc.view["provider"] == "Groq")].iloc[0]
    assert groq["e2e_s"] == pytest.approx(0.25 + 1_000 / 303)
    assert calc.view.equals(response_times(df, output_tokens=1_000))
    calc.model.value = "GPT-4o"
    assert set(calc.view["model"]) == {"GPT-4o"}
    assert calc.view["e2e_s"].isna().all()  # no time to first token for GPT-4o in May 2024
    assert calc.view["generation_s"].tolist() == pytest.approx([1_000 / 80, 1_000 / 80])
    assert "sem dado" in calc.output.value and ">0,00 s<" not in calc.output.value
    calc.model.value = "todos"
    assert len(calc.view) == len(df)
    assert "application/vnd.jupyter.widget-view+json" in calc._repr_mimebundle_()


def test_missing_ttft_never_reads_zero(df):
    calc = ResponseTimeCalculator(df, model="Claude 3 Haiku")
    bedrock = calc.view[calc.view["provider"] == "Amazon Bedrock"].iloc[0]
    assert math.isnan(bedrock["ttft_s"]) and math.isnan(bedrock["e2e_s"])
    assert bedrock["generation_s"] == pytest.approx(500 / 101)
