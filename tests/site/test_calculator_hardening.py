"""The Calculadora as a hostile reader and a flaky network would use it, in a real browser, offline (issue 18).

- long pre-tokenized pieces (300,000 letters, 1 MB of spaces, 50,000 ideographs, 100,000 "!", DNA, base64) give
  ids equal to ``calculators.tokens.encode`` for every exact tokenizer, in seconds;
- a long word then a short text: the short text is counted, it does not wait for the long one;
- a truncated or replaced tokenizer file is refused with a Portuguese message naming it; a dropped download is
  retried on the next text;
- a stalled or invalid catalogue never delays nor breaks the main table, and says so in Portuguese;
- every numeric field reads Brazilian numbers ("5,13", "1.000", "1.000,5") and refuses "1e" beside the field;
- a ``javascript:`` source never becomes a link; token pieces are isolated from each other's direction, with
  control characters shown as escapes.

The site is served by a server of this module that can damage, drop or stall chosen files (``Tamper``).
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import random
import threading
import time
from pathlib import Path

import pytest
from site_pages import paste

from calculators.tokens import TOKENIZERS, count_tokens, encode

PAGE = "chapters/calculadora.html"
EXACT = [name for name, info in TOKENIZERS.items() if info.exact]


class Tamper:
    """What the server does instead of serving a path: ("bytes", data) | ("status", 503) | ("drop",) | ("stall",)."""

    def __init__(self) -> None:
        self.rules: dict[str, tuple] = {}
        self.release = threading.Event()
        self.requests: list[str] = []


def _handler(site: Path, tamper: Tamper):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self):  # noqa: N802 - the base class's name
            path = self.path.split("?")[0]
            tamper.requests.append(self.path)
            rule = tamper.rules.get(path)
            if rule is None:
                return super().do_GET()
            if rule[0] == "bytes":
                self.send_response(200)
                self.send_header("Content-Length", str(len(rule[1])))
                self.end_headers()
                self.wfile.write(rule[1])
            elif rule[0] == "status":
                self.send_error(rule[1])
            elif rule[0] == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
            elif rule[0] == "stall":
                tamper.release.wait(120)
                self.close_connection = True

    return functools.partial(Handler, directory=str(site))


@pytest.fixture
def tampered(site_dir):
    tamper = Tamper()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(site_dir, tamper))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    tamper.url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield tamper
    finally:
        tamper.release.set()
        server.shutdown()
        server.server_close()


def _open(offline, url):
    offline.page.goto(url + PAGE)
    offline.page.wait_for_function("window.llms101 !== undefined", timeout=20_000)
    offline.page.evaluate("window.llms101.ready")
    return offline.page


def _paste_and_count(page, text: str, timeout: int = 30_000) -> None:
    """Paste ``text`` and wait until the page's o200k_base count is Python's."""
    paste(page, text)
    _wait_count(page, "o200k_base", count_tokens(text, "o200k_base"), timeout=timeout)


def _wait_count(page, tokenizer: str, want: int, timeout: int = 30_000) -> None:
    page.wait_for_function(
        """([name, want]) => {
             const el = document.querySelector(`[data-llms101-count][data-tokenizer="${name}"]`);
             return el !== null && el.dataset.value === String(want);
           }""",
        arg=[tokenizer, want],
        timeout=timeout,
    )


# --- 1. long pieces ------------------------------------------------------------------------------------------------
def _long_texts() -> dict[str, str]:
    rng = random.Random(18)
    return {
        "300k letters": "a" * 300_000,
        "1 MB of spaces": " " * 1_000_000,
        "50k ideographs": "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(50_000)),
        "100k !": "!" * 100_000,
        "DNA": "".join(rng.choice("ACGT") for _ in range(200_000)),
        "base64": base64.b64encode(rng.randbytes(150_000)).decode(),
        "mixed": "Olá " + "a" * 5_000 + "  \n\n" + " " * 3_000 + "x!" + "!" * 4_000 + "\n" + "é" * 2_000 + " fim",
    }


LONG_TEXTS = _long_texts()


@pytest.fixture(scope="module")
def calc(open_offline, site_url):
    with open_offline() as offline:
        _open(offline, site_url)
        yield offline


@pytest.mark.parametrize("tokenizer", EXACT)
def test_long_pieces_give_pythons_ids_in_seconds(calc, tokenizer):
    for label, text in LONG_TEXTS.items():
        started = time.monotonic()
        ids = calc.page.evaluate("([t, n]) => window.llms101.encode(t, n)", [text, tokenizer])
        seconds = time.monotonic() - started
        want = encode(text, tokenizer)
        assert len(ids) == len(want), f"{tokenizer}, {label}: {len(ids)} tokens, Python {len(want)}"
        assert ids == want, f"{tokenizer}, {label}: ids differ from Python"
        assert seconds < 10, f"{tokenizer}, {label}: {seconds:.1f} s"
    assert not calc.console_errors, calc.console_errors


def test_a_long_word_then_a_short_text(calc):
    page = calc.page
    word = "a" * 300_000
    paste(page, word)
    _wait_count(page, "o200k_base", count_tokens(word, "o200k_base"), timeout=20_000)
    short = "Depois da palavra longa, uma frase curta."
    paste(page, short)
    _wait_count(page, "o200k_base", count_tokens(short, "o200k_base"), timeout=15_000)
    assert f"{len(short)} caracteres contados" in page.locator(".llms101-status").first.text_content()


def test_a_newer_text_overtakes_a_count_that_is_still_running(calc):
    page = calc.page
    # A long word of letters outside the characters bpe.js takes apart (mathematical bold "a", U+1D41A): it stays
    # with tiktoken's WebAssembly core, which needs minutes for it. The next text must not wait for it, nor for
    # the token pieces of it (the "Ver os tokens" box is open).
    page.locator(".llms101-pieces-box summary").first.click()
    paste(page, "\U0001d41a" * 110_000)
    page.wait_for_function(
        "document.querySelector('.llms101-status')?.textContent.startsWith('Contando')", timeout=10_000
    )
    short = "Uma frase curta passa na frente."
    started = time.monotonic()
    paste(page, short)
    _wait_count(page, "o200k_base", count_tokens(short, "o200k_base"), timeout=20_000)
    assert time.monotonic() - started < 15
    assert f"{len(short)} caracteres contados" in page.locator(".llms101-status").first.text_content()
    assert page.locator(".llms101-error").first.is_hidden()
    assert page.locator("textarea[data-llms101-input]").first.input_value() == short
    page.wait_for_function(
        "(t) => [...document.querySelectorAll('.llms101-token')].map((e) => e.textContent).join('') === t",
        arg=short,
        timeout=15_000,
    )
    page.locator(".llms101-pieces-box summary").first.click()


def test_a_megabyte_of_spaces_is_counted_in_the_page(calc):
    page = calc.page
    text = " " * 1_000_000
    _paste_and_count(page, text, timeout=20_000)
    shown = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-llms101-count]')]"
        ".map((c) => [c.dataset.tokenizer, c.dataset.value]))"
    )
    assert len(shown) > 2
    assert shown == {name: str(count_tokens(text, name)) for name in shown}
    assert page.locator(".llms101-error").first.is_hidden()


# --- 2. integrity and retries ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("file", "damage"),
    [
        ("o200k_base.tiktoken", "truncated"),
        ("llama4.tiktoken", "a web page"),
    ],
)
def test_a_damaged_tokenizer_file_is_refused_with_its_name(open_offline, site_dir, tampered, file, damage):
    original = (site_dir / "calc" / "tokenizers" / file).read_bytes()
    body = original[: len(original) - 4096] if damage == "truncated" else b"<!doctype html><title>Oi</title>" * 30
    tampered.rules[f"/calc/tokenizers/{file}"] = ("bytes", body)
    name = file.removesuffix(".tiktoken")
    with open_offline() as offline:
        page = _open(offline, tampered.url)
        message = page.evaluate(
            "(n) => window.llms101.count('Olá, mundo!', n).then((c) => 'counted ' + c, (e) => e.message)", name
        )
        assert file in message and "danificado" in message and "recarregue a página" in message, message
        # In the page: the row says it has no figure, and the message names the file.
        paste(page, "Quanto custa esta frase?")
        page.wait_for_function(
            "document.querySelector('.llms101-error')?.textContent.includes('danificado')", timeout=15_000
        )
        assert file in page.locator(".llms101-error").first.text_content()
        cell = page.locator(f'[data-llms101-count][data-tokenizer="{name}"]').first
        assert cell.get_attribute("data-value") == ""
        # The file repaired (a reload of the site's file): the next text counts right.
        del tampered.rules[f"/calc/tokenizers/{file}"]
        text = "Agora o arquivo chegou inteiro."
        paste(page, text)
        _wait_count(page, name, count_tokens(text, name))


def test_a_dropped_download_is_retried_on_the_next_text(open_offline, tampered):
    tampered.rules["/vendor/tiktoken/tiktoken_bg.wasm"] = ("drop",)
    with open_offline() as offline:
        page = _open(offline, tampered.url)
        paste(page, "Primeiro texto, sem rede.")
        page.wait_for_function(
            "document.querySelector('.llms101-error')?.textContent.includes('não foi possível baixar')",
            timeout=15_000,
        )
        assert "tiktoken_bg.wasm" in page.locator(".llms101-error").first.text_content()
        del tampered.rules["/vendor/tiktoken/tiktoken_bg.wasm"]  # the network is back
        text = "Segundo texto, com a rede de volta."
        _paste_and_count(page, text, timeout=20_000)
        page.wait_for_selector(".llms101-error[hidden]", state="attached", timeout=5_000)


# --- 3. the catalogue ------------------------------------------------------------------------------------------------
def _open_catalogue(page) -> None:
    page.locator(".llms101-catalogue summary").first.click()


def test_a_stalled_catalogue_does_not_delay_the_table(open_offline, tampered):
    tampered.rules["/calc/catalogue.json"] = ("stall",)
    with open_offline() as offline:
        page = _open(offline, tampered.url)
        _open_catalogue(page)
        text = "O catálogo está demorando, a tabela não."
        _paste_and_count(page, text, timeout=15_000)
        assert page.locator("[data-llms101-cost-row]").count() > 0
        note = page.locator(".llms101-catalogue .llms101-hint").first.text_content()
        assert "Carregando o catálogo" in note
        text = "Outro texto, e o catálogo ainda parado."
        _paste_and_count(page, text, timeout=15_000)


def test_an_invalid_catalogue_says_so_in_portuguese_and_the_table_goes_on(open_offline, tampered):
    tampered.rules["/calc/catalogue.json"] = ("bytes", b'{"format": 1, "rows": [{"model": "unterminated')
    with open_offline() as offline:
        page = _open(offline, tampered.url)
        _open_catalogue(page)
        text = "Um catálogo quebrado não quebra a tabela."
        _paste_and_count(page, text, timeout=15_000)
        page.wait_for_function(
            "document.querySelector('.llms101-catalogue .llms101-hint')?.textContent.includes('danificado')",
            timeout=15_000,
        )
        note = page.locator(".llms101-catalogue .llms101-hint").first.text_content()
        assert "Recarregue a página" in note and "JSON" not in note and "Unterminated" not in note
        text = "E a tabela continua a atualizar."
        _paste_and_count(page, text, timeout=15_000)
        # Repaired: reopening the catalogue loads it.
        del tampered.rules["/calc/catalogue.json"]
        page.locator(".llms101-catalogue summary").first.click()
        _open_catalogue(page)
        page.wait_for_selector("[data-llms101-catalogue-row]", timeout=30_000)


# --- 4. numbers typed the Brazilian way ------------------------------------------------------------------------------
def _number_pt(text: str) -> float:
    return float(text.strip().replace(".", "").replace(",", "."))


def _first_row(page) -> dict:
    """The cost row with the largest monthly cost (so that rounding cannot hide a factor)."""
    rows = page.evaluate(
        """() => [...document.querySelectorAll("[data-llms101-cost-row]")].map(
             (r) => [...r.querySelectorAll("td")].map((td) => td.textContent))"""
    )
    rows = [r for r in rows if r[5][:1].isdigit() and r[6][:1].isdigit()]
    cells = max(rows, key=lambda r: _number_pt(r[5]))
    assert _number_pt(cells[5]) > 1, cells
    return {"cost": cells[4], "monthly_usd": cells[5], "monthly_brl": cells[6]}


def _set(page, name: str, value: str) -> None:
    before = page.evaluate("document.querySelector('[data-llms101-calculator]').dataset.llms101Updated")
    page.locator(f'input[name="{name}"]').first.fill(value)
    page.wait_for_function(
        "(b) => document.querySelector('[data-llms101-calculator]').dataset.llms101Updated !== b",
        arg=before,
        timeout=15_000,
    )


def test_brazilian_numbers_in_every_field(calc):
    page = calc.page
    text = "Quanto custa por mês? " * 200
    _paste_and_count(page, text)
    page.select_option('select[name="sort"]', "cost")
    # R$ por US$: "5,13" is five reais and thirteen cents, not 513.
    _set(page, "brl_per_usd", "5,13")
    _set(page, "requests_per_day", "1.000")
    row = _first_row(page)
    assert _number_pt(row["monthly_brl"]) == pytest.approx(_number_pt(row["monthly_usd"]) * 5.13, rel=0.01)
    _set(page, "brl_per_usd", "1.000,5")
    row = _first_row(page)
    assert _number_pt(row["monthly_brl"]) == pytest.approx(_number_pt(row["monthly_usd"]) * 1000.5, rel=0.01)
    # Pedidos por dia "1.000" is a thousand: the month is 1,000 requests a day.
    one = page.evaluate("(t) => window.llms101.costTable({text: t, outputTokens: 1000, requestsPerDay: 1000})", text)
    shown = page.locator("[data-llms101-cost-row]").first
    model, provider = shown.get_attribute("data-model"), shown.get_attribute("data-provider")
    want = next(r for r in one if r["model"] == model and r["provider"] == provider)
    assert float(shown.get_attribute("data-cost-usd")) == want["cost_usd"]
    # Tokens de saída "2.000" is two thousand.
    _set(page, "output_tokens", "2.000")
    two = page.evaluate("(t) => window.llms101.costTable({text: t, outputTokens: 2000, requestsPerDay: 1000})", text)
    want = next(r for r in two if r["model"] == model and r["provider"] == provider)
    assert (
        float(
            page.locator(
                f'[data-llms101-cost-row][data-model="{model}"][data-provider="{provider}"]'
            ).first.get_attribute("data-cost-usd")
        )
        == want["cost_usd"]
    )
    # What the page cannot read is refused beside its field, and the last table stays.
    for name, typed in [
        ("brl_per_usd", "1e"),
        ("brl_per_usd", "5 mil"),
        ("output_tokens", "2,5"),
        ("requests_per_day", "abc"),
    ]:
        page.locator(f'input[name="{name}"]').first.fill(typed)
        problem = page.locator(f'[data-llms101-problem="{name}"]').first
        problem.wait_for(state="visible", timeout=5_000)
        assert problem.text_content().strip(), (name, typed)
        assert page.locator(f'input[name="{name}"]').first.get_attribute("aria-invalid") == "true"
        assert page.locator("[data-llms101-cost-row]").count() > 0
        page.locator(f'input[name="{name}"]').first.fill(
            {"brl_per_usd": "5,13", "output_tokens": "1000"}.get(name, "1000")
        )
        problem.wait_for(state="hidden", timeout=5_000)
    # Every numeric field is a text box: no browser locale can drop the comma.
    types = page.evaluate("() => [...document.querySelectorAll('input[data-llms101-number]')].map((i) => i.type)")
    assert types and set(types) == {"text"}


# --- 5. links only from http(s) URLs ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source", ["javascript:alert(document.domain)", "https://www.bcb.gov.br/estabilidadefinanceira/fechamentodolar"]
)
def test_a_source_becomes_a_link_only_if_it_is_a_web_url(open_offline, site_dir, tampered, source):
    data = json.loads((site_dir / "calc" / "data.json").read_text(encoding="utf-8"))
    for snap in data["snapshots"]:
        if snap["usd_brl"]:
            snap["usd_brl"]["source"] = source
    tampered.rules["/calc/data.json"] = ("bytes", json.dumps(data, ensure_ascii=False).encode("utf-8"))
    with_rate = next(snap["id"] for snap in reversed(data["snapshots"]) if snap["usd_brl"])
    with open_offline() as offline:
        page = _open(offline, tampered.url)
        page.select_option('select[name="snapshot"]', with_rate)
        hrefs = page.evaluate(
            "() => [...document.querySelectorAll('[data-llms101-calculator] a')].map((a) => a.getAttribute('href'))"
        )
        assert all(h.startswith(("https:", "http:")) for h in hrefs), hrefs
        note = page.locator('input[name="brl_per_usd"] ~ small.llms101-hint').first
        if source.startswith("https:"):
            assert note.locator("a").first.get_attribute("href") == source
        else:
            assert note.locator("a").count() == 0
            assert source in note.text_content()


# --- 6. token pieces shown safely ------------------------------------------------------------------------------------
def test_right_to_left_override_stays_inside_its_token(calc):
    page = calc.page
    text = "abc\u202edef ghi\x07 jkl"
    _paste_and_count(page, text)
    page.locator(".llms101-pieces-box summary").first.click()
    page.select_option('select[name="pieces_tokenizer"]', "o200k_base")
    page.wait_for_function("document.querySelectorAll('.llms101-token').length > 3", timeout=10_000)
    tokens = page.evaluate(
        """() => [...document.querySelectorAll('.llms101-token')].map((t) => ({
             text: t.textContent, bidi: getComputedStyle(t).unicodeBidi, x: t.getBoundingClientRect().left }))"""
    )
    shown = "".join(t["text"] for t in tokens)
    assert "\u202e" not in shown and "<U+202E>" in shown
    assert "\x07" not in shown and "<U+0007>" in shown
    assert {t["bidi"] for t in tokens} == {"isolate"}
    xs = [t["x"] for t in tokens]
    assert xs == sorted(xs), "tokens are drawn out of order"
    page.locator(".llms101-pieces-box summary").first.click()


# --- 7. one count per text and tokenizer ----------------------------------------------------------------------------
RECORD_COUNTS_JS = """
(() => {
  window.__countJobs = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.op === "count") window.__countJobs.push([message.tokenizer, message.text.length]);
    return post.call(this, message, ...rest);
  };
})();
"""


def test_a_long_text_is_counted_once_per_tokenizer(open_offline, site_url):
    text = ("Um texto longo, colado uma vez. " * 100_000)[:3_000_000]
    with open_offline() as offline:
        offline.page.add_init_script(RECORD_COUNTS_JS)
        page = _open(offline, site_url)
        paste(page, text)
        # A setting changed while the text is still being counted: the same text is not counted again.
        page.locator('input[name="requests_per_day"]').first.fill("2.000")
        page.locator(".llms101-pieces-box summary").first.click()
        _wait_count(page, "o200k_base", count_tokens(text, "o200k_base"), timeout=60_000)
        page.wait_for_timeout(500)
        jobs = [tuple(j) for j in page.evaluate("window.__countJobs") if j[1] == len(text)]
        assert jobs, "no count reached the workers"
        assert len(jobs) == len(set(jobs)), f"counted more than once: {sorted(jobs)}"
