"""The self-check quizzes: chapters/_data/quizzes.yaml validates, each chapter passes the values its questions
need, the validator names the chapter and question on a broken file, and the HTML degrades without the site's
script (a "Ver resposta" box per question)."""

from __future__ import annotations

import copy
import math
import re

import pytest
import yaml
from bs4 import BeautifulSoup

from calculators.paths import ROOT
from calculators.quiz import (
    QUIZZES_PATH,
    QuizError,
    answer_pt,
    fill,
    is_close,
    load_quizzes,
    parse_number_pt,
    parse_quizzes,
    quiz_html,
)

CHAPTERS = [
    "intro",
    "ai-ou-llm",
    "como-funcionam",
    "qualidade",
    "velocidade",
    "codigo-aberto",
    "provedores",
    "preco",
    "conclusao",
]
NUMERIC_REQUIRED = {"velocidade", "preco", "provedores"}


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(QUIZZES_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def quizzes():
    return load_quizzes()


def sample_values(quiz) -> dict:
    """A value for every key the quiz lists: numbers, except keys only ever used as plain text."""
    text_keys = set()
    for question in quiz.questions:
        texts = [question.text, question.explanation, *(o.text for o in question.options)]
        for text in texts:
            text_keys |= set(re.findall(r"\{(\w+)\}", text))
    numeric = {key for q in quiz.questions for key in re.findall(r"\{(\w+):", q.text + q.explanation)}
    numeric |= {q.answer_key for q in quiz.questions if q.numeric}
    return {key: (1234.5 if key in numeric else "Texto") for key in quiz.value_keys}


# --- the file ------------------------------------------------------------------------------------------------------


def test_every_chapter_has_three_to_five_questions(quizzes):
    assert sorted(quizzes) == sorted(CHAPTERS)
    for chapter in CHAPTERS:
        assert 3 <= len(quizzes[chapter].questions) <= 5, chapter


def test_multiple_choice_has_one_correct_option_and_an_explanation(quizzes):
    for chapter, quiz in quizzes.items():
        for question in quiz.questions:
            assert question.explanation.strip(), (chapter, question.id)
            if not question.numeric:
                assert sum(o.correct for o in question.options) == 1, (chapter, question.id)
                assert len(question.options) >= 3, (chapter, question.id)


def test_numeric_questions_where_the_course_promises_them(quizzes):
    for chapter in NUMERIC_REQUIRED:
        assert any(q.numeric for q in quizzes[chapter].questions), chapter


def test_every_numeric_answer_resolves(quizzes):
    for chapter, quiz in quizzes.items():
        values = sample_values(quiz)
        for question in quiz.questions:
            if question.numeric:
                assert question.answer_key in quiz.value_keys, (chapter, question.id)
                assert (question.tolerance_abs is None) != (question.tolerance_rel is None)
                assert answer_pt(question, values[question.answer_key]).removeprefix("US$ ").startswith("1.23")
        quiz_html(chapter, values, quizzes=quizzes)  # every placeholder filled, or QuizError


def test_each_chapter_passes_exactly_the_values_its_quiz_lists(quizzes):
    """The chapter's "Teste rápido" cell calls quiz("<chapter>", {...}) with the keys under `valores`."""
    for chapter, quiz in quizzes.items():
        source = (ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
        assert source.count("\n## Teste rápido\n") == 1, f"{chapter}: one '## Teste rápido' section"
        section = source.split("\n## Teste rápido\n", 1)[1]
        if "\n## Perguntas em aberto" in source:
            assert "\n## " in section and section.split("\n## ", 1)[1].startswith("Perguntas em aberto"), (
                f"{chapter}: 'Teste rápido' comes just before 'Perguntas em aberto'"
            )
        cell = re.search(r"```\{code-cell\} ipython3\n:tags: \[remove-input\]\n(.*?)\n```", section, re.S)
        assert cell, f"{chapter}: the quiz cell is tagged remove-input"
        call = re.search(rf'quiz\(\s*"{re.escape(chapter)}",\s*\{{(.*?)\n    \}},?\n\)', cell.group(1), re.S)
        assert call, f"{chapter}: the cell calls quiz({chapter!r}, {{...}})"
        keys = re.findall(r'^\s+"(\w+)":', call.group(1), re.M)
        assert sorted(keys) == sorted(quiz.value_keys), chapter


# --- the validator -----------------------------------------------------------------------------------------------


def broken(raw, chapter="preco", change=None):
    data = copy.deepcopy(raw)
    change(data[chapter])
    return data


def choice_question(body):
    return next(q for q in body["perguntas"] if "opcoes" in q)


def numeric_question(body):
    return next(q for q in body["perguntas"] if "resposta" in q)


def _two_correct(body):
    for option in choice_question(body)["opcoes"][:2]:
        option["correta"] = True


def _none_correct(body):
    for option in choice_question(body)["opcoes"]:
        option.pop("correta", None)


def _no_explanation(body):
    del choice_question(body)["explicacao"]


def _empty_explanation(body):
    choice_question(body)["explicacao"] = "  "


def _two_questions(body):
    body["perguntas"] = body["perguntas"][:2]


def _six_questions(body):
    extra = copy.deepcopy(choice_question(body))
    body["perguntas"] = body["perguntas"] + [dict(extra, id=f"extra-{n}") for n in range(6 - len(body["perguntas"]))]


def _unknown_placeholder(body):
    choice_question(body)["pergunta"] += " {nao_existe}"


def _unknown_key(body):
    choice_question(body)["dica"] = "x"


def _bad_answer_key(body):
    numeric_question(body)["resposta"] = "nao_existe"


def _two_tolerances(body):
    numeric_question(body)["tolerancia_absoluta"] = 1
    numeric_question(body)["tolerancia_relativa"] = 0.1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_two_correct, r"preco, question 1 \(entrada-saida\): 2 options marked correct"),
        (_none_correct, r"preco, question 1 \(entrada-saida\): 0 options marked correct"),
        (_no_explanation, r"preco, question 1 \(entrada-saida\): 'explicacao' is missing"),
        (_empty_explanation, r"preco, question 1 \(entrada-saida\): 'explicacao' is missing or empty"),
        (_two_questions, r"preco: 2 questions, expected 3 to 5"),
        (_six_questions, r"preco: 6 questions, expected 3 to 5"),
        (_unknown_placeholder, r"preco, question 1 \(entrada-saida\): placeholder \{nao_existe\}"),
        (_unknown_key, r"preco, question 1 \(entrada-saida\): unknown key 'dica'"),
        (_bad_answer_key, r"preco, question 2 \(custo-pedido\): 'resposta' must name a value"),
        (_two_tolerances, r"preco, question 2 \(custo-pedido\): give exactly one of"),
    ],
)
def test_validator_names_chapter_and_question(raw, change, message):
    with pytest.raises(QuizError, match=message) as caught:
        parse_quizzes(broken(raw, change=change))
    assert "\n" not in str(caught.value)


def test_rendering_rejects_missing_extra_and_non_finite_values(quizzes):
    quiz = quizzes["preco"]
    values = sample_values(quiz)
    missing = {k: v for k, v in values.items() if k != "quiz_cost"}
    with pytest.raises(QuizError, match=r"quiz preco, question 2 \(custo-pedido\): placeholder \{quiz_cost\} has no"):
        quiz_html("preco", missing, quizzes=quizzes)
    with pytest.raises(QuizError, match=r"quiz preco: value 'surplus' is not listed"):
        quiz_html("preco", {**values, "surplus": 1}, quizzes=quizzes)
    for bad in (math.nan, math.inf):
        with pytest.raises(QuizError, match=r"quiz preco: value 'quiz_cost' must be text or a finite number"):
            quiz_html("preco", {**values, "quiz_cost": bad}, quizzes=quizzes)
    with pytest.raises(QuizError, match=r"no quiz for chapter 'glossario'"):
        quiz_html("glossario", {}, quizzes=quizzes)


# --- numbers -------------------------------------------------------------------------------------------------------

# Shared with tests/site/test_quiz.py, which pins the page's parser to this one.
PARSE_CASES = {
    "1.234,5": 1234.5,
    "0,5": 0.5,
    ",5": 0.5,
    "1.234": 1234.0,
    "1.234.567,89": 1234567.89,
    "2.5": 2.5,
    "1234.5": 1234.5,
    "US$ 0,07": 0.07,
    "1,24 s": 1.24,
    "12,5%": 12.5,
    "1 234,5": 1234.5,
    "-3,2": -3.2,
    "": None,
    "abc": None,
    "1,2,3": None,
    "1.2.3": None,
    "1.23,4": None,
    "1e5": None,
    ",": None,
}


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES.items())
def test_parse_number_pt(text, expected):
    assert parse_number_pt(text) == expected


def test_tolerances_and_formats():
    assert is_close(1.2, 1.24, tolerance_abs=0.05)
    assert not is_close(1.3, 1.24, tolerance_abs=0.05)
    assert is_close(33.0, 33.3, tolerance_rel=0.03)
    assert not is_close(30.0, 33.3, tolerance_rel=0.03)
    values = {"t": 0.25, "p": 15, "n": 1000, "s": "Groq"}
    assert fill("{t:2} s, {p:usd2}, {n} tokens na {s}", values) == "0,25 s, US$ 15,00, 1.000 tokens na Groq"
    with pytest.raises(QuizError, match="give decimals"):
        fill("{t}", values)


# --- the HTML ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_html_has_a_fieldset_per_question_and_the_fallback(quizzes, chapter):
    quiz = quizzes[chapter]
    soup = BeautifulSoup(quiz_html(chapter, sample_values(quiz), quizzes=quizzes), "html.parser")
    section = soup.select_one(f'section.llms101-quiz[data-llms101-quiz="{chapter}"]')
    assert section is not None
    fieldsets = section.select("fieldset.llms101-quiz-question")
    assert len(fieldsets) == len(quiz.questions)
    for fieldset, question in zip(fieldsets, quiz.questions, strict=True):
        assert fieldset.select_one("legend").get_text(strip=True)
        details = fieldset.select("details.llms101-quiz-answer")
        assert len(details) == 1 and details[0].select_one("summary").get_text() == "Ver resposta"
        assert "Resposta:" in details[0].get_text()
        feedback = fieldset.select_one(".llms101-quiz-feedback")
        assert feedback["role"] == "status" and feedback["aria-live"] == "polite"
        assert fieldset.select_one("button.llms101-quiz-check").get_text() == "Verificar"
        assert fieldset.select_one(".llms101-quiz-actions").has_attr("hidden")  # the script shows it
        if question.numeric:
            field = fieldset.select_one('input[inputmode="decimal"]')
            assert field is not None and soup.select_one(f'label[for="{field["id"]}"]') is not None
            assert float(fieldset["data-answer"]) == 1234.5
        else:
            radios = fieldset.select('input[type="radio"]')
            assert len(radios) == len(question.options)
            assert [r["data-correct"] for r in radios].count("true") == 1
            assert len({r["name"] for r in radios}) == 1
            for radio in radios:
                assert soup.select_one(f'label[for="{radio["id"]}"]') is not None
    ids = [el["id"] for el in soup.select("[id]")]
    assert len(ids) == len(set(ids)), "ids are unique on the page"
