"""bench: real streaming HTTP on 127.0.0.1 against a server with a known delay and token rate."""

import json
import time
from pathlib import Path

import pytest
from servers import SSE_HEAD, ScriptServer, StreamServer, chat_chunk, closed_port, sse_event

from calculators import bench as bench_mod
from calculators import data
from calculators.bench import bench, output_speed_tokens_per_s, percentile, pick_tokenizer
from calculators.cli import main
from calculators.http import Deadline
from calculators.measurements import load_measurements
from calculators.tokens import count_tokens

ROOT = Path(__file__).resolve().parent.parent
FAKE_KEY = "sk-test-0123456789abcdef-DO-NOT-LEAK"


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
    assert set(result) == {"model", "runs", "failed_runs", "simulated", "ttft_s", "output_tokens_per_s", "e2e_s"}
    assert result["runs"] == 4 and result["failed_runs"] == 2
    assert result["simulated"] is False  # a real endpoint: no X-LLMS101-Simulated header
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
    path.write_text(header + "M,P,ttft_s,0.2,2026-11-01,simulated,practice-server,\n", encoding="utf-8")
    assert load_measurements(path)["confidence"].tolist() == ["simulated"]  # the practice server's label
    assert load_measurements(tmp_path / "none.csv").empty


def test_the_simulation_header_marks_runs_even_when_they_fail(data_copy, capsys):
    """The practice server's header makes a run simulated, a failed one too, so the report says so either way."""
    head = SSE_HEAD.replace(b"\r\n\r\n", b"\r\nX-LLMS101-Simulated: true\r\n\r\n", 1)
    requests = []

    def script(_request):
        requests.append(1)
        yield head + sse_event(chat_chunk()) + sse_event(chat_chunk(" hello"))
        yield 0.02
        yield sse_event(chat_chunk(" hello"))
        if len(requests) == 1:
            return  # cut before [DONE]
        yield sse_event(chat_chunk(usage={"prompt_tokens": 5, "completion_tokens": 2})) + sse_event("[DONE]")

    server = ScriptServer(script).start()
    try:
        report = bench(server.url + "/v1", model="gpt-4o", runs=2, max_tokens=10)
        code = main(["bench", "--base-url", server.url + "/v1", "--model", "gpt-4o", "--runs", "1", "--save"])
    finally:
        server.stop()
    assert not report.runs[0].ok and report.runs[0].simulated
    assert report.runs[1].ok and report.runs[1].simulated and report.simulated
    assert report.summary()["simulated"] is True
    assert code == 0
    out = capsys.readouterr().out
    assert "SIMULATED: 127.0.0.1" in out and "(confidence 'simulated')" in out
    df = load_measurements()
    assert set(df["confidence"]) == {"simulated"}
    assert set(df["model"]) == {"gpt-4o"}  # the API id: a simulation never takes a dataset model's name
    assert set(df["provider"]) == {"servidor de prática (simulado)"}


def test_bad_arguments_are_one_line_errors(capsys, monkeypatch):
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    code = main(["bench", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--api-key-env", "NO_SUCH_KEY_VAR"])
    assert code == 2
    assert capsys.readouterr().err.strip() == "error: the environment variable NO_SUCH_KEY_VAR is not set"
    assert main(["bench", "--base-url", "http://x/v1", "--model", "m", "--runs", "0"]) == 2
    assert bench_mod.DEFAULT_RUNS >= 1


# ----------------------------------------------------------------------------------------------- limits (issue 9)


def test_token_limit_and_the_running_tally():
    assert bench_mod.token_limit(10) == 26
    assert bench_mod.token_limit(1000) == 1100
    text = ARTICLE_PIECE * 40  # well past TALLY_FLUSH_CHARS: counted in pieces, at spaces
    assert len(text) > 2 * bench_mod.TALLY_FLUSH_CHARS
    tally = bench_mod._Tally("o200k_base")
    for i in range(0, len(text), 7):
        tally.add(text[i : i + 7])
    assert sum(len(p) for p in tally.parts) <= bench_mod.TALLY_FLUSH_CHARS
    assert tally.total() == pytest.approx(count_tokens(text, "o200k_base"), abs=2)


ARTICLE_PIECE = (ROOT / "chapters" / "_data" / "llms-101.pt-BR.md").read_text(encoding="utf-8")[:5000]


def _stream(pieces: list[str], usage_tokens, *, pause_s: float = 0.0):
    """An SSE script: a role chunk, one chunk per piece (``pause_s`` apart), a usage chunk, [DONE]."""

    def script(_request):
        yield SSE_HEAD + sse_event(chat_chunk())
        for piece in pieces:
            if pause_s:
                yield pause_s
            yield sse_event(chat_chunk(piece))
        if usage_tokens is not None:
            yield sse_event(chat_chunk(usage={"prompt_tokens": 5, "completion_tokens": usage_tokens}))
        yield sse_event("[DONE]")

    return script


def test_impossible_usage_fails_the_run_and_is_never_saved(data_copy, capsys):
    requests = []

    def script(request):
        requests.append(request)
        bad = len(requests) == 1
        yield from _stream([" hello"] * 20, -5 if bad else 20, pause_s=0.01)(request)

    server = ScriptServer(script).start()
    try:
        args = ["bench", "--base-url", server.url + "/v1", "--model", "gpt-4o", "--runs", "2", "--save"]
        code = main(args)
    finally:
        server.stop()
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "run 1: failed: impossible usage from 127.0.0.1" in err and "completion_tokens -5" in err
    assert "run 2: ttft" in out and "20 output tokens" in out
    df = load_measurements()
    assert len(df) == 2  # the medians of run 2 alone
    speed = df[df["metric"] == "output_tokens_per_s"]["value"].iloc[0]
    assert 0 < speed < 200  # 19 tokens after the first, about 10 ms apart


ODD_STREAMS = {
    "choices_string": ('{"choices": "x"}', "'choices' is not a list"),
    "choice_string": ('{"choices": ["x"]}', "a choice is not an object"),
    "delta_string": ('{"choices": [{"delta": "x"}]}', "'delta' is not an object"),
    "content_number": ('{"choices": [{"delta": {"content": 5}}]}', "'delta.content' is not text"),
    "chunk_list": ("[1, 2]", "not a JSON object"),
    "usage_string": ('{"choices": [], "usage": "many"}', "'usage' is not an object"),
    "usage_bool": ('{"choices": [], "usage": {"completion_tokens": true}}', "is true, not a whole number"),
    "usage_fraction": ('{"choices": [], "usage": {"completion_tokens": 1.5}}', "is 1.5, not a whole number"),
    "usage_too_many": ('{"choices": [], "usage": {"completion_tokens": 10000001}}', "not from 0 to 10,000,000"),
    "malformed": ('{"choices": [', "a stream chunk from 127.0.0.1"),
}


@pytest.mark.parametrize("case", ODD_STREAMS)
def test_odd_stream_chunks_fail_the_run_in_one_line(case, data_copy):
    chunk, expected = ODD_STREAMS[case]

    def script(_request):
        yield SSE_HEAD + sse_event(chat_chunk(" hello")) + f"data: {chunk}\n\n".encode() + sse_event("[DONE]")

    server = ScriptServer(script).start()
    try:
        report = bench(server.url + "/v1", model="m", runs=1, max_tokens=10, tokenizer="o200k_base")
    finally:
        server.stop()
    error = report.runs[0].error
    assert not report.runs[0].ok and expected in error and "\n" not in error


def test_reading_stops_a_little_past_max_tokens(data_copy):
    def endless(_request):
        yield SSE_HEAD + sse_event(chat_chunk())
        while True:
            yield sse_event(chat_chunk(" hello"))

    server = ScriptServer(endless).start()
    start = time.monotonic()
    try:
        report = bench(server.url + "/v1", model="m", runs=1, max_tokens=10, tokenizer="o200k_base", timeout_s=30)
    finally:
        server.stop()
    assert time.monotonic() - start < 2
    assert report.runs[0].error.endswith("kept streaming past max_tokens 10 (over 26 tokens; stopped reading)")


def test_tokens_split_across_chunks_are_not_mistaken_for_too_many(data_copy):
    # 20 tokens (" hello") in 40 chunks: more chunks than max_tokens 20 plus its margin (36), but not more tokens
    server = ScriptServer(_stream([" hel", "lo"] * 20, None)).start()
    try:
        report = bench(server.url + "/v1", model="m", runs=1, max_tokens=20, tokenizer="o200k_base")
    finally:
        server.stop()
    assert report.runs[0].ok, report.runs[0].error
    assert report.runs[0].output_tokens == 20 and report.runs[0].tokens_counted


def test_retries_happen_before_the_stream_only(data_copy):
    server = StreamServer(ttft_s=0.02, tokens_per_s=500.0, tokens=10).start()
    server.modes = ["http500", "ok", "cut"]
    try:
        report = bench(server.url + "/v1", model="m", runs=2, max_tokens=10, retries=1)
    finally:
        server.stop()
    assert report.runs[0].ok  # the 500 was retried
    assert not report.runs[1].ok and "ended before [DONE]" in report.runs[1].error  # a cut stream is not retried
    assert len(server.requests) == 3


def test_a_command_deadline_bounds_every_run(data_copy):
    server = StreamServer(ttft_s=0.3, tokens_per_s=100.0, tokens=10).start()
    start = time.monotonic()
    try:
        report = bench(server.url + "/v1", model="m", runs=5, deadline=Deadline(1.0, what="the benchmark"))
    finally:
        server.stop()
    assert time.monotonic() - start < 1.5
    assert report.runs[0].ok
    assert all("the benchmark took longer than 1 s in all" in r.error for r in report.runs if not r.ok)
    assert report.failed_runs >= 2


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--runs", "101"], "argument --runs: 101 is above the maximum of 100"),
        (["--retries", "-1"], "argument --retries: '-1' is not a whole number from 0 to 10"),
        (["--timeout", "nan"], "argument --timeout: 'nan' is not a number of seconds above 0 and at most 600"),
        (["--max-tokens", "0"], "argument --max-tokens: 0 is not at least 1"),
        (["--base-url", "http://[::1"], "argument --base-url: 'http://[::1': not a valid URL (Invalid IPv6 URL)"),
    ],
)
def test_out_of_range_arguments_are_one_line_errors(extra, expected, capsys):
    assert main(["bench", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {expected}") and err.count("\n") == 1
