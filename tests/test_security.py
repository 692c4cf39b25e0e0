"""Secrets and concurrent writes (issue 9): an API key never reaches the screen or data/ in any form, a key in a
URL is refused, and two writers at once lose nothing. Real HTTP on 127.0.0.1 (tests/servers.py), real child
processes, a temporary copy of data/ for every test."""

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from servers import JsonServer, Reply

from calculators import data, locking, refresh
from calculators.apikeys import contains_secret, key_in_url, looks_random, redact
from calculators.cli import main
from calculators.http import redact as http_redact
from calculators.measurements import load_measurements

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Characters that change under URL-encoding and JSON-escaping, so every form differs from the key itself.
KEY = 'aa-Test/key+0123456789=DO"NOT&LEAK'


def encodings(key: str) -> dict[str, str]:
    """Every form of ``key`` a server might echo."""
    raw = key.encode()
    b64 = base64.b64encode(raw).decode()
    url_b64 = base64.urlsafe_b64encode(raw).decode()
    return {
        "plain": key,
        "upper": key.upper(),
        "lower": key.lower(),
        "base64": b64,
        "base64_unpadded": b64.rstrip("="),
        "base64_urlsafe": url_b64,
        "base64_urlsafe_unpadded": url_b64.rstrip("="),
        "basic_auth": base64.b64encode(b"reader:" + raw).decode(),  # the key inside a longer encoding
        "url_encoded": quote(key, safe=""),
        "url_encoded_lower_hex": quote(key, safe="").lower(),
        "url_encoded_plus": quote_plus(key),
        "url_encoded_every_byte": "".join(f"%{b:02X}" for b in raw),
        "json_escaped": json.dumps(key)[1:-1].replace("/", "\\/"),
        "json_unicode_escaped": "".join(f"\\u{ord(c):04x}" for c in key),
    }


ENCODINGS = encodings(KEY)


def leaks(text: str) -> list[str]:
    """The forms of KEY found in ``text``: checked both by the code under test and by plain substring search."""
    found = [name for name, form in ENCODINGS.items() if form in text]
    if contains_secret(text, [KEY]):
        found.append("contains_secret")
    return found


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != locking.LOCK_NAME  # the (empty) lock file stays after a write
    }


def files_leak(root: Path) -> dict[str, list[str]]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            found = leaks(p.read_bytes().decode("utf-8", "replace"))
            if found:
                out[str(p.relative_to(root))] = found
    return out


@pytest.fixture
def json_server():
    server = JsonServer().start()
    yield server
    server.stop()


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A temporary copy of data/snapshots holding the article's snapshot only."""
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "snapshots" / "2024-05", root / "snapshots" / "2024-05")
    monkeypatch.setattr(data, "SNAPSHOT_DIR", root / "snapshots")
    return root


def run(*args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def aa_answer(*, followed_slug: str | None = None, unfollowed_slug: str | None = None) -> bytes:
    doc = json.loads((FIXTURES / "artificialanalysis_models.json").read_bytes())
    for item in doc["data"]:
        if item["name"] == "GPT-6 Astra" and followed_slug is not None:
            item["name"] += f" ({followed_slug})"  # a followed slug: its name goes into the figures' notes
        if item["slug"] == "some-other-model" and unfollowed_slug is not None:
            item["slug"] = unfollowed_slug  # not followed: the slug would be printed under "not followed"
    return json.dumps(doc).encode()


# ----------------------------------------------------------------------------------------------- redaction


@pytest.mark.parametrize("form", ENCODINGS)
def test_redact_and_contains_secret_catch_every_form(form):
    text = f"HTTP 401: invalid key {ENCODINGS[form]} (check it)"
    assert contains_secret(text, [KEY])
    for hide in (redact, lambda t, s: http_redact(t, s)):
        hidden = hide(text, [KEY])
        assert "[redacted]" in hidden and hidden.startswith("HTTP 401: invalid key ") and hidden.endswith("(check it)")
        assert not leaks(hidden), hidden


def test_redaction_leaves_ordinary_text_alone():
    text = "GPT-6 Astra, Artificial Analysis https://artificialanalysis.ai/api/v2 2026-11-26 48.2 tokens/s"
    assert not contains_secret(text, [KEY])
    assert redact(text, [KEY, None, "", "abc"]) == text  # None, empty and short secrets are ignored
    assert http_redact("bad key sk-123456 (sk-123456)", ["sk-123456"]) == "bad key [redacted] ([redacted])"


@pytest.mark.parametrize(
    "url",
    [
        "http://reader:{key}@127.0.0.1:{port}/v2",
        "http://{key}@127.0.0.1:{port}/v2",
        "http://127.0.0.1:{port}/v2?api_key=abc",
        "http://127.0.0.1:{port}/v2?key=abc",
        "http://127.0.0.1:{port}/v2?Token=abc",
        "http://127.0.0.1:{port}/v2?x=sk-9fQ2kLx81ZpR7mVtY3wB6nHc",
        "http://127.0.0.1:{port}/v2/{key}",
    ],
)
@pytest.mark.parametrize("command", ["refresh", "bench"])
def test_a_key_in_the_base_url_is_refused(url, command, data_copy, json_server, capsys, monkeypatch):
    monkeypatch.setenv(refresh.AA_KEY_ENV, KEY)
    monkeypatch.setenv("BENCH_TEST_KEY", KEY)
    base = url.format(key=quote(KEY, safe=""), port=json_server.port)
    before = tree_hashes(data_copy)
    if command == "refresh":
        args = ["refresh", "--source", "artificialanalysis", "--base-url", base]
    else:
        args = ["bench", "--base-url", base, "--model", "m", "--api-key-env", "BENCH_TEST_KEY", "--save"]
    code, out, err = run(*args, capsys=capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith("error: --base-url carries ") and "environment variable" in lines[0]
    assert not leaks(out + err)
    assert json_server.requests == []  # refused before any request
    assert tree_hashes(data_copy) == before


def test_key_in_url_examples():
    assert key_in_url("https://openrouter.ai/api/v1") is None
    assert key_in_url("http://127.0.0.1:8080/v1?model=gpt-6-astra&date=2026-11-26") is None
    assert key_in_url("https://u:p@example.org/v1") == "a user name or password (user:password@)"
    assert key_in_url("https://example.org/v1?api-key=1") == "a query parameter named 'api-key'"
    assert key_in_url("https://example.org/v1/aa-Test", ["aa-Test"]) == "the API key"
    assert looks_random("gsk_8Zk2Qm9XcV4bN7pL1tR6yW3e") and not looks_random("llama-3.3-70b-versatile")


# ----------------------------------------------------------------------------------------------- refresh


@pytest.mark.parametrize("form", ENCODINGS)
def test_a_key_echoed_in_the_answer_is_never_written_or_printed(form, data_copy, json_server, capsys, monkeypatch):
    monkeypatch.setenv(refresh.AA_KEY_ENV, KEY)
    before = tree_hashes(data_copy)
    json_server.replies = [Reply(200, aa_answer(followed_slug=ENCODINGS[form]))]
    code, out, err = run("refresh", "--source", "artificialanalysis", "--base-url", json_server.url, capsys=capsys)
    assert json_server.requests[0]["headers"]["x-api-key"] == KEY
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert lines == [f"error: refresh artificialanalysis failed, data unchanged: {refresh.KEY_IN_ANSWER}"]
    assert not leaks(out + err)
    assert tree_hashes(data_copy) == before
    assert not files_leak(data_copy)


def test_a_key_echoed_as_a_model_not_followed_is_not_printed(data_copy, json_server, capsys, monkeypatch):
    monkeypatch.setenv(refresh.AA_KEY_ENV, KEY)
    before = tree_hashes(data_copy)
    json_server.replies = [Reply(200, aa_answer(unfollowed_slug=ENCODINGS["base64_urlsafe_unpadded"]))]
    for extra in ([], ["--dry-run"], ["--json"]):
        code, out, err = run(
            "refresh", "--source", "artificialanalysis", "--base-url", json_server.url, *extra, capsys=capsys
        )
        assert code == 1 and refresh.KEY_IN_ANSWER in err and len(err.strip().splitlines()) == 1
        assert not leaks(out + err)
    assert tree_hashes(data_copy) == before


# Forms short enough to fit whole in the error line (cut at 200 characters).
@pytest.mark.parametrize("form", ["plain", "upper", "base64", "basic_auth", "url_encoded_every_byte", "json_escaped"])
def test_a_key_echoed_in_an_error_is_redacted_in_every_form(form, data_copy, json_server, capsys, monkeypatch):
    monkeypatch.setenv(refresh.AA_KEY_ENV, KEY)
    before = tree_hashes(data_copy)
    body = b'{"error": "invalid API key ' + ENCODINGS[form].encode() + b'"}'
    json_server.replies = [Reply(401, body)]
    code, out, err = run("refresh", "--source", "artificialanalysis", "--base-url", json_server.url, capsys=capsys)
    assert code == 1 and "HTTP 401" in err and "[redacted]" in err and len(err.strip().splitlines()) == 1
    assert not leaks(out + err)
    assert tree_hashes(data_copy) == before


def test_a_clean_answer_is_written_without_the_key(data_copy, json_server, capsys, monkeypatch):
    monkeypatch.setenv(refresh.AA_KEY_ENV, KEY)
    json_server.replies = [Reply(200, aa_answer())]
    code, out, err = run("refresh", "--source", "artificialanalysis", "--base-url", json_server.url, capsys=capsys)
    assert code == 0, err
    assert not leaks(out + err)
    assert not files_leak(data_copy)
    assert (data_copy / locking.LOCK_NAME).is_file()  # the write took data/'s lock


# ----------------------------------------------------------------------------------------------- locks

CHILD = """
import sys, time
from pathlib import Path
from calculators import data
data.SNAPSHOT_DIR = Path(sys.argv[1])
start_at = float(sys.argv[2])
{body}
"""
# A refresh whose write takes a second (a slow disk): without the lock, both would read the same previous snapshot.
REFRESH_CHILD = CHILD.format(
    body="""
from calculators import refresh
from calculators.cli import main
write = refresh.write_snapshot
def slow_write(*args, **kwargs):
    time.sleep(1.0)
    return write(*args, **kwargs)
refresh.write_snapshot = slow_write
time.sleep(max(0.0, start_at - time.time()))
sys.exit(main(sys.argv[3:]))
"""
)
SAVE_CHILD = CHILD.format(
    body="""
from calculators.bench import BenchReport, RunResult
from calculators.measurements import save_measurement
runs = [RunResult(True, ttft_s=0.2, output_tokens_per_s=100.0, e2e_s=1.0, output_tokens=80)]
report = BenchReport("test-model", "127.0.0.1:1", runs, "o200k_base", None)
time.sleep(max(0.0, start_at - time.time()))
save_measurement(report, provider=sys.argv[3])
print("saved")
"""
)


def spawn(script: str, snapshot_dir: Path, start_at: float, *args: str, env=None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, str(snapshot_dir), str(start_at), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_refreshes_at_once_keep_every_row(data_copy):
    """Both children fetch at the same moment from servers that answer after the same delay, so both merge at
    once (without the lock, one's rows are lost); the lock makes the second read what the first wrote."""
    servers = [JsonServer().start(), JsonServer().start()]
    env = {**os.environ, refresh.AA_KEY_ENV: KEY}
    try:
        servers[0].replies = [Reply(200, (FIXTURES / "openrouter_models.json").read_bytes(), delay_s=0.5)]
        servers[1].replies = [Reply(200, aa_answer(), delay_s=0.5)]
        start_at = time.time() + 4
        children = [
            spawn(
                REFRESH_CHILD,
                data_copy / "snapshots",
                start_at,
                *("refresh", "--source", source, "--base-url", url),
                env=env,
            )
            for source, url in (("openrouter", servers[0].url), ("artificialanalysis", servers[1].url))
        ]
        results = [(c.wait(timeout=120), *c.communicate()) for c in children]
    finally:
        for server in servers:
            server.stop()
    for code, _out, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    today = dt.date.today().isoformat()
    meta = json.loads((data_copy / "snapshots" / today / "snapshot.json").read_text(encoding="utf-8"))
    assert set(meta["sources"]) == {"openrouter", "artificialanalysis"}
    figures = data.load_figures(today)
    owners = figures["source"].map(refresh.owner).value_counts().to_dict()
    assert owners == {source: meta["sources"][source]["figures"] for source in ("openrouter", "artificialanalysis")}
    # The second writer carried every row of the first.
    carried = [line for _, out, _ in results for line in out.splitlines() if line.startswith("kept ")]
    assert len(carried) == 1


def test_four_saves_at_once_keep_every_provider(tmp_path, monkeypatch):
    snapshots = tmp_path / "data" / "snapshots"
    snapshots.mkdir(parents=True)
    monkeypatch.setattr(data, "SNAPSHOT_DIR", snapshots)
    start_at = time.time() + 4
    providers = [f"Provider {i}" for i in range(4)]
    children = [spawn(SAVE_CHILD, snapshots, start_at, p) for p in providers]
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert out.strip() == "saved"
    df = load_measurements()
    assert sorted(set(df["provider"])) == providers
    assert len(df) == 8  # ttft_s and output_tokens_per_s for each
    assert not list((tmp_path / "data" / "measurements").glob(".measurements-*"))


def test_a_writer_that_waits_too_long_fails_in_one_line(data_copy, json_server, capsys, monkeypatch):
    monkeypatch.setattr(locking, "WAIT_S", 0.3)
    json_server.replies = [Reply(200, (FIXTURES / "openrouter_models.json").read_bytes())]
    with locking.write_lock(data_copy):
        before = tree_hashes(data_copy)
        start = time.monotonic()
        code, out, err = run("refresh", "--source", "openrouter", "--base-url", json_server.url, capsys=capsys)
        assert 0.3 <= time.monotonic() - start < 10
        assert code == 1 and out == ""
        assert len(err.strip().splitlines()) == 1 and "still writing" in err and "Traceback" not in err
        assert tree_hashes(data_copy) == before
    # Once the lock is free, the same refresh goes through.
    assert run("refresh", "--source", "openrouter", "--base-url", json_server.url, capsys=capsys)[0] == 0
