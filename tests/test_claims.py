"""The article's claims, recomputed from the 2024-05 snapshot."""

import pytest

from calculators import article_claims, load_snapshot, model_prices


@pytest.fixture(scope="module")
def claims():
    return article_claims(load_snapshot("2024-05"))


def test_price_ratios(claims):
    assert claims["llama_vs_opus_price"].computed_value == pytest.approx(33.3, abs=0.05)
    assert claims["llama_vs_gpt4_price"].computed_value == pytest.approx(16.7, abs=0.05)
    assert claims["llama_vs_opus_price"].holds and claims["llama_vs_gpt4_price"].holds
    assert claims["groq_vs_opus_price"].computed_value == pytest.approx(46.9, abs=0.05)


def test_review_costs(claims):
    assert claims["review_opus_usd"].computed_value == pytest.approx(0.12)
    assert claims["review_gpt4_usd"].computed_value == pytest.approx(0.06)
    assert claims["review_llama_usd"].computed_value == pytest.approx(0.0036)
    assert round(claims["review_llama_usd"].computed_value, 3) == 0.004


def test_speed_claims(claims):
    assert claims["groq_vs_second"].computed_value == pytest.approx(1.97, abs=0.005)
    assert claims["groq_vs_last"].computed_value == pytest.approx(15.15, abs=0.005)
    assert claims["groq_vs_second"].holds and claims["groq_vs_last"].holds


def test_where_the_article_is_off(claims):
    assert claims["groq_vs_gpt4o"].computed_value == pytest.approx(3.79, abs=0.005)
    assert not claims["groq_vs_gpt4o"].holds
    assert claims["opus_quality"].computed_value == 94
    assert claims["opus_quality"].article_value == 74
    assert not claims["opus_quality"].holds


def test_median_of_providers_matches_artificial_analysis():
    prices = model_prices(load_snapshot("2024-05")).set_index("model")
    for model in ("Llama 3 70B", "Claude 3 Opus", "GPT-4 Turbo", "GPT-4o", "Claude 3 Haiku"):
        assert prices.loc[model, "blended_usd_per_mtok"] == pytest.approx(
            prices.loc[model, "aa_blended_usd_per_mtok"], rel=0.07
        ), model
