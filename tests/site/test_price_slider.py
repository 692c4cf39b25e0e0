"""The Preço page in a real browser, offline: moving the output-tokens slider changes a row's cost to exactly what
``calculators.pricing`` computes for the new value, and the snapshot menu swaps in another snapshot's rows, each
costed with its own tokenizer.

Needs the built site (``make book``; ``make test`` builds it first) and Debian's Chromium (see conftest.py).
"""

from __future__ import annotations

import re

import pytest

from calculators import Price, list_snapshots, load_snapshot, request_cost_usd
from calculators.charts.base import MISSING_PT, usd_pt
from calculators.charts.price import COST_DECIMALS
from calculators.costs import article_text, calculator_table

PAGE = "chapters/preco.html"
ROW = ("Claude 3 Opus", "Anthropic")
UNPRICED_ROW = ("Llama 3 70B", "OctoAI")
NEW_OUTPUT_TOKENS = 2_350

# The first chart on the page is the article's cost per (model, provider); its slider is the "output_tokens" param.
SLIDER = 'input[type="range"][name="output_tokens"]'
MENU = 'select[name="snapshot"]'


def _label(model: str, provider: str) -> str:
    return f"{model} · {provider}"


def _cost_text(chart, model: str, provider: str) -> str:
    """The text mark of one row: vega draws it as an SVG <text> whose aria-label is the row's label."""
    mark = chart.locator(f'svg text[aria-label="{_label(model, provider)}"]')
    assert mark.count() == 1, f"expected one cost label for {model} · {provider}, found {mark.count()}"
    return mark.text_content()


def _amount(text: str) -> str:
    """'US$ 0,13893 (tokens estimados)' -> 'US$ 0,13893'."""
    match = re.match(r"US\$ [\d.]+,\d+", text)
    assert match, f"not a cost label: {text!r}"
    return match.group(0)


def _set_slider(slider, value: int) -> None:
    slider.evaluate(
        """(el, value) => {
            el.value = String(value);
            el.dispatchEvent(new Event("input", {bubbles: true}));
            el.dispatchEvent(new Event("change", {bubbles: true}));
        }""",
        value,
    )


def _wait_for_label(page, label: str, want: str) -> None:
    """Wait until the first chart's text mark for ``label`` starts with ``want``."""
    page.wait_for_function(
        """([selector, want]) => {
            const chart = document.querySelector(".vega-embed");
            const el = chart === null ? null : chart.querySelector(selector);
            return el !== null && el.textContent.startsWith(want);
        }""",
        arg=[f'svg text[aria-label="{label}"]', want],
        timeout=10_000,
    )


@pytest.fixture(scope="module")
def expected_row():
    """What the chapter's chart is built from: the article, counted with the row's tokenizer."""
    view = calculator_table(load_snapshot("2024-05"), text=article_text(), output_tokens=1_000, requests_per_day=1)
    row = view[(view["model"] == ROW[0]) & (view["provider"] == ROW[1])].iloc[0]
    price = Price(input_usd_per_mtok=row["input_usd_per_mtok"], output_usd_per_mtok=row["output_usd_per_mtok"])
    return price, int(row["input_tokens"])


def test_output_tokens_slider_recomputes_the_cost(offline_page, site_url, expected_row):
    page = offline_page.page
    page.goto(site_url + PAGE, wait_until="load")
    assert offline_page.wait_for_charts() >= 1

    chart = page.locator(".vega-embed").first
    slider = chart.locator(SLIDER)
    assert slider.count() == 1, "the first chart on the page must be the one with the output_tokens slider"
    start_tokens = int(float(slider.input_value()))

    price, input_tokens = expected_row

    def expected(output_tokens: int) -> str:
        return usd_pt(request_cost_usd(price, input_tokens=input_tokens, output_tokens=output_tokens), COST_DECIMALS)

    before = _cost_text(chart, *ROW)
    assert _amount(before) == expected(start_tokens)
    assert "tokens estimados" in before  # Claude's count is an estimate, and the label says so
    assert _cost_text(chart, *UNPRICED_ROW) == MISSING_PT

    _set_slider(slider, NEW_OUTPUT_TOKENS)
    want = expected(NEW_OUTPUT_TOKENS)
    assert want != expected(start_tokens)
    _wait_for_label(page, _label(*ROW), want)
    after = _cost_text(chart, *ROW)
    assert _amount(after) == want, (before, after, want)
    # Numerically too: the label is the Python cost rounded to the label's decimals.
    shown = float(_amount(after).removeprefix("US$ ").replace(".", "").replace(",", "."))
    python = request_cost_usd(price, input_tokens=input_tokens, output_tokens=NEW_OUTPUT_TOKENS)
    assert abs(shown - python) <= 0.5 * 10**-COST_DECIMALS + 1e-12
    assert _cost_text(chart, *UNPRICED_ROW) == MISSING_PT  # still missing, never 0

    assert offline_page.external_requests == []
    assert offline_page.failed_requests == []
    assert offline_page.console_errors == []


@pytest.fixture(scope="module")
def latest_row():
    """A priced row of the newest snapshot whose tokenizer the article's snapshot does not use (so the page must
    have counted the article with that row's own tokenizer), as Python costs it."""
    latest = list_snapshots()[-1]
    old_tokenizers = set(load_snapshot("2024-05")["tokenizer"])
    view = calculator_table(load_snapshot(latest["id"]), text=article_text(), output_tokens=0, requests_per_day=1)
    priced = view[view["cost_usd"].notna() & ~view["tokenizer"].isin(old_tokenizers)]
    assert not priced.empty, "the latest snapshot should use a tokenizer the 2024-05 one does not"
    row = priced.iloc[0]
    price = Price(input_usd_per_mtok=row["input_usd_per_mtok"], output_usd_per_mtok=row["output_usd_per_mtok"])
    return latest, row, price


def test_snapshot_menu_shows_the_latest_prices(offline_page, site_url, latest_row):
    latest, row, price = latest_row
    page = offline_page.page
    page.goto(site_url + PAGE, wait_until="load")
    assert offline_page.wait_for_charts() >= 1
    chart = page.locator(".vega-embed").first
    menu = chart.locator(MENU)
    assert menu.count() == 1, "the first chart must have the snapshot menu"
    assert menu.input_value() == "2024-05"  # the article's snapshot first
    options = menu.locator("option").evaluate_all("els => els.map(e => e.value)")
    assert options == [m["id"] for m in list_snapshots()]
    assert "dados: snapshot 2024-05 (preços até 25/07/2024)" in chart.locator("svg").first.text_content()

    _set_slider(chart.locator(SLIDER), NEW_OUTPUT_TOKENS)
    menu.select_option(latest["id"])
    label = _label(row["model"], row["provider"])
    cost = request_cost_usd(price, input_tokens=int(row["input_tokens"]), output_tokens=NEW_OUTPUT_TOKENS)
    want = usd_pt(cost, COST_DECIMALS)
    _wait_for_label(page, label, want)
    shown = _cost_text(chart, row["model"], row["provider"])
    assert _amount(shown) == want, (label, shown, want)
    assert ("tokens estimados" in shown) == (not row["input_tokens_exact"])  # estimates stay marked
    svg_text = chart.locator("svg").first.text_content()
    day = "/".join(reversed(latest["as_of"].split("-")))
    assert f"dados: snapshot {latest['id']} ({day})" in svg_text  # the title follows the menu
    assert chart.locator(f'svg text[aria-label="{_label(*ROW)}"]').count() == 0  # the 2024-05 rows are gone

    menu.select_option("2024-05")
    _wait_for_label(page, _label(*ROW), "US$")
    assert chart.locator(f'svg text[aria-label="{label}"]').count() == 0

    assert offline_page.external_requests == []
    assert offline_page.failed_requests == []
    assert offline_page.console_errors == []
