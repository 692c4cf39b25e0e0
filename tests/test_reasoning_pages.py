"""Issue 16's figures as the built chapters show them: each computed here from the data, then found on its page."""

from __future__ import annotations

import html
import re

import pytest

from calculators import load_snapshot
from calculators.choose import FITS, choose
from calculators.formatting import number_pt, usd_pt
from calculators.pricing import cost_table
from calculators.reasoning import effort_rows, effort_summary, index_by_model


def _text(site_dir, page: str) -> str:
    raw = (site_dir / "chapters" / f"{page}.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))
    return re.sub(r"\s+([),.])", r"\1", re.sub(r"\(\s+", "(", text))  # glued values sit in their own tags


@pytest.fixture(scope="module")
def today():
    return load_snapshot("latest")


def test_velocidade_shows_the_wait_by_effort(site_dir, today):
    times = effort_summary(today, output_tokens=500).set_index(["model", "effort"])
    low, high = times.loc[("GPT-6 Astra", "low"), "e2e_s"], times.loc[("GPT-6 Astra", "max"), "e2e_s"]
    oss = times.loc[("gpt-oss-120b", "high")]
    text = _text(site_dir, "velocidade")
    assert f"leva {number_pt(low, 1)} s no esforço baixo e {number_pt(high, 1)} s no máximo" in text
    assert f"{number_pt(high / low, 0)} vezes mais" in text
    assert (
        f"em {number_pt(oss['model_ttft_s'], 2)} s, mas a resposta só começa em {number_pt(oss['ttft_s'], 2)} s" in text
    )


def test_preco_bills_the_hidden_thinking(site_dir, today):
    groq = effort_rows(today).query("model == 'gpt-oss-120b' and provider == 'Groq'")
    costs = cost_table(groq, input_tokens=1_000, output_tokens=1_000).set_index("effort")["cost_usd"]
    naive = cost_table(groq.assign(effort="none"), input_tokens=1_000, output_tokens=1_000)["cost_usd"].iloc[0]
    text = _text(site_dir, "preco")
    assert f"custa {number_pt(costs['high'] / costs['low'], 1)} vezes mais no esforço alto" in text
    assert f"({usd_pt(naive, 6)} pelo pedido) erraria por {number_pt(costs['high'] / naive, 1)} vezes" in text


def test_qualidade_shows_today_s_index_and_its_warning(site_dir, today):
    top = index_by_model(today).iloc[0]
    text = _text(site_dir, "qualidade")
    assert f"a maior é a do {top['model']} ({number_pt(top['index_high'], 1)}" in text
    assert "Não compare estes números com os de 2024" in text


def test_conclusao_chooses_with_today_s_quality_time_and_cost(site_dir, today):
    workload = {"input_tokens": 2_000, "output_tokens": 500, "requests_per_day": 1_000}
    lab = choose(
        effort_rows(today, "low"), **workload, min_quality=40, max_e2e_s=20, quality_metric="intelligence_index"
    )
    best = lab[lab["status"] == FITS].iloc[0]
    text = _text(site_dir, "conclusao")
    assert f"A mais barata que atende é {best['model']} na {best['provider']}" in text
    assert f"Atendem {int((lab['status'] == FITS).sum())} das {len(lab)} combinações" in text
