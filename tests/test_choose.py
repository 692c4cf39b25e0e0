"""calculators.choose: summaries, spreads, and the lab's filter and ranking, on known values and edges."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from calculators import load_snapshot
from calculators.choose import (
    FAILS,
    FITS,
    STATUS_ORDER,
    UNKNOWN,
    choose,
    choose_display,
    group_summary,
    metric_spread,
    model_summary,
    number_pt,
    openness_pt,
    response_time_check,
    response_times,
    response_times_display,
    tenths,
    top_models,
    usd_text,
)


@pytest.fixture(scope="module")
def df():
    return load_snapshot("2024-05")


@pytest.fixture(scope="module")
def summary(df):
    return model_summary(df).set_index("model")


def row(view, model, provider):
    return view[(view["model"] == model) & (view["provider"] == provider)].iloc[0]


# -- small helpers -------------------------------------------------------------------------------------------------


def test_openness_pt():
    assert openness_pt(True) == "pesos abertos"
    assert openness_pt(False) == "pesos fechados"
    assert openness_pt(pd.NA) == openness_pt(None) == openness_pt(math.nan) == "sem dado"


def test_number_formats():
    assert number_pt(1234.5, 1, " s") == "1.234,5 s"
    assert number_pt(0.0) == "0,00"
    assert number_pt(math.nan) == number_pt(None) == number_pt(pd.NA) == "sem dado"
    assert usd_text(3600) == "US$ 3.600,00"
    assert usd_text(math.nan) == "sem dado"


# -- model_summary, spreads, groups ----------------------------------------------------------------------------------


def test_model_summary_known_values(summary):
    assert len(summary) == 12
    assert summary.loc["Claude 3 Opus", "quality_index"] == 94  # the article's "74" is a typo
    assert summary.loc["Llama 3 70B", "quality_index"] == 88
    assert summary.loc["GPT-4 Turbo", "mmlu_pct"] == 86
    assert math.isnan(summary.loc["GPT-3.5 Turbo", "mmlu_pct"])
    assert summary.loc["Mixtral 8x7B", "mt_bench_score"] == 8.3
    assert summary["mt_bench_score"].notna().sum() == 1
    assert summary.loc["Claude 3 Opus", "blended_usd_per_mtok"] == pytest.approx(30.0)
    assert summary.loc["Llama 3 70B", "blended_usd_per_mtok"] == pytest.approx(0.9)
    assert summary.loc["Llama 3 70B", "priced_providers"] == 7  # Perplexity and OctoAI have no price
    assert summary.loc["Llama 3 70B", "providers"] == 9
    assert summary.loc["Gemini 1.5 Pro", "providers"] == 1  # Google, listed once per prompt-length tier
    assert summary.loc["Llama 3 70B", "price_has_estimate"]  # Azure's price is an estimate
    assert not summary.loc["Claude 3 Opus", "price_has_estimate"]
    assert summary.loc["Llama 3 70B", "fastest_provider_tokens_per_s"] == 303
    assert summary.loc["Gemini 1.5 Flash", "speed_tokens_per_s"] == 149
    assert summary.loc["Gemini 1.5 Flash", "speed_basis"] == "model median"
    assert summary.loc["Llama 3 70B", "openness"] == "pesos abertos"
    assert summary.loc["Claude 3 Opus", "mmlu_pct_source"].startswith("accesslabs-dev/bna-website@")


def test_model_summary_prices_ordinary_prompts_only(summary):
    """Gemini 1.5 Pro: 3.50 / 10.50 for prompts up to 128K -> (3 * 3.5 + 10.5) / 4 = 5.25; the >128K tier is not
    a provider of its own (one Google row, with a tier)."""
    assert summary.loc["Gemini 1.5 Pro", "blended_usd_per_mtok"] == pytest.approx(5.25)
    assert summary.loc["Gemini 1.5 Pro", "priced_providers"] == 1


def test_model_summary_speed_falls_back_to_providers(df):
    bare = df.copy()
    bare["model_output_tokens_per_s"] = math.nan
    s = model_summary(bare).set_index("model")
    llama = df[(df["model"] == "Llama 3 70B")]["output_tokens_per_s"].median()
    assert s.loc["Llama 3 70B", "speed_tokens_per_s"] == pytest.approx(llama)
    assert s.loc["Llama 3 70B", "speed_basis"] == "provider median"
    assert math.isnan(s.loc["Claude 3 Opus", "speed_tokens_per_s"])
    assert s.loc["Claude 3 Opus", "speed_basis"] == "missing"


def test_metric_spread(summary):
    s = summary.reset_index()
    spread = metric_spread(s, "mmlu_pct", models=["GPT-4 Turbo", "Claude 3 Opus"])
    assert (spread.low_model, spread.high_model, spread.spread) == ("GPT-4 Turbo", "Claude 3 Opus", 1.0)
    top = metric_spread(s, "mmlu_pct", models=["GPT-4 Turbo", "Claude 3 Opus", "Gemini 1.5 Pro", "Llama 3 70B"])
    assert top.spread == 5.0 and top.missing == ()
    assert top.low_models == ("Gemini 1.5 Pro", "Llama 3 70B") and top.high_models == ("Claude 3 Opus",)
    with_gap = metric_spread(s, "mmlu_pct", models=["GPT-3.5 Turbo", "GPT-4o"])
    assert math.isnan(with_gap.spread) and with_gap.missing == ("GPT-3.5 Turbo",)
    with pytest.raises(KeyError):
        metric_spread(s, "elo", models=["GPT-4o"])


def test_top_models(summary):
    s = summary.reset_index()
    assert top_models(s, n=1) == ["GPT-4o"]
    assert top_models(s, n=3) == ["GPT-4o", "Claude 3 Opus", "GPT-4 Turbo"]  # 94 and 94: by name
    assert top_models(s, n=0) == []
    assert "GPT-3.5 Turbo" not in top_models(s, n=12, by="mmlu_pct")
    with pytest.raises(ValueError):
        top_models(s, n=-1)


def test_group_summary(df):
    groups = group_summary(df)
    assert list(groups.index) == ["pesos abertos", "pesos fechados"]
    opened, closed = groups.loc["pesos abertos"], groups.loc["pesos fechados"]
    assert opened["models"] == 4 and closed["models"] == 8
    assert opened["max_quality_index"] == 88 and opened["best_model"] == "Llama 3 70B"
    assert closed["max_quality_index"] == 100 and closed["best_model"] == "GPT-4o"
    # medians of the models' median blended prices: open 0.15, 0.5, 0.9, 2.1 -> 0.70
    assert opened["median_blended_usd_per_mtok"] == pytest.approx(0.70)
    assert opened["median_speed_tokens_per_s"] == pytest.approx((62 + 97) / 2)
    assert closed["fastest_model"] == "Gemini 1.5 Flash"
    assert opened["cheapest_model"] == "Llama 3 8B"


# -- choose --------------------------------------------------------------------------------------------------------


def test_choose_docstring_example(df):
    view = choose(df, input_tokens=3_000, output_tokens=1_000, requests_per_day=1_000, min_quality=90, max_e2e_s=30)
    opus = row(view, "Claude 3 Opus", "Anthropic")
    assert opus["cost_usd"] == pytest.approx(0.12)
    assert opus["monthly_cost_usd"] == pytest.approx(3_600)
    assert opus["e2e_s"] == pytest.approx(1.13 + 1_000 / 28)
    assert opus["status"] == FAILS
    assert opus["reason"] == "tempo de resposta 36,8 s > 30 s"
    assert pd.isna(opus["rank"])


def test_choose_groq_example_and_ranking(df):
    view = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1_000, min_quality=80)
    groq = row(view, "Llama 3 70B", "Groq")
    assert groq["e2e_s"] == pytest.approx(0.25 + 500 / 303)
    assert groq["status"] == FITS and groq["rank"] == 1
    fits = view[view["status"] == FITS]
    assert list(fits["rank"]) == list(range(1, len(fits) + 1))
    assert fits["monthly_cost_usd"].is_monotonic_increasing
    assert (fits["quality"] >= 80).all()
    order = [STATUS_ORDER.index(s) for s in view["status"]]
    assert order == sorted(order)
    assert len(view) == len(df)


def test_missing_figures_never_pass_or_fail_silently(df):
    view = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=10, max_e2e_s=20)
    gpt4o = row(view, "GPT-4o", "OpenAI")  # no time to first token in the data
    assert gpt4o["status"] == UNKNOWN
    assert gpt4o["reason"] == "tempo de resposta: sem dado (tempo até o primeiro token)"
    assert pd.isna(gpt4o["rank"])
    octo = row(view, "Llama 3 70B", "OctoAI")  # no price in the data
    assert octo["status"] == UNKNOWN and "preço: sem dado" in octo["reason"]
    assert math.isnan(octo["monthly_cost_usd"])
    mistral = row(view, "Mistral Large", "Mistral")  # no context window in the data
    assert mistral["status"] in (UNKNOWN, FAILS) and "janela de contexto: sem dado" in mistral["reason"]
    # without a time limit, a missing time to first token neither helps nor hurts
    free = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=10)
    assert row(free, "GPT-4o", "OpenAI")["status"] == FITS
    assert math.isnan(row(free, "GPT-4o", "OpenAI")["e2e_s"])


def test_a_known_failure_wins_over_a_missing_figure(df):
    view = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=10, min_quality=90, max_e2e_s=5)
    llama8 = row(view, "Llama 3 8B", "DeepInfra")
    assert llama8["status"] == FAILS
    assert llama8["reason"] == "qualidade 65 < 90; tempo de resposta: sem dado (tempo até o primeiro token)"


def test_constraint_edges(df):
    at = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1, min_quality=88)
    assert row(at, "Llama 3 70B", "Groq")["status"] == FITS  # 88 >= 88
    above = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1, min_quality=88.5)
    assert row(above, "Llama 3 70B", "Groq")["reason"] == "qualidade 88 < 88,5"
    e2e = 0.25 + 500 / 303
    exact = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1, max_e2e_s=e2e)
    assert row(exact, "Llama 3 70B", "Groq")["status"] == FITS
    under = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1, max_e2e_s=e2e - 1e-9)
    assert row(under, "Llama 3 70B", "Groq")["status"] == FAILS


def test_context_window_edge(df):
    """Llama 3 holds 8,192 tokens: 8,000 in + 192 out fits, one more token does not."""
    fits = choose(df, input_tokens=8_000, output_tokens=192, requests_per_day=1)
    assert row(fits, "Llama 3 70B", "Groq")["status"] == FITS
    over = choose(df, input_tokens=8_000, output_tokens=193, requests_per_day=1)
    assert row(over, "Llama 3 70B", "Groq")["status"] == FAILS
    assert row(over, "Llama 3 70B", "Groq")["reason"] == "8.193 tokens > janela de 8.192"
    assert row(over, "Claude 3 Opus", "Anthropic")["status"] == FITS  # 200K window


def test_prompt_tiers_in_choose(df):
    """One Google row: a short prompt pays the base price, a long one the tier above 128,000 tokens."""
    short = choose(df, input_tokens=3_000, output_tokens=500, requests_per_day=1)
    assert row(short, "Gemini 1.5 Pro", "Google")["status"] == FITS
    assert row(short, "Gemini 1.5 Pro", "Google")["cost_usd"] == pytest.approx((3_000 * 3.5 + 500 * 10.5) / 1e6)
    long = choose(df, input_tokens=200_000, output_tokens=500, requests_per_day=1)
    assert row(long, "Gemini 1.5 Pro", "Google")["status"] == FITS
    assert row(long, "Gemini 1.5 Pro", "Google")["cost_usd"] == pytest.approx((200_000 * 7 + 500 * 21) / 1e6)
    assert (short["model"] == "Gemini 1.5 Pro").sum() == 1


def test_open_weights_constraint(df):
    opened = choose(df, input_tokens=1_000, output_tokens=100, requests_per_day=1, open_weights=True)
    fits = opened[opened["status"] == FITS]
    assert set(fits["model"]) <= {"Llama 3 70B", "Llama 3 8B", "Mixtral 8x22B", "Mixtral 8x7B"}
    assert row(opened, "GPT-4o", "OpenAI")["reason"] == "pesos fechados (pedido: pesos abertos)"
    closed = choose(df, input_tokens=1_000, output_tokens=100, requests_per_day=1, open_weights=False)
    assert not closed[closed["status"] == FITS]["open_weights"].any()
    bare = df.copy()
    bare["open_weights"] = bare["open_weights"].astype("boolean")
    bare.loc[bare["model"] == "Mixtral 8x7B", "open_weights"] = pd.NA
    view = choose(bare, input_tokens=1_000, output_tokens=100, requests_per_day=1, open_weights=True)
    assert row(view, "Mixtral 8x7B", "Groq")["status"] == UNKNOWN
    assert row(view, "Mixtral 8x7B", "Groq")["reason"] == "pesos abertos: sem dado"


def test_rank_by(df):
    fast = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1, min_quality=80, rank_by="e2e_s")
    fits = fast[fast["status"] == FITS]
    known = fits["e2e_s"].dropna()
    assert known.is_monotonic_increasing and fits["e2e_s"].iloc[: len(known)].notna().all()
    assert fits.iloc[0]["provider"] == "Groq"
    best = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1, rank_by="quality")
    fits = best[best["status"] == FITS]
    assert fits["quality"].is_monotonic_decreasing and fits.iloc[0]["model"] == "GPT-4o"


def test_other_quality_metric(df):
    view = choose(
        df, input_tokens=1_000, output_tokens=100, requests_per_day=1, min_quality=80, quality_metric="humaneval_pct"
    )
    assert row(view, "Mistral Large", "Mistral")["status"] in (UNKNOWN, FAILS)
    assert "qualidade: sem dado" in row(view, "Mistral Large", "Mistral")["reason"]
    assert row(view, "Llama 3 70B", "Groq")["quality"] == pytest.approx(81.7)


def test_zero_workload(df):
    view = choose(df, input_tokens=0, output_tokens=0, requests_per_day=0)
    assert (view.loc[view["status"] == FITS, "monthly_cost_usd"] == 0).all()
    assert view.attrs["snapshot"] == "2024-05"


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"requests_per_day": -1}, ValueError),
        ({"requests_per_day": "10"}, TypeError),
        ({"min_quality": -5}, ValueError),
        ({"max_e2e_s": math.nan}, TypeError),
        ({"open_weights": "yes"}, TypeError),
        ({"quality_metric": "arena_elo"}, ValueError),
        ({"rank_by": "price"}, ValueError),
        ({"input_tokens": -1}, ValueError),
    ],
)
def test_bad_arguments(df, kwargs, error):
    args = {"input_tokens": 1_000, "output_tokens": 100, "requests_per_day": 1, **kwargs}
    with pytest.raises(error):
        choose(df, **args)


def test_displays_say_sem_dado_never_zero(df):
    view = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=10, max_e2e_s=5)
    shown = choose_display(view)
    octo = shown[(shown["modelo"] == "Llama 3 70B") & (shown["provedor"] == "OctoAI")].iloc[0]
    assert octo["custo por mês"] == "sem dado" and octo["#"] == "—"
    gpt4o = shown[(shown["modelo"] == "GPT-4o") & (shown["provedor"] == "OpenAI")].iloc[0]
    assert gpt4o["resposta completa"] == "sem dado"
    azure = shown[(shown["modelo"] == "Llama 3 70B") & (shown["provedor"] == "Microsoft Azure")].iloc[0]
    assert "preço estimado" in azure["atenção"]


def test_response_times(df):
    view = response_times(df, output_tokens=500)
    assert len(view) == len(df)
    assert (view.iloc[0]["model"], view.iloc[0]["provider"]) == ("Llama 3 70B", "Groq")
    known = view["e2e_s"].notna()
    assert known.iloc[: known.sum()].all()  # complete answers first, then the ones without a first-token time
    assert view["e2e_s"].dropna().is_monotonic_increasing
    llama = response_times(df, output_tokens=500, model="Llama 3 70B")
    assert set(llama["model"]) == {"Llama 3 70B"} and len(llama) == 9
    with pytest.raises(KeyError):
        response_times(df, output_tokens=500, model="GPT-5")
    shown = response_times_display(llama)
    octo = shown[shown["provedor"] == "OctoAI"].iloc[0]
    assert octo["1º token"] == "0,18 s" and octo["velocidade"] == "do provedor"
    azure = shown[shown["provedor"] == "Microsoft Azure"].iloc[0]
    assert azure["resposta completa"] == "sem dado" and azure["geração"] == "25,00 s"


def test_generation_alone_over_the_limit_fails(df):
    """5 s and 500 tokens out on 2024-05: every row without a time to first token whose generation alone (tokens over
    tokens per second, a lower bound of the whole time) exceeds 5 s fails with that reason; none is "sem dado"."""
    view = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1_000, min_quality=80, max_e2e_s=5)
    no_ttft = view[view["ttft_s"].isna() & view["speed_tokens_per_s"].notna()]
    over = no_ttft[no_ttft["speed_tokens_per_s"] * 5 < 500]
    assert len(over) >= 10
    for r in over.itertuples():
        assert r.status == FAILS, (r.model, r.provider, r.reason)
        assert f"só a geração já leva {number_pt(500 / r.speed_tokens_per_s, 1)} s > 5 s" in r.reason
    gpt4o = row(view, "GPT-4o", "OpenAI")  # 500 / 80 = 6.25 s: the tie rounds up, as by hand
    assert gpt4o["status"] == FAILS and gpt4o["reason"] == "só a geração já leva 6,3 s > 5 s"
    assert (view["status"] == UNKNOWN).sum() == 0
    # With 10 s the generation of GPT-4o (6.25 s) fits, and the missing time to first token decides.
    loose = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1_000, min_quality=80, max_e2e_s=10)
    gpt4o = row(loose, "GPT-4o", "OpenAI")
    assert gpt4o["status"] == UNKNOWN and gpt4o["reason"] == "tempo de resposta: sem dado (tempo até o primeiro token)"
    opus = row(loose, "Claude 3 Opus", "Amazon Bedrock")  # 500 / 28 = 17.9 s
    assert opus["status"] == FAILS and opus["reason"] == "só a geração já leva 17,9 s > 10 s"


def test_response_time_check_uses_every_known_lower_bound():
    nan = math.nan
    assert response_time_check(ttft_s=0.5, generation_s=1, e2e_s=1.5, max_e2e_s=2) == (FITS, "")
    assert response_time_check(ttft_s=0.5, generation_s=1, e2e_s=1.55, max_e2e_s=1) == (
        FAILS,
        "tempo de resposta 1,6 s > 1 s",
    )
    assert response_time_check(ttft_s=nan, generation_s=2.5, e2e_s=nan, max_e2e_s=2.5)[0] == UNKNOWN
    assert response_time_check(ttft_s=nan, generation_s=2.55, e2e_s=nan, max_e2e_s=2.5) == (
        FAILS,
        "só a geração já leva 2,6 s > 2,5 s",
    )
    assert response_time_check(ttft_s=3.44, generation_s=nan, e2e_s=nan, max_e2e_s=3) == (
        FAILS,
        "só o primeiro token já leva 3,4 s > 3 s",
    )
    assert response_time_check(ttft_s=2, generation_s=nan, e2e_s=nan, max_e2e_s=3) == (
        UNKNOWN,
        "tempo de resposta: sem dado (velocidade)",
    )
    assert response_time_check(ttft_s=nan, generation_s=nan, e2e_s=nan, max_e2e_s=3)[0] == UNKNOWN


@pytest.mark.parametrize("value", [6.25, 0.05, 1.15, 2.675, 17.857142857142858, 25.0, 0.0])
def test_tenths_rounds_a_tie_up(value):
    from decimal import ROUND_HALF_UP, Decimal

    assert tenths(value) == float(Decimal(repr(value * 10)).quantize(Decimal(1), rounding=ROUND_HALF_UP)) / 10
