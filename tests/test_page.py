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
