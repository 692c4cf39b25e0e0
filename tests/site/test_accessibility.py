"""Accessibility of every page, checked in a real browser offline.

- axe-core (pinned in ``tools/vendor.json``, served from the site's ``vendor/axe-core/``) finds no ``critical`` or
  ``serious`` violation on any page at 1280 px, once its charts, math and saved widgets are drawn;
- every chart has a text alternative (``role="img"`` and an ``aria-label`` with its title and a one-sentence
  summary), and every chart control a name that says what it sets;
- the keyboard reaches every chart control, in the page's reading order, and can move a slider.

Needs the built site (``make book``; ``make test`` builds it first) and Debian's Chromium (see conftest.py).
"""

from __future__ import annotations

import pytest
from site_pages import PAGES, open_settled

AXE_PATH = "vendor/axe-core/axe.min.js"
BLOCKING = ("critical", "serious")

# axe.run on the whole document: WCAG 2.x A/AA and best-practice rules, violations only (faster).
_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
    count: v.nodes.length,
  }));
}"""


def run_axe(offline, site_url: str) -> list[dict]:
    page = offline.page
    page.add_script_tag(url=site_url + AXE_PATH)
    page.wait_for_function("() => typeof window.axe === 'object'")
    return page.evaluate(_RUN_AXE)


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"  {v['id']} ({v['impact']}, {v['count']} elements): {v['help']}; first: {v['targets']}" for v in violations
    )


# Each chart: its drawing's role and name, its title, its hidden data table's size; each chart control: whether the
# keyboard can reach it, and its accessible name (the text of the <label> around it, or an aria-label).
_CHARTS_JS = """() => [...document.querySelectorAll(".vega-embed")].map(chart => {
  const svg = chart.querySelector(".chart-wrapper svg");
  const title = svg && svg.querySelector(".role-title-text text");
  const table = chart.querySelector(".llms101-chart-data table");
  return {
    id: chart.id,
    role: svg && svg.getAttribute("role"),
    label: (svg && svg.getAttribute("aria-label")) || "",
    title: title ? title.textContent : "",
    rows: table ? table.querySelectorAll("tbody tr").length : null,
    controls: [...chart.querySelectorAll(".vega-bindings :is(input, select)")].map(el => ({
      name: el.name,
      label: (el.getAttribute("aria-label") || [...el.labels].map(l => l.textContent).join(" ")).trim(),
      tabIndex: el.tabIndex,
      disabled: el.disabled,
      visible: el.getBoundingClientRect().width > 0,
    })),
  };
})"""


@pytest.fixture(scope="module", params=PAGES)
def audited(request, site_url, open_offline):
    """One page, opened once at 1280 px: its axe violations, its charts, and what it tried to fetch."""
    docname = request.param
    with open_offline() as offline:
        open_settled(offline, site_url, docname)
        charts = offline.page.evaluate(_CHARTS_JS)
        violations = run_axe(offline, site_url)
        return {
            "docname": docname,
            "violations": violations,
            "charts": charts,
            "outside": offline.external_requests + offline.failed_requests,
        }


def test_axe_finds_no_serious_violation(audited):
    blocking = [v for v in audited["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{audited['docname']}: axe-core found serious accessibility problems:\n{describe(blocking)}"
    assert audited["outside"] == []


def test_every_chart_has_a_text_alternative(audited):
    """The drawing is an image named by its title and a sentence about it; where the chart keeps a data table for
    screen readers, the table has the drawn rows."""
    for chart in audited["charts"]:
        where = f"{audited['docname']} {chart['id']}"
        assert chart["role"] == "img", f"{where}: the drawing is not an image to a screen reader"
        assert chart["label"].startswith(chart["title"].strip()[:20]), (where, chart["label"], chart["title"])
        assert len(chart["label"]) > len(chart["title"]) + 40, f"{where}: no summary in {chart['label']!r}"
        assert chart["rows"] is None or chart["rows"] > 0, f"{where}: its data table is empty"


def test_chart_controls_are_named_and_focusable(audited):
    for chart in audited["charts"]:
        for control in chart["controls"]:
            where = f"{audited['docname']} {chart['id']} {control['name']}"
            assert control["label"], f"{where}: the control has no accessible name"
            assert not control["disabled"] and control["tabIndex"] >= 0, f"{where}: the keyboard cannot reach it"
            assert control["visible"], f"{where}: the control is not shown"


# --- the keyboard ---------------------------------------------------------------------------------------------------
# Every control under a chart (vega's bound <input>/<select>) is a native control: it must be reachable with Tab, in
# the page's reading order, and work from the keyboard.
_CHART_CONTROLS_JS = """() => [...document.querySelectorAll(".vega-embed .vega-bindings :is(input, select)")]
  .map(el => ({name: el.name, type: el.type, chart: el.closest(".vega-embed").id, tabIndex: el.tabIndex,
               disabled: el.disabled, visible: el.getBoundingClientRect().width > 0}))"""

# The focused element, as "<chart id>/<control name>" for a chart control, else its tag.
_FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  const chart = el.closest(".vega-embed");
  return chart && el.closest(".vega-bindings") ? chart.id + "/" + el.name : el.tagName.toLowerCase();
}"""

KEYBOARD_PAGES = ["chapters/preco", "chapters/conclusao"]


@pytest.mark.parametrize("docname", KEYBOARD_PAGES)
def test_tab_reaches_every_chart_control_in_order(docname, site_url, offline_page):
    open_settled(offline_page, site_url, docname)
    page = offline_page.page
    controls = [f"{c['chart']}/{c['name']}" for c in page.evaluate(_CHART_CONTROLS_JS)]
    assert controls, f"{docname} should have chart controls"
    reached = []
    for _ in range(600):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED_JS)
        if "/" in focused and focused not in reached:
            reached.append(focused)
        if reached and reached[-1] == controls[-1]:
            break
    assert reached == controls, f"{docname}: Tab reached {reached}, the page has {controls}"


def test_keyboard_moves_a_slider_and_ticks_a_box(site_url, offline_page):
    """On the Preço page: arrow keys move the output-tokens slider (and the costs follow, in the drawing and in its
    table for screen readers), Space ticks the box that shows every provider (and the rows follow)."""
    open_settled(offline_page, site_url, "chapters/preco")
    page = offline_page.page
    chart = page.locator(".vega-embed").first
    slider = chart.locator('input[type="range"][name="output_tokens"]')
    labels = chart.locator("svg text[aria-label]")
    before = labels.all_text_contents()
    table = chart.locator(".llms101-chart-data table")
    table_before = table.text_content()
    start = float(slider.input_value())
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert float(slider.input_value()) > start
    page.wait_for_function(
        "([el, before]) => [...el.querySelectorAll('svg text[aria-label]')].map(t => t.textContent).join('|')"
        " !== before",
        arg=[chart.element_handle(), "|".join(before)],
        timeout=10_000,
    )
    # The table a screen reader reads follows the slider too.
    page.wait_for_function(
        "([el, before]) => el.textContent !== before", arg=[table.element_handle(), table_before], timeout=10_000
    )

    workload = page.locator(".vega-embed", has=page.locator('input[type="checkbox"][name="all_providers"]'))
    box = workload.locator('input[type="checkbox"][name="all_providers"]')
    rows = workload.locator("svg text[aria-label]").count()
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    page.wait_for_function(
        "([el, n]) => el.querySelectorAll('svg text[aria-label]').length > n",
        arg=[workload.element_handle(), rows],
        timeout=10_000,
    )
    assert offline_page.console_errors == []
