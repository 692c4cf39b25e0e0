"""The command line, run as a user runs it: a subprocess, JSON out, exit codes."""

import json
import subprocess
import sys

import pytest


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "calculators", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_tokens_json_all_tokenizers():
    out = run("tokens", "--text", "Olá <|endoftext|>", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)["tokenizers"]
    names = {t["name"] for t in result}
    assert {"o200k_base", "cl100k_base", "llama3", "mistral_v1", "claude_estimate"} <= names
    assert all(set(t) == {"name", "exact", "count"} for t in result)


def test_tokens_ids_from_stdin():
    out = run("tokens", "--tokenizer", "cl100k_base", "--ids", "--json", stdin="hello world")
    assert json.loads(out.stdout) == {
        "tokenizers": [{"name": "cl100k_base", "exact": True, "count": 2, "ids": [15339, 1917]}]
    }


def test_tokens_file(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("hello world", encoding="utf-8")
    out = run("tokens", "--tokenizer", "o200k_base", "--file", str(path), "--json")
    assert json.loads(out.stdout)["tokenizers"][0]["count"] == 2


def test_cost_json():
    out = run("cost", "--snapshot", "2024-05", "--input-tokens", "3000", "--output-tokens", "1000", "--json")
    rows = json.loads(out.stdout)
    assert set(rows[0]) == {
        "model",
        "provider",
        "input_tokens",
        "output_tokens",
        "tier_above_input_tokens",
        "price_condition",
        "cost_usd",
    }
    assert {r["tier_above_input_tokens"] for r in rows} == {0} and {r["price_condition"] for r in rows} == {""}
    opus = next(r for r in rows if r["model"] == "Claude 3 Opus" and r["provider"] == "Anthropic")
    assert opus["cost_usd"] == pytest.approx(0.12)
    octo = next(r for r in rows if r["model"] == "Llama 3 70B" and r["provider"] == "OctoAI")
    assert octo["cost_usd"] is None


def test_cost_from_file_counts_per_tokenizer(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("hello world", encoding="utf-8")
    rows = json.loads(
        run("cost", "--snapshot", "2024-05", "--file", str(path), "--output-tokens", "0", "--json").stdout
    )
    gpt4o = next(r for r in rows if r["model"] == "GPT-4o" and r["provider"] == "OpenAI")
    assert gpt4o["input_tokens"] == 2
    assert gpt4o["cost_usd"] == pytest.approx(2 * 5 / 1e6)


def test_latency_json():
    rows = json.loads(run("latency", "--snapshot", "2024-05", "--output-tokens", "500", "--json").stdout)
    groq = next(r for r in rows if r["model"] == "Llama 3 70B" and r["provider"] == "Groq")
    assert groq == {
        "model": "Llama 3 70B",
        "provider": "Groq",
        "ttft_s": 0.25,
        "output_tokens_per_s": 303.0,
        "e2e_s": pytest.approx(0.25 + 500 / 303),
    }


def test_snapshots_json():
    snaps = json.loads(run("snapshots", "--json").stdout)
    assert {"id": "2024-05", "as_of": "2024-05-21", "title": "O artigo (maio de 2024)"} in snaps


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cost", "--snapshot", "nope", "--input-tokens", "1", "--output-tokens", "1"], "unknown snapshot"),
        (["cost", "--snapshot", "2024-05", "--output-tokens", "1"], "one of the arguments"),
        (["cost", "--snapshot", "2024-05", "--input-tokens", "-5", "--output-tokens", "1"], "negative"),
        (["cost", "--snapshot", "2024-05", "--input-tokens", "x", "--output-tokens", "1"], "not a whole number"),
        (
            [
                "cost",
                "--snapshot",
                "2024-05",
                "--input-tokens",
                "1",
                "--output-tokens",
                "1",
                "--cached-input-tokens",
                "5",
            ],
            "cannot exceed",
        ),
        (["tokens", "--file", "/no/such/file"], "no such file"),
        (["tokens", "--file", "/"], "is a directory"),
        (["tokens", "--tokenizer", "gpt9", "--text", "x"], "unknown tokenizer"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_one_line_exit_2(args, message):
    out = run(*args)
    assert out.returncode == 2
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\xff\xfe\x00\x81")
    out = run("tokens", "--file", str(path))
    assert out.returncode == 2
    assert "not UTF-8" in out.stderr


def test_cost_shows_the_tier_a_long_prompt_pays():
    def gemini(n_in: int) -> list[dict]:
        args = ("cost", "--snapshot", "2024-05", "--input-tokens", str(n_in), "--output-tokens", "0", "--json")
        return [r for r in json.loads(run(*args).stdout) if r["model"] == "Gemini 1.5 Pro"]

    short, edge, long = gemini(3_000), gemini(128_000), gemini(200_000)
    assert [r["provider"] for r in short] == ["Google"]  # one provider, two prices
    assert short[0]["tier_above_input_tokens"] == 0 and short[0]["cost_usd"] == pytest.approx(3_000 * 3.5 / 1e6)
    assert edge[0]["tier_above_input_tokens"] == 0  # 128,000 tokens is still the base price: "above" 128,000
    assert long[0]["tier_above_input_tokens"] == 128_000 and long[0]["cost_usd"] == pytest.approx(200_000 * 7 / 1e6)
    text = run("cost", "--snapshot", "2024-05", "--input-tokens", "200000", "--output-tokens", "0").stdout
    assert "> 128,000 tokens" in text and "tier" in text.splitlines()[1]
