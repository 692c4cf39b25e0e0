"""Every page of the built site, opened offline in Chromium: nothing external, nothing broken, charts drawn.

A full-page screenshot of each page goes to ``_build/screenshots/<page>.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_pages import settle, toc_docnames

ROOT = Path(__file__).resolve().parents[2]


PAGES = ["index", *toc_docnames(), "search", "genindex"]


def _screenshot_name(docname: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", docname) + ".png"


def test_toc_pages_are_built(site_dir):
    missing = [d for d in toc_docnames() if not (site_dir / f"{d}.html").is_file()]
    assert not missing, f"pages in _toc.yml without HTML in {site_dir}: {missing}"


def test_every_chapter_page_is_in_the_toc(site_dir):
    built = {str(p.relative_to(site_dir).with_suffix("")) for p in (site_dir / "chapters").glob("*.html")}
    assert built <= set(toc_docnames()), f"built chapter pages outside _toc.yml: {sorted(built - set(PAGES))}"


def test_search_finds_a_chapter_offline(offline_page, site_url):
    """Sphinx's client-side search works from the site's own index."""
    page = offline_page.page
    page.goto(f"{site_url}search.html?q=tokens", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=15000)
    assert page.locator("#search-results li a").count() > 0
    assert offline_page.external_requests == [] and offline_page.failed_requests == []
    assert offline_page.console_errors == []


@pytest.mark.parametrize("docname", PAGES)
def test_page_offline(docname, site_dir, site_url, offline_page, screenshot_dir):
    page = offline_page.page
    response = page.goto(f"{site_url}{docname}.html", wait_until="load")
    assert response is not None and response.ok, f"{docname}.html answered {response and response.status}"
    page.wait_for_load_state("networkidle")
    charts = settle(offline_page)
    assert page.locator("mjx-merror").count() == 0, f"{docname}: MathJax could not typeset some math"
    screenshot_dir.mkdir(parents=True, exist_ok=True)  # another test session may have emptied it meanwhile
    page.screenshot(path=str(screenshot_dir / _screenshot_name(docname)), full_page=True)

    assert offline_page.external_requests == [], f"{docname}: requests outside the site were attempted"
    assert offline_page.failed_requests == [], f"{docname}: requests failed"
    assert offline_page.console_errors == [], f"{docname}: console errors"
    assert charts >= 0


def test_no_page_references_an_external_script_or_stylesheet(site_dir):
    """A static check over every HTML file: no <script src> or stylesheet <link> outside the site."""
    pattern = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"']((?:https?:)?//[^\"']+)", re.IGNORECASE)
    offenders = {}
    for html in site_dir.rglob("*.html"):
        text = html.read_text(encoding="utf-8", errors="replace")
        for tag in re.finditer(r"<(?:script|link)\b[^>]*>", text, re.IGNORECASE):
            m = pattern.match(tag.group(0))
            if not m:
                continue
            if tag.group(0).lower().startswith("<link") and "stylesheet" not in tag.group(0).lower():
                continue  # <link rel="canonical"> etc. are not loaded
            offenders.setdefault(str(html.relative_to(site_dir)), []).append(m.group(1))
    assert not offenders, f"pages that would load from outside the site: {offenders}"


def test_pages_do_not_load_the_fontawesome_kit(site_dir):
    """tools/llms101_site.py drops the theme's 1.4 MB FontAwesome script (its CSS draws the icons)."""
    pages = site_dir.rglob("*.html")
    heavy = [str(p.relative_to(site_dir)) for p in pages if "scripts/fontawesome.js" in p.read_text()]
    assert not heavy, heavy


def test_vendor_assets_are_published(site_dir):
    """The pinned JavaScript is in the site (``html_extra_path``), in the versions ``tools/vendor.json`` pins."""
    import json

    lock = json.loads((ROOT / "tools" / "vendor.json").read_text(encoding="utf-8"))["packages"]
    published = json.loads((site_dir / "vendor" / "versions.json").read_text(encoding="utf-8"))
    assert published == {p["name"]: p["version"] for p in lock}
    for relpath in (
        "vega/vega.min.js",
        "vega-lite/vega-lite.min.js",
        "vega-embed/vega-embed.min.js",
        "html-manager/embed.js",
        "mathjax/tex-mml-chtml.js",
        "tiktoken/tiktoken_bg.wasm",
        "sentencepiece/index.js",
    ):
        path = site_dir / "vendor" / relpath
        assert path.is_file() and path.stat().st_size > 10_000, f"missing or truncated: vendor/{relpath}"
    # sentencepiece-js imports Node's fs and buffer by bare name; the staged copy has browser stand-ins instead.
    head = (site_dir / "vendor" / "sentencepiece" / "index.js").read_text(encoding="utf-8")[:2000]
    assert "from 'fs'" not in head and "from 'buffer'" not in head
