"""Choice charts: every builder validates, and the browser lab computes what calculators.choose computes.

The lab's Vega expressions are read back from the chart spec and evaluated in Python (see test_charts_speed)
on the data the chart embeds, for many slider positions; costs, response times and each row's status
(atende / sem dado / não atende) must match ``choose``.
"""

from __future__ import annotations

import itertools
import math
import random

import pytest
from test_charts_speed import calculates, dataset_rows, evaluate, params_of, parse_vega, rows_with, run_vega  # noqa: F401

from calculators import Price, cost_table, load_snapshot, monthly_cost_usd, request_cost_usd
from calculators.charts.choice import (
    ANY_OPENNESS,
    COST_USD_EXPR,
    FAIL_EXPRS,
    MONTHLY_COST_USD_EXPR,
    NOTHING_FITS_PT,
    STATUS_EXPR,
    UNKNOWN_EXPRS,
    choice_chart,
    lab_data,
    open_closed_chart,
)
from calculators.choose import CLOSED_PT, FAILS, FITS, OPEN_PT, UNKNOWN, choose


@pytest.fixture(scope="module")
def df():
    return load_snapshot("2024-05")


@pytest.fixture(scope="module")
def lab(df):
    spec = choice_chart(df).to_dict()
    return spec, calculates(spec), dataset_rows(spec)


def browser_rows(lab, params):
    """Each row's cost, response time and status as the browser computes them."""
    _, exprs, rows = lab
    out = []
    for row in rows:
        row = dict(row)
        for field in ("cost_usd", "e2e_s", "monthly_cost_usd", "fails", "unknown"):
            row[field] = evaluate(exprs[field], row, params)
        row["status"] = FAILS if row["fails"] else UNKNOWN if row["unknown"] else FITS
        out.append(row)
    return out


def test_formulas_are_pure_arithmetic():
    parse_vega(COST_USD_EXPR)
    parse_vega(MONTHLY_COST_USD_EXPR)


def test_status_expression_reads_the_two_flags():
    assert STATUS_EXPR == f"datum.fails ? '{FAILS}' : datum.unknown ? '{UNKNOWN}' : '{FITS}'"
    assert set(FAIL_EXPRS) == {"open_weights", "quality", "e2e", "context"}
    assert set(UNKNOWN_EXPRS) == {"open_weights", "quality", "e2e", "context", "price"}


def test_spec_uses_the_module_formulas(lab):
    _, exprs, _ = lab
    assert COST_USD_EXPR in exprs["cost_usd"]
    assert MONTHLY_COST_USD_EXPR in exprs["monthly_cost_usd"]
    assert exprs["status"] == STATUS_EXPR


@pytest.mark.parametrize(
    "tokens", [(0, 0), (1, 1), (3_000, 1_000), (2_000, 500), (128_000, 10), (128_001, 10), (150_000, 4_000)]
)
def test_browser_cost_matches_pricing(df, lab, tokens):
    """Every row, at the tier its prompt falls in (Gemini's above 128,000 tokens): pricing.cost_table's prices."""
    input_tokens, output_tokens = tokens
    params = {"input_tokens": input_tokens, "output_tokens": output_tokens, "requests_per_day": 1_000}
    _, exprs, rows = lab
    table = cost_table(df, input_tokens=input_tokens, output_tokens=output_tokens)
    paid = {f"{r.model} · {r.provider}": r for r in table.itertuples()}
    priced = 0
    for row in rows:
        cost = evaluate(exprs["cost_usd"], row, params)
        monthly = evaluate(exprs["monthly_cost_usd"], {**row, "cost_usd": cost}, params)
        if row["input_usd_per_mtok"] is None or row["output_usd_per_mtok"] is None:
            assert cost is None and monthly is None, row["label"]
            continue
        applied = paid[row["label"]]
        price = Price(applied.applied_input_usd_per_mtok, applied.applied_output_usd_per_mtok)
        assert cost == pytest.approx(applied.cost_usd, rel=1e-12, abs=1e-15)
        assert cost == pytest.approx(
            request_cost_usd(price, input_tokens=input_tokens, output_tokens=output_tokens), rel=1e-12, abs=1e-15
        )
        assert monthly == pytest.approx(
            monthly_cost_usd(price, requests_per_day=1_000, input_tokens=input_tokens, output_tokens=output_tokens),
            rel=1e-12,
            abs=1e-12,
        )
        priced += 1
    assert priced >= 30


def test_article_review_cost_in_the_browser(lab):
    """3,000 in + 1,000 out on Claude 3 Opus (15 / 75 USD per 1M tokens): 0.12 USD; 1,000 a day: 3,600 a month."""
    _, exprs, rows = lab
    opus = next(r for r in rows if r["label"] == "Claude 3 Opus · Anthropic")
    params = {"input_tokens": 3_000, "output_tokens": 1_000, "requests_per_day": 1_000}
    cost = evaluate(exprs["cost_usd"], opus, params)
    assert cost == pytest.approx(0.12)
    assert evaluate(exprs["monthly_cost_usd"], {**opus, "cost_usd": cost}, params) == pytest.approx(3_600)


def _grid():
    edges = [
        # input, output, requests, min_quality, use_max_e2e, max_e2e_s, openness
        (2_000, 500, 1_000, 80, False, 10, ANY_OPENNESS),
        (3_000, 1_000, 1_000, 90, True, 30, ANY_OPENNESS),
        (8_000, 192, 10, 0, False, 1, ANY_OPENNESS),  # exactly Llama 3's 8,192-token window
        (8_000, 193, 10, 0, False, 1, ANY_OPENNESS),  # one token over it
        (128_000, 100, 5, 0, False, 1, ANY_OPENNESS),  # the last prompt of Google's short tier
        (128_100, 100, 5, 0, False, 1, ANY_OPENNESS),  # the first of the long tier
        (2_000, 500, 1_000, 88, True, 1.9001654, OPEN_PT),  # Groq's 1.90 s just inside the limit
        (2_000, 500, 1_000, 89, True, 1.9, CLOSED_PT),
        (2_000, 500, 1_000, 100, True, 60, ANY_OPENNESS),
    ]
    rng = random.Random(2024_05)
    choices = [
        [100, 2_000, 8_000, 30_000, 128_000, 150_000, 200_000],
        [50, 192, 500, 1_000, 4_000],
        [1, 1_000, 100_000],
        [0, 1, 65, 72, 76, 80, 88, 94, 100],
        [False, True],
        [1, 1.5, 2, 5, 10, 20, 60],
        [ANY_OPENNESS, OPEN_PT, CLOSED_PT],
    ]
    randoms = [tuple(rng.choice(c) for c in choices) for _ in range(150)]
    return edges + randoms


def test_browser_status_matches_choose(df, lab):
    statuses_seen = set()
    for case in _grid():
        input_tokens, output_tokens, requests, min_quality, use_max, max_e2e, openness = case
        params = {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "requests_per_day": requests,
            "min_quality": min_quality,
            "use_max_e2e": use_max,
            "max_e2e_s": max_e2e,
            "openness_menu": openness,
        }
        want = choose(
            df,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            requests_per_day=requests,
            min_quality=min_quality or None,
            max_e2e_s=max_e2e if use_max else None,
            open_weights={ANY_OPENNESS: None, OPEN_PT: True, CLOSED_PT: False}[openness],
        ).set_index(["model", "provider"])
        got = browser_rows(lab, params)
        assert len(got) == len(want)
        for row in got:
            expected = want.loc[(row["model"], row["provider"])]
            assert row["status"] == expected["status"], (case, row["label"], expected["reason"])
            statuses_seen.add(row["status"])
            if row["status"] == FITS:
                assert row["monthly_cost_usd"] == pytest.approx(expected["monthly_cost_usd"], rel=1e-12)
            if not math.isnan(expected["e2e_s"]):
                assert row["e2e_s"] == pytest.approx(expected["e2e_s"], rel=1e-12)
            else:
                assert row["e2e_s"] is None
    assert statuses_seen == {FITS, FAILS, UNKNOWN}


def test_lab_data_keeps_missing_figures_missing(df):
    data = lab_data(df)
    octo = data[(data["model"] == "Llama 3 70B") & (data["provider"] == "OctoAI")].iloc[0]
    assert math.isnan(octo["input_usd_per_mtok"])
    flash = data[(data["model"] == "Gemini 1.5 Flash") & (data["provider"] == "Google")].iloc[0]
    assert flash["tier_above_tokens"] == 128_000 and flash["tier_input_usd_per_mtok"] == 0.7
    azure = data[(data["model"] == "Llama 3 70B") & (data["provider"] == "Microsoft Azure")].iloc[0]
    assert "preço estimado" in azure["notes"]
    bare = df.copy()
    bare["open_weights"] = bare["open_weights"].astype("boolean")
    bare.loc[bare["model"] == "Mistral Large", "open_weights"] = None
    data = lab_data(bare)
    mistral = data[data["model"] == "Mistral Large"].iloc[0]
    assert mistral["open_weights"] is None and mistral["openness"] == "sem dado"


@pytest.mark.parametrize("min_quality", [0, 50])
@pytest.mark.parametrize("openness", [ANY_OPENNESS, OPEN_PT])
def test_unknown_openness_and_quality_agree(df, min_quality, openness):
    """A model without its openness or its quality: "sem dado" once a constraint needs the figure, in both."""
    bare = df.copy()
    bare["open_weights"] = bare["open_weights"].astype("boolean")
    bare.loc[bare["model"] == "Mixtral 8x7B", "open_weights"] = None
    bare.loc[bare["model"] == "Llama 3 8B", "quality_index"] = math.nan
    spec = choice_chart(bare).to_dict()
    lab = (spec, calculates(spec), dataset_rows(spec))
    params = {
        "input_tokens": 2_000,
        "output_tokens": 500,
        "requests_per_day": 10,
        "min_quality": min_quality,
        "use_max_e2e": False,
        "max_e2e_s": 10,
        "openness_menu": openness,
    }
    got = {r["label"]: r["status"] for r in browser_rows(lab, params)}
    want = choose(
        bare,
        input_tokens=2_000,
        output_tokens=500,
        requests_per_day=10,
        min_quality=min_quality or None,
        open_weights=True if openness == OPEN_PT else None,
    )
    assert dict(zip(want["model"] + " · " + want["provider"], want["status"], strict=True)) == got
    assert got["Mixtral 8x7B · Groq"] == (UNKNOWN if openness == OPEN_PT else FITS)
    assert got["Llama 3 8B · Groq"] == (UNKNOWN if min_quality else FITS)


def test_choice_chart_spec(df):
    spec = choice_chart(df, min_quality=70, openness=OPEN_PT).to_dict()
    params = params_of(spec)
    assert set(params) == {
        "input_tokens",
        "output_tokens",
        "requests_per_day",
        "min_quality",
        "use_max_e2e",
        "max_e2e_s",
        "openness_menu",
    }
    assert params["min_quality"]["value"] == 70
    assert params["openness_menu"]["value"] == OPEN_PT
    assert params["openness_menu"]["bind"]["options"] == [ANY_OPENNESS, OPEN_PT, CLOSED_PT]
    assert params["use_max_e2e"]["bind"]["input"] == "checkbox"
    assert len(spec["vconcat"]) == 4
    assert "snapshot 2024-05" in str(spec)
    with pytest.raises(ValueError):
        choice_chart(df, openness="aberto")


def test_open_closed_chart_spec(df):
    spec = open_closed_chart(df).to_dict()
    rows = dataset_rows(spec)
    assert {r["openness"] for r in rows} == {OPEN_PT, CLOSED_PT}
    selection = [p for layer in spec["layer"] for p in layer.get("params", [])] + spec.get("params", [])
    assert any(p.get("bind") == "legend" and p["select"]["fields"] == ["openness"] for p in selection)
    llama = next(r for r in rows if r["model"] == "Llama 3 70B")
    assert llama["price_text"] == "US$ 0,90 por 1M tokens"


def test_grid_covers_every_menu_and_edge():
    cases = _grid()
    assert {c[6] for c in cases} == {ANY_OPENNESS, OPEN_PT, CLOSED_PT}
    assert {c[4] for c in cases} == {False, True}
    assert len(set(itertools.chain(cases))) > 100


def _ranked_fits(result: dict) -> list[dict]:
    """The rows of the ten cheapest that fit (the panel of rows left out has ``status_order`` too)."""
    candidates = [
        rows
        for rows in result["data"].values()
        if isinstance(rows, list) and rows and {"line", "rank"} <= set(rows[0]) and "status_order" not in rows[0]
    ]
    assert candidates
    return max(candidates, key=len)


def test_real_vega_agrees_with_choose(df, run_vega):  # noqa: F811
    """The lab run by the vendored vega: every row's status, the costs and the top-ten order match ``choose``."""
    cases = [_grid()[i] for i in (0, 1, 2, 3, 5, 6, 7)] + _grid()[20:33]
    runs = [
        {
            "input_tokens": c[0],
            "output_tokens": c[1],
            "requests_per_day": c[2],
            "min_quality": c[3],
            "use_max_e2e": c[4],
            "max_e2e_s": c[5],
            "openness_menu": c[6],
        }
        for c in cases
    ]
    results = run_vega(choice_chart(df).to_dict(), runs, svg=True)
    for case, result in zip(cases, results, strict=True):
        input_tokens, output_tokens, requests, min_quality, use_max, max_e2e, openness = case
        want = choose(
            df,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            requests_per_day=requests,
            min_quality=min_quality or None,
            max_e2e_s=max_e2e if use_max else None,
            open_weights={ANY_OPENNESS: None, OPEN_PT: True, CLOSED_PT: False}[openness],
        )
        rows = rows_with(result, "status", "monthly_cost_usd")
        got = {(r["model"], r["provider"]): r for r in rows}
        assert len(got) == len(want)
        for _, expected in want.iterrows():
            row = got[(expected["model"], expected["provider"])]
            assert row["status"] == expected["status"], (case, row["label"], expected["reason"])
            assert row["reason"] == expected["reason"], (case, row["label"])
            if expected["status"] == FITS:
                assert row["monthly_cost_usd"] == pytest.approx(expected["monthly_cost_usd"], rel=1e-12)
        left_out = want[want["status"] != FITS]
        expected_left_out = list(zip(left_out["model"], left_out["provider"], strict=True))[:10]
        shown = sorted(rows_with(result, "rank", "line", "status_order"), key=lambda r: r["rank"])
        assert [(r["model"], r["provider"]) for r in shown] == expected_left_out, case
        fits = want[want["status"] == FITS]
        expected_top = list(zip(fits["model"], fits["provider"], strict=True))[:10]
        top = sorted(_ranked_fits(result), key=lambda r: r["rank"]) if expected_top else []
        assert [(r["model"], r["provider"]) for r in top] == expected_top
        counts = rows_with(result, "status", "__count")
        assert {r["status"]: r["__count"] for r in counts} == want["status"].value_counts().to_dict()


def test_real_vega_fails_rows_on_generation_alone(df, run_vega):  # noqa: F811
    """5 s and 500 tokens out: the rows without a time to first token whose generation alone takes longer fail,
    drawn with that reason, as in ``choose``."""
    params = {"output_tokens": 500, "use_max_e2e": True, "max_e2e_s": 5, "min_quality": 80}
    (result,) = run_vega(choice_chart(df).to_dict(), [params], svg=True)
    want = choose(df, input_tokens=2_000, output_tokens=500, requests_per_day=1_000, min_quality=80, max_e2e_s=5)
    generation_only = want[want["reason"].str.startswith("só a geração")]
    assert len(generation_only) >= 10 and (generation_only["status"] == FAILS).all()
    got = {(r["model"], r["provider"]): r for r in rows_with(result, "status", "reason")}
    for r in generation_only.itertuples():
        assert got[(r.model, r.provider)]["status"] == FAILS
        assert got[(r.model, r.provider)]["reason"] == r.reason
    assert got[("GPT-4o", "OpenAI")]["reason"] == "só a geração já leva 6,3 s > 5 s"
    assert "sem dado" not in {r["status"] for r in got.values()}
    # The panel of rows left out draws each with its reason; with 1,000 tokens out the cheapest rows left out are the
    # ones whose response time is over 5 s, some of them known only by their generation.
    params = {"output_tokens": 1_000, "use_max_e2e": True, "max_e2e_s": 5, "min_quality": 0}
    (result,) = run_vega(choice_chart(df).to_dict(), [params], svg=True)
    want = choose(df, input_tokens=2_000, output_tokens=1_000, requests_per_day=1_000, max_e2e_s=5)
    shown = want[want["status"] != FITS].head(10)
    first = shown[shown["reason"].str.startswith("só a geração já leva")].iloc[0]
    line = f"{first['model']} · {first['provider']} — {first['status']}: {first['reason']}"
    assert line.replace(">", "&gt;") in result["svg"]


def test_real_vega_draws_the_lab(df, run_vega):  # noqa: F811
    (result,) = run_vega(choice_chart(df).to_dict(), [{}], svg=True)
    svg = result["svg"]
    assert "1. Llama 3 70B · Groq — US$ 47,25 por mês · resposta: 1,9 s · qualidade 88" in svg
    assert "Os dez mais baratos que atendem" in svg
    assert NOTHING_FITS_PT not in svg
    strict = {"min_quality": 80, "use_max_e2e": True, "max_e2e_s": 5, "openness_menu": CLOSED_PT}
    (result,) = run_vega(choice_chart(df).to_dict(), [strict], svg=True)
    assert NOTHING_FITS_PT in result["svg"] and "1. " not in result["svg"]
    (result,) = run_vega(open_closed_chart(df).to_dict(), [{}], svg=True)
    assert "Llama 3 70B" in result["svg"] and "pesos abertos" in result["svg"]
