"""The in-page calculator, measured in Chromium on this machine (a benchmark, not a timed test).

    .venv/bin/python benchmarks/bench_page.py [--json] [--runs N]      # after `make book`; or `make bench-page`

Serves the built site (``_build/html``) on 127.0.0.1 with a server that counts the bytes it sends, opens the
Calculadora page, and measures, in one run:

1. First-load weight: everything the page loads until the calculator is ready and the network is idle, before any
   tokenizer is used (the box starts empty). Target: under 4 MB.
2. Paste to updated rows: a paste of the article, then of ~1 MB, timed in the page from the input event to the
   table carrying the new rows (``data-llms101-updated``), the median of ``--runs``. The first paste includes
   downloading and building the tokenizers; the others run with them loaded. Targets, tokenizers loaded: the
   article under 100 ms, 1 MB under 3 s. Measured on the ``latest`` snapshot (the page's default) and on ``2024-05``
   (which also needs the three Mistral SentencePiece tokenizers).
3. Weight with every tokenizer loaded (all seven exact ones). Target: under 16 MB raw; gzip (what a server such as
   GitHub Pages sends) is reported beside it.
4. Long pre-tokenized pieces: a paste of a 300,000-character single word and of 1 MB of spaces (snapshot 2024-05,
   the tokenizers of its rows), timed as in 2, and the ids of every exact tokenizer from
   ``window.llms101.encode`` compared with ``calculators.tokens.encode``. Target: each under 10 s, ids equal.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
PAGE = "chapters/calculadora.html"
sys.path.insert(0, str(ROOT / "tools"))

from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - tools/ is not a package

TARGET_FIRST_LOAD_BYTES = 4 * 1024 * 1024
TARGET_ALL_TOKENIZERS_BYTES = 16 * 1024 * 1024
TARGET_ARTICLE_MS = 100
TARGET_MB_MS = 3_000
TARGET_LONG_PIECE_MS = 10_000
EXACT = ["o200k_base", "cl100k_base", "llama3", "llama4", "mistral_v1", "mistral_v2", "mistral_v3"]
LONG_PIECES = {"word": "a" * 300_000, "spaces": " " * 1_000_000}

# Paste `text` into the first calculator and resolve with the milliseconds until its rows are updated.
PASTE_JS = """
(text) => new Promise((resolve) => {
  const root = document.querySelector("[data-llms101-calculator]");
  const box = root.querySelector("textarea[data-llms101-input]");
  const before = root.dataset.llms101Updated;
  const observer = new MutationObserver(() => {
    if (root.dataset.llms101Updated !== before) {
      observer.disconnect();
      resolve(performance.now() - started);
    }
  });
  observer.observe(root, { attributes: true, attributeFilter: ["data-llms101-updated"] });
  const started = performance.now();
  box.value = text;
  box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
})
"""


class Served:
    """What the server sent: path -> bytes of the file (each path once; a browser caches the rest)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def mark(self) -> set[str]:
        with self.lock:
            return set(self.files)

    def weight(self, paths=None) -> tuple[int, int]:
        with self.lock:
            chosen = [b for p, b in self.files.items() if paths is None or p in paths]
        return sum(map(len, chosen)), sum(len(gzip.compress(b, 6)) for b in chosen)


def serve(site: Path, served: Served):
    class Counting(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def do_GET(self):  # noqa: N802 - the base class's name
            path = self.translate_path(self.path)
            if os.path.isfile(path):
                with served.lock:
                    served.files.setdefault(self.path.split("?")[0], Path(path).read_bytes())
            super().do_GET()

    handler = functools.partial(Counting, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def one_megabyte(article: str) -> str:
    return (article * (1_000_000 // len(article) + 1))[:1_000_000]


def paste_times(page, texts: list[str]) -> list[float]:
    return [page.evaluate(PASTE_JS, t) for t in texts]


def variants(text: str, n: int) -> list[str]:
    """``n`` different texts of the same size (the page remembers the last text's counts)."""
    return [f"{i} {text}"[: len(text)] for i in range(n)]


def long_pieces(page) -> dict:
    """Paste-to-rows time (2024-05: seven tokenizers) and ids against Python for each long-piece text."""
    from calculators.tokens import encode

    page.select_option('select[name="snapshot"]', "2024-05")
    out = {}
    for label, text in LONG_PIECES.items():
        ms = paste_times(page, [text])[0]
        equal = {}
        for name in EXACT:
            ids = page.evaluate("([t, n]) => window.llms101.encode(t, n)", [text, name])
            equal[name] = ids == encode(text, name)
        out[label] = {"chars": len(text), "paste_ms": round(ms, 1), "ids_equal_python": equal}
    return out


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.2f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--runs", type=int, default=5, help="pastes per measurement (median reported)")
    args = parser.parse_args(argv)
    if not (SITE / PAGE).is_file():
        print(f"the built site is missing ({SITE / PAGE}): run `make book` first", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    article = (SITE / "calc" / "article.txt").read_text(encoding="utf-8")
    big = one_megabyte(article)
    served = Served()
    server = serve(SITE, served)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    report: dict = {"runs": args.runs, "article_chars": len(article), "big_chars": len(big)}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url.split("/")[2] else r.abort())
            page = context.new_page()
            page.goto(base + PAGE, wait_until="load")
            page.evaluate("window.llms101.ready")
            page.wait_for_load_state("networkidle")
            first = served.mark()
            report["first_load_bytes"], report["first_load_gzip_bytes"] = served.weight(first)
            report["first_load_files"] = len(first)

            for snapshot in ("latest", "2024-05"):
                page.select_option('select[name="snapshot"]', snapshot)
                runs = {}
                runs["first_paste_ms"] = paste_times(page, [f"{snapshot} {article}"])[0]
                runs["article_ms"] = statistics.median(paste_times(page, variants(article, args.runs)))
                runs["one_mb_ms"] = statistics.median(paste_times(page, variants(big, max(3, args.runs // 2))))
                report[snapshot] = {k: round(v, 1) for k, v in runs.items()}

            page.evaluate("(names) => Promise.all(names.map((n) => window.llms101.encode('a', n)))", EXACT)
            page.wait_for_load_state("networkidle")
            report["all_tokenizers_bytes"], report["all_tokenizers_gzip_bytes"] = served.weight()
            report["long_pieces"] = long_pieces(page)
            browser.close()
    finally:
        server.shutdown()

    if args.json:
        print(json.dumps(report, indent=2))
        return 0

    def verdict(value, target, unit=lambda v: f"{v} ms") -> str:
        ok = "ok" if value < target else "OVER TARGET"
        return f"target < {unit(target)}: {ok}; {value / target:.2f}× the target"

    print(f"Calculadora, Chromium, {os.cpu_count()} cores; medians of {args.runs} pastes")
    print(
        f"first load (no tokenizer yet): {mb(report['first_load_bytes'])} raw, "
        f"{mb(report['first_load_gzip_bytes'])} gzip, {report['first_load_files']} files "
        f"({verdict(report['first_load_bytes'], TARGET_FIRST_LOAD_BYTES, mb)})"
    )
    for snapshot in ("latest", "2024-05"):
        r = report[snapshot]
        print(f"snapshot {snapshot}:")
        print(f"  first paste of the article (tokenizers download and build): {r['first_paste_ms']:8.0f} ms")
        print(
            f"  article ({len(article):,} chars), tokenizers loaded:  {r['article_ms']:8.1f} ms  "
            f"({verdict(r['article_ms'], TARGET_ARTICLE_MS)})"
        )
        print(
            f"  1 MB ({len(big):,} chars), tokenizers loaded:       {r['one_mb_ms']:8.1f} ms  "
            f"({verdict(r['one_mb_ms'], TARGET_MB_MS)})"
        )
    for label, r in report["long_pieces"].items():
        equal = [n for n, same in r["ids_equal_python"].items() if same]
        print(
            f"long piece, {label} ({r['chars']:,} chars), 2024-05, tokenizers loaded: {r['paste_ms']:8.1f} ms  "
            f"({verdict(r['paste_ms'], TARGET_LONG_PIECE_MS)}); ids equal to Python: {len(equal)} of {len(EXACT)}"
            + ("" if len(equal) == len(EXACT) else f" (DIFFERENT: {sorted(set(EXACT) - set(equal))})")
        )
    print(
        f"every tokenizer loaded: {mb(report['all_tokenizers_bytes'])} raw, "
        f"{mb(report['all_tokenizers_gzip_bytes'])} gzip "
        f"({verdict(report['all_tokenizers_bytes'], TARGET_ALL_TOKENIZERS_BYTES, mb)}; the page's first load included, "
        "the catalogue (opened on demand) not)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
