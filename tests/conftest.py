import hashlib
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "chapters" / "_data" / "llms-101.pt-BR.md"
DEFAULT_SITE_DIR = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """``Path`` of the built site, ``_build/html`` (``make test`` builds it first; ``LLMS101_SITE_DIR`` points
    elsewhere). Fails with a clear message if the site is missing."""
    path = Path(os.environ.get("LLMS101_SITE_DIR", DEFAULT_SITE_DIR)).resolve()
    if not (path / "index.html").is_file():
        pytest.fail(
            f"the built site is missing ({path}/index.html not found): build it first with `make book` "
            "(or run everything with `make test`, which builds it strictly before the tests)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def tiktoken_offline_cache(tmp_path_factory):
    """A TIKTOKEN_CACHE_DIR holding our shipped BPE files under the names tiktoken gives its downloads.

    With it, ``tiktoken.get_encoding`` runs its own loading code (hash check included) without the network,
    so it can serve as the reference our loader is compared against.
    """
    cache = tmp_path_factory.mktemp("tiktoken-cache")
    for name in ("o200k_base", "cl100k_base"):
        url = f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
        shutil.copy(ROOT / "data" / "tokenizers" / f"{name}.tiktoken", cache / hashlib.sha1(url.encode()).hexdigest())
    old = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    yield cache
    if old is None:
        del os.environ["TIKTOKEN_CACHE_DIR"]
    else:
        os.environ["TIKTOKEN_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def article_text() -> str:
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A temporary copy of data/snapshots, used instead of the repository's; ``bench --save`` writes its
    measurements beside it, never into the repository. Returns the temporary data/ folder. (Some modules define
    their own, narrower ``data_copy``.)"""
    from calculators import data

    snaps = tmp_path / "data" / "snapshots"
    shutil.copytree(ROOT / "data" / "snapshots", snaps)
    monkeypatch.setattr(data, "SNAPSHOT_DIR", snaps)
    return tmp_path / "data"


@pytest.fixture
def tiered(tmp_path, monkeypatch):
    """A copy of the current snapshot (which has tiers, conditions, scheduled prices and reasoning efforts) in a
    scratch data folder, used instead of the repository's; returns the copy's folder."""
    from calculators import data

    root = tmp_path / "snapshots"
    latest = data.snapshot_path("latest")
    shutil.copytree(latest, root / latest.name)
    monkeypatch.setattr(data, "SNAPSHOT_DIR", root)
    return root / latest.name
