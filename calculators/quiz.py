"""Self-check quizzes ("Teste rápido"): questions as data, rendered as plain, accessible HTML.

The questions live in ``chapters/_data/quizzes.yaml``, in Portuguese; the numbers in them do not. A chapter
computes its numbers from the course's data and passes them in, so a data refresh cannot leave a quiz behind
(the chapter's "Teste rápido" cell: ``quiz("velocidade", {"groq_ttft": float(groq["ttft_s"]), ...})``).

The file, per chapter (keys in Portuguese, like the text)::

    velocidade:
      valores: [groq_ttft_s, groq_tokens_per_s, answer_s]   # every value the chapter must pass, and no other
      perguntas:                                              # 3 to 5 questions
        - id: ttft-chat                                       # unique in the chapter
          pergunta: "Num chat de respostas curtas, ..."
          opcoes:                                             # multiple choice: exactly one option is correct
            - texto: "O tempo até o primeiro token"
              correta: true
            - texto: "Os tokens por segundo"
          explicacao: "Com poucos tokens, a geração acaba logo: ..."   # one line, required
        - id: groq-300
          pergunta: "... {groq_ttft_s:2} s até o primeiro token ..."
          resposta: answer_s                                  # numeric: the value key holding the answer
          casas: 2                                            # decimals the answer is shown with
          unidade: s                                          # optional: "US$", "%", "s", "tokens"...
          tolerancia_absoluta: 0.05                           # or tolerancia_relativa: 0.03 (3 %)
          explicacao: "..."

A placeholder ``{key}`` inserts a value: a string as it is, an integer as ``1.234``; ``{key:N}`` a number with N
decimals (``0,25``) and ``{key:usdN}`` dollars (``US$ 0,25``), Brazilian style. A float needs one of the two.

The page's script (``tools/site_static/llms101.js``) makes the questions answerable on the static site; without
it (Jupyter, Colab) each question keeps a "Ver resposta" box with the answer and the explanation. Pure: no
widgets; IPython is imported only by :func:`quiz`.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from calculators.formatting import number_pt, usd_pt
from calculators.paths import ROOT

QUIZZES_PATH = ROOT / "chapters" / "_data" / "quizzes.yaml"
MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
MIN_OPTIONS, MAX_OPTIONS = 2, 5

CHAPTER_KEYS = {"valores", "perguntas"}
COMMON_KEYS = {"id", "pergunta", "explicacao"}
CHOICE_KEYS = COMMON_KEYS | {"opcoes"}
NUMERIC_KEYS = COMMON_KEYS | {"resposta", "casas", "unidade", "tolerancia_absoluta", "tolerancia_relativa"}
OPTION_KEYS = {"texto", "correta"}

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SPEC = re.compile(r"^(usd)?(\d)$")
OPTION_LETTERS = "abcde"


class QuizError(ValueError):
    """A quiz file or a chapter's values that cannot make a quiz; the message names the chapter and question."""


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool


@dataclass(frozen=True)
class Question:
    """One question: multiple choice (``options``) or numeric (``answer_key``, ``decimals``, one tolerance)."""

    id: str
    text: str
    explanation: str
    options: tuple[Option, ...] = ()
    answer_key: str | None = None
    decimals: int = 0
    unit: str = ""
    tolerance_abs: float | None = None
    tolerance_rel: float | None = None

    @property
    def numeric(self) -> bool:
        return self.answer_key is not None


@dataclass(frozen=True)
class Quiz:
    chapter: str
    value_keys: tuple[str, ...]
    questions: tuple[Question, ...]


# --- loading and validating ------------------------------------------------------------------------------------


def load_quizzes(path: Path | str = QUIZZES_PATH) -> dict[str, Quiz]:
    """Every chapter's quiz from the YAML file, validated; raises :class:`QuizError` on the first problem."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QuizError(f"{path.name}: not valid YAML: {' '.join(str(exc).split())}") from exc
    return parse_quizzes(raw, source=path.name)


def parse_quizzes(raw, *, source: str = "quizzes.yaml") -> dict[str, Quiz]:
    """Validate already-parsed YAML (a mapping of chapter -> quiz).

    Example: parse_quizzes({"x": {"perguntas": []}}) raises QuizError("quizzes.yaml: x: 0 questions, ...")
    """
    if not isinstance(raw, dict) or not raw:
        raise QuizError(f"{source}: expected a mapping of chapter names to quizzes")
    return {str(chapter): _parse_chapter(str(chapter), body, source) for chapter, body in raw.items()}


def _parse_chapter(chapter: str, body, source: str) -> Quiz:
    where = f"{source}: {chapter}"
    if not isinstance(body, dict):
        raise QuizError(f"{where}: expected a mapping with 'perguntas' (and 'valores')")
    unknown = sorted(set(body) - CHAPTER_KEYS)
    if unknown:
        raise QuizError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(CHAPTER_KEYS))})")
    keys = body.get("valores") or []
    if not isinstance(keys, list) or not all(isinstance(k, str) and _KEY.match(k) for k in keys):
        raise QuizError(f"{where}: 'valores' must be a list of value names (letters, digits, _)")
    if len(set(keys)) != len(keys):
        raise QuizError(f"{where}: a value name is listed twice in 'valores'")
    items = body.get("perguntas")
    if not isinstance(items, list):
        raise QuizError(f"{where}: 'perguntas' must be a list of questions")
    if not MIN_QUESTIONS <= len(items) <= MAX_QUESTIONS:
        raise QuizError(f"{where}: {len(items)} questions, expected {MIN_QUESTIONS} to {MAX_QUESTIONS}")
    questions = tuple(_parse_question(f"{where}, question {n}", item, set(keys)) for n, item in enumerate(items, 1))
    seen: set[str] = set()
    for n, question in enumerate(questions, 1):
        if question.id in seen:
            raise QuizError(f"{where}, question {n} ({question.id}): id used twice in the chapter")
        seen.add(question.id)
    used = {key for q in questions for key in _question_keys(q)}
    unused = [k for k in keys if k not in used]
    if unused:
        raise QuizError(f"{where}: value {unused[0]!r} is listed in 'valores' but no question uses it")
    return Quiz(chapter=chapter, value_keys=tuple(keys), questions=questions)


def _text(where: str, item: dict, key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise QuizError(f"{where}: {key!r} is missing or empty")
    if "\n" in value.strip():
        raise QuizError(f"{where}: {key!r} must be one line")
    return " ".join(value.split())


def _parse_question(where: str, item, keys: set[str]) -> Question:
    if not isinstance(item, dict):
        raise QuizError(f"{where}: expected a mapping")
    qid = item.get("id")
    if not isinstance(qid, str) or not _ID.match(qid):
        raise QuizError(f"{where}: 'id' is missing or not a slug (lowercase letters, digits, '-')")
    where = f"{where} ({qid})"
    if ("opcoes" in item) == ("resposta" in item):
        raise QuizError(f"{where}: give either 'opcoes' (multiple choice) or 'resposta' (numeric), not both")
    allowed = CHOICE_KEYS if "opcoes" in item else NUMERIC_KEYS
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise QuizError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
    text = _text(where, item, "pergunta")
    explanation = _text(where, item, "explicacao")
    if "opcoes" in item:
        question = Question(qid, text, explanation, options=_parse_options(where, item["opcoes"]))
    else:
        question = _parse_numeric(where, item, qid, text, explanation, keys)
    for key, spec in _question_placeholders(question):
        if key not in keys:
            raise QuizError(f"{where}: placeholder {{{key}}} names no value in 'valores'")
        if spec and not _SPEC.match(spec):
            raise QuizError(f"{where}: placeholder {{{key}:{spec}}} has an unknown format (use N or usdN)")
    return question


def _parse_options(where: str, raw) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not MIN_OPTIONS <= len(raw) <= MAX_OPTIONS:
        raise QuizError(f"{where}: 'opcoes' must list {MIN_OPTIONS} to {MAX_OPTIONS} options")
    options = []
    for n, option in enumerate(raw, 1):
        if not isinstance(option, dict):
            raise QuizError(f"{where}, option {n}: expected a mapping with 'texto'")
        unknown = sorted(set(option) - OPTION_KEYS)
        if unknown:
            raise QuizError(f"{where}, option {n}: unknown key {unknown[0]!r} (allowed: texto, correta)")
        correct = option.get("correta", False)
        if not isinstance(correct, bool):
            raise QuizError(f"{where}, option {n}: 'correta' must be true or false")
        options.append(Option(_text(f"{where}, option {n}", option, "texto"), correct))
    n_correct = sum(o.correct for o in options)
    if n_correct != 1:
        raise QuizError(f"{where}: {n_correct} options marked correct, expected exactly one")
    if len({o.text for o in options}) != len(options):
        raise QuizError(f"{where}: two options have the same text")
    return tuple(options)


def _parse_numeric(where: str, item: dict, qid: str, text: str, explanation: str, keys: set[str]) -> Question:
    answer_key = item["resposta"]
    if not isinstance(answer_key, str) or answer_key not in keys:
        raise QuizError(f"{where}: 'resposta' must name a value listed in 'valores', got {answer_key!r}")
    decimals = item.get("casas")
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise QuizError(f"{where}: 'casas' (decimals of the answer, 0 to 6) is missing or invalid")
    unit = item.get("unidade", "")
    if not isinstance(unit, str):
        raise QuizError(f"{where}: 'unidade' must be text")
    tolerances = [k for k in ("tolerancia_absoluta", "tolerancia_relativa") if k in item]
    if len(tolerances) != 1:
        raise QuizError(f"{where}: give exactly one of 'tolerancia_absoluta' or 'tolerancia_relativa'")
    tolerance = item[tolerances[0]]
    if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real) or not 0 < tolerance < math.inf:
        raise QuizError(f"{where}: {tolerances[0]!r} must be a positive number")
    return Question(
        qid,
        text,
        explanation,
        answer_key=answer_key,
        decimals=decimals,
        unit=unit.strip(),
        tolerance_abs=float(tolerance) if tolerances[0] == "tolerancia_absoluta" else None,
        tolerance_rel=float(tolerance) if tolerances[0] == "tolerancia_relativa" else None,
    )


def _question_placeholders(question: Question) -> list[tuple[str, str]]:
    texts = [question.text, question.explanation, *(o.text for o in question.options)]
    found = []
    for text in texts:
        for inside in _PLACEHOLDER.findall(text):
            key, _, spec = inside.partition(":")
            found.append((key.strip(), spec.strip()))
    return found


def _question_keys(question: Question) -> set[str]:
    keys = {key for key, _ in _question_placeholders(question)}
    return keys | ({question.answer_key} if question.answer_key else set())


# --- numbers ------------------------------------------------------------------------------------------------------

_THOUSANDS_ONLY = re.compile(r"^\d{1,3}(\.\d{3})+$")
# A unit or currency before (no digits, no sign) and after (no digits): "US$0,07", "-3,2", "12s", "50%".
_NUMBER_IN_TEXT = re.compile(r"^[^\d.,+-]*([+-]?)([\d.,]+)[^\d.,+-]*$")


def parse_number_pt(text: str) -> float | None:
    """A number as a Brazilian reader types it; ``None`` if it is not one. The page's script does the same.

    Comma before decimals, dots between thousands; spaces, and a unit or currency around the number (``US$``,
    ``s``, ``%``), are ignored. Without a comma, a dot is a decimal point unless it groups thousands (``1.234``).

    Example: parse_number_pt("1.234,5") -> 1234.5;  parse_number_pt("0,5") -> 0.5;  parse_number_pt("US$ 0,07")
             -> 0.07;  parse_number_pt("1.234") -> 1234.0;  parse_number_pt("2.5") -> 2.5;  parse_number_pt("") -> None
    """
    match = _NUMBER_IN_TEXT.match(re.sub(r"\s+", "", text or ""))
    if not match:
        return None
    sign, digits = match.group(1), match.group(2)
    if not re.search(r"\d", digits):
        return None
    if "," in digits:
        whole, _, decimals = digits.partition(",")
        if "," in decimals or "." in decimals or ("." in whole and not _THOUSANDS_ONLY.match(whole)):
            return None
        digits = whole.replace(".", "") + "." + decimals
    elif _THOUSANDS_ONLY.match(digits):
        digits = digits.replace(".", "")
    elif digits.count(".") > 1:
        return None
    value = float(digits)
    return -value if sign == "-" else value


def is_close(typed: float, answer: float, *, tolerance_abs: float | None = None, tolerance_rel: float | None = None):
    """Whether a typed number counts as the answer: within an absolute tolerance, or a relative one (0.03 = 3 %).

    Example: is_close(1.2, 1.24, tolerance_abs=0.05) -> True;  is_close(3.0, 3.2, tolerance_rel=0.03) -> False
    """
    limit = tolerance_abs if tolerance_abs is not None else (tolerance_rel or 0.0) * abs(answer)
    return abs(typed - answer) <= limit + 1e-9


def answer_pt(question: Question, value: float) -> str:
    """The numeric answer as the reader sees it: ``US$ 0,0675``, ``1,24 s``, ``12,5%``."""
    if question.unit.upper() == "US$":
        return usd_pt(value, question.decimals)
    if question.unit in ("", "%"):
        return number_pt(value, question.decimals) + question.unit
    return f"{number_pt(value, question.decimals)} {question.unit}"


# --- rendering ----------------------------------------------------------------------------------------------------


def _check_values(quiz: Quiz, values: dict) -> dict:
    where = f"quiz {quiz.chapter}"
    given = dict(values or {})
    for n, question in enumerate(quiz.questions, 1):
        for key in sorted(_question_keys(question)):
            if key not in given:
                raise QuizError(f"{where}, question {n} ({question.id}): placeholder {{{key}}} has no value")
    extra = sorted(set(given) - set(quiz.value_keys))
    if extra:
        raise QuizError(f"{where}: value {extra[0]!r} is not listed in the chapter's 'valores'")
    for key, value in given.items():
        if isinstance(value, str):
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
            raise QuizError(f"{where}: value {key!r} must be text or a finite number, got {value!r}")
    for n, question in enumerate(quiz.questions, 1):
        if question.numeric and isinstance(given[question.answer_key], str):
            raise QuizError(f"{where}, question {n} ({question.id}): answer {question.answer_key!r} must be a number")
    return given


def fill(text: str, values: dict, *, where: str = "quiz") -> str:
    """Put the values into a question's text (already validated keys; see the module docstring for the formats).

    Example: fill("{t:2} s e {p:usd2}", {"t": 0.25, "p": 15}) -> '0,25 s e US$ 15,00'
    """

    def one(match: re.Match) -> str:
        key, _, spec = match.group(1).partition(":")
        key, spec = key.strip(), spec.strip()
        if key not in values:
            raise QuizError(f"{where}: placeholder {{{key}}} has no value")
        value = values[key]
        if isinstance(value, str):
            if spec:
                raise QuizError(f"{where}: placeholder {{{key}:{spec}}} formats a number, but the value is text")
            return value
        if not spec:
            if isinstance(value, numbers.Integral) or float(value).is_integer():
                return number_pt(int(value), 0)
            raise QuizError(f"{where}: placeholder {{{key}}} holds {value!r}: give decimals, as {{{key}:2}}")
        usd, decimals = _SPEC.match(spec).groups()
        return usd_pt(float(value), int(decimals)) if usd else number_pt(float(value), int(decimals))

    return _PLACEHOLDER.sub(one, text)


def quiz_html(chapter: str, values: dict | None = None, *, quizzes: dict[str, Quiz] | None = None) -> str:
    """The chapter's quiz as HTML: a ``<section class="llms101-quiz">``, one ``<fieldset>`` per question.

    Multiple choice is a group of radio buttons; a numeric question a text field for Brazilian numbers. The right
    answer is in ``data-`` attributes (a self-check, not an exam), so the page's script can check it without a
    server; the "Verificar" button and the feedback line start ``hidden`` and the script shows them. Without the
    script, each question keeps a ``<details>`` "Ver resposta" box with the answer and the explanation.
    """
    quizzes = load_quizzes() if quizzes is None else quizzes
    if chapter not in quizzes:
        raise QuizError(f"quizzes.yaml has no quiz for chapter {chapter!r} (has: {', '.join(sorted(quizzes))})")
    quiz = quizzes[chapter]
    values = _check_values(quiz, values or {})
    total = len(quiz.questions)
    parts = [
        f'<section class="llms101-quiz" data-llms101-quiz="{_attr(chapter)}" '
        f'aria-label="Teste rápido: {total} perguntas">'
    ]
    for n, question in enumerate(quiz.questions, 1):
        parts.append(_question_html(chapter, n, total, question, values))
    parts.append("</section>")
    return "\n".join(parts)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _question_html(chapter: str, n: int, total: int, question: Question, values: dict) -> str:
    where = f"quiz {chapter}, question {n} ({question.id})"
    qid = f"llms101-quiz-{chapter}-{n}"
    text = html.escape(fill(question.text, values, where=where))
    explanation = html.escape(fill(question.explanation, values, where=where))
    kind = "numeric" if question.numeric else "choice"
    head = [
        f'<fieldset class="llms101-quiz-question" id="{_attr(qid)}" data-kind="{kind}" '
        f'data-question-id="{_attr(question.id)}"',
    ]
    if question.numeric:
        answer = float(values[question.answer_key])
        if question.tolerance_abs is not None:
            tolerance_kind, tolerance = "absolute", question.tolerance_abs
        else:
            tolerance_kind, tolerance = "relative", question.tolerance_rel
        head.append(
            f' data-answer="{answer!r}" data-tolerance="{tolerance!r}" data-tolerance-kind="{tolerance_kind}" '
            f'data-answer-text="{_attr(answer_pt(question, answer))}"'
        )
    out = ["".join(head) + ">"]
    out.append(f'<legend><span class="llms101-quiz-number">Pergunta {n} de {total}.</span> {text}</legend>')
    if question.numeric:
        unit = f" ({html.escape(question.unit)})" if question.unit else ""
        out.append(
            '<div class="llms101-quiz-numeric">'
            f'<label for="{qid}-input">Sua resposta{unit}</label> '
            f'<input type="text" inputmode="decimal" id="{qid}-input" name="{qid}" autocomplete="off" '
            f'spellcheck="false" aria-describedby="{qid}-hint">'
            f'<span class="llms101-quiz-hint" id="{qid}-hint">Use vírgula nos decimais, como em 0,5 ou 1.234,5.</span>'
            "</div>"
        )
        shown_answer = answer_pt(question, float(values[question.answer_key]))
    else:
        out.append('<div class="llms101-quiz-options">')
        for letter, option in zip(OPTION_LETTERS, question.options, strict=False):
            option_id = f"{qid}-{letter}"
            label = html.escape(fill(option.text, values, where=where))
            out.append(
                f'<div class="llms101-quiz-option"><input type="radio" name="{qid}" id="{option_id}" '
                f'value="{letter}" data-correct="{"true" if option.correct else "false"}">'
                f'<label for="{option_id}">{label}</label></div>'
            )
        out.append("</div>")
        right = next(o for o in question.options if o.correct)
        shown_answer = fill(right.text, values, where=where)
    out.append(
        '<div class="llms101-quiz-actions" hidden>'
        f'<button type="button" class="llms101-quiz-check" aria-describedby="{qid}-feedback">Verificar</button>'
        "</div>"
        f'<p class="llms101-quiz-feedback" id="{qid}-feedback" role="status" aria-live="polite"></p>'
        f'<p class="llms101-quiz-explanation" hidden>{explanation}</p>'
        '<details class="llms101-quiz-answer"><summary>Ver resposta</summary>'
        f"<p><strong>Resposta:</strong> {html.escape(shown_answer)}</p><p>{explanation}</p></details>"
    )
    out.append("</fieldset>")
    return "\n".join(out)


def quiz(chapter: str, values: dict | None = None):
    """The chapter's quiz as an IPython display object (for the chapter's "Teste rápido" cell)."""
    from IPython.display import HTML

    return HTML(quiz_html(chapter, values))
