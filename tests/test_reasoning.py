"""Reasoning effort and today's speed and quality, from the saved Artificial Analysis payloads (issue 16)."""

from __future__ import annotations

import hashlib
import json
import math
import re
import subprocess
import sys

import pandas as pd
import pytest

from calculators import refresh
from calculators.data import DataError, load_figures, load_snapshot
from calculators.latency import latency_table
from calculators.paths import ROOT
from calculators.pricing import cost_table
from calculators.reasoning import effort_rows, reasoning_tokens

AA_DIR = ROOT / "data" / "sources" / "artificialanalysis"
API_PAYLOAD = AA_DIR / "2026-10-10-llms.json"
PAGE_PAYLOAD = AA_DIR / "2026-08-22-llms-page.json"


def run(*args):
    out = subprocess.run([sys.executable, "-m", "calculators", *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out


def _variants() -> dict[tuple[str, str | None], str]:
    """(model, effort or None) -> AA slug, from the followed models."""
    return {(c.name, effort or None): slug for c in refresh.followed_models() for slug, effort in c.aa_variants()}


def _items(path) -> dict[str, dict]:
    return {item["slug"]: item for item in json.loads(path.read_text(encoding="utf-8"))["models"]}


def test_the_payloads_are_the_ones_their_manifest_names():
    manifest = json.loads((AA_DIR / "payloads.json").read_text(encoding="utf-8"))
    assert set(manifest["payloads"]) == {API_PAYLOAD.name, PAGE_PAYLOAD.name}
    for name, entry in manifest["payloads"].items():
        assert hashlib.sha256((AA_DIR / name).read_bytes()).hexdigest() == entry["sha256"]
        assert len(entry["commit"]) == 40


def test_the_snapshot_s_artificial_analysis_figures_rebuild_from_the_payloads():
    rebuilt = refresh.aa_payload_result([API_PAYLOAD, PAGE_PAYLOAD])
    expected = {(f.model, f.metric, f.effort): (f.value, f.as_of, f.source, f.confidence) for f in rebuilt.figures}
    figures = load_figures("latest")
    aa = figures[figures["source"].str.startswith("Artificial Analysis")]
    got = {
        (r.model, r.metric, r.effort): (refresh.number_text(r.value), r.as_of, r.source, r.confidence)
        for r in aa.itertuples()
    }
    assert got == expected
    assert len(got) > 150
    # Each figure names the file and commit it came from and is dated by the payload's fetched_at.
    assert {f.as_of for f in rebuilt.figures} == {"2026-10-10", "2026-08-22"}
    assert all("@" in f.source and "sha256" in f.source for f in rebuilt.figures)
    assert set(rebuilt.not_found) == {
        "Claude Fable 5.2",
        "GPT-6.1 Terra",
        "Gemini 4 Argon",
        "Muse Wonder 1.0",
        "Mistral Large 4",
    }


def test_a_payload_that_is_not_the_one_in_the_manifest_is_refused(tmp_path):
    copy = tmp_path / API_PAYLOAD.name
    copy.write_bytes(API_PAYLOAD.read_bytes().replace(b"91.54", b"91.55", 1))
    (tmp_path / "payloads.json").write_bytes((AA_DIR / "payloads.json").read_bytes())
    with pytest.raises(refresh.RefreshError, match="sha256 .* is not the"):
        refresh.aa_payload_result([copy])
    with pytest.raises(refresh.RefreshError, match="no entry for"):
        refresh.aa_payload_result([tmp_path / "payloads.json"])


def test_latency_today_equals_artificial_analysis_2026_10_10_exactly():
    rows = json.loads(run("latency", "--snapshot", "latest", "--output-tokens", "500", "--json").stdout)
    timed = {r["model"] for r in rows if r["e2e_s"] is not None}
    assert len(timed) >= 18, sorted(timed)
    items, slugs = _items(API_PAYLOAD), _variants()
    checked = 0
    for r in rows:
        slug = slugs.get((r["model"], r["effort"]))
        item = items.get(slug)
        if item is None or item["performance"]["median_output_tokens_per_second"] is None:
            assert r["e2e_s"] is None, r
            continue
        perf = item["performance"]
        assert r["output_tokens_per_s"] == perf["median_output_tokens_per_second"]
        assert r["ttft_s"] == perf["median_time_to_first_answer_token_seconds"]  # the first *answer* token
        assert r["as_of"] == "2026-10-10" and r["basis"] == "model median"
        # AA's own end-to-end time is this formula for 500 answer tokens. AA computes it before rounding its three
        # figures to 0.01 (s and tokens/s), so the course, from the rounded ones, is within 0.015 s of it (the
        # largest gap over all 382 timed variants of the payload is 0.0115 s).
        assert r["e2e_s"] == pytest.approx(perf["median_end_to_end_response_time_seconds"], abs=0.015)
        checked += 1
    assert checked > 50


def test_reasoning_tokens_are_billed_as_output_at_the_measured_ratio():
    rows = json.loads(
        run(
            "cost",
            "--snapshot",
            "latest",
            "--input-tokens",
            "1000",
            "--output-tokens",
            "1000",
            "--effort",
            "high",
            "--json",
        ).stdout
    )
    counts = _items(PAGE_PAYLOAD)["gpt-oss-120b"]["breakdowns"]["intelligence_index_token_counts"]
    ratio = counts["reasoningTokens"] / counts["answerTokens"]
    assert ratio == pytest.approx(12.37, abs=0.01)
    df = load_snapshot("latest")
    for r in rows:
        if r["model"] == "gpt-oss-120b":
            assert r["effort"] == "high"
            assert r["reasoning_tokens"] == pytest.approx(1000 * ratio, rel=0.01)
            row = df[(df["model"] == r["model"]) & (df["provider"] == r["provider"])].iloc[0]
            expected = (
                1000 * row["input_usd_per_mtok"] + (1000 + r["reasoning_tokens"]) * row["output_usd_per_mtok"]
            ) / 1e6
            assert r["cost_usd"] == pytest.approx(expected) and r["cost_includes_reasoning"]
    fable = [r for r in rows if r["model"] == "Claude Fable 5.2"]
    assert fable and all(r["reasoning_tokens"] is None and not r["cost_includes_reasoning"] for r in fable)
    # A model AA did not measure at "high" keeps its row, with the thinking and the time missing.
    deepseek = [r for r in rows if r["model"] == "DeepSeek V4 Pro"]
    assert deepseek and all(r["effort"] == "high" and r["reasoning_tokens"] is None for r in deepseek)


def test_without_an_effort_every_variant_is_a_row_and_none_means_no_thinking():
    df = effort_rows(load_snapshot("latest"))
    luna = df[(df["model"] == "GPT-6 Luna") & (df["provider"] == "OpenAI")]
    assert list(luna["effort"]) == ["none", "low", "medium", "high", "xhigh", "max"]
    costs = cost_table(luna, input_tokens=0, output_tokens=500)
    assert costs.iloc[0]["reasoning_tokens"] == 0 and bool(costs.iloc[0]["cost_includes_reasoning"])
    scout = df[df["model"] == "Llama 4 Scout"]
    assert set(scout["effort"].map(lambda e: e is None)) == {True}  # one variant: no effort to choose
    assert reasoning_tokens(answer_tokens=100, reasoning_tokens_per_answer_token=None, effort="high") is None
    assert reasoning_tokens(answer_tokens=100, reasoning_tokens_per_answer_token=None, effort="none") == 0
    with pytest.raises(ValueError, match="not a reasoning effort"):
        effort_rows(load_snapshot("latest"), "turbo")


def test_the_article_s_snapshot_has_no_thinking_and_unchanged_times():
    df = effort_rows(load_snapshot("2024-05"))
    assert df["effort"].isna().all() and (df["reasoning_tokens_per_answer_token"] == 0).all()
    times = latency_table(df, output_tokens=500)
    groq = times[(times["model"] == "Llama 3 70B") & (times["provider"] == "Groq")].iloc[0]
    assert groq["e2e_s"] == 0.25 + 500 / 303 and groq["ttft_basis"] == "provider"


def test_effort_latency_grows_with_effort_for_gpt_6_astra():
    df = latency_table(effort_rows(load_snapshot("latest")), output_tokens=500)
    astra = df[(df["model"] == "GPT-6 Astra") & (df["provider"] == "OpenAI")].set_index("effort")
    assert astra.loc["low", "ttft_s"] == 2.61 and astra.loc["max", "ttft_s"] == 388.29
    assert astra.loc["max", "e2e_s"] / astra.loc["low", "e2e_s"] > 25


def _edit(folder, select, **changes) -> int:
    df = pd.read_csv(folder / "figures.csv", dtype=str, keep_default_na=False)
    i = int(df.index[select(df)][0])
    for k, v in changes.items():
        df.loc[i, k] = v
    df.to_csv(folder / "figures.csv", index=False)
    return i + 2  # the header is row 1


@pytest.mark.parametrize(
    ("select", "changes", "message"),
    [
        (lambda d: d["metric"] == "input_usd_per_mtok", {"effort": "high"}, "does not depend on a reasoning effort"),
        (lambda d: d["effort"] == "high", {"effort": "turbo"}, "'turbo' is not one of none, minimal"),
        (lambda d: d["effort"] == "high", {"effort": ""}, "for effort .* beside one for no effort|beside one for no"),
    ],
)
def test_a_bad_effort_names_file_row_and_column(tiered, select, changes, message):
    line = _edit(tiered, select, **changes)
    with pytest.raises(DataError, match=r"figures.csv: row \d+, column '(effort|metric)'") as info:
        load_snapshot(tiered.name)
    assert f"row {line}" in str(info.value) or "beside one for no effort" in str(info.value)
    assert re.search(message, str(info.value))


def test_ratios_are_finite_and_recomputable_from_their_note():
    figures = load_figures("latest")
    ratios = figures[figures["metric"] == "reasoning_tokens_per_answer_token"]
    assert len(ratios) >= 8
    for r in ratios.itertuples():
        reasoning, answer = re.match(r"([\d,]+) reasoning tokens for ([\d,]+) answer tokens", r.note).groups()
        assert math.isclose(r.value, int(reasoning.replace(",", "")) / int(answer.replace(",", "")), rel_tol=1e-6)


def test_per_model_extremes_of_wait_and_index():
    from calculators.reasoning import effort_summary, index_by_model, wait_by_model

    today = load_snapshot("latest")
    waits = wait_by_model(today, output_tokens=500).set_index("model")
    astra = waits.loc["GPT-6 Astra"]
    assert (astra["effort_low"], astra["effort_high"], astra["n_efforts"]) == ("low", "max", 5)
    assert astra["ttfat_low"] == 2.61 and astra["e2e_high"] == pytest.approx(388.29 + 500 / 47.65)
    assert waits["e2e_high"].dropna().is_monotonic_decreasing
    assert waits.loc["Claude Fable 5.2", "n_efforts"] == 0 and math.isnan(waits.loc["Claude Fable 5.2", "e2e_high"])
    index = index_by_model(today).set_index("model")
    # GPT-6 Luna has an index at "medium" but no time there: each table takes the efforts its own figure has.
    assert index.loc["GPT-6 Luna", "n_efforts"] == 6 and waits.loc["GPT-6 Luna", "n_efforts"] == 5
    summary = effort_summary(today, output_tokens=500)
    assert len(summary) == len(summary.drop_duplicates(["model", "effort"]))
    assert set(summary["model"]) == set(today["model"])


def test_choose_on_the_command_line_takes_an_effort_and_today_s_index():
    args = ["choose", "--snapshot", "latest", "--input-tokens", "2000", "--output-tokens", "500"]
    args += ["--requests-per-day", "1000", "--min-quality", "40", "--max-seconds", "20", "--json"]
    low = json.loads(run(*args, "--effort", "low").stdout)
    assert {r["quality_metric"] for r in low} == {"intelligence_index"}
    fits = [r for r in low if r["status"] == "atende"]
    assert fits and [r["rank"] for r in fits] == list(range(1, len(fits) + 1))
    assert all(r["effort"] in ("low", None) and r["e2e_s"] <= 20 and r["quality"] >= 40 for r in fits)
    maximum = json.loads(run(*args, "--effort", "max").stdout)
    opus = next(r for r in maximum if r["model"] == "Claude Opus 5.5" and r["provider"] == "Anthropic")
    assert opus["status"] == "não atende" and "tempo de resposta" in opus["reason"]
    then = json.loads(run(*args[:-1], "--snapshot", "2024-05", "--json").stdout)
    assert {r["quality_metric"] for r in then} == {"quality_index"}
