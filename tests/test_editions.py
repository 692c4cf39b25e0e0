"""The workshop kit's builds: the student edition (``make book-student``) and the printable PDFs (``make pdf``).

``make test`` builds them (strictly) before the tests; these tests read what was built: the student site against
the instructor's (``_build/html``, the ``site_dir`` fixture), the PDFs with pypdf.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from calculators.workshop import toc_docnames

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from editions import INSTRUCTOR_ONLY, site_dir, toc_for  # noqa: E402
from print_pdf import CHART_FAILURE_TEXT, PDF_DIR  # noqa: E402

STUDENT_DIR = site_dir("aluno")
EXERCISE = re.compile(r'<div class="exercise[^"]*admonition[^"]*" id="([^"]+)"')
SOLUTION = re.compile(r'class="solution[ "]')
BANNER = "llms101-edition-banner"


def _built(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: build {what} first (`make test` does it)", pytrace=False)
    return path


def _pages(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder).with_suffix("")): p.read_text(encoding="utf-8")
        for p in folder.glob("chapters/*.html")
    }


@pytest.fixture(scope="module")
def student_pages() -> dict[str, str]:
    _built(STUDENT_DIR / "index.html", "the student edition (make book-student)")
    return _pages(STUDENT_DIR)


@pytest.fixture(scope="module")
def instructor_pages(site_dir) -> dict[str, str]:
    return _pages(site_dir)


def test_the_student_toc_is_the_course_without_the_instructor_pages(tmp_path):
    full = toc_docnames(ROOT / "_toc.yml")
    student = toc_docnames(toc_for("aluno", tmp_path / "toc.yml"))
    assert set(INSTRUCTOR_ONLY) <= set(full), "an instructor-only page is not in _toc.yml"
    assert student == [d for d in full if d not in INSTRUCTOR_ONLY]


def test_the_student_edition_has_every_exercise_and_no_solution(student_pages, instructor_pages):
    for docname in INSTRUCTOR_ONLY:
        instructor_pages.pop(docname, None)
    assert set(student_pages) == set(instructor_pages)
    total = 0
    for docname, html in instructor_pages.items():
        exercises = EXERCISE.findall(html)
        total += len(exercises)
        assert EXERCISE.findall(student_pages[docname]) == exercises, f"{docname}: exercises differ"
        assert len(SOLUTION.findall(html)) == len(exercises), f"{docname}: the instructor's edition lost a solution"
        assert SOLUTION.findall(student_pages[docname]) == [], f"{docname}: a solution is in the student edition"
    assert total >= 25  # the course's exercises (28 when this was written)


def test_the_student_edition_says_so_on_every_page_and_hides_the_guide(student_pages, instructor_pages):
    assert all(BANNER in html for html in student_pages.values())
    assert not any(BANNER in html for html in instructor_pages.values())
    for docname in INSTRUCTOR_ONLY:
        assert not (STUDENT_DIR / f"{docname}.html").exists()
        name = Path(docname).name
        linking = [d for d, html in student_pages.items() if f"{name}.html" in html]
        assert linking == [], f"student pages link to the instructor-only {docname}: {linking}"


def test_the_student_edition_publishes_no_source_and_no_notebook():
    """The chapters' sources and Colab notebooks hold the solutions."""
    assert not (STUDENT_DIR / "_sources").exists()
    assert not (STUDENT_DIR / "notebooks").exists()
    pages = _pages(STUDENT_DIR)
    linking = sorted(d for d, html in pages.items() if "_sources/" in html)
    assert linking == [], f"student pages link to a source download: {linking}"
    assert (STUDENT_DIR / "calc" / "data.json").is_file(), "the in-page calculator's data is missing"


# --- the PDFs -----------------------------------------------------------------------------------------------------

EDITIONS = {"aluno": "edição do aluno", "instrutor": "edição do instrutor"}


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def printed(request):
    from pypdf import PdfReader

    pdf = _built(PDF_DIR / f"llms101-{request.param}.pdf", "the PDFs (make pdf)")
    reader = PdfReader(pdf)
    texts = [page.extract_text() or "" for page in reader.pages]
    manifest = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    return request.param, reader, texts, manifest


def test_pdf_is_a4_with_page_numbers(printed):
    edition, reader, texts, _ = printed
    assert len(reader.pages) > 50
    for n, (page, text) in enumerate(zip(reader.pages, texts, strict=True), start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, f"page {n} is {width}x{height} pt, not A4"
        footer = _normal(text)[-80:]
        assert f"página {n} de {len(reader.pages)}" in footer, f"page {n}: no page number in {footer!r}"
        assert EDITIONS[edition] in footer


def test_pdf_has_every_chapter_where_its_table_of_contents_says(printed, tmp_path):
    edition, reader, texts, manifest = printed
    docs = toc_docnames(toc_for(edition, tmp_path / "toc.yml"))
    titles = [entry["title"] for entry in manifest["chapters"]]
    assert len(titles) == len(docs)
    contents = _normal(texts[1])
    assert contents.startswith("Sumário")
    pages = [entry["page"] for entry in manifest["chapters"]]
    assert pages == sorted(pages) and pages[0] >= 3
    for title, page in zip(titles, pages, strict=True):
        assert re.search(rf"{re.escape(_normal(title))} {page}\b", contents), f"{title}: not in the contents"
        if title != "Introdução":  # the introduction's heading is the course's title
            assert _normal(texts[page - 1]).startswith(_normal(title)), f"{title} does not open page {page}"
    assert reader.outline, "the PDF has no outline (bookmarks)"


def test_pdf_charts_drew_and_print_as_vectors(printed):
    edition, reader, texts, manifest = printed
    whole = _normal(" ".join(texts))
    assert CHART_FAILURE_TEXT not in whole
    assert manifest["charts"] >= 15 and len(manifest["chart_titles"]) == manifest["charts"]
    for title in manifest["chart_titles"]:
        words = " ".join(_normal(title).split()[:3])
        assert words and words in whole, f"chart {title!r} is not in the {edition} PDF"

    def images(obj, seen) -> int:
        found = 0
        xobjects = (obj.get("/Resources") or {}).get("/XObject") or {}
        for ref in xobjects.values():
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            x = ref.get_object()
            found += 1 if x.get("/Subtype") == "/Image" else images(x, seen)
        return found

    seen: set[int] = set()
    assert sum(images(page, seen) for page in reader.pages) == 0, "a raster image in the PDF (charts are SVG)"


def test_pdf_solutions_only_in_the_instructor_edition(printed):
    edition, _, texts, manifest = printed
    whole = _normal(" ".join(texts))
    solutions = len(re.findall(r"Solução para ?Exercício", whole))
    quiz_answers = whole.count("Resposta:")  # the quizzes' answer key
    questions = len(re.findall(r"Pergunta 1 de \d", whole))
    if edition == "instrutor":
        assert manifest["solutions_opened"] >= 25 and solutions >= 25
        assert "Guia do instrutor" in [c["title"] for c in manifest["chapters"]]
        assert quiz_answers >= 27 and questions >= 9
    else:
        assert manifest["solutions_opened"] == 0 and solutions == 0 and quiz_answers == 0
        assert questions >= 9, "the quizzes' questions belong in the handout"
        assert "Guia do instrutor" not in whole
