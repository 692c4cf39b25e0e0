"""Sphinx extension for the course's site (loaded from ``_config.yml``: ``sphinx.local_extensions``).

1. Execution cache keyed on the code and data: the pages are re-executed when ``calculators/``, ``data/``, the
   chapters' non-notebook files (e.g. ``chapters/_data``) or ``requirements.txt`` change, not only when a chapter's
   text changes. The key is a hash of those files; when it differs from the key the cache was filled under,
   ``_build/.jupyter_cache`` is emptied and every page re-read. Every page is also re-read after a build that
   warned, so a second strict build cannot pass by skipping the page that warned.
2. Repository settings from the environment: ``LLMS101_REPOSITORY_URL`` and ``LLMS101_REPOSITORY_BRANCH``
   override ``repository.url`` / ``repository.branch`` of ``_config.yml`` (the Pages workflow sets them to the
   repository it runs in, so a fork needs no edit).
3. Weight: FontAwesome's 1.4 MB JavaScript kit is dropped from the pages (the theme's CSS draws the icons).
4. Colab: the chapters are written out as notebooks (``tools/make_notebooks.py``) into ``<html>/notebooks/``, and
   the Colab launch button opens them from the ``llms101_colab_branch`` branch (the Pages workflow pushes them
   there), since Colab opens neither ``.md`` files nor arbitrary URLs.
5. A shim so ipywidgets' labels (MathJax 2 API) typeset with MathJax 3 on pages that have both.
6. The in-page calculator: ``calc/`` in the site holds its JavaScript (``site/calc/``) and the data it reads,
   written from the Python package (``calculators.page.write_page_data``); a page with a
   ``data-llms101-calculator`` element loads ``calc/calculator.js`` and its stylesheet.
7. Phones and screen readers (checked by ``tests/site/test_accessibility.py`` and ``test_phone_layout.py``):
   ``tools/site_static/llms101.css`` keeps charts, their controls and the saved kernel widgets inside the text
   column; ``tools/site_static/llms101.js`` names the widgets' sliders and makes their scrolling boxes reachable
   by keyboard; ``tools/site_templates/search-button-field.html`` names the theme's search button by its visible
   text; the show/hide-cell toggles are named by their visible text ("Mostrar célula") instead of myst-nb's
   English "Toggle hidden content", which did not match it; the themes' English labels ("Color mode", "On this
   page", "Site navigation"...) are rewritten in Portuguese in the built pages (``THEME_LABELS_PT``).
8. Editions (``tools/editions.py``): ``llms101_edition`` is ``"instrutor"`` (the normal build) or ``"aluno"``.
   The student edition has no solution (every sphinx-exercise solution node, gated ones included, is removed
   from the pages after they are read), a banner on every page saying which edition it is, and neither the
   chapters' sources nor their Colab notebooks (both hold the solutions). The one-page build (``singlehtml``,
   printed to PDF) gets every chapter's saved widgets, which myst-nb adds only to each chapter's own page.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from html import escape as html_escape
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_notebooks  # noqa: E402

TOOLS = Path(__file__).resolve().parent
SITE_STATIC = TOOLS / "site_static"  # llms101.css and llms101.js, on every page
SITE_TEMPLATES = TOOLS / "site_templates"  # theme components the course overrides

LOGGER = logging.getLogger(__name__)
KEY_FILE = ".llms101-exec-key"  # beside the execution cache: the key it was filled under
ENV_KEY_FILE = ".llms101-env-key"  # in a build's doctrees: the key its pages were last read under
CLEAN_FILE = ".llms101-clean"  # in a build's doctrees: present only after a build that ended without warnings
KEYED_DIRS = ("calculators", "data", "chapters")
KEYED_FILES = ("requirements.txt",)  # a new pin (pandas, altair...) can change what the pages print
IGNORED_SUFFIXES = {".pyc", ".pyo"}
IGNORED_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


def execution_key(root: Path) -> str:
    """Hash of every file the executed pages may depend on besides their own text.

    Chapter sources (``chapters/*.md``) are left out: jupyter-cache already keys each page on its own code.
    """
    digest = hashlib.sha256()
    for name in KEYED_FILES:
        if (root / name).is_file():
            digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    for folder in KEYED_DIRS:
        base = root / folder
        if not base.exists():
            continue
        for path in sorted(base.rglob("*")):
            if not path.is_file() or path.suffix in IGNORED_SUFFIXES or IGNORED_DIRS & set(path.parts):
                continue
            rel = path.relative_to(root)
            if folder == "chapters" and len(rel.parts) == 2 and path.suffix in {".md", ".ipynb"}:
                continue
            digest.update(str(rel.as_posix()).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _build_root(app: Sphinx) -> Path:
    return Path(app.outdir).parent


def _exec_cache_path(app: Sphinx) -> Path:
    configured = app.config.nb_execution_cache_path if hasattr(app.config, "nb_execution_cache_path") else ""
    return Path(configured) if configured else _build_root(app) / ".jupyter_cache"


def override_repository(app: Sphinx, config) -> None:
    options = dict(config.html_theme_options or {})
    url = os.environ.get("LLMS101_REPOSITORY_URL", "").strip()
    branch = os.environ.get("LLMS101_REPOSITORY_BRANCH", "").strip()
    options["search_bar_text"] = "Buscar no curso…"  # _config.yml cannot set it without replacing all options
    if url:
        options["repository_url"] = url.rstrip("/")
    if branch:
        options["repository_branch"] = branch
    if config.llms101_edition == "aluno":  # its source downloads would be the chapters with their solutions
        options["use_download_button"] = False
    config.html_theme_options = options


def resolve_vendor_path(app: Sphinx, config) -> None:
    """Single-page builds (``jupyter-book build chapters/x.md``) read _config.yml from chapters/: point their
    ``html_extra_path`` at the repository's staged vendor folder so their charts draw too."""
    repo = Path(__file__).resolve().parent.parent
    resolved = []
    for entry in config.html_extra_path:
        if not (Path(app.confdir) / entry).exists() and (repo / entry).exists():
            entry = str(repo / entry)
        resolved.append(entry)
    config.html_extra_path = resolved


def check_execution_key(app: Sphinx) -> None:
    """Empty the execution cache if the code or data changed; re-read every page unless the last build was clean.

    Sphinx re-reads only changed pages, so a page whose execution warned would pass a second build silently:
    a marker file written only after a build without warnings prevents that. Several builds (the site, the
    student edition, the print editions) share one execution cache but each has its own doctrees, so the cache's
    key lives beside the cache and each build keeps the key its own pages were read under.
    """
    key = execution_key(Path(app.srcdir))
    cache = _exec_cache_path(app)
    cache_key = cache.parent / KEY_FILE
    if (cache_key.read_text().strip() if cache_key.exists() else None) != key:
        if cache.exists():
            LOGGER.info(f"llms101: calculators/, data/ or chapter data changed: clearing {cache}")
            shutil.rmtree(cache, ignore_errors=True)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache_key.write_text(key + "\n")
    doctrees = Path(app.doctreedir)
    env_key = doctrees / ENV_KEY_FILE
    reread = (env_key.read_text().strip() if env_key.exists() else None) != key
    doctrees.mkdir(parents=True, exist_ok=True)
    env_key.write_text(key + "\n")
    clean = doctrees / CLEAN_FILE
    if not clean.exists():
        reread = True
    clean.unlink(missing_ok=True)
    app._llms101_reread = reread  # type: ignore[attr-defined]


def outdated_when_key_changed(app: Sphinx, env, added, changed, removed) -> list[str]:
    if getattr(app, "_llms101_reread", False):
        return sorted(env.found_docs - set(added) - set(changed))
    return []


def _repo_parts(app: Sphinx) -> tuple[str, str]:
    options = app.config.html_theme_options or {}
    return options.get("repository_url", "").rstrip("/"), options.get("repository_branch", "main") or "main"


def rewrite_colab_button(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    buttons = context.get("header_buttons") or []
    repo_url, _ = _repo_parts(app)
    colab = (app.config.html_theme_options or {}).get("launch_buttons", {}).get("colab_url", "").rstrip("/")
    if not colab or "github.com/" not in repo_url:
        return
    org_repo = repo_url.split("github.com/", 1)[1]
    url = f"{colab}/github/{org_repo}/blob/{app.config.llms101_colab_branch}/{Path(pagename).name}.ipynb"

    def walk(items):
        for item in items:
            if item.get("type") == "group":
                walk(item.get("buttons", []))
            elif item.get("text") == "Colab":
                item["url"] = url

    walk(buttons)


# pydata-sphinx-theme loads FontAwesome's SVG+JS kit (1.4 MB on every page) only "so that users can add custom
# icons"; its CSS already draws every icon the theme uses from the webfonts, so the script is dropped.
_FONTAWESOME_JS = re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\s*')


def drop_fontawesome_js(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for html in Path(app.outdir).rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        slim = _FONTAWESOME_JS.sub("", text)
        if slim != text:
            html.write_text(slim, encoding="utf-8")


# The themes' English labels, which screen readers announce on every page, in Portuguese. The pydata theme has no
# Portuguese catalogue and some labels are typed into its templates, so the built pages are rewritten: each key is
# an attribute value (aria-label, title, data-bs-title) or a visible text, exactly as the themes write it.
THEME_LABELS_PT = {
    '="Color mode"': '="Modo de cor"',
    '="Light"': '="Claro"',
    '="Dark"': '="Escuro"',
    '="System Settings"': '="Como o sistema"',
    '="On this page"': '="Nesta página"',
    '="Site navigation"': '="Navegação do site"',
    '="Launch interactive content"': '="Abrir conteúdo interativo"',
    '="Launch on Binder"': '="Abrir no Binder"',
    '="Launch on Colab"': '="Abrir no Colab"',
    '="Launch on JupyterHub"': '="Abrir no JupyterHub"',
    '="Version warning"': '="Aviso de versão"',
    '="Main"': '="Principal"',
    '="Page"': '="Página"',
    '="Breadcrumb"': '="Trilha de navegação"',
    '="Section Navigation"': '="Navegação da seção"',
    '="previous page"': '="página anterior"',
    '="next page"': '="próxima página"',
    '="Toggle primary sidebar"': '="Mostrar ou esconder a navegação do site"',
    '="Toggle secondary sidebar"': '="Mostrar ou esconder o sumário da página"',
    ">Back to top</button>": ">Voltar ao topo</button>",
    ">Skip to main content</a>": ">Pular para o conteúdo principal</a>",
}
_THEME_LABEL = re.compile("|".join(re.escape(k) for k in THEME_LABELS_PT))


def translate_theme_labels(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for html in Path(app.outdir).rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        translated = _THEME_LABEL.sub(lambda m: THEME_LABELS_PT[m.group(0)], text)
        if translated != text:
            html.write_text(translated, encoding="utf-8")


def write_colab_notebooks(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if app.config.llms101_edition == "aluno":  # the notebooks hold the solutions: not in the student edition
        _mark_clean(app)
        return
    env = app.env
    chapters = []
    for docname in sorted(env.found_docs):
        source = Path(env.doc2path(docname))
        if source.suffix == ".md" and "kernelspec" in env.metadata.get(docname, {}):
            chapters.append(source)
    repo_url, branch = _repo_parts(app)
    out = Path(app.outdir) / "notebooks"
    if out.exists():
        shutil.rmtree(out)
    written = make_notebooks.write_notebooks(chapters, out, repository_url=repo_url, branch=branch)
    LOGGER.info(f"llms101: {len(written)} Colab notebooks in {out}")
    _mark_clean(app)


def _mark_clean(app: Sphinx) -> None:
    if app._warncount == 0:  # noqa: SLF001 - Sphinx has no public counter
        (Path(app.doctreedir) / CLEAN_FILE).write_text("the last build ended without warnings\n")


# ipywidgets' HTML manager typesets widget labels with the MathJax 2 API (MathJax.Hub.Queue), which MathJax 3 (what
# Sphinx loads) lacks: on a page with both math and widgets that throws. This forwards those calls to MathJax 3.
# The HTML manager renders on window "load", after DOMContentLoaded, so the shim is in place in time.
MATHJAX2_SHIM = """document.addEventListener("DOMContentLoaded", function () {
  var mj = window.MathJax;
  if (!mj || !mj.version || mj.Hub || typeof mj.typesetPromise !== "function") { return; }
  function typeset(el) {
    mj.startup.promise.then(function () { return mj.typesetPromise(el ? [el] : undefined); });
  }
  mj.Hub = { Queue: function () {
    for (var i = 0; i < arguments.length; i++) {
      var job = arguments[i];
      if (Array.isArray(job) && job[0] === "Typeset") { typeset(job[2]); }
    }
  } };
});"""


CALCULATOR_MARK = "data-llms101-calculator"
CALCULATOR_SOURCES = Path(__file__).resolve().parent.parent / "site" / "calc"


def add_calculator_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Pages that hold an in-page calculator load its module and stylesheet (only those pages)."""
    if CALCULATOR_MARK in (context.get("body") or ""):
        app.add_js_file("../calc/calculator.js", type="module")
        app.add_css_file("../calc/calculator.css")


def write_calculator_assets(app: Sphinx, exception) -> None:
    """``<site>/calc/``: the calculator's JavaScript and CSS, and the JSON and tokenizer files it reads."""
    if exception is not None or app.builder.format != "html":
        return
    from calculators.page import write_page_data

    out = Path(app.outdir) / "calc"
    sizes = write_page_data(out)
    for source in sorted(CALCULATOR_SOURCES.iterdir()):
        if source.suffix in {".js", ".css"}:
            shutil.copyfile(source, out / source.name)
    LOGGER.info(f"llms101: in-page calculator in {out} ({sum(sizes.values()) / 1e6:.1f} MB of data and tokenizers)")


def add_site_assets(app: Sphinx, config) -> None:
    """The course's stylesheet, script and template overrides (item 7 of the module docstring)."""
    config.html_static_path = [*config.html_static_path, str(SITE_STATIC)]
    config.templates_path = [str(SITE_TEMPLATES), *config.templates_path]


def visit_hide_cell(self, node) -> None:
    """myst-nb's show/hide-cell toggle, with no aria-label: the ``<summary>`` is named by the prompt it shows
    ("Mostrar célula", or "Esconder célula" when open; the other one is hidden by the theme's CSS)."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{html_escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{html_escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def depart_hide_cell(self, node) -> None:
    self.body.append("</details>\n")


EDITIONS = {"instrutor", "aluno"}
STUDENT_BANNER = (
    '<div class="llms101-edition-banner" role="note"><strong>Edição do aluno.</strong> '
    "Todos os exercícios estão aqui; as soluções ficam com quem conduz o curso.</div>\n"
)


def check_edition(app: Sphinx, config) -> None:
    if config.llms101_edition not in EDITIONS:
        raise ValueError(f"llms101_edition must be one of {sorted(EDITIONS)}, not {config.llms101_edition!r}")


def remove_solutions(app: Sphinx, doctree) -> None:
    """The student edition: every solution, gated ones included (their content is inside the node by now)."""
    if app.config.llms101_edition != "aluno":
        return
    from sphinx_exercise.nodes import solution_node

    for node in list(doctree.findall(solution_node)):
        node.parent.remove(node)


def add_every_page_resources(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The one-page build (``singlehtml``, for the PDFs): the scripts myst-nb adds per page (the saved widgets'
    state and the widget manager) are added for every chapter, since they are all on the one page. The chapters'
    widget states become one state (their model ids are unique), which is what the widget manager reads."""
    if app.builder.name != "singlehtml":
        return
    import json

    from myst_nb.sphinx_ import NbMetadataCollector

    scripts, state = {}, {}
    for docname in sorted(app.env.found_docs):
        for key, (path, kwargs) in NbMetadataCollector.get_js_files(app.env, docname).items():
            if key == "ipywidgets_state":
                saved = json.loads(kwargs["body"])
                state.setdefault("version_major", saved.get("version_major"))
                state.setdefault("version_minor", saved.get("version_minor"))
                state.setdefault("state", {}).update(saved.get("state", {}))
            else:
                scripts[key] = (path, kwargs)
    if state:
        body = json.dumps(state).replace("</", "<\\/")
        app.add_js_file(None, type="application/vnd.jupyter.widget-state+json", body=body)
    for path, kwargs in scripts.values():
        if path is not None:
            app.add_js_file(path, **kwargs)


def add_edition_banner(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.config.llms101_edition == "aluno" and "body" in context:
        context["body"] = STUDENT_BANNER + context["body"]


def setup(app: Sphinx) -> dict:
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_js_file(None, body=MATHJAX2_SHIM, priority=1)
    app.add_css_file("llms101.css")
    app.add_css_file("llms101-editions.css")
    app.add_js_file("llms101.js", defer="defer")
    toggle = (visit_hide_cell, depart_hide_cell)
    app.add_node(HideCodeCellNode, override=True, html=toggle, singlehtml=toggle)
    app.connect("config-inited", add_site_assets)
    app.add_config_value("llms101_colab_branch", "colab", "html")
    app.add_config_value("llms101_edition", "instrutor", "env")
    app.connect("config-inited", check_edition)
    app.connect("doctree-read", remove_solutions, priority=400)  # before sphinx-exercise registers labels
    app.connect("html-page-context", add_edition_banner)
    app.connect("html-page-context", add_every_page_resources)
    app.connect("config-inited", override_repository)
    app.connect("config-inited", resolve_vendor_path)
    app.connect("builder-inited", check_execution_key, priority=100)
    app.connect("env-get-outdated", outdated_when_key_changed)
    app.connect("html-page-context", rewrite_colab_button, priority=600)
    app.connect("html-page-context", add_calculator_assets)
    app.connect("build-finished", drop_fontawesome_js)
    app.connect("build-finished", translate_theme_labels)
    app.connect("build-finished", write_calculator_assets)
    app.connect("build-finished", write_colab_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
