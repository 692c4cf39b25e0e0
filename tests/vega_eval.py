"""Evaluate a browser-side Vega expression in Python, so a test can pin it to the Python formula it mirrors.

Only arithmetic, comparisons, boolean logic, ``datum.<field>``, param names and the Vega functions ``isValid`` and
``toNumber`` are accepted, and one kind of ternary: a parenthesised choice between two plain values,
``(check ? a : b)``, as a long-prompt tier picks its price (``calculators.charts.base.tier_price_expr``); anything
else (strings, attribute access, other calls, other ternaries) is rejected, so the expression cannot do more than
the test can see.
"""

from __future__ import annotations

import ast
import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Call,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
    ast.Not,
    ast.And,
    ast.Or,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.IfExp,
)
# "(check ? a : b)" with no parentheses, ? or : inside its three parts.
CHOICE = re.compile(r"\((?P<check>[^?:()]+)\?(?P<then>[^?:()]+):(?P<other>[^?:()]+)\)")


def _is_valid(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _to_number(value):
    # Vega gives null for null and ''; null compares false with > and <, as NaN does in Python.
    return math.nan if value is None or value == "" else float(value)


FUNCTIONS = {"isValid": _is_valid, "toNumber": _to_number}


def to_python(expr: str) -> str:
    """Vega syntax to Python syntax: ``datum.x`` -> ``datum__x``, ``&&`` -> ``and``, ``!x`` -> ``not x``."""
    expr = CHOICE.sub(lambda m: f"({m['then']} if {m['check']} else {m['other']})", expr)
    py = expr.replace("===", "==").replace("!==", "!=").replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"!(?!=)", " not ", py)
    return re.sub(r"\bdatum\.(\w+)", r"datum__\1", py)


def vega_eval(expr: str, datum: dict, params: dict | None = None):
    """Value of ``expr`` for one row (``datum``) and the params' current values."""
    tree = ast.parse(to_python(expr).strip(), mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            raise ValueError(f"not plain arithmetic: {type(node).__name__} in {expr!r}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValueError(f"only numeric constants allowed, got {node.value!r}")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            raise ValueError(f"only {sorted(FUNCTIONS)} may be called in {expr!r}")
    namespace = {f"datum__{k}": v for k, v in datum.items()}
    namespace.update(params or {})
    namespace.update(FUNCTIONS)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    unknown = names - set(namespace)
    if unknown:
        raise NameError(f"{sorted(unknown)} not given (expression {expr!r})")
    return eval(compile(tree, "<vega>", "eval"), {"__builtins__": {}}, namespace)  # noqa: S307 - checked above


# -- the same specs in real Vega (node + the vendored vega/vega-lite the site ships) -------------------------------
VENDOR = Path(__file__).resolve().parent.parent / "_build" / "_vendor" / "vendor"
_RUN_JS = r"""
const fs = require('fs');
const vega = require(process.env.VEGA_PATH);
const vl = require(process.env.VL_PATH);
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
(async () => {
  const compiled = vl.compile(input.spec).spec;
  const out = [];
  for (const signals of input.runs) {
    const view = new vega.View(vega.parse(compiled), {renderer: 'none'});
    for (const [name, value] of Object.entries(signals)) view.signal(name, value);
    await view.runAsync();
    const data = {};
    for (const d of compiled.data) data[d.name] = view.data(d.name);
    out.push({data, svg: input.svg ? await view.toSVG() : null});
    view.finalize();
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(String(e && e.stack || e)); process.exit(1); });
"""


def vega_runner(tmp_dir: Path):
    """``run(spec, [signals, ...])`` -> each run's datasets, computed by the vendored Vega in node (with
    ``svg=True``: each run's ``{"data": datasets, "svg": drawing}``); None when node or the vendored files
    (``make vendor``) are missing."""
    node = shutil.which("node")
    vega_js, vl_js = VENDOR / "vega" / "vega.min.js", VENDOR / "vega-lite" / "vega-lite.min.js"
    if node is None or not vega_js.is_file() or not vl_js.is_file():
        return None
    script = tmp_dir / "run.js"
    script.write_text(_RUN_JS, encoding="utf-8")
    shim = tmp_dir / "node_modules" / "vega"  # so that a bundle asking for require("vega") gets the vendored one
    shim.mkdir(parents=True, exist_ok=True)
    (shim / "index.js").write_text(f"module.exports = require({json.dumps(str(vega_js))});", encoding="utf-8")
    env = dict(os.environ, VEGA_PATH=str(vega_js), VL_PATH=str(vl_js), NODE_PATH=str(tmp_dir / "node_modules"))

    def run(spec: dict, runs: list[dict], *, svg: bool = False) -> list[dict]:
        done = subprocess.run(
            [node, str(script)],
            input=json.dumps({"spec": spec, "runs": runs, "svg": svg}),
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        results = json.loads(done.stdout)
        return results if svg else [r["data"] for r in results]

    return run


def rows_with(datasets: dict, *fields: str) -> list[dict]:
    """The largest dataset of one run whose rows have all ``fields``."""
    candidates = [rows for rows in datasets.values() if rows and all(f in rows[0] for f in fields)]
    assert candidates, f"no dataset with {fields}"
    return max(candidates, key=len)
