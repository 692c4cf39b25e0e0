"""The offline classroom bundle (``make bundle``: ``_build/llms101-site.zip``), used the way its LEIA-ME says.

The zip is unpacked into a temporary folder and served by ``python -m http.server`` started inside it (on
127.0.0.1 here; in a room, on the LAN); Chromium, with every other host blocked, opens the start page, every page
of the student edition and the instructor's guide, and pastes a text into the Calculadora, whose count must be
the Python package's.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from site_pages import settle, toc_docnames

from calculators.tokens import count_tokens

ROOT = Path(__file__).resolve().parents[2]
ZIP = ROOT / "_build" / "llms101-site.zip"
TOP = "llms101"
STUDENT_PAGES = [d for d in toc_docnames() if d != "chapters/guia-do-instrutor"]


@pytest.fixture(scope="module")
def bundle_url(tmp_path_factory):
    if not ZIP.is_file():
        pytest.fail(f"{ZIP} is missing: `make bundle` writes it (`make test` does it)", pytrace=False)
    folder = tmp_path_factory.mktemp("sala")
    with zipfile.ZipFile(ZIP) as zf:
        bad = [n for n in zf.namelist() if not n.startswith(f"{TOP}/") or ".." in Path(n).parts]
        assert not bad, f"entries outside {TOP}/: {bad[:5]}"
        zf.extractall(folder)
    served = folder / TOP
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
        cwd=served,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = server.stdout.readline()
        port = re.search(r"port (\d+)", line)
        assert port, f"http.server did not say where it serves: {line!r}"
        yield f"http://127.0.0.1:{port.group(1)}/", served
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_bundle_has_both_editions_the_tokenizers_and_a_portuguese_readme(bundle_url):
    _, served = bundle_url
    readme = (served / "LEIA-ME.txt").read_text(encoding="utf-8")
    assert "python3 -m http.server" in readme and "Descompacte" in readme and "rede" in readme
    for edition in ("aluno", "instrutor"):
        assert (served / edition / "index.html").is_file()
        data = served / edition / "calc" / "data.json"
        assert data.is_file(), f"{edition}: the Calculadora's data is missing"
        assert list((served / edition / "calc").rglob("*.tiktoken")), f"{edition}: no tokenizer file"
        assert (served / edition / "vendor" / "versions.json").is_file(), f"{edition}: no vendored JavaScript"
    assert not (served / "aluno" / "chapters" / "guia-do-instrutor.html").exists()
    assert (served / "instrutor" / "chapters" / "guia-do-instrutor.html").is_file()


def test_bundle_start_page_links_both_editions(bundle_url, open_offline):
    base, _ = bundle_url
    with open_offline() as offline:
        offline.page.goto(base, wait_until="load")
        hrefs = offline.page.eval_on_selector_all("a", "els => els.map(a => a.getAttribute('href'))")
        assert "aluno/index.html" in hrefs and "instrutor/index.html" in hrefs
        offline.page.click("text=Edição do aluno")
        offline.page.wait_for_url(re.compile(r"/aluno/chapters/intro\.html$"), timeout=10_000)
        assert offline.failed_requests == [] and offline.external_requests == []


@pytest.mark.parametrize(
    "path",
    [f"aluno/{d}.html" for d in STUDENT_PAGES] + ["instrutor/chapters/guia-do-instrutor.html"],
)
def test_bundle_page_works_offline(bundle_url, open_offline, path):
    base, _ = bundle_url
    with open_offline() as offline:
        response = offline.page.goto(base + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        settle(offline)
        assert offline.external_requests == [], f"{path}: requests outside the bundle"
        assert offline.failed_requests == [], f"{path}: requests failed"
        assert offline.console_errors == [], f"{path}: console errors"


def test_bundle_calculator_tokenizes_offline(bundle_url, open_offline):
    base, _ = bundle_url
    text = "Quanto custa perguntar isto ao modelo, sem internet na sala? 🇧🇷"
    with open_offline(width=390, height=844) as offline:
        page = offline.page
        page.goto(base + "aluno/chapters/calculadora.html", wait_until="load")
        page.locator("textarea[data-llms101-input]").first.fill(text)
        page.wait_for_function(
            """([name, want]) => {
                 const el = document.querySelector(`[data-llms101-count][data-tokenizer="${name}"]`);
                 return el !== null && el.dataset.value === String(want);
               }""",
            arg=["o200k_base", count_tokens(text, "o200k_base")],
            timeout=30_000,
        )
        assert page.locator("[data-llms101-cost-row]").count() > 0
        assert offline.external_requests == [] and offline.failed_requests == []
