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


# --- the review of 2026-12-06 (content-review-2026-12-06.md): the corrected numbers ----------------------------


def test_lab_generation_alone_decides_the_5_second_case(df):
    """W1: 2,000 in + 500 out, quality 80, 5 s: the 10 rows without a time to first token all fail on generation
    alone (the lowest, GPT-4o's 500 / 80 = 6,25 s); none is "sem dado". With 10 s, 5 really are."""
    from calculators.choose import FAILS, FITS, UNKNOWN, choose
    from calculators.formatting import number_pt

    work = {"input_tokens": 2_000, "output_tokens": 500, "requests_per_day": 1_000, "min_quality": 80}
    tight = choose(df, **work, max_e2e_s=5)
    only_generation = tight[tight["reason"].str.startswith("só a geração") & ~tight["reason"].str.contains(";")]
    assert (tight["status"] == FITS).sum() == 2 and (tight["status"] == UNKNOWN).sum() == 0
    assert len(only_generation) == 10 and (only_generation["status"] == FAILS).all()
    assert number_pt(only_generation["generation_s"].min(), 1) == "6,3"
    loose = choose(df, **work, max_e2e_s=10)
    assert (loose["status"] == FITS).sum() == 3 and (loose["status"] == UNKNOWN).sum() == 5
    # Exercício 27 (1,500 + 300, quality 85, 3 s): the 8 rows without a time to first token fail on generation.
    bot = choose(df, input_tokens=1_500, output_tokens=300, requests_per_day=5_000, min_quality=85, max_e2e_s=3)
    good = bot[bot["quality"] >= 85]
    assert (good["status"] == UNKNOWN).sum() == 0 and (good["status"] == FITS).sum() == 2
    assert good["reason"].str.startswith("só a geração").sum() == 8


def test_ttft_dominates_only_very_short_answers(df):
    """W2: Claude 3 Opus (1,13 s, 28 tokens/s): the TTFT is half the total or more only up to 31 tokens."""
    opus = latency_table(df, output_tokens=0).query("model == 'Claude 3 Opus' and provider == 'Anthropic'").iloc[0]
    ttft, rate = opus["ttft_s"], opus["speed_tokens_per_s"]
    half = math.floor(ttft * rate)
    assert half == 31
    assert ttft / e2e_s(ttft_s=ttft, output_tokens=half, output_tokens_per_s=rate) >= 0.5
    assert ttft / e2e_s(ttft_s=ttft, output_tokens=half + 1, output_tokens_per_s=rate) < 0.5
    assert ttft / e2e_s(ttft_s=ttft, output_tokens=200, output_tokens_per_s=rate) == pytest.approx(0.137, abs=0.001)


def test_article_token_count_is_implied_not_stated(df):
    """W3: the article's US$ 0,12 for Claude at AA's US$ 30 per million (blended) implies 4.000 tokens."""
    from calculators.claims import article_claims
    from calculators.formatting import number_pt
    from calculators.pricing import model_prices

    aa = model_prices(df).set_index("model")["aa_blended_usd_per_mtok"]
    implied = article_claims(df)["review_opus_usd"].article_value / aa["Claude 3 Opus"] * 1_000_000
    assert number_pt(implied, 0) == "4.000"


def test_article_snapshot_has_figures_up_to_july(df):
    """W8: 22 figures of the article snapshot are dated after 2024-05-21, the latest 2024-07-25."""
    import pandas as pd

    from calculators import load_figures
    from calculators.charts.base import snapshot_caption

    figures = load_figures("2024-05")
    later = figures[pd.to_datetime(figures["as_of"], errors="coerce") > df.attrs["as_of"]]
    assert len(later) == 22 and later["as_of"].max() == "2024-07-25"
    assert snapshot_caption(df) == "dados: snapshot 2024-05 (preços até 25/07/2024)"


def test_cheapest_rows_today_lack_only_the_context_window():
    """U1: with no constraint, the 8 "sem dado" rows of the newest snapshot lack only the context window, and the
    cheapest of them (Llama 3.1 8B on Groq, US$ 4,20 a month) beats the table's first row."""
    from calculators import list_snapshots, load_snapshot
    from calculators.choose import FITS, UNKNOWN, choose
    from calculators.formatting import usd_pt

    today = load_snapshot(list_snapshots()[-1]["id"])
    lab = choose(today, input_tokens=2_000, output_tokens=500, requests_per_day=1_000)
    unknown = lab[lab["status"] == UNKNOWN]
    assert len(unknown) == 8 and (unknown["reason"] == "janela de contexto: sem dado").all()
    cheapest = unknown.sort_values("monthly_cost_usd").iloc[0]
    assert (cheapest["model"], cheapest["provider"]) == ("Llama 3.1 8B", "Groq")
    assert usd_pt(cheapest["monthly_cost_usd"], 2) == "US$ 4,20"
    assert cheapest["monthly_cost_usd"] < lab[lab["status"] == FITS].iloc[0]["monthly_cost_usd"]


def test_ties_at_the_top_and_bottom_of_the_lab(df):
    """U7: Groq and DeepInfra tie for the cheapest Llama 3 70B (US$ 47,25), Bedrock and Anthropic for the dearest
    Claude 3 Opus (US$ 2.025,00)."""
    from calculators.choose import FITS, choose

    lab = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1_000, min_quality=80)
    fits = lab[lab["status"] == FITS].set_index(["model", "provider"])["monthly_cost_usd"]
    assert fits[("Llama 3 70B", "Groq")] == pytest.approx(47.25) == fits[("Llama 3 70B", "DeepInfra")]
    assert fits[("Claude 3 Opus", "Anthropic")] == pytest.approx(2_025) == fits[("Claude 3 Opus", "Amazon Bedrock")]


def test_llama3_pretraining_in_its_own_tokenizer():
    """U9: 15 trillion tokens over the article in Llama 3's own tokenizer is 3,5 billion articles, not 4,0."""
    from calculators.formatting import number_pt

    assert number_pt(15e12 / count_tokens(article_text(), "llama3") / 1e9, 1) == "3,5"


def test_half_up_on_the_decimal_value(df):
    """U22: Gemini 1.5 Flash's blended price (3 × 0,35 + 1,05) ÷ 4 = 0,525 reads 0,53."""
    from calculators.choose import model_summary
    from calculators.formatting import number_pt

    flash = model_summary(df).set_index("model").loc["Gemini 1.5 Flash", "blended_usd_per_mtok"]
    assert number_pt(flash, 2) == "0,53"


def test_like_for_like_cheap_models(df):
    """U17: Claude 3 Haiku (72) and Mixtral 8x7B (65) at US$ 0,50, Gemini 1.5 Flash (76) at US$ 0,53."""
    from calculators.choose import model_summary
    from calculators.formatting import number_pt

    summary = model_summary(df).set_index("model")
    got = {
        m: (summary.loc[m, "quality_index"], number_pt(summary.loc[m, "blended_usd_per_mtok"], 2))
        for m in summary.index
    }
    assert got["Claude 3 Haiku"] == (72, "0,50")
    assert got["Mixtral 8x7B"] == (65, "0,50")
    assert got["Gemini 1.5 Flash"] == (76, "0,53")
