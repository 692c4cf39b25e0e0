"""What a reader sees under a chapter's code: Portuguese tables and numbers, never Python's own output.

Scans every cell output (``div.cell_output``) of every chapter page of the built site (``LLMS101_SITE_DIR``, by
default ``_build/html``; ``make test`` builds it first) and fails on a table header in snake_case or in English
(``model``, ``count``), on ``True``/``False``, on a float repr (``0.12500000000000003``), on ``np.float64(...)``,
on a pandas Series footer (``Name: count, dtype: int64``) and on a missing value shown as ``NaN``/``<NA>``/``None``.
Chapters show tables with ``calculators.display.table_pt`` and single numbers with ``value_pt``. Outputs that show
Python on purpose pass as they are: token ids (``encode(...)``, integers) and a list of names trip none of these.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
PAGES = [TOC["root"], *(entry["file"] for entry in TOC["chapters"])]  # "chapters/intro", ...

# A header word that is Python's, not the reader's (a header is split into words, case-insensitively).
ENGLISH_HEADERS = {
    "candidates",
    "context",
    "cost",
    "count",
    "creator",
    "exact",
    "label",
    "metric",
    "model",
    "models",
    "note",
    "openness",
    "price",
    "probability",
    "provider",
    "providers",
    "quality",
    "rank",
    "ratio",
    "reason",
    "seed",
    "source",
    "speed",
    "status",
    "step",
    "tokenizer",
    "value",
}
SNAKE_CASE = re.compile(r"[^\W\d_]_[^\W\d_]")  # an underscore between two letters: price_status, e2e_s
PYTHON_TEXT = {
    "True/False": re.compile(r"\b(?:True|False)\b"),
    "a float repr (4+ digits after a decimal point)": re.compile(r"\b\d+\.\d{4,}\b"),
    "np.float64(": re.compile(r"np\.(?:float|int)\d*\("),
    "a pandas footer (dtype:)": re.compile(r"dtype:"),
    "a pandas footer (Name: )": re.compile(r"\bName: "),
    "a missing value as Python shows it": re.compile(r"\bNaN\b|<NA>|\bNone\b"),
}


def header_problems(header: str) -> list[str]:
    """Why a table header is not the reader's: snake_case, or an English word.

    Example: header_problems("cost_usd") -> ['snake_case']; header_problems("custo (US$)") -> []
    """
    problems = []
    if SNAKE_CASE.search(header):
        problems.append("snake_case")
    english = sorted({w for w in re.findall(r"[^\W\d_]+", header.lower())} & ENGLISH_HEADERS)
    if english:
        problems.append("English " + "/".join(english))
    return problems


def text_problems(text: str) -> list[str]:
    """Python's own output in a cell's visible text.

    Example: text_problems("0.12500000000000003") -> ['a float repr (4+ digits after a decimal point)']
    """
    return [name for name, pattern in PYTHON_TEXT.items() if pattern.search(text)]


def output_problems(page_html: str, page: str) -> list[str]:
    soup = BeautifulSoup(page_html, "html.parser")
    found = []
    for number, cell in enumerate(soup.select("div.cell"), start=1):
        output = cell.select_one("div.cell_output")
        if output is None:
            continue
        for hidden in output.select("script, style"):  # chart specs and widget state: not text a reader sees
            hidden.decompose()
        code_input = cell.select_one("div.cell_input")
        code = " ".join(code_input.get_text().split()) if code_input else ""
        where = f"{page}, cell {number} ({code[:70]!r})"
        for th in output.select("thead th"):
            header = th.get_text(" ", strip=True)
            found += [f"{where}: header {header!r} is {why}" for why in header_problems(header)]
        text = output.get_text(" ", strip=True)
        for why in text_problems(text):
            found.append(f"{where}: shows {why}: {_context(text, PYTHON_TEXT[why])!r}")
    return found


def _context(text: str, pattern: re.Pattern) -> str:
    match = pattern.search(text)
    return text[max(0, match.start() - 40) : match.end() + 40]


def test_patterns_catch_python_and_spare_portuguese():
    assert header_problems("blended_usd_per_mtok") == ["snake_case"]
    assert header_problems("e2e_s") == ["snake_case"]
    assert header_problems("probability") == ["English probability"]
    assert header_problems("tempo até o primeiro token (s)") == []
    assert header_problems("HumanEval (pass@1, %)") == []
    assert text_problems("np.float64(3.03)") == ["np.float64("]
    assert text_problems("Name: count, dtype: int64") == ["a pandas footer (dtype:)", "a pandas footer (Name: )"]
    assert text_problems("0.041667 True") == ["True/False", "a float repr (4+ digits after a decimal point)"]
    assert text_problems("1.234.567,8901 sim não sem dado 0,0036") == []


@pytest.mark.parametrize("page", PAGES)
def test_cell_outputs_speak_portuguese(site_dir, page):
    html = site_dir / f"{page}.html"
    assert html.is_file(), f"{html} is missing from the built site: build the book again"
    problems = output_problems(html.read_text(encoding="utf-8"), page)
    assert not problems, "Python shows through in what the reader sees (use calculators.display):\n" + "\n".join(
        problems
    )
