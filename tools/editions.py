"""The course's editions: the instructor's (the normal build) and the student's, as a site or a single page to print.

    python tools/editions.py student            # _build/student/html: every exercise, no solution, no guide
    python tools/editions.py print instrutor    # _build/print/instrutor/index.html: the whole book on one page
    python tools/editions.py print aluno        # _build/print/aluno/index.html
    python tools/editions.py ... --strict       # warnings are errors, as `make test` builds the site

Every build reads the same sources and the same execution cache (``_build/.jupyter_cache``), so the chapters are
executed once, by whichever build runs first. The student edition sets ``llms101_edition = "aluno"``, which the
site extension (``tools/llms101_site.py``) turns into: solutions removed from the pages, a banner on every page,
and the instructor-only pages (``INSTRUCTOR_ONLY``) left out of the table of contents, hence out of the build.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
EXEC_CACHE = BUILD / ".jupyter_cache"
EDITIONS = ("instrutor", "aluno")
# Pages only the instructor's edition has (they hold the answers).
INSTRUCTOR_ONLY = ("chapters/guia-do-instrutor",)


def site_dir(edition: str) -> Path:
    """Where an edition's site is built: the instructor's is the normal ``make book`` output."""
    return BUILD / "html" if edition == "instrutor" else BUILD / "student" / "html"


def print_dir(edition: str) -> Path:
    """Where an edition's one-page version (Sphinx ``singlehtml``) is built, for the PDF."""
    return BUILD / "print" / edition


def _without(entries: list, skipped: set[str]) -> list:
    kept = []
    for entry in entries or []:
        if str(Path(entry.get("file", "")).with_suffix("")) in skipped:
            continue
        entry = dict(entry)
        for key in ("chapters", "sections"):
            if key in entry:
                entry[key] = _without(entry[key], skipped)
        kept.append(entry)
    return kept


def toc_for(edition: str, out: Path) -> Path:
    """The edition's table of contents: ``_toc.yml`` as it is, or without the instructor-only pages."""
    source = ROOT / "_toc.yml"
    if edition == "instrutor":
        return source
    toc = yaml.safe_load(source.read_text(encoding="utf-8"))
    skipped = set(INSTRUCTOR_ONLY)
    toc["chapters"] = _without(toc.get("chapters"), skipped)
    for part in toc.get("parts") or []:
        part["chapters"] = _without(part.get("chapters"), skipped)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def build(edition: str, builder: str, outdir: Path, *, strict: bool = False) -> int:
    """Build ``edition`` with Sphinx ``builder`` into ``outdir`` (doctrees beside it); Sphinx's exit status."""
    from jupyter_book.sphinx import build_sphinx

    doctrees = outdir.parent / f".doctrees-{outdir.name}"
    overrides = {
        "external_toc_path": toc_for(edition, outdir.parent / f"_toc-{outdir.name}.yml").as_posix(),
        "nb_execution_cache_path": str(EXEC_CACHE),
        "llms101_edition": edition,
        # The student edition does not publish the chapters' sources (they hold the solutions).
        "html_copy_source": edition == "instrutor",
        "latex_individualpages": False,  # jupyter-book's CLI always passes it
    }
    if strict:
        overrides["nitpicky"] = True
    # Written afresh (a file an earlier build left must not linger, e.g. a source holding the solutions); the
    # doctrees are kept, so nothing is read or executed again that did not change.
    shutil.rmtree(outdir, ignore_errors=True)
    result = build_sphinx(
        ROOT,
        outdir,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=overrides,
        doctreedir=doctrees,
        builder=builder,
        warningiserror=strict,
        keep_going=strict,
    )
    if isinstance(result, Exception):
        print(f"editions: the {edition} build ({builder}) failed: {result}", file=sys.stderr)
        return 1
    if builder == "singlehtml" and not result:
        # Sphinx writes the single page under the root document's name (chapters/intro.html) but with links
        # relative to the site's root: move it there, in place of the redirect.
        (outdir / "chapters" / "intro.html").replace(outdir / "index.html")
    return int(result or 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("student", help="the student edition's site into _build/student/html").add_argument(
        "--strict", action="store_true"
    )
    printing = sub.add_parser("print", help="one edition on a single page, for the PDF")
    printing.add_argument("edition", choices=EDITIONS)
    printing.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "student":
        return build("aluno", "html", site_dir("aluno"), strict=args.strict)
    return build(args.edition, "singlehtml", print_dir(args.edition), strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
