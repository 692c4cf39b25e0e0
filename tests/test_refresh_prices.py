"""The weekly refresh's script (tools/refresh_prices.py), step by step, against a local copy of genai-prices' feed
served on 127.0.0.1 (the recorded tests/fixtures/genai_prices_feed.json), on a scratch copy of the data: the pin
follows the installed package, a changed snapshot gets a pull request body, an unchanged one is removed, a failed
fetch leaves everything as it was. The workflow (.github/workflows/refresh-prices.yml) runs these same steps."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from servers import JsonServer, Reply

from calculators import data

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import refresh_prices  # noqa: E402 - tools/ is not a package

FEED = (ROOT / "tests" / "fixtures" / "genai_prices_feed.json").read_bytes()
TODAY = dt.date.today().isoformat()
WORKFLOW = ROOT / ".github" / "workflows" / "refresh-prices.yml"


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


@pytest.fixture
def feed():
    server = JsonServer().start()
    server.replies = [Reply(200, FEED)]
    yield server
    server.stop()


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A copy of data/snapshots without today's snapshot (so the refresh writes a new one), and a requirements.txt
    pinned to an older genai-prices."""
    snaps = tmp_path / "data" / "snapshots"
    shutil.copytree(ROOT / "data" / "snapshots", snaps, ignore=shutil.ignore_patterns(TODAY))
    monkeypatch.setattr(data, "SNAPSHOT_DIR", snaps)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pandas==3.1.1\ngenai-prices==0.0.1\nhttpx==0.28.1\n", encoding="utf-8")
    output = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    return snaps, requirements, output


def _run(feed, requirements, *extra):
    return refresh_prices.main(["--base-url", feed.url + "/v2", "--requirements", str(requirements), *extra])


def test_a_changed_feed_gives_a_snapshot_a_pin_and_a_pull_request_body(scratch, feed, tmp_path, capsys):
    snaps, requirements, output = scratch
    body = tmp_path / "body.md"
    assert _run(feed, requirements, "--body", str(body)) == 0
    assert feed.requests[0]["path"] == "/v2/data.json"
    out = capsys.readouterr().out
    installed = f"genai-prices=={version('genai-prices')}"
    assert f"pin: genai-prices==0.0.1 -> {installed}" in out
    assert requirements.read_text(encoding="utf-8") == f"pandas==3.1.1\n{installed}\nhttpx==0.28.1\n"
    assert (snaps / TODAY / "figures.csv").is_file()
    assert data.load_snapshot("latest").attrs["snapshot"] == TODAY
    text = body.read_text(encoding="utf-8")
    assert f"snapshot `{TODAY}`" in text and f"`genai-prices==0.0.1` -> `{installed}`" in text
    assert "### Changed" in text and "### Scheduled after" in text and "make test" in text
    assert output.read_text(encoding="utf-8") == f"changed=true\nsnapshot={TODAY}\n"


def test_an_unchanged_feed_proposes_nothing_and_leaves_the_data_as_it_was(scratch, feed, tmp_path, capsys):
    """The previous snapshot already charges what the feed says (it is the same data, dated yesterday): the new
    folder is removed, requirements.txt is as it was, changed=false."""
    snaps, requirements, output = scratch
    requirements.write_text(f"genai-prices=={version('genai-prices')}\n", encoding="utf-8")
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    refreshed = [p for p in (ROOT / "data" / "snapshots").iterdir() if len(p.name) == 10 and p.name[:2] == "20"]
    source = max(refreshed, key=lambda p: p.name)  # the repository's newest snapshot, made from this genai-prices
    shutil.rmtree(snaps / yesterday, ignore_errors=True)
    shutil.copytree(source, snaps / yesterday)
    for name in ("snapshot.json", "figures.csv"):
        path = snaps / yesterday / name
        path.write_text(path.read_text(encoding="utf-8").replace(source.name, yesterday), encoding="utf-8")
    before, pinned = tree_hashes(snaps), requirements.read_text(encoding="utf-8")
    body = tmp_path / "body.md"
    assert _run(feed, requirements, "--body", str(body)) == 0
    assert "nothing to propose" in capsys.readouterr().out
    assert tree_hashes(snaps) == before and requirements.read_text(encoding="utf-8") == pinned
    assert not body.exists()
    assert output.read_text(encoding="utf-8") == f"changed=false\nsnapshot={TODAY}\n"


def test_a_failed_fetch_stops_with_everything_as_it_was(scratch, feed, capsys):
    snaps, requirements, output = scratch
    feed.replies = [Reply(500, b"down")] * 5
    before, pinned = tree_hashes(snaps), requirements.read_text(encoding="utf-8")
    assert _run(feed, requirements) == 1
    assert "refresh genai-prices failed, data unchanged" in capsys.readouterr().err
    assert tree_hashes(snaps) == before and requirements.read_text(encoding="utf-8") == pinned
    assert not output.exists()


def test_the_workflow_runs_the_script_the_tests_and_opens_a_pull_request():
    text = WORKFLOW.read_text(encoding="utf-8")
    text = text[text.index("steps:") :]  # the steps, not the comments above them
    head = WORKFLOW.read_text(encoding="utf-8")
    assert "schedule:" in head and "cron:" in head and "workflow_dispatch:" in head
    steps = [
        "pip install --upgrade genai-prices",
        "tools/refresh_prices.py",
        "make test",
        "peter-evans/create-pull-request",
    ]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions), "upgrade, refresh, test, then the pull request"
    assert "steps.refresh.outputs.changed == 'true'" in text
