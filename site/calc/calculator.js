// The in-page calculator: the reader's own text tokenized, priced and timed in the browser, offline.
//
// Every figure comes from calc/data.json and calc/catalogue.json, which the build writes from the Python package
// (calculators/page.py); the formulas are pricing.js, each pinned to its Python twin by tests; counting happens
// in Web Workers (worker.js) with the same tokenizer files as Python. Any element with the attribute
// data-llms101-calculator becomes a calculator; its options: data-snapshot ("latest" or an id),
// data-catalogue ("true" to offer the full catalogue), data-output-tokens.
//
// Public contract (tests and curious readers, in the console): window.llms101.ready, .encode(text, name),
// .count(text, name), .costTable({text, outputTokens, snapshot, requestsPerDay, brlPerUsd}),
// .catalogueTable({text, outputTokens, requestsPerDay, brlPerUsd}), .snapshots().

import * as pricing from "./pricing.js";

const BASE = new URL("./", import.meta.url);
const MAX_TEXT_CHARS = 20_000_000; // about 20 MB: more than any prompt; the CLI takes files up to 200 MB
const MAX_OUTPUT_TOKENS = 10_000_000;
const LONG_TEXT_CHARS = 200_000; // from here on, counting shows its progress
const SAMPLE_TEXT = "Olá! Quantos tokens tem esta frase? E esta aqui, em inglês: how many tokens?";
const CATALOGUE_SHOWN = 100;
// Which worker counts which tokenizer: the slow SentencePiece models (Mistral) spread over both workers, so a
// long text of the 2024-05 snapshot is counted on two cores; other names go to worker 0.
const AFFINITY = { mistral_v1: 0, mistral_v2: 0, cl100k_base: 0, llama4: 0, mistral_v3: 1, o200k_base: 1, llama3: 1 };

// --- numbers the Brazilian way (calculators.formatting.number_pt) ---------------------------------------------
const formats = new Map();
function numberPt(value, decimals, missing) {
  if (value === null || value === undefined || Number.isNaN(value)) return missing;
  if (!formats.has(decimals)) {
    formats.set(
      decimals,
      new Intl.NumberFormat("pt-BR", {
        minimumFractionDigits: decimals,
        maximumFractionDigits: decimals,
        useGrouping: "always",
      }),
    );
  }
  return formats.get(decimals).format(decimalValue(value));
}

// The decimal value of a computed number: 15 significant digits drop the binary noise of arithmetic, so that
// (3 * 0.35 + 1.05) / 4 = 0.5249999999999999 rounds as 0.525 does, to 0,53 (twin: formatting._half_up).
function decimalValue(value) {
  return Number.isFinite(value) && !Number.isInteger(value) ? Number(value.toPrecision(15)) : value;
}

// A tokenizer's name for readers ("Claude (estimativa)", "Mistral v1"), as calculators.tokens.TokenizerInfo.label;
// the id (claude_estimate, mistral_v1) stays in the API and the data attributes.
function tokenizerLabel(name) {
  return specs.get(name)?.label ?? name;
}

// Where a price tier starts, as a person says it: above 199,999 -> "a partir de 200.000"; above 128,000 stays.
function tierText(above) {
  const from = (above + 1) % 1000 === 0 ? `a partir de ${numberPt(above + 1, 0, "")}` : `acima de ${numberPt(above, 0, "")}`;
  return `preço da faixa ${from} tokens`;
}

// Python's len(): code points, not UTF-16 units (gemini_estimate counts characters).
function codePoints(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) i++;
    }
    n++;
  }
  return n;
}

// --- the worker pool ---------------------------------------------------------------------------------------------
class Pool {
  constructor(specs, size) {
    this.pending = new Map();
    this.next = 0;
    this.workers = [];
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL("worker.js", BASE), { type: "module", name: `llms101-tokens-${i}` });
      worker.onmessage = (event) => this.settle(event.data);
      worker.onerror = (event) => this.fail(worker, event.message || "o contador de tokens não carregou");
      this.workers.push(worker);
    }
    this.initialised = Promise.all(this.workers.map((w) => this.send(w, { op: "init", specs, base: BASE.href })));
  }

  send(worker, message) {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.postMessage({ ...message, id });
    });
  }

  settle({ id, result, error }) {
    const job = this.pending.get(id);
    if (!job) return;
    this.pending.delete(id);
    if (error === undefined) job.resolve(result);
    else job.reject(new Error(error));
  }

  fail(worker, message) {
    for (const [id, job] of this.pending) {
      if (job.worker === worker) {
        this.pending.delete(id);
        job.reject(new Error(message));
      }
    }
  }

  async run(op, tokenizer, text, extra = {}) {
    await this.initialised;
    const index = (AFFINITY[tokenizer] ?? 0) % this.workers.length;
    return this.send(this.workers[index], { op, tokenizer, text, ...extra });
  }
}

// --- data and counting -------------------------------------------------------------------------------------------
let data = null;
let pool = null;
let cataloguePromise = null;
const specs = new Map();
const countCache = { text: null, counts: new Map() }; // the last text's counts, per exact tokenizer

async function loadJson(name) {
  const response = await fetch(new URL(name, BASE));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.json();
}

function catalogue() {
  if (cataloguePromise === null) {
    cataloguePromise = loadJson("catalogue.json");
    cataloguePromise.catch(() => (cataloguePromise = null));
  }
  return cataloguePromise;
}

function snapshotById(id) {
  const wanted = id === undefined || id === null || id === "latest" ? data.latest : String(id);
  const found = data.snapshots.find((s) => s.id === wanted);
  if (!found) {
    const known = data.snapshots.map((s) => s.id).join(", ");
    throw new Error(`snapshot desconhecido: ${wanted} (conhecidos: ${known}, latest)`);
  }
  return found;
}

function checkText(text) {
  if (typeof text !== "string") throw new TypeError("o texto deve ser uma string");
  if (text.length > MAX_TEXT_CHARS) {
    throw new RangeError(`texto grande demais para a página (${numberPt(text.length, 0, "")} caracteres; máximo 20 milhões)`);
  }
}

function checkTokens(name, value, maximum) {
  if (!Number.isInteger(value) || value < 0 || value > maximum) {
    throw new RangeError(`${name} deve ser um número inteiro entre 0 e ${numberPt(maximum, 0, "")}`);
  }
}

// Counts of `text` for `names` (exact or estimate): {name: {count, exact, error}}. Exact tokenizers run in the
// workers, in parallel; an estimate is arithmetic on them (calculators.tokens.ESTIMATE_RULES).
async function countAll(text, names, onProgress = () => {}) {
  checkText(text);
  const exactNeeded = new Set();
  for (const name of names) {
    const spec = specs.get(name);
    if (!spec) throw new Error(`tokenizador desconhecido: ${name}`);
    if (spec.exact) exactNeeded.add(name);
    else if (spec.kind === "proxy") exactNeeded.add(spec.proxy);
  }
  const counted = new Map(countCache.text === text ? countCache.counts : []);
  const todo = [...exactNeeded].filter((n) => !counted.has(n));
  let done = exactNeeded.size - todo.length;
  onProgress(done, exactNeeded.size);
  await Promise.all(
    todo.map(async (name) => {
      try {
        counted.set(name, { count: await pool.run("count", name, text), error: null });
      } catch (error) {
        counted.set(name, { count: null, error: `${name}: ${error.message}` });
      }
      done += 1;
      onProgress(done, exactNeeded.size);
    }),
  );
  // Remember the last text's counts (switching snapshots or settings does not count again); not the failures.
  if (countCache.text !== text) {
    countCache.text = text;
    countCache.counts = new Map();
  }
  for (const [name, entry] of counted) if (entry.error === null) countCache.counts.set(name, entry);
  const out = {};
  for (const name of names) {
    const spec = specs.get(name);
    if (spec.exact) {
      const got = counted.get(name);
      out[name] = { count: got.count, exact: got.count !== null, error: got.error };
    } else if (spec.kind === "proxy") {
      const got = counted.get(spec.proxy);
      out[name] = { count: got.count, exact: false, error: got.error };
    } else {
      out[name] = { count: text === "" ? 0 : Math.ceil(codePoints(text) / spec.chars_per_token), exact: false, error: null };
    }
  }
  return out;
}

function settings({ outputTokens = 1_000, requestsPerDay = 1, brlPerUsd = null, atUtc = null, batch = false } = {}) {
  checkTokens("outputTokens", outputTokens, MAX_OUTPUT_TOKENS);
  if (atUtc !== null && !/^([01]\d|2[0-3]):[0-5]\d$/.test(atUtc)) throw new RangeError("atUtc deve ser um horário HH:MM (UTC)");
  if (typeof batch !== "boolean") throw new TypeError("batch deve ser true ou false");
  if (typeof requestsPerDay !== "number" || !(requestsPerDay >= 0) || !Number.isFinite(requestsPerDay)) {
    throw new RangeError("requestsPerDay deve ser um número não negativo");
  }
  if (brlPerUsd !== null && !(brlPerUsd > 0 && Number.isFinite(brlPerUsd))) {
    throw new RangeError("brlPerUsd deve ser positivo (ou null: sem taxa)");
  }
  return { outputTokens, requestsPerDay, brlPerUsd, atUtc, batch, mtok: data.mtok, daysPerMonth: data.days_per_month };
}

async function costTable({ text, snapshot = "latest", ...options } = {}) {
  await api.ready;
  const snap = snapshotById(snapshot);
  const chosen = settings(options);
  const counts = await countAll(text, [...new Set(snap.rows.map((r) => r.tokenizer))]);
  return pricing.costRows(snap, counts, chosen);
}

async function catalogueTable({ text, ...options } = {}) {
  await api.ready;
  const chosen = settings(options);
  const cat = await catalogue();
  const counts = await countAll(text, [...new Set(cat.rows.map((r) => r.tokenizer))]);
  return pricing.catalogueRows(cat, counts, chosen);
}

async function encode(text, name) {
  await api.ready;
  checkText(text);
  const spec = specs.get(name);
  if (!spec) throw new Error(`tokenizador desconhecido: ${name}`);
  if (!spec.exact) throw new Error(`${name} é uma estimativa: não há tokenizador público que dê os ids`);
  return pool.run("encode", name, text);
}

async function count(text, name) {
  await api.ready;
  const result = (await countAll(text, [name]))[name];
  if (result.count === null) throw new Error(result.error);
  return result.count;
}

const api = {
  ready: null,
  encode,
  count,
  costTable,
  catalogueTable,
  snapshots: () => (data ? data.snapshots.map((s) => s.id) : []),
};

// --- the page: one calculator per [data-llms101-calculator] ------------------------------------------------------
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

let uid = 0;

class Calculator {
  constructor(root) {
    this.root = root;
    this.id = `llms101-calc-${++uid}`;
    this.version = 0;
    this.timer = null;
    this.missing = data.missing_text;
    this.withCatalogue = root.dataset.catalogue === "true";
    this.build();
    // The box starts empty, so opening a page downloads no tokenizer: they load on the first text.
    this.update();
  }

  field(label, control, hint = null) {
    const id = `${this.id}-${control.name}`;
    control.id = id;
    return el("div", { class: "llms101-field" }, el("label", { for: id, text: label }), control, hint);
  }

  build() {
    const id = this.id;
    this.input = el("textarea", {
      "data-llms101-input": true,
      id: `${id}-text`,
      rows: 6,
      spellcheck: "false",
      placeholder: "Cole ou digite aqui o seu texto (um prompt, um documento…)",
    });
    this.status = el("p", { class: "llms101-status", role: "status", "aria-live": "polite" });
    this.error = el("p", { class: "llms101-error", role: "alert", hidden: true });
    const article = el("button", { type: "button", text: "Usar o artigo como exemplo" });
    const sample = el("button", { type: "button", text: "Usar uma frase de exemplo" });
    const clear = el("button", { type: "button", text: "Limpar" });
    article.addEventListener("click", async () => {
      this.input.value = await this.loadArticle();
      this.update();
    });
    sample.addEventListener("click", () => {
      this.input.value = SAMPLE_TEXT;
      this.update();
    });
    clear.addEventListener("click", () => {
      this.input.value = "";
      this.update();
    });
    // A paste is counted at once; typing waits for a pause.
    this.input.addEventListener("input", (event) =>
      event.inputType === "insertFromPaste" || event.inputType === "insertFromDrop" ? this.update() : this.schedule(),
    );

    this.snapshot = el("select", { name: "snapshot" });
    for (const snap of data.snapshots) this.snapshot.append(el("option", { value: snap.id, text: `${snap.id} — ${snap.title}` }));
    this.snapshot.append(el("option", { value: "latest", text: `latest (${data.latest})` }));
    this.snapshot.value = this.root.dataset.snapshot || "latest";
    this.output = el("input", { name: "output_tokens", type: "number", min: 0, max: MAX_OUTPUT_TOKENS, step: 1, inputmode: "numeric" });
    this.output.value = this.root.dataset.outputTokens || "1000";
    this.requests = el("input", { name: "requests_per_day", type: "number", min: 0, step: 1, inputmode: "numeric" });
    this.requests.value = "1000";
    this.rate = el("input", { name: "brl_per_usd", type: "number", min: 0, step: 0.0001, inputmode: "decimal" });
    this.rateNote = el("small", { class: "llms101-hint" });
    this.priceKind = el("select", { name: "price_kind" });
    for (const [value, label] of [
      ["ordinary", "preço normal"],
      ["batch", "API de lote (batch)"],
    ]) {
      this.priceKind.append(el("option", { value, text: label }));
    }
    this.atUtc = el("input", { name: "at_utc", type: "time", step: 60 });
    this.filter = el("input", { name: "filter", type: "search", placeholder: "modelo, provedor ou criador" });
    this.sort = el("select", { name: "sort" });
    for (const [value, label] of [
      ["cost", "custo por pedido"],
      ["time", "tempo de resposta"],
      ["model", "modelo"],
      ["provider", "provedor"],
    ]) {
      this.sort.append(el("option", { value, text: label }));
    }
    this.snapshot.addEventListener("change", () => {
      this.setDefaultRate();
      this.update();
    });
    for (const control of [this.output, this.requests, this.rate, this.priceKind, this.atUtc]) {
      control.addEventListener("input", () => this.schedule(150));
    }
    for (const control of [this.filter, this.sort]) control.addEventListener("input", () => this.render());

    this.counts = el("tbody");
    this.piecesTokenizer = el("select", { name: "pieces_tokenizer" });
    for (const spec of data.tokenizers.filter((t) => t.exact)) this.piecesTokenizer.append(el("option", { value: spec.name, text: tokenizerLabel(spec.name) }));
    this.piecesTokenizer.addEventListener("change", () => this.showPieces());
    this.pieces = el("div", { class: "llms101-pieces", "aria-label": "o texto cortado em tokens" });
    this.piecesNote = el("p", { class: "llms101-hint" });
    this.piecesBox = el(
      "details",
      { class: "llms101-pieces-box" },
      el("summary", { text: "Ver os tokens: o texto cortado em pedaços, com os ids" }),
      this.field("Tokenizador", this.piecesTokenizer),
      this.pieces,
      this.piecesNote,
    );
    this.piecesBox.addEventListener("toggle", () => this.showPieces());

    this.costs = el("tbody");
    this.costNote = el("p", { class: "llms101-hint" });
    this.setDefaultRate();

    const table = (caption, headers, body, tall = false) =>
      el(
        "div",
        { class: tall ? "llms101-scroll llms101-tall" : "llms101-scroll", tabindex: 0, role: "region", "aria-label": caption },
        el(
          "table",
          { class: "llms101-table" },
          el("caption", { text: caption }),
          el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col", text: h })))),
          body,
        ),
      );

    this.root.replaceChildren(
      el("label", { for: this.input.id, class: "llms101-label", text: "Seu texto" }),
      this.input,
      el("div", { class: "llms101-actions" }, article, sample, clear),
      this.status,
      this.error,
      table("Tokens do texto, por tokenizador", ["tokenizador", "tokens", "contagem", "modelos"], this.counts),
      this.piecesBox,
      el(
        "div",
        { class: "llms101-controls" },
        this.field("Snapshot dos dados", this.snapshot),
        this.field("Tokens de saída", this.output),
        this.field("Pedidos por dia", this.requests),
        this.field("R$ por US$", this.rate, this.rateNote),
        this.field("Preço", this.priceKind),
        this.field("Horário do pedido (UTC)", this.atUtc, el("small", { class: "llms101-hint", text: "vazio: preço normal; alguns provedores cobram diferente em certos horários" })),
        this.field("Filtrar", this.filter),
        this.field("Ordenar por", this.sort),
      ),
      table(
        "Custo e tempo de um pedido, por modelo e provedor",
        ["modelo", "provedor", "criador", "tokens de entrada", "por pedido (US$)", "por mês (US$)", "por mês (R$)", "tempo de resposta (s)"],
        this.costs,
        true,
      ),
      this.costNote,
    );
    if (this.withCatalogue) this.buildCatalogue(table);
  }

  buildCatalogue(table) {
    this.catalogueFilter = el("input", { name: "catalogue_filter", type: "search", placeholder: "ex.: llama, gpt-5, groq" });
    this.catalogueFilter.addEventListener("input", () => this.renderCatalogue());
    this.catalogueBody = el("tbody");
    this.catalogueNote = el("p", { class: "llms101-hint" });
    this.catalogueBox = el(
      "details",
      { class: "llms101-catalogue" },
      el("summary", { text: "Catálogo completo: todos os modelos e provedores com preço por token no genai-prices" }),
      this.field("Buscar no catálogo", this.catalogueFilter),
      this.catalogueNote,
      table(
        "Catálogo: custo de um pedido com o seu texto",
        ["modelo", "provedor", "tokenizador", "tokens de entrada", "por pedido (US$)", "por mês (US$)", "observação"],
        this.catalogueBody,
        true,
      ),
    );
    this.catalogueBox.addEventListener("toggle", () => this.catalogueBox.open && this.update());
    this.root.append(this.catalogueBox);
  }

  async loadArticle() {
    const response = await fetch(new URL("article.txt", BASE));
    return response.ok ? response.text() : SAMPLE_TEXT;
  }

  setDefaultRate() {
    const snap = snapshotById(this.snapshot.value);
    if (snap.usd_brl) {
      this.rate.value = String(snap.usd_brl.brl_per_usd);
      this.rateNote.textContent = `padrão: ${snap.usd_brl.description} (fonte nos dados do curso); mude à vontade`;
    } else {
      this.rate.value = "";
      this.rateNote.textContent = "os dados não têm uma cotação recente para este snapshot: digite uma para ver reais";
    }
  }

  schedule(delay = null) {
    clearTimeout(this.timer);
    const wait = delay ?? (this.input.value.length > LONG_TEXT_CHARS ? 300 : 120);
    this.timer = setTimeout(() => this.update(), wait);
  }

  readSettings() {
    const problems = [];
    const whole = (input, label, max) => {
      const value = Number(input.value);
      if (input.value.trim() === "" || !Number.isInteger(value) || value < 0 || value > max) {
        problems.push(`${label}: digite um número inteiro entre 0 e ${numberPt(max, 0, "")}`);
        return null;
      }
      return value;
    };
    const outputTokens = whole(this.output, "Tokens de saída", MAX_OUTPUT_TOKENS);
    const requestsPerDay = whole(this.requests, "Pedidos por dia", 1e9);
    let brlPerUsd = null;
    if (this.rate.value.trim() !== "") {
      const value = Number(this.rate.value);
      if (value > 0 && Number.isFinite(value)) brlPerUsd = value;
      else problems.push("R$ por US$: digite uma cotação positiva, ou deixe vazio");
    }
    const atUtc = this.atUtc.value ? this.atUtc.value.slice(0, 5) : null;
    return { problems, outputTokens, requestsPerDay, brlPerUsd, atUtc, batch: this.priceKind.value === "batch" };
  }

  async update() {
    const version = ++this.version;
    const text = this.input.value;
    const chosen = this.readSettings();
    this.error.hidden = chosen.problems.length === 0;
    this.error.textContent = chosen.problems.join(". ");
    if (chosen.problems.length) return; // keep the last good table: nothing is lost while a field is half typed
    const long = text.length > LONG_TEXT_CHARS;
    try {
      checkText(text);
      const snap = snapshotById(this.snapshot.value);
      const cat = this.withCatalogue && this.catalogueBox.open ? await catalogue() : null;
      const names = new Set(snap.rows.map((r) => r.tokenizer));
      if (cat) for (const r of cat.rows) names.add(r.tokenizer);
      const started = performance.now();
      const counts = await countAll(text, [...names], (done, total) => {
        if (version === this.version && long && done < total) {
          this.status.textContent = `Contando ${numberPt(codePoints(text), 0, "")} caracteres… ${done} de ${total} tokenizadores prontos`;
        }
      });
      if (version !== this.version) return;
      const options = { ...chosen, mtok: data.mtok, daysPerMonth: data.days_per_month };
      this.view = {
        snapshot: snap,
        counts,
        rows: pricing.costRows(snap, counts, options),
        catalogue: cat ? pricing.catalogueRows(cat, counts, options) : null,
        ms: performance.now() - started,
      };
      const failed = Object.values(counts).filter((c) => c.error).map((c) => c.error);
      this.status.textContent =
        text === ""
          ? "Cole ou digite um texto. Os tokenizadores são baixados na primeira vez que a página precisa deles."
          : `${numberPt(codePoints(text), 0, "")} caracteres contados (snapshot ${snap.id}, dados até ${snap.as_of}).`;
      if (failed.length) {
        this.error.hidden = false;
        this.error.textContent = `Não foi possível contar com ${[...new Set(failed)].join("; ")}. Essas linhas mostram "${this.missing}"; o seu texto continua na caixa.`;
      }
      this.render();
      if (this.piecesBox.open) this.showPieces();
      this.root.dataset.llms101Updated = String(version);
    } catch (error) {
      if (version !== this.version) return;
      this.error.hidden = false;
      this.error.textContent = `${error.message}. O seu texto continua na caixa.`;
    }
  }

  render() {
    if (!this.view) return;
    const { snapshot, counts, rows } = this.view;
    const m = this.missing;
    // tokens per tokenizer, as calculators.costs.token_count_table
    const byTokenizer = new Map();
    for (const r of snapshot.rows) {
      if (!byTokenizer.has(r.tokenizer)) byTokenizer.set(r.tokenizer, new Set());
      byTokenizer.get(r.tokenizer).add(r.model);
    }
    this.counts.replaceChildren(
      ...[...byTokenizer.keys()].sort().map((name) => {
        const spec = specs.get(name);
        const c = counts[name];
        const how = spec.exact ? "exata" : spec.kind === "proxy" ? `estimativa (contagem do ${spec.proxy})` : `estimativa (caracteres ÷ ${spec.chars_per_token})`;
        return el(
          "tr",
          {},
          el("td", { text: tokenizerLabel(name), "data-tokenizer-id": name }),
          el("td", { class: "num", "data-llms101-count": true, "data-tokenizer": name, "data-value": c.count ?? "", text: numberPt(c.count, 0, m) }),
          el("td", { text: how }),
          el("td", { class: "wide", text: [...byTokenizer.get(name)].sort().join(", ") }),
        );
      }),
    );
    const needle = fold(this.filter.value.trim());
    const shown = rows.filter((r) => !needle || fold(`${r.model} ${r.provider} ${r.creator}`).includes(needle));
    const key = this.sort.value;
    const last = (v) => (v === null ? Infinity : v);
    const compare = {
      cost: (a, b) => last(a.cost_usd) - last(b.cost_usd) || a.model.localeCompare(b.model, "pt-BR"),
      time: (a, b) => last(a.e2e_s) - last(b.e2e_s) || a.model.localeCompare(b.model, "pt-BR"),
      model: (a, b) => a.model.localeCompare(b.model, "pt-BR") || a.provider.localeCompare(b.provider, "pt-BR"),
      provider: (a, b) => a.provider.localeCompare(b.provider, "pt-BR") || a.model.localeCompare(b.model, "pt-BR"),
    }[key];
    shown.sort(compare);
    const d = data.cost_decimals;
    this.costs.replaceChildren(
      ...shown.map((r) => {
        const tokens = r.input_tokens === null ? m : (r.input_tokens_exact ? "" : "≈ ") + numberPt(r.input_tokens, 0, m);
        const price = r.cost_usd === null ? m : numberPt(r.cost_usd, d, m) + (r.price_estimate ? " *" : "");
        const notes = [];
        if (r.tier_above_input_tokens > 0) notes.push(tierText(r.tier_above_input_tokens));
        if (r.price_condition === "batch") notes.push("lote");
        else if (r.price_condition) notes.push(`horário ${r.price_condition.slice(4)} UTC`);
        const tier = notes.length ? ` (${notes.join("; ")})` : "";
        return el(
          "tr",
          { "data-llms101-cost-row": true, "data-model": r.model, "data-provider": r.provider, "data-cost-usd": r.cost_usd ?? "" },
          el("td", { text: r.model }),
          el("td", { text: r.provider + tier }),
          el("td", { text: r.creator }),
          el("td", { class: "num", text: tokens }),
          el("td", { class: "num", text: price }),
          el("td", { class: "num", text: numberPt(r.monthly_cost_usd, data.monthly_decimals, m) }),
          el("td", { class: "num", text: numberPt(r.monthly_cost_brl, data.monthly_decimals, m) }),
          el("td", { class: "num", text: numberPt(r.e2e_s, 2, m) + (r.e2e_s !== null && r.speed_basis === "model median" ? " †" : "") }),
        );
      }),
    );
    this.costNote.textContent =
      `${shown.length} de ${rows.length} linhas. ≈ tokens estimados (o criador não publica o tokenizador); * preço estimado; ` +
      `† velocidade mediana do modelo (o provedor não tem medida própria); "${m}": o número não está nos dados, nunca zero. ` +
      `Mês de ${data.days_per_month} dias. Prompts longos pagam a faixa de preço em que caem (o pedido inteiro, ` +
      `como os provedores cobram); "lote" sem preço nos dados fica "${m}".`;
    this.renderCatalogue();
  }

  renderCatalogue() {
    if (!this.withCatalogue || !this.view || !this.view.catalogue) return;
    const m = this.missing;
    const needle = fold(this.catalogueFilter.value.trim());
    const all = this.view.catalogue;
    const matches = all.filter((r) => !needle || fold(`${r.model} ${r.model_id} ${r.provider}`).includes(needle));
    matches.sort((a, b) => (a.cost_usd ?? Infinity) - (b.cost_usd ?? Infinity) || a.model.localeCompare(b.model));
    const providers = new Set(all.map((r) => r.provider)).size;
    this.catalogueNote.textContent =
      `${numberPt(all.length, 0, "")} pares (modelo, provedor) de ${providers} provedores, preços do genai-prices ` +
      `resolvidos em ${data.catalogue_as_of}. ${numberPt(matches.length, 0, "")} combinam com a busca; ` +
      `mostrando os ${Math.min(CATALOGUE_SHOWN, matches.length)} mais baratos para o seu texto.`;
    this.catalogueBody.replaceChildren(
      ...matches.slice(0, CATALOGUE_SHOWN).map((r) => {
        const notes = [];
        if (r.applied_tier !== null) notes.push(tierText(r.applied_tier));
        if (r.other_charges.length) notes.push(`outras cobranças possíveis (${r.other_charges.join(", ")})`);
        if (r.price_note) notes.push(r.price_note);
        if (r.deprecated) notes.push("descontinuado");
        return el(
          "tr",
          { "data-llms101-catalogue-row": true, "data-model-id": r.model_id, "data-provider-id": r.provider_id, "data-cost-usd": r.cost_usd ?? "" },
          el("td", { text: r.model }),
          el("td", { text: r.provider }),
          el("td", { text: tokenizerLabel(r.tokenizer), "data-tokenizer-id": r.tokenizer }),
          el("td", { class: "num", text: (r.input_tokens_exact ? "" : "≈ ") + numberPt(r.input_tokens, 0, m) }),
          el("td", { class: "num", text: numberPt(r.cost_usd, data.cost_decimals, m) }),
          el("td", { class: "num", text: numberPt(r.monthly_cost_usd, data.monthly_decimals, m) }),
          el("td", { text: notes.join("; ") }),
        );
      }),
    );
  }

  async showPieces() {
    if (!this.piecesBox.open) return;
    const name = this.piecesTokenizer.value;
    const text = this.input.value;
    try {
      const pieces = await pool.run("pieces", name, text, { limit: data.max_display_tokens });
      if (text !== this.input.value || name !== this.piecesTokenizer.value) return;
      this.pieces.replaceChildren(
        ...pieces.map((p, i) =>
          el("span", { class: `llms101-token c${i % 6}${p.partial ? " partial" : ""}`, title: `id ${p.id}`, "data-id": p.id, text: p.text }),
        ),
      );
      const total = this.view && this.view.counts[name] ? this.view.counts[name].count : null;
      this.piecesNote.textContent =
        total !== null && total > pieces.length
          ? `Mostrando os primeiros ${numberPt(pieces.length, 0, "")} de ${numberPt(total, 0, "")} tokens (a contagem cobre o texto inteiro). Passe o mouse sobre um pedaço para ver o id.`
          : "Cada pedaço é um token; passe o mouse sobre ele para ver o id. <0xF0> = um byte de um caractere dividido entre tokens.";
    } catch (error) {
      this.piecesNote.textContent = `Não foi possível mostrar os tokens: ${error.message}`;
    }
  }
}

async function start() {
  data = await loadJson("data.json");
  for (const spec of data.tokenizers) specs.set(spec.name, spec);
  const size = Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1));
  pool = new Pool(data.tokenizers.filter((t) => t.exact), size);
  await pool.initialised;
  for (const root of document.querySelectorAll("[data-llms101-calculator]")) {
    try {
      new Calculator(root);
    } catch (error) {
      root.textContent = `A calculadora não abriu: ${error.message}`;
    }
  }
}

api.ready = start();
api.ready.catch((error) => {
  for (const root of document.querySelectorAll("[data-llms101-calculator]")) {
    root.textContent = `A calculadora não abriu (${error.message}). Recarregue a página; o curso em Jupyter (Binder, Colab) também tem as calculadoras.`;
  }
});
window.llms101 = api;
