"""Peer agreement: the course's CLI prices the shipped ``latest`` snapshot as genai-prices itself does.

genai-prices (pinned in requirements.txt, its packaged data, offline) is the source the current snapshot was built
from; its own ``calc_price`` is the reference. For a short request (3,000 in / 1,000 out) and a long one (250,000
in / 1,000 out, above every 100K/200K/272K tier), at the snapshot's instant (12:00 UTC on its date), plain, at a
time of day and by batch, every (model, provider) row that both know must agree within 0.5%.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import pytest
from genai_prices import Usage, calc_price

from calculators.data import load_snapshot
from calculators.paths import ROOT
from calculators.refresh import _provider_name, followed_models

TOLERANCE = 0.005
REQUESTS = [(3_000, 1_000), (250_000, 1_000)]

# Rows both know but price differently on purpose, each with its reason. (None today: Bedrock's global
# cross-region endpoint is the one the snapshot follows, and genai-prices prices the same model id.)
DOCUMENTED_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _snapshot_instant() -> dt.datetime:
    as_of = load_snapshot("latest").attrs["as_of"]
    return dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time(12, 0), tzinfo=dt.UTC)


def _genai_ids() -> dict[tuple[str, str], tuple[str, str]]:
    """(model, provider as the snapshot names it) -> (genai-prices provider id, model id)."""
    ids = {}
    for cat in followed_models():
        for provider_id, model_id in cat.genai:
            ids[(cat.name, _provider_name(provider_id, cat.creator))] = (provider_id, model_id)
    return ids


def _cli(*args: str) -> list[dict]:
    if "--on" not in args:  # the snapshot's instant, not the day the test runs
        args = (*args, "--on", _snapshot_instant().date().isoformat())
    out = subprocess.run(
        [sys.executable, "-m", "calculators", "cost", "--snapshot", "latest", "--json", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def _reference(provider_id: str, model_id: str, n_in: int, n_out: int, when: dt.datetime, batch: bool):
    context = {"processing": "batch"} if batch else None
    try:
        result = calc_price(
            Usage(input_tokens=n_in, output_tokens=n_out),
            model_id,
            provider_id=provider_id,
            genai_request_timestamp=when,
            price_context=context,
        )
    except LookupError:
        return None
    return float(result.total_price)


@pytest.mark.parametrize(("n_in", "n_out"), REQUESTS)
@pytest.mark.parametrize("mode", ["ordinary", "at 02:00", "batch"])
def test_cli_agrees_with_genai_prices(n_in, n_out, mode):
    extra = {"ordinary": (), "at 02:00": ("--at", "02:00"), "batch": ("--batch",)}[mode]
    rows = _cli("--input-tokens", str(n_in), "--output-tokens", str(n_out), *extra)
    instant = _snapshot_instant()
    when = instant.replace(hour=2) if mode == "at 02:00" else instant
    ids = _genai_ids()
    compared, disagreements = 0, []
    for row in rows:
        key = (row["model"], row["provider"])
        if key not in ids or key in DOCUMENTED_EXCEPTIONS:
            continue
        billed = n_out + round(row["reasoning_tokens"] or 0)  # expected thinking is billed as output (issue 16)
        want = _reference(*ids[key], n_in, billed, when, batch=mode == "batch")
        if want is None:
            continue
        got = row["cost_usd"]
        if mode == "batch" and got is None:
            # The course shows no batch price where the data has none; genai-prices then charges the ordinary one.
            ordinary = _reference(*ids[key], n_in, billed, when, batch=False)
            assert want == ordinary, f"{key}: genai-prices has a batch price the snapshot lacks"
            continue
        assert got is not None, f"{key}: the course has no cost, genai-prices says {want}"
        compared += 1
        if abs(got - want) > TOLERANCE * max(abs(want), 1e-12):
            disagreements.append((key, got, want, row["tier_above_input_tokens"], row["price_condition"]))
    assert not disagreements, disagreements
    assert compared >= (10 if mode == "batch" else 30), f"only {compared} rows compared"


def test_long_prompts_are_billed_at_their_tier():
    """The case the issue found: 250,000 input tokens cost what genai-prices computes, not the base price."""
    rows = {(r["model"], r["provider"]): r for r in _cli("--input-tokens", "250000", "--output-tokens", "1000")}
    haiku = rows[("Claude Haiku 5.5", "Anthropic")]
    assert haiku["tier_above_input_tokens"] == 100_000
    assert Decimal(str(haiku["cost_usd"])) == Decimal("0.1275")
    assert rows[("Grok 4.7", "xAI")]["cost_usd"] == pytest.approx(1.012, rel=1e-12)


def _change_days() -> list[str]:
    """The day before and the day of every scheduled price change in the snapshot, and its own date."""
    days = {load_snapshot("latest").attrs["as_of"]}
    for schedule in load_snapshot("latest")["price_schedule"]:
        for price in schedule:
            if price.starts_on:
                start = dt.date.fromisoformat(price.starts_on)
                days |= {(start - dt.timedelta(days=1)).isoformat(), start.isoformat()}
    return sorted(days)


def _cli_in_process(capsys, *args: str) -> list[dict]:
    from calculators.cli import main

    assert main(["cost", "--snapshot", "latest", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_agrees_with_genai_prices_before_and_after_every_scheduled_change(capsys):
    """Issue 17: ``cost --on DAY`` charges what genai-prices' ``calc_price`` charges on that day (12:00 UTC, and at
    02:00 for time-of-day prices), the day before and the day of every change the snapshot schedules."""
    days = _change_days()
    assert "2026-11-30" in days and "2026-12-01" in days and "2027-01-01" in days  # Gemini 4 Argon, 3.8 Flash
    ids = _genai_ids()
    compared, moved, disagreements = 0, set(), []
    for day in days:
        for mode, extra, hour in [
            ("ordinary", (), 12),
            ("at 02:00", ("--at", "02:00"), 2),
            ("batch", ("--batch",), 12),
        ]:
            when = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, 0), tzinfo=dt.UTC)
            rows = _cli_in_process(capsys, "--input-tokens", "3000", "--output-tokens", "1000", "--on", day, *extra)
            for row in rows:
                key = (row["model"], row["provider"])
                if key not in ids or key in DOCUMENTED_EXCEPTIONS:
                    continue
                billed = 1_000 + round(row["reasoning_tokens"] or 0)  # thinking is billed as output (issue 16)
                want = _reference(*ids[key], 3_000, billed, when, batch=mode == "batch")
                if want is None:
                    continue
                got = row["cost_usd"]
                if mode == "batch" and got is None:
                    ordinary = _reference(*ids[key], 3_000, billed, when, batch=False)
                    assert want == ordinary, f"{key} on {day}: genai-prices has a batch price the snapshot lacks"
                    continue
                assert got is not None, f"{key} on {day}: the course has no cost, genai-prices says {want}"
                compared += 1
                if abs(got - want) > TOLERANCE * max(abs(want), 1e-12):
                    disagreements.append((key, day, mode, got, want))
                if mode == "ordinary" and not row["reasoning_tokens"]:
                    moved.add((key, round(got, 12)))
    assert not disagreements, disagreements
    assert compared >= 30 * len(days), f"only {compared} rows compared"
    argon = {cost for key, cost in moved if key == ("Gemini 4 Argon", "Google")}
    assert argon == {0.016, 0.032}  # 3,000 in + 1,000 out at 2 / 10, then at 4 / 20 per 1M tokens


def test_the_done_when_dates_of_issue_17():
    """The issue's check, through the real command: Gemini 4 Argon on Google at 2 / 10 on 2026-11-30 and at 4 / 20
    on 2026-12-06, with the note that says so."""
    args = ("--input-tokens", "3000", "--output-tokens", "1000")
    before = {(r["model"], r["provider"]): r for r in _cli(*args, "--on", "2026-11-30")}
    after = {(r["model"], r["provider"]): r for r in _cli(*args, "--on", "2026-12-06")}
    key = ("Gemini 4 Argon", "Google")
    for rows, day in ((before, "2026-11-30"), (after, "2026-12-06")):
        when = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12, 0), tzinfo=dt.UTC)
        assert rows[key]["cost_usd"] == pytest.approx(_reference("google", "gemini-4-argon", 3000, 1000, when, False))
    assert before[key]["cost_usd"] == pytest.approx((3_000 * 2 + 1_000 * 10) / 1e6)
    assert after[key]["cost_usd"] == pytest.approx((3_000 * 4 + 1_000 * 20) / 1e6)
    assert before[key]["price_note"] == "preço promocional até 30/11/2026"
    assert after[key]["price_note"] == "preço mudou em 01/12/2026"
    assert after[("Gemini 3.8 Flash", "Google")]["price_note"] == "preço promocional até 31/12/2026"
    assert after[("Llama 3.3 70B", "Groq")]["price_note"] == ""
