// The course's formulas, in the page. Each mirrors one Python function, in the same floating-point order, so the
// page gives the same numbers; tests/site/test_calculator.py pins every one of them to Python in Chromium.
// A missing figure is null and stays null: never 0.

// calculators.pricing.condition_applies: a price's condition ("", "batch", "utc HH:MM-HH:MM") for a request.
export function conditionApplies(condition, { atUtc = null, batch = false } = {}) {
  if (condition === "") return true;
  if (condition === "batch") return batch;
  if (atUtc === null) return false;
  const start = condition.slice(4, 9);
  const end = condition.slice(10, 15);
  return start < end ? start <= atUtc && atUtc < end : atUtc >= start || atUtc < end;
}

// calculators.pricing.request_condition. Variants are [condition, metric, above_input_tokens, usd_per_mtok].
export function requestCondition(variants, { atUtc = null, batch = false } = {}) {
  if (batch) return "batch";
  for (const condition of [...new Set(variants.map((v) => v[0]))].sort()) {
    if (condition.startsWith("utc") && conditionApplies(condition, { atUtc })) return condition;
  }
  return "";
}

// calculators.pricing.applied_price: [price per 1M tokens, tier applied (0 = base)]; null where unknown.
export function appliedPrice(base, variants, metric, inputTokens, condition = "") {
  const own = variants.filter((v) => v[1] === metric && v[0] === condition).sort((a, b) => a[2] - b[2]);
  let price = base;
  if (condition) {
    const conditionBase = own.find((v) => v[2] === 0);
    price = conditionBase ? conditionBase[3] : null;
  }
  if (price === null) return [null, 0];
  let tier = 0;
  for (const v of own) {
    if (v[2] && inputTokens > v[2]) [price, tier] = [v[3], v[2]];
  }
  return [price, tier];
}

// calculators.pricing.prices_on: a row's prices on the day `date` (YYYY-MM-DD) from its price_schedule, entries
// [starts_on, condition, metric, above_input_tokens, usd_per_mtok]: [base {metric: price}, variants]. For each
// (metric, condition) the entries of the latest starts_on not after the day apply ("" is the earliest).
export function pricesOn(schedule, date) {
  const chosen = new Map();
  const key = (p) => `${p[2]}\u0000${p[1]}`;
  for (const p of schedule) {
    if (p[0] <= date && p[0] >= (chosen.get(key(p)) ?? "")) chosen.set(key(p), p[0]);
  }
  const base = {};
  const variants = [];
  for (const p of schedule) {
    if (!chosen.has(key(p)) || chosen.get(key(p)) !== p[0]) continue;
    if (p[1] === "" && p[3] === 0) base[p[2]] = p[4];
    else variants.push([p[1], p[2], p[3], p[4]]);
  }
  return [base, variants];
}

// A snapshot row with the prices in effect on `date` (the row itself without a schedule or a date).
export function rowOn(row, date) {
  if (!date || !row.price_schedule || row.price_schedule.length === 0) return row;
  const [base, variants] = pricesOn(row.price_schedule, date);
  return {
    ...row,
    input_usd_per_mtok: base.input_usd_per_mtok ?? null,
    output_usd_per_mtok: base.output_usd_per_mtok ?? null,
    cached_input_usd_per_mtok: base.cached_input_usd_per_mtok ?? null,
    price_variants: variants,
  };
}

const DAY_MS = 86_400_000;
function dayNumber(date) {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}
function isoDay(number) {
  return new Date(number * DAY_MS).toISOString().slice(0, 10);
}
// "31/12/2026" from "2026-12-31" (calculators.pricing._day_pt).
export function dayPt(date) {
  const [y, m, d] = date.split("-");
  return `${d}/${m}/${y}`;
}

// calculators.pricing.price_change_note: each change of the ordinary price at most `days` days from `date`.
export function priceChangeNote(schedule, date, days = 60) {
  const day = dayNumber(date);
  const notes = [];
  const starts = [...new Set(schedule.filter((p) => p[0] && p[1] === "").map((p) => p[0]))].sort();
  for (const start of starts) {
    const change = dayNumber(start);
    if (Math.abs(change - day) > days) continue;
    if (change <= day) {
      notes.push(`preço mudou em ${dayPt(start)}`);
      continue;
    }
    const before = pricesOn(schedule, isoDay(change - 1))[0];
    const after = pricesOn(schedule, start)[0];
    const pairs = ["input_usd_per_mtok", "output_usd_per_mtok"]
      .map((m) => [before[m], after[m]])
      .filter(([a, b]) => a !== undefined && b !== undefined);
    if (pairs.length && pairs.every(([a, b]) => b >= a) && pairs.some(([a, b]) => b > a)) {
      notes.push(`preço promocional até ${dayPt(isoDay(change - 1))}`);
    } else {
      notes.push(`preço muda em ${dayPt(start)}`);
    }
  }
  return notes.join("; ");
}

// calculators.pricing.price_age_note: how old a snapshot's prices are on `date`; past `staleDays`, a warning.
export function priceAgeNote(asOf, date, { staleDays = 90, refreshCommand = "" } = {}) {
  const month = asOf.length !== 10;
  const start = month ? `${asOf}-01` : asOf;
  const shown = month ? `${asOf.slice(5, 7)}/${asOf.slice(0, 4)}` : dayPt(asOf);
  const days = dayNumber(date) - dayNumber(start);
  if (days === 0) return `preços de ${shown}, do próprio dia`;
  if (days < 0) return `preços de ${shown}, ${-days} dia${days < -1 ? "s" : ""} depois da data do pedido`;
  let note = `preços de ${shown}, há ${days} dia${days > 1 ? "s" : ""}`;
  if (days > staleDays) {
    note +=
      `. Atenção: têm mais de ${staleDays} dias e podem estar desatualizados: escolha o snapshot mais ` +
      `recente, confira a página de preços do provedor ou atualize os dados com ${refreshCommand} (README do ` +
      "repositório)";
  }
  return note;
}

// calculators.catalogue.catalogue_row_on: a catalogue row with the prices of its price_schedule in effect on `date`.
export function catalogueRowOn(row, date) {
  if (!date) return row;
  let chosen = null;
  for (const entry of row.price_schedule || []) if (entry.starts_on <= date) chosen = entry;
  if (chosen === null) return row;
  const { starts_on: _start, ...prices } = chosen;
  const blank = { cached_input_usd_per_mtok: null, input_tiers: [], output_tiers: [], cached_input_tiers: [] };
  return { ...row, ...blank, request_usd: 0.0, ...prices };
}

// calculators.catalogue.catalogue_change_note.
export function catalogueChangeNote(row, date, days = 60) {
  if (!date) return "";
  const schedule = [];
  for (const entry of row.price_schedule || []) {
    for (const metric of ["input_usd_per_mtok", "output_usd_per_mtok"]) {
      if (entry[metric] !== null && entry[metric] !== undefined) schedule.push([entry.starts_on, "", metric, 0, entry[metric]]);
    }
  }
  return schedule.length ? priceChangeNote(schedule, date, days) : "";
}

// The prices one request pays on a row: the tier its input tokens fall in, under its condition.
export function rowPrices(row, inputTokens, options = {}) {
  const condition = requestCondition(row.price_variants, options);
  const [input, inputTier] = appliedPrice(row.input_usd_per_mtok, row.price_variants, "input_usd_per_mtok", inputTokens, condition);
  const [output, outputTier] = appliedPrice(row.output_usd_per_mtok, row.price_variants, "output_usd_per_mtok", inputTokens, condition);
  return { input, output, condition, tier: Math.max(inputTier, outputTier) };
}

// calculators.reasoning.reasoning_tokens: the thinking a request of `answerTokens` is expected to write (answer
// tokens times the row's measured ratio; 0 at effort "none"); null where nothing was measured.
export function reasoningTokens(row, answerTokens, noThinking = "none") {
  if (row.effort === noThinking) return 0.0;
  const ratio = row.reasoning_tokens_per_answer_token;
  return ratio === null || ratio === undefined ? null : answerTokens * ratio;
}

// calculators.reasoning.effort_rows, on rows that already hold every effort (data.json): all of them (effort
// null), or per (model, provider) the row of that effort — a model measured at one effort only keeps its row, and
// an effort the data has no figure for gets a row of its own with those figures missing, never another effort's.
export function effortRows(rows, effort = null) {
  if (effort === null) return rows;
  const out = [];
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j < rows.length && rows[j].model === rows[i].model && rows[j].provider === rows[i].provider) j++;
    const group = rows.slice(i, j);
    if (group.length === 1 && group[0].effort === null) out.push(group[0]);
    else {
      const found = group.find((r) => r.effort === effort);
      out.push(
        found ?? {
          ...group[0],
          effort,
          ttft_s: null,
          speed_tokens_per_s: null,
          speed_basis: "missing",
          ttft_basis: "missing",
          reasoning_tokens_per_answer_token: null,
          intelligence_index: null,
        },
      );
    }
    i = j;
  }
  return out;
}

// calculators.pricing.cost_table's cost_usd (no cached input): (input * price_in + (answer + reasoning) *
// price_out) / 1M, at the prices the request pays (rowPrices); unmeasured thinking (null) is left out, and says so.
export function requestCostUsd(prices, { inputTokens, outputTokens, mtok, reasoning = 0.0 }) {
  if (inputTokens === null || prices.input === null || prices.output === null) return null;
  return (inputTokens * prices.input + 0.0 + (outputTokens + (reasoning ?? 0.0)) * prices.output) / mtok;
}

// calculators.pricing.monthly_cost_usd: one request's cost * requests per day * days.
export function monthlyCostUsd(costUsd, { requestsPerDay, daysPerMonth }) {
  return costUsd === null ? null : costUsd * requestsPerDay * daysPerMonth;
}

// calculators.fx.usd_to_brl: no rate (or no amount) gives no result.
export function usdToBrl(usd, brlPerUsd) {
  return usd === null || brlPerUsd === null ? null : usd * brlPerUsd;
}

// calculators.latency.latency_table's e2e_s: time to the first answer token + answer tokens / tokens per second.
export function e2eS(row, outputTokens) {
  if (row.ttft_s === null || row.speed_tokens_per_s === null) return null;
  return row.ttft_s + outputTokens / row.speed_tokens_per_s;
}

// calculators.catalogue.tier_price: the base price, or that of the highest tier whose start the request's input
// tokens exceed (genai-prices' rule: crossing a threshold prices all tokens of that kind at the tier's price).
export function tierPrice(base, tiers, inputTokens) {
  for (let i = tiers.length - 1; i >= 0; i--) {
    if (inputTokens > tiers[i][0]) return tiers[i][1];
  }
  return base;
}

// calculators.catalogue.catalogue_cost_usd.
export function catalogueCostUsd(row, { inputTokens, outputTokens }) {
  if (inputTokens === null || row.input_usd_per_mtok === null || row.output_usd_per_mtok === null) return null;
  const input = tierPrice(row.input_usd_per_mtok, row.input_tiers, inputTokens);
  const output = tierPrice(row.output_usd_per_mtok, row.output_tiers, inputTokens);
  return (inputTokens * input + outputTokens * output) / 1_000_000 + row.request_usd;
}

// The cost rows of one snapshot, as `python -m calculators cost --file F --output-tokens N --json` gives them
// (each at the tier its input tokens fall in, under the condition chosen), plus the month, the reais and the
// response time. `counts` maps a tokenizer name to {count, exact} (count null when the page could not count it).
// `date` (YYYY-MM-DD) is the day of the request (`--on`): a scheduled row pays the price of that day and says when
// its price changes (price_note); null prices on the snapshot's own date, as cost_table(on=None). `effort` picks
// the requests' reasoning effort (effortRows); the cost bills the expected reasoning tokens as output.
export function costRows(snapshot, counts, { outputTokens, requestsPerDay, brlPerUsd, mtok, daysPerMonth, atUtc = null, batch = false, date = null, noteDays = 60, effort = null, noThinking = "none" }) {
  const rows = [];
  const day = date ?? (snapshot.as_of.length === 10 ? snapshot.as_of : null);
  for (const scheduled of effortRows(snapshot.rows, effort)) {
    const row = day === null ? scheduled : rowOn(scheduled, day);
    const schedule = scheduled.price_schedule || [];
    const counted = counts[row.tokenizer] || { count: null, exact: false };
    const inputTokens = counted.count;
    const prices = rowPrices(row, inputTokens ?? 0, { atUtc, batch });
    const reasoning = reasoningTokens(row, outputTokens, noThinking);
    const costUsd = requestCostUsd(prices, { inputTokens, outputTokens, mtok, reasoning });
    const monthly = monthlyCostUsd(costUsd, { requestsPerDay, daysPerMonth });
    rows.push({
      model: row.model,
      provider: row.provider,
      effort: row.effort,
      creator: row.creator,
      tokenizer: row.tokenizer,
      input_tokens: inputTokens,
      input_tokens_exact: counted.exact && row.tokenizer_exact,
      output_tokens: outputTokens,
      reasoning_tokens: reasoning,
      cost_usd: costUsd,
      cost_includes_reasoning: reasoning !== null,
      intelligence_index: row.intelligence_index,
      price_estimate: row.price_estimate,
      monthly_cost_usd: monthly,
      cost_brl: usdToBrl(costUsd, brlPerUsd),
      monthly_cost_brl: usdToBrl(monthly, brlPerUsd),
      e2e_s: e2eS(row, outputTokens),
      speed_basis: row.speed_basis,
      tier_above_input_tokens: inputTokens === null ? 0 : prices.tier,
      price_condition: prices.condition,
      price_note: day !== null && schedule.length ? priceChangeNote(schedule, day, noteDays) : "",
    });
  }
  return rows;
}

// The catalogue's rows for a text: every (model, provider) with its tokenizer's count and its cost.
export function catalogueRows(catalogue, counts, { outputTokens, requestsPerDay, brlPerUsd, daysPerMonth, date = null, noteDays = 60 }) {
  return catalogue.rows.map((scheduled) => {
    const row = catalogueRowOn(scheduled, date);
    const counted = counts[row.tokenizer] || { count: null, exact: false };
    const costUsd = catalogueCostUsd(row, { inputTokens: counted.count, outputTokens });
    const monthly = monthlyCostUsd(costUsd, { requestsPerDay, daysPerMonth });
    const tier = counted.count === null ? null : tierPrice(null, row.input_tiers.map((t) => [t[0], t[0]]), counted.count);
    return {
      model: row.model,
      model_id: row.model_id,
      provider: row.provider,
      provider_id: row.provider_id,
      tokenizer: row.tokenizer,
      input_tokens: counted.count,
      input_tokens_exact: counted.exact && row.tokenizer_exact,
      output_tokens: outputTokens,
      cost_usd: costUsd,
      applied_tier: tier,
      monthly_cost_usd: monthly,
      cost_brl: usdToBrl(costUsd, brlPerUsd),
      monthly_cost_brl: usdToBrl(monthly, brlPerUsd),
      other_charges: row.other_charges,
      price_note: row.price_note,
      change_note: catalogueChangeNote(scheduled, date, noteDays),
      deprecated: row.deprecated,
    };
  });
}
