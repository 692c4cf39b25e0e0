"""The self-check quizzes ("Teste rápido") on the built site, in Chromium, offline.

On each chapter page with a quiz: 3 to 5 questions, each with exactly one right answer in the page; a wrong answer
says "Ainda não." and shows the explanation, the right one says "Certo!"; a numeric field reads Brazilian numbers
(the page's parser is pinned to ``calculators.quiz.parse_number_pt``); the "Ver resposta" fallback is hidden once
the script runs; no console error and no request off the machine. Screenshots of the price chapter's quiz, at
1280 and 390 px, go to ``_build/screenshots/quiz-preco.png`` and ``quiz-preco-390.png``.

(Named ``test_quiz_page.py``: ``tests/test_quiz.py`` exists, and pytest's default import mode cannot collect two
test modules with one basename in folders without ``__init__.py``.)
"""

from __future__ import annotations

import math

import pytest

from calculators.formatting import number_pt
from calculators.quiz import load_quizzes, parse_number_pt

CHAPTERS = list(load_quizzes())  # tests/test_quiz.py checks which chapters these are

PARSE_INPUTS = [
    "1.234,5",
    "0,5",
    ",5",
    "1.234",
    "1.234.567,89",
    "2.5",
    "1234.5",
    "US$ 0,07",
    "1,24 s",
    "12,5%",
    "1 234,5",
    "-3,2",
    "",
    "abc",
    "1,2,3",
    "1.2.3",
    "1.23,4",
    "1e5",
    ",",
]

# What the page shows of each question: kind, the right answer's data, and what is visible.
_QUESTIONS_JS = """() => [...document.querySelectorAll(".llms101-quiz .llms101-quiz-question")].map(q => ({
  id: q.id,
  kind: q.dataset.kind,
  correct: q.querySelectorAll('input[type="radio"][data-correct="true"]').length,
  wrong: q.querySelectorAll('input[type="radio"][data-correct="false"]').length,
  answer: q.dataset.answer === undefined ? null : Number(q.dataset.answer),
  tolerance: q.dataset.tolerance === undefined ? null : Number(q.dataset.tolerance),
  toleranceKind: q.dataset.toleranceKind || null,
  legend: q.querySelector("legend").textContent.trim(),
  detailsVisible: [...q.querySelectorAll("details")].some(d => d.getClientRects().length > 0),
  buttonVisible: q.querySelector(".llms101-quiz-check").getClientRects().length > 0,
}))"""


def open_quiz(offline, site_url: str, chapter: str):
    page = offline.page
    response = page.goto(f"{site_url}chapters/{chapter}.html", wait_until="load")
    assert response is not None and response.ok
    page.wait_for_selector('.llms101-quiz[data-llms101-quiz-ready="true"]', timeout=10_000)
    return page


def state(question) -> tuple[str | None, str, bool]:
    """The question's state, its feedback line, and whether the explanation shows."""
    return (
        question.get_attribute("data-llms101-state"),
        question.locator(".llms101-quiz-feedback").inner_text(),
        question.locator(".llms101-quiz-explanation").is_visible(),
    )


def wrong_number(answer: float) -> str:
    return number_pt(answer * 2 + 10, 2)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_quiz_answers_on_the_page(chapter, offline_page, site_url):
    page = open_quiz(offline_page, site_url, chapter)
    sections = page.locator(f'section.llms101-quiz[data-llms101-quiz="{chapter}"]')
    assert sections.count() == 1
    heading = page.locator("h2", has_text="Teste rápido")
    assert heading.count() == 1, f"{chapter}: one 'Teste rápido' heading"
    questions = page.evaluate(_QUESTIONS_JS)
    assert 3 <= len(questions) <= 5, f"{chapter}: {len(questions)} questions"
    for q in questions:
        assert q["legend"], q["id"]
        assert not q["detailsVisible"], f"{q['id']}: the 'Ver resposta' fallback shows although the script ran"
        assert q["buttonVisible"], f"{q['id']}: the 'Verificar' button is hidden"
        if q["kind"] == "choice":
            assert q["correct"] == 1 and q["wrong"] >= 2, q
        else:
            assert q["kind"] == "numeric" and math.isfinite(q["answer"]) and q["tolerance"] > 0, q
            assert q["toleranceKind"] in ("absolute", "relative"), q

    for q in questions:
        question = page.locator(f"#{q['id']}")
        button = question.locator(".llms101-quiz-check")
        button.click()
        assert state(question)[0] == "empty", f"{q['id']}: checking with no answer"
        if q["kind"] == "choice":
            question.locator('.llms101-quiz-option:has(input[data-correct="false"]) label').first.click()
            button.click()
            got, feedback, explained = state(question)
            assert got == "wrong" and "Ainda não" in feedback and explained, (q["id"], feedback)
            question.locator('.llms101-quiz-option:has(input[data-correct="true"]) label').click()
            button.click()
        else:
            field = question.locator('input[inputmode="decimal"]')
            field.fill(wrong_number(q["answer"]))
            button.click()
            got, feedback, explained = state(question)
            assert got == "wrong" and "Ainda não" in feedback and explained, (q["id"], feedback)
            field.fill(number_pt(q["answer"], 4))
            field.press("Enter")
        got, feedback, explained = state(question)
        assert got == "right" and "Certo!" in feedback and explained, (q["id"], feedback)
        assert "llms101-quiz-right" in (question.get_attribute("class") or "")

    assert offline_page.external_requests == [] and offline_page.failed_requests == []
    assert offline_page.console_errors == [], f"{chapter}: console errors: {offline_page.console_errors}"


def test_numeric_field_reads_brazilian_numbers(offline_page, site_url):
    page = open_quiz(offline_page, site_url, "provedores")
    question = page.locator('.llms101-quiz-question[data-kind="numeric"]').first
    answer = float(question.get_attribute("data-answer"))
    field = question.locator('input[inputmode="decimal"]')
    button = question.locator(".llms101-quiz-check")
    # Thousands dot and decimal comma: the answer plus 1.000 is wrong, and read as such (not as a small number).
    field.fill(number_pt(answer + 1000, 1))
    button.click()
    assert state(question)[0] == "wrong"
    for typed in (number_pt(answer, 2), number_pt(answer, 3) + " s", number_pt(answer, 2).replace(",", ".")):
        field.fill(typed)
        button.click()
        assert state(question)[0] == "right", typed
    field.fill("muito")
    button.click()
    got, feedback, _ = state(question)
    assert got == "empty" and "Não entendi" in feedback

    page_parse = page.evaluate("texts => texts.map(t => window.llms101Quiz.parseNumber(t))", PARSE_INPUTS)
    assert page_parse == [parse_number_pt(t) for t in PARSE_INPUTS]
    assert page.evaluate("() => window.llms101Quiz.parseNumber('1.234,5')") == 1234.5
    assert offline_page.console_errors == []


@pytest.mark.parametrize(("width", "name"), [(1280, "quiz-preco.png"), (390, "quiz-preco-390.png")])
def test_quiz_screenshot(width, name, open_offline, site_url, screenshot_dir):
    with open_offline(width=width, height=900) as offline:
        page = open_quiz(offline, site_url, "preco")
        questions = page.locator(".llms101-quiz-question")
        first, second = questions.nth(0), questions.nth(1)
        first.locator('.llms101-quiz-option:has(input[data-correct="false"]) label').first.click()
        first.locator(".llms101-quiz-check").click()
        second.locator('input[inputmode="decimal"]').fill(number_pt(float(second.get_attribute("data-answer")), 4))
        second.locator(".llms101-quiz-check").click()
        # A clip of a window as tall as the page, not an element shot: scrolling to the element would put the
        # theme's sticky header over it (and a full-page shot lays the page out again at another height).
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
        height = page.evaluate("() => document.documentElement.scrollHeight")
        page.set_viewport_size({"width": width, "height": min(height, 30_000)})
        page.wait_for_timeout(300)
        box = page.evaluate(
            """() => { const r = document.querySelector(".llms101-quiz").getBoundingClientRect();
                       return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; }"""
        )
        margin = 8
        clip = {
            "x": max(0, box["x"] - margin),
            "y": max(0, box["y"] - margin),
            "width": box["width"] + 2 * margin,
            "height": box["height"] + 2 * margin,
        }
        page.screenshot(path=str(screenshot_dir / name), clip=clip)
        scroll = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll[0] <= scroll[1], f"the page scrolls sideways at {width} px: {scroll}"
        assert offline.console_errors == []
