"""The dataset's schema: a bad file fails with its file, row and column named."""

import json
import shutil

import pandas as pd
import pytest

from calculators import data
from calculators.data import DataError, list_snapshots, load_figures, load_snapshot


def test_snapshot_loads_one_row_per_model_and_provider():
    df = load_snapshot("2024-05")
    assert not df.duplicated(["model", "provider"]).any()
    assert df.attrs["snapshot"] == "2024-05"
    assert df.attrs["as_of"] == "2024-05-21"
    assert len(df["model"].unique()) == 12
    llama = df[df["model"] == "Llama 3 70B"]
    assert len(llama) == 9  # the nine providers of the article's throughput chart
    assert llama["output_tokens_per_s"].notna().all()


def test_every_figure_has_source_and_date():
    figures = load_figures("2024-05")
    assert (figures["source"] != "").all()
    assert (figures["as_of"] != "").all()
    df = load_snapshot("2024-05")
    for metric in data.METRICS:
        has_value = df[metric].notna()
        assert df.loc[has_value, f"{metric}_source"].notna().all(), metric
        assert df.loc[has_value, f"{metric}_as_of"].notna().all(), metric


def test_missing_stays_missing_and_estimates_stay_marked():
    df = load_snapshot("2024-05").set_index(["model", "provider"])
    assert pd.isna(df.loc[("Llama 3 70B", "Perplexity"), "input_usd_per_mtok"])
    assert pd.isna(df.loc[("Llama 3 70B", "OctoAI"), "output_usd_per_mtok"])
    assert df.loc[("Llama 3 70B", "Microsoft Azure"), "input_usd_per_mtok_confidence"] == "estimate"
    # No cached-input prices existed in May 2024.
    assert df["cached_input_usd_per_mtok"].isna().all()


def test_model_level_figures_repeat_and_provider_level_override():
    df = load_snapshot("2024-05").set_index(["model", "provider"])
    assert df.loc[("Llama 3 70B", "Groq"), "quality_index"] == 88
    assert df.loc[("Mixtral 8x7B", "Perplexity"), "context_window_tokens"] == 16384
    assert df.loc[("Mixtral 8x7B", "Groq"), "context_window_tokens"] == 32768


def test_snapshot_list_and_latest():
    ids = [s["id"] for s in list_snapshots()]
    assert "2024-05" in ids
    assert load_snapshot("latest").attrs["snapshot"] == max(list_snapshots(), key=lambda s: s["as_of"])["id"]


def test_unknown_snapshot_is_clear():
    with pytest.raises(DataError, match="unknown snapshot 'nope'; known snapshots: .*2024-05"):
        load_snapshot("nope")
    with pytest.raises(DataError, match="not a snapshot id"):
        load_snapshot("../etc")


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A copy of the 2024-05 snapshot in a scratch data folder, for breaking on purpose."""
    root = tmp_path / "snapshots"
    shutil.copytree(data.SNAPSHOT_DIR / "2024-05", root / "2024-05")
    monkeypatch.setattr(data, "SNAPSHOT_DIR", root)
    return root / "2024-05"


def _edit_figure(folder, row_index, **changes):
    path = folder / "figures.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column, value in changes.items():
        df.loc[row_index, column] = value
    df.to_csv(path, index=False)
    return row_index + 2  # header is line 1


def _price_row(folder):
    df = pd.read_csv(folder / "figures.csv", dtype=str, keep_default_na=False)
    return int(df.index[(df["metric"] == "input_usd_per_mtok") & (df["value"] != "")][0])


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"value": "-1"}, "value", "negative"),
        ({"value": "cheap"}, "value", "not a number"),
        ({"source": ""}, "source", "needs its source"),
        ({"as_of": "2024-13-01"}, "as_of", "not a valid date"),
        ({"as_of": "2999-01-01"}, "as_of", "in the future"),
        ({"metric": "price"}, "metric", "unknown metric"),
        ({"model": "GPT-5"}, "model", "unknown model"),
        ({"confidence": "vibes"}, "confidence", "not one of"),
        ({"value": ""}, "value", "missing"),
        ({"provider": ""}, "provider", "needs a provider"),
    ],
)
def test_bad_figure_names_file_row_and_column(scratch, changes, column, message):
    line = _edit_figure(scratch, _price_row(scratch), **changes)
    with pytest.raises(DataError) as err:
        load_snapshot("2024-05")
    text = str(err.value)
    assert "figures.csv" in text
    assert f"row {line}" in text
    assert f"column '{column}'" in text
    assert message in text


def test_duplicate_key_is_rejected(scratch):
    path = scratch / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"row {len(lines) + 1}, column 'metric': duplicate figure"):
        load_snapshot("2024-05")


def test_unknown_tokenizer_is_rejected(scratch):
    path = scratch / "models.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("llama3", "llama9", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"models.csv: row \d+, column 'tokenizer': unknown tokenizer 'llama9'"):
        load_snapshot("2024-05")


def test_cached_price_above_input_is_rejected(scratch):
    path = scratch / "figures.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("GPT-4o,OpenAI,cached_input_usd_per_mtok,9,2024-05-13,estimate,test,,,\n")
    with pytest.raises(DataError, match="cached input price is above the input price"):
        load_snapshot("2024-05")


def test_malformed_rows_and_files(scratch):
    path = scratch / "figures.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("GPT-4o,OpenAI\n")
    with pytest.raises(DataError, match=r"figures.csv: row \d+: expected 10 fields"):
        load_snapshot("2024-05")
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(DataError, match="not UTF-8"):
        load_snapshot("2024-05")
    path.write_text("model,provider\n", encoding="utf-8")
    with pytest.raises(DataError, match="column 'metric': required column is missing"):
        load_snapshot("2024-05")


def test_bad_metadata(scratch):
    (scratch / "snapshot.json").write_text(json.dumps({"id": "2024-05", "title": "x"}), encoding="utf-8")
    with pytest.raises(DataError, match="snapshot.json, column 'as_of'"):
        load_snapshot("2024-05")


# --- prompt-length tiers and conditional prices ------------------------------------------------------------------
@pytest.fixture
def tiered(tmp_path, monkeypatch):
    """A copy of the current snapshot (which has tiers and conditions) in a scratch data folder."""
    root = tmp_path / "snapshots"
    latest = data.snapshot_path("latest")
    shutil.copytree(latest, root / latest.name)
    monkeypatch.setattr(data, "SNAPSHOT_DIR", root)
    return root / latest.name


def _tier_row(folder, condition: str = "") -> int:
    df = pd.read_csv(folder / "figures.csv", dtype=str, keep_default_na=False)
    return int(df.index[(df["above_input_tokens"] != "") & (df["condition"] == condition)][0])


def test_tiers_and_conditions_load_as_price_variants():
    df = load_snapshot("latest").set_index(["model", "provider"])
    haiku = df.loc[("Claude Haiku 5.5", "Anthropic")]
    assert haiku["input_usd_per_mtok"] == 0.1  # the ordinary base price stays in the price column
    variants = {(v.condition, v.metric, v.above_input_tokens): v.usd_per_mtok for v in haiku["price_variants"]}
    assert variants[("", "input_usd_per_mtok", 100_000)] == 0.5
    assert variants[("batch", "input_usd_per_mtok", 0)] == 0.05
    deepseek = df.loc[("DeepSeek V4 Pro", "DeepSeek"), "price_variants"]
    assert {v.condition for v in deepseek} == {"utc 01:00-04:00", "utc 06:00-10:00"}
    assert df.loc[("Llama 3.3 70B", "Groq"), "price_variants"] == ()


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"above_input_tokens": "0"}, "above_input_tokens", "not a positive whole number"),
        ({"above_input_tokens": "-5"}, "above_input_tokens", "not a positive whole number"),
        ({"above_input_tokens": "1.5e5"}, "above_input_tokens", "not a positive whole number"),
        ({"above_input_tokens": "100000000000"}, "above_input_tokens", "not a prompt length"),
        ({"metric": "ttft_s"}, "above_input_tokens", "only prices have tiers"),
        ({"condition": "weekends"}, "condition", "is not 'batch' or 'utc HH:MM-HH:MM'"),
        ({"condition": "utc 25:00-01:00"}, "condition", "is not 'batch' or 'utc HH:MM-HH:MM'"),
        ({"condition": "utc 01:00-01:00", "above_input_tokens": ""}, "condition", "empty time window"),
    ],
)
def test_bad_tier_names_file_row_and_column(tiered, changes, column, message):
    line = _edit_figure(tiered, _tier_row(tiered), **changes)
    with pytest.raises(DataError) as err:
        load_snapshot("latest")
    text = str(err.value)
    assert "figures.csv" in text and f"row {line}" in text and f"column '{column}'" in text and message in text


def test_a_tier_without_its_base_price_is_rejected(tiered):
    df = pd.read_csv(tiered / "figures.csv", dtype=str, keep_default_na=False)
    tier = df.loc[_tier_row(tiered)]
    base = (
        (df["model"] == tier["model"])
        & (df["provider"] == tier["provider"])
        & (df["metric"] == tier["metric"])
        & (df["above_input_tokens"] == "")
        & (df["condition"] == "")
    )
    df[~base].to_csv(tiered / "figures.csv", index=False)
    with pytest.raises(DataError, match="column 'above_input_tokens': a tier without the base price"):
        load_snapshot("latest")


def test_overlapping_tiers_are_rejected(tiered):
    path = tiered / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    tier_line = lines[_tier_row(tiered) + 1]
    path.write_text("\n".join([*lines, tier_line]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"column 'metric': duplicate figure .*above \d+ input tokens"):
        load_snapshot("latest")


def test_a_file_without_the_tier_columns_still_loads(scratch):
    path = scratch / "figures.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df[(df["above_input_tokens"] == "") & (df["condition"] == "")].drop(
        columns=["above_input_tokens", "condition"]
    ).to_csv(path, index=False)
    figures = load_figures("2024-05")
    assert (figures["above_input_tokens"] == 0).all() and (figures["condition"] == "").all()
    assert load_snapshot("2024-05")["price_variants"].map(len).sum() == 0
