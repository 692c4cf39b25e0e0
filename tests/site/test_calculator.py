"""The in-page calculator in a real browser, offline, pinned to the Python package on the same inputs.

- token ids from ``window.llms101.encode`` equal ``calculators.tokens.encode`` for every exact tokenizer on tricky
  texts and the whole article; estimates equal ``count_tokens``;
- ``window.llms101.costTable`` equals ``python -m calculators cost --file F --output-tokens N --json`` row by row,
  for the article and for a ~1 MB text, on every snapshot (the long text crosses the long-prompt tiers);
- with a ``date``, ``costTable`` equals ``cost --on DATE`` (costs and notes) the day before and the day of every
  scheduled change, and the "Data do pedido" control moves prices and shows the notes and the age of the prices;
- the catalogue's costs equal ``calculators.catalogue.catalogue_cost_usd`` on every row, on two dates;
- typing into the box updates the counts and the rows; a 5 MB paste leaves no main-thread task over 1 s;
- bad input gets a message and keeps the text; screenshots at 1280 and 390 px.

Needs the built site (``make book``; ``make test`` builds it first) and Debian's Chromium (see conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from site_pages import paste

from calculators import list_snapshots
from calculators.catalogue import catalogue_change_note, catalogue_cost_usd, catalogue_row_on, catalogue_rows
from calculators.costs import article_text
from calculators.tokens import TOKENIZERS, count_tokens, encode

ROOT = Path(__file__).resolve().parents[2]

PAGE = "chapters/calculadora.html"
CHAPTERS_WITH_CALCULATOR = (
    "chapters/como-funcionam.html",
    "chapters/velocidade.html",
    "chapters/preco.html",
    "chapters/conclusao.html",
)
EXACT = [name for name, info in TOKENIZERS.items() if info.exact]
ESTIMATES = [name for name, info in TOKENIZERS.items() if not info.exact]

TRICKY = [
    "",
    "Olá, mundo! Ação, coração, pão, avô, à toa, pinguim, Über, façade",
    "👩‍👩‍👧‍👦 família; 👍🏽 polegar; 🧑‍💻 programador",  # ZWJ sequences and skin tones
    "🇧🇷🇺🇸🇯🇵 bandeiras",  # regional-indicator pairs
    "大型语言模型 大規模言語モデル 대형 언어 모델",
    "\ufeffcomeça com BOM \ufeff no meio",
    "linha\u0085próxima\u0085\u0085fim",  # NEL
    "separador\u2028de\u2029linhas",
    "não atribuídos: \u0378\u0379\U0003fffd\U000e0080 privados: \ue000\U000f0000",
    "<|endoftext|> <|im_start|>user<|im_end|> <s></s> [INST] <|begin_of_text|>",
    "espaços    e\ttabs\t\t  \n\n\n   \r\n  fim   ",
    "def f(x: int) -> int:\n    return x ** 2  # comentário\n\nprint([f(i) for i in range(10)])\n",
    "ab " * 5_000,
    "a" * 5_000,
    "1234567890 3,14159 1.000.000,00 R$ 5,13 US$ 0,12",
]


def big_text(target_chars: int = 1_000_000) -> str:
    """About ``target_chars`` characters: the article and the tricky texts, repeated (crosses the 128,000, 100,000
    and 200,000-token tiers)."""
    unit = article_text() + "\n" + "\n".join(TRICKY) + "\n"
    return (unit * (target_chars // len(unit) + 1))[:target_chars]


@pytest.fixture(scope="module")
def calc(open_offline, site_url):
    """The Calculadora page, opened once for this module, with the calculator ready."""
    with open_offline() as offline:
        offline.page.goto(site_url + PAGE)
        offline.page.wait_for_function("window.llms101 !== undefined", timeout=20_000)
        offline.page.evaluate("window.llms101.ready")
        yield offline
        assert not offline.external_requests, offline.external_requests


def _encode_all(page, texts: list[str], tokenizer: str) -> list[list[int]]:
    return page.evaluate(
        "([texts, name]) => Promise.all(texts.map((t) => window.llms101.encode(t, name)))", [texts, tokenizer]
    )


@pytest.mark.parametrize("tokenizer", EXACT)
def test_ids_equal_python_on_tricky_text_and_the_article(calc, tokenizer):
    texts = [*TRICKY, article_text()]
    got = _encode_all(calc.page, texts, tokenizer)
    for text, ids in zip(texts, got, strict=True):
        assert ids == encode(text, tokenizer), f"{tokenizer} differs from Python on {text[:60]!r}"
    assert not calc.console_errors, calc.console_errors


def test_counts_equal_python_for_estimates_and_exact(calc):
    texts = [*TRICKY, article_text()]
    got = calc.page.evaluate(
        """([texts, names]) => Promise.all(
             texts.map((t) => Promise.all(names.map((n) => window.llms101.count(t, n)))))""",
        [texts, list(TOKENIZERS)],
    )
    for text, counts in zip(texts, got, strict=True):
        assert counts == [count_tokens(text, name) for name in TOKENIZERS], text[:60]


def test_estimates_have_no_ids_and_unknown_names_are_refused(calc):
    message = calc.page.evaluate(
        "() => window.llms101.encode('oi', 'claude_estimate').then(() => 'no error', (e) => e.message)"
    )
    assert "estimativa" in message
    message = calc.page.evaluate(
        "() => window.llms101.count('oi', 'nao_existe').then(() => 'no error', (e) => e.message)"
    )
    assert "desconhecido" in message
    message = calc.page.evaluate(
        "() => window.llms101.costTable({text: 'oi', snapshot: '1999-01'}).then(() => 'no error', (e) => e.message)"
    )
    assert "snapshot desconhecido" in message


# The day both sides price on: the CLI's default is today in UTC, the page's the reader's own today, so the tests
# give both the same day.
TODAY_UTC = dt.datetime.now(dt.UTC).date().isoformat()


def _cli_rows(snapshot: str, text_file, output_tokens: int, *extra: str) -> list[dict]:
    if "--on" not in extra:
        extra = (*extra, "--on", TODAY_UTC)
    out = subprocess.run(
        [sys.executable, "-m", "calculators", "cost", "--snapshot", snapshot, "--file", str(text_file)]
        + ["--output-tokens", str(output_tokens), "--json", *extra],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def _page_and_cli_rows(
    calc, tmp_path, text: str, options: dict, *cli_args: str, snapshot: str = "latest", output_tokens: int = 1_000
) -> tuple[list[dict], list[dict]]:
    """The page's ``costTable`` (with ``options``) and the CLI's ``cost`` (with ``cli_args``) for the same text,
    snapshot and answer tokens."""
    path = tmp_path / "texto.txt"
    path.write_text(text, encoding="utf-8")
    cli = _cli_rows(snapshot, path, output_tokens, *cli_args)
    rows = calc.page.evaluate(
        "([text, snapshot, outputTokens, options]) => "
        "window.llms101.costTable({text, snapshot, outputTokens, ...options})",
        [text, snapshot, output_tokens, options],
    )
    return rows, cli


def _assert_same_rows(page_rows: list[dict], cli_rows: list[dict], label: str) -> None:
    keys = ("model", "provider", "effort")
    assert [tuple(r[k] for k in keys) for r in page_rows] == [tuple(r[k] for k in keys) for r in cli_rows], label
    for p, c in zip(page_rows, cli_rows, strict=True):
        where = f"{label}: {c['model']} on {c['provider']} at effort {c['effort']}"
        assert p["input_tokens"] == c["input_tokens"], where
        assert p["output_tokens"] == c["output_tokens"], where
        assert p["cost_includes_reasoning"] == c["cost_includes_reasoning"], where
        if c["reasoning_tokens"] is None:
            assert p["reasoning_tokens"] is None, where
        else:
            assert math.isclose(p["reasoning_tokens"], c["reasoning_tokens"], rel_tol=1e-12), where
        assert p["tier_above_input_tokens"] == c["tier_above_input_tokens"], where
        assert p["price_condition"] == c["price_condition"], where
        assert p["price_note"] == c["price_note"], where
        if c["cost_usd"] is None:
            assert p["cost_usd"] is None, f"{where}: the page shows a cost where Python has none"
        else:
            assert p["cost_usd"] is not None, f"{where}: the page shows no cost"
            assert round(p["cost_usd"], 2) == round(c["cost_usd"], 2), where  # to the cent, as the issue asks
            assert math.isclose(p["cost_usd"], c["cost_usd"], rel_tol=1e-12, abs_tol=0), where  # and tighter


@pytest.mark.parametrize("snapshot", [s["id"] for s in list_snapshots()] + ["latest"])
@pytest.mark.parametrize("kind", ["article", "1 MB"])
def test_cost_table_equals_the_cli_row_by_row(calc, tmp_path, snapshot, kind):
    text = article_text() if kind == "article" else big_text()
    output_tokens = 1_000 if kind == "article" else 2_500
    rows, cli = _page_and_cli_rows(
        calc, tmp_path, text, {"date": TODAY_UTC}, snapshot=snapshot, output_tokens=output_tokens
    )
    _assert_same_rows(rows, cli, f"{snapshot}, {kind}")
    exact = {name: info.exact for name, info in TOKENIZERS.items()}
    assert all(r["input_tokens_exact"] == exact[r["tokenizer"]] for r in rows)
    if kind == "1 MB" and snapshot == "2024-05":
        # The long text is billed at Gemini's long-prompt tier, on its one Google row.
        gemini = [(r["provider"], r["tier_above_input_tokens"]) for r in rows if r["model"] == "Gemini 1.5 Pro"]
        assert gemini == [("Google", 128_000)]


@pytest.mark.parametrize("effort", ["none", "low", "high", "max"])
def test_reasoning_effort_equals_the_cli_row_by_row(calc, tmp_path, effort):
    rows, cli = _page_and_cli_rows(calc, tmp_path, article_text(), {"effort": effort}, "--effort", effort)
    _assert_same_rows(rows, cli, f"latest --effort {effort}")
    assert any(r["reasoning_tokens"] for r in rows if r["effort"] == effort) == (effort != "none")
    assert any(r["reasoning_tokens"] is None for r in rows)  # Claude Fable 5.2: no measurement, never a silent 0


def test_an_unknown_effort_is_refused(calc):
    message = calc.page.evaluate(
        "() => window.llms101.costTable({text: 'oi', effort: 'turbo'}).then(() => 'no error', (e) => e.message)"
    )
    assert "effort" in message and "high" in message


def test_the_effort_menu_changes_the_rows_and_says_what_thinking_costs(calc):
    page = calc.page
    page.fill("[data-llms101-input]", "Quanto custa pensar?")
    page.select_option("select[name=effort]", "high")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-llms101-cost-row]')]"
        ".every((r) => ['', 'high'].includes(r.dataset.effort)) && document.querySelector('[data-llms101-cost-row]')"
    )
    want = page.evaluate(
        "() => window.llms101.costTable("
        "{text: 'Quanto custa pensar?', outputTokens: 1000, requestsPerDay: 1000, effort: 'high'})"
    )
    oss = next(r for r in want if r["model"] == "gpt-oss-120b" and r["provider"] == "Groq")
    row = page.locator("[data-llms101-cost-row][data-model='gpt-oss-120b'][data-provider='Groq']")
    assert float(row.get_attribute("data-cost-usd")) == oss["cost_usd"]
    assert "tokens de raciocínio" in row.inner_text() and "alto" in row.inner_text()
    fable = page.locator("[data-llms101-cost-row][data-model='Claude Fable 5.2']").first
    assert "custo sem o raciocínio" in fable.inner_text()
    page.select_option("select[name=effort]", "")  # back to every effort, for the tests that follow


@pytest.mark.parametrize(
    ("extra", "options"),
    [(("--at", "02:00"), {"atUtc": "02:00"}), (("--at", "23:59"), {"atUtc": "23:59"}), (("--batch",), {"batch": True})],
)
def test_time_of_day_and_batch_prices_equal_the_cli(calc, tmp_path, extra, options):
    text = big_text(600_000)  # long enough to cross the 100K and 200K tiers, under a condition too
    rows, cli = _page_and_cli_rows(calc, tmp_path, text, {**options, "date": TODAY_UTC}, *extra)
    _assert_same_rows(rows, cli, f"latest {extra}")
    assert any(r["tier_above_input_tokens"] for r in rows)
    # 02:00 UTC is in DeepSeek's 01:00-04:00 window; 23:59 is in none (the ordinary price); batch is its own price.
    assert any(r["price_condition"] for r in rows) == (options != {"atUtc": "23:59"})


@pytest.mark.parametrize("date", ["2026-11-30", TODAY_UTC])
def test_catalogue_costs_equal_python_on_every_row(calc, date):
    rows = {(r["provider_id"], r["model_id"]): r for r in catalogue_rows()}
    assert len(rows) > 1_500
    for text in (article_text(), big_text(900_000)):
        got = calc.page.evaluate(
            "([text, date]) => window.llms101.catalogueTable({text, outputTokens: 1000, date})",
            [text, date],
        )
        assert len(got) == len(rows)
        tiers_applied = 0
        for r in got:
            row = catalogue_row_on(rows[(r["provider_id"], r["model_id"])], date)
            assert r["input_tokens"] == count_tokens(text, row["tokenizer"]), r["model_id"]
            want = catalogue_cost_usd(row, input_tokens=r["input_tokens"], output_tokens=1_000)
            if want is None:
                assert r["cost_usd"] is None, (r["provider_id"], r["model_id"])
            else:
                assert math.isclose(r["cost_usd"], want, rel_tol=1e-12), (r["provider_id"], r["model_id"])
            assert r["change_note"] == catalogue_change_note(rows[(r["provider_id"], r["model_id"])], date)
            tiers_applied += r["applied_tier"] is not None
        assert tiers_applied > 0 if len(text) > 500_000 else tiers_applied == 0


# Issue 17: the day before and the day of every change of an ordinary price the latest snapshot schedules, and the
# day of the check.
SCHEDULE_DAYS = ["2026-11-30", "2026-12-01", "2026-12-06", "2026-12-31", "2027-01-01"]


@pytest.mark.parametrize("date", SCHEDULE_DAYS)
def test_cost_table_on_a_date_equals_the_cli_row_by_row(calc, tmp_path, date):
    """``costTable({..., date})`` equals ``cost --on DATE`` row by row, costs and notes, around every change."""
    rows, cli = _page_and_cli_rows(calc, tmp_path, article_text(), {"date": date}, "--on", date)
    _assert_same_rows(rows, cli, f"latest on {date}")
    argon = next(r for r in rows if (r["model"], r["provider"]) == ("Gemini 4 Argon", "Google"))
    assert argon["price_note"] == (
        "preço promocional até 30/11/2026" if date < "2026-12-01" else "preço mudou em 01/12/2026"
    )


def test_the_request_date_control_moves_prices_and_shows_notes_and_age(calc):
    """The "Data do pedido" control: the rows' notes in the table and the catalogue, and the age of the prices,
    with a warning past 90 days."""
    page = calc.page
    root = page.locator("[data-llms101-calculator]").first
    page.fill(f"#{root.locator('textarea').get_attribute('id')}", "Quanto custa esta frase?")
    page.select_option("select[name=snapshot]", "latest")
    for date, argon_note in (
        ("2026-11-30", "preço promocional até 30/11/2026"),
        ("2026-12-06", "preço mudou em 01/12/2026"),
    ):
        page.fill("input[name=request_date]", date)
        # Wait for the table of this date (an update scheduled by the text or the menu may land first).
        page.wait_for_function(
            "(note) => [...document.querySelectorAll("
            '\'[data-llms101-cost-row][data-model="Gemini 4 Argon"][data-provider="Google"]\')]'
            ".some((r) => r.dataset.priceNote === note)",
            arg=argon_note,
        )
        row = page.locator('[data-llms101-cost-row][data-model="Gemini 4 Argon"][data-provider="Google"]')
        assert row.get_attribute("data-price-note") == argon_note
        assert argon_note in row.inner_text()
        age = page.locator("[data-llms101-price-age]").first
        assert "preços de 06/12/2026" in age.inner_text() and age.get_attribute("data-stale") == "false"
    page.locator("details.llms101-catalogue summary").click()
    page.fill("input[name=catalogue_filter]", "gemini-4-argon")
    cat_row = page.locator('[data-llms101-catalogue-row][data-model-id="gemini-4-argon"][data-provider-id="google"]')
    cat_row.wait_for()
    assert cat_row.get_attribute("data-change-note") == "preço mudou em 01/12/2026"
    assert "preço mudou em 01/12/2026" in cat_row.inner_text()
    page.fill("input[name=request_date]", "2027-04-01")
    page.wait_for_function("() => document.querySelector('[data-llms101-price-age]').dataset.stale === 'true'")
    age = page.locator("[data-llms101-price-age]").first
    assert age.get_attribute("data-stale") == "true"
    assert "há 116 dias" in age.inner_text() and "refresh --source genai-prices" in age.inner_text()
    page.locator("details.llms101-catalogue summary").click()


def _count_value(page, tokenizer: str):
    return page.locator(f'[data-llms101-count][data-tokenizer="{tokenizer}"]').first.get_attribute("data-value")


def test_typing_updates_counts_and_rows(calc):
    page = calc.page
    box = page.locator("textarea[data-llms101-input]").first
    box.fill("")
    text = "Quanto custa mandar esta frase? 🇧🇷"
    box.press_sequentially(text, delay=5)
    page.wait_for_function(
        """([name, want]) => {
             const el = document.querySelector(`[data-llms101-count][data-tokenizer="${name}"]`);
             return el !== null && el.dataset.value === String(want);
           }""",
        arg=["o200k_base", count_tokens(text, "o200k_base")],
        timeout=15_000,
    )
    for name in ("llama3", "llama4", "gemini_estimate", "claude_estimate"):
        assert _count_value(page, name) == str(count_tokens(text, name)), name
    row = page.locator('[data-llms101-cost-row][data-provider="Groq"]').first
    model = row.get_attribute("data-model")
    want = page.evaluate("(text) => window.llms101.costTable({text, outputTokens: 1000, requestsPerDay: 1000})", text)
    want = next(r for r in want if r["model"] == model and r["provider"] == "Groq")
    assert float(row.get_attribute("data-cost-usd")) == want["cost_usd"]
    # A half-typed number gets a message and keeps the last table.
    output = page.locator('input[name="output_tokens"]').first
    output.fill("-5")
    page.wait_for_selector(".llms101-error:not([hidden])", timeout=5_000)
    assert "Tokens de saída" in page.locator(".llms101-error").first.text_content()
    assert page.locator("[data-llms101-cost-row]").count() > 0
    assert box.input_value() == text
    output.fill("1000")
    page.wait_for_selector(".llms101-error[hidden]", state="attached", timeout=5_000)


def test_five_megabyte_paste_never_blocks_the_page_for_a_second(calc):
    page = calc.page
    # A text box keeps line ends as "\n" (the HTML standard normalises "\r\n" and "\r"), as a real paste does.
    text = big_text(5_000_000).replace("\r\n", "\n").replace("\r", "\n")
    page.evaluate(
        """() => {
             window.__longTasks = [];
             new PerformanceObserver((list) => {
               for (const e of list.getEntries()) window.__longTasks.push(e.duration);
             }).observe({ type: "longtask" });
           }"""
    )
    paste(page, text)
    page.wait_for_function(
        """([name, want]) => {
             const el = document.querySelector(`[data-llms101-count][data-tokenizer="${name}"]`);
             return el !== null && el.dataset.value === String(want);
           }""",
        arg=["o200k_base", count_tokens(text, "o200k_base")],
        timeout=60_000,
    )
    longest = max(page.evaluate("window.__longTasks"), default=0)
    assert longest < 1_000, f"a main-thread task took {longest:.0f} ms"
    assert page.locator("textarea[data-llms101-input]").first.input_value() == text


def test_too_large_a_text_gets_a_message_and_stays_in_the_box(calc):
    page = calc.page
    message = page.evaluate(
        "() => window.llms101.count('x'.repeat(20_000_001), 'o200k_base').then(() => 'no error', (e) => e.message)"
    )
    assert "grande demais" in message


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots(open_offline, site_url, screenshot_dir, width):
    with open_offline(width=width, height=900) as offline:
        page = offline.page
        page.goto(site_url + PAGE)
        page.evaluate("window.llms101.ready")
        page.get_by_role("button", name="Usar o artigo como exemplo").click()
        page.wait_for_function(
            "document.querySelector('[data-llms101-count][data-tokenizer=\"o200k_base\"]')?.dataset.value === '"
            + str(count_tokens(article_text(), "o200k_base"))
            + "'",
            timeout=20_000,
        )
        page.locator(".llms101-pieces-box summary").click()
        page.wait_for_selector(".llms101-token", timeout=10_000)
        page.screenshot(path=str(screenshot_dir / f"calculadora-{width}.png"), full_page=True)
        page.locator("[data-llms101-calculator]").screenshot(path=str(screenshot_dir / f"calculadora-box-{width}.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
        assert not offline.console_errors, offline.console_errors
        assert not offline.failed_requests, offline.failed_requests


@pytest.mark.parametrize("path", CHAPTERS_WITH_CALCULATOR)
def test_chapters_have_the_live_text_box(offline_page, site_url, path):
    page = offline_page.page
    page.goto(site_url + path)
    page.evaluate("window.llms101.ready")
    box = page.locator("textarea[data-llms101-input]")
    assert box.count() == 1
    box.fill("Olá, mundo!")
    page.wait_for_function(
        "document.querySelector('[data-llms101-count][data-tokenizer]')?.dataset.value > '0'", timeout=20_000
    )
    assert page.locator("[data-llms101-cost-row]").count() > 0
    assert not offline_page.console_errors, offline_page.console_errors
