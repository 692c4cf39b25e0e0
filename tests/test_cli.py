"""The command line, run as a user runs it: a subprocess, JSON out, exit codes."""

import json
import re
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
        "effort",
        "input_tokens",
        "output_tokens",
        "reasoning_tokens",
        "tier_above_input_tokens",
        "price_condition",
        "cost_usd",
        "cost_includes_reasoning",
        "price_note",
    }
    assert {r["tier_above_input_tokens"] for r in rows} == {0} and {r["price_condition"] for r in rows} == {""}
    # No model of May 2024 reasoned: no effort, no thinking, and the cost is complete.
    assert {r["effort"] for r in rows} == {None} and {r["reasoning_tokens"] for r in rows} == {0}
    assert all(r["cost_includes_reasoning"] for r in rows)
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
        "effort": None,
        "ttft_s": 0.25,
        "output_tokens_per_s": 303.0,
        "e2e_s": pytest.approx(0.25 + 500 / 303),
        "basis": "provider",
        "as_of": "2024-05-03",
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


# --- one line, never a traceback (issue 9) ------------------------------------------------------------------------
HUGE = "1" + "0" * 400


def assert_one_line_exit_2(out, message: str) -> None:
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert message in out.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["cost", "--snapshot", "2024-05", "--input-tokens", HUGE, "--output-tokens", "1"],
        ["cost", "--snapshot", "2024-05", "--input-tokens", "1", "--output-tokens", HUGE],
        ["cost", "--snapshot", "2024-05", "--input-tokens", "1", "--output-tokens", "1", "--cached-input-tokens", HUGE],
        ["cost", "--snapshot", "2024-05", "--input-tokens", "1000000001", "--output-tokens", "1"],
        ["cost", "--snapshot", "2024-05", "--input-tokens", "9" * 5000, "--output-tokens", "1"],
        ["latency", "--snapshot", "2024-05", "--output-tokens", HUGE],
    ],
)
def test_huge_token_counts_are_one_line(args):
    out = run(*args)
    assert_one_line_exit_2(out, "is above the maximum of 1,000,000,000")
    assert len(out.stderr) < 300


def test_a_billion_tokens_is_still_a_cost():
    rows = json.loads(
        run("cost", "--snapshot", "2024-05", "--input-tokens", "1000000000", "--output-tokens", "0", "--json").stdout
    )
    opus = next(r for r in rows if r["model"] == "Claude 3 Opus" and r["provider"] == "Anthropic")
    assert opus["cost_usd"] == pytest.approx(15_000)


@pytest.mark.parametrize("tokenizer", ["mistral_v1", "o200k_base", "llama3"])
def test_text_that_is_not_utf8_is_one_line(tokenizer):
    # $'ab\xff' in a shell: the byte reaches Python as the surrogate escape U+DCFF.
    out = run("tokens", "--tokenizer", tokenizer, "--text", "ab\udcff")
    assert_one_line_exit_2(out, "--text is not valid UTF-8 text (byte 0xff at character 3)")


def _strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    "args",
    [
        ["tokens", "--text", "olá", "--json"],
        ["cost", "--snapshot", "latest", "--input-tokens", "3000", "--output-tokens", "1000", "--json"],
        ["latency", "--snapshot", "2024-05", "--output-tokens", "1000000000", "--json"],
        ["latency", "--snapshot", "latest", "--output-tokens", "500", "--json"],
        ["snapshots", "--json"],
        ["tokenizers", "--json"],
    ],
)
def test_every_json_output_is_strict_json(args):
    out = run(*args)
    assert out.returncode == 0, out.stderr
    _strict_json(out.stdout)


def test_json_text_turns_non_finite_numbers_into_null():
    from calculators.cliargs import json_text

    text = json_text([{"e2e_s": float("inf"), "ttft_s": float("nan"), "x": [-float("inf"), 1.5], "m": "Olá"}])
    assert text == '[{"e2e_s": null, "ttft_s": null, "x": [null, 1.5], "m": "Olá"}]'


# In-process: a scratch data folder, a small input cap, errors raised on purpose.


@pytest.fixture
def scratch_data(tmp_path, monkeypatch):
    import shutil

    from calculators import data

    root = tmp_path / "snapshots"
    shutil.copytree(data.SNAPSHOT_DIR / "2024-05", root / "2024-05")
    monkeypatch.setattr(data, "SNAPSHOT_DIR", root)
    return root / "2024-05"


def _main(*args, capsys):
    from calculators.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _tree(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[]", "a JSON list, not an object"),
        ('{"id": "2024-05", "as_of": "2024-05-21", "title": "Maçã"}'.encode("latin-1"), "not UTF-8 text"),
        (b"[" * 50_000 + b"]" * 50_000, "nested deeper than"),
    ],
)
@pytest.mark.parametrize("command", [["snapshots", "--json"], ["cost", "--snapshot", "latest", "--input-tokens", "1"]])
def test_a_bad_snapshot_json_is_one_line(scratch_data, capsys, content, message, command):
    (scratch_data / "snapshot.json").write_bytes(content)
    before = _tree(scratch_data.parent)
    code, out, err = _main(*command, *(["--output-tokens", "1"] if command[0] == "cost" else []), capsys=capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {scratch_data / 'snapshot.json'}: ") and message in err
    assert _tree(scratch_data.parent) == before


@pytest.mark.parametrize(
    ("metric", "value", "message"),
    [
        ("context_window_tokens", "100000000000000000000", "above 100,000,000"),
        ("output_tokens_per_s", "0", "below 0.01"),
        ("input_usd_per_mtok", "1e999999999", "not a finite number"),
    ],
)
def test_a_bad_figure_is_one_line(scratch_data, capsys, metric, value, message):
    import pandas as pd

    path = scratch_data / "figures.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[int(df.index[(df["metric"] == metric) & (df["value"] != "")][0]), "value"] = value
    df.to_csv(path, index=False)
    for command in (["cost", "--input-tokens", "1", "--output-tokens", "1"], ["latency", "--output-tokens", "1"]):
        code, out, err = _main(*command, "--snapshot", "2024-05", "--json", capsys=capsys)
        assert code == 2 and out == "" and err.count("\n") == 1 and message in err
        assert "figures.csv: row " in err and "column 'value'" in err


def test_standard_input_is_capped_like_a_file(capsys, monkeypatch):
    import io

    from calculators import cliargs

    class Stdin(io.TextIOWrapper):
        def isatty(self):
            return False

    monkeypatch.setattr(cliargs, "MAX_FILE_BYTES", 1024)
    monkeypatch.setattr(sys, "stdin", Stdin(io.BytesIO(b"x" * 1025)))
    code, out, err = _main("tokens", "--tokenizer", "o200k_base", capsys=capsys)
    assert (code, out, err) == (2, "", "error: standard input is larger than 1,024 bytes\n")
    monkeypatch.setattr(sys, "stdin", Stdin(io.BytesIO(b"x" * 1024)))
    assert _main("tokens", "--tokenizer", "o200k_base", "--json", capsys=capsys)[0] == 0


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OverflowError("int too large to convert to float"), "error: a number is too large to compute with"),
        (MemoryError(), "error: not enough memory for this input"),
        (RecursionError("maximum recursion depth exceeded"), "error: the input is nested too deeply"),
        (UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates not allowed"), "error: the text is not valid UTF-8"),
    ],
)
def test_bad_input_errors_anywhere_are_one_line(capsys, monkeypatch, error, message):
    from calculators import cli

    def fail(args):
        raise error

    monkeypatch.setattr(cli, "cmd_snapshots", fail)
    code, out, err = _main("snapshots", capsys=capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith(message)


def test_a_real_bug_still_shows_its_traceback(monkeypatch):
    from calculators import cli

    def bug(args):
        raise KeyError("a bug")

    monkeypatch.setattr(cli, "cmd_snapshots", bug)
    with pytest.raises(KeyError):
        cli.main(["snapshots"])


def test_real_number_argument_type():
    import argparse

    from calculators.cliargs import real_number

    assert real_number(0, 60)("0.4") == 0.4
    assert real_number(0, 60)("60") == 60.0 and real_number(0, 60)("0") == 0.0
    for text, message in [
        ("61", "61 is above the maximum of 60"),
        ("-1", "-1 is below the minimum of 0"),
        ("inf", "'inf' is not a finite number"),
        ("nan", "'nan' is not a finite number"),
        ("0,4", "'0,4' is not a number"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match=f"^{re.escape(message)}$"):
            real_number(0, 60)(text)
    with pytest.raises(argparse.ArgumentTypeError, match="^0 is not above 0$"):
        real_number(0, 10_000, above_minimum=True)("0")
    with pytest.raises(argparse.ArgumentTypeError, match="^10001 is above the maximum of 10,000$"):
        real_number(0, 10_000, above_minimum=True)("10001")


@pytest.mark.parametrize(
    "args, hint",
    [
        ((), "(see: python -m calculators --help)"),
        (("nonsense",), "(see: python -m calculators --help)"),
        (("cost", "--output-tokens", "x"), "(see: python -m calculators cost --help)"),
    ],
)
def test_usage_hint_names_the_command_once(capsys, args, hint):
    code, out, err = _main(*args, capsys=capsys)
    assert code == 2 and out == ""
    assert err.rstrip().endswith(hint) and "calculators calculators" not in err
