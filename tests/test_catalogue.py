"""The genai-prices catalogue: the schema of its rows, the cost formula pinned to genai-prices on every row, and the
tokenizer each model is counted with."""

import datetime as dt
import json
import math

import pytest
import tiktoken
from genai_prices.data import providers
from genai_prices.types import Usage

from calculators.catalogue import (
    CATALOGUE_TIMESTAMP,
    applied_tier,
    catalogue_change_note,
    catalogue_cost_usd,
    catalogue_row_on,
    catalogue_rows,
    catalogue_summary,
    catalogue_tokenizer,
    tier_price,
)
from calculators.data import list_snapshots
from calculators.tokens import TOKENIZERS, encode, tokenizer_info

UTC = dt.timezone.utc
PRICE_FIELDS = ["input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok", "request_usd"]
TIER_FIELDS = ["input_tiers", "output_tiers", "cached_input_tiers"]
FIELD_TYPES = {
    "provider_id": str,
    "provider": str,
    "model_id": str,
    "model": str,
    "context_window_tokens": (int, type(None)),
    "deprecated": bool,
    "input_usd_per_mtok": float,
    "output_usd_per_mtok": float,
    "cached_input_usd_per_mtok": (float, type(None)),
    "input_tiers": list,
    "output_tiers": list,
    "cached_input_tiers": list,
    "request_usd": float,
    "other_charges": list,
    "conditional": bool,
    "price_note": str,
    "price_schedule": list,
    "tokenizer": str,
    "tokenizer_exact": bool,
}

# A Gemini 2.5 Pro-like row, the docstring examples' prices.
TIERED = {
    "input_usd_per_mtok": 1.25,
    "output_usd_per_mtok": 10.0,
    "input_tiers": [[200_000, 2.5]],
    "output_tiers": [[200_000, 15.0]],
    "request_usd": 0.0,
}


@pytest.fixture(scope="module")
def rows():
    return catalogue_rows()


@pytest.fixture(scope="module")
def genai_models():
    return {(provider.id, model.id): (provider, model) for provider in providers for model in provider.models}


def find(rows, provider_id, model_id):
    return next(row for row in rows if (row["provider_id"], row["model_id"]) == (provider_id, model_id))


def where(row) -> str:
    return f"{row['provider_id']}/{row['model_id']}"


def test_timestamp_is_noon_utc_on_the_latest_snapshot():
    latest = max(s["as_of"] for s in list_snapshots())
    assert CATALOGUE_TIMESTAMP == dt.datetime.combine(dt.date.fromisoformat(latest), dt.time(12, 0, tzinfo=UTC))
    assert CATALOGUE_TIMESTAMP.utcoffset() == dt.timedelta(0)


def test_rows_schema(rows):
    assert len(rows) > 1_500
    keys = [(row["provider_id"], row["model_id"]) for row in rows]
    assert len(keys) == len(set(keys)), "(provider_id, model_id) must be unique"
    for row in rows:
        assert set(row) == set(FIELD_TYPES), where(row)
        for field, kind in FIELD_TYPES.items():
            assert isinstance(row[field], kind), f"{where(row)}, {field}: {row[field]!r}"
        for field in PRICE_FIELDS:
            value = row[field]
            assert value is None or (math.isfinite(value) and value >= 0), f"{where(row)}, {field}: {value!r}"
        for field in TIER_FIELDS:
            starts = [start for start, _ in row[field]]
            assert starts == sorted(starts), f"{where(row)}, {field}"
            for start, usd_per_mtok in row[field]:
                assert type(start) is int and start > 0, f"{where(row)}, {field}: {start!r}"
                assert isinstance(usd_per_mtok, float) and math.isfinite(usd_per_mtok) and usd_per_mtok >= 0
        if row["cached_input_tiers"]:
            assert row["cached_input_usd_per_mtok"] is not None, where(row)
        assert row["other_charges"] == sorted(row["other_charges"]), where(row)
        assert row["context_window_tokens"] is None or row["context_window_tokens"] > 0, where(row)
        assert row["tokenizer"] in TOKENIZERS, where(row)
        assert row["tokenizer_exact"] is tokenizer_info(row["tokenizer"]).exact, where(row)
        assert row["model"] == row["model"].strip() and row["model"], where(row)
    json.dumps(rows, allow_nan=False)


def test_rows_sorted_by_provider_then_model(rows):
    order = [(r["provider"].lower(), r["provider_id"], r["model"].lower(), r["model_id"]) for r in rows]
    assert order == sorted(order)


def test_known_row(rows):
    row = find(rows, "openai", "gpt-4o")
    assert (row["input_usd_per_mtok"], row["output_usd_per_mtok"], row["tokenizer"]) == (2.5, 10.0, "o200k_base")
    assert row["tokenizer_exact"] is True
    assert row["input_tiers"] == [] and row["request_usd"] == 0.0


# Peer agreement. genai-prices is the reference: for every row, our float formula must give its Decimal total.
# Rows with "other_charges" are included: genai-prices charges nothing for a unit whose usage is 0 (web searches,
# cache writes, audio tokens...), so plain input/output usage costs the same. No row is an exception.
USAGES = [(3_000, 1_000), (250_000, 1_000), (1_000_001, 10), (0, 0), (200_000, 5), (200_001, 5)]


@pytest.mark.parametrize(("input_tokens", "output_tokens"), USAGES)
def test_cost_agrees_with_genai_prices_on_every_row(rows, genai_models, input_tokens, output_tokens):
    usage = Usage(input_tokens=input_tokens, output_tokens=output_tokens)
    disagree = []
    for row in rows:
        provider, model = genai_models[(row["provider_id"], row["model_id"])]
        reference = model.calc_price(usage, provider, genai_request_timestamp=CATALOGUE_TIMESTAMP)
        expected = float(reference.total_price)
        ours = catalogue_cost_usd(row, input_tokens=input_tokens, output_tokens=output_tokens)
        if ours != pytest.approx(expected, rel=1e-9, abs=0):
            disagree.append((where(row), ours, expected))
    assert disagree == []


def test_scheduled_prices_agree_with_genai_prices_before_and_after_every_change(rows, genai_models):
    """Issue 17: a row whose price changes on a date, resolved for the day before and the day of every change
    (``catalogue_row_on``), costs what genai-prices charges at 12:00 UTC that day; the note names the change."""
    scheduled = [row for row in rows if row["price_schedule"]]
    assert len(scheduled) > 50
    usage = Usage(input_tokens=250_000, output_tokens=1_000)
    compared, disagree = 0, []
    for row in scheduled:
        provider, model = genai_models[(row["provider_id"], row["model_id"])]
        for entry in row["price_schedule"][1:]:
            start = dt.date.fromisoformat(entry["starts_on"])
            for day in (start - dt.timedelta(days=1), start):
                on = catalogue_row_on(row, day.isoformat())
                when = dt.datetime.combine(day, dt.time(12, 0, tzinfo=UTC))
                price = model.get_prices(when)
                if price.input_mtok is None or price.output_mtok is None:
                    assert on["input_usd_per_mtok"] is None or on["output_usd_per_mtok"] is None
                    continue
                expected = float(model.calc_price(usage, provider, genai_request_timestamp=when).total_price)
                ours = catalogue_cost_usd(on, input_tokens=250_000, output_tokens=1_000)
                compared += 1
                if ours != pytest.approx(expected, rel=1e-9, abs=0):
                    disagree.append((where(row), day, ours, expected))
    assert disagree == [] and compared > 100
    argon = find(rows, "google", "gemini-4-argon")
    assert catalogue_row_on(argon, "2026-11-30")["input_usd_per_mtok"] == 2.0
    assert catalogue_row_on(argon, "2026-12-06")["input_usd_per_mtok"] == 4.0
    assert catalogue_change_note(argon, "2026-12-06") == "preço mudou em 01/12/2026"
    assert catalogue_change_note(argon, "2026-11-01") == "preço promocional até 30/11/2026"
    assert catalogue_change_note(find(rows, "openai", "gpt-4o"), "2026-12-06") == ""


def test_tiers_change_the_price_between_3k_and_250k(rows):
    crossing = [
        row for row in rows if any(3_000 <= start < 250_000 for start, _ in row["input_tiers"] + row["output_tiers"])
    ]
    assert {"gemini-2.5-pro", "claude-sonnet-4-5"} <= {row["model_id"] for row in crossing}
    for row in crossing:
        small = (
            tier_price(row["input_usd_per_mtok"], row["input_tiers"], 3_000),
            tier_price(row["output_usd_per_mtok"], row["output_tiers"], 3_000),
        )
        large = (
            tier_price(row["input_usd_per_mtok"], row["input_tiers"], 250_000),
            tier_price(row["output_usd_per_mtok"], row["output_tiers"], 250_000),
        )
        assert small != large, where(row)
        assert catalogue_cost_usd(row, input_tokens=250_000, output_tokens=1_000) != pytest.approx(
            250_000 * small[0] / 1e6 + 1_000 * small[1] / 1e6
        ), where(row)
    gemini = find(rows, "google", "gemini-2.5-pro")
    assert applied_tier(gemini, input_tokens=3_000) is None
    assert applied_tier(gemini, input_tokens=250_000) == 200_000


def test_cliff_rule_and_docstring_examples():
    assert tier_price(1.25, [[200_000, 2.5]], 200_000) == 1.25
    assert tier_price(1.25, [[200_000, 2.5]], 200_001) == 2.5
    assert tier_price(1.0, [[10, 2.0], [100, 3.0]], 50) == 2.0
    assert tier_price(1.0, [[10, 2.0], [100, 3.0]], 101) == 3.0
    assert tier_price(1.0, [], 10**9) == 1.0
    assert catalogue_cost_usd(TIERED, input_tokens=3_000, output_tokens=1_000) == pytest.approx(0.01375)
    # Crossing the tier prices every token, input and output, at the tier price.
    assert catalogue_cost_usd(TIERED, input_tokens=250_000, output_tokens=1_000) == pytest.approx(0.64)
    assert applied_tier(TIERED, input_tokens=200_000) is None
    assert applied_tier(TIERED, input_tokens=200_001) == 200_000
    assert catalogue_cost_usd(TIERED, input_tokens=0, output_tokens=0) == 0.0


def test_cost_formula_order_is_the_documented_one(rows):
    row = find(rows, "google", "gemini-2.5-pro")
    for input_tokens, output_tokens in USAGES:
        input_price = tier_price(row["input_usd_per_mtok"], row["input_tiers"], input_tokens)
        output_price = tier_price(row["output_usd_per_mtok"], row["output_tiers"], input_tokens)
        expected = (input_tokens * input_price + output_tokens * output_price) / 1_000_000 + row["request_usd"]
        assert catalogue_cost_usd(row, input_tokens=input_tokens, output_tokens=output_tokens) == expected


def test_request_fee(rows):
    sonar = find(rows, "perplexity", "sonar")
    assert sonar["request_usd"] == pytest.approx(0.012)
    assert catalogue_cost_usd(sonar, input_tokens=0, output_tokens=0) == pytest.approx(0.012)


def test_time_of_day_prices(rows):
    chat = find(rows, "deepseek", "deepseek-chat")
    assert chat["conditional"] is True
    day = CATALOGUE_TIMESTAMP.date().isoformat()  # the newest snapshot's date
    assert chat["price_note"] == f"price at {day} 12:00 UTC; time-of-day prices exist"
    evening = find(catalogue_rows(at=CATALOGUE_TIMESTAMP.replace(hour=18)), "deepseek", "deepseek-chat")
    assert evening["input_usd_per_mtok"] < chat["input_usd_per_mtok"]
    assert evening["price_note"] == f"price at {day} 18:00 UTC; time-of-day prices exist"
    assert find(rows, "openai", "gpt-4o")["price_note"] == ""


def test_other_charges(rows):
    gemini = find(rows, "google", "gemini-2.5-pro")
    assert "web_searches_kcount" in gemini["other_charges"]
    for row in rows:
        assert not {"input_mtok", "output_mtok", "cache_read_mtok", "requests_kcount"} & set(row["other_charges"])


def test_counts_are_validated():
    with pytest.raises(ValueError, match="negative"):
        catalogue_cost_usd(TIERED, input_tokens=-1, output_tokens=0)
    with pytest.raises(ValueError, match="negative"):
        catalogue_cost_usd(TIERED, input_tokens=0, output_tokens=-5)
    with pytest.raises(ValueError, match="negative"):
        applied_tier(TIERED, input_tokens=-1)
    with pytest.raises(TypeError):
        catalogue_cost_usd(TIERED, input_tokens="10", output_tokens=0)
    with pytest.raises(TypeError):
        catalogue_cost_usd(TIERED, input_tokens=True, output_tokens=0)


@pytest.mark.parametrize(
    ("provider_id", "model_id", "name", "expected"),
    [
        ("openai", "gpt-4o", "gpt 4o", "o200k_base"),
        ("openai", "gpt-4", "gpt 4", "cl100k_base"),
        ("openai", "gpt-3.5-turbo", "gpt 3.5 turbo", "cl100k_base"),
        ("openrouter", "openai/gpt-4o-mini:batch", None, "o200k_base"),
        ("azure", "o3-mini", None, "o200k_base"),
        ("groq", "openai/gpt-oss-120b", None, "o200k_base"),
        ("aws", "openai.gpt-oss-20b-1:0", None, "o200k_base"),
        ("openai", "davinci", None, "o200k_estimate"),  # r50k_base: not shipped by the course
        ("groq", "llama-3.3-70b-versatile", "Llama 3.3 70B Versatile 128k", "llama3"),
        ("aws", "meta.llama3-3-70b-instruct-v1:0", "Llama 3.3 70B Instruct", "llama3"),
        ("fireworks", "llama-v3p1-8b-instruct", "Llama 3.1 8B Instruct", "llama3"),
        ("cloudflare", "@cf/meta/llama-guard-3-8b", "Llama Guard 3 8B", "llama3"),
        ("novita", "sao10k/l31-70b-euryale-v2.2", None, "llama3"),
        ("together", "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", None, "llama4"),
        ("groq", "meta-llama/llama-guard-4-12b", "Llama Guard 4 12B", "llama4"),
        ("anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5", "claude_estimate"),
        ("google", "gemini-2.5-pro", "Gemini 2.5 Pro", "gemini_estimate"),
        ("together", "codellama/CodeLlama-34b-Instruct-hf", None, "o200k_estimate"),
        ("openrouter", "codellama-7b-instruct-solidity", "CodeLLaMa 7B Instruct Solidity", "o200k_estimate"),
        ("together", "meta-llama/Llama-2-70b-chat-hf", None, "o200k_estimate"),
        ("groq", "meta-llama/llama-prompt-guard-2-86m", "Llama Prompt Guard 2 86M", "o200k_estimate"),
        ("mistral", "open-mistral-7b", None, "mistral_v1"),
        ("mistral", "open-mixtral-8x7b", None, "mistral_v1"),
        ("together", "mistralai/Mixtral-8x22B-Instruct-v0.1", None, "mistral_v3"),
        ("ovhcloud", "Mistral-7B-Instruct-v0.3", None, "mistral_v3"),
        ("mistral", "mistral-large-2512", "Mistral Large 3 2512", "o200k_estimate"),
        ("mistral", "ministral-8b-2512", "Ministral 3 8B 2512", "o200k_estimate"),
        ("acme", "totally-unknown-model", "Unknown", "o200k_estimate"),
    ],
)
def test_tokenizer_examples(provider_id, model_id, name, expected):
    assert catalogue_tokenizer(provider_id, model_id, name) == expected


def test_codellama_is_never_llama3(rows):
    for row in rows:
        if "codellama" in f"{row['model_id']} {row['model']}".lower() or "llama-2" in row["model_id"].lower():
            assert row["tokenizer"] not in ("llama3", "llama4"), where(row)


PLAIN_TEXTS = [
    "",
    "Olá, mundo! Ação, coração, pão.",
    "日本語のテキストと中文文本，还有한국어 텍스트 👩‍👩‍👧‍👦",
    "def f(x):\n\treturn {'a': [1, 2, 3]}\n",
    "<|start|>assistant<|channel|>final<|message|>oi<|end|><|return|> <|endoftext|> <|reserved_200100|>",
]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_gpt_oss_harmony_ids_are_o200k_base_ids(tiktoken_offline_cache, text):
    # gpt-oss models are mapped to o200k_base: tiktoken builds o200k_harmony from o200k_base's ranks and pattern,
    # adding only special tokens, which the course always reads as text.
    harmony = tiktoken.get_encoding("o200k_harmony")
    assert harmony.encode(text, disallowed_special=()) == encode(text, "o200k_base")


def test_summary(rows):
    summary = catalogue_summary(rows)
    assert summary["rows"] == len(rows)
    assert summary["providers"] == len({row["provider_id"] for row in rows}) > 30
    assert 0 < summary["rows_with_tiers"] < summary["rows"]
    assert 0 < summary["rows_exact_tokenizer"] < summary["rows"]
    one = {"provider_id": "a", "input_tiers": [], "output_tiers": [], "cached_input_tiers": [], "tokenizer_exact": True}
    assert catalogue_summary([one]) == {"rows": 1, "providers": 1, "rows_with_tiers": 0, "rows_exact_tokenizer": 1}
