"""Provider charts: every builder validates; missing prices are never drawn at 0; the streaming formula is pinned."""

import pandas as pd
import pytest
from vega_eval import vega_eval

from calculators import latency_table, load_snapshot
from calculators.charts import providers
from calculators.charts.base import MISSING_PT


@pytest.fixture(scope="module")
def df():
    return load_snapshot("2024-05")


def _datasets(spec) -> list[pd.DataFrame]:
    return [pd.DataFrame(rows) for rows in spec["datasets"].values()]


def test_provider_rows_status(df):
    rows = providers.provider_rows(df, "Llama 3 70B").set_index("provider")
    assert len(rows) == 9
    assert rows.loc["Microsoft Azure", "price_status"] == providers.ESTIMATE_PT
    assert rows.loc["Microsoft Azure", "point_label"].endswith("(preço estimado)")
    assert rows.loc["OctoAI", "price_status"] == MISSING_PT
    assert pd.isna(rows.loc["OctoAI", "blended_usd_per_mtok"])
    assert rows.loc["Groq", "blended_usd_per_mtok"] == pytest.approx((3 * 0.59 + 0.79) / 4)


def test_price_speed_chart_puts_missing_prices_on_their_own_strip(df):
    spec = providers.price_speed_chart(df, "Llama 3 70B").to_dict()
    frames = _datasets(spec)
    points = next(f for f in frames if "blended_usd_per_mtok" in f and f["blended_usd_per_mtok"].notna().all())
    strip = next(f for f in frames if "strip_label" in f)
    assert set(points["provider"]) == {
        "Groq",
        "Fireworks",
        "Together.ai",
        "Amazon Bedrock",
        "DeepInfra",
        "Replicate",
        "Microsoft Azure",
    }
    assert set(strip["provider"]) == {"Perplexity", "OctoAI"}
    assert strip["strip_label"].str.contains(MISSING_PT).all()
    assert "snapshot 2024-05" in str(spec["title"])


def test_price_speed_chart_without_missing_prices(df):
    spec = providers.price_speed_chart(df, "Mixtral 8x7B").to_dict()  # no speeds at all in 2024-05
    assert "sem dado de velocidade" in str(spec["title"])


def test_stream_formula_matches_latency(df):
    for n in (0, 1, 20, 500, 1_234, 4_000):
        table = latency_table(df[df["model"] == "Llama 3 70B"], output_tokens=n)
        for row in table.to_dict("records"):
            datum = {"output_tokens_per_s": row["output_tokens_per_s"]}
            assert vega_eval(providers.HAS_SPEED_EXPR, datum) is True
            browser = vega_eval(providers.GENERATION_S_EXPR, datum, {"stream_output_tokens": n})
            assert browser == pytest.approx(row["generation_s"], rel=1e-12, abs=1e-15)
    assert vega_eval(providers.HAS_SPEED_EXPR, {"output_tokens_per_s": None}) is False


def test_stream_time_chart_validates(df):
    spec = providers.stream_time_chart(df, output_tokens=700).to_dict()
    assert spec["params"] == [
        {
            "name": "stream_output_tokens",
            "bind": {"input": "range", "max": 4000, "min": 0, "name": "tokens de saída ", "step": 50},
            "value": 700,
        }
    ]
    assert providers.GENERATION_S_EXPR in str(spec)


def test_provider_price_chart_menu(df):
    spec = providers.provider_price_chart(df).to_dict()
    menu = spec["params"][0]
    assert menu["name"] == "model_choice" and menu["value"] == "Llama 3 70B"
    options = menu["bind"]["options"]
    assert options[:3] == ["Llama 3 70B", "Llama 3 8B", "Mixtral 8x7B"]  # most providers first (9, 8, 8)
    assert "Mistral Large" not in options  # one provider: nothing to compare
    data = _datasets(spec)[0]
    assert set(data["model"]) == set(options)
    # An unknown default model falls back to the first option instead of an empty chart.
    assert providers.provider_price_chart(df, model="No such model").to_dict()["params"][0]["value"] == options[0]


@pytest.fixture(scope="module")
def run_vega(tmp_path_factory):
    from vega_eval import vega_runner

    run = vega_runner(tmp_path_factory.mktemp("vega"))
    if run is None:
        pytest.skip("node or the vendored vega files are missing (run `make vendor`)")
    return run


def test_stream_and_price_labels_in_vega(df, run_vega):
    from vega_eval import rows_with

    from calculators.charts.tokens import number_pt

    runs = run_vega(providers.stream_time_chart(df).to_dict(), [{"stream_output_tokens": 700}])
    rows = {r["provider"]: r for r in rows_with(runs[0], "time_label")}
    table = latency_table(df[df["model"] == "Llama 3 70B"], output_tokens=700).set_index("provider")
    assert set(rows) == set(table.index)
    for provider, row in rows.items():
        assert row["time_label"] == number_pt(table.loc[provider, "generation_s"], 1) + " s"

    runs = run_vega(providers.provider_price_chart(df).to_dict(), [{}, {"model_choice": "Claude 3 Opus"}])
    llama = {r["provider"]: r["price_label"] for r in rows_with(runs[0], "price_label")}
    assert llama["OctoAI"] == MISSING_PT
    assert llama["Microsoft Azure"].endswith("(preço estimado)")
    assert llama["Groq"] == "US$ 0,64"
    opus = {r["provider"]: r["price_label"] for r in rows_with(runs[1], "price_label")}
    assert opus == {"Anthropic": "US$ 30,00", "Amazon Bedrock": "US$ 30,00"}
