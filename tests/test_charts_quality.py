"""Quality charts: every builder validates; missing scores stay missing and are named; sources travel along."""

from __future__ import annotations

import math

import pytest
from test_charts_speed import dataset_rows, params_of, rows_with, run_vega  # noqa: F401

from calculators import load_snapshot
from calculators.charts.quality import (
    ALL_METRIC_LABELS,
    METRIC_LABELS,
    benchmark_chart,
    missing_by_metric,
    quality_long_data,
    quality_price_chart,
)


@pytest.fixture(scope="module")
def df():
    return load_snapshot("2024-05")


def _rows(spec):
    """Rows of the main dataset (the one with one row per model and metric)."""
    return max(spec["datasets"].values(), key=len)


def test_long_data_keeps_sources_and_missing_scores(df):
    long = quality_long_data(df)
    assert len(long) == 12 * len(METRIC_LABELS)
    opus = long[(long["model"] == "Claude 3 Opus") & (long["metric"] == "quality_index")].iloc[0]
    assert opus["value"] == 94 and opus["value_text"] == "94"
    assert opus["source"].startswith("accesslabs-dev/bna-website@") and opus["as_of"] == "2024-05-21"
    gpt35 = long[(long["model"] == "GPT-3.5 Turbo") & (long["metric"] == "mmlu_pct")].iloc[0]
    assert math.isnan(gpt35["value"]) and gpt35["value_text"] == "sem dado"
    llama = long[(long["model"] == "Llama 3 70B") & (long["metric"] == "quality_index")].iloc[0]
    assert llama["price_text"] == "US$ 0,90 por 1M tokens (inclui preço estimado)"
    humaneval = long[(long["model"] == "Llama 3 70B") & (long["metric"] == "humaneval_pct")].iloc[0]
    assert humaneval["value_text"] == "81,7"


def test_missing_by_metric_names_the_models(df):
    missing = missing_by_metric(quality_long_data(df)).set_index("metric")["text"]
    assert missing["quality_index"] == ""
    assert missing["mmlu_pct"] == "sem dado: GPT-3.5 Turbo"
    assert missing["humaneval_pct"] == "sem dado: GPT-3.5 Turbo, Mistral Large, Mixtral 8x22B, Mixtral 8x7B"


@pytest.mark.parametrize("metric", list(METRIC_LABELS))
def test_quality_price_chart_spec(df, metric):
    spec = quality_price_chart(df, metric=metric, min_score=80).to_dict()  # validates
    params = params_of(spec)
    assert params["metric_menu"]["value"] == metric
    assert params["metric_menu"]["bind"]["options"] == list(METRIC_LABELS)
    assert params["metric_menu"]["bind"]["labels"] == list(METRIC_LABELS.values())
    assert params["min_score"]["value"] == 80 and params["min_score"]["bind"]["input"] == "range"
    x = spec["layer"][0]["encoding"]["x"]
    assert x["field"] == "blended_usd_per_mtok" and x["scale"]["type"] == "log"
    tooltip_fields = {t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]}
    assert {"source", "as_of", "confidence", "price_text"} <= tooltip_fields
    rows = _rows(spec)
    assert not any(r["value"] == 0 for r in rows)
    assert any(r["value"] is None for r in rows)
    assert "snapshot 2024-05" in str(spec["title"])


def test_quality_price_chart_rejects_unknown_metric(df):
    with pytest.raises(ValueError):
        quality_price_chart(df, metric="mt_bench_score")


@pytest.mark.parametrize("metric", list(ALL_METRIC_LABELS))
def test_benchmark_chart_spec(df, metric):
    spec = benchmark_chart(df, metric=metric).to_dict()
    rows = dataset_rows(spec)
    assert len(rows) == 12
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    known = [r for r in rows if r["value"] is not None]
    assert order[: len(known)] == [r["model"] for r in sorted(known, key=lambda r: (-r["value"], r["model"]))]
    assert all(r["value_text"] == "sem dado" for r in rows if r["value"] is None)


def test_benchmark_chart_mt_bench_is_mostly_missing(df):
    rows = dataset_rows(benchmark_chart(df, metric="mt_bench_score").to_dict())
    assert [r["model"] for r in rows if r["value"] is not None] == ["Mixtral 8x7B"]
    with pytest.raises(ValueError):
        benchmark_chart(df, metric="arena")


def test_real_vega_menu_and_slider(df, run_vega):  # noqa: F811
    spec = quality_price_chart(df).to_dict()
    runs = [{}, {"metric_menu": "mmlu_pct"}, {"metric_menu": "humaneval_pct", "min_score": 85}]
    default, mmlu, humaneval = run_vega(spec, runs, svg=True)
    assert {r["metric"] for r in rows_with(default, "value", "model")} >= {"quality_index"}
    placed = [r for r in rows_with(mmlu, "value", "label_pos") if r["metric"] == "mmlu_pct"]
    assert "sem dado: GPT-3.5 Turbo" in mmlu["svg"] and "sem dado" not in default["svg"]
    assert "sem dado: GPT-3.5 Turbo, Mistral Large, Mixtral 8x22B, Mixtral 8x7B" in humaneval["svg"]
    assert len(placed) >= 11
    svg = humaneval["svg"]
    assert "modelo: Llama 3 70B" in svg and "modelo: GPT-3.5 Turbo" not in svg  # no HumanEval: no point
    below_85 = ["Claude 3 Haiku", "Claude 3 Opus", "Gemini 1.5 Flash", "Gemini 1.5 Pro", "Llama 3 70B", "Llama 3 8B"]
    assert svg.count('fill="#d0d0d0"') == len(below_85)  # the slider greys out the points under 85
