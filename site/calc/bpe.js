// Long pre-tokenized pieces, counted in O(n log n): the piece-level BPE that tiktoken's WebAssembly core does in
// quadratic time (npm tiktoken 1.0.22: 300,000 letters "a" never finish; 1 MB of spaces traps "unreachable").
//
// tiktoken encodes text in two steps: its split pattern cuts the text into pieces, then each piece is encoded on
// its own by byte-pair merging (a piece that is itself a token is that token; otherwise, starting from single
// bytes, the adjacent pair whose concatenation has the lowest rank is merged, the leftmost on ties, until no pair
// is a token). Both steps are deterministic, so:
// - a text can be cut wherever the split pattern cuts it, and the parts encoded separately: the patterns have no
//   look-behind, and their one look-ahead, (?!\S), cannot turn a match that ended at the cut into another one;
// - merging with a heap keyed by (rank, position) gives the same merges as tiktoken's scan for the minimum.
// worker.js finds the pieces longer than LONG_PIECE_CHARS with splitPattern() and encodes them with PieceBPE;
// everything between them goes to tiktoken's WebAssembly core as before. Tests pin the ids to Python's.

export const LONG_PIECE_CHARS = 1024; // as calculators.tokens; shorter pieces cost the core little

// Unicode White_Space, what \s means in tiktoken's Rust regex (JavaScript's \s also has U+FEFF and lacks U+0085).
const WHITE_SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

// Simple case folding of the ASCII letters, as the Rust regex's (?i:...) applies it: s and k have a third form.
function caseless(letter) {
  const extra = { s: "\u017F", k: "\u212A" }[letter.toLowerCase()] ?? "";
  return letter.toLowerCase() + letter.toUpperCase() + extra;
}

// A tiktoken split pattern (Rust regex / fancy-regex syntax) as a JavaScript RegExp with the same matches.
// Handles what the course's patterns use: \s and \S, \p{...} classes, (?i:...) groups of ASCII letters, the
// look-ahead (?!...), and possessive quantifiers (cl100k_base: ?+ ++ *+ {1,3}+), which are dropped: in these
// patterns nothing after them in their alternative can fail, so backtracking into them never changes a match.
// Anything else throws, and the caller keeps tiktoken's own splitting.
export function splitPattern(pattern) {
  let out = "";
  let inClass = false;
  let caselessDepth = null; // the group depth at which a (?i: group opened
  let depth = 0;
  let afterQuantifier = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const wasQuantifier = afterQuantifier;
    afterQuantifier = false;
    if (c === "\\") {
      const next = pattern[i + 1];
      i += 1;
      if (next === "p" || next === "P") {
        const end = pattern.indexOf("}", i);
        if (pattern[i + 1] !== "{" || end < 0) throw new Error(`unsupported escape in ${pattern}`);
        out += pattern.slice(i - 1, end + 1);
        i = end;
      } else if (next === "s") {
        out += inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`;
      } else if (next === "S") {
        if (inClass) throw new Error(`unsupported \\S in a class in ${pattern}`);
        out += `[^${WHITE_SPACE}]`;
      } else if ("rnt".includes(next)) {
        out += `\\${next}`;
      } else if (next !== undefined && !/[A-Za-z0-9]/.test(next)) {
        out += `\\${next}`;
      } else {
        throw new Error(`unsupported escape \\${next} in ${pattern}`);
      }
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += caselessDepth !== null && /[A-Za-z]/.test(c) ? caseless(c) : c;
      if (c === "]") afterQuantifier = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      if (pattern[i + 1] === "^") {
        out += "^";
        i += 1;
      }
      continue;
    }
    if (c === "(") {
      depth += 1;
      if (pattern.startsWith("(?i:", i)) {
        if (caselessDepth !== null) throw new Error(`nested (?i: in ${pattern}`);
        caselessDepth = depth;
        out += "(?:";
        i += 3;
      } else if (pattern.startsWith("(?:", i) || pattern.startsWith("(?!", i) || pattern.startsWith("(?=", i)) {
        out += pattern.slice(i, i + 3);
        i += 2;
      } else if (pattern[i + 1] === "?") {
        throw new Error(`unsupported group in ${pattern}`);
      } else {
        out += "(?:"; // no capture needed
      }
      continue;
    }
    if (c === ")") {
      if (caselessDepth === depth) caselessDepth = null;
      depth -= 1;
      out += c;
      continue;
    }
    if (c === "?" || c === "*" || c === "+") {
      if (c === "+" && wasQuantifier) continue; // possessive: dropped (see above)
      out += c;
      afterQuantifier = true;
      continue;
    }
    if (c === "{") {
      const end = pattern.indexOf("}", i);
      if (end < 0 || !/^\{\d+(,\d*)?\}$/.test(pattern.slice(i, end + 1))) throw new Error(`unsupported { in ${pattern}`);
      out += pattern.slice(i, end + 1);
      i = end;
      afterQuantifier = true;
      continue;
    }
    if (/[A-Za-z]/.test(c) && caselessDepth !== null) {
      out += `[${caseless(c)}]`;
      continue;
    }
    if (c === "$" || c === "|" || c === "." || c === "^") {
      out += c;
      continue;
    }
    out += /[A-Za-z0-9 '/]/.test(c) || c.charCodeAt(0) > 0x7f ? c : `\\${c}`;
  }
  if (inClass || depth !== 0) throw new Error(`unbalanced pattern ${pattern}`);
  return new RegExp(out, "gu");
}

// Characters that every Unicode version since 3.0 classifies alike (calculators.tokens._STABLE): a long piece is
// taken apart only when it and the two characters on each side are of these, so that the browser's Unicode
// version and tiktoken's cannot disagree about where it starts and ends. Other long pieces stay with the core.
const STABLE = /^[\x00-\x7f\x85\xa0-\u024f\u3000\u4e00-\u9fa5\uac00-\ud7a3]*$/;

// A long piece is, in the split patterns here, a run of letters or punctuation (no white space) or a run of white
// space, with a character or two around it; a text without a run of either kind of half LONG_PIECE_CHARS is left
// whole to the WebAssembly core, at once. (A long piece that escapes this test, such as o200k_base's "!" followed
// by newlines and slashes in turn, "\n/\n/…", is also left to the core: exact, only slower.)
const RUN_CHARS = Math.floor(LONG_PIECE_CHARS / 2) - 4;
const MAYBE_LONG = new RegExp(`[^${WHITE_SPACE}]{${RUN_CHARS},}|[${WHITE_SPACE}]{${RUN_CHARS},}`, "u");

// [start, end) in UTF-16 units of every piece of `text` longer than `min` characters, in order.
export function longPieces(split, text, min = LONG_PIECE_CHARS) {
  if (text.length <= min || !MAYBE_LONG.test(text)) return [];
  const out = [];
  split.lastIndex = 0;
  let match;
  while ((match = split.exec(text)) !== null) {
    const piece = match[0];
    if (piece.length === 0) {
      split.lastIndex += 1; // never happens with these patterns; kept so that a bad pattern cannot loop forever
      continue;
    }
    const start = match.index;
    const end = start + piece.length;
    if (piece.length > min && STABLE.test(text.slice(Math.max(0, start - 2), Math.min(text.length, end + 2)))) {
      out.push([start, end]);
    }
  }
  return out;
}

// A min-heap of numbers (rank * 2^27 + byte position: positions up to 128 MiB, ranks up to 2^26).
class NumberHeap {
  constructor(capacity) {
    this.items = new Float64Array(Math.max(16, capacity));
    this.size = 0;
  }

  push(value) {
    if (this.size === this.items.length) {
      const bigger = new Float64Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    const a = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= value) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = value;
  }

  pop() {
    const a = this.items;
    const top = a[0];
    const last = a[--this.size];
    let i = 0;
    const n = this.size;
    while (true) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && a[child + 1] < a[child]) child += 1;
      if (a[child] >= last) break;
      a[i] = a[child];
      i = child;
    }
    a[i] = last;
    return top;
  }
}

const POSITION = 2 ** 27;
const encoder = new TextEncoder();

// One byte a character (a "binary string"): the keys of the rank table.
function binary(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return out;
}

// The ranks of a tiktoken file ("base64 rank" a line), and byte-pair encoding of one piece with them.
export class PieceBPE {
  constructor(ranksText) {
    this.ranks = new Map();
    for (const line of ranksText.split("\n")) {
      if (!line) continue;
      const space = line.indexOf(" ");
      this.ranks.set(atob(line.slice(0, space)), Number(line.slice(space + 1)));
    }
  }

  // The token ids of one piece, as tiktoken's byte_pair_encode.
  encode(piece) {
    const bytes = binary(encoder.encode(piece));
    const whole = this.ranks.get(bytes);
    if (whole !== undefined) return [whole];
    const n = bytes.length;
    const ranks = this.ranks;
    // parts as a linked list over their starting byte: next[i] = start of the part after the one at i (n: none)
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    const pairRank = new Float64Array(n).fill(Infinity);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    const heap = new NumberHeap(n);
    const rankAt = (i) => {
      const j = next[i];
      if (j >= n) return Infinity;
      const end = j + 1 < n ? next[j] : n;
      const r = ranks.get(bytes.slice(i, end));
      return r === undefined ? Infinity : r;
    };
    for (let i = 0; i + 1 < n; i++) {
      const r = rankAt(i);
      pairRank[i] = r;
      if (r !== Infinity) heap.push(r * POSITION + i);
    }
    while (heap.size > 0) {
      const key = heap.pop();
      const i = key % POSITION;
      const r = (key - i) / POSITION;
      if (!alive[i] || pairRank[i] !== r) continue; // stale: the pair changed since it was pushed
      const j = next[i];
      alive[j] = 0;
      next[i] = next[j];
      if (next[j] < n) prev[next[j]] = i;
      pairRank[i] = rankAt(i);
      if (pairRank[i] !== Infinity) heap.push(pairRank[i] * POSITION + i);
      const p = prev[i];
      if (p >= 0) {
        pairRank[p] = rankAt(p);
        if (pairRank[p] !== Infinity) heap.push(pairRank[p] * POSITION + p);
      }
    }
    const ids = [];
    for (let i = 0; i < n; i = next[i]) {
      const id = ranks.get(bytes.slice(i, next[i]));
      if (id === undefined) throw new Error("a byte is missing from the tokenizer's ranks");
      ids.push(id);
    }
    return ids;
  }
}

// The ids of `text` (an array, or what `ordinary` returns when the text has no long piece): `ordinary(part)`
// (tiktoken's core) between the long pieces, `bpe().encode(piece)` for each long piece (`bpe` builds the rank
// table on first use: only texts with a long piece pay for it).
export function encodeText(text, split, ordinary, bpe) {
  const spans = split === null ? [] : longPieces(split, text);
  if (spans.length === 0) return ordinary(text);
  const ids = [];
  const add = (part) => {
    for (let i = 0; i < part.length; i++) ids.push(part[i]);
  };
  let at = 0;
  for (const [start, end] of spans) {
    if (start > at) add(ordinary(text.slice(at, start)));
    add(bpe().encode(text.slice(start, end)));
    at = end;
  }
  if (at < text.length) add(ordinary(text.slice(at)));
  return ids;
}
