"""Costs and response times: the docstring examples, and the edges."""

import math

import pytest

from calculators import (
    Price,
    blended_usd_per_mtok,
    cost_table,
    e2e_s,
    latency_table,
    load_snapshot,
    monthly_cost_usd,
    price_ratio,
    request_cost_usd,
)
from calculators.tokens import count_tokens

OPUS = Price(input_usd_per_mtok=15, output_usd_per_mtok=75)


def test_request_cost_example():
    assert request_cost_usd(OPUS, input_tokens=3_000, output_tokens=1_000) == pytest.approx(0.12)


def test_zero_tokens_cost_nothing():
    assert request_cost_usd(OPUS, input_tokens=0, output_tokens=0) == 0


def test_cached_tokens():
    price = Price(input_usd_per_mtok=2.5, output_usd_per_mtok=10, cached_input_usd_per_mtok=1.25)
    # 1,000 of 3,000 input tokens from the cache: 2,000 * 2.5 + 1,000 * 1.25 + 500 * 10 = 11,250 per 1M
    cost = request_cost_usd(price, input_tokens=3_000, output_tokens=500, cached_input_tokens=1_000)
    assert cost == pytest.approx(0.01125)
    with pytest.raises(ValueError, match="cannot exceed"):
        request_cost_usd(price, input_tokens=10, output_tokens=0, cached_input_tokens=11)
    # No cached price listed: the cost is unknown, not a guess.
    assert math.isnan(request_cost_usd(OPUS, input_tokens=10, output_tokens=0, cached_input_tokens=5))


def test_negative_and_bad_counts():
    with pytest.raises(ValueError, match="negative"):
        request_cost_usd(OPUS, input_tokens=-1, output_tokens=0)
    with pytest.raises(TypeError):
        request_cost_usd(OPUS, input_tokens="10", output_tokens=0)


def test_blended_and_ratio_and_month():
    assert blended_usd_per_mtok(input_usd_per_mtok=15, output_usd_per_mtok=75) == 30
    assert price_ratio(30, 0.9) == pytest.approx(33.33, abs=0.01)
    with pytest.raises(ValueError):
        price_ratio(1, 0)
    month = monthly_cost_usd(OPUS, requests_per_day=1_000, input_tokens=3_000, output_tokens=1_000)
    assert month == pytest.approx(3_600)


def test_cost_table_with_counts():
    table = cost_table(load_snapshot("2024-05"), input_tokens=3_000, output_tokens=1_000)
    row = table.set_index(["model", "provider"]).loc[("Claude 3 Opus", "Anthropic")]
    assert row["cost_usd"] == pytest.approx(0.12)
    assert row["blended_usd_per_mtok"] == pytest.approx(30)
    # A missing price is a missing cost, never zero.
    assert math.isnan(table.set_index(["model", "provider"]).loc[("Llama 3 70B", "OctoAI"), "cost_usd"])


def test_cost_table_with_text_uses_each_rows_tokenizer(article_text):
    df = load_snapshot("2024-05")
    table = cost_table(df, text=article_text, output_tokens=1_000).set_index(["model", "provider"])
    assert table.loc[("GPT-4o", "OpenAI"), "input_tokens"] == count_tokens(article_text, "o200k_base")
    assert table.loc[("GPT-4 Turbo", "OpenAI"), "input_tokens"] == count_tokens(article_text, "cl100k_base")
    assert table.loc[("Llama 3 70B", "Groq"), "input_tokens"] == count_tokens(article_text, "llama3")
    assert not table.loc[("Claude 3 Opus", "Anthropic"), "input_tokens_exact"]
    assert table.loc[("GPT-4o", "OpenAI"), "input_tokens_exact"]
    expected = (3753 * 5 + 1000 * 15) / 1e6
    assert table.loc[("GPT-4o", "OpenAI"), "cost_usd"] == pytest.approx(expected)


def test_cost_table_arguments():
    df = load_snapshot("2024-05")
    with pytest.raises(ValueError, match="exactly one"):
        cost_table(df, output_tokens=1)
    with pytest.raises(ValueError, match="exactly one"):
        cost_table(df, input_tokens=1, text="x", output_tokens=1)
    with pytest.raises(ValueError, match="cannot exceed"):
        cost_table(df, input_tokens=1, output_tokens=1, cached_input_tokens=2)
    empty = cost_table(df, text="", output_tokens=0)
    assert (empty["input_tokens"] == 0).all()


def test_e2e_example():
    assert e2e_s(ttft_s=0.25, output_tokens=500, output_tokens_per_s=303) == pytest.approx(1.900, abs=1e-3)
    with pytest.raises(ValueError):
        e2e_s(ttft_s=0.25, output_tokens=500, output_tokens_per_s=0)


def test_latency_table():
    table = latency_table(load_snapshot("2024-05"), output_tokens=500).set_index(["model", "provider"])
    groq = table.loc[("Llama 3 70B", "Groq")]
    assert groq["e2e_s"] == pytest.approx(0.25 + 500 / 303)
    assert groq["speed_basis"] == "provider"
    opus = table.loc[("Claude 3 Opus", "Anthropic")]
    assert opus["speed_basis"] == "model median"
    assert opus["e2e_s"] == pytest.approx(1.13 + 500 / 28)
    # GPT-4o's time to first token is not in the May 2024 sources: its e2e stays missing.
    assert math.isnan(table.loc[("GPT-4o", "OpenAI"), "e2e_s"])
    assert table.loc[("GPT-4o", "OpenAI"), "generation_s"] == pytest.approx(500 / 80)


def test_prompt_length_tiers():
    """Gemini 1.5 Pro: 3.5 / 10.5 up to 128,000 input tokens, 7 / 21 above, for the whole request."""
    df = load_snapshot("2024-05")
    for n_in, tier, paid_in, paid_out in [(3_000, 0, 3.5, 10.5), (128_000, 0, 3.5, 10.5), (128_001, 128_000, 7, 21)]:
        row = cost_table(df, input_tokens=n_in, output_tokens=1_000).set_index(["model", "provider"])
        pro = row.loc[("Gemini 1.5 Pro", "Google")]
        assert pro["tier_above_input_tokens"] == tier and pro["price_condition"] == ""
        assert (pro["applied_input_usd_per_mtok"], pro["applied_output_usd_per_mtok"]) == (paid_in, paid_out)
        assert pro["cost_usd"] == pytest.approx((n_in * paid_in + 1_000 * paid_out) / 1e6)
        groq = row.loc[("Llama 3 70B", "Groq")]
        assert groq["tier_above_input_tokens"] == 0 and groq["applied_input_usd_per_mtok"] == groq["input_usd_per_mtok"]


def test_conditions_pick_their_price():
    df = load_snapshot("latest")
    at = cost_table(df, input_tokens=3_000, output_tokens=1_000, at_utc="02:00").set_index(["model", "provider"])
    noon = cost_table(df, input_tokens=3_000, output_tokens=1_000).set_index(["model", "provider"])
    assert at.loc[("DeepSeek V4 Pro", "DeepSeek"), "price_condition"] == "utc 01:00-04:00"
    assert at.loc[("DeepSeek V4 Pro", "DeepSeek"), "cost_usd"] > noon.loc[("DeepSeek V4 Pro", "DeepSeek"), "cost_usd"]
    assert at.loc[("Llama 3.3 70B", "Groq"), "cost_usd"] == noon.loc[("Llama 3.3 70B", "Groq"), "cost_usd"]
    batch = cost_table(df, input_tokens=3_000, output_tokens=1_000, batch=True).set_index(["model", "provider"])
    assert (
        batch.loc[("Claude Haiku 5.5", "Anthropic"), "cost_usd"]
        < noon.loc[("Claude Haiku 5.5", "Anthropic"), "cost_usd"]
    )
    assert math.isnan(batch.loc[("Claude Haiku 5.5", "Amazon Bedrock"), "cost_usd"])  # no batch price: none invented
    with pytest.raises(ValueError, match="time of day"):
        cost_table(df, input_tokens=1, output_tokens=1, at_utc="25:00")


@pytest.mark.parametrize(
    ("condition", "at_utc", "batch", "applies"),
    [
        ("", None, False, True),
        ("batch", None, True, True),
        ("batch", "02:00", False, False),
        ("utc 01:00-04:00", "01:00", False, True),
        ("utc 01:00-04:00", "04:00", False, False),
        ("utc 16:30-00:30", "23:59", False, True),
        ("utc 16:30-00:30", "00:29", False, True),
        ("utc 16:30-00:30", "00:30", False, False),
        ("utc 16:30-00:30", None, False, False),
    ],
)
def test_condition_applies(condition, at_utc, batch, applies):
    from calculators.pricing import condition_applies

    assert condition_applies(condition, at_utc=at_utc, batch=batch) is applies


def test_model_prices_are_those_of_ordinary_prompts():
    from calculators import model_prices

    prices = model_prices(load_snapshot("2024-05")).set_index("model")
    assert prices.loc["Gemini 1.5 Pro", "blended_usd_per_mtok"] == pytest.approx(5.25)
    assert prices.loc["Gemini 1.5 Pro", "aa_blended_usd_per_mtok"] == 10.5  # AA priced the >128K tier
