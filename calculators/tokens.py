"""Offline tokenizers: exact where the tokenizer is public, a labelled estimate where it is not.

Everything a reader pastes is text: special-token strings such as ``<|endoftext|>`` are counted as
ordinary characters, never as control tokens, and never raise.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import itertools
import math
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import regex
import tiktoken

from .paths import DATA_DIR

TOKENIZER_DIR = DATA_DIR / "tokenizers"

# sha256 of the BPE files, as tiktoken itself expects them (tiktoken_ext/openai_public.py).
_OPENAI_FILES = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}

# SentencePiece models shipped inside PyPI's mistral-common (mistral_common/data/).
_MISTRAL_FILES = {
    "mistral_v1": "tokenizer.model.v1",
    "mistral_v2": "mistral_instruct_tokenizer_240216.model.v2",
    "mistral_v3": "mistral_instruct_tokenizer_240323.model.v3",
}


@dataclass(frozen=True)
class TokenizerInfo:
    """What a tokenizer is, and whether its counts are exact."""

    name: str
    exact: bool
    description: str
    method: str

    @property
    def label(self) -> str:
        """The tokenizer's name for readers (pages, chapters); ``name`` stays the id of the CLI and the JSON API.

        Example: tokenizer_info("claude_estimate").label -> 'Claude (estimativa)'
        """
        return TOKENIZER_LABELS.get(self.name, self.name)


TOKENIZERS: dict[str, TokenizerInfo] = {
    info.name: info
    for info in [
        TokenizerInfo(
            "o200k_base",
            True,
            "OpenAI o200k_base (GPT-4o and later)",
            "tiktoken with the BPE file shipped in data/tokenizers, checked against tiktoken's sha256",
        ),
        TokenizerInfo(
            "cl100k_base",
            True,
            "OpenAI cl100k_base (GPT-4, GPT-4 Turbo, GPT-3.5 Turbo)",
            "tiktoken with the BPE file shipped in data/tokenizers, checked against tiktoken's sha256",
        ),
        TokenizerInfo(
            "llama3",
            True,
            "Meta Llama 3 / 3.1 / 3.3 (128K-vocabulary BPE)",
            "tiktoken with llama_models/llama3/tokenizer.model and its split pattern (PyPI llama-models)",
        ),
        TokenizerInfo(
            "llama4",
            True,
            "Meta Llama 4 (Scout, Maverick; 200K-vocabulary BPE)",
            "tiktoken with llama_models/llama4/tokenizer.model and its o200k-style split pattern (PyPI llama-models)",
        ),
        TokenizerInfo(
            "mistral_v1",
            True,
            "Mistral v1 SentencePiece (Mistral 7B, Mixtral 8x7B)",
            "sentencepiece with mistral_common/data/tokenizer.model.v1 (PyPI mistral-common)",
        ),
        TokenizerInfo(
            "mistral_v2",
            True,
            "Mistral v2 SentencePiece (Mistral Large 2402)",
            "sentencepiece with mistral_common/data/mistral_instruct_tokenizer_240216.model.v2",
        ),
        TokenizerInfo(
            "mistral_v3",
            True,
            "Mistral v3 SentencePiece (Mixtral 8x22B)",
            "sentencepiece with mistral_common/data/mistral_instruct_tokenizer_240323.model.v3",
        ),
        TokenizerInfo(
            "claude_estimate",
            False,
            "Claude (Anthropic): estimate, no public tokenizer",
            "estimate: the cl100k_base count, used as a proxy; Anthropic has not published Claude 3's tokenizer",
        ),
        TokenizerInfo(
            "gemini_estimate",
            False,
            "Gemini (Google): estimate, no public tokenizer",
            "estimate: ceil(characters / 4), Google's documented rule of thumb (one token is about 4 characters)",
        ),
        TokenizerInfo(
            "o200k_estimate",
            False,
            "Estimate for a model whose tokenizer is not available offline (o200k_base count as a proxy)",
            "estimate: the o200k_base count, used as a proxy; the model's own tokenizer is not published or not "
            "shipped offline",
        ),
    ]
}


# What readers see for each tokenizer id.
TOKENIZER_LABELS: dict[str, str] = {
    "o200k_base": "GPT-4o (o200k_base)",
    "cl100k_base": "GPT-4 (cl100k_base)",
    "llama3": "Llama 3",
    "llama4": "Llama 4",
    "mistral_v1": "Mistral v1",
    "mistral_v2": "Mistral v2",
    "mistral_v3": "Mistral v3",
    "claude_estimate": "Claude (estimativa)",
    "gemini_estimate": "Gemini (estimativa)",
    "o200k_estimate": "Estimativa (contagem do GPT-4o)",
}


def tokenizer_label(name: str) -> str:
    """The readers' name of a tokenizer id (the id itself when it has none).

    Example: tokenizer_label("mistral_v1") -> 'Mistral v1'
    """
    return TOKENIZER_LABELS.get(name, name)


@dataclass(frozen=True)
class EstimateRule:
    """How an estimate is counted: another tokenizer's count (``proxy``), or ceil(characters / ``chars_per_token``).

    Characters are Unicode code points (Python's ``len``). The in-page calculator reads these rules from the data
    the build writes (``calculators.page``), so the page estimates exactly as Python does.
    """

    proxy: str | None = None
    chars_per_token: int | None = None


ESTIMATE_RULES: dict[str, EstimateRule] = {
    "claude_estimate": EstimateRule(proxy="cl100k_base"),
    "gemini_estimate": EstimateRule(chars_per_token=4),
    "o200k_estimate": EstimateRule(proxy="o200k_base"),
}

# What the explorer shows at most; counting always covers the whole text.
MAX_DISPLAY_TOKENS = 2_000


class TokenizerFileError(RuntimeError):
    """A shipped tokenizer file is missing or does not match its expected hash."""


def list_tokenizers() -> list[TokenizerInfo]:
    """All tokenizers, exact ones first.

    Example: [t.name for t in list_tokenizers()][:2] -> ['o200k_base', 'cl100k_base']
    """
    return list(TOKENIZERS.values())


def tokenizer_info(name: str) -> TokenizerInfo:
    try:
        return TOKENIZERS[name]
    except KeyError:
        known = ", ".join(TOKENIZERS)
        raise ValueError(f"unknown tokenizer {name!r}; known tokenizers: {known}") from None


def _read_bpe(path: Path, sha256: str | None = None) -> dict[bytes, int]:
    try:
        contents = path.read_bytes()
    except OSError as e:
        raise TokenizerFileError(f"tokenizer file {path} cannot be read: {e}") from None
    actual = hashlib.sha256(contents).hexdigest()
    if sha256 is not None and actual != sha256:
        raise TokenizerFileError(f"tokenizer file {path} has sha256 {actual}, expected {sha256}")
    return {base64.b64decode(tok): int(rank) for tok, rank in (line.split() for line in contents.splitlines() if line)}


def _openai_params(name: str) -> dict:
    """Pattern and special tokens exactly as tiktoken defines them, with the ranks read from our file."""
    import tiktoken_ext.openai_public as openai_public

    expected: dict[str, str] = {}

    def load_shipped(blobpath: str, expected_hash: str | None = None) -> dict[bytes, int]:
        expected["hash"] = expected_hash or ""
        return _read_bpe(TOKENIZER_DIR / f"{name}.tiktoken", expected_hash or _OPENAI_FILES[name])

    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = load_shipped
    try:
        params = getattr(openai_public, name)()
    finally:
        openai_public.load_tiktoken_bpe = original
    if expected["hash"] != _OPENAI_FILES[name]:
        raise TokenizerFileError(f"tiktoken now expects {expected['hash']} for {name}; update data/tokenizers")
    return params


def _llama_encoding(name: str) -> tiktoken.Encoding:
    path, pattern = tokenizer_source(name)
    return tiktoken.Encoding(name=name, pat_str=pattern, mergeable_ranks=_read_bpe(path), special_tokens={})


def tokenizer_source(name: str) -> tuple[Path, str | None]:
    """The file an exact tokenizer is built from and its split pattern (None for SentencePiece).

    What the in-page calculator loads: the same files and patterns as Python, so its ids are the same.

    Example: tokenizer_source("o200k_base") -> (data/tokenizers/o200k_base.tiktoken, "[^\\r\\n\\p{L}...")
    """
    if name in _OPENAI_FILES:
        return TOKENIZER_DIR / f"{name}.tiktoken", _openai_params(name)["pat_str"]
    if name in ("llama3", "llama4"):
        from llama_models.llama3.tokenizer import Tokenizer as Llama3Tokenizer
        from llama_models.llama4.tokenizer import Tokenizer as Llama4Tokenizer

        pattern = Llama3Tokenizer.pat_str if name == "llama3" else Llama4Tokenizer.O200K_PATTERN
        return Path(str(resources.files("llama_models") / name / "tokenizer.model")), pattern
    if name in _MISTRAL_FILES:
        return mistral_model_path(name), None
    raise ValueError(f"{name!r} has no exact tokenizer")


def mistral_model_path(name: str) -> Path:
    return Path(str(resources.files("mistral_common") / "data" / _MISTRAL_FILES[name]))


_lock = threading.Lock()


@cache
def _backend(name: str):
    """The loaded tokenizer object for an exact tokenizer (tiktoken.Encoding or SentencePieceProcessor)."""
    with _lock:
        if name in _OPENAI_FILES:
            return tiktoken.Encoding(**_openai_params(name))
        if name in ("llama3", "llama4"):
            return _llama_encoding(name)
        if name in _MISTRAL_FILES:
            import sentencepiece

            return sentencepiece.SentencePieceProcessor(model_file=str(mistral_model_path(name)))
    raise ValueError(f"{name!r} has no exact tokenizer")


def vocabulary_size(tokenizer: str) -> int:
    """How many distinct tokens an exact tokenizer has (special tokens included).

    Example: vocabulary_size("cl100k_base") -> 100277;  vocabulary_size("llama3") -> 128000
    """
    backend = _backend(tokenizer)
    return backend.n_vocab if isinstance(backend, tiktoken.Encoding) else backend.get_piece_size()


def encode(text: str, tokenizer: str) -> list[int]:
    """Token ids of ``text``; special-token strings are ordinary text.

    Example: encode("Olá, mundo!", "o200k_base") -> [89191, 11, 10225, 0]
    """
    info = tokenizer_info(tokenizer)
    if not info.exact:
        raise ValueError(f"{tokenizer} is an estimate: there is no public tokenizer to produce ids")
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not text:
        return []
    backend = _backend(tokenizer)
    if isinstance(backend, tiktoken.Encoding):
        return _encode_ordinary(backend, text)
    return backend.encode(text)


# Long pre-tokenized pieces (a base64 blob, a minified line, a DNA sequence, a long run of spaces). tiktoken's
# split pattern cuts a text into pieces and byte-pair encodes each piece on its own; its regex engine gives up on
# a very long run of white space (1 MB of spaces: "StackOverflow", a panic), and the page's WebAssembly core is
# quadratic in a piece's length. So a piece longer than LONG_PIECE_CHARS is found with the same pattern (the
# `regex` package, tiktoken's own dependency, reads tiktoken's patterns as the Rust engine does), encoded alone
# (tiktoken's encode_single_piece: the same byte-pair merges), and the text around it encoded as usual. The pieces
# of a text do not depend on where it is cut, if the cut is between two of them: the patterns have no
# look-behind, and their one look-ahead, (?!\S), cannot change a match that ended at the cut. The page does the
# same (site/calc/bpe.js); tests pin both to plain encode_ordinary wherever that one finishes.
LONG_PIECE_CHARS = 1024  # the article has runs of white space of up to 351 characters: left to tiktoken
# Unicode White_Space: what \s means in tiktoken's patterns.
_WHITE_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A long piece is, in the patterns here, a run of white space or of other characters, with a character or two
# around it: a text without such a run of half LONG_PIECE_CHARS is left whole to encode_ordinary, at once. (A long
# piece that escapes this test, such as o200k_base's "!" followed by newlines and slashes in turn, is also left to
# encode_ordinary: exact, only slower.)
_RUN = f"{{{LONG_PIECE_CHARS // 2 - 4},}}"
# Characters that every Unicode version since 3.0 classifies alike (ASCII, Latin-1 and Latin Extended-A/B, the
# ideographic space, the CJK ideographs of Unicode 1.1, Hangul syllables). Engines built on different Unicode
# versions (tiktoken's Rust regex, the `regex` package, the browser's) may split a newer character differently;
# so a long piece is taken apart only when it and the two characters on each side are of these. Any other long
# piece is left to encode_ordinary (exact; slow, or failing, only on very long runs of newer characters).
_STABLE = re.compile("[\x00-\x7f\x85\xa0-\u024f\u3000\u4e00-\u9fa5\uac00-\ud7a3]*")
_MAYBE_LONG = re.compile(f"[^{_WHITE_SPACE}]{_RUN}|[{_WHITE_SPACE}]{_RUN}")


def long_pieces(text: str, pattern: str, min_chars: int = LONG_PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of every piece of ``text`` longer than ``min_chars`` under the split ``pattern``, in order.

    Example: long_pieces("ab " + "x" * 3000, O200K_PATTERN) -> [(2, 3003)]
    """
    if len(text) <= min_chars or (min_chars >= LONG_PIECE_CHARS and not _MAYBE_LONG.search(text)):
        return []
    spans = []
    for m in regex.finditer(pattern, text):
        start, end = m.span()
        if end - start > min_chars and _STABLE.fullmatch(text, max(0, start - 2), min(len(text), end + 2)):
            spans.append((start, end))
    return spans


def _encode_ordinary(backend: tiktoken.Encoding, text: str, min_chars: int = LONG_PIECE_CHARS) -> list[int]:
    """``backend.encode_ordinary(text)``, with every piece longer than ``min_chars`` encoded on its own."""
    spans = long_pieces(text, backend._pat_str, min_chars)
    if not spans:
        return backend.encode_ordinary(text)
    ids: list[int] = []
    at = 0
    for start, end in spans:
        if start > at:
            ids += backend.encode_ordinary(text[at:start])
        ids += backend._encode_single_piece(text[start:end])
        at = end
    if at < len(text):
        ids += backend.encode_ordinary(text[at:])
    return ids


# Big pastes are counted in chunks on all cores. The cuts are placed where the tokenizer itself always cuts, so
# the sum of the chunks' counts is the count of the whole text (tests check this on tricky and large input):
# - tiktoken's split patterns never let a piece run from a newline into a following non-space character;
# - SentencePiece (Mistral) never merges across a space before a word, and its dummy prefix "▁" stands in for
#   the single space dropped at each cut.
CHUNK_CHARS = 16_384
PARALLEL_FROM_CHARS = 256 * 1024
_THREADS = max(1, min(4, os.cpu_count() or 1))


def _cuts(text: str, at_cut) -> list[int]:
    cuts, i, n = [0], CHUNK_CHARS, len(text)
    while i < n:
        while i < n and not at_cut(text, i):
            i += 1
        if i < n:
            cuts.append(i)
        i += CHUNK_CHARS
    cuts.append(n)
    return cuts


def _after_newline(text: str, i: int) -> bool:
    return text[i - 1] == "\n" and not text[i].isspace()


def _after_single_space(text: str, i: int) -> bool:
    return text[i - 1] == " " and not text[i].isspace() and not text[i - 2].isspace()


def _count_large(text: str, backend) -> int:
    if isinstance(backend, tiktoken.Encoding):
        cuts = _cuts(text, _after_newline)
        chunks = [text[a:b] for a, b in itertools.pairwise(cuts)]
        return sum(map(len, backend.encode_ordinary_batch(chunks, num_threads=_THREADS)))
    cuts = _cuts(text, _after_single_space)
    chunks = [text[a : b - 1] if b < len(text) else text[a:b] for a, b in itertools.pairwise(cuts)]
    return sum(map(len, backend.encode(chunks, num_threads=_THREADS)))


# Counts are cached per (tokenizer, text digest): the book and the widgets count the same text many times.
_COUNT_CACHE: OrderedDict[tuple[str, bytes], int] = OrderedDict()
_COUNT_CACHE_SIZE = 256


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def count_tokens(text: str, tokenizer: str) -> int:
    """Number of tokens in ``text`` for ``tokenizer`` (an estimate where ``tokenizer_info(...).exact`` is False).

    Example: count_tokens("", "cl100k_base") -> 0;  count_tokens("<|endoftext|>", "cl100k_base") -> 7
    """
    info = tokenizer_info(tokenizer)
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not text:
        return 0
    rule = ESTIMATE_RULES.get(tokenizer)
    if rule is not None:
        if rule.proxy is not None:
            return count_tokens(text, rule.proxy)
        return math.ceil(len(text) / rule.chars_per_token)
    key = (info.name, _digest(text))
    hit = _COUNT_CACHE.get(key)
    if hit is not None:
        _COUNT_CACHE.move_to_end(key)
        return hit
    backend = _backend(tokenizer)
    if len(text) >= PARALLEL_FROM_CHARS and not (isinstance(backend, tiktoken.Encoding) and _MAYBE_LONG.search(text)):
        n = _count_large(text, backend)
    else:
        n = len(encode(text, tokenizer))
    _COUNT_CACHE[key] = n
    if len(_COUNT_CACHE) > _COUNT_CACHE_SIZE:
        _COUNT_CACHE.popitem(last=False)
    return n


@dataclass(frozen=True)
class TokenPiece:
    """One token for display: its id, its bytes and a printable text.

    ``partial`` is True when the token's bytes are only part of a UTF-8 character (an emoji or an accented
    letter split across tokens); ``text`` then shows the bytes as ``<0xF0>`` markers.
    """

    id: int
    text: str
    partial: bool


def _byte_markers(err: UnicodeDecodeError) -> tuple[str, int]:
    return "".join(f"<0x{b:02X}>" for b in err.object[err.start : err.end]), err.end


codecs.register_error("calculators.byte_markers", _byte_markers)


def _piece_text(raw: bytes) -> tuple[str, bool]:
    """Printable text of a token's bytes: valid UTF-8 as text, stray bytes of a split character as <0xF0>."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="calculators.byte_markers"), True


def token_pieces(text: str, tokenizer: str, *, limit: int = MAX_DISPLAY_TOKENS) -> list[TokenPiece]:
    """The first ``limit`` tokens of ``text`` with their ids and printable text.

    Example: [p.text for p in token_pieces("Olá, mundo!", "o200k_base")] -> ['Olá', ',', ' mundo', '!']
    """
    if limit < 0:
        raise ValueError("limit must be >= 0")
    # Tokenizing a prefix is enough to display the first tokens; pieces near the cut are dropped.
    head = text[: max(limit, 1) * 64]
    ids = encode(head, tokenizer)
    if len(head) < len(text):
        ids = ids[: max(0, min(limit, len(ids) - 8))]
    ids = ids[:limit]
    backend = _backend(tokenizer)
    pieces = []
    if isinstance(backend, tiktoken.Encoding):
        for i in ids:
            shown, partial = _piece_text(backend.decode_single_token_bytes(i))
            pieces.append(TokenPiece(i, shown, partial))
    else:
        for i in ids:
            piece = backend.id_to_piece(i)
            if backend.is_byte(i):
                pieces.append(TokenPiece(i, piece, True))
            else:
                pieces.append(TokenPiece(i, piece.replace("\u2581", " "), False))
    return pieces
