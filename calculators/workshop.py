"""Workshop plans for the instructor's guide: ``chapters/_data/plano-3h.csv`` and ``plano-90min.csv``, validated.

A plan is one row per block, with the columns ``PLAN_COLUMNS``:

- ``bloco``: the block's name; ``minutos``: its length, a whole number of minutes from 1 to ``MAX_BLOCK_MINUTES``;
- ``capitulo``: the chapter taught (a docname of ``_toc.yml``, e.g. ``chapters/preco``), or empty for a break;
- ``ao_vivo``: what to show live; ``em_aula`` / ``para_casa``: the chapter's exercises done in class / at home, by
  their ``:label:``, separated by ``;``;
- ``aquecimento`` / ``saida``: the chapter whose "Teste rápido" opens (warm-up) or closes (exit ticket) the block.

sphinx-exercise numbers the exercises through the whole book in the order of ``_toc.yml`` ("Exercício 3"), which
is how a reader sees them: ``book_exercises`` gives each label its chapter and that number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .data import DataError, _fail, _read_csv
from .paths import ROOT

PLAN_COLUMNS = ["bloco", "capitulo", "minutos", "ao_vivo", "em_aula", "para_casa", "aquecimento", "saida"]
PLAN_DIR = ROOT / "chapters" / "_data"
MAX_BLOCK_MINUTES = 240
# An exercise as the chapters write it (```{exercise} or ```{exercise-start}, backticks or colons), up to its label.
EXERCISE = re.compile(
    r"^(?:`{3,}|:{3,})\{exercise(?:-start)?\}[^\n]*\n(?:[ \t]*:[\w-]+:[^\n]*\n)*?[ \t]*:label:[ \t]*(\S+)", re.M
)


@dataclass(frozen=True)
class Exercise:
    label: str
    docname: str
    number: int  # as the book titles it: "Exercício 3"


@dataclass(frozen=True)
class Block:
    """One row of a plan."""

    bloco: str
    capitulo: str
    minutos: int
    ao_vivo: str
    em_aula: tuple[str, ...]
    para_casa: tuple[str, ...]
    aquecimento: str
    saida: str


def toc_docnames(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """The book's documents in reading order (root first), from a table of contents (default ``_toc.yml``)."""
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(str(Path(entry["file"]).with_suffix("")))
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts") or []:
        walk(part.get("chapters"))
    return names


def exercise_labels(markdown: str) -> list[str]:
    """The ``:label:`` of every exercise in a chapter's source, in order.

    Example: exercise_labels("```{exercise}\\n:label: preco-chatbot\\n\\nQuanto?\\n```") -> ['preco-chatbot']
    """
    return EXERCISE.findall(markdown)


def book_exercises(root: Path = ROOT) -> dict[str, Exercise]:
    """Every exercise of the book by label, with its chapter and the number the book gives it."""
    found: dict[str, Exercise] = {}
    for docname in toc_docnames(root / "_toc.yml"):
        for label in exercise_labels((root / f"{docname}.md").read_text(encoding="utf-8")):
            found[label] = Exercise(label, docname, len(found) + 1)
    return found


def _labels(cell: str) -> tuple[str, ...]:
    return tuple(label.strip() for label in cell.split(";") if label.strip())


def load_plan(
    path: Path,
    *,
    docnames: list[str] | None = None,
    exercises: dict[str, Exercise] | None = None,
    quiz_chapters: set[str] | None = None,
) -> list[Block]:
    """A plan's blocks, every row checked; a bad row raises ``DataError`` naming the file, row and column.

    ``docnames`` (default: the book's), ``exercises`` (default: the book's) and ``quiz_chapters`` (the chapters
    with a "Teste rápido"; default: every docname) are what the plan may name.
    """
    path = Path(path)
    docnames = toc_docnames() if docnames is None else docnames
    exercises = book_exercises() if exercises is None else exercises
    quiz_chapters = set(docnames) if quiz_chapters is None else quiz_chapters
    blocks: list[Block] = []
    seen: dict[str, int] = {}
    for line, row in _read_csv(path, PLAN_COLUMNS):
        if not row["bloco"]:
            raise _fail(path, line, "bloco", "empty: every block needs a name")
        if not re.fullmatch(r"[0-9]+", row["minutos"]) or not 1 <= int(row["minutos"]) <= MAX_BLOCK_MINUTES:
            raise _fail(
                path, line, "minutos", f"{row['minutos']!r} is not a whole number from 1 to {MAX_BLOCK_MINUTES}"
            )
        for column in ("capitulo", "aquecimento", "saida"):
            if row[column] and row[column] not in docnames:
                raise _fail(path, line, column, f"{row[column]!r} is not a page of _toc.yml")
        for column in ("aquecimento", "saida"):
            if row[column] and row[column] not in quiz_chapters:
                raise _fail(path, line, column, f"{row[column]!r} has no 'Teste rápido'")
        for column in ("em_aula", "para_casa"):
            for label in _labels(row[column]):
                exercise = exercises.get(label)
                if exercise is None or exercise.docname != row["capitulo"]:
                    chapter = row["capitulo"] or "no chapter"
                    raise _fail(path, line, column, f"{label!r} is not an exercise of {chapter}")
                if label in seen:
                    raise _fail(path, line, column, f"{label!r} is already planned in row {seen[label]}")
                seen[label] = line
        blocks.append(
            Block(
                bloco=row["bloco"],
                capitulo=row["capitulo"],
                minutos=int(row["minutos"]),
                ao_vivo=row["ao_vivo"],
                em_aula=_labels(row["em_aula"]),
                para_casa=_labels(row["para_casa"]),
                aquecimento=row["aquecimento"],
                saida=row["saida"],
            )
        )
    if not blocks:
        raise DataError(f"{path}: the plan has no block")
    return blocks


def plan_path(name: str) -> Path:
    """``plan_path("3h")`` -> ``chapters/_data/plano-3h.csv``."""
    return PLAN_DIR / f"plano-{name}.csv"


def total_minutes(plan: list[Block]) -> int:
    return sum(block.minutos for block in plan)


def exercises_pt(labels: tuple[str, ...], exercises: dict[str, Exercise]) -> str:
    """Exercises as the book titles them: ('a', 'b') -> 'Exercícios 3 e 4'; () -> ''."""
    numbers = [str(exercises[label].number) for label in labels]
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"Exercício {numbers[0]}"
    return "Exercícios " + ", ".join(numbers[:-1]) + " e " + numbers[-1]
