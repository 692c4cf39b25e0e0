"""refresh: real HTTP on 127.0.0.1 against servers that answer like OpenRouter, genai-prices' feed and
Artificial Analysis (recorded, trimmed responses in tests/fixtures/). Every test writes to a temporary copy of
data/; a failed refresh must leave every data file byte-identical."""

import datetime as dt
import hashlib
import json
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest
from servers import JsonServer, Reply, closed_port

from calculators import data, followed, refresh
from calculators.cli import main
from calculators.http import FetchError, parse_json, redact, retry_after_s
from calculators.reasoning import effort_rows

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FAKE_KEY = "aa-test-key-0123456789-DO-NOT-LEAK"
TODAY = dt.date.today().isoformat()


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def json_server():
    server = JsonServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module", autouse=True)
def repository_data_untouched():
    before = tree_hashes(ROOT / "data")
    yield
    assert tree_hashes(ROOT / "data") == before, "a test wrote to the repository's data/"


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A temporary copy of data/snapshots (plus data/README.md), used instead of the repository's."""
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "snapshots", root / "snapshots")
    # Start from the article's snapshot only, whatever current snapshot the repository ships.
    for p in (root / "snapshots").iterdir():
        if p.name != "2024-05":
            shutil.rmtree(p)
    shutil.copy(ROOT / "data" / "README.md", root / "README.md")
    monkeypatch.setattr(data, "SNAPSHOT_DIR", root / "snapshots")
    return root


def run(*args, capsys):
    code = main(["refresh", *args])
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------------------------- pure parts


def test_retry_after_parsing():
    assert retry_after_s("2") == 2.0
    assert retry_after_s(" 0 ") == 0.0
    assert retry_after_s("soon") is None
    assert retry_after_s(None) is None
    now = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)
    assert retry_after_s("Thu, 26 Nov 2026 12:00:05 GMT", now=now) == 5.0


def test_redact_and_json_errors():
    assert redact("bad key sk-123456 (sk-123456)", ["sk-123456", None, ""]) == "bad key [redacted] ([redacted])"
    with pytest.raises(FetchError, match="truncated JSON"):
        parse_json(b'{"data": [{"id": "a"', what="x")
    with pytest.raises(FetchError, match="malformed JSON"):
        parse_json(b'{"data": [}', what="x")


def test_number_text_and_per_token_conversion():
    assert refresh.number_text(Decimal("2.50")) == "2.5"
    assert refresh.number_text(Decimal("0.0000025") * 10**6) == "2.5"
    assert refresh.number_text(Decimal("1E+1")) == "10"
    assert refresh.number_text(200000) == "200000"


def test_diff_reports_added_removed_and_changed_prices():
    def row(model, metric, value):
        return {"model": model, "provider": "P", "metric": metric, "value": value}

    old = [row("A", "input_usd_per_mtok", "2"), row("B", "input_usd_per_mtok", "1"), row("A", "ttft_s", "1")]
    new = [row("A", "input_usd_per_mtok", "1.5"), row("C", "output_usd_per_mtok", "3"), row("A", "ttft_s", "9")]
    d = refresh.diff(old, new)
    assert d.changed == [(("A", "P", "input_usd_per_mtok", "", "", "", ""), "2", "1.5")]
    assert d.added == [(("C", "P", "output_usd_per_mtok", "", "", "", ""), "3")]
    assert d.removed == [(("B", "P", "input_usd_per_mtok", "", "", "", ""), "1")]
    # A tier or a conditional price is a figure of its own: adding one is an addition, not a change.
    tier = {**row("A", "input_usd_per_mtok", "3"), "above_input_tokens": "200000", "condition": "batch"}
    assert refresh.diff(new, [*new, tier]).added == [(("A", "P", "input_usd_per_mtok", "200000", "batch", "", ""), "3")]


def test_catalogue_tokenizers_exist_and_names_are_unique():
    from calculators.tokens import TOKENIZERS

    names = [c.name for c in refresh.followed_models()]
    assert len(names) == len(set(names))
    assert all(c.tokenizer in TOKENIZERS for c in refresh.followed_models())
    creators = {c.creator for c in refresh.followed_models()}
    assert {"OpenAI", "Anthropic", "Google", "Meta", "Mistral"} <= creators


# ----------------------------------------------------------------------------------------------- followed models


def test_the_followed_models_file_holds_the_old_catalogue():
    catalog = followed.load_followed_models()
    assert refresh.followed_models() == catalog
    assert len(catalog) == 24
    by_name = {c.name: c for c in catalog}
    assert [c.name for c in catalog[:2]] == ["GPT-6 Astra", "GPT-6.1 Sol"] and catalog[-1].name == "Grok 4.7"
    llama = by_name["Llama 3.3 70B"]
    assert (llama.creator, llama.tokenizer) == ("Meta", "llama3")
    assert llama.genai == (("groq", "llama-3.3-70b-versatile"), ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"))
    assert llama.openrouter == "meta-llama/llama-3.3-70b-instruct"
    assert llama.aa == ("llama-3-3-instruct-70b",) and llama.aa_efforts == ("",)
    oss = next(c for c in catalog if c.name == "gpt-oss-120b")
    assert oss.aa_variants() == (("gpt-oss-120b-low", "low"), ("gpt-oss-120b", "high"))
    oss = by_name["gpt-oss-120b"]
    assert oss.tokenizer == "o200k_base"
    assert [p for p, _ in oss.genai] == ["groq", "together", "fireworks", "cerebras", "aws"]
    assert by_name["GPT-6 Astra"].genai == (
        ("openai", "gpt-6-astra"),
        ("azure", "gpt-6-astra"),
        ("aws", "global.openai.gpt-6-astra"),
    )
    fable = by_name["Claude Fable 5.2"]
    assert fable.openrouter is None and fable.aa == ("claude-fable-5-2",)
    assert by_name["Claude Opus 5.5"].aa_variants() == tuple(
        (f"claude-opus-5-5-{e}" if e != "max" else "claude-opus-5-5", e)
        for e in ("low", "medium", "high", "xhigh", "max")
    )
    assert refresh.SOURCES == followed.SOURCES
    assert {p for c in catalog for p, _ in c.genai} <= set(refresh.GENAI_PROVIDERS)


GOOD_ROW = "M,Meta,llama3,genai-prices,groq,m-1"
BAD_FOLLOWED_ROWS = {
    "unknown_source": ("M,Meta,llama3,huggingface,,m", "source", "unknown source 'huggingface'"),
    "unknown_tokenizer": ("N,Meta,llama9,openrouter,,x/n", "tokenizer", "unknown tokenizer 'llama9'"),
    "creator_differs": ("M,Mistral,llama3,openrouter,,x/m", "creator", "'Mistral' differs from 'Meta' on row 2"),
    "tokenizer_differs": ("M,Meta,llama4,openrouter,,x/m", "tokenizer", "'llama4' differs from 'llama3' on row 2"),
    "genai_without_provider": ("M,Meta,llama3,genai-prices,,m-2", "provider_id", "empty"),
    "provider_for_openrouter": ("M,Meta,llama3,openrouter,groq,x/m", "provider_id", "only genai-prices has one"),
    "provider_for_aa": ("M,Meta,llama3,artificialanalysis,groq,m", "provider_id", "only genai-prices has one"),
    "duplicate": (GOOD_ROW, "source_id", "duplicate ('M', 'genai-prices', 'groq', 'm-1') (first on row 2)"),
    "empty_model": (",Meta,llama3,openrouter,,x/m", "model", "empty"),
    "empty_id": ("M,Meta,llama3,artificialanalysis,,", "source_id", "empty"),
    "empty_creator": ("N,,llama3,openrouter,,x/n", "creator", "empty"),
    "second_openrouter_id": ("M,Meta,llama3,openrouter,,x/m\nM,Meta,llama3,openrouter,,x/m2", "source_id", "second"),
    "unknown_genai_provider": ("M,Meta,llama3,genai-prices,nowhere,m", "provider_id", "unknown genai-prices provider"),
}


@pytest.mark.parametrize("case", BAD_FOLLOWED_ROWS)
def test_a_bad_followed_models_row_names_the_file_row_and_column(case, tmp_path):
    bad, column, message = BAD_FOLLOWED_ROWS[case]
    path = tmp_path / "followed_models.csv"
    header = ",".join(followed.FOLLOWED_COLUMNS)
    path.write_text(f"{header}\n{GOOD_ROW}\n{bad}\n", encoding="utf-8")
    with pytest.raises(data.DataError) as error:
        followed.load_followed_models(path, genai_providers=refresh.GENAI_PROVIDERS)
    row = 3 + bad.count("\n")
    assert f"{path}: row {row}, column '{column}': " in str(error.value)
    assert message in str(error.value)


def test_followed_models_file_shape_errors(tmp_path):
    path = tmp_path / "followed_models.csv"
    path.write_text("model,creator,tokenizer,source,source_id\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"row 1, column 'provider_id': required column is missing"):
        followed.load_followed_models(path)
    path.write_text(",".join(followed.FOLLOWED_COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(data.DataError, match="no rows"):
        followed.load_followed_models(path)
    path.write_text(",".join(followed.FOLLOWED_COLUMNS) + "\n" + GOOD_ROW + "\n", encoding="utf-8")
    assert followed.load_followed_models(path) == (followed.CatalogModel("M", "Meta", "llama3", (("groq", "m-1"),)),)


def test_unfollowed_artificialanalysis_models_newest_first():
    doc = {
        "data": [
            {"slug": "gpt-6-astra", "name": "GPT-6 Astra", "release_date": "2026-10-01"},
            {"slug": "claude-opus-5-5-x", "name": "Claude Opus 5.5"},  # followed by name
            {"slug": "old-model", "name": "Old", "release_date": "2025-01"},
            {"slug": "new-model", "name": "New", "release_date": "2026-11-02"},
            {"slug": "a-undated", "name": "A", "release_date": None},
            {"slug": "b-bad-date", "name": "B", "release_date": "soon"},
        ]
    }
    assert refresh.unfollowed_artificialanalysis(doc) == [
        "new-model (2026-11-02)",
        "old-model (2025-01)",
        "a-undated",
        "b-bad-date",
    ]


# ----------------------------------------------------------------------------------------------- successes


def test_genai_prices_packaged_data_makes_a_valid_latest_snapshot(data_copy, capsys):
    code, out, err = run("--source", "genai-prices", capsys=capsys)
    assert code == 0, err
    assert f"wrote {data_copy / 'snapshots' / TODAY}" in out
    assert "prices compared with nothing (first refresh)" in out
    df = data.load_snapshot("latest")
    assert df.attrs["snapshot"] == TODAY and df.attrs["as_of"] == TODAY
    assert "2024-05" in {s["id"] for s in data.list_snapshots()}
    providers = set(df["provider"])
    assert {"OpenAI", "Anthropic", "Google", "Groq", "Together.ai", "Fireworks", "Amazon Bedrock"} <= providers
    assert {"Microsoft Azure", "Mistral"} <= providers
    figures = data.load_figures("latest")
    assert all(s.startswith("genai-prices") for s in figures["source"])
    assert set(figures["as_of"]) == {TODAY}
    azure = figures[figures["provider"] == "Microsoft Azure"]
    assert len(azure) and set(azure["confidence"]) == {"estimate"}
    assert (df["cached_input_usd_per_mtok"].dropna() >= 0).all()
    # Speed is not in this source: it stays missing, never zero.
    assert df["output_tokens_per_s"].isna().all()
    meta = json.loads((data_copy / "snapshots" / TODAY / "snapshot.json").read_text(encoding="utf-8"))
    assert set(meta["sources"]) == {"genai-prices"}
    # Running it again changes nothing and says so.
    before = tree_hashes(data_copy)
    code, out, _ = run("--source", "genai-prices", capsys=capsys)
    assert code == 0
    assert f"prices compared with snapshot {TODAY}: 0 added, 0 removed, 0 changed" in out
    assert tree_hashes(data_copy) == before


def test_genai_prices_feed_equals_the_packaged_data(data_copy, json_server, capsys):
    json_server.replies = [Reply(200, fixture("genai_prices_feed.json"))]
    code, out, err = run("--source", "genai-prices", "--base-url", json_server.url + "/v2", "--json", capsys=capsys)
    assert code == 0, err
    assert json_server.requests[0]["path"] == "/v2/data.json"
    report = json.loads(out)
    assert report["written"] and report["snapshot"] == TODAY
    feed = data.load_figures("latest")
    genai = [s for s in feed["source"] if not s.startswith("Artificial Analysis")]
    assert genai and all(s.startswith(f"genai-prices feed {json_server.url}/v2/data.json") for s in genai)
    from genai_prices.data import providers

    packaged = refresh.normalise_genai(providers, as_of=TODAY, source_prefix="x")
    expected = {f.key: Decimal(f.value) for f in packaged}
    feed = feed[feed["source"].str.startswith("genai-prices")]  # the snapshot also carries other sources' rows
    got = {
        (r.model, r.provider, r.metric, str(r.above_input_tokens or ""), r.condition, r.starts_on, r.effort): Decimal(
            str(r.value)
        )
        for r in feed.itertuples()
        if r.value is not None
    }
    assert got == expected
    assert any(key[3] for key in got) and any(key[4] for key in got)  # tiers and conditions came through
    assert len(expected) > 100


def test_openrouter_prices_are_converted_and_merged(data_copy, json_server, capsys):
    assert run("--source", "genai-prices", capsys=capsys)[0] == 0
    genai_rows = len(data.load_figures("latest"))
    json_server.replies = [Reply(200, fixture("openrouter_models.json"))]
    code, out, err = run("--source", "openrouter", "--base-url", json_server.url + "/api/v1", capsys=capsys)
    assert code == 0, err
    assert json_server.requests[0]["path"] == "/api/v1/models"
    assert f"kept {genai_rows} figures from other sources" in out
    df = data.load_snapshot("latest")
    row = df[(df["model"] == "GPT-6 Astra") & (df["provider"] == "OpenRouter")].iloc[0]
    doc = json.loads(fixture("openrouter_models.json"))
    item = next(i for i in doc["data"] if i["id"] == "openai/gpt-6-astra")
    assert row["input_usd_per_mtok"] == pytest.approx(float(item["pricing"]["prompt"]) * 1e6)
    assert row["output_usd_per_mtok"] == pytest.approx(float(item["pricing"]["completion"]) * 1e6)
    assert row["context_window_tokens"] == item["context_length"]
    notes = data.load_figures("latest").query("provider == 'OpenRouter' and model == 'GPT-6 Astra'")["note"]
    assert set(notes) == {"OpenRouter tokenizer family: GPT"}
    assert "GPT-4o" not in set(df["model"])  # not in the catalogue
    # genai-prices' rows were carried over unchanged
    assert (df["provider"] == "OpenAI").any()


def test_refresh_lists_the_openrouter_models_it_does_not_follow_newest_first(data_copy, json_server, capsys):
    json_server.replies = [Reply(200, fixture("openrouter_models.json"))]
    code, out, err = run("--source", "openrouter", "--base-url", json_server.url, "--dry-run", capsys=capsys)
    assert code == 0, err
    # The fixture dates every model 1790000000 (2026-09-21): equal dates are ordered by id.
    assert "not followed: 2 models (newest first, by OpenRouter's 'created' date)" in out
    assert "  * mistralai/mistral-nemo (2026-09-21)\n  * openai/gpt-4o (2026-09-21)\n" in out
    doc = json.loads(fixture("openrouter_models.json"))
    for item in doc["data"]:
        if item["id"] == "openai/gpt-4o":
            item["created"] = 1790000000 + 10 * 86400
        if item["id"] == "mistralai/mistral-nemo":
            del item["created"]
    json_server.replies = [Reply(200, json.dumps(doc).encode())]
    code, out, err = run("--source", "openrouter", "--base-url", json_server.url, "--dry-run", "--json", capsys=capsys)
    assert code == 0, err
    report = json.loads(out)
    assert report["unfollowed"] == ["openai/gpt-4o (2026-10-01)", "mistralai/mistral-nemo"]
    assert report["unfollowed_order"] == refresh.UNFOLLOWED_ORDER["openrouter"]


def test_refresh_lists_the_genai_prices_models_it_does_not_follow(data_copy, json_server, capsys):
    json_server.replies = [Reply(200, fixture("genai_prices_feed.json"))]
    code, out, err = run(
        "--source", "genai-prices", "--base-url", json_server.url, "--dry-run", "--json", capsys=capsys
    )
    assert code == 0, err
    report = json.loads(out)
    # The feed holds the catalogue's providers, each with one model outside the catalogue.
    assert report["unfollowed"] == [
        "anthropic/claude-2",
        "aws/amazon.nova-2-sonic-v1:0",
        "azure/ada",
        "cerebras/gemma-4-31b (deprecated)",
        "deepseek/deepseek-chat",
        "fireworks/deepseek-r1-0528",
        "google/claude-3-5-haiku",
        "groq/canopylabs/orpheus-arabic-saudi",
        "meta/muse-spark-1.1",
        "mistral/codestral",
        "openai/ada",
        "together/Austism/chronos-hermes-13b",
        "x-ai/grok-2-1212 (deprecated)",
    ]
    # The packaged data: only the providers the catalogue uses, at most 20 lines, then how many more.
    code, out, err = run("--source", "genai-prices", "--dry-run", capsys=capsys)
    assert code == 0, err
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("not followed: "))
    total = int(lines[head].split()[2])
    assert lines[head].endswith("(by provider, then id: genai-prices gives no release dates)")
    shown = [line.removeprefix("  * ") for line in lines[head + 1 : head + 21]]
    assert shown == sorted(shown) and all(line.startswith("anthropic/") for line in shown)
    assert lines[head + 21] == f"  ... and {total - 20} more"
    from genai_prices.data import providers

    unfollowed = refresh.unfollowed_genai(list(providers))
    assert total == len(unfollowed) > 20
    used = {p for c in refresh.followed_models() for p, _ in c.genai}
    assert {entry.split("/")[0] for entry in unfollowed} <= used
    assert not any(entry.startswith("openrouter/") for entry in unfollowed)


def test_refresh_lists_the_artificialanalysis_models_it_does_not_follow(data_copy, json_server, capsys, monkeypatch):
    monkeypatch.setenv(refresh.AA_KEY_ENV, FAKE_KEY)
    json_server.replies = [Reply(200, fixture("artificialanalysis_models.json"))]
    code, out, err = run("--source", "artificialanalysis", "--base-url", json_server.url, "--dry-run", capsys=capsys)
    assert code == 0, err
    assert "not followed: 1 model (newest first where" in out and "  * some-other-model\n" in out


def test_artificialanalysis_with_key_and_attribution(data_copy, json_server, capsys, monkeypatch):
    monkeypatch.setenv(refresh.AA_KEY_ENV, FAKE_KEY)
    json_server.replies = [Reply(200, fixture("artificialanalysis_models.json"))]
    code, out, err = run("--source", "artificialanalysis", "--base-url", json_server.url + "/api/v2", capsys=capsys)
    assert code == 0, err
    assert json_server.requests[0]["path"] == "/api/v2/data/llms/models"
    assert json_server.requests[0]["headers"]["x-api-key"] == FAKE_KEY
    assert "Data: Artificial Analysis (artificialanalysis.ai)" in out
    df = effort_rows(data.load_snapshot("latest"), "max")  # the slug gpt-6-astra is AA's "GPT-6 Astra (Max)"
    astra = df[df["model"] == "GPT-6 Astra"].iloc[0]
    assert astra["intelligence_index"] == 71.5 and astra["effort"] == "max"
    assert astra["model_output_tokens_per_s"] == 48.2
    assert astra["aa_blended_usd_per_mtok"] == 12.5
    assert "Artificial Analysis" in astra["model_output_tokens_per_s_source"]
    maverick = df[df["model"] == "Llama 4 Maverick"].iloc[0]
    assert pd_isna(maverick["model_output_tokens_per_s"])  # AA's 0 means "not measured": missing, not zero
    assert FAKE_KEY not in out + err
    assert all(FAKE_KEY.encode() not in (data_copy / p).read_bytes() for p in tree_hashes(data_copy))


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_429_with_retry_after_is_retried(data_copy, json_server, capsys):
    json_server.replies = [
        Reply(429, b'{"error": "slow down"}', headers={"Retry-After": "1"}),
        Reply(200, fixture("openrouter_models.json")),
    ]
    start = time.monotonic()
    code, out, err = run("--source", "openrouter", "--base-url", json_server.url, "--retries", "1", capsys=capsys)
    assert code == 0, err
    assert len(json_server.requests) == 2
    waited = json_server.requests[1]["time"] - json_server.requests[0]["time"]
    assert waited >= 0.95  # Retry-After (1 s), not the 0.5 s backoff
    assert time.monotonic() - start < 10
    assert "retry: HTTP 429" in err and "retrying in 1.0 s" in err


# ----------------------------------------------------------------------------------------------- failures

FAULTS = {
    "http_error": ([Reply(503, b'{"error": "down for maintenance"}')], "HTTP 503"),
    "not_found": ([Reply(404, b"not here")], "HTTP 404"),
    "timeout": ([Reply(200, b"{}", delay_s=2.0)], "did not answer in time (timeout)"),
    "cut_connection": ([Reply(200, b'{"data": [', declared_length=5000)], "closed the connection mid-response"),
    "truncated_json": ([Reply(200, fixture("openrouter_models.json")[:4000])], "truncated JSON"),
    "malformed_json": ([Reply(200, b'{"data": [1, 2,, 3]}')], "malformed JSON"),
    "empty_list": ([Reply(200, b'{"data": []}')], "the model list is empty"),
    "schema_violation": (
        [Reply(200, b'{"data": [{"id": "x/y", "pricing": {"prompt": "cheap", "completion": "1"}}]}')],
        "schema violation",
    ),
    "no_catalogue_model": (
        [Reply(200, b'{"data": [{"id": "x/y", "pricing": {"prompt": "0", "completion": "0"}}]}')],
        "no model of the catalogue",
    ),
    "negative_price": (
        [
            Reply(
                200,
                json.dumps(
                    {"data": [{"id": "openai/gpt-6-astra", "pricing": {"prompt": "-1", "completion": "1"}}]}
                ).encode(),
            )
        ],
        "negative",
    ),
    # Odd values and shapes (issue 9): one line, never a traceback.
    "huge_price": (
        [
            Reply(
                200,
                b'{"data": [{"id": "openai/gpt-6-astra", "pricing": {"prompt": "1e999999999", "completion": "1"}}]}',
            )
        ],
        "above 10,000 USD per 1M tokens",
    ),
    "infinite_price": (
        [
            Reply(
                200, b'{"data": [{"id": "openai/gpt-6-astra", "pricing": {"prompt": 1e999999999, "completion": "1"}}]}'
            )
        ],
        "not a finite number",
    ),
    "price_per_token_of_1e200": (
        [Reply(200, b'{"data": [{"id": "openai/gpt-6-astra", "pricing": {"prompt": "1e200", "completion": "1"}}]}')],
        "above 10,000 USD per 1M tokens",
    ),
    "price_as_an_object": (
        [Reply(200, b'{"data": [{"id": "x/y", "pricing": {"prompt": {"usd": 1}, "completion": "1"}}]}')],
        "is a JSON dict, not a number",
    ),
    "architecture_string": (
        [
            Reply(
                200,
                b'{"data": [{"id": "openai/gpt-6-astra", "architecture": "string",'
                b' "pricing": {"prompt": "0.000001", "completion": "0.000002"}}]}',
            )
        ],
        "architecture is a JSON str",
    ),
    "huge_context": (
        [
            Reply(
                200,
                b'{"data": [{"id": "openai/gpt-6-astra", "context_length": 100000000000000000000,'
                b' "pricing": {"prompt": "0.000001", "completion": "0.000002"}}]}',
            )
        ],
        "not a number of tokens from 1 to 100,000,000",
    ),
}


def _lost_half() -> list[Reply]:
    doc = json.loads(fixture("openrouter_models.json"))
    doc["data"] = [i for i in doc["data"] if i["id"] in {"openai/gpt-6-astra", "openai/gpt-6-luna"}]
    return [Reply(200, json.dumps(doc).encode())]


@pytest.mark.parametrize("fault", [*FAULTS, "lost_half", "no_network"])
def test_a_failed_refresh_leaves_the_data_byte_identical(fault, data_copy, json_server, capsys):
    json_server.replies = [Reply(200, fixture("openrouter_models.json"))]
    assert run("--source", "openrouter", "--base-url", json_server.url, capsys=capsys)[0] == 0
    before = tree_hashes(data_copy)
    assert any(k.startswith(f"snapshots/{TODAY}/") for k in before)
    if fault == "no_network":
        url, expected = f"http://127.0.0.1:{closed_port()}", "cannot connect to 127.0.0.1"
    elif fault == "lost_half":
        json_server.replies, expected = _lost_half(), "fewer than half"
        url = json_server.url
    else:
        json_server.replies, expected = FAULTS[fault]
        url = json_server.url
    code, out, err = run(
        "--source", "openrouter", "--base-url", url, "--retries", "0", "--timeout", "0.5", capsys=capsys
    )
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: refresh openrouter failed, data unchanged: ")
    assert expected in lines[0]
    assert tree_hashes(data_copy) == before
    assert not list(data_copy.glob(".refresh-*"))


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(200, b"[]"), "empty list"),
        (Reply(200, b'[{"id": "openai", "models": "many"}]'), "schema violation"),
        (Reply(200, b'[{"id": "openai", "name": "OpenAI"'), "truncated JSON"),
    ],
)
def test_genai_feed_faults(reply, expected, data_copy, json_server, capsys):
    before = tree_hashes(data_copy)
    json_server.replies = [reply]
    code, out, err = run("--source", "genai-prices", "--base-url", json_server.url, "--retries", "0", capsys=capsys)
    assert code == 1 and expected in err and len(err.strip().splitlines()) == 1
    assert tree_hashes(data_copy) == before


def test_the_key_never_leaks_from_an_echoing_error(data_copy, json_server, capsys, monkeypatch):
    monkeypatch.setenv(refresh.AA_KEY_ENV, FAKE_KEY)
    before = tree_hashes(data_copy)
    json_server.replies = [
        Reply(500, b'{"error": "internal"}', echo_key=True),
        Reply(401, b'{"error": "invalid API key"}', echo_key=True),
    ]
    code, out, err = run(
        "--source", "artificialanalysis", "--base-url", json_server.url, "--retries", "1", capsys=capsys
    )
    assert code == 1
    assert json_server.requests[0]["headers"]["x-api-key"] == FAKE_KEY
    assert "HTTP 401" in err and "[redacted]" in err
    assert FAKE_KEY not in out + err
    assert tree_hashes(data_copy) == before


def test_a_redirect_is_not_followed_with_a_key(data_copy, json_server, capsys, monkeypatch):
    monkeypatch.setenv(refresh.AA_KEY_ENV, FAKE_KEY)
    json_server.replies = [Reply(302, b"", headers={"location": "http://127.0.0.2:1/steal"})]
    code, _, err = run("--source", "artificialanalysis", "--base-url", json_server.url, capsys=capsys)
    assert code == 1 and "redirect not followed" in err
    assert len(json_server.requests) == 1


def test_artificialanalysis_without_a_key_is_a_clear_error(data_copy, capsys, monkeypatch):
    monkeypatch.delenv(refresh.AA_KEY_ENV, raising=False)
    code, _, err = run("--source", "artificialanalysis", "--base-url", "http://127.0.0.1:9", capsys=capsys)
    assert code == 1
    assert f"set the environment variable {refresh.AA_KEY_ENV}" in err


def test_dry_run_writes_nothing(data_copy, capsys):
    before = tree_hashes(data_copy)
    code, out, _ = run("--source", "genai-prices", "--dry-run", capsys=capsys)
    assert code == 0 and "dry run" in out
    assert tree_hashes(data_copy) == before


# ----------------------------------------------------------------------------------------------- issue 9


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("median_output_tokens_per_second", "1" + "0" * 400, "too large a number"),
        ("median_output_tokens_per_second", "1e999", "not a finite number"),
        ("median_output_tokens_per_second", "1e200", "above 100,000"),
        ("pricing", '"string"', "is not an object"),
    ],
)
def test_odd_artificialanalysis_numbers_are_one_line(
    field, value, expected, data_copy, json_server, capsys, monkeypatch
):
    monkeypatch.setenv(refresh.AA_KEY_ENV, FAKE_KEY)
    before = tree_hashes(data_copy)
    text = fixture("artificialanalysis_models.json").decode()
    doc = json.loads(text)
    doc["data"][0][field] = "__VALUE__"
    json_server.replies = [Reply(200, json.dumps(doc).replace('"__VALUE__"', value).encode())]
    code, out, err = run("--source", "artificialanalysis", "--base-url", json_server.url, capsys=capsys)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and expected in err
    assert len(err) < 400
    assert tree_hashes(data_copy) == before


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ("figures.csv", "column 'value': -1 is negative"),
        ("models.csv", "column 'tokenizer': unknown tokenizer 'llama9'"),
        ("snapshot.json", "not UTF-8 text"),
    ],
)
def test_a_hand_edited_previous_snapshot_stops_the_refresh(edit, expected, data_copy, json_server, capsys):
    assert run("--source", "genai-prices", capsys=capsys)[0] == 0
    folder = data_copy / "snapshots" / TODAY
    path = folder / edit
    if edit == "figures.csv":
        lines = path.read_text(encoding="utf-8").splitlines()
        first = lines[1].split(",")
        first[3] = "-1"
        path.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    elif edit == "models.csv":
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[1] = ",".join([*lines[1].split(",")[:2], "llama9"])
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        path.write_bytes(
            path.read_text(encoding="utf-8").replace("Atualização", "Atualiza\u00e7\u00e3o").encode("latin-1")
        )
    before = tree_hashes(data_copy)
    json_server.replies = [Reply(200, fixture("openrouter_models.json"))]
    code, out, err = run("--source", "openrouter", "--base-url", json_server.url, capsys=capsys)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith("error: refresh openrouter failed, data unchanged: the previous snapshot does not pass")
    assert f"{path}: " in lines[0] and expected in lines[0]
    assert tree_hashes(data_copy) == before


def test_genai_prices_scheduled_prices_become_rows_with_starts_on():
    """Every start-date constraint genai-prices gives a followed model is written as rows with ``starts_on``, and
    the schedule the loader rebuilds from them prices every date as genai-prices does."""
    from genai_prices.data import providers

    from calculators.data import ScheduledPrice
    from calculators.pricing import prices_on

    figures = refresh.normalise_genai(providers, as_of="2026-12-06", source_prefix="x")
    argon = {
        (f.metric, f.condition, f.starts_on): f.value
        for f in figures
        if (f.model, f.provider) == ("Gemini 4 Argon", "Google")
    }
    assert argon[("input_usd_per_mtok", "", "")] == "2" and argon[("input_usd_per_mtok", "", "2026-12-01")] == "4"
    assert argon[("output_usd_per_mtok", "", "")] == "10" and argon[("output_usd_per_mtok", "", "2026-12-01")] == "20"
    by_row: dict = {}
    for f in figures:
        if f.metric in refresh.PRICE_METRICS:
            price = ScheduledPrice(f.starts_on, f.condition, f.metric, int(f.above_input_tokens or 0), float(f.value))
            by_row.setdefault((f.model, f.provider), []).append(price)
    google = next(p for p in providers if p.id == "google")
    model = next(m for m in google.models if m.id == "gemini-4-argon")
    for day in ("2026-10-01", "2026-11-30", "2026-12-01", "2027-06-01"):
        at = dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=dt.UTC)
        expected = model.get_prices(at)
        base, _ = prices_on(by_row[("Gemini 4 Argon", "Google")], day)
        assert base["input_usd_per_mtok"] == float(expected.input_mtok)
        assert base["output_usd_per_mtok"] == float(expected.output_mtok)
    # A model without a start date has no starts_on at all.
    assert not any(f.starts_on for f in figures if f.model == "Llama 3.3 70B")


def test_the_diff_compares_the_prices_each_snapshot_charges_on_its_own_date():
    """A scheduled price counts from its day: the old snapshot's price on its date against the new one's on its."""

    def row(value, starts_on=""):
        return {"model": "M", "provider": "P", "metric": "input_usd_per_mtok", "value": value, "starts_on": starts_on}

    old = [row("2")]
    new = [row("2"), row("4", "2026-12-01"), row("5", "2027-01-01")]
    assert [r["value"] for r in refresh.in_effect_rows(new, "2026-11-30")] == ["2"]
    assert [r["value"] for r in refresh.in_effect_rows(new, "2026-12-06")] == ["4"]
    d = refresh.diff(refresh.in_effect_rows(old, "2026-11-26"), refresh.in_effect_rows(new, "2026-12-06"))
    assert d.changed == [(("M", "P", "input_usd_per_mtok", "", "", "", ""), "2", "4")] and not d.added and not d.removed
