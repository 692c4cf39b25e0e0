"""The Preço chapter's tables: a text's cost per request and per month, in USD and BRL, and across snapshots."""

import json
import math
import shutil

import pandas as pd
import pytest

import calculators.data as data_module
from calculators import cost_table, list_snapshots, load_snapshot, monthly_cost_usd, request_cost_usd
from calculators.claims import review_costs_usd
from calculators.costs import (
    article_text,
    calculator_table,
    calculator_tables,
    load_snapshots,
    review_cost_matrix,
    review_costs_by_snapshot,
    row_price,
    token_count_table,
)
from calculators.fx import usd_to_brl
from calculators.tokens import count_tokens


@pytest.fixture(scope="module")
def df():
    return load_snapshot("2024-05")


def test_token_count_table_marks_estimates(df):
    table = token_count_table(article_text(), df).set_index("tokenizer")
    assert table.loc["cl100k_base", "input_tokens"] == count_tokens(article_text(), "cl100k_base")
    assert table.loc["cl100k_base", "exact"]
    assert not table.loc["claude_estimate", "exact"] and not table.loc["gemini_estimate", "exact"]
    assert "Claude 3 Opus" in table.loc["claude_estimate", "models"]
    assert set(table.index) == set(df["tokenizer"])


def test_calculator_table_matches_pricing(df):
    text = article_text()
    view = calculator_table(df, text=text, output_tokens=800, requests_per_day=250, brl_per_usd=5.5)
    reference = cost_table(df, text=text, output_tokens=800).set_index(["model", "provider"])
    for row in view.to_dict("records"):
        ref = reference.loc[(row["model"], row["provider"])]
        assert row["input_tokens"] == ref["input_tokens"]
        if math.isnan(ref["cost_usd"]):
            assert math.isnan(row["cost_usd"]) and math.isnan(row["monthly_cost_usd"]) and math.isnan(row["cost_brl"])
            continue
        price = row_price(ref)
        assert row["cost_usd"] == pytest.approx(
            request_cost_usd(price, input_tokens=int(ref["input_tokens"]), output_tokens=800)
        )
        month = monthly_cost_usd(price, requests_per_day=250, input_tokens=int(ref["input_tokens"]), output_tokens=800)
        assert row["monthly_cost_usd"] == pytest.approx(month)
        assert row["monthly_cost_brl"] == pytest.approx(usd_to_brl(month, brl_per_usd=5.5))
        assert row["cost_brl"] == pytest.approx(row["cost_usd"] * 5.5)
    assert view.attrs["snapshot"] == "2024-05"


def test_calculator_table_sorts_and_keeps_missing_last(df):
    view = calculator_table(df, input_tokens=3_000, output_tokens=1_000, requests_per_day=1_000)
    known = view["cost_usd"].notna()
    assert known.iloc[: known.sum()].all() and not known.iloc[known.sum() :].any()
    assert view.loc[known, "cost_usd"].is_monotonic_increasing
    assert view["cost_brl"].isna().all()  # no rate given: no reais, not zero reais
    opus = view[(view["model"] == "Claude 3 Opus") & (view["provider"] == "Anthropic")].iloc[0]
    assert opus["cost_usd"] == pytest.approx(0.12) and opus["monthly_cost_usd"] == pytest.approx(3_600)
    assert view.loc[view["provider"] == "Microsoft Azure", "price_estimate"].any()


def test_calculator_table_picks_the_price_tier_by_length(df):
    short = calculator_table(df, input_tokens=3_000, output_tokens=0, requests_per_day=1)
    long = calculator_table(df, input_tokens=200_000, output_tokens=0, requests_per_day=1)
    short_pro = short[short["model"] == "Gemini 1.5 Pro"].iloc[0]
    long_pro = long[long["model"] == "Gemini 1.5 Pro"].iloc[0]
    assert short_pro["tier_above_input_tokens"] == 0 and short_pro["cost_usd"] == pytest.approx(3_000 * 3.5 / 1e6)
    assert long_pro["tier_above_input_tokens"] == 128_000 and long_pro["cost_usd"] == pytest.approx(200_000 * 7 / 1e6)
    assert long_pro["monthly_cost_usd"] == pytest.approx(long_pro["cost_usd"] * 30)  # the month at the tier's price
    assert len(short) == len(long) == len(df)  # a tier is not a row of its own


def test_empty_and_special_text(df):
    empty = calculator_table(df, text="", output_tokens=10, requests_per_day=1)
    assert (empty["input_tokens"] == 0).all()
    special = calculator_table(df, text="<|endoftext|>", output_tokens=0, requests_per_day=1)
    assert (special["input_tokens"] > 1).all()  # typed special tokens are plain text


def test_review_costs_in_the_article_snapshot(df):
    history = review_costs_by_snapshot(["2024-05"]).set_index("model")
    claims = review_costs_usd(df)
    for model in ("Claude 3 Opus", "GPT-4 Turbo", "Llama 3 70B"):  # the article's three: same as the claims module
        assert history.loc[model, "median_cost_usd"] == pytest.approx(claims[model])
    assert history.loc["Claude 3 Opus", "median_cost_usd"] == pytest.approx(0.12)
    assert history.loc["Llama 3 70B", "cheapest_provider"] == "DeepInfra, Groq"
    assert history.loc["Llama 3 70B", "priced_providers"] == 7
    # Gemini 1.5 Pro at its price for prompts up to 128,000 tokens: 3,000 * 3.5 + 1,000 * 10.5 per 1M
    assert history.loc["Gemini 1.5 Pro", "median_cost_usd"] == pytest.approx(0.021)


def test_review_costs_across_any_number_of_snapshots(tmp_path, monkeypatch):
    """Two snapshots, the second with a model unpriced and one model gone: missing stays missing."""
    src = data_module.SNAPSHOT_DIR / "2024-05"
    for snap, as_of in (("2024-05", "2024-05-21"), ("2025-01", "2025-01-15")):
        dst = tmp_path / snap
        shutil.copytree(src, dst)
        meta = json.loads((dst / "snapshot.json").read_text(encoding="utf-8"))
        meta.update(id=snap, as_of=as_of)
        (dst / "snapshot.json").write_text(json.dumps(meta), encoding="utf-8")
    later = tmp_path / "2025-01" / "figures.csv"
    figures = pd.read_csv(later, dtype=str, keep_default_na=False)
    opus_price = (figures["model"] == "Claude 3 Opus") & figures["metric"].str.endswith("_usd_per_mtok")
    figures.loc[opus_price, ["value", "confidence"]] = ["", "missing"]
    figures = figures[figures["model"] != "Mistral Large"]
    figures.to_csv(later, index=False)
    models = pd.read_csv(tmp_path / "2025-01" / "models.csv", dtype=str)
    models[models["model"] != "Mistral Large"].to_csv(tmp_path / "2025-01" / "models.csv", index=False)
    monkeypatch.setattr(data_module, "SNAPSHOT_DIR", tmp_path)

    history = review_costs_by_snapshot()
    assert list(dict.fromkeys(history["snapshot"])) == ["2024-05", "2025-01"]
    matrix = review_cost_matrix(history, ["Claude 3 Opus", "Mistral Large", "Llama 3 70B"])
    assert list(matrix.columns) == ["2024-05", "2025-01"]
    assert matrix.loc["Claude 3 Opus", "2024-05"] == pytest.approx(0.12)
    assert math.isnan(matrix.loc["Claude 3 Opus", "2025-01"])  # unpriced: missing, not 0
    assert math.isnan(matrix.loc["Mistral Large", "2025-01"])  # gone from the snapshot
    assert matrix.loc["Llama 3 70B", "2025-01"] == pytest.approx(matrix.loc["Llama 3 70B", "2024-05"])
    assert review_costs_by_snapshot([]).empty


def test_creator_extremes():
    from calculators.costs import creator_extremes

    history = review_costs_by_snapshot(["2024-05"])
    table = creator_extremes(history).set_index(["snapshot", "creator"])
    anthropic = table.loc[("2024-05", "Anthropic")]
    assert anthropic["dearest_model"] == "Claude 3 Opus" and anthropic["dearest_cost_usd"] == pytest.approx(0.12)
    assert anthropic["cheapest_model"] == "Claude 3 Haiku"
    assert anthropic["cheapest_cost_usd"] < anthropic["dearest_cost_usd"]
    assert set(table.index.get_level_values("creator")) == set(load_snapshot("2024-05")["creator"])
    # A creator whose models all lost their prices has no row (not a row of zeros).
    unpriced = history.assign(median_cost_usd=history["median_cost_usd"].where(history["creator"] != "Mistral"))
    assert "Mistral" not in set(creator_extremes(unpriced)["creator"])


def test_every_snapshot_stacked():
    ids = [m["id"] for m in list_snapshots()]
    frames = load_snapshots()
    assert frames.attrs["snapshots"] == ids
    assert list(dict.fromkeys(frames["snapshot"])) == ids
    for meta in list_snapshots():
        one = frames[frames["snapshot"] == meta["id"]]
        assert len(one) == len(load_snapshot(meta["id"]))
        assert set(one["as_of"]) == {meta["as_of"]}
    assert load_snapshots([]).empty


def test_calculator_tables_cost_each_snapshot_with_its_tokenizers():
    text = article_text()
    stacked = calculator_tables(text=text, output_tokens=500, requests_per_day=10, brl_per_usd=5.0)
    for snap in stacked.attrs["snapshots"]:
        own = calculator_table(load_snapshot(snap), text=text, output_tokens=500, requests_per_day=10, brl_per_usd=5.0)
        got = stacked[stacked["snapshot"] == snap].drop(columns=["snapshot", "as_of"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, own, check_dtype=False)
        for row in got.to_dict("records"):
            assert row["input_tokens"] == count_tokens(text, row["tokenizer"])
    latest = stacked[stacked["snapshot"] == stacked.attrs["snapshots"][-1]]
    assert not latest.loc[latest["tokenizer"] == "o200k_estimate", "input_tokens_exact"].any()  # estimates stay marked


def test_scheduled_price_changes_list_the_latest_snapshots_changes():
    """Issue 17: the changes of input or output prices the snapshot schedules, with the prices on each side."""
    from calculators.costs import scheduled_price_changes
    from calculators.pricing import prices_on

    df = load_snapshot("2026-12-06")
    changes = scheduled_price_changes(df)
    argon = changes[(changes["model"] == "Gemini 4 Argon") & (changes["provider"] == "Google")]
    assert argon[["starts_on", "input_before_usd_per_mtok", "input_after_usd_per_mtok"]].values.tolist() == [
        ["2026-12-01", 2.0, 4.0]
    ]
    assert list(changes["starts_on"]) == sorted(changes["starts_on"])
    rows = df.set_index(["model", "provider"])
    for c in changes.itertuples():
        schedule = rows.loc[(c.model, c.provider), "price_schedule"]
        assert prices_on(schedule, c.starts_on)[0]["output_usd_per_mtok"] == c.output_after_usd_per_mtok
        assert (c.input_before_usd_per_mtok, c.output_before_usd_per_mtok) != (
            c.input_after_usd_per_mtok,
            c.output_after_usd_per_mtok,
        )
    assert scheduled_price_changes(df, since="2026-12-02")["model"].tolist() == ["Gemini 3.8 Flash"]
    assert scheduled_price_changes(load_snapshot("2026-11-26")).empty
