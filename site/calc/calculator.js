// The in-page calculator: the reader's own text tokenized, priced and timed in the browser, offline.
//
// Every figure comes from calc/data.json and calc/catalogue.json, which the build writes from the Python package
// (calculators/page.py); the formulas are pricing.js, each pinned to its Python twin by tests; counting happens
// in Web Workers (worker.js) with the same tokenizer files as Python. Any element with the attribute
// data-llms101-calculator becomes a calculator; its options: data-snapshot ("latest" or an id),
// data-catalogue ("true" to offer the full catalogue), data-output-tokens.
//
// Public contract (tests and curious readers, in the console): window.llms101.ready, .encode(text, name),
// .count(text, name), .costTable({text, outputTokens, snapshot, requestsPerDay, brlPerUsd, date, effort}),
// .catalogueTable({text, outputTokens, requestsPerDay, brlPerUsd, date}), .snapshots(). `date` (YYYY-MM-DD) is
// the day of the request, as the CLI's --on: scheduled prices apply from their day (default: the reader's today);
// `effort` the requests' reasoning effort, as the CLI's --effort (default null: a row per effort).

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

// --- numbers typed the Brazilian way ------------------------------------------------------------------------------
// The page's numeric fields are text boxes (inputmode=decimal): a number input in a browser with an English
// locale drops the comma of "5,13" and reads 513. They are read by the quizzes' parser, window.llms101Quiz.parseNumber
// (tools/site_static/llms101.js, on every page; pinned to calculators.quiz.parse_number_pt by tests): comma before
// decimals, dots between thousands ("5,13", "1.000", "1.000,5"; "2.5" is two and a half). Around the number, only
// spaces and the field's currency are allowed, so that "1e" or "5 mil" is refused with a message, never read
// as something else.
const NUMBER_SHAPE = /^\s*(?:R\$|US\$)?\s*[+-]?[\d.,\s]*\d[\d.,\s]*$/;

// {value} or {problem: a Portuguese sentence}; `integer` refuses decimals; `min`/`max` bound the value.
function readTypedNumber(text, { integer = false, min = 0, max = Infinity, positive = false } = {}) {
  const parse = window.llms101Quiz && window.llms101Quiz.parseNumber;
  if (typeof parse !== "function") return { problem: "o leitor de números do site não carregou; recarregue a página" };
  const value = NUMBER_SHAPE.test(text) ? parse(text) : null;
  const example = integer ? "1000 ou 1.000" : "5,13 ou 1.000,5";
  if (value === null || !Number.isFinite(value)) return { problem: `"${text.trim()}" não é um número que a página entenda (exemplos: ${example})` };
  if (integer && !Number.isInteger(value)) return { problem: `digite um número inteiro (sem vírgula), como ${numberPt(Math.round(value), 0, "")}` };
  if (positive ? !(value > 0) : value < min) return { problem: positive ? "digite um número maior que zero" : `digite um número a partir de ${numberPt(min, 0, "")}` };
  if (value > max) return { problem: `digite um número até ${numberPt(max, 0, "")}` };
  return { value };
}

// --- the worker pool ---------------------------------------------------------------------------------------------
// A job of a group ("page": the text box's counts) is cancelled by the group's next text: supersede() waits up to
// OVERTAKE_MS for the older jobs, then stops the workers still busy with them (a WebAssembly call cannot be
// interrupted) and starts new ones; their other jobs (the console API's) are sent again to the new worker. A
// worker that failed to start is started again on the next job.
const OVERTAKE_MS = 1_000;

class Pool {
  constructor(specs, size) {
    this.specs = specs;
    this.pending = new Map();
    this.next = 0;
    this.slots = [];
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(i));
  }

  spawn(index) {
    const worker = new Worker(new URL("worker.js", BASE), { type: "module", name: `llms101-tokens-${index}` });
    const slot = { index, worker, dead: false, ready: null };
    worker.onmessage = (event) => this.settle(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.fail(slot, `o contador de tokens não carregou (${event.message || "erro de rede"}); a página tenta de novo no próximo texto`);
    };
    slot.ready = this.send(slot, { op: "init", specs: this.specs, base: BASE.href });
    slot.ready.catch(() => {});
    return slot;
  }

  send(slot, message, group = null) {
    const id = ++this.next;
    let job;
    const promise = new Promise((resolve, reject) => {
      job = { resolve, reject, slot, group, message: { ...message, id } };
    });
    job.promise = promise;
    this.pending.set(id, job);
    slot.worker.postMessage(job.message);
    return promise;
  }

  settle({ id, result, error }) {
    const job = this.pending.get(id);
    if (!job) return;
    this.pending.delete(id);
    if (error === undefined) job.resolve(result);
    else job.reject(new Error(error));
  }

  fail(slot, message) {
    slot.dead = true;
    slot.worker.terminate();
    for (const [id, job] of this.pending) {
      if (job.slot === slot) {
        this.pending.delete(id);
        job.reject(new Error(message));
      }
    }
  }

  // The jobs on `slot` (of `group`, if given, and not about `text`, if given).
  jobs(slot, group, text) {
    return [...this.pending.values()].filter(
      (job) => job.slot === slot && job.message.op !== "init" && (group === undefined || job.group === group) && (text === undefined || job.message.text !== text),
    );
  }

  // A new slot in place of `slot`: its `group` jobs about other texts than `text` are cancelled, the others sent
  // again.
  restart(slot, group, text) {
    const fresh = this.spawn(slot.index);
    this.slots[slot.index] = fresh;
    slot.worker.terminate();
    for (const job of [...this.pending.values()].filter((j) => j.slot === slot)) {
      if (job.message.op === "init") {
        this.pending.delete(job.message.id);
        job.reject(new Error("o contador de tokens foi reiniciado"));
      } else if (job.group === group && job.message.text !== text) {
        this.pending.delete(job.message.id);
        job.reject(new Error("contagem cancelada: chegou um texto mais novo"));
      } else {
        job.slot = fresh;
        fresh.worker.postMessage(job.message);
      }
    }
  }

  // Make way for `text`: the group's jobs about other texts get OVERTAKE_MS to finish, then their workers restart.
  async supersede(group, text) {
    const busy = this.slots.filter((slot) => this.jobs(slot, group, text).length > 0);
    if (busy.length === 0) return;
    const older = busy.flatMap((slot) => this.jobs(slot, group, text).map((job) => job.promise));
    let timer;
    await Promise.race([
      Promise.allSettled(older),
      new Promise((resolve) => {
        timer = setTimeout(resolve, OVERTAKE_MS);
      }),
    ]);
    clearTimeout(timer);
    for (const slot of busy) if (this.slots[slot.index] === slot && this.jobs(slot, group, text).length > 0) this.restart(slot, group, text);
  }

  async run(op, tokenizer, text, extra = {}, group = null) {
    const index = (AFFINITY[tokenizer] ?? 0) % this.slots.length;
    for (;;) {
      if (this.slots[index].dead) this.slots[index] = this.spawn(index);
      const slot = this.slots[index];
      try {
        await slot.ready;
      } catch (error) {
        if (this.slots[index] === slot) throw error;
        continue; // restarted meanwhile: use the new worker
      }
      if (this.slots[index] === slot) return this.send(slot, { op, tokenizer, text, ...extra }, group);
    }
  }
}

// --- data and counting -------------------------------------------------------------------------------------------
let data = null;
let pool = null;
let cataloguePromise = null;
const specs = new Map();
const countCache = { text: null, counts: new Map() }; // the last text's counts (promises), per exact tokenizer

async function loadJson(name) {
  const response = await fetch(new URL(name, BASE));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.json();
}

// catalogue.json, once; a failure is forgotten (tried again next time) and explained in Portuguese.
function catalogue() {
  if (cataloguePromise === null) {
    cataloguePromise = (async () => {
      let response;
      try {
        response = await fetch(new URL("catalogue.json", BASE));
      } catch {
        throw new Error("Não foi possível baixar o catálogo (catalogue.json): verifique a conexão; a página tenta de novo quando o texto mudar ou o catálogo for reaberto. A tabela principal continua valendo.");
      }
      if (!response.ok) {
        throw new Error(`Não foi possível baixar o catálogo (catalogue.json, HTTP ${response.status}); a página tenta de novo quando o texto mudar ou o catálogo for reaberto. A tabela principal continua valendo.`);
      }
      let parsed;
      try {
        parsed = JSON.parse(await response.text());
      } catch {
        parsed = null;
      }
      if (parsed === null || typeof parsed !== "object" || !Array.isArray(parsed.rows)) {
        throw new Error("O catálogo (catalogue.json) chegou danificado e não pôde ser lido. Recarregue a página para baixá-lo de novo; a tabela principal continua valendo.");
      }
      return parsed;
    })();
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
// workers, in parallel; an estimate is arithmetic on them (calculators.tokens.ESTIMATE_RULES). Each count of the
// last text is kept, as a promise, so that a text is counted once per tokenizer, even by overlapping calls;
// a failed count is forgotten (tried again next time). `group` tags the jobs for Pool.supersede.
async function countAll(text, names, onProgress = () => {}, group = null) {
  checkText(text);
  const exactNeeded = new Set();
  for (const name of names) {
    const spec = specs.get(name);
    if (!spec) throw new Error(`tokenizador desconhecido: ${name}`);
    if (spec.exact) exactNeeded.add(name);
    else if (spec.kind === "proxy") exactNeeded.add(spec.proxy);
  }
  if (countCache.text !== text) {
    countCache.text = text;
    countCache.counts = new Map();
  }
  const cache = countCache.counts;
  let done = 0;
  onProgress(done, exactNeeded.size);
  const counted = new Map();
  await Promise.all(
    [...exactNeeded].map(async (name) => {
      if (!cache.has(name)) {
        const promise = text === "" ? Promise.resolve(0) : pool.run("count", name, text, {}, group);
        cache.set(name, promise);
        promise.catch(() => cache.get(name) === promise && cache.delete(name));
      }
      try {
        counted.set(name, { count: await cache.get(name), error: null });
      } catch (error) {
        counted.set(name, { count: null, error: `${name}: ${error.message}` });
      }
      done += 1;
      onProgress(done, exactNeeded.size);
    }),
  );
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

// The reader's today, YYYY-MM-DD, on the reader's own calendar.
function readerToday() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

function checkDate(date) {
  const match = typeof date === "string" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const parsed = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!parsed || parsed.toISOString().slice(0, 10) !== date) throw new RangeError("date deve ser um dia AAAA-MM-DD");
  return date;
}

function settings({ outputTokens = 1_000, requestsPerDay = 1, brlPerUsd = null, atUtc = null, batch = false, date = readerToday(), effort = null } = {}) {
  checkTokens("outputTokens", outputTokens, MAX_OUTPUT_TOKENS);
  checkDate(date);
  if (effort !== null && !data.efforts.some((e) => e.id === effort)) {
    throw new RangeError(`effort deve ser null (todos) ou um de: ${data.efforts.map((e) => e.id).join(", ")}`);
  }
  if (atUtc !== null && !/^([01]\d|2[0-3]):[0-5]\d$/.test(atUtc)) throw new RangeError("atUtc deve ser um horário HH:MM (UTC)");
  if (typeof batch !== "boolean") throw new TypeError("batch deve ser true ou false");
  if (typeof requestsPerDay !== "number" || !(requestsPerDay >= 0) || !Number.isFinite(requestsPerDay)) {
    throw new RangeError("requestsPerDay deve ser um número não negativo");
  }
  if (brlPerUsd !== null && !(brlPerUsd > 0 && Number.isFinite(brlPerUsd))) {
    throw new RangeError("brlPerUsd deve ser positivo (ou null: sem taxa)");
  }
  return { outputTokens, requestsPerDay, brlPerUsd, atUtc, batch, date, effort, ...constants() };
}

function constants() {
  return {
    noteDays: data.price_note_days,
    mtok: data.mtok,
    daysPerMonth: data.days_per_month,
    noThinking: data.no_thinking_effort,
  };
}

function effortLabel(effort) {
  const found = data.efforts.find((e) => e.id === effort);
  return found ? found.label : effort;
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

// A data source as a link only when it is an http(s) URL (calculators.data checks the same when loading);
// anything else is shown as text, never as a link (a "javascript:" URL would run script).
function webUrl(text) {
  try {
    const url = new URL(String(text));
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function sourceLink(source) {
  const href = webUrl(source);
  if (href === null) return el("span", { class: "llms101-source", text: source ? `fonte: ${source}` : "fonte nos dados do curso" });
  return el("a", { href, rel: "noopener noreferrer", target: "_blank", text: "fonte" });
}

// Control characters (but tab and newline) and the invisible marks that reorder text (U+202E, right-to-left
// override, and its kin) as visible escapes such as <U+202E>, in the style of the <0xF0> byte markers.
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
function visibleText(text) {
  return text.replace(INVISIBLE, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}>`);
}

// One token of "Ver os tokens": isolated from its neighbours' direction (dir=auto, and unicode-bidi: isolate in
// calculator.css), so that an Arabic or Hebrew token reads right to left without reordering the tokens around it.
function tokenPiece(piece, i) {
  const shown = visibleText(piece.text);
  const escaped = shown !== piece.text ? " escaped" : "";
  return el("span", {
    class: `llms101-token c${i % 6}${piece.partial ? " partial" : ""}${escaped}`,
    dir: "auto",
    title: `id ${piece.id}`,
    "data-id": piece.id,
    text: shown,
  });
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
    const problem = control.llms101Problem ?? null;
    if (problem) {
      problem.id = `${id}-problem`;
      control.setAttribute("aria-describedby", problem.id);
    }
    return el("div", { class: "llms101-field" }, el("label", { for: id, text: label }), control, problem, hint);
  }

  // A text box for a number typed the Brazilian way, with its message line (readNumber fills it).
  numberInput(name, mode) {
    const input = el("input", { name, type: "text", inputmode: mode, autocomplete: "off", spellcheck: "false", "data-llms101-number": true });
    input.llms101Problem = el("small", { class: "llms101-field-problem", "data-llms101-problem": name, hidden: true });
    return input;
  }

  // The field's number, or null with its message beside the field (and in `problems`, for the message line).
  readNumber(input, label, options, problems) {
    const { value, problem } = readTypedNumber(input.value, options);
    this.showProblem(input, problem === undefined ? null : `${label}: ${problem}.`);
    if (problem !== undefined) problems.push(`${label}: ${problem}`);
    return problem === undefined ? value : null;
  }

  showProblem(input, message) {
    const line = input.llms101Problem;
    line.hidden = message === null;
    line.textContent = message ?? "";
    if (message === null) input.removeAttribute("aria-invalid");
    else input.setAttribute("aria-invalid", "true");
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
    this.output = this.numberInput("output_tokens", "numeric");
    this.output.value = this.root.dataset.outputTokens || "1000";
    this.requests = this.numberInput("requests_per_day", "numeric");
    this.requests.value = "1000";
    this.rate = this.numberInput("brl_per_usd", "decimal");
    this.rateNote = el("small", { class: "llms101-hint" });
    this.priceKind = el("select", { name: "price_kind" });
    for (const [value, label] of [
      ["ordinary", "preço normal"],
      ["batch", "API de lote (batch)"],
    ]) {
      this.priceKind.append(el("option", { value, text: label }));
    }
    this.atUtc = el("input", { name: "at_utc", type: "time", step: 60 });
    this.effort = el("select", { name: "effort" });
    this.effort.append(el("option", { value: "", text: "todos (uma linha por esforço)" }));
    for (const e of data.efforts) this.effort.append(el("option", { value: e.id, text: e.label }));
    // The day of the request: scheduled prices apply from their day (the CLI's --on); the reader's today by default.
    this.requestDate = el("input", { name: "request_date", type: "date", required: true });
    this.requestDate.value = readerToday();
    this.priceAge = el("p", { class: "llms101-hint", "data-llms101-price-age": true });
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
    for (const control of [this.output, this.requests, this.rate, this.priceKind, this.atUtc, this.requestDate, this.effort]) {
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
        this.field("Tokens de saída", this.output, el("small", { class: "llms101-hint", text: "os da resposta; o raciocínio escondido vem à parte" })),
        this.field("Esforço de raciocínio", this.effort),
        this.field("Pedidos por dia", this.requests),
        this.field("R$ por US$", this.rate, this.rateNote),
        this.field("Preço", this.priceKind),
        this.field("Horário do pedido (UTC)", this.atUtc, el("small", { class: "llms101-hint", text: "vazio: preço normal; alguns provedores cobram diferente em certos horários" })),
        this.field("Data do pedido", this.requestDate, el("small", { class: "llms101-hint", text: "os preços que mudam numa data valem a partir dela; padrão: hoje" })),
        this.field("Filtrar", this.filter),
        this.field("Ordenar por", this.sort),
      ),
      table(
        "Custo e tempo de um pedido, por modelo e provedor",
        ["modelo", "provedor", "criador", "tokens de entrada", "por pedido (US$)", "por mês (US$)", "por mês (R$)", "tempo de resposta (s)"],
        this.costs,
        true,
      ),
      this.priceAge,
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
      this.rate.value = String(snap.usd_brl.brl_per_usd).replace(".", ","); // as a Brazilian types it
      this.rateNote.replaceChildren(`padrão: ${snap.usd_brl.description} (`, sourceLink(snap.usd_brl.source), "); mude à vontade");
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
    const outputTokens = this.readNumber(this.output, "Tokens de saída", { integer: true, max: MAX_OUTPUT_TOKENS }, problems);
    const requestsPerDay = this.readNumber(this.requests, "Pedidos por dia", { integer: true, max: 1e9 }, problems);
    let brlPerUsd = null;
    if (this.rate.value.trim() !== "") brlPerUsd = this.readNumber(this.rate, "R$ por US$", { positive: true, max: 1e6 }, problems);
    else this.showProblem(this.rate, null);
    const atUtc = this.atUtc.value ? this.atUtc.value.slice(0, 5) : null;
    let date = this.requestDate.value;
    try {
      checkDate(date);
    } catch {
      problems.push("Data do pedido: escolha um dia");
      date = null;
    }
    const effort = this.effort.value || null;
    return { problems, outputTokens, requestsPerDay, brlPerUsd, atUtc, date, batch: this.priceKind.value === "batch", effort };
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
      await pool.supersede("page", text); // a count of an older text still running is stopped (after OVERTAKE_MS)
      if (version !== this.version) return;
      const names = new Set(snap.rows.map((r) => r.tokenizer));
      const started = performance.now();
      const counts = await countAll(
        text,
        [...names],
        (done, total) => {
          if (version === this.version && long && done < total) {
            this.status.textContent = `Contando ${numberPt(codePoints(text), 0, "")} caracteres… ${done} de ${total} tokenizadores prontos`;
          }
        },
        "page",
      );
      if (version !== this.version) return;
      const options = { ...chosen, ...constants() };
      this.view = {
        snapshot: snap,
        counts,
        date: chosen.date,
        rows: pricing.costRows(snap, counts, options),
        catalogue: null,
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
      if (this.withCatalogue && this.catalogueBox.open) this.updateCatalogue(version, text, options);
    } catch (error) {
      if (version !== this.version) return;
      this.error.hidden = false;
      this.error.textContent = `${error.message}. O seu texto continua na caixa.`;
    }
  }

  // The catalogue, apart from the main table: its download (2 MB, only when opened), its failure or its counts
  // never delay or break the rows above; what goes wrong is said in its own note, in Portuguese.
  async updateCatalogue(version, text, options) {
    if (cataloguePromise === null || !this.catalogueLoaded) this.catalogueNote.textContent = "Carregando o catálogo… (a tabela principal não espera por ele)";
    let cat;
    try {
      cat = await catalogue();
      this.catalogueLoaded = true;
    } catch (error) {
      if (version !== this.version) return;
      this.catalogueBody.replaceChildren();
      this.catalogueNote.textContent = error.message;
      this.root.dataset.llms101CatalogueFailed = String(version);
      return;
    }
    if (version !== this.version) return;
    const counts = await countAll(text, [...new Set(cat.rows.map((r) => r.tokenizer))], undefined, "page");
    if (version !== this.version || !this.view) return;
    this.view.catalogue = pricing.catalogueRows(cat, counts, options);
    this.renderCatalogue();
    this.root.dataset.llms101CatalogueUpdated = String(version);
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
        if (r.reasoning_tokens > 0) notes.push(`+ ${numberPt(r.reasoning_tokens, 0, "")} tokens de raciocínio`);
        else if (r.reasoning_tokens === null) notes.push("custo sem o raciocínio, não medido");
        if (r.price_note) notes.push(r.price_note);
        const tier = notes.length ? ` (${notes.join("; ")})` : "";
        const model = r.effort === null ? r.model : `${r.model} · ${effortLabel(r.effort)}`;
        return el(
          "tr",
          { "data-llms101-cost-row": true, "data-model": r.model, "data-provider": r.provider, "data-effort": r.effort ?? "", "data-cost-usd": r.cost_usd ?? "", "data-price-note": r.price_note || null },
          el("td", { text: model }),
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
    const age = pricing.priceAgeNote(snapshot.as_of, this.view.date, { staleDays: data.price_stale_days, refreshCommand: data.refresh_command });
    this.priceAge.textContent = `Data do pedido ${pricing.dayPt(this.view.date)}: ${age}.`;
    this.priceAge.dataset.stale = String(age.includes("Atenção"));
    this.costNote.textContent =
      `${shown.length} de ${rows.length} linhas. ≈ tokens estimados (o criador não publica o tokenizador); * preço estimado; ` +
      `† mediana do modelo entre provedores (Artificial Analysis; o provedor não tem medida própria); tempo = espera pelo ` +
      `primeiro token da resposta (o raciocínio vem antes) + a resposta. Modelos que raciocinam cobram o raciocínio ` +
      `como tokens de saída: o custo inclui o esperado para o esforço escolhido, medido pelo Artificial Analysis; ` +
      `"${m}": o número não está nos dados, nunca zero. ` +
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
      `resolvidos em ${data.catalogue_as_of}, com as mudanças de preço programadas aplicadas na data do pedido ` +
      `(${pricing.dayPt(this.view.date)}). ${numberPt(matches.length, 0, "")} combinam com a busca; ` +
      `mostrando os ${Math.min(CATALOGUE_SHOWN, matches.length)} mais baratos para o seu texto.`;
    this.catalogueBody.replaceChildren(
      ...matches.slice(0, CATALOGUE_SHOWN).map((r) => {
        const notes = [];
        if (r.applied_tier !== null) notes.push(tierText(r.applied_tier));
        if (r.other_charges.length) notes.push(`outras cobranças possíveis (${r.other_charges.join(", ")})`);
        if (r.price_note) notes.push(r.price_note);
        if (r.change_note) notes.push(r.change_note);
        if (r.deprecated) notes.push("descontinuado");
        return el(
          "tr",
          { "data-llms101-catalogue-row": true, "data-model-id": r.model_id, "data-provider-id": r.provider_id, "data-cost-usd": r.cost_usd ?? "", "data-change-note": r.change_note || null },
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
      const pieces = await pool.run("pieces", name, text, { limit: data.max_display_tokens }, "page"); // overtaken as counts are
      if (text !== this.input.value || name !== this.piecesTokenizer.value) return;
      this.pieces.replaceChildren(...pieces.map((p, i) => tokenPiece(p, i)));
      const total = this.view && this.view.counts[name] ? this.view.counts[name].count : null;
      this.piecesNote.textContent =
        total !== null && total > pieces.length
          ? `Mostrando os primeiros ${numberPt(pieces.length, 0, "")} de ${numberPt(total, 0, "")} tokens (a contagem cobre o texto inteiro). Passe o mouse sobre um pedaço para ver o id.`
          : "Cada pedaço é um token; passe o mouse sobre ele para ver o id. <0xF0> = um byte de um caractere dividido entre tokens.";
    } catch (error) {
      if (text !== this.input.value) return; // cancelled by a newer text, which shows its own pieces
      this.piecesNote.textContent = `Não foi possível mostrar os tokens: ${error.message}`;
    }
  }
}

async function start() {
  data = await loadJson("data.json");
  for (const spec of data.tokenizers) specs.set(spec.name, spec);
  const size = Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1));
  pool = new Pool(data.tokenizers.filter((t) => t.exact), size); // a worker that fails to start fails its counts
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
