"""Fixtures for tests that open the built site in a real browser, offline.

Contract (other tests code against it):

- ``site_dir`` (session, defined in ``tests/conftest.py``): ``Path`` of ``_build/html`` (``make test`` builds it
  first; ``LLMS101_SITE_DIR`` points elsewhere). Fails with a clear message if the site is missing.
- ``site_url`` (session): base URL, ending in ``/``, of an HTTP server on 127.0.0.1 serving ``site_dir``.
- ``open_offline`` (session): ``with open_offline(width=390) as offline: ...`` opens such a page in any scope.
- ``offline_page`` (function): an :class:`OfflinePage` with ``page`` (a Playwright ``Page`` in Debian's Chromium
  where every request to a host other than 127.0.0.1 is aborted), ``external_requests`` (the blocked URLs),
  ``failed_requests`` (URLs that failed, or answered 4xx/5xx), ``console_errors`` (console errors and uncaught
  exceptions, minus Jupyter Book 1's harmless ``THEBE_JS_URL already declared``) and
  ``wait_for_charts(timeout_ms=15000)``, which waits until every vega-embed chart on the page has drawn.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = ROOT / "_build" / "screenshots"
sys.path.insert(0, str(ROOT / "tools"))

from chromium import CHARTS_DRAWN_JS, CHROMIUM, CHROMIUM_ARGS, block_outside, harmless_error, serve_folder  # noqa: E402 - tools/ is not a package

ALLOWED_HOST = "127.0.0.1"


@dataclass
class OfflinePage:
    """A browser page that can reach nothing but 127.0.0.1, with what it tried and what went wrong."""

    page: object
    external_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def wait_for_charts(self, timeout_ms: int = 15000) -> int:
        """Wait until every vega-embed chart on the page has drawn (SVG marks or a painted canvas).

        Returns how many charts the page has (0 is fine: a page without charts returns at once).
        """
        try:
            handle = self.page.wait_for_function(CHARTS_DRAWN_JS, timeout=timeout_ms)
        except Exception as exc:
            pending = self.page.evaluate(
                """() => [...document.querySelectorAll(".llms101-chart, .vega-embed")]
                     .filter(el => !el.querySelector("svg .role-mark, canvas"))
                     .map(el => (el.id || el.className) + ": " + el.textContent.slice(0, 200))"""
            )
            raise AssertionError(
                f"charts not drawn on {self.page.url} within {timeout_ms} ms: {pending}; "
                f"console errors: {self.console_errors}; blocked: {self.external_requests}; "
                f"failed: {self.failed_requests}"
            ) from exc
        return int(handle.json_value()[0])


@pytest.fixture(scope="session")
def site_url(site_dir: Path):
    with serve_folder(site_dir, ALLOWED_HOST) as url:
        yield url


@pytest.fixture(scope="session")
def _chromium():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium when it runs as root "
            "(apt-get install chromium); or set LLMS101_CHROMIUM",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_offline_page(browser, *, width: int = 1280, height: int = 900):
    """A new context and page in ``browser`` that can reach nothing but 127.0.0.1 (see :class:`OfflinePage`)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="pt-BR", service_workers="block")
    page = context.new_page()
    result = OfflinePage(page=page, external_requests=block_outside(context, ALLOWED_HOST))

    def on_failed(request):
        if urlsplit(request.url).hostname == ALLOWED_HOST:
            result.failed_requests.append(f"{request.url} ({request.failure})")

    def on_response(response):
        if response.status >= 400:
            result.failed_requests.append(f"{response.url} (HTTP {response.status})")

    def on_console(message):
        if message.type == "error" and not harmless_error(message.text):
            result.console_errors.append(message.text)

    def on_page_error(error):
        text = str(error)
        if not harmless_error(text):
            result.console_errors.append(f"uncaught: {text}")

    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        yield result
    finally:
        context.close()


@pytest.fixture(scope="session")
def open_offline(_chromium):
    """``open_offline(width=..., height=...)``: a context manager giving an :class:`OfflinePage` (any scope)."""
    return functools.partial(open_offline_page, _chromium)


@pytest.fixture
def offline_page(_chromium, site_url):
    with open_offline_page(_chromium) as result:
        yield result


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """``_build/screenshots``, emptied once per session."""
    shutil.rmtree(SCREENSHOT_DIR, ignore_errors=True)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
