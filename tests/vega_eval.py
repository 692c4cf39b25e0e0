"""Evaluate a browser-side Vega expression in Python, so a test can pin it to the Python formula it mirrors.

Only arithmetic, comparisons, boolean logic, ``datum.<field>``, param names and the Vega functions ``isValid`` and
``toNumber`` are accepted; anything else (strings, attribute access, other calls, ternaries) is rejected, so the
expression cannot do more than the test can see.
"""

from __future__ import annotations

import ast
import math
import re

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
)


def _is_valid(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _to_number(value):
    # Vega gives null for null and ''; null compares false with > and <, as NaN does in Python.
    return math.nan if value is None or value == "" else float(value)


FUNCTIONS = {"isValid": _is_valid, "toNumber": _to_number}


def to_python(expr: str) -> str:
    """Vega syntax to Python syntax: ``datum.x`` -> ``datum__x``, ``&&`` -> ``and``, ``!x`` -> ``not x``."""
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
