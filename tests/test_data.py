"""The dataset's schema: a bad file fails with its file, row and column named."""

import datetime as dt
import json
import shutil
from pathlib import Path

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
        ({"source": "javascript:alert(1)"}, "source", "javascript: URLs are not allowed"),
        ({"source": "veja JavaScript:alert(document.cookie)"}, "source", "JavaScript: URLs are not allowed"),
        ({"source": "java\tscript:alert(1)"}, "source", "javascript: URLs are not allowed"),
        ({"source": "data:text/html,<script>alert(1)</script>"}, "source", "data: URLs are not allowed"),
        ({"source": "file:///etc/passwd"}, "source", "file: URLs are not allowed"),
        ({"source": "ftp://example.com/precos.csv"}, "source", "ftp: URLs are not allowed"),
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
# ``tiered`` (tests/conftest.py): a scratch copy of the current snapshot, which has tiers and conditions.


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


# --- bounds, dates, headers and snapshot.json (issue 9) -------------------------------------------------------------
def _metric_row(folder, metric: str) -> int:
    df = pd.read_csv(folder / "figures.csv", dtype=str, keep_default_na=False)
    return int(df.index[(df["metric"] == metric) & (df["value"] != "") & (df["above_input_tokens"] == "")][0])


@pytest.mark.parametrize(
    ("metric", "value", "message"),
    [
        ("context_window_tokens", "100000000000000000000", "above 100,000,000"),
        ("context_window_tokens", "1" + "0" * 400, "not a finite number"),
        ("input_usd_per_mtok", "1e200", "above 10,000"),
        ("input_usd_per_mtok", "1e999999999", "not a finite number"),
        ("output_usd_per_mtok", "10000.01", "above 10,000"),
        ("output_tokens_per_s", "0", "below 0.01"),
        ("output_tokens_per_s", "100001", "above 100,000"),
        ("model_output_tokens_per_s", "0", "below 0.01"),
        ("ttft_s", "3601", "above 3,600"),
        ("ttft_s", "-0.1", "negative"),
        ("arena_elo", "12870", "above 4,000"),
        ("aa_blended_usd_per_mtok", "inf", "not a finite number"),
    ],
)
def test_every_number_has_bounds(scratch, metric, value, message):
    assert data.METRICS[metric].maximum is not None
    line = _edit_figure(scratch, _metric_row(scratch, metric), value=value)
    with pytest.raises(DataError) as err:
        load_snapshot("2024-05")
    text = str(err.value)
    assert f"figures.csv: row {line}, column 'value': " in text and message in text
    assert len(text) < 300  # a huge value is shortened in the message


def test_every_metric_has_a_maximum_and_speeds_a_positive_minimum():
    for metric in data.METRICS.values():
        assert metric.kind == "bool" or metric.maximum is not None, metric.name
    for name in ("output_tokens_per_s", "model_output_tokens_per_s"):
        assert data.METRICS[name].minimum > 0


def test_a_figure_dated_after_its_snapshot_is_rejected(scratch):
    # The article's snapshot took some prices from copies dated up to its figures_as_of_until (2024-07-25).
    assert data.figures_as_of_limit(data.read_meta(scratch)) == "2024-07-25"
    line = _edit_figure(scratch, _price_row(scratch), as_of="2024-08-01")
    with pytest.raises(
        DataError, match=rf"figures.csv: row {line}, column 'as_of': 2024-08-01 is after the snapshot's"
    ):
        load_snapshot("2024-05")


def test_a_figure_dated_after_a_refreshed_snapshot_is_rejected(tmp_path, monkeypatch):
    # A refreshed snapshot: nothing after its own as-of date (the refresh date). The oldest refreshed snapshot,
    # so that the day after it is not in the future.
    refreshed = min((m for m in list_snapshots() if m.get("sources")), key=lambda m: m["as_of"])
    root = tmp_path / "snapshots"
    shutil.copytree(data.SNAPSHOT_DIR / refreshed["id"], root / refreshed["id"])
    monkeypatch.setattr(data, "SNAPSHOT_DIR", root)
    tiered = root / refreshed["id"]
    as_of = refreshed["as_of"]
    later = (dt.date.fromisoformat(as_of) + dt.timedelta(days=1)).isoformat()
    assert later <= dt.date.today().isoformat()
    line = _edit_figure(tiered, 0, as_of=later)
    with pytest.raises(DataError, match=rf"row {line}, column 'as_of': {later} is after the snapshot's as-of date"):
        load_figures(tiered.name)


def test_a_duplicated_header_column_is_named(scratch):
    path = scratch / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",value", *(line + ",99" for line in lines[1:])]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"figures.csv: row 1, column 'value': the column appears twice"):
        load_snapshot("2024-05")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[1, 2]", "a JSON list, not an object"),
        (b'"2024-05"', "a JSON str, not an object"),
        ('{"id": "2024-05", "as_of": "2024-05-21", "title": "Maçã"}'.encode("latin-1"), "not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper than"),
        (b'{"id": "2024-05", "as_of": "2024-05-21", "title": "x", "a": [[[[[[[1]]]]]]]}', "nested deeper than 6"),
        (b'{"id": "2024-05", "as_of": "2024-05-21", "title": "x", "n": 1' + b"0" * 5000 + b"}", "cannot be read"),
        (b'{"id": "2024-05", ', "malformed JSON"),
    ],
)
def test_a_bad_snapshot_json_names_the_file(scratch, content, message):
    (scratch / "snapshot.json").write_bytes(content)
    for load in (lambda: load_snapshot("2024-05"), list_snapshots):
        with pytest.raises(DataError) as err:
            load()
        assert str(err.value).startswith(f"{scratch / 'snapshot.json'}: ") and message in str(err.value)
        assert len(str(err.value)) < 300


def _report(provider_speed: float = 100.0):
    from calculators.bench import BenchReport, RunResult

    run = RunResult(True, ttft_s=0.2, output_tokens_per_s=provider_speed, e2e_s=1.0, output_tokens=80)
    return BenchReport("test-model", "127.0.0.1:1", [run], "o200k_base", None)


def test_a_bad_measurements_file_keeps_the_new_rows_beside_it(scratch):
    from calculators.measurements import load_measurements, measurements_path, save_measurement

    path = save_measurement(_report(), provider="P1")
    assert path == measurements_path() and len(load_measurements()) == 2
    assert (data.SNAPSHOT_DIR.parent / ".write.lock").is_file()
    with path.open("a", encoding="utf-8") as f:
        f.write("M,P,output_tokens_per_s,0,2026-11-01,measured,bench,\n")  # a speed of 0: row 4
    before = path.read_bytes()
    with pytest.raises(DataError) as err:
        save_measurement(_report(), provider="P2")
    text = str(err.value)
    assert text.startswith(f"{path}: row 4, column 'value': 0 is below 0.01")
    assert "measurements.csv was left as it was and this run's 2 rows are in " in text
    assert ".measurements-" not in text  # the real file, not a temporary one
    assert path.read_bytes() == before
    side = Path(text.rsplit(" are in ", 1)[1])
    assert side.parent == path.parent and side.name.startswith("measurements.unsaved-")
    kept = load_measurements(side)
    assert set(kept["provider"]) == {"P2"} and len(kept) == 2


def test_a_run_whose_rows_break_the_rules_is_kept_beside_the_file(scratch):
    from calculators.measurements import load_measurements, save_measurement

    path = save_measurement(_report(), provider="P1")
    before = path.read_bytes()
    with pytest.raises(
        DataError, match=r"this run's row would break the file's rules: .*row 5, column 'value': .* above 100,000"
    ):
        save_measurement(_report(provider_speed=250_000.0), provider="P2")
    assert path.read_bytes() == before and len(load_measurements()) == 2


def test_measurements_with_a_duplicated_header_column_are_rejected(tmp_path):
    from calculators.measurements import load_measurements

    path = tmp_path / "m.csv"
    path.write_text(
        "model,provider,metric,value,as_of,confidence,source,note,value\nM,P,ttft_s,0.2,2026-11-01,measured,b,,9\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="row 1, column 'value': the column appears twice"):
        load_measurements(path)


# --- scheduled prices (starts_on, issue 17) ------------------------------------------------------------------------
def _schedule(folder, rows: list[dict]) -> None:
    """Append scheduled prices to a scratch snapshot's figures.csv, copying the other columns of the base row."""
    path = folder / "figures.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "starts_on" not in df:
        df["starts_on"] = ""
    extra = []
    for changes in rows:
        base = df[(df["metric"] == changes["metric"]) & (df["value"] != "") & (df["above_input_tokens"] == "")]
        base = base[(base["condition"] == "") & (base["model"] == changes.get("model", base["model"].iloc[0]))]
        extra.append({**base.iloc[0].to_dict(), **changes})
    pd.concat([df, pd.DataFrame(extra)], ignore_index=True).to_csv(path, index=False)


def test_a_scheduled_price_applies_from_its_day_and_the_snapshot_shows_the_one_of_its_date(tiered):
    from calculators.pricing import prices_on

    df = pd.read_csv(tiered / "figures.csv", dtype=str, keep_default_na=False)
    row = df[(df["metric"] == "input_usd_per_mtok") & (df["above_input_tokens"] == "") & (df["condition"] == "")]
    row = row[~row["model"].isin(row[row.get("starts_on", pd.Series("", index=row.index)) != ""]["model"])].iloc[0]
    model, provider, old = row["model"], row["provider"], float(row["value"])
    as_of = data.read_meta(tiered)["as_of"]
    before = (dt.date.fromisoformat(as_of) - dt.timedelta(days=3)).isoformat()
    after = (dt.date.fromisoformat(as_of) + dt.timedelta(days=20)).isoformat()
    _schedule(
        tiered,
        [
            {"model": model, "metric": "input_usd_per_mtok", "value": str(old * 2), "starts_on": before},
            {"model": model, "metric": "input_usd_per_mtok", "value": str(old * 3), "starts_on": after},
        ],
    )
    snap = load_snapshot("latest").set_index(["model", "provider"]).loc[(model, provider)]
    assert snap["input_usd_per_mtok"] == old * 2  # in effect on the snapshot's date
    schedule = snap["price_schedule"]
    assert {p.starts_on for p in schedule if p.metric == "input_usd_per_mtok" and not p.condition} >= {"", before}
    day_before = (dt.date.fromisoformat(before) - dt.timedelta(days=1)).isoformat()
    assert prices_on(schedule, day_before)[0]["input_usd_per_mtok"] == old
    assert prices_on(schedule, before)[0]["input_usd_per_mtok"] == old * 2
    assert prices_on(schedule, after)[0]["input_usd_per_mtok"] == old * 3


@pytest.mark.parametrize(
    ("starts_on", "metric", "message"),
    [
        ("2026-13-01", "input_usd_per_mtok", "not a valid date"),
        ("01/12/2026", "input_usd_per_mtok", "is not a day (YYYY-MM-DD)"),
        ("2026-12", "input_usd_per_mtok", "is not a day (YYYY-MM-DD)"),
        ("1900-01-01", "input_usd_per_mtok", "is not between 2000 and 2100"),
        ("2026-12-01", "context_window_tokens", "only prices are scheduled"),
    ],
)
def test_bad_starts_on_names_file_row_and_column(tiered, starts_on, metric, message):
    path = tiered / "figures.csv"
    _schedule(tiered, [{"metric": metric, "value": "1", "starts_on": starts_on}])
    line = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(DataError) as err:
        load_snapshot("latest")
    text = str(err.value)
    assert "figures.csv" in text and f"row {line}" in text and "column 'starts_on'" in text and message in text


def test_a_scheduled_price_needs_the_price_before_it_and_is_unique(tiered):
    path = tiered / "figures.csv"
    _schedule(tiered, [{"metric": "input_usd_per_mtok", "value": "1", "starts_on": "2026-12-01"}] * 2)
    with pytest.raises(DataError, match=r"column 'metric': duplicate figure .*from 2026-12-01"):
        load_snapshot("latest")
    df = pd.read_csv(path, dtype=str, keep_default_na=False).iloc[:-1]
    dated = df[df["starts_on"] == "2026-12-01"].iloc[-1]
    same = (df["model"] == dated["model"]) & (df["provider"] == dated["provider"]) & (df["metric"] == dated["metric"])
    df[~same | (df["starts_on"] != "")].to_csv(path, index=False)
    with pytest.raises(DataError, match="column 'starts_on': a price from 2026-12-01 without the ordinary price"):
        load_snapshot("latest")


@pytest.mark.parametrize(
    "source",
    [
        "https://openai.com/api/pricing/",
        "http://example.com/a?b=c",
        "genai-prices 0.2.3 (PyPI package data)",
        "AWS Bedrock model id meta.llama4-maverick-17b-instruct-v1:0, as of 02:49",
        "Artificial Analysis Data: API JSON (about: the median of 72 hours)",
    ],
)
def test_web_urls_and_plain_text_sources_load(scratch, source):
    line = _edit_figure(scratch, _price_row(scratch), source=source)
    df = load_snapshot("2024-05")
    assert source in set(df["input_usd_per_mtok_source"]), line


def test_only_http_urls_become_links():
    assert data.web_url("https://www.bcb.gov.br/") == "https://www.bcb.gov.br/"
    assert data.web_url(" http://x.org/a ") == "http://x.org/a"
    for text in ("javascript:alert(1)", "JAVASCRIPT://x", "data:text/html,x", "genai-prices 0.2.3", "https://", ""):
        assert data.web_url(text) is None, text
