"""Long pre-tokenized pieces in calculators.tokens: the same ids as tiktoken's encode_ordinary wherever that one
finishes, and an answer where it does not (1 MB of spaces makes tiktoken's regex engine panic).

The page does the same with site/calc/bpe.js; tests/site/test_calculator_hardening.py pins it to these ids.
"""

from __future__ import annotations

import random

import pytest

from calculators.tokens import LONG_PIECE_CHARS, TOKENIZERS, _backend, _encode_ordinary, encode, long_pieces

TIKTOKEN = [name for name, info in TOKENIZERS.items() if info.exact and not name.startswith("mistral")]


def _random_texts(n: int = 400) -> list[str]:
    rng = random.Random(18)
    alphabet = [chr(c) for c in [*range(0x20, 0x7F), *range(0x20, 0x7F), 0x9, 0xA, 0xD, 0x85, 0xA0, 0x17F, 0x212A]]
    alphabet += ["é", "ção", "中", "文", "\u3000", "\ufeff", "\u2028", "😀", "'s", "'LL", " ", "  ", "\n\n"]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 60))) for _ in range(n)]


@pytest.mark.parametrize("name", TIKTOKEN)
def test_every_piece_encoded_alone_gives_tiktokens_ids(name):
    # With no minimum length, every piece is found by the `regex` package and encoded alone: the split agrees
    # with tiktoken's own on every text.
    backend = _backend(name)
    for text in _random_texts():
        assert _encode_ordinary(backend, text, 0) == backend.encode_ordinary(text), repr(text)


LONG = {
    "300k letters": "a" * 300_000,
    "100k !": "!" * 100_000,
    "50k ideographs": "".join(chr(0x4E00 + (i * 7919) % 20_000) for i in range(50_000)),
    "DNA": "".join(random.Random(1).choice("ACGT") for _ in range(100_000)),
    "mixed": "Olá " + "a" * 5_000 + "  \n\n" + " " * 3_000 + "x!" + "!" * 4_000 + "\n" + "é" * 2_000 + "'s fim \t\n",
}


@pytest.mark.parametrize("name", TIKTOKEN)
@pytest.mark.parametrize("label", list(LONG))
def test_long_pieces_give_tiktokens_ids(name, label):
    text = LONG[label]
    assert long_pieces(text, _backend(name)._pat_str), "the text should have a long piece"
    assert encode(text, name) == _backend(name).encode_ordinary(text)


@pytest.mark.parametrize("name", TIKTOKEN)
def test_a_megabyte_of_spaces_is_counted(name):
    text = " " * 1_000_000
    ids = encode(text, name)
    assert 0 < len(ids) < 20_000
    assert _backend(name).decode(ids) == text
    assert long_pieces(text, _backend(name)._pat_str) == [(0, 1_000_000)]


def test_ordinary_text_has_no_long_piece():
    assert long_pieces("palavra " * 10_000, _backend("o200k_base")._pat_str) == []
    assert LONG_PIECE_CHARS == 1024  # site/calc/bpe.js has the same threshold
