"""Speed charts: every builder validates, and the browser's response-time formula is pinned to calculators.latency.

The Vega expressions are evaluated here in Python, with JavaScript's treatment of null (``null + 1`` is 1,
``null < 5`` is true), on the very data the chart embeds. Anything but arithmetic, comparisons, ``&&``, ``||``,
``!`` and ``isValid`` is rejected, so a formula cannot hide logic the test does not see.
"""

from __future__ import annotations

import ast
import functools
import math
import re

import pytest
import vega_eval

from calculators import e2e_s, latency_table, load_snapshot
from calculators.charts.speed import (
    E2E_S_EXPR,
    GENERATION_S_EXPR,
    PART_GENERATION_ONLY,
    model_speed_chart,
    response_time_chart,
    when_valid,
)
from calculators.choose import response_times

ARITHMETIC = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
    ast.Name,
    ast.Constant,
    ast.Load,
)
LOGIC = ARITHMETIC + (
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.Not,
    ast.Compare,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Eq,
    ast.NotEq,
    ast.Call,
)
GUARDED = re.compile(r"^\((?P<checks>.+)\) \? \((?P<expr>.+)\) : null$")
# A choice between two plain values, "(check ? a : b)", as a long-prompt tier picks its price
# (charts.base.tier_price_expr): the same rule as vega_eval's.
CHOICE = vega_eval.CHOICE


@functools.lru_cache(maxsize=256)
def parse_vega(expr: str, *, allowed=ARITHMETIC) -> ast.Expression:
    """A Vega expression as a Python AST, refused unless every node is in ``allowed``.

    A choice ``(check ? a : b)`` between two plain values is allowed anywhere (its check may use logic).
    """
    expr, choices = CHOICE.subn(lambda m: f"({m['then']} if {m['check']} else {m['other']})", expr)
    if choices:
        allowed = tuple(dict.fromkeys(allowed + LOGIC + (ast.IfExp,)))
    if re.search(r"[?:;\[\]{}]|=>", expr):
        raise ValueError(f"not a plain expression: {expr!r}")
    py = expr.replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"!(?!=)", " not ", py)
    py = re.sub(r"\bdatum\.(\w+)", r"datum__\1", py)
    py = re.sub(r"\bnull\b", "None", py)
    tree = ast.parse(py.strip(), mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise ValueError(f"{type(node).__name__} is not allowed in {expr!r}")
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id == "isValid" and len(node.args) == 1
        ):
            raise ValueError(f"only isValid(x) may be called: {expr!r}")
        if isinstance(node, ast.Compare) and len(node.ops) != 1:
            raise ValueError(f"chained comparison in {expr!r}")
    return tree


def _valid(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _num(v):
    """JavaScript's ToNumber for the values that occur here."""
    if v is None:
        return 0
    if isinstance(v, bool):
        return int(v)
    return v


def _truthy(v) -> bool:
    if v is None or v is False or v == "" or (isinstance(v, float) and math.isnan(v)):
        return False
    return not (isinstance(v, (int, float)) and v == 0)


def _eval(node, env):
    if isinstance(node, ast.Expression):
        return _eval(node.body, env)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id == "isValid":
            raise ValueError("isValid used as a value")
        return env[node.id]
    if isinstance(node, ast.Call):
        return _valid(_eval(node.args[0], env))
    if isinstance(node, ast.IfExp):
        return _eval(node.body, env) if _truthy(_eval(node.test, env)) else _eval(node.orelse, env)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, env)
        return (not _truthy(value)) if isinstance(node.op, ast.Not) else -_num(value)
    if isinstance(node, ast.BoolOp):
        value = None
        for operand in node.values:
            value = _eval(operand, env)
            if isinstance(node.op, ast.And) and not _truthy(value):
                return value
            if isinstance(node.op, ast.Or) and _truthy(value):
                return value
        return value
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, env), _eval(node.right, env)
        if isinstance(a, str) or isinstance(b, str):
            raise ValueError("string arithmetic")
        a, b = _num(a), _num(b)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        if b == 0:
            return math.nan if a == 0 else math.copysign(math.inf, a)
        return a / b
    if isinstance(node, ast.Compare):
        a, b = _eval(node.left, env), _eval(node.comparators[0], env)
        op = node.ops[0]
        if isinstance(op, (ast.Eq, ast.NotEq)):
            same = (a is None and b is None) or (a is not None and b is not None and a == b)
            return same if isinstance(op, ast.Eq) else not same
        if not (isinstance(a, str) and isinstance(b, str)):
            a, b = _num(a), _num(b)
        return {ast.Lt: a < b, ast.LtE: a <= b, ast.Gt: a > b, ast.GtE: a >= b}[type(op)]
    raise ValueError(f"cannot evaluate {type(node).__name__}")


def env_for(row: dict, params: dict) -> dict:
    env = dict(params)
    env.update({f"datum__{k}": v for k, v in row.items()})
    return env


def evaluate(expr: str, row: dict, params: dict):
    """Evaluate a calculate expression: plain logic, or ``when_valid``'s "(checks) ? (arithmetic) : null"."""
    match = GUARDED.match(expr)
    env = env_for(row, params)
    if match:
        if not _truthy(_eval(parse_vega(match["checks"], allowed=LOGIC), env)):
            return None
        return _eval(parse_vega(match["expr"]), env)
    return _eval(parse_vega(expr, allowed=LOGIC), env)


def calculates(spec: dict) -> dict[str, str]:
    """The ``calculate`` transforms of a spec (all layers and panels) by output field; a field computed in two
    different ways in different layers maps to None."""
    found: dict[str, set[str]] = {}

    def walk(node):
        if isinstance(node, dict):
            if "calculate" in node and "as" in node:
                found.setdefault(node["as"], set()).add(node["calculate"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return {field: next(iter(exprs)) if len(exprs) == 1 else None for field, exprs in found.items()}


def params_of(spec: dict) -> dict[str, dict]:
    return {p["name"]: p for p in spec.get("params", [])}


def dataset_rows(spec: dict) -> list[dict]:
    (rows,) = spec["datasets"].values()
    return rows


@pytest.fixture(scope="module")
def df():
    return load_snapshot("2024-05")


# -- real Vega, in node ------------------------------------------------------------------------------------------------
# The vendored vega and vega-lite (``make vendor`` stages them for the site) run the spec in node: the formulas, the
# params and the number format are then checked by the same code the reader's browser runs. Without node or the
# staged files these tests are skipped (and say so); the Python evaluation above still pins the formulas.


@pytest.fixture(scope="session")
def run_vega(tmp_path_factory):
    """``run_vega(spec, [signals, ...], svg=False)`` -> one ``{"data": {name: rows}, "svg": str}`` per run."""
    from vega_eval import vega_runner

    run = vega_runner(tmp_path_factory.mktemp("vega"))
    if run is None:
        pytest.skip("node or the vendored vega files are missing (run `make vendor`)")

    def run_with_drawing(spec: dict, runs: list[dict], *, svg: bool = False) -> list[dict]:
        return run(spec, runs, svg=True) if svg else [{"data": data, "svg": None} for data in run(spec, runs)]

    return run_with_drawing


def rows_with(result: dict, *fields: str) -> list[dict]:
    """The largest dataset of a run whose rows have all ``fields``."""
    candidates = [rows for rows in result["data"].values() if rows and all(f in rows[0] for f in fields)]
    assert candidates, f"no dataset with {fields}"
    return max(candidates, key=len)


# -- the evaluator itself ---------------------------------------------------------------------------------------


def test_parser_refuses_anything_but_arithmetic():
    for bad in (
        "alert(1)",
        "datum.a.b",
        "datum.a ? 1 : 2",
        "datum['a']",
        "output_tokens > 3",
        "isValid(datum.a)",
        "a; b",
    ):
        with pytest.raises((ValueError, SyntaxError)):
            parse_vega(bad)
    with pytest.raises(ValueError):
        parse_vega("sqrt(datum.a)", allowed=LOGIC)
    with pytest.raises(ValueError):
        parse_vega("1 < datum.a < 3", allowed=LOGIC)
    assert _eval(parse_vega("datum.a + output_tokens / 2"), {"datum__a": 1, "output_tokens": 3}) == 2.5


def test_evaluator_follows_javascript_on_null():
    row, params = {"ttft_s": None, "speed_tokens_per_s": 100.0}, {"output_tokens": 500}
    assert evaluate(E2E_S_EXPR, row, params) == 5.0  # what an unguarded formula would say: TTFT taken as 0
    assert evaluate(when_valid(E2E_S_EXPR, ["ttft_s", "speed_tokens_per_s"]), row, params) is None
    assert evaluate("datum.ttft_s < 1", row, params) is True  # null < 1 in JavaScript
    assert evaluate("isValid(datum.ttft_s) && datum.ttft_s < 1", row, params) is False


def test_when_valid_shape():
    assert when_valid("datum.a + 1", ["a"]) == "(isValid(datum.a)) ? (datum.a + 1) : null"
    assert GUARDED.match(when_valid(E2E_S_EXPR, ["ttft_s", "speed_tokens_per_s"]))
    with pytest.raises(ValueError):
        when_valid("1", [])


# -- the browser formula against calculators.latency ---------------------------------------------------------------


def test_formulas_are_pure_arithmetic():
    parse_vega(GENERATION_S_EXPR)
    parse_vega(E2E_S_EXPR)


@pytest.mark.parametrize("output_tokens", [1, 50, 137, 500, 1_000, 3_999, 4_000])
def test_browser_e2e_matches_latency_on_every_row(df, output_tokens):
    spec = response_time_chart(df).to_dict()
    exprs = calculates(spec)
    rows = dataset_rows(spec)
    expected = latency_table(df, output_tokens=output_tokens)
    assert len(rows) == len(expected)
    params = {"output_tokens": output_tokens}
    checked = 0
    for row, (_, want) in zip(rows, expected.iterrows(), strict=True):
        assert (row["model"], row["provider"]) == (want["model"], want["provider"])
        generation = evaluate(exprs["generation_s"], row, params)
        total = evaluate(exprs["e2e_s"], row, params)
        if math.isnan(want["generation_s"]):
            assert generation is None
        else:
            assert generation == pytest.approx(want["generation_s"], rel=1e-12)
        if math.isnan(want["e2e_s"]):
            assert total is None, f"{row['label']}: a missing figure must give a missing time, not {total}"
        else:
            assert total == pytest.approx(want["e2e_s"], rel=1e-12)
            assert total == pytest.approx(
                e2e_s(
                    ttft_s=want["ttft_s"], output_tokens=output_tokens, output_tokens_per_s=want["speed_tokens_per_s"]
                )
            )
            checked += 1
    assert checked >= 10  # rows with a time to first token exist, so the comparison is not vacuous


def test_the_article_example_in_the_browser(df):
    """Llama 3 70B on Groq, 500 tokens: 0.25 + 500 / 303 = 1.90 s."""
    spec = response_time_chart(df).to_dict()
    groq = next(r for r in dataset_rows(spec) if r["label"] == "Llama 3 70B · Groq")
    assert evaluate(calculates(spec)["e2e_s"], groq, {"output_tokens": 500}) == pytest.approx(1.90, abs=0.005)


# -- the chart specs ------------------------------------------------------------------------------------------------


def test_response_time_chart_spec(df):
    chart = response_time_chart(df, output_tokens=700)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    params = params_of(spec)
    assert params["output_tokens"]["value"] == 700
    assert params["output_tokens"]["bind"]["input"] == "range"
    assert params["model_menu"]["bind"]["options"][0] == "todos"
    rows = dataset_rows(spec)
    no_ttft = [r for r in rows if r["ttft_s"] is None]
    assert no_ttft, "the 2024-05 snapshot has rows without a time to first token"
    assert all(r["ttft_text"] == "sem dado" for r in no_ttft)
    assert not any(r["ttft_s"] == 0 for r in rows)
    assert "snapshot 2024-05" in str(spec["title"])
    assert PART_GENERATION_ONLY in str(spec)
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_response_time_chart_rejects_bad_tokens(df):
    with pytest.raises(ValueError):
        response_time_chart(df, output_tokens=0)
    with pytest.raises(ValueError):
        response_time_chart(df, output_tokens=5_000)


def test_model_speed_chart_spec(df):
    spec = model_speed_chart(df).to_dict()
    rows = dataset_rows(spec)
    assert len(rows) == 12
    groq_model = {r["model"]: r for r in rows}
    assert groq_model["Gemini 1.5 Flash"]["speed_tokens_per_s"] == 149
    assert groq_model["GPT-4o"]["source"].startswith("accesslabs-dev/bna-website@")
    assert spec["layer"][0]["encoding"]["y"]["sort"][0] == "Gemini 1.5 Flash"


def test_charts_survive_a_snapshot_without_speeds(df):
    """A later snapshot may have prices but hardly any speed: rows stay, figures read "sem dado"."""
    bare = df.copy()
    for column in ("output_tokens_per_s", "model_output_tokens_per_s", "ttft_s"):
        bare[column] = math.nan
    spec = model_speed_chart(bare).to_dict()
    assert {r["speed_text"] for r in dataset_rows(spec)} == {"sem dado"}
    spec = response_time_chart(bare).to_dict()
    exprs = calculates(spec)
    for row in dataset_rows(spec):
        assert evaluate(exprs["e2e_s"], row, {"output_tokens": 500}) is None
        assert evaluate(exprs["generation_s"], row, {"output_tokens": 500}) is None
    assert response_times(bare, output_tokens=500)["e2e_s"].isna().all()


def test_real_vega_computes_the_response_times(df, run_vega):
    spec = response_time_chart(df).to_dict()
    results = run_vega(spec, [{"output_tokens": 500}, {"output_tokens": 2_000}], svg=True)
    for result, tokens in zip(results, (500, 2_000), strict=True):
        want = latency_table(df, output_tokens=tokens).set_index(["model", "provider"])
        rows = rows_with(result, "e2e_s", "generation_s", "e2e_text")
        assert len(rows) == len(df)
        for row in rows:
            expected = want.loc[(row["model"], row["provider"])]
            if math.isnan(expected["e2e_s"]):
                assert row["e2e_s"] is None and row["e2e_text"] == "sem dado"
            else:
                assert row["e2e_s"] == pytest.approx(expected["e2e_s"], rel=1e-12)
    first, second = results
    assert ">1,90 s</text>" in first["svg"]  # Groq, 500 tokens, with the Brazilian decimal comma
    assert "sem dado (geração: 6,25 s)" in first["svg"]  # GPT-4o: no time to first token
    assert ">6,85 s</text>" in second["svg"]  # Groq, 2,000 tokens: 0.25 + 2000 / 303


def test_real_vega_model_menu(df, run_vega):
    spec = response_time_chart(df).to_dict()
    (result,) = run_vega(spec, [{"model_menu": "Llama 3 70B"}])
    rows = rows_with(result, "e2e_s", "e2e_text")
    assert {r["model"] for r in rows} == {"Llama 3 70B"} and len(rows) == 9


# -- your own measurements beside the published ones -------------------------------------------------------------


def _report(model: str, host: str, dataset_model: str | None, ttft_s: float, speed: float, *, simulated=False):
    from calculators.bench import BenchReport, RunResult

    runs = [RunResult(True, ttft_s, speed, ttft_s + 500 / speed, 500, simulated=simulated) for _ in range(3)]
    return BenchReport(model, host, runs, "llama3", dataset_model)


@pytest.fixture
def saved(tmp_path):
    """A measurements file as ``bench --save`` writes it: Groq by host, OpenAI by --provider, a local model."""
    from calculators.measurements import load_measurements, save_measurement

    path = tmp_path / "measurements.csv"
    save_measurement(_report("llama3-70b-8192", "api.groq.com", "Llama 3 70B", 0.4, 250.0), path=path)
    save_measurement(_report("gpt-4o", "api.openai.com", "GPT-4o", 0.5, 90.0), provider="OpenAI", path=path)
    save_measurement(_report("llama3", "127.0.0.1:11434", None, 0.1, 40.0), path=path)
    return load_measurements(path)


def test_no_measurements_says_so(df, tmp_path):
    from calculators.charts.speed import NO_MEASUREMENTS_PT, measured_speed_chart, measured_vs_published
    from calculators.measurements import load_measurements

    empty = load_measurements(tmp_path / "none.csv")  # the build's case: no file
    assert empty.empty
    assert measured_vs_published(df, empty).empty
    spec = measured_speed_chart(df, empty).to_dict()
    assert dataset_rows(spec) == [{"message": NO_MEASUREMENTS_PT}]
    assert spec["mark"]["type"] == "text" and "vconcat" not in spec  # a message, not empty axes
    assert "nenhuma medição salva ainda" in NO_MEASUREMENTS_PT.lower() and "--save" in NO_MEASUREMENTS_PT


def test_measured_vs_published_table(df, saved):
    from calculators.charts.speed import MEASURED_PT, measured_vs_published

    table = measured_vs_published(df, saved)
    assert len(table) == 3 * 2 * 2  # 3 (model, provider) x 2 metrics x published/measured
    by = table.set_index(["label", "metric", "origin"])
    published = "publicado: snapshot 2024-05 (preços até 25/07/2024)"
    groq = ("Llama 3 70B · Groq", "output_tokens_per_s")  # the host api.groq.com found the snapshot's Groq
    assert by.loc[(*groq, published), "value"] == 303
    assert by.loc[(*groq, MEASURED_PT), "value"] == 250
    assert by.loc[(*groq, MEASURED_PT), "endpoint"] == "api.groq.com"
    assert by.loc[(*groq, MEASURED_PT), "as_of"] == saved["as_of"].iloc[0]
    assert by.loc[("Llama 3 70B · Groq", "ttft_s", published), "value_text"] == "0,25 s"
    gpt4o_ttft = by.loc[("GPT-4o · OpenAI", "ttft_s", published)]
    assert math.isnan(gpt4o_ttft["value"]) and gpt4o_ttft["value_text"] == "sem dado"  # missing, not 0
    local = by.loc[("llama3 · 127.0.0.1:11434", "output_tokens_per_s", published)]
    assert math.isnan(local["value"]) and "não tem" in local["detail"]
    assert by.loc[("llama3 · 127.0.0.1:11434", "output_tokens_per_s", MEASURED_PT), "value_text"] == "40 tokens/s"


def test_the_latest_measurement_wins(df, tmp_path):
    """The file is a log: several dates for the same figure; the chart shows the newest, and counts them."""
    from calculators.charts.speed import MEASURED_PT, measured_vs_published
    from calculators.measurements import load_measurements

    path = tmp_path / "measurements.csv"
    source = "python -m calculators bench, endpoint api.groq.com"
    lines = ["model,provider,metric,value,as_of,confidence,source,note"]
    for day, value in (("2025-03-02", 280), ("2025-01-10", 200), ("2025-02-01", 230)):
        lines.append(f'Llama 3 70B,Groq,output_tokens_per_s,{value},{day},measured,"{source}",median of 5 runs')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = measured_vs_published(df, load_measurements(path))
    mine = table[table["origin"] == MEASURED_PT].iloc[0]
    assert (mine["value"], mine["as_of"]) == (280, "2025-03-02")
    assert mine["detail"].startswith("3 medições salvas")
    assert set(table["metric"]) == {"output_tokens_per_s"}  # no time to first token measured: no empty panel


def test_match_published(df):
    from calculators.charts.speed import match_published

    table = latency_table(df, output_tokens=0)
    assert match_published(table, "Llama 3 70B", "api.groq.com")["provider"] == "Groq"
    assert match_published(table, "llama 3 70b", "groq")["provider"] == "Groq"
    assert match_published(table, "Llama 3 70B", "api.together.xyz")["provider"] == "Together.ai"
    assert match_published(table, "Llama 3 70B", "127.0.0.1:8000") is None
    assert match_published(table, "Llama 9", "api.groq.com") is None


def test_measured_chart_in_real_vega(df, saved, run_vega):
    from calculators.charts.speed import measured_speed_chart

    spec = measured_speed_chart(df, saved).to_dict()  # validates
    fields = {t["field"] for panel in spec["vconcat"] for t in panel["layer"][0]["encoding"]["tooltip"]}
    assert {"as_of", "endpoint", "origin", "value_text"} <= fields
    (result,) = run_vega(spec, [{}], svg=True)
    svg = result["svg"]
    assert ">303 tokens/s</text>" in svg and ">250 tokens/s</text>" in svg
    assert ">0,40 s</text>" in svg  # your time to first token, with the decimal comma
    assert ">sem dado</text>" in svg  # GPT-4o's published time to first token, and the local model's
    assert "medido por você" in svg and "publicado: snapshot 2024-05" in svg


# -- simulated measurements (the practice server) are never passed off as a provider's -----------------------------


@pytest.fixture
def with_simulated(tmp_path):
    """A real measurement of Groq and simulated ones: the practice server by default, and one written by hand under
    Groq's name (still confidence "simulated")."""
    from calculators.measurements import load_measurements, save_measurement

    path = tmp_path / "with-simulated.csv"  # not the ``saved`` fixture's file
    save_measurement(_report("llama3-70b-8192", "api.groq.com", "Llama 3 70B", 0.4, 250.0), path=path)
    save_measurement(_report("llms101-simulado", "127.0.0.1:8008", None, 0.4, 60.0, simulated=True), path=path)
    source = "python -m calculators practice-server (simulated), timed by bench, endpoint 127.0.0.1:8008"
    with path.open("a", encoding="utf-8") as f:
        f.write(f'Llama 3 70B,Groq,output_tokens_per_s,99,2026-01-02,simulated,"{source}",by hand\n')
    return load_measurements(path)


def test_simulated_measurements_are_labelled_and_never_beside_a_published_figure(df, with_simulated):
    from calculators.charts.speed import MEASURED_PT, SIMULATED_NOTE_PT, SIMULATED_PT, measured_vs_published

    assert set(with_simulated["confidence"]) == {"measured", "simulated"}
    table = measured_vs_published(df, with_simulated)
    simulated = table[table["simulated"]]
    assert len(simulated) == 2 + 1  # the practice server's two metrics and the hand-written speed, nothing beside
    assert set(simulated["origin"]) == {SIMULATED_PT}
    assert all("simulado" in label for label in simulated["label"])
    assert all(text.endswith(" (simulado)") for text in simulated["value_text"])
    assert all(detail.startswith(SIMULATED_NOTE_PT) for detail in simulated["detail"])
    practice = simulated.set_index(["label", "metric"])
    row = practice.loc[("llms101-simulado · servidor de prática (simulado)", "output_tokens_per_s")]
    assert (row["value"], row["value_text"], row["endpoint"]) == (60.0, "60 tokens/s (simulado)", "127.0.0.1:8008")
    # a simulated figure under a real provider's name: its own row, marked, not mixed with the real measurement
    assert practice.loc[("Llama 3 70B · Groq (simulado)", "output_tokens_per_s"), "value"] == 99
    real = table[~table["simulated"]].set_index(["label", "metric", "origin"])
    assert real.loc[("Llama 3 70B · Groq", "output_tokens_per_s", MEASURED_PT), "value"] == 250
    assert len(real) == 2 * 2  # the real measurement and its published figure, for two metrics


def test_the_chart_says_which_figures_are_simulated(df, with_simulated, saved):
    from calculators.charts.speed import ORIGIN_COLORS, SIMULATED_NOTE_PT, SIMULATED_PT, measured_speed_chart

    spec = measured_speed_chart(df, with_simulated).to_dict()  # validates
    assert SIMULATED_NOTE_PT in " ".join(spec["title"]["subtitle"])
    assert "simulação, não números de um provedor" in spec["description"]
    assert ["origin", "origem"] in spec["usermeta"]["llms101"]["table"]  # the hidden table says "simulado" too
    for panel in spec["vconcat"]:
        scale = panel["layer"][0]["encoding"]["color"]["scale"]
        assert dict(zip(scale["domain"], scale["range"], strict=True))[SIMULATED_PT] == ORIGIN_COLORS[SIMULATED_PT]
        outlines = [layer for layer in panel["layer"] if layer["mark"].get("strokeDash")]
        assert len(outlines) == 1 and outlines[0]["transform"] == [{"filter": "datum.simulated"}]
    # Without a simulated measurement, the chart is as before: no note, no outline.
    plain = measured_speed_chart(df, saved).to_dict()
    assert SIMULATED_NOTE_PT not in str(plain["title"]) and "simulad" not in plain["description"]
    assert not any(layer["mark"].get("strokeDash") for panel in plain["vconcat"] for layer in panel["layer"])


def test_simulated_bars_in_real_vega(df, with_simulated, run_vega):
    from calculators.charts.speed import SIMULATED_PT, measured_speed_chart

    (result,) = run_vega(measured_speed_chart(df, with_simulated).to_dict(), [{}], svg=True)
    svg = result["svg"]
    assert ">60 tokens/s (simulado)</text>" in svg and ">0,40 s (simulado)</text>" in svg
    assert SIMULATED_PT in svg and "servidor de prática (simulado)" in svg
    assert ">250 tokens/s</text>" in svg  # the real measurement, unmarked
    assert 'stroke-dasharray="4,2"' in svg
