"""Tokenizers: identical ids to the reference implementations, offline, on tricky input."""

import pytest
import tiktoken
from llama_models.llama3.tokenizer import Tokenizer as Llama3Reference
from mistral_common.tokens.tokenizers.sentencepiece import SentencePieceTokenizer

from calculators import tokens
from calculators.tokens import count_tokens, encode, list_tokenizers, token_pieces

TRICKY = [
    "",
    "Olá, mundo! Ação, coração, pão, avô, às vezes.",
    "São Paulo é a maior cidade do Brasil; ÉÇÃÕ maiúsculas.",
    "👩‍👩‍👧‍👦 família, 🏳️‍🌈 bandeira, 👋🏽 aceno com tom de pele",
    "日本語のテキストと中文文本，还有한국어 텍스트.",
    "def f(x):\n\treturn {'a': [1, 2, 3]}  # comentário\n",
    "espaços    em    sequência\n\n\n\t\t  \r\n   ",
    "<|endoftext|> <|im_start|>user<|im_end|> <|begin_of_text|> <s> </s> [INST] [/INST]",
    "<|reserved_special_token_5|><|eot_id|><|fim_prefix|>",
    "1234567890 3.14159 1e-9 R$ 1.234,56",
    "a" * 5000,
    " " * 3000 + "x",
    "\u0000\u0001 control \ufeff BOM \u200b zero-width",
    "e\u0301 (e + acento combinado) vs é",
]


@pytest.fixture(scope="module")
def openai_reference(tiktoken_offline_cache):
    return {name: tiktoken.get_encoding(name) for name in ("o200k_base", "cl100k_base")}


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
@pytest.mark.parametrize("text", TRICKY)
def test_openai_ids_match_tiktoken(openai_reference, name, text):
    assert encode(text, name) == openai_reference[name].encode(text, disallowed_special=())


def test_known_ids():
    # Well-known ids, independent of any reference object: "hello world" in cl100k_base and o200k_base.
    assert encode("hello world", "cl100k_base") == [15339, 1917]
    assert encode("hello world", "o200k_base") == [24912, 2375]


@pytest.fixture(scope="module")
def llama3_reference():
    from importlib import resources

    return Llama3Reference(resources.files("llama_models") / "llama3" / "tokenizer.model")


@pytest.mark.parametrize("text", TRICKY)
def test_llama3_ids_match_llama_models(llama3_reference, text):
    expected = llama3_reference.encode(text, bos=False, eos=False, allowed_special=set(), disallowed_special=())
    assert encode(text, "llama3") == expected


@pytest.mark.parametrize("name", ["mistral_v1", "mistral_v2", "mistral_v3"])
@pytest.mark.parametrize("text", TRICKY)
def test_mistral_ids_match_mistral_common(name, text):
    reference = SentencePieceTokenizer(tokens.mistral_model_path(name))
    assert encode(text, name) == reference.encode(text, bos=False, eos=False)


def test_listing_marks_exact_and_estimates():
    infos = {t.name: t for t in list_tokenizers()}
    assert {"o200k_base", "cl100k_base", "llama3", "mistral_v1"} <= {n for n, t in infos.items() if t.exact}
    for name in ("claude_estimate", "gemini_estimate"):
        assert not infos[name].exact
        assert "estimate" in infos[name].method


def test_estimates_have_no_ids_but_do_count():
    with pytest.raises(ValueError, match="estimate"):
        encode("texto", "claude_estimate")
    assert count_tokens("abcdefgh", "gemini_estimate") == 2
    assert count_tokens("abcdefghi", "gemini_estimate") == 3
    assert count_tokens("Olá, mundo!", "claude_estimate") == count_tokens("Olá, mundo!", "cl100k_base")


@pytest.mark.parametrize("name", [t.name for t in list_tokenizers()])
def test_empty_is_zero_and_special_strings_are_text(name):
    assert count_tokens("", name) == 0
    assert count_tokens("<|endoftext|>", name) > 1


def test_unknown_tokenizer_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown tokenizer 'gpt5'; known tokenizers: o200k_base"):
        count_tokens("x", "gpt5")


def test_non_text_is_rejected():
    with pytest.raises(TypeError, match="text must be str"):
        count_tokens(b"bytes", "cl100k_base")


def test_pieces_show_split_characters_as_bytes():
    pieces = token_pieces("👋🏽", "o200k_base")
    assert any(p.partial for p in pieces)
    assert all(p.text for p in pieces)
    # Whole characters stay whole, and ids are the encoder's ids.
    pieces = token_pieces("Olá, mundo!", "o200k_base")
    assert [p.text for p in pieces] == ["Olá", ",", " mundo", "!"]
    assert [p.id for p in pieces] == encode("Olá, mundo!", "o200k_base")


def test_pieces_partial_keeps_the_valid_prefix():
    text = tokens._piece_text(" é".encode()[:2])[0]
    assert text == " <0xC3>"


@pytest.mark.parametrize("name", ["o200k_base", "llama3", "mistral_v1"])
def test_pieces_are_capped(name):
    big = "palavra " * 100_000
    pieces = token_pieces(big, name, limit=50)
    assert len(pieces) == 50
    assert [p.id for p in pieces] == encode(big, name)[:50]


def test_big_paste_counts_without_error():
    big = ("Olá, mundo! <|endoftext|> 日本語 👋🏽\n" * 160_000)[: 5 * 1024 * 1024]
    for info in list_tokenizers():
        assert count_tokens(big, info.name) > 1_000_000


def test_shipped_file_hash_is_checked(tmp_path, monkeypatch):
    bad = tmp_path / "cl100k_base.tiktoken"
    bad.write_bytes(b"AAAA 0\n")
    monkeypatch.setattr(tokens, "TOKENIZER_DIR", tmp_path)
    with pytest.raises(tokens.TokenizerFileError, match="sha256"):
        tokens._openai_params("cl100k_base")


def test_article_counts_match_the_sources(article_text):
    # shared/sources: 4,262 (cl100k_base), 3,753 (o200k_base), 4,261 (Llama 3), counted with js-tiktoken.
    assert count_tokens(article_text, "cl100k_base") == 4262
    assert count_tokens(article_text, "o200k_base") == 3753
    assert count_tokens(article_text, "llama3") == 4261


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base", "llama3", "mistral_v1", "mistral_v2", "mistral_v3"])
def test_large_text_counted_in_chunks_is_exact(name, article_text):
    import random

    rng = random.Random(7)
    parts = [article_text] + [t for t in TRICKY if t] + ["\n", " ", "  ", "\n\n", " \n", "x\n y", "\t"]
    big = "".join(rng.choice(parts) for _ in range(3_000))
    assert len(big) >= tokens.PARALLEL_FROM_CHARS
    tokens._COUNT_CACHE.clear()
    assert count_tokens(big, name) == len(encode(big, name))
