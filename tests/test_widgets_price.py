"""The price calculator widget: set the controls' values, check the recomputed view."""

import json
import math
import time

import pytest

from calculators import cost_table, load_snapshot
from calculators.costs import article_text, calculator_table
from calculators.fx import usd_to_brl
from calculators.widgets.price import PriceCalculator


@pytest.fixture(scope="module")
def calc():
    return PriceCalculator()


def _row(view, model="Claude 3 Opus", provider="Anthropic"):
    return view[(view["model"] == model) & (view["provider"] == provider)].iloc[0]


def test_defaults_price_the_article(calc):
    df = load_snapshot("2024-05")
    assert calc.text.value == article_text()
    expected = cost_table(df, text=article_text(), output_tokens=1_000).set_index(["model", "provider"])
    for row in calc.view.to_dict("records"):
        ref = expected.loc[(row["model"], row["provider"]), "cost_usd"]
        assert (math.isnan(ref) and math.isnan(row["cost_usd"])) or row["cost_usd"] == pytest.approx(ref)
    assert calc.usd_brl.value == pytest.approx(5.1356)  # the sourced default for the 2024-05 snapshot
    assert "PTAX" in calc.rate_note.value
    counts = calc.token_counts.set_index("tokenizer")
    assert not counts.loc["claude_estimate", "exact"] and counts.loc["llama3", "exact"]
    assert "estimativa" in calc.tables.value and "sem dado" in calc.tables.value


def test_sliders_and_rate_recompute_the_view(calc):
    calc.output_tokens.value = 2_500
    calc.requests_per_day.value = 300
    calc.usd_brl.value = 6.0
    expected = calculator_table(
        load_snapshot("2024-05"), text=article_text(), output_tokens=2_500, requests_per_day=300, brl_per_usd=6.0
    )
    got, ref = _row(calc.view), _row(expected)
    assert got["cost_usd"] == pytest.approx(ref["cost_usd"])
    assert got["monthly_cost_usd"] == pytest.approx(ref["monthly_cost_usd"])
    assert got["monthly_cost_brl"] == pytest.approx(usd_to_brl(ref["monthly_cost_usd"], brl_per_usd=6.0))
    assert got["cost_brl"] == pytest.approx(got["cost_usd"] * 6.0)
    calc.usd_brl.value = 0.0  # no rate: dollars only
    assert calc.view["monthly_cost_brl"].isna().all()
    assert calc.view["monthly_cost_usd"].notna().any()


def test_missing_prices_stay_missing(calc):
    octo = _row(calc.view, "Llama 3 70B", "OctoAI")
    assert math.isnan(octo["cost_usd"]) and math.isnan(octo["monthly_cost_usd"])


def test_empty_text_and_special_tokens(calc):
    calc.text.value = ""
    assert (calc.view["input_tokens"] == 0).all()
    assert (calc.token_counts["input_tokens"] == 0).all()
    calc.text.value = "fim <|endoftext|> início"
    assert (calc.view["input_tokens"] > 0).all()
    assert calc.chart is not None and calc.chart.to_dict()["params"][0]["name"] == "output_tokens"


def test_huge_text_counts_without_freezing(calc):
    big = (article_text() * (5_000_000 // len(article_text()) + 1))[:5_000_000]
    start = time.perf_counter()
    calc.text.value = big
    elapsed = time.perf_counter() - start
    assert elapsed < 60, f"5 MB took {elapsed:.1f} s"
    llama = calc.token_counts.set_index("tokenizer").loc["llama3", "input_tokens"]
    assert llama > 1_000_000
    # The display does not grow with the text: one table row per (model, provider), and the text is not echoed.
    assert len(calc.tables.value) < 50_000
    assert len(calc.summary.value) < 1_000
    google = calc.view[calc.view["provider"] == "Google"]
    assert len(google) == 2 and (google["tier_above_input_tokens"] == 128_000).all()  # Gemini's long-prompt price


def test_snapshot_menu_lists_every_snapshot(calc):
    from calculators import list_snapshots

    assert list(calc.snapshot.options) == [m["id"] for m in list_snapshots()]


def test_switching_snapshot_reloads_prices_and_rate(tmp_path, monkeypatch):
    import json
    import shutil

    import calculators.data as data_module

    for snap, as_of in (("2024-05", "2024-05-21"), ("2026-11", "2026-11-20")):
        shutil.copytree(data_module.SNAPSHOT_DIR / "2024-05", tmp_path / snap)
        meta = json.loads((tmp_path / snap / "snapshot.json").read_text(encoding="utf-8"))
        meta.update(id=snap, as_of=as_of)
        (tmp_path / snap / "snapshot.json").write_text(json.dumps(meta), encoding="utf-8")
    monkeypatch.setattr(data_module, "SNAPSHOT_DIR", tmp_path)
    calc = PriceCalculator(text="Olá, mundo!")
    assert calc.usd_brl.value == pytest.approx(5.1356)
    calc.usd_brl.value = 5.0
    assert calc.view["monthly_cost_brl"].notna().any()
    calc.snapshot.value = "2026-11"
    assert calc.view.attrs["snapshot"] == "2026-11"
    assert calc.usd_brl.value == 0  # no sourced rate near 2026-11-20: the reader types one
    assert "digite" in calc.rate_note.value
    assert calc.view["monthly_cost_brl"].isna().all()


def test_switching_to_the_latest_snapshot():
    """The real latest snapshot: other models, other tokenizers (estimates marked), its own caption."""
    from calculators import list_snapshots

    latest = list_snapshots()[-1]
    calc = PriceCalculator(text="Olá, mundo! Quanto custa este texto?")
    calc.output_tokens.value = 700
    calc.snapshot.value = latest["id"]
    expected = calculator_table(
        load_snapshot(latest["id"]),
        text=calc.text.value,
        output_tokens=700,
        requests_per_day=1_000,
        brl_per_usd=None,
        every_effort=True,  # the widget's menu starts at "todos": a row per effort
    )
    assert calc.view.attrs["snapshot"] == latest["id"]
    assert calc.view[["model", "provider", "input_tokens", "cost_usd"]].equals(
        expected[["model", "provider", "input_tokens", "cost_usd"]]
    )
    assert set(calc.token_counts["tokenizer"]) == set(load_snapshot(latest["id"])["tokenizer"])
    assert f"snapshot {latest['id']}" in calc.summary.value
    assert f"snapshot {latest['id']}" in json.dumps(calc.chart.to_dict()["title"], ensure_ascii=False)
    calc.snapshot.value = "2024-05"
    assert calc.view.attrs["snapshot"] == "2024-05" and "Claude 3 Opus" in set(calc.view["model"])


def test_batch_and_time_of_day_controls():
    from calculators.widgets.price import PriceCalculator

    calc = PriceCalculator("Olá, mundo! " * 50, snapshot=latest_id(), effort="max")  # one row per (model, provider)
    ordinary = calc.view.set_index(["model", "provider"])["cost_usd"]
    calc.price_kind.value = "batch"
    batch = calc.view.set_index(["model", "provider"])
    assert batch.loc[("Claude Haiku 5.5", "Anthropic"), "cost_usd"] < ordinary[("Claude Haiku 5.5", "Anthropic")]
    assert batch.loc[("Claude Haiku 5.5", "Anthropic"), "price_condition"] == "batch"
    assert "lote" in calc.tables.value
    calc.price_kind.value = "ordinary"
    calc.at_utc.value = "02:0"  # half typed: a message, and the last table stays
    assert "HH:MM" in calc.condition_note.value
    calc.at_utc.value = "02:00"
    deepseek = calc.view.set_index(["model", "provider"]).loc[("DeepSeek V4 Pro", "DeepSeek")]
    assert deepseek["price_condition"] == "utc 01:00-04:00" and calc.condition_note.value == ""
    assert deepseek["cost_usd"] > ordinary[("DeepSeek V4 Pro", "DeepSeek")]


def test_the_effort_menu_prices_the_thinking():
    from calculators.reasoning import effort_rows

    calc = PriceCalculator("Quanto custa pensar antes de responder?", snapshot=latest_id(), output_tokens=1_000)
    every = calc.view
    assert {"low", "high", "max"} <= set(every["effort"].dropna())  # every effort the data has, a row each
    calc.effort.value = "high"
    view = calc.view
    assert set(view["effort"].dropna()) == {"high"}
    oss = view[(view["model"] == "gpt-oss-120b") & (view["provider"] == "Groq")].iloc[0]
    ratio = effort_rows(load_snapshot("latest"), "high").query("model == 'gpt-oss-120b'")
    assert oss["reasoning_tokens"] == pytest.approx(1_000 * ratio["reasoning_tokens_per_answer_token"].iloc[0])
    assert "tokens de raciocínio" in calc.tables.value and "gpt-oss-120b · alto" in calc.tables.value
    assert "custo sem o raciocínio, não medido" in calc.tables.value  # Claude Fable 5.2: nothing measured


def latest_id() -> str:
    from calculators import load_snapshot

    return load_snapshot("latest").attrs["snapshot"]


def test_the_request_date_prices_scheduled_rows_on_that_day():
    """Issue 17: the widget's "data do pedido" moves a scheduled price (Gemini 4 Argon: 2 / 10 until 2026-11-30, then
    4 / 20 per 1M tokens) and the table and summary say so."""
    import datetime as dt

    calc = PriceCalculator("Olá, mundo", snapshot="2026-12-06")
    calc.request_date.value = dt.date(2026, 11, 30)
    argon = calc.view.set_index(["model", "provider"]).loc[("Gemini 4 Argon", "Google")]
    before = argon["applied_input_usd_per_mtok"]
    assert before == 2.0 and argon["price_note"] == "preço promocional até 30/11/2026"
    assert "preço promocional até 30/11/2026" in calc.tables.value
    assert "preços de 06/12/2026, 6 dias depois da data do pedido" in calc.summary.value
    calc.request_date.value = dt.date(2026, 12, 6)
    argon = calc.view.set_index(["model", "provider"]).loc[("Gemini 4 Argon", "Google")]
    assert argon["applied_input_usd_per_mtok"] == 4.0 and argon["price_note"] == "preço mudou em 01/12/2026"
    calc.request_date.value = dt.date(2027, 3, 10)
    assert "têm mais de 90 dias e podem estar desatualizados" in calc.summary.value
