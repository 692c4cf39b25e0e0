// The in-page tokenizers, in a Web Worker so that counting a long paste never stalls the page.
//
// Exact tokenizers only; estimates are arithmetic on these counts (calculator.js). Each tokenizer is built from
// the same file and split pattern as Python (calc/data.json, written by calculators/page.py):
// - "tiktoken": tiktoken's own Rust core as WebAssembly (vendor/tiktoken), ordinary text only, as Python's
//   encode_ordinary: a special-token string such as <|endoftext|> is plain text;
// - "sentencepiece": SentencePiece as WebAssembly (vendor/sentencepiece, 4 MB: imported only when a Mistral
//   tokenizer is first used).
// A tokenizer is loaded on first use and kept for the page's life.
//
// Messages in:  {id, op: "init", specs, base} | {id, op: "encode" | "count" | "pieces", tokenizer, text, limit}
// Messages out: {id, result} | {id, error}

const VENDOR = new URL("../vendor/", import.meta.url);
let specs = {};
let base = "";
const loaded = new Map(); // name -> Promise of a tokenizer object
let tiktoken = null; // Promise of the initialised wasm bindings

function tiktokenBindings() {
  if (tiktoken === null) {
    tiktoken = (async () => {
      const bg = await import(new URL("tiktoken/tiktoken_bg.js", VENDOR).href);
      const response = await fetch(new URL("tiktoken/tiktoken_bg.wasm", VENDOR));
      if (!response.ok) throw new Error(`tiktoken_bg.wasm: HTTP ${response.status}`);
      const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), { "./tiktoken_bg.js": bg });
      bg.__wbg_set_wasm(instance.exports);
      return bg;
    })();
  }
  return tiktoken;
}

async function fetchFile(spec) {
  const response = await fetch(new URL(`tokenizers/${spec.file}`, base));
  if (!response.ok) throw new Error(`${spec.file}: HTTP ${response.status}`);
  return response;
}

async function build(name) {
  const spec = specs[name];
  if (!spec || !spec.exact) throw new Error(`${name} is not an exact tokenizer`);
  if (spec.kind === "tiktoken") {
    const [bg, ranks] = await Promise.all([tiktokenBindings(), fetchFile(spec).then((r) => r.text())]);
    const encoder = new bg.Tiktoken(ranks, {}, spec.pattern);
    return {
      encode: (text) => Array.from(encoder.encode_ordinary(text)),
      count: (text) => encoder.encode_ordinary(text).length,
      pieceBytes: (id) => encoder.decode_single_token_bytes(id),
    };
  }
  if (spec.kind === "sentencepiece") {
    const [module, bytes] = await Promise.all([
      import(new URL("sentencepiece/index.js", VENDOR).href),
      fetchFile(spec).then((r) => r.arrayBuffer()),
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
    promise.catch(() => loaded.delete(name)); // a failed load (network, memory) can be retried
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
