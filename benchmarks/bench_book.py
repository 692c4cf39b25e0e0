"""Book build and site weight, measured on this machine (a benchmark, not a timed test).

    .venv/bin/python benchmarks/bench_book.py [--json] [--keep DIR]

1. Cold build with execution: the book's sources copied to a fresh folder (no _build, no execution cache), then
   ``jupyter-book build -W -n --keep-going`` as in ``make test``. Target: under 120 s.
2. Rebuild with nothing changed, same command, same folder. Target: under 10 s.
3. Site weight: the whole ``_build/html`` on disk, and per page everything Chromium loads for it (opened through
   a local HTTP server, with every request outside 127.0.0.1 blocked), uncompressed and gzip-compressed (what a
   server such as GitHub Pages would send). Target: under 4 MB for a chapter page.

The vendored JavaScript is staged from the local npm cache (``make vendor`` fills it); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
STRICT = ["-W", "-n", "--keep-going"]
sys.path.insert(0, str(ROOT / "tools"))

from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - tools/ is not a package

IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "_build", "__pycache__", ".pytest_cache", ".ruff_cache", "node_modules", "*.egg-info"
)
TARGET_COLD_S = 120
TARGET_REBUILD_S = 10
TARGET_PAGE_BYTES = 4 * 1024 * 1024


def copy_sources(dest: Path) -> None:
    shutil.copytree(ROOT, dest, ignore=IGNORE, dirs_exist_ok=True)
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "vendor_assets.py"), "all", str(dest / "_build" / "_vendor")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def timed_build(book: Path) -> tuple[float, int, str]:
    """(seconds, exit status, last lines of output) of one strict build."""
    start = time.perf_counter()
    proc = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(book), *STRICT], capture_output=True, text=True, cwd=book, check=False
    )
    seconds = time.perf_counter() - start
    tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-5:])
    return seconds, proc.returncode, tail


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def page_weights(site: Path) -> list[dict]:
    """Per page: how many requests, bytes loaded (uncompressed, gzip) and anything blocked or failed."""
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = ["index.html", *sorted(str(p.relative_to(site)) for p in (site / "chapters").glob("*.html"))]
    results = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            for rel in pages:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                loaded: dict[str, bytes] = {}
                blocked: list[str] = []

                def route(route, blocked=blocked):
                    if urlsplit(route.request.url).hostname == "127.0.0.1":
                        route.continue_()
                    else:
                        blocked.append(route.request.url)
                        route.abort()

                def on_response(response, loaded=loaded):
                    try:
                        loaded[response.url] = response.body()
                    except Exception:  # redirects and aborted requests have no body
                        loaded.setdefault(response.url, b"")

                context.route("**/*", route)
                page = context.new_page()
                page.on("response", on_response)
                page.goto(base + rel, wait_until="load")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)
                raw = sum(len(b) for b in loaded.values())
                gz = sum(len(gzip.compress(b, 6)) for b in loaded.values())
                heaviest = sorted(loaded.items(), key=lambda kv: -len(kv[1]))[:3]
                results.append(
                    {
                        "page": rel,
                        "requests": len(loaded),
                        "bytes": raw,
                        "gzip_bytes": gz,
                        "blocked": blocked,
                        "largest": [(urlsplit(u).path, len(b)) for u, b in heaviest],
                    }
                )
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return results


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.2f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", type=Path, help="build in this folder (kept) instead of a temporary one")
    args = parser.parse_args(argv)

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="llms101-bench-book-"))
    try:
        copy_sources(workdir)
        cold_s, cold_rc, cold_tail = timed_build(workdir)
        warm_s, warm_rc, warm_tail = timed_build(workdir)
        site = workdir / "_build" / "html"
        total = folder_bytes(site)
        vendor = folder_bytes(site / "vendor") if (site / "vendor").exists() else 0
        pages = page_weights(site)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)

    heaviest = max(pages, key=lambda p: p["bytes"])
    report = {
        "cold_build_s": round(cold_s, 1),
        "cold_build_status": cold_rc,
        "rebuild_s": round(warm_s, 1),
        "rebuild_status": warm_rc,
        "site_bytes": total,
        "site_vendor_bytes": vendor,
        "pages": pages,
        "heaviest_page": heaviest["page"],
        "heaviest_page_bytes": heaviest["bytes"],
        "heaviest_page_gzip_bytes": heaviest["gzip_bytes"],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0

    def verdict(ok: bool) -> str:
        return "ok" if ok else "OVER TARGET"

    print(f"cold build with execution: {cold_s:6.1f} s  (target < {TARGET_COLD_S} s: {verdict(cold_s < 120)})")
    if cold_rc:
        print(f"  the build FAILED (status {cold_rc}):\n{cold_tail}")
    print(f"rebuild, nothing changed:  {warm_s:6.1f} s  (target < {TARGET_REBUILD_S} s: {verdict(warm_s < 10)})")
    if warm_rc:
        print(f"  the rebuild FAILED (status {warm_rc}):\n{warm_tail}")
    print(f"site on disk: {mb(total)} (of which vendor/ {mb(vendor)}, loaded only by the pages that need it)")
    print(f"{'page':34} {'requests':>8} {'loaded':>10} {'gzip':>10}  largest files")
    for p in sorted(pages, key=lambda p: -p["bytes"]):
        largest = ", ".join(f"{Path(path).name} {n / 1024:.0f} KB" for path, n in p["largest"])
        flag = "" if p["bytes"] < TARGET_PAGE_BYTES else "  OVER 4 MB"
        print(f"{p['page']:34} {p['requests']:>8} {mb(p['bytes']):>10} {mb(p['gzip_bytes']):>10}  {largest}{flag}")
        if p["blocked"]:
            print(f"  blocked external requests: {p['blocked']}")
    print(
        f"heaviest page: {heaviest['page']}: {mb(heaviest['bytes'])} uncompressed, {mb(heaviest['gzip_bytes'])} "
        f"gzip (target < 4 MB: {verdict(heaviest['bytes'] < TARGET_PAGE_BYTES)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
