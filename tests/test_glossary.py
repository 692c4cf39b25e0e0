"""The glossary: the terms other chapters link to with {term}`...` exist, exactly as written."""

import re
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"

# The fixed vocabulary every chapter may link to (see the briefs and STYLE.md).
REQUIRED = [
    "token",
    "tokenizador",
    "tokens de entrada",
    "tokens de saída",
    "provedor",
    "modelo",
    "pesos abertos",
    "janela de contexto",
    "tempo até o primeiro token",
    "TTFT",
    "tokens por segundo",
    "preço combinado",
    "embedding",
    "inferência",
    "MMLU",
    "MT-Bench",
    "HumanEval",
    "RAG",
    "fine-tuning",
    "snapshot",
    "estimativa",
    "sem dado",
]


def glossary_terms() -> set[str]:
    text = (CHAPTERS / "glossario.md").read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert block, "chapters/glossario.md has no {glossary} block"
    terms = set()
    for line in block.group(1).splitlines():
        # Term lines start at column 0; definitions are indented; options start with ':'.
        if line and not line[0].isspace() and not line.startswith(":"):
            terms.add(line.strip())
    return terms


def test_required_terms_present():
    terms = glossary_terms()
    missing = [t for t in REQUIRED if t not in terms]
    assert not missing, f"glossary lacks {missing}"


def test_terms_unique_case_insensitively():
    # Sphinx looks terms up lower-cased: two entries differing only in case would collide.
    terms = [t.lower() for t in glossary_terms()]
    assert len(terms) == len(set(terms))


def _references(path: Path) -> list[str]:
    out = []
    for m in re.finditer(r"\{term\}`([^`]+)`", path.read_text(encoding="utf-8")):
        label = m.group(1)
        target = re.search(r"<([^>]+)>$", label)
        out.append((target.group(1) if target else label).strip())
    return out


@pytest.mark.parametrize("chapter", sorted(CHAPTERS.glob("*.md")), ids=lambda p: p.name)
def test_every_term_reference_resolves(chapter):
    terms = {t.lower() for t in glossary_terms()}
    unknown = sorted({ref for ref in _references(chapter) if ref.lower() not in terms})
    assert not unknown, f"{chapter.name} links to terms missing from the glossary: {unknown}"
