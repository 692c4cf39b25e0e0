"""Colab notebooks generated from the chapters (MyST markdown) with jupytext.

Colab opens only ``.ipynb`` files, and only from GitHub (or Drive). The book build writes one notebook per chapter
into ``_build/html/notebooks/`` (the site publishes them; the Pages workflow also pushes them to the ``colab``
branch, which the Colab buttons open). Each generated copy starts with one extra cell that, only inside Colab,
clones the course's repository and installs what the chapters import; the chapter sources never contain it.

    python tools/make_notebooks.py OUT_DIR [--repository-url URL] [--branch BRANCH] CHAPTER.md ...
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

import jupytext
import nbformat

SETUP_TAG = "colab-setup"
CLONE_DIR = "/content/llms-101"

# What the book needs but a Colab reader does not (build, tests, lint, the lab itself).
NOT_FOR_COLAB = {"jupyter-book", "sphinx-exercise", "jupyterlab", "jupytext", "pytest", "ruff", "playwright"}

_SETUP_TEMPLATE = """\
# Runs only in Google Colab: fetch the course's code and data and install what the chapters import.
import os
import subprocess
import sys

if "google.colab" in sys.modules:
    from importlib import metadata

    REPOSITORY_URL = {repository_url!r}
    BRANCH = {branch!r}
    CLONE_DIR = {clone_dir!r}
    if not os.path.isdir(CLONE_DIR):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", BRANCH, REPOSITORY_URL, CLONE_DIR], check=True)
    skip = {skip!r}
    with open(os.path.join(CLONE_DIR, "requirements.txt")) as f:
        lines = [line.split("#")[0].strip() for line in f]
    pins = [p for p in lines if p and not p.startswith("-") and p.split("==")[0].split("[")[0] not in skip]
    pins += {extra!r}
    loaded = {{name: sys.modules[name].__version__ for name in ("numpy", "pandas") if name in sys.modules}}
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *pins], check=True)
    sys.path.insert(0, CLONE_DIR)
    os.chdir(os.path.join(CLONE_DIR, "chapters"))
    if any(metadata.version(name) != version for name, version in loaded.items()):
        print("Pacotes atualizados: reinicie a sessão (Ambiente de execução > Reiniciar sessão) e rode de novo.")
"""


def _myst_nb_pin() -> list[str]:
    """Chapters glue numbers with myst_nb; it comes with jupyter-book, which Colab does not get."""
    try:
        return [f"myst-nb=={metadata.version('myst-nb')}"]
    except metadata.PackageNotFoundError:
        return ["myst-nb"]


def setup_cell_source(*, repository_url: str, branch: str, clone_dir: str = CLONE_DIR) -> str:
    """Source of the Colab-only set-up cell.

    Example: 'git", "clone' in setup_cell_source(repository_url="https://github.com/o/r", branch="main") -> True
    """
    return _SETUP_TEMPLATE.format(
        repository_url=repository_url,
        branch=branch,
        clone_dir=clone_dir,
        skip=sorted(NOT_FOR_COLAB),
        extra=_myst_nb_pin(),
    )


def colab_notebook(chapter: Path, *, repository_url: str, branch: str) -> nbformat.NotebookNode:
    """The chapter as a notebook (no outputs), with the set-up cell first."""
    nb = jupytext.read(chapter)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["colab"] = {"provenance": [], "name": chapter.with_suffix(".ipynb").name}
    cell = nbformat.v4.new_code_cell(
        setup_cell_source(repository_url=repository_url, branch=branch),
        metadata={"tags": [SETUP_TAG]},
    )
    nb.cells.insert(0, cell)
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i}"  # stable ids: the same chapter gives the same notebook
    nbformat.validate(nb)
    return nb


def write_notebooks(chapters: list[Path], out_dir: Path, *, repository_url: str, branch: str) -> list[Path]:
    """Write ``out_dir/<chapter name>.ipynb`` for each chapter; return the paths written."""
    names = [c.stem for c in chapters]
    if len(set(names)) != len(names):
        raise ValueError(f"two chapters share a file name: {sorted(names)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for chapter in chapters:
        nb = colab_notebook(chapter, repository_url=repository_url, branch=branch)
        target = out_dir / f"{chapter.stem}.ipynb"
        nbformat.write(nb, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("chapters", nargs="+", type=Path)
    parser.add_argument("--repository-url", default="https://github.com/OWNER/REPOSITORY")
    parser.add_argument("--branch", default="main")
    args = parser.parse_args(argv)
    for path in write_notebooks(args.chapters, args.out_dir, repository_url=args.repository_url, branch=args.branch):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
