"""Every page on a 390 px phone, offline: nothing pushes the page sideways and every chart fits the screen.

A full-page screenshot of each page goes to ``_build/screenshots/phone/<page>.png`` (look at them after a layout
change). Wide tables and the saved kernel widgets scroll inside their own box (CSS from ``tools/llms101_site.py``),
so only the page itself is checked for sideways scrolling.

Needs the built site (``make book``; ``make test`` builds it first) and Debian's Chromium (see conftest.py).
"""

from __future__ import annotations

import pytest
from site_pages import PAGES, file_name, open_settled

PHONE = {"width": 390, "height": 844}

# What sticks out: the page's own sideways scroll, and any chart drawing (or chart control) past the screen's edge.
_OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  const wide = [];
  const edge = window.innerWidth + 1;
  for (const chart of document.querySelectorAll(".vega-embed")) {
    // The drawing, what Vega draws past the drawing's box (a label), and the chart's controls: inside the screen
    // and inside the chart's own box (past it, the cell output's scrolling box would cut them off).
    const right = Math.min(edge, chart.getBoundingClientRect().right + 1);
    const svg = chart.querySelector("svg.marks");
    const drawing = svg ? Math.min(right, svg.getBoundingClientRect().right + 1) : right;  // the SVG clips the rest
    const parts = [...chart.querySelectorAll("svg.marks, svg.marks text, .vega-bindings, canvas")];
    for (const el of parts) {
      const box = el.getBoundingClientRect();
      const limit = el.tagName.toLowerCase() === "text" ? drawing : right;
      if (box.width > 0 && (box.right > limit || box.left < -1)) {
        const what = el.tagName.toLowerCase() === "text" ? `text "${el.textContent.slice(0, 40)}"` : el.tagName;
        wide.push(`${chart.id || "?"} ${what}: ${Math.round(box.left)}..${Math.round(box.right)}`);
        break;
      }
    }
  }
  return {scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, innerWidth: window.innerWidth, wide};
}"""


@pytest.mark.parametrize("docname", PAGES)
def test_page_fits_a_phone(docname, site_url, open_offline, screenshot_dir):
    with open_offline(**PHONE) as offline:
        charts = open_settled(offline, site_url, docname)
        page = offline.page
        # A full-page screenshot resizes the window, and charts lay themselves out again on a resize: open the
        # window to the page's height first, and let the charts settle.
        height = page.evaluate("() => document.documentElement.scrollHeight")
        page.set_viewport_size({"width": PHONE["width"], "height": min(height, 30_000)})
        try:
            page.wait_for_function(f"() => ({_OVERFLOW_JS})().wide.length === 0", timeout=3_000)
        except Exception:
            pass  # the assertions below say what sticks out
        out = screenshot_dir / "phone"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / f"{file_name(docname)}.png"), full_page=True)
        sizes = page.evaluate(_OVERFLOW_JS)
        assert sizes["scrollWidth"] <= sizes["clientWidth"], (
            f"{docname}: the page scrolls sideways on a phone ({sizes['scrollWidth']} px wide in a "
            f"{sizes['clientWidth']} px screen)"
        )
        assert not sizes["wide"], (
            f"{docname}: charts wider than their box or the {sizes['innerWidth']} px screen: {sizes['wide']}"
        )
        assert offline.external_requests == [] and offline.failed_requests == []
        assert offline.console_errors == [], f"{docname}: console errors: {offline.console_errors}"
        assert charts >= 0
