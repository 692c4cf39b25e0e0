"""The "escolha seu LLM" widget without a browser: set .value, assert the recomputed view."""

from __future__ import annotations

import pytest

from calculators import load_snapshot
from calculators.choose import FAILS, FITS, UNKNOWN, choose
from calculators.widgets.choice import ChooseLab


@pytest.fixture(scope="module")
def df():
    return load_snapshot("2024-05")


def fitting(lab):
    return lab.view[lab.view["status"] == FITS]


def test_defaults(df):
    lab = ChooseLab(df)
    want = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1_000, min_quality=80)
    assert lab.view.equals(want)
    assert fitting(lab).iloc[0]["model"] == "Llama 3 70B"
    assert f"<b>{len(fitting(lab))} de {len(df)}</b>" in lab.output.value
    assert "snapshot 2024-05" in lab.output.value


def test_controls_recompute(df):
    lab = ChooseLab(df)
    lab.min_quality.value = 94
    assert set(fitting(lab)["model"]) == {"GPT-4o", "GPT-4 Turbo", "Claude 3 Opus"}
    lab.open_weights.value = "open"
    assert fitting(lab).empty
    assert "Nenhuma combinação atende" in lab.output.value
    lab.min_quality.value = 0  # no quality constraint
    assert set(fitting(lab)["model"]) <= {"Llama 3 70B", "Llama 3 8B", "Mixtral 8x22B", "Mixtral 8x7B"}
    assert not fitting(lab).empty
    lab.requests_per_day.value = 2_000
    groq = lab.view[(lab.view["model"] == "Llama 3 70B") & (lab.view["provider"] == "Groq")].iloc[0]
    assert groq["monthly_cost_usd"] == pytest.approx((2_000 * 0.59 + 500 * 0.79) / 1e6 * 2_000 * 30)


def test_time_limit_only_when_ticked(df):
    lab = ChooseLab(df, min_quality=0)
    lab.max_e2e_s.value = 2.0
    assert (lab.view["status"] != UNKNOWN).sum() > 30  # box not ticked: the limit does not apply
    lab.use_max_e2e.value = True
    fits = fitting(lab)
    assert (fits["e2e_s"] <= 2.0).all() and not fits.empty
    # Rows without a time to first token: "não atende" when the generation alone is over the limit, else "sem dado".
    no_ttft = lab.view[lab.view["e2e_s"].isna() & lab.view["generation_s"].notna()]
    over = no_ttft["generation_s"] > 2.0
    assert over.sum() > 10 and (no_ttft.loc[over, "status"] == FAILS).all()
    assert no_ttft.loc[over, "reason"].str.contains("só a geração já leva").all()
    lab.max_e2e_s.value = 10.0
    assert (lab.view["status"] == UNKNOWN).sum() > 3
    assert "sem dado" not in lab.output.value  # only the rows that fit are shown...
    lab.show_all.value = True
    assert "sem dado" in lab.output.value  # ...until the box asks for all of them


def test_openness_menu_has_a_selection(df):
    lab = ChooseLab(df, open_weights=False)
    assert lab.open_weights.label == "pesos fechados"
    assert not fitting(lab)["open_weights"].any()
    lab.open_weights.value = "any"
    assert lab.open_weights.label == "todos" and fitting(lab)["open_weights"].any()


def test_rank_and_tokens(df):
    lab = ChooseLab(df, min_quality=80)
    lab.rank_by.value = "quality"
    assert fitting(lab).iloc[0]["model"] == "GPT-4o"
    lab.output_tokens.value = 193
    lab.input_tokens.value = 8_000
    llama = lab.view[(lab.view["model"] == "Llama 3 70B") & (lab.view["provider"] == "Groq")].iloc[0]
    assert llama["status"] != FITS and "janela" in llama["reason"]
    assert "application/vnd.jupyter.widget-view+json" in lab._repr_mimebundle_()


def test_the_lab_chooses_today_by_effort_with_the_intelligence_index():
    from calculators.reasoning import effort_rows

    today = load_snapshot("latest")
    lab = ChooseLab(today, min_quality=40, max_e2e_s=20, effort="low")
    assert lab.quality_metric == "intelligence_index"
    expected = choose(
        effort_rows(today, "low"),
        input_tokens=2_000,
        output_tokens=500,
        requests_per_day=1_000,
        min_quality=40,
        max_e2e_s=20,
        quality_metric="intelligence_index",
    )
    assert lab.view[["model", "provider", "effort", "status"]].equals(
        expected[["model", "provider", "effort", "status"]]
    )
    assert set(lab.view["effort"].dropna()) == {"low"} and "· baixo" in lab.output.value
    lab.effort.value = "max"
    assert set(lab.view["effort"].dropna()) == {"max"}
    slow = lab.view.set_index(["model", "provider"]).loc[("Claude Opus 5.5", "Anthropic")]
    assert slow["status"] == "não atende" and "tempo de resposta" in slow["reason"]
