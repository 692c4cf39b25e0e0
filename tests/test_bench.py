"""bench: real streaming HTTP on 127.0.0.1 against a server with a known delay and token rate."""

import json
import shutil
from pathlib import Path

import pytest
from servers import StreamServer, closed_port

from calculators import bench as bench_mod
from calculators import data
from calculators.bench import bench, output_speed_tokens_per_s, percentile, pick_tokenizer
from calculators.cli import main
from calculators.measurements import load_measurements

ROOT = Path(__file__).resolve().parent.parent
FAKE_KEY = "sk-test-0123456789abcdef-DO-NOT-LEAK"


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A temporary copy of data/snapshots; measurements go beside it, never into the repository."""
    snaps = tmp_path / "data" / "snapshots"
    shutil.copytree(ROOT / "data" / "snapshots", snaps)
    monkeypatch.setattr(data, "SNAPSHOT_DIR", snaps)
    return tmp_path / "data"


def test_percentile_examples():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)
    assert percentile([7.0], 90) == 7.0
    assert percentile([], 50) is None


def test_output_speed_counts_tokens_after_the_first_chunk():
    assert output_speed_tokens_per_s(output_tokens=101, first_chunk_tokens=1, first_s=0.5, last_s=1.5) == 100.0
    assert output_speed_tokens_per_s(output_tokens=1, first_chunk_tokens=1, first_s=0.5, last_s=0.5) is None


def test_pick_tokenizer_matches_the_dataset_or_falls_back():
    assert pick_tokenizer("gpt-4o-2024-05-13", "2024-05") == ("o200k_base", "GPT-4o")
    assert pick_tokenizer("llama3-70b-8192", "2024-05")[0] in {"llama3", "o200k_estimate"}
    assert pick_tokenizer("no-such-model-anywhere") == ("o200k_estimate", None)


def test_ttft_and_speed_within_ten_percent_of_the_server(data_copy):
    server = StreamServer(ttft_s=0.25, tokens_per_s=80.0, tokens=40).start()
    try:
        report = bench(server.url + "/v1", model="test-model", runs=3, max_tokens=40)
    finally:
        server.stop()
    assert report.failed_runs == 0
    summary = report.summary()
    assert summary["ttft_s"]["median"] == pytest.approx(0.25, rel=0.10)
    assert summary["output_tokens_per_s"]["median"] == pytest.approx(80.0, rel=0.10)
    # end to end = first token + 39 more at 80 tokens/s
    assert summary["e2e_s"]["median"] == pytest.approx(0.25 + 39 / 80, rel=0.10)
    assert all(r.output_tokens == 40 and not r.tokens_counted for r in report.runs)
    # the request asked for usage in the stream
    assert server.requests[0]["path"] == "/v1/chat/completions"


def test_without_usage_tokens_are_counted_and_marked(data_copy, capsys):
    server = StreamServer(ttft_s=0.05, tokens_per_s=200.0, tokens=30, send_usage=False).start()
    try:
        code = main(["bench", "--base-url", server.url + "/v1", "--model", "test-model", "--runs", "2"])
    finally:
        server.stop()
    out = capsys.readouterr().out
    assert code == 0
    assert "30 output tokens (counted with o200k_estimate)" in out
    assert "output tokens counted with o200k_estimate (the server sent no usage)" in out


def test_failed_runs_are_counted_and_the_others_still_count(data_copy, capsys, monkeypatch):
    server = StreamServer(ttft_s=0.05, tokens_per_s=200.0, tokens=20).start()
    server.modes = ["ok", "cut", "http500", "ok"]
    monkeypatch.setenv("BENCH_TEST_KEY", FAKE_KEY)
    try:
        code = main(
            [
                "bench",
                "--base-url",
                server.url + "/v1",
                "--model",
                "test-model",
                "--runs",
                "4",
                "--api-key-env",
                "BENCH_TEST_KEY",
                "--json",
            ]
        )
    finally:
        server.stop()
    captured = capsys.readouterr()
    assert code == 0
    result = json.loads(captured.out)
    assert set(result) == {"model", "runs", "failed_runs", "ttft_s", "output_tokens_per_s", "e2e_s"}
    assert result["runs"] == 4 and result["failed_runs"] == 2
    assert result["ttft_s"]["median"] == pytest.approx(0.05, rel=0.5)
    assert set(result["e2e_s"]) == {"median", "p90"}
    # the key was sent, and the server echoed it in its 500 body: it must not appear anywhere we print
    assert server.requests[0]["headers"]["authorization"] == f"Bearer {FAKE_KEY}"
    assert FAKE_KEY not in captured.out + captured.err


def test_failure_messages_name_the_cause(data_copy):
    server = StreamServer(ttft_s=0.05, tokens_per_s=200.0, tokens=20).start()
    server.modes = ["cut", "http500"]
    try:
        report = bench(server.url + "/v1", model="m", runs=2, api_key=FAKE_KEY)
    finally:
        server.stop()
    errors = [r.error for r in report.runs]
    assert "ended before [DONE]" in errors[0]
    assert errors[1].startswith("HTTP 500") and "[redacted]" in errors[1] and FAKE_KEY not in errors[1]
    assert report.summary()["ttft_s"] == {"median": None, "p90": None}


def test_timeout_and_no_server_are_failed_runs(data_copy, capsys):
    server = StreamServer(ttft_s=1.5, tokens_per_s=100.0, tokens=5).start()
    try:
        report = bench(server.url + "/v1", model="m", runs=1, timeout_s=0.3)
    finally:
        server.stop()
    assert report.failed_runs == 1 and "timeout" in report.runs[0].error
    code = main(["bench", "--base-url", f"http://127.0.0.1:{closed_port()}/v1", "--model", "m", "--runs", "2"])
    out = capsys.readouterr().out
    assert code == 1
    assert "2 runs, 2 failed" in out and "cannot connect" in out


def test_save_writes_measured_rows_without_the_key(data_copy, capsys, monkeypatch):
    server = StreamServer(ttft_s=0.1, tokens_per_s=150.0, tokens=30).start()
    monkeypatch.setenv("BENCH_TEST_KEY", FAKE_KEY)
    args = ["bench", "--base-url", server.url + "/v1", "--model", "gpt-4o", "--runs", "2"]
    try:
        assert main([*args, "--api-key-env", "BENCH_TEST_KEY", "--save", "--provider", "Meu servidor"]) == 0
        assert main([*args, "--save"]) == 0
    finally:
        server.stop()
    path = data_copy / "measurements" / "measurements.csv"
    text = path.read_text(encoding="utf-8")
    assert FAKE_KEY not in text
    df = load_measurements()
    assert len(df) == 4
    assert set(df["metric"]) == {"ttft_s", "output_tokens_per_s"}
    assert set(df["confidence"]) == {"measured"}
    assert set(df["model"]) == {"GPT-4o"}  # matched to the dataset's name
    assert set(df["provider"]) == {"Meu servidor", f"127.0.0.1:{server.port}"}
    assert all(s == f"python -m calculators bench, endpoint 127.0.0.1:{server.port}" for s in df["source"])
    speed = df[df["metric"] == "output_tokens_per_s"]["value"]
    assert speed.tolist() == pytest.approx([150.0, 150.0], rel=0.10)
    assert "saved to" in capsys.readouterr().out


def test_measurements_loader_rejects_bad_rows(tmp_path):
    path = tmp_path / "m.csv"
    header = "model,provider,metric,value,as_of,confidence,source,note\n"
    path.write_text(header + "M,P,ttft_s,0.2,2026-11-01,primary,bench,\n", encoding="utf-8")
    with pytest.raises(data.DataError, match="row 2, column 'confidence'"):
        load_measurements(path)
    path.write_text(header + "M,P,ttft_s,-1,2026-11-01,measured,bench,\n", encoding="utf-8")
    with pytest.raises(data.DataError, match="negative"):
        load_measurements(path)
    assert load_measurements(tmp_path / "none.csv").empty


def test_bad_arguments_are_one_line_errors(capsys, monkeypatch):
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    code = main(["bench", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--api-key-env", "NO_SUCH_KEY_VAR"])
    assert code == 2
    assert capsys.readouterr().err.strip() == "error: the environment variable NO_SUCH_KEY_VAR is not set"
    assert main(["bench", "--base-url", "http://x/v1", "--model", "m", "--runs", "0"]) == 2
    assert bench_mod.DEFAULT_RUNS >= 1
