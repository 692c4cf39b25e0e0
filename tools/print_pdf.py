"""Print an edition of the course to PDF with Debian's Chromium (no LaTeX): ``make pdf``.

    python tools/print_pdf.py aluno       # _build/print/aluno      -> _build/pdf/llms101-aluno.pdf
    python tools/print_pdf.py instrutor   # _build/print/instrutor  -> _build/pdf/llms101-instrutor.pdf

The one-page build of the edition (``tools/editions.py print EDITION``) is served on 127.0.0.1 and opened in
headless Chromium with every other host blocked. Once every chart has drawn (SVG, so they print as vectors), the
math is typeset and the saved widgets are drawn, the page gets a cover and a table of contents, and is printed on
A4 with page numbers and the PDF's outline (bookmarks). The table of contents gets its page numbers from a first
print: Chromium writes each internal link as a link to a page, which is read back with pypdf; the second print
is the one kept. In the instructor's edition the solutions are printed open. A chart that did not draw stops the
print with the chart's name: the handout never says "Não foi possível desenhar". Beside the PDF,
``llms101-EDITION.json`` says what was printed (the chapters and their pages, the charts and their titles).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chromium import (
    CHARTS_DRAWN_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    block_outside,
    harmless_error,
    serve_folder,
    settle_page,
)  # noqa: E402
from editions import BUILD, EDITIONS, print_dir  # noqa: E402

PDF_DIR = BUILD / "pdf"
# A4 at CSS's 96 px per inch is 794 px wide; the page is laid out at the printed width (minus the margins), so the
# charts, which size themselves to their container, are drawn at the size they print at.
MARGIN_MM = 14
LAYOUT_WIDTH_PX = round((210 - 2 * MARGIN_MM) / 25.4 * 96)
EDITION_TITLES = {"aluno": "Edição do aluno", "instrutor": "Edição do instrutor (com as soluções)"}
CHART_FAILURE_TEXT = "Não foi possível desenhar"

FOOTER = (
    '<div style="font-size:8pt;width:100%;padding:0 14mm;display:flex;justify-content:space-between;'
    'color:#444;font-family:sans-serif"><span>LLMs 101 — {edition}</span>'
    '<span>página <span class="pageNumber"></span> de <span class="totalPages"></span></span></div>'
)

# The cover and the table of contents, built from the chapters' headings (each chapter is a section whose first
# heading is its title). Each entry links to its chapter, which is how its page number is found after a print.
FRONT_MATTER_JS = """
([title, edition]) => {
  const clean = el => el.textContent.replace(/[#¶]/g, "").trim();
  const root = document.querySelector("article section");
  // Sphinx's one-page build marks where each document starts with <span id="document-DOCNAME">.
  const chapters = [root, ...[...document.querySelectorAll('span[id^="document-"]')].map(span => {
    let el = span.nextElementSibling;
    while (el && el.tagName !== "SECTION") { el = el.nextElementSibling; }
    return el;
  })].filter(s => s && s.id && s.querySelector(":scope > h1, :scope > h2"));
  chapters.forEach(s => s.classList.add("llms101-print-chapter"));
  const names = chapters.map(s => clean(s.querySelector(":scope > h1, :scope > h2")));
  names[0] = "Introdução";
  const entries = chapters.map((s, i) =>
    `<li><a href="#${s.id}"><span class="llms101-toc-title">${names[i]}</span>` +
    `<span class="llms101-toc-page" data-llms101-toc-page="${i}"></span></a></li>`).join("");
  const front = document.createElement("div");
  front.className = "llms101-print-front";
  front.innerHTML =
    `<section class="llms101-print-cover"><p class="llms101-print-kicker">Curso interativo</p>` +
    `<h1>${title}</h1><p class="llms101-print-edition">${edition}</p>` +
    `<p>Cada número deste material vem dos dados do curso, com fonte e data. As calculadoras interativas ` +
    `funcionam no site, mesmo sem internet.</p></section>` +
    `<nav class="llms101-print-toc" aria-label="Sumário"><h2>Sumário</h2><ol>${entries}</ol></nav>`;
  root.parentNode.insertBefore(front, root);
  return names.map((name, i) => [name, chapters[i].id]);
}
"""

# What each drawn chart shows as its title (its first line), to find it again in the PDF's text.
CHART_TITLES_JS = """
() => [...document.querySelectorAll(".llms101-chart, .vega-embed")].filter(el => el.querySelector("svg"))
  .map(el => {
    const title = el.querySelector("svg .role-title-text text, svg .role-title text");
    return title ? title.textContent.trim() : "";
  })
"""

# The instructor's edition prints open: every exercise's solution and every quiz's answer (an answer key).
OPEN_SOLUTIONS_JS = """
() => {
  for (const answer of document.querySelectorAll(".llms101-quiz-answer")) {
    answer.hidden = false;
    answer.open = true;
    answer.classList.add("llms101-print-key");
  }
  let opened = 0;
  for (const box of document.querySelectorAll(".solution.dropdown")) {
    const button = box.querySelector("button.toggle-button");
    if (button && button.classList.contains("toggle-button-hidden")) { button.click(); opened += 1; }
    box.querySelectorAll(".toggle-hidden").forEach(el => el.classList.remove("toggle-hidden"));
  }
  return opened;
}
"""


def anchor_pages(pdf_bytes: bytes, anchors: list[str]) -> list[int | None]:
    """The page (1-based) each anchor (an element id the document links to) lands on, or None.

    Chromium writes every internal link's target as a named destination, under the target's id.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    named = reader.named_destinations
    pages: list[int | None] = []
    for anchor in anchors:
        dest = named.get(anchor, named.get("/" + anchor))  # pypdf keeps the PDF name's slash
        pages.append(None if dest is None else reader.get_destination_page_number(dest) + 1)
    return pages


def print_edition(edition: str, out: Path | None = None, *, timeout_ms: int = 60000) -> Path:
    """Print ``edition``'s one-page build to ``out`` (default ``_build/pdf/llms101-EDITION.pdf``)."""
    from playwright.sync_api import sync_playwright

    folder = print_dir(edition)
    start_page = folder / "index.html"
    if not start_page.is_file():
        raise SystemExit(
            f"print_pdf: {start_page} is missing: build it first (python tools/editions.py print {edition})"
        )
    if not CHROMIUM.exists():
        raise SystemExit(f"print_pdf: Chromium not found at {CHROMIUM} (apt-get install chromium, or LLMS101_CHROMIUM)")
    out = out or PDF_DIR / f"llms101-{edition}.pdf"
    started = time.perf_counter()
    with serve_folder(folder) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": LAYOUT_WIDTH_PX, "height": 1100}, locale="pt-BR", service_workers="block"
            )
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: None if harmless_error(str(e)) else errors.append(str(e)))
            blocked = block_outside(context)
            page.goto(f"{base}index.html", wait_until="load")
            try:
                charts = page.wait_for_function(CHARTS_DRAWN_JS, timeout=timeout_ms).json_value()[0]
            except Exception as exc:
                raise SystemExit(f"print_pdf: the charts of the {edition} edition did not all draw: {exc}") from None
            settle_page(page, timeout_ms=timeout_ms)
            page.wait_for_load_state("networkidle")
            if CHART_FAILURE_TEXT in page.inner_text("body"):
                raise SystemExit(f"print_pdf: a chart says {CHART_FAILURE_TEXT!r}: not printing the {edition} edition")
            titles = page.evaluate(CHART_TITLES_JS)
            opened = page.evaluate(OPEN_SOLUTIONS_JS) if edition == "instrutor" else 0
            chapters = page.evaluate(FRONT_MATTER_JS, ["LLMs 101 — o curso interativo", EDITION_TITLES[edition]])
            options = {
                "format": "A4",
                "print_background": True,
                "display_header_footer": True,
                "header_template": "<span></span>",
                "footer_template": FOOTER.format(edition=EDITION_TITLES[edition].split(" (")[0].lower()),
                "margin": {
                    "top": f"{MARGIN_MM}mm",
                    "bottom": f"{MARGIN_MM + 4}mm",
                    "left": f"{MARGIN_MM}mm",
                    "right": f"{MARGIN_MM}mm",
                },
                "outline": True,
                "tagged": True,
            }
            first = page.pdf(**options)
            pages = anchor_pages(first, [anchor for _, anchor in chapters])
            page.evaluate(
                """pages => pages.forEach((n, i) => {
                     const el = document.querySelector(`[data-llms101-toc-page="${i}"]`);
                     if (el) { el.textContent = n === null ? "" : String(n); }
                   })""",
                pages,
            )
            if blocked:
                raise SystemExit(f"print_pdf: the {edition} edition tried to reach outside the site: {blocked[:3]}")
            if errors:
                raise SystemExit(f"print_pdf: the {edition} edition had script errors: {errors[:3]}")
            missing = [name for (name, _), n in zip(chapters, pages, strict=True) if n is None]
            if missing:
                raise SystemExit(f"print_pdf: no page found for {missing} in the table of contents")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(page.pdf(**options))
        finally:
            browser.close()
    manifest = {
        "edition": edition,
        "chapters": [{"title": name, "page": n} for (name, _), n in zip(chapters, pages, strict=True)],
        "charts": charts,
        "chart_titles": titles,
        "solutions_opened": opened,
    }
    out.with_suffix(".json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"print_pdf: {out} ({out.stat().st_size / 1e6:.1f} MB, {len(chapters)} chapters, {charts} charts, "
        f"{opened} solutions opened) in {time.perf_counter() - started:.0f} s"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("editions", nargs="+", choices=EDITIONS)
    args = parser.parse_args(argv)
    for edition in args.editions:
        print_edition(edition)
    return 0


if __name__ == "__main__":
    sys.exit(main())
