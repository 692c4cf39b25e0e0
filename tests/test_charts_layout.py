"""Every chart builder, as the chapters call it: it fits its container, has a title and a one-sentence summary in
Portuguese for screen readers, and what the page's script reads from ``usermeta`` is well formed.

What the page does with it in a browser (fit a 390 px phone, name the drawing, fill the hidden table) is checked
by ``tests/site/test_phone_layout.py`` and ``tests/site/test_accessibility.py``.
"""

from __future__ import annotations

import pytest

from calculators import load_snapshot
from calculators.charts import base, choice, price, providers, quality, speed, tokens
from calculators.costs import article_text, calculator_table
from calculators.measurements import load_measurements
from calculators.ngram import next_token_table, train, words

SNAPSHOT = "2024-05"


def _titles(spec: dict) -> list:
    """The chart's title, or, for a concatenation without one, its views' titles."""
    if spec.get("title"):
        return [spec["title"]]
    views = spec.get("vconcat") or spec.get("hconcat") or spec.get("concat") or []
    return [view["title"] for view in views if view.get("title")]


@pytest.fixture(scope="module")
def df():
    return load_snapshot(SNAPSHOT)


def _builders(df, tmp_path_factory):
    counts = tokens.count_table({"português": "Olá, mundo!", "inglês": "Hello, world!"}, ["o200k_base"])
    model = train(words(article_text()), order=2)
    empty = load_measurements(tmp_path_factory.mktemp("none") / "none.csv")
    costs = calculator_table(df, text=article_text(), output_tokens=1_000, requests_per_day=1)
    return {
        "token_counts": tokens.token_counts_chart(counts, ["português", "inglês"]),
        "temperature": tokens.temperature_chart(next_token_table(model, ["modelos"]), context="modelos"),
        "text_cost": price.text_cost_chart(costs),
        "workload": price.workload_chart(df, brl_per_usd=5.0),
        "price_speed": providers.price_speed_chart(df),
        "stream_time": providers.stream_time_chart(df),
        "provider_price": providers.provider_price_chart(df),
        "model_speed": speed.model_speed_chart(df),
        "response_time": speed.response_time_chart(df),
        "measured_none": speed.measured_speed_chart(df, empty),
        "quality_price": quality.quality_price_chart(df),
        "benchmark": quality.benchmark_chart(df),
        "choice": choice.choice_chart(df),
        "open_closed": choice.open_closed_chart(df),
    }


@pytest.fixture(scope="module")
def specs(df, tmp_path_factory):
    return {name: chart.to_dict() for name, chart in _builders(df, tmp_path_factory).items()}


def test_every_chart_fits_its_container(specs):
    for name, spec in specs.items():
        if any(key in spec for key in ("vconcat", "hconcat", "concat")):
            continue  # Vega-Lite cannot size these to a container: the page's script shrinks them (render.py)
        assert spec.get("width") == "container", name


def test_every_chart_has_a_title_and_a_one_sentence_summary(specs):
    for name, spec in specs.items():
        assert _titles(spec), name
        summary = spec.get("description", "")
        assert 40 <= len(summary) <= 320, (name, summary)
        assert summary[0].isupper() and summary.endswith(".") and summary.count(". ") == 0, (name, summary)


def test_titles_and_subtitles_fit_a_phone(specs):
    for name, spec in specs.items():
        texts = []
        for title in _titles(spec):
            texts += [title] if isinstance(title, str) else [title.get("text"), title.get("subtitle")]
        for text in texts:
            lines = [text] if isinstance(text, str) else text if isinstance(text, list) else []
            for line in lines:
                assert len(line) <= max(base.TITLE_CHARS, base.SUBTITLE_CHARS), (name, line)


def test_layout_meta_is_what_the_page_reads(specs):
    for name, spec in specs.items():
        meta = spec.get("usermeta", {})
        assert meta.get("embedOptions", {}).get("renderer", "svg") == "svg", name
        llms101 = meta.get("llms101", {})
        for column in llms101.get("table", []):
            assert len(column) == 2 and all(isinstance(part, str) and part for part in column), (name, column)
        assert isinstance(llms101.get("narrow", {}), dict), name


def test_narrow_layout_only_where_the_browser_measures():
    """The phone layout hangs on the container's width: no container (node, these tests) is the wide layout."""
    assert base.NARROW_EXPR.startswith("(containerSize()[0] > 0 &&")
    assert base.narrow_or("1", "2").expr.endswith("? 1 : 2")
    assert base.wrap("curto", 10) == "curto"
    assert base.wrap_lines(["um dois três quatro"], 9) == ["um dois", "três", "quatro"]
    title = base.chart_title("Velocidade por modelo", "dados: snapshot 2024-05 (21/05/2024)").to_dict()
    assert title["anchor"] == "start" and title["frame"] == "bounds"
    assert title["subtitle"] == "dados: snapshot 2024-05 (21/05/2024)"
