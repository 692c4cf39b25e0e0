"""Tokenizers added for the current snapshot: Llama 4 (exact) and the o200k proxy estimate."""

import random
from importlib import resources

import pytest
from llama_models.llama4.tokenizer import Tokenizer as Llama4Reference
from test_tokens import TRICKY

from calculators import tokens
from calculators.tokens import count_tokens, encode, list_tokenizers, token_pieces


@pytest.fixture(scope="module")
def llama4_reference():
    return Llama4Reference(resources.files("llama_models") / "llama4" / "tokenizer.model")


@pytest.mark.parametrize("text", TRICKY)
def test_llama4_ids_match_llama_models(llama4_reference, text):
    expected = llama4_reference.encode(text, bos=False, eos=False, allowed_special=set(), disallowed_special=())
    assert encode(text, "llama4") == expected


def test_llama4_differs_from_llama3():
    # Different vocabularies: a Portuguese sentence must not get Llama 3's ids.
    text = "Olá, mundo! Ação e coração."
    assert encode(text, "llama4") != encode(text, "llama3")


def test_llama4_special_strings_are_text():
    ids = encode("<|begin_of_text|><|eot|>", "llama4")
    assert len(ids) > 2
    assert "".join(p.text for p in token_pieces("<|begin_of_text|>", "llama4")) == "<|begin_of_text|>"


def test_llama4_large_text_counted_in_chunks_is_exact(article_text):
    rng = random.Random(11)
    parts = [article_text] + [t for t in TRICKY if t] + ["\n", " ", "  ", "\n\n", " \n", "x\n y", "\t"]
    big = "".join(rng.choice(parts) for _ in range(3_000))
    assert len(big) >= tokens.PARALLEL_FROM_CHARS
    tokens._COUNT_CACHE.clear()
    assert count_tokens(big, "llama4") == len(encode(big, "llama4"))


def test_o200k_estimate_is_an_estimate_with_the_o200k_count():
    infos = {t.name: t for t in list_tokenizers()}
    assert infos["llama4"].exact
    assert not infos["o200k_estimate"].exact
    assert "estimate" in infos["o200k_estimate"].method
    text = "Olá, mundo! 日本語 👋🏽"
    assert count_tokens(text, "o200k_estimate") == count_tokens(text, "o200k_base")
    with pytest.raises(ValueError, match="estimate"):
        encode(text, "o200k_estimate")
