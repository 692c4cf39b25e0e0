"""Widgets without a browser: set .value, click, assert the recomputed view."""

import pytest

from calculators.ngram import next_token_table, plain_text, train, words
from calculators.tokens import count_tokens
from calculators.widgets.generate import NextTokenGenerator
from calculators.widgets.tokens import TokenExplorer


def test_token_explorer_recomputes_on_text_and_tokenizers():
    explorer = TokenExplorer("Olá", ["o200k_base", "gemini_estimate"])
    assert explorer.view["tokenizer"].tolist() == ["o200k_base", "gemini_estimate"]
    explorer.text.value = "Quantos tokens tem esta frase em português?"
    assert explorer.view["tokens"].tolist() == [
        count_tokens(explorer.text.value, "o200k_base"),
        count_tokens(explorer.text.value, "gemini_estimate"),
    ]
    assert "estimativa" in explorer.output.value
    explorer.tokenizers.value = ("cl100k_base", "mistral_v3")
    assert explorer.view["tokenizer"].tolist() == ["cl100k_base", "mistral_v3"]
    assert explorer.view["shown"].tolist() == explorer.view["tokens"].tolist()
    first = explorer.view.iloc[0].pieces[0]
    assert f">{first.id}</span>" in explorer.output.value


def test_token_explorer_caps_display():
    explorer = TokenExplorer("palavra " * 400, ["o200k_base"], limit=25)
    row = explorer.view.iloc[0]
    assert row.shown == 25 and row.tokens > 25
    assert "Mostrando os primeiros 25" in explorer.output.value
    explorer.text.value = ""
    assert explorer.view.iloc[0].tokens == 0


def test_token_explorer_labels_estimates_in_menu():
    explorer = TokenExplorer("x")
    labels = dict((value, label) for label, value in explorer.tokenizers.options)
    assert labels["claude_estimate"] == "Claude (estimativa)"
    assert labels["o200k_base"] == "GPT-4o (o200k_base)" and labels["mistral_v1"] == "Mistral v1"
    assert "application/vnd.jupyter.widget-view+json" in explorer._repr_mimebundle_()


@pytest.fixture(scope="module")
def model(article_text):
    return train(words(plain_text(article_text)))


def test_generator_probabilities_follow_slider(model):
    gen = NextTokenGenerator(model, "modelos", temperature=1.0)
    assert gen.probs["token"].iloc[0] == "abertos"
    at_one = gen.probs["probability"].iloc[0]
    gen.temperature.value = 0.3
    assert gen.probs["probability"].iloc[0] > at_one
    expected = next_token_table(model, ["modelos"], temperature=0.3)
    assert gen.probs["probability"].tolist() == pytest.approx(expected["probability"].tolist())
    assert "abertos" in gen.probs_output.value


def test_generator_button_generates_reproducibly(model):
    gen = NextTokenGenerator(model, "modelos", seed=3)
    gen.button.click()
    first = gen.generated
    steps = gen.view
    assert first.startswith("modelos ") and len(steps) >= 1
    assert steps["context"].iloc[0] == "modelos"
    gen.button.click()
    assert gen.generated == first
    gen.seed.value = 4
    gen.temperature.value = 2.5
    gen.button.click()
    assert gen.generated != first
    assert first not in gen.text_output.value


def test_generator_greedy_and_unknown_prompt(model):
    gen = NextTokenGenerator(model, "modelos", temperature=0.1, seed=0)
    gen.temperature.value = 0.1
    gen.button.click()
    assert gen.view["token"].iloc[0] == "abertos"
    gen.prompt.value = "xyzzy"
    assert gen.probs.empty
    assert "nunca aparece" in gen.probs_output.value
    gen.button.click()
    assert gen.view.empty and "Nada gerado" in gen.text_output.value
