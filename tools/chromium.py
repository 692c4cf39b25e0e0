"""Debian's Chromium as the tests and benchmarks start it: headless, and quiet on a machine with no internet.

Without the background-networking flags Chromium tries Google's hosts at every start (refused here, many at once).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path(os.environ.get("LLMS101_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def harmless_error(text: str) -> bool:
    """Jupyter Book 1 declares THEBE_JS_URL twice (sphinx-thebe): "Identifier 'THEBE_JS_URL' has already been
    declared" is harmless, and recognised by that name."""
    return "THEBE_JS_URL" in text and "already" in text


# True once every chart container on the page is drawn; throws (ending the wait early) if one reports an error.
CHARTS_DRAWN_JS = """
() => {
  const containers = new Set([...document.querySelectorAll(".llms101-chart, .vega-embed")]);
  const pending = [];
  for (const el of containers) {
    if (el.classList.contains("llms101-chart-error")) {
      throw new Error("chart " + (el.id || "?") + " failed: " + el.textContent);
    }
    const svgMarks = el.querySelector("svg .role-mark");
    const canvas = el.querySelector("canvas");
    const drawn = svgMarks !== null || (canvas !== null && canvas.width > 0 && canvas.height > 0);
    const ours = el.classList.contains("llms101-chart");
    if (!drawn || (ours && el.getAttribute("data-llms101-drawn") !== "true")) {
      pending.push(el.id || el.className);
    }
  }
  return pending.length === 0 ? [containers.size] : false;  // an array: truthy even for 0 charts
}
"""


def settle_page(page, *, timeout_ms: int = 15000) -> None:
    """After the charts: wait until MathJax (where Sphinx loads it) has typeset and every saved ipywidgets view
    on the page is drawn."""
    if page.evaluate("() => typeof window.MathJax === 'object'"):
        page.wait_for_function("() => window.MathJax.startup && window.MathJax.startup.promise")
        page.evaluate("() => window.MathJax.startup.promise.then(() => true)")
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if views:
        page.wait_for_function(
            "n => [...document.querySelectorAll('.widget-subarea')].filter(e => e.querySelector('.jupyter-widgets'))"
            ".length >= n",
            arg=views,
            timeout=timeout_ms,
        )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve_folder(folder: Path, host: str = "127.0.0.1"):
    """Serve ``folder`` over HTTP on ``host`` (a free port) in a thread; yields the base URL, ending in ``/``."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def block_outside(context, host: str = "127.0.0.1") -> list[str]:
    """Abort every request of a Playwright browser ``context`` to a host other than ``host``; returns the list the
    blocked URLs are appended to."""
    blocked: list[str] = []

    def route(route):
        if urlsplit(route.request.url).hostname == host:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    return blocked
