"""The content corrections the chapters make, pinned to the data (issue 10's list: the ones that are numbers)."""

from __future__ import annotations

import math

import pytest

from calculators import load_snapshot
from calculators.costs import article_text
from calculators.latency import e2e_s, latency_table
from calculators.tokens import count_tokens


@pytest.fixture(scope="module")
def df():
    return load_snapshot("2024-05")


def test_llama_70b_provider_median_is_not_the_model_figure(df):
    """Velocidade: 39 tok/s is Artificial Analysis' model-level median; the nine providers shown have median 36."""
    rows = df[df["model"] == "Llama 3 70B"]
    assert rows["output_tokens_per_s"].notna().sum() == 9
    assert rows["model_output_tokens_per_s"].iloc[0] == 39
    assert rows["output_tokens_per_s"].median() == 36


def test_unpriced_providers_at_price_zero(df):
    """Provedores: at price 0, OctoAI would be dominated by Perplexity (same 'price', faster)."""
    speed = df[df["model"] == "Llama 3 70B"].set_index("provider")["output_tokens_per_s"]
    assert speed["Perplexity"] > speed["OctoAI"]
    assert (speed["Perplexity"], speed["OctoAI"]) == (51, 36)


def test_ttft_share_answer_is_several_paragraphs(df):
    """Velocidade: the output length where TTFT falls under 10% of Claude 3 Opus' response is ~285 tokens, about
    190 words (several paragraphs, not 'a short paragraph')."""
    opus = latency_table(df, output_tokens=0).query("model == 'Claude 3 Opus' and provider == 'Anthropic'").iloc[0]
    n = math.floor(9 * opus["ttft_s"] * opus["speed_tokens_per_s"]) + 1
    assert (
        opus["ttft_s"] / e2e_s(ttft_s=opus["ttft_s"], output_tokens=n, output_tokens_per_s=opus["speed_tokens_per_s"])
        < 0.1
    )
    words = n * len(article_text().split()) / count_tokens(article_text(), "cl100k_base")
    assert 250 < n < 320 and 150 < words < 250


def test_gemini_pro_price_is_the_short_prompt_tier_dated_after_the_snapshot(df):
    """Qualidade: the chart's 5.25 is the ≤128K tier from a source dated after the snapshot; AA's 10.50 was the
    long-prompt tier."""
    from calculators.choose import model_summary

    pro = df[(df["model"] == "Gemini 1.5 Pro") & (df["provider"] == "Google")].iloc[0]
    assert model_summary(df).set_index("model").loc["Gemini 1.5 Pro", "blended_usd_per_mtok"] == pytest.approx(5.25)
    assert pro["input_usd_per_mtok_as_of"] > df.attrs["as_of"]
    assert pro["aa_blended_usd_per_mtok"] == 10.5
    tier = {v.metric: v.usd_per_mtok for v in pro["price_variants"] if v.above_input_tokens == 128_000}
    assert (3 * tier["input_usd_per_mtok"] + tier["output_usd_per_mtok"]) / 4 == 10.5


def test_context_windows_are_shown_whole(df):
    """Conclusão: Mixtral 8x7B's window is 32,768 tokens (32K), not '33 mil'; Llama 3's is 8,192."""
    window = df.groupby("model")["context_window_tokens"].max()
    assert window["Mixtral 8x7B"] == 32_768 and window["Llama 3 70B"] == 8_192


def test_cheap_closed_models_exist_in_the_data(df):
    """Código aberto: the open/closed gap is not competition alone; the data has cheap closed models."""
    from calculators.choose import model_summary

    summary = model_summary(df).set_index("model")
    llama70 = summary.loc["Llama 3 70B", "blended_usd_per_mtok"]
    for closed in ("Claude 3 Haiku", "Gemini 1.5 Flash", "GPT-3.5 Turbo"):
        assert summary.loc[closed, "open_weights"] == False  # noqa: E712 - a pandas boolean
        assert summary.loc[closed, "blended_usd_per_mtok"] < llama70, closed
