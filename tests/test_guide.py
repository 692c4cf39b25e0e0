"""The instructor's guide (chapters/guia-do-instrutor.md): its two plans are valid data, and the built page shows
them with their totals and answers every chapter's "Perguntas em aberto".

The plans are ``chapters/_data/plano-3h.csv`` and ``plano-90min.csv``, one row per block:
``bloco, capitulo, minutos, ao_vivo, em_aula, para_casa, aquecimento, saida``. ``capitulo``, ``aquecimento`` and
``saida`` hold docnames from ``_toc.yml`` (or nothing); ``em_aula`` and ``para_casa`` hold exercise labels of the
row's chapter, separated by ``;``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from calculators.data import DataError
from calculators.quiz import load_quizzes
from calculators.workshop import PLAN_COLUMNS, book_exercises, load_plan, plan_path, toc_docnames, total_minutes

ROOT = Path(__file__).resolve().parent.parent
GUIDE = "chapters/guia-do-instrutor"
DOCNAMES = toc_docnames()
# The chapters a workshop teaches: intro through conclusao, in reading order.
TAUGHT = DOCNAMES[: DOCNAMES.index("chapters/conclusao") + 1]
PLANS = {"3h": 180, "90min": 90}
QUIZ_CHAPTERS = {f"chapters/{name}" for name in load_quizzes()}
EXERCISES = book_exercises()


def source(docname: str) -> str:
    return (ROOT / f"{docname}.md").read_text(encoding="utf-8")


def open_prompts(docname: str) -> list[str]:
    """The items of a chapter's "## Perguntas em aberto" list (an item's continuation lines joined to it).

    Example: "## Perguntas em aberto\\n\\n- Uma?\\n  Duas linhas.\\n- Outra?" -> ['Uma? Duas linhas.', 'Outra?']
    """
    match = re.search(r"^## Perguntas em aberto\n(.*?)(?=^#{1,2} |\Z)", source(docname), re.M | re.S)
    if not match:
        return []
    prompts: list[str] = []
    for line in match.group(1).splitlines():
        if line.startswith("- "):
            prompts.append(line[2:].strip())
        elif line.startswith("  ") and prompts and line.strip():
            prompts[-1] += " " + line.strip()
    return prompts


def words(text: str) -> list[str]:
    """Lower-case words, markup and punctuation dropped: '**"Só" o *seu*?**' -> ['só', 'o', 'seu']."""
    return re.findall(r"[^\W_]+", text.lower())


def load(name: str):
    return load_plan(plan_path(name), quiz_chapters=QUIZ_CHAPTERS)


# --- the plans, as data ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PLANS)
def test_plan_loads_with_every_row_valid(name):
    """load_plan checks every row (minutes, pages, quizzes, exercises of the row's chapter, none planned twice)."""
    plan = load(name)
    assert all(block.minutos > 0 for block in plan)
    labels = [label for block in plan for label in (*block.em_aula, *block.para_casa)]
    assert all(EXERCISES[label].docname in TAUGHT for label in labels)


BAD_ROWS = [
    ({"minutos": "0"}, "column 'minutos': '0' is not a whole number from 1 to"),
    ({"minutos": "10.5"}, "column 'minutos': '10.5' is not a whole number"),
    ({"bloco": ""}, "column 'bloco': empty"),
    ({"capitulo": "chapters/nada"}, "column 'capitulo': 'chapters/nada' is not a page of _toc.yml"),
    ({"saida": "chapters/calculadora"}, "column 'saida': 'chapters/calculadora' has no 'Teste rápido'"),
    ({"em_aula": "preco-chatbot"}, "column 'em_aula': 'preco-chatbot' is not an exercise of chapters/qualidade"),
    ({"em_aula": "qualidade-por-ponto", "para_casa": "qualidade-por-ponto"}, "already planned in row 2"),
]


@pytest.mark.parametrize(("change", "message"), BAD_ROWS)
def test_a_bad_plan_row_is_named(tmp_path, change, message):
    row = dict.fromkeys(PLAN_COLUMNS, "")
    row.update({"bloco": "Qualidade", "capitulo": "chapters/qualidade", "minutos": "15"}, **change)
    path = tmp_path / "plano-x.csv"
    path.write_text(",".join(PLAN_COLUMNS) + "\n" + ",".join(row[c] for c in PLAN_COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_plan(path, quiz_chapters=QUIZ_CHAPTERS)
    assert f"{path}: row 2, " in str(caught.value) and message in str(caught.value)


@pytest.mark.parametrize("name, total", PLANS.items())
def test_plan_adds_up(name, total):
    assert total_minutes(load(name)) == total


def test_three_hour_plan_teaches_every_chapter():
    planned = {block.capitulo for block in load("3h")}
    assert set(TAUGHT) <= planned, f"chapters missing from the 3h plan: {sorted(set(TAUGHT) - planned)}"


def test_guide_sits_between_conclusion_and_glossary():
    assert DOCNAMES.index(GUIDE) == DOCNAMES.index("chapters/conclusao") + 1
    assert DOCNAMES.index("chapters/glossario") == DOCNAMES.index(GUIDE) + 1


def test_no_chapter_links_to_the_guide():
    """The student edition leaves the guide out: a link to it would break there."""
    linking = [d for d in DOCNAMES if d != GUIDE and "guia-do-instrutor" in source(d)]
    assert not linking, f"pages that link to the instructor's guide: {linking}"


def test_open_prompt_parser():
    assert open_prompts("chapters/glossario") == []
    prompts = open_prompts("chapters/ai-ou-llm")
    assert len(prompts) >= 1 and all(p.endswith("?") for p in prompts), prompts


# --- the built page --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guide(site_dir) -> BeautifulSoup:
    page = site_dir / f"{GUIDE}.html"
    assert page.is_file(), f"{page} is missing: build the book again"
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def plan_tables(guide: BeautifulSoup) -> list[list[list[str]]]:
    """Every table in a cell output whose header starts with "bloco", as rows of cell texts (header row first)."""
    tables = []
    for table in guide.select("div.cell_output table"):
        rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
        if rows and rows[0] and rows[0][0] == "bloco":
            tables.append(rows)
    return tables


def test_page_shows_both_plans_with_their_totals(guide):
    tables = plan_tables(guide)
    assert len(tables) == len(PLANS), f"expected {len(PLANS)} plan tables, found {len(tables)}"
    for rows, (name, total) in zip(tables, PLANS.items(), strict=True):
        header = rows[0]
        assert header[:2] == ["bloco", "minutos"], header
        plan = load(name)
        body = rows[1:]
        assert [r[0] for r in body[:-1]] == [block.bloco for block in plan], f"plano-{name}: blocks differ"
        assert [r[1] for r in body[:-1]] == [str(block.minutos) for block in plan], f"plano-{name}: minutes differ"
        assert body[-1][:2] == ["Total", str(total)], f"plano-{name}: total row {body[-1]}"


def test_page_names_exercises_as_the_chapters_title_them(guide, site_dir):
    """The plans show "Exercício N": N must be the number the chapter page gives that exercise."""
    numbers = {}
    for docname in TAUGHT:
        page = BeautifulSoup((site_dir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
        for box in page.select("div.exercise"):
            title = box.select_one(".admonition-title").get_text(" ", strip=True)
            numbers[box["id"]] = re.search(r"\d+", title).group(0)
    tables = plan_tables(guide)
    for rows, name in zip(tables, PLANS, strict=True):
        column = {header: i for i, header in enumerate(rows[0])}
        for shown, block in zip(rows[1:], load(name), strict=False):
            for labels, header in ((block.em_aula, "em aula"), (block.para_casa, "para casa")):
                expected = [numbers[label] for label in labels]
                assert re.findall(r"\d+", shown[column[header]]) == expected, (name, block.bloco, header)


@pytest.mark.parametrize("docname", [d for d in DOCNAMES if d != GUIDE and open_prompts(d)])
def test_page_answers_every_open_prompt(guide, docname):
    """One subsection per chapter (id ``guia-perguntas-<chapter>``) whose first list has one item per prompt, in
    order, each opening with the prompt's first words."""
    prompts = open_prompts(docname)
    name = docname.split("/")[-1]
    anchor = guide.find(id=f"guia-perguntas-{name}")
    assert anchor is not None, f"the guide has no subsection guia-perguntas-{name} for {docname}"
    section = anchor if anchor.name == "section" else anchor.find_parent("section")
    answers = section.find(["ol", "ul"])
    assert answers is not None, f"guia-perguntas-{name}: no list of answers"
    items = answers.find_all("li", recursive=False)
    assert len(items) >= len(prompts), f"{docname}: {len(prompts)} open prompts, {len(items)} answers"
    for i, (prompt, item) in enumerate(zip(prompts, items, strict=False), start=1):
        opening = words(prompt)[:6]
        said = words(item.get_text(" "))
        assert any(said[k : k + len(opening)] == opening for k in range(len(said))), (
            f"{docname}, prompt {i} ({prompt[:60]!r}): answer {i} does not quote its opening words"
        )
