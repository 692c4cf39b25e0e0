"""The data the in-page calculator reads (calculators.page): complete, JSON-clean and the same as Python's."""

from __future__ import annotations

import hashlib
import json

from calculators import list_snapshots, load_snapshot
from calculators.page import page_data, snapshot_rows, write_page_data
from calculators.tokens import ESTIMATE_RULES, TOKENIZERS, tokenizer_source


def test_page_data_is_strict_json_with_every_snapshot_and_tokenizer():
    data = page_data()
    json.dumps(data, allow_nan=False)  # NaN would not be JSON: a missing figure must be null
    assert [s["id"] for s in data["snapshots"]] == [m["id"] for m in sorted(list_snapshots(), key=lambda m: m["as_of"])]
    assert data["latest"] == load_snapshot("latest").attrs["snapshot"]
    assert [t["name"] for t in data["tokenizers"]] == list(TOKENIZERS)
    assert data["missing_text"] == "sem dado"


def test_rows_keep_the_snapshot_order_and_its_missing_figures():
    df = load_snapshot("2024-05")
    rows = snapshot_rows(df)
    assert [(r["model"], r["provider"]) for r in rows] == list(zip(df["model"], df["provider"], strict=True))
    for r, (_, want) in zip(rows, df.iterrows(), strict=True):
        for column in ("input_usd_per_mtok", "output_usd_per_mtok"):
            assert (r[column] is None) == bool(want[column] != want[column]), (r["model"], r["provider"], column)
        assert r["price_variants"] == [
            [v.condition, v.metric, v.above_input_tokens, v.usd_per_mtok] for v in want["price_variants"]
        ]
    assert any(v[2] == 128_000 for r in rows for v in r["price_variants"])  # Gemini's long-prompt tier is there


def test_estimate_rules_and_tokenizer_files_are_pythons(tmp_path):
    data = page_data()
    sizes = write_page_data(tmp_path)
    for item in data["tokenizers"]:
        if item["exact"]:
            source, pattern = tokenizer_source(item["name"])
            served = tmp_path / "tokenizers" / item["file"]
            assert served.read_bytes() == source.read_bytes()
            assert item["sha256"] == hashlib.sha256(served.read_bytes()).hexdigest()
            assert item["pattern"] == pattern
        else:
            rule = ESTIMATE_RULES[item["name"]]
            assert item.get("proxy") == rule.proxy and item["chars_per_token"] == rule.chars_per_token
    assert json.loads((tmp_path / "data.json").read_text(encoding="utf-8")) == json.loads(json.dumps(data))
    assert len(json.loads((tmp_path / "catalogue.json").read_text(encoding="utf-8"))["rows"]) > 1_500
    assert sizes["data.json"] < 200_000


def test_scheduled_prices_reach_the_page():
    """Issue 17: every scheduled price of a row is in its price_schedule, [starts_on, condition, metric, above,
    usd_per_mtok], and the page has the note and age settings the Python functions use."""
    from calculators.pricing import PRICE_NOTE_DAYS, PRICE_STALE_DAYS

    df = load_snapshot("2026-12-06")
    rows = {(r["model"], r["provider"]): r for r in snapshot_rows(df)}
    for _, want in df.iterrows():
        got = rows[(want["model"], want["provider"])]["price_schedule"]
        assert got == [
            [p.starts_on, p.condition, p.metric, p.above_input_tokens, p.usd_per_mtok] for p in want["price_schedule"]
        ]
    argon = rows[("Gemini 4 Argon", "Google")]
    assert ["2026-12-01", "", "input_usd_per_mtok", 0, 4.0] in argon["price_schedule"]
    assert ["", "", "input_usd_per_mtok", 0, 2.0] in argon["price_schedule"]
    assert argon["input_usd_per_mtok"] == 4.0  # the price columns: the snapshot's own date
    assert rows[("Llama 3.3 70B", "Groq")]["price_schedule"] == []
    data = page_data()
    assert (data["price_note_days"], data["price_stale_days"]) == (PRICE_NOTE_DAYS, PRICE_STALE_DAYS)
