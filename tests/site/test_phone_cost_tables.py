"""The price first on a phone, readable names and Portuguese labels (issue 19).

On a 390 px screen, on every page with a calculator, after typing a text, the first row of the cost table shows
the model and the cost of a request inside the screen (no sideways scroll inside the table); on the Calculadora the
catalogue's first row too. Tokenizers read by name ("Claude (estimativa)", "Mistral v1"), never by id; the
page's numbers round as Python's ``number_pt`` does; and the themes' labels are Portuguese. Screenshots of each
calculator on the phone go to ``_build/screenshots/phone/calc-<page>.png``.
"""

from __future__ import annotations

import json
import re

import pytest

from calculators.formatting import number_pt
from calculators.tokens import TOKENIZERS

PHONE = {"width": 390, "height": 844}
PAGES_WITH_CALCULATOR = (
    "chapters/calculadora.html",
    "chapters/como-funcionam.html",
    "chapters/velocidade.html",
    "chapters/preco.html",
    "chapters/conclusao.html",
)
TEXT = "Quanto custa mandar esta frase para um modelo? Em português, por favor."
CODE_ID = re.compile(r"\w+_estimate\b|\bmistral_v\d\b")

_BOXES_JS = """(selector) => {
  const row = document.querySelector(selector);
  if (!row) return null;
  const box = (el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width,
                                                                       height: r.height}; };
  return {row: box(row), model: box(row.cells[0]), provider: box(row.cells[1]), cost: box(row.cells[4]),
          costText: row.cells[4].textContent, innerWidth: window.innerWidth};
}"""


def _inside(box: dict, width: int) -> bool:
    return box["width"] > 0 and box["height"] > 0 and box["left"] >= 0 and box["right"] <= width


def _type_and_wait(page) -> None:
    page.evaluate("window.llms101.ready")
    box = page.locator("textarea[data-llms101-input]").first
    box.fill(TEXT)
    page.wait_for_function(
        """() => {
             const counts = [...document.querySelectorAll('[data-llms101-count]')];
             return counts.length > 0 && counts.every((c) => Number(c.dataset.value) > 0)
               && document.querySelector('[data-llms101-cost-row]') !== null;
           }""",
        timeout=20_000,
    )


@pytest.mark.parametrize("path", PAGES_WITH_CALCULATOR)
def test_first_cost_is_on_a_phone_screen(open_offline, site_url, screenshot_dir, path):
    with open_offline(**PHONE) as offline:
        page = offline.page
        page.goto(site_url + path)
        _type_and_wait(page)
        calc = page.locator("[data-llms101-calculator]").first
        page.locator("[data-llms101-cost-row]").first.scroll_into_view_if_needed()
        boxes = page.evaluate(_BOXES_JS, "[data-llms101-cost-row]")
        width = boxes["innerWidth"]
        assert _inside(boxes["cost"], width), (path, boxes)
        assert _inside(boxes["model"], width) and _inside(boxes["provider"], width), (path, boxes)
        assert boxes["row"]["right"] <= width, (path, boxes)  # the card, not a row past the edge
        out = screenshot_dir / "phone"
        out.mkdir(parents=True, exist_ok=True)
        calc.screenshot(path=str(out / f"calc-{path.split('/')[-1].removesuffix('.html')}.png"))
        assert not offline.console_errors, offline.console_errors
        assert not offline.external_requests, offline.external_requests


def test_catalogue_first_cost_is_on_a_phone_screen(open_offline, site_url, screenshot_dir):
    with open_offline(**PHONE) as offline:
        page = offline.page
        page.goto(site_url + "chapters/calculadora.html")
        _type_and_wait(page)
        page.locator(".llms101-catalogue summary").click()
        page.wait_for_function(
            "document.querySelector('[data-llms101-catalogue-row]')?.dataset.costUsd > '0'", timeout=20_000
        )
        page.locator("[data-llms101-catalogue-row]").first.scroll_into_view_if_needed()
        boxes = page.evaluate(_BOXES_JS, "[data-llms101-catalogue-row]")
        assert _inside(boxes["cost"], boxes["innerWidth"]), boxes
        assert _inside(boxes["model"], boxes["innerWidth"]), boxes
        page.locator(".llms101-catalogue").screenshot(path=str(screenshot_dir / "phone" / "calc-catalogo.png"))
        names = page.locator("[data-llms101-catalogue-row] td:nth-child(3)").all_text_contents()
        assert names and not [n for n in names if CODE_ID.search(n)], names


def test_names_for_people_and_numbers_like_python(open_offline, site_url, site_dir):
    """No tokenizer id as a label; every cost cell reads as Python formats the row's cost."""
    decimals = json.loads((site_dir / "calc" / "data.json").read_text(encoding="utf-8"))["cost_decimals"]
    with open_offline() as offline:
        page = offline.page
        page.goto(site_url + "chapters/calculadora.html")
        _type_and_wait(page)
        labels = page.locator("[data-llms101-count]").evaluate_all(
            "(cells) => cells.map((c) => [c.dataset.tokenizer, c.closest('tr').cells[0].textContent])"
        )
        assert labels
        for name, label in labels:
            assert label == TOKENIZERS[name].label and not CODE_ID.search(label), (name, label)
        options = page.locator("select option").all_text_contents()
        assert not [o for o in options if CODE_ID.search(o)], options
        assert "Claude (estimativa)" in [label for _, label in labels]
        rows = page.locator("[data-llms101-cost-row]").evaluate_all(
            "(rows) => rows.map((r) => [r.dataset.costUsd, r.cells[4].textContent])"
        )
        checked = 0
        for cost, text in rows:
            if cost:
                assert text.removesuffix(" *") == number_pt(float(cost), decimals), (cost, text)
                checked += 1
        assert checked > 20


def test_theme_labels_are_portuguese(site_dir):
    english = [
        "Color mode",
        "On this page",
        "Site navigation",
        "Launch interactive content",
        "Version warning",
        "Toggle primary sidebar",
        "Back to top",
        "Skip to main content",
        "previous page",
        "next page",
    ]
    pages = sorted((site_dir / "chapters").glob("*.html"))
    assert pages
    for html in pages:
        text = html.read_text(encoding="utf-8")
        found = [e for e in english if f'"{e}"' in text or f">{e}<" in text]
        found += [e for e in ("Main", "Page") if f'aria-label="{e}"' in text]
        assert not found, (html.name, found)
        assert 'aria-label="Modo de cor"' in text, html.name
    assert any('aria-label="Nesta página"' in html.read_text(encoding="utf-8") for html in pages)
