"""Benchmark of the foundation (issue 2), on the Portuguese article. Run: make bench

Reports, in one run:
- cost_table(df, text=article, output_tokens=1000) over every row of the 2024-05 snapshot, with the count
  cache cleared before each call (the honest cost of a new text) and with it warm (the same text again);
- beside it, raw encoding of the same text with the same distinct tokenizers (tiktoken's encode_ordinary,
  sentencepiece's encode), and the ratio;
- counting a 5 MB paste, per tokenizer;
- peak memory (max RSS) of a fresh process that loads every tokenizer;
- start-up (issue 20): ``python -m calculators tokens --text "Olá"`` as a whole process, against a process that
  only imports tiktoken (the ratio), and which heavy libraries the command loads (none of pandas, numpy, httpx).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calculators import cost_table, load_snapshot, tokens  # noqa: E402

ARTICLE = (ROOT / "chapters" / "_data" / "llms-101.pt-BR.md").read_text(encoding="utf-8")
REPEATS = 50
STARTUP_RUNS = 9


def timed(fn, repeats=REPEATS, setup=None) -> float:
    """Median wall time of fn() in milliseconds."""
    samples = []
    for _ in range(repeats):
        if setup:
            setup()
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    df = load_snapshot("2024-05")
    exact = sorted({t for t in df["tokenizer"] if tokens.TOKENIZERS[t].exact} | {"cl100k_base"})
    for name in exact:  # load every tokenizer first: the benchmark measures counting, not loading
        tokens.encode("warm up", name)

    backends = {name: tokens._backend(name) for name in exact}

    def raw():
        for backend in backends.values():
            if hasattr(backend, "encode_ordinary"):
                backend.encode_ordinary(ARTICLE)
            else:
                backend.encode(ARTICLE)

    raw_ms = timed(raw)
    cold_ms = timed(lambda: cost_table(df, text=ARTICLE, output_tokens=1000), setup=tokens._COUNT_CACHE.clear)
    warm_ms = timed(lambda: cost_table(df, text=ARTICLE, output_tokens=1000))

    print(
        f"article: {len(ARTICLE):,} characters; snapshot 2024-05: {len(df)} rows, "
        f"{len(exact)} distinct exact tokenizers"
    )
    print(f"raw encoding, same text, same tokenizers ({', '.join(exact)}): {raw_ms:.2f} ms (median of {REPEATS})")
    print(
        f"cost_table, new text (count cache cleared):  {cold_ms:.2f} ms  -> {cold_ms / raw_ms:.2f}x raw"
        "  (target < 30 ms, <= 1.5x)"
    )
    print(f"cost_table, same text again (cache warm):    {warm_ms:.2f} ms  -> {warm_ms / raw_ms:.2f}x raw")

    big = (ARTICLE * 400).encode()[: 5 * 1024 * 1024].decode("utf-8", "ignore")
    print(f"5 MB paste ({len(big.encode()):,} bytes), count_tokens per tokenizer (target well under 1 s):")
    for info in tokens.list_tokenizers():
        tokens._COUNT_CACHE.clear()
        t0 = time.perf_counter()
        n = tokens.count_tokens(big, info.name)
        print(f"  {info.name:<16} {n:>10,} tokens  {(time.perf_counter() - t0) * 1000:8.1f} ms")

    probe = (
        "from calculators import tokens\n"
        "[tokens.encode('x', t.name) for t in tokens.list_tokenizers() if t.exact]\n"
        "hwm = [line for line in open('/proc/self/status') if line.startswith('VmHWM')][0]\n"
        "print(int(hwm.split()[1]) / 1024)"
    )
    rss = float(
        subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    )
    print(f"peak memory of a process that loads every tokenizer: {rss:.0f} MB (target < 400 MB)")


def _tiktoken_cache(folder: Path) -> dict[str, str]:
    """An environment in which tiktoken's own ``get_encoding("o200k_base")`` finds the course's shipped file in its
    cache (named, as tiktoken names it, by the sha1 of the download address) and so never reaches the network."""
    import hashlib
    import shutil

    import tiktoken_ext.openai_public as openai_public

    seen = {}
    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = lambda blobpath, expected_hash=None: seen.setdefault("url", blobpath) and {}
    try:
        openai_public.o200k_base()
    finally:
        openai_public.load_tiktoken_bpe = original
    name = hashlib.sha1(seen["url"].encode()).hexdigest()
    shutil.copyfile(tokens.TOKENIZER_DIR / "o200k_base.tiktoken", folder / name)
    return {**os.environ, "TIKTOKEN_CACHE_DIR": str(folder)}


def startup() -> None:
    """Whole processes, run in turn (so that a busy moment hits each alike), median wall time of STARTUP_RUNS."""
    with tempfile.TemporaryDirectory() as folder:
        _startup(_tiktoken_cache(Path(folder)))


def _startup(tiktoken_env: dict[str, str]) -> None:
    python = sys.executable
    load = "import tiktoken; tiktoken.get_encoding('o200k_base').encode_ordinary('Olá')"
    commands = {
        "python -c 'import tiktoken' (baseline)": [python, "-c", "import tiktoken"],
        "tiktoken itself loads o200k_base and encodes 'Olá'": [python, "-c", load],
        "python -c 'import calculators'": [python, "-c", "import calculators"],
        'python -m calculators tokens --text "Olá" --tokenizer o200k_base': [
            python, "-m", "calculators", "tokens", "--text", "Olá", "--tokenizer", "o200k_base",
        ],
        'python -m calculators tokens --text "Olá" (all 10 tokenizers)': [
            python, "-m", "calculators", "tokens", "--text", "Olá",
        ],
    }  # fmt: skip
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(STARTUP_RUNS):
        for name, argv in commands.items():
            t0 = time.perf_counter()
            env = tiktoken_env if argv[-1] == load else None
            subprocess.run(argv, cwd=ROOT, capture_output=True, check=True, env=env)
            samples[name].append((time.perf_counter() - t0) * 1000)
    baseline = statistics.median(samples[next(iter(commands))])
    print(f"start-up, whole processes (median of {STARTUP_RUNS}, run in turn):")
    for name, times in samples.items():
        median = statistics.median(times)
        print(f"  {name:<66} {median:7.0f} ms  -> {median / baseline:5.1f}x the baseline")
    probe = (
        "import sys\nfrom calculators.cli import main\nmain(['tokens', '--text', 'Olá'])\n"
        "print(','.join(m for m in ('pandas', 'numpy', 'httpx', 'altair') if m in sys.modules) or 'none')"
    )
    out = subprocess.run([python, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    print(f"  heavy libraries the tokens command loads (pandas, numpy, httpx, altair): {out.splitlines()[-1]}")


if __name__ == "__main__":
    main()
    startup()
