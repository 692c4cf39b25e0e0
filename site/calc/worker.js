// The in-page tokenizers, in a Web Worker so that counting a long paste never stalls the page.
//
// Exact tokenizers only; estimates are arithmetic on these counts (calculator.js). Each tokenizer is built from
// the same file and split pattern as Python (calc/data.json, written by calculators/page.py):
// - "tiktoken": tiktoken's own Rust core as WebAssembly (vendor/tiktoken), ordinary text only, as Python's
//   encode_ordinary: a special-token string such as <|endoftext|> is plain text; pieces too long for that core
//   (a long word, a long run of spaces) go to bpe.js, with the same ids, as calculators.tokens does;
// - "sentencepiece": SentencePiece as WebAssembly (vendor/sentencepiece, 4 MB: imported only when a Mistral
//   tokenizer is first used).
// A tokenizer is loaded on first use, its file checked against data.json's size and sha256, and kept for the
// worker's life; a failed load (network, damaged file) is forgotten, and tried again on the next request.
//
// Messages in:  {id, op: "init", specs, base} | {id, op: "encode" | "count" | "pieces", tokenizer, text, limit}
// Messages out: {id, result} | {id, error}

import { PieceBPE, encodeText, splitPattern } from "./bpe.js";

const VENDOR = new URL("../vendor/", import.meta.url);
let specs = {};
let base = "";
const loaded = new Map(); // name -> Promise of a tokenizer object
let tiktoken = null; // Promise of the initialised wasm bindings
let failures = 0; // failed loads so far: a retry asks the network again instead of a cache (see fresh())

// A URL as on the first try, or, after a failure, one that neither the HTTP cache nor the module map (which keeps
// a failed import for the worker's life) can answer with the old failure.
function fresh(url) {
  if (failures === 0) return url;
  const out = new URL(url);
  out.searchParams.set("tentativa", String(failures));
  return out;
}

async function download(url, what) {
  let response;
  try {
    response = await fetch(fresh(url), failures ? { cache: "reload" } : {});
  } catch (error) {
    throw new Error(`não foi possível baixar ${what} (${error.message}); a página tenta de novo no próximo texto`);
  }
  if (!response.ok) {
    throw new Error(`não foi possível baixar ${what} (HTTP ${response.status}); a página tenta de novo no próximo texto`);
  }
  return response;
}

async function importModule(url, what) {
  try {
    return await import(fresh(url).href);
  } catch (error) {
    throw new Error(`não foi possível carregar ${what} (${error.message}); a página tenta de novo no próximo texto`);
  }
}

function tiktokenBindings() {
  if (tiktoken === null) {
    tiktoken = (async () => {
      const bg = await importModule(new URL("tiktoken/tiktoken_bg.js", VENDOR), "o tiktoken (tiktoken_bg.js)");
      const response = await download(new URL("tiktoken/tiktoken_bg.wasm", VENDOR), "o tiktoken (tiktoken_bg.wasm)");
      const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), { "./tiktoken_bg.js": bg });
      bg.__wbg_set_wasm(instance.exports);
      return bg;
    })();
    tiktoken.catch(() => {
      tiktoken = null; // retried on the next text
      failures += 1;
    });
  }
  return tiktoken;
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The tokenizer's file, checked against the size and sha256 that data.json carries (calculators/page.py): a
// truncated file, or a web page served in its place, would count wrong without a word.
async function fetchFile(spec) {
  const response = await download(new URL(`tokenizers/${spec.file}`, base), `o arquivo do tokenizador ${spec.file}`);
  const bytes = await response.arrayBuffer();
  const digest = hex(await crypto.subtle.digest("SHA-256", bytes));
  if (bytes.byteLength !== spec.bytes || digest !== spec.sha256) {
    const size = bytes.byteLength === spec.bytes ? "o tamanho certo, mas o conteúdo diferente" : `${bytes.byteLength} bytes em vez de ${spec.bytes}`;
    throw new Error(
      `o arquivo do tokenizador ${spec.file} chegou danificado (${size}), e contar com ele daria números errados; ` +
        "recarregue a página para baixá-lo de novo (se persistir, o site está servindo um arquivo errado)",
    );
  }
  return bytes;
}

// tiktoken's core for ordinary text, and bpe.js for pieces too long for it (same ids: see bpe.js).
function tiktokenTokenizer(bg, spec, bytes) {
  const ranks = new TextDecoder().decode(bytes);
  const encoder = new bg.Tiktoken(ranks, {}, spec.pattern);
  let split = null;
  try {
    split = splitPattern(spec.pattern);
  } catch {
    split = null; // a pattern bpe.js cannot read: tiktoken's own splitting for every text
  }
  let bpe = null;
  const pieceBpe = () => (bpe ??= new PieceBPE(ranks));
  const encode = (text) => encodeText(text, split, (part) => encoder.encode_ordinary(part), pieceBpe);
  return {
    encode: (text) => Array.from(encode(text)),
    count: (text) => encode(text).length,
    pieceBytes: (id) => encoder.decode_single_token_bytes(id),
  };
}

async function build(name) {
  const spec = specs[name];
  if (!spec || !spec.exact) throw new Error(`${name} is not an exact tokenizer`);
  if (spec.kind === "tiktoken") {
    const [bg, bytes] = await Promise.all([tiktokenBindings(), fetchFile(spec)]);
    return tiktokenTokenizer(bg, spec, bytes);
  }
  if (spec.kind === "sentencepiece") {
    const [module, bytes] = await Promise.all([
      importModule(new URL("sentencepiece/index.js", VENDOR), "o SentencePiece (sentencepiece/index.js)"),
      fetchFile(spec),
    ]);
    const processor = new module.SentencePieceProcessor();
    // _loadModel takes the model's bytes; the public loaders want a path (Node) or base64 of the same bytes.
    await processor._loadModel(new Uint8Array(bytes));
    return {
      encode: (text) => processor.encodeIds(text),
      count: (text) => processor.encodeIds(text).length,
      pieces: (text) => processor.encodePieces(text),
    };
  }
  throw new Error(`${name}: unknown kind ${spec.kind}`);
}

function tokenizer(name) {
  if (!loaded.has(name)) {
    const promise = build(name);
    promise.catch(() => {
      loaded.delete(name); // a failed load (network, damaged file, memory) is retried on the next text
      failures += 1;
    });
    loaded.set(name, promise);
  }
  return loaded.get(name);
}

// A token's bytes as text: valid UTF-8 as is, the stray bytes of a character split across tokens as <0xF0>
// markers (calculators.tokens._piece_text).
function bytesText(bytes) {
  let out = "";
  let partial = false;
  let i = 0;
  const strict = new TextDecoder("utf-8", { fatal: true });
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf5 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (len > 0 && i + len <= bytes.length) {
      try {
        out += strict.decode(bytes.subarray(i, i + len));
        i += len;
        continue;
      } catch {
        // not a whole character: fall through to a marker
      }
    }
    out += `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;
    partial = true;
    i += 1;
  }
  return [out, partial];
}

// The first `limit` tokens with ids and printable text, as calculators.tokens.token_pieces: a prefix of the
// text is enough, and the pieces next to the cut are dropped.
async function pieces(name, text, limit) {
  const tok = await tokenizer(name);
  const head = [...text.slice(0, Math.max(limit, 1) * 64 * 2)].slice(0, Math.max(limit, 1) * 64).join("");
  const cut = head.length < text.length;
  let ids = tok.encode(head);
  if (cut) ids = ids.slice(0, Math.max(0, Math.min(limit, ids.length - 8)));
  ids = ids.slice(0, limit);
  if (tok.pieceBytes) {
    return ids.map((id) => {
      const [shown, partial] = bytesText(tok.pieceBytes(id));
      return { id, text: shown, partial };
    });
  }
  const texts = tok.pieces(head).slice(0, ids.length);
  return ids.map((id, i) => {
    const piece = texts[i];
    const isByte = /^<0x[0-9A-F]{2}>$/.test(piece);
    return { id, text: isByte ? piece : piece.replaceAll("\u2581", " "), partial: isByte };
  });
}

async function handle(message) {
  const { op, tokenizer: name, text } = message;
  if (op === "init") {
    specs = Object.fromEntries(message.specs.map((s) => [s.name, s]));
    base = message.base;
    return true;
  }
  if (typeof text !== "string") throw new Error("text must be a string");
  if (op === "load") return (await tokenizer(name), true);
  if (op === "encode") return text === "" ? [] : (await tokenizer(name)).encode(text);
  if (op === "count") return text === "" ? 0 : (await tokenizer(name)).count(text);
  if (op === "pieces") return text === "" ? [] : pieces(name, text, message.limit);
  throw new Error(`unknown operation ${op}`);
}

self.onmessage = async (event) => {
  const { id } = event.data;
  try {
    self.postMessage({ id, result: await handle(event.data) });
  } catch (error) {
    self.postMessage({ id, error: String((error && error.message) || error) });
  }
};
