"""The weekly price refresh, as one script the workflow runs (.github/workflows/refresh-prices.yml) and a person can
run by hand: the steps a reviewer would take, in order, each one stopping the run on failure.

1. ``pin``: write the installed genai-prices version into requirements.txt (the workflow has just upgraded it with
   ``pip install --upgrade genai-prices``), so the snapshot and the pin always name the same data;
2. ``refresh``: what ``python -m calculators refresh --source genai-prices [--base-url URL] --json`` does, in this
   process: a new snapshot named by today's date (figures of other sources carried over, the data unchanged on
   any failure);
3. ``compare``: if the new snapshot charges exactly what the previous one did (the same prices, tiers, conditions and
   scheduled prices) and the pin did not move, the new folder is removed and requirements.txt restored: nothing to
   propose;
4. ``body``: the pull request's description, from the refresh's report: the version, the prices added, removed and
   changed, the prices scheduled after today, and the review checklist.

It prints one line per step and, under GitHub Actions, writes ``changed=true|false`` and ``snapshot=ID`` to
``$GITHUB_OUTPUT``. Exit codes: 0 (done, changed or not), 1 (a step failed; the data is as it was).

    .venv/bin/python tools/refresh_prices.py --body /tmp/pr-body.md             # genai-prices' packaged data
    .venv/bin/python tools/refresh_prices.py --base-url http://127.0.0.1:8000/v2  # a copy of its feed
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^genai-prices==\S+$", re.MULTILINE)
# What makes two snapshots charge the same: the key of a figure and its value (not its as-of date, source or note).
SAME_COLUMNS = ("model", "provider", "metric", "value", "above_input_tokens", "condition", "starts_on")


class StepFailed(Exception):
    pass


def pin(requirements: Path) -> tuple[str, str]:
    """Pin requirements.txt to the installed genai-prices; returns (old pin line, new pin line)."""
    text = requirements.read_text(encoding="utf-8")
    found = PIN.search(text)
    if found is None:
        raise StepFailed(f"{requirements} has no genai-prices==VERSION line")
    new = f"genai-prices=={version('genai-prices')}"
    requirements.write_text(text[: found.start()] + new + text[found.end() :], encoding="utf-8")
    return found.group(0), new


def run_refresh(base_url: str | None) -> dict:
    """The refresh's report (``calculators.refresh.RefreshReport.as_dict``, what ``refresh --json`` prints), run in
    this process on ``calculators.data.SNAPSHOT_DIR``; StepFailed with its one-line error when it fails."""
    from calculators.refresh import RefreshError, refresh

    try:
        return refresh("genai-prices", base_url=base_url).as_dict()
    except RefreshError as e:
        raise StepFailed(f"refresh genai-prices failed, data unchanged: {e}") from None


def _charges(folder: Path) -> set[tuple[str, ...]]:
    import csv

    with (folder / "figures.csv").open(encoding="utf-8", newline="") as f:
        return {tuple(row.get(c) or "" for c in SAME_COLUMNS) for row in csv.DictReader(f)}


def unchanged(report: dict, snapshots: Path) -> bool:
    """Whether the new snapshot charges what the one it was compared with did."""
    base = report.get("compared_with")
    if not base or base == report["snapshot"]:
        return False
    return _charges(snapshots / base) == _charges(snapshots / report["snapshot"])


def _lines(items: list[dict], text) -> list[str]:
    return [f"- {text(item)}" for item in items] or ["- none"]


def _key(item: dict) -> str:
    out = f"{item['model']} / {item['provider'] or '-'} / {item['metric']}"
    if item.get("above_input_tokens"):
        out += f" above {int(item['above_input_tokens']):,} input tokens"
    if item.get("condition"):
        out += f" ({item['condition']})"
    if item.get("starts_on"):
        out += f" from {item['starts_on']}"
    return out


def body(report: dict, pins: tuple[str, str]) -> str:
    """The pull request's description (Markdown)."""
    old, new = pins
    parts = [
        f"Weekly price refresh: snapshot `{report['snapshot']}` from {report['address']}, compared with "
        f"`{report['compared_with']}` (the prices each snapshot charges on its own date).",
        "",
        f"Pin: `{old}` -> `{new}`" if old != new else f"Pin: `{new}` (unchanged)",
        "",
        f"### Changed ({len(report['changed'])})",
        *_lines(report["changed"], lambda i: f"{_key(i)}: {i['old']} -> {i['new']}"),
        "",
        f"### Added ({len(report['added'])})",
        *_lines(report["added"], lambda i: f"{_key(i)}: {i['value']}"),
        "",
        f"### Removed ({len(report['removed'])})",
        *_lines(report["removed"], lambda i: f"{_key(i)}: {i['value']}"),
        "",
        f"### Scheduled after {report['snapshot']} ({len(report.get('scheduled', []))})",
        *_lines(report.get("scheduled", []), lambda i: f"{_key(i)}: {i['value']}"),
        "",
        "### Review",
        "- `make test` passed on this branch (the workflow runs it before opening this pull request).",
        "- Check the changed prices against the providers' pages; add a paragraph on the new snapshot to "
        "`data/README.md`; chapters glue the latest figures, so read the chapters whose numbers moved.",
        "- The previous snapshots stay as history.",
    ]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="genai-prices' feed folder (default: the installed package's data)")
    parser.add_argument("--body", type=Path, help="where to write the pull request's description")
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements.txt")
    args = parser.parse_args(argv)
    from calculators import data

    snapshots = data.SNAPSHOT_DIR
    saved = args.requirements.read_text(encoding="utf-8")
    try:
        pins = pin(args.requirements)
        print(f"pin: {pins[0]} -> {pins[1]}")
        report = run_refresh(args.base_url)
        print(
            f"refresh: wrote snapshot {report['snapshot']} ({report['rows']} figures), compared with "
            f"{report['compared_with']}: {len(report['changed'])} changed, {len(report['added'])} added, "
            f"{len(report['removed'])} removed"
        )
    except StepFailed as e:
        args.requirements.write_text(saved, encoding="utf-8")
        print(f"error: {e}", file=sys.stderr)
        return 1
    changed = not (unchanged(report, snapshots) and pins[0] == pins[1])
    if not changed:
        shutil.rmtree(snapshots / report["snapshot"])
        args.requirements.write_text(saved, encoding="utf-8")
        print("compare: the new snapshot charges what the previous one did; nothing to propose")
    else:
        print("compare: prices or the pin changed; a pull request is due")
        if args.body:
            args.body.write_text(body(report, pins), encoding="utf-8")
            print(f"body: {args.body}")
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as f:
            f.write(f"changed={'true' if changed else 'false'}\nsnapshot={report['snapshot']}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
