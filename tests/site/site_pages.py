"""Helpers shared by the accessibility and phone-layout tests: which pages to open, and how to wait until a page
has drawn everything a reader sees (charts, math, saved widgets).

Not a test module (pytest collects only ``test_*.py``); the tests import it by name (``tests/site`` is on
``sys.path`` under pytest's default import mode).
"""

from __future__ import annotations

import re
from pathlib import Path

from chromium import settle_page

from calculators.workshop import toc_docnames  # noqa: F401 - the tests import it from here

ROOT = Path(__file__).resolve().parents[2]


# Every page a reader can reach: the book's pages in reading order (``index.html`` only redirects to the first
# one) and the search page the header's search box submits to, with results.
PAGES = [*toc_docnames(), "search"]
PAGE_QUERY = {"search": "?q=tokens"}


def page_url(site_url: str, docname: str) -> str:
    return f"{site_url}{docname}.html{PAGE_QUERY.get(docname, '')}"


def file_name(docname: str) -> str:
    """``chapters/preco`` -> ``chapters-preco``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", docname)


def open_settled(offline, site_url: str, docname: str) -> int:
    """Open ``docname`` and wait until its charts, math, saved widgets and search results are drawn.

    Returns how many charts the page has.
    """
    page = offline.page
    response = page.goto(page_url(site_url, docname), wait_until="load")
    assert response is not None and response.ok, f"{docname}.html answered {response and response.status}"
    return settle(offline)


def settle(offline) -> int:
    """Wait until the open page has drawn its charts, typeset its math (MathJax, where Sphinx loads it), drawn
    every saved ipywidgets view and, on a search with a query, listed its results. Returns how many charts."""
    page = offline.page
    charts = offline.wait_for_charts()
    settle_page(page)
    if "search.html?q=" in page.url:
        page.wait_for_selector("#search-results li", timeout=15000)
    page.wait_for_load_state("networkidle")
    return charts


def paste(page, text: str) -> None:
    """Put ``text`` in the calculator's box as a paste does (counted at once, no typing delay)."""
    page.evaluate(
        """(text) => {
             const box = document.querySelector("textarea[data-llms101-input]");
             box.value = text;
             box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
           }""",
        text,
    )
