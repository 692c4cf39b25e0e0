"""The n-gram model: known values from the docstrings, temperature edge cases, reproducible generation."""

import math
import random

import pytest

from calculators import ngram
from calculators.ngram import (
    UnknownContextError,
    apply_temperature,
    detokenize,
    generate,
    generation_table,
    next_token_counts,
    next_token_probs,
    next_token_table,
    plain_text,
    sample,
    train,
    words,
)

TOY = ["a", "b", "a", "c", "a", "b"]


def test_words_and_detokenize():
    assert words("Olá, mundo! LLM-101") == ["Olá", ",", "mundo", "!", "LLM-101"]
    assert words("") == []
    assert words("ação às 9h, d'água") == ["ação", "às", "9h", ",", "d'água"]
    assert detokenize(["Olá", ",", "mundo", "!"]) == "Olá, mundo!"
    assert detokenize(["(", "sim", ")", "."]) == "(sim)."
    assert detokenize([]) == ""
    assert detokenize(["a", '"', "b", '"', "c"]) == 'a "b" c'
    assert detokenize(["a", "(", '"', "b", '"', ")", "."]) == 'a ("b").'


def test_plain_text():
    assert plain_text("# Oi\n\nVeja [o site](https://x.y) :smile:!") == " Oi\n\nVeja o site !"
    assert plain_text("---\ntitle: x\n---\nTexto ![img](/a.png) **forte**") == "Texto  forte"
    assert plain_text("| a | b |\n| --- | --- |\n| 1 | 2 |") == " a  b \n\n 1  2 "


def test_train_counts():
    model = train(TOY, order=2)
    assert model.counts == {("a",): {"b": 2, "c": 1}, ("b",): {"a": 1}, ("c",): {"a": 1}}
    model3 = train(TOY, order=3)
    assert model3.context_size == 2
    assert model3.counts[("b", "a")] == {"c": 1}
    assert model3.counts[("a", "c")] == {"a": 1}
    assert sum(sum(c.values()) for c in model3.counts.values()) == len(TOY) - 2
    with pytest.raises(ValueError):
        train(TOY, order=1)
    assert train([], order=2).counts == {}


def test_next_token_counts_uses_last_tokens_and_sorts():
    model = train(TOY)
    assert next_token_counts(model, ["x", "a"]) == {"b": 2, "c": 1}
    assert list(next_token_counts(train(["z", "b", "z", "a", "z", "a"]), ["z"])) == ["a", "b"]


def test_unknown_and_short_context():
    model = train(TOY, order=3)
    with pytest.raises(UnknownContextError):
        next_token_counts(model, ["c", "c"])
    with pytest.raises(UnknownContextError):
        next_token_probs(train(TOY), ["b", "zzz"])
    # "b" ends the text: it was seen, but only as the last token, so nothing is known to follow it.
    with pytest.raises(UnknownContextError):
        next_token_counts(train(["a", "b"]), ["b"])
    with pytest.raises(ValueError):
        next_token_counts(model, ["a"])


def test_temperature_docstring_values():
    p1 = apply_temperature({"b": 2, "c": 1}, 1.0)
    assert p1 == pytest.approx({"b": 2 / 3, "c": 1 / 3})
    assert apply_temperature({"b": 2, "c": 1}, 0.5) == pytest.approx({"b": 0.8, "c": 0.2})
    assert next_token_probs(train(TOY), ["a"], temperature=0.5) == pytest.approx({"b": 0.8, "c": 0.2})


@pytest.mark.parametrize("counts", [{"x": 5, "y": 3, "z": 1, "w": 1}, {"x": 1}, {"a": 100, "b": 1}])
def test_temperature_one_is_the_counts(counts):
    total = sum(counts.values())
    assert apply_temperature(counts, 1) == pytest.approx({k: v / total for k, v in counts.items()})


@pytest.mark.parametrize("temperature", [0.5, 0.8, 1.7, 3.0])
def test_temperature_is_power_of_counts(temperature):
    counts = {"x": 7, "y": 3, "z": 2, "w": 1}
    weights = {k: v ** (1 / temperature) for k, v in counts.items()}
    total = sum(weights.values())
    assert apply_temperature(counts, temperature) == pytest.approx({k: w / total for k, w in weights.items()})


def test_small_temperature_is_argmax_without_overflow():
    counts = {"x": 50, "y": 49, "z": 1}
    probs = apply_temperature(counts, 1e-5)
    assert probs["x"] == 1.0 and probs["y"] == 0.0 and probs["z"] == 0.0
    ties = apply_temperature({"x": 4, "y": 4, "z": 1}, 1e-6)
    assert ties == pytest.approx({"x": 0.5, "y": 0.5, "z": 0.0})


def test_large_temperature_flattens():
    probs = apply_temperature({"x": 50, "y": 5, "z": 1}, 1e9)
    assert probs == pytest.approx({"x": 1 / 3, "y": 1 / 3, "z": 1 / 3}, rel=1e-6)


def test_temperature_orders_and_sums():
    counts = {"x": 9, "y": 4, "z": 1}
    for t in (0.1, 0.3, 1.0, 2.0, 10.0):
        p = apply_temperature(counts, t)
        assert math.isclose(sum(p.values()), 1.0)
        assert p["x"] >= p["y"] >= p["z"] > 0
    # Lower temperature sharpens: the favourite gains probability as T falls.
    assert apply_temperature(counts, 0.5)["x"] > apply_temperature(counts, 1.0)["x"] > apply_temperature(counts, 2)["x"]


@pytest.mark.parametrize("bad", [0, -1, -0.5, float("nan"), "1"])
def test_temperature_must_be_positive(bad):
    with pytest.raises(ValueError):
        apply_temperature({"x": 1}, bad)


def test_temperature_bad_counts():
    with pytest.raises(ValueError):
        apply_temperature({}, 1.0)
    with pytest.raises(ValueError):
        apply_temperature({"x": 0}, 1.0)
    with pytest.raises(ValueError):
        apply_temperature({"x": -1, "y": 2}, 1.0)
    assert apply_temperature({"x": 0, "y": 2}, 0.5) == {"x": 0.0, "y": 1.0}


def test_next_token_table():
    table = next_token_table(train(TOY), ["a"], temperature=0.5)
    assert list(table.columns) == ["token", "count", "rank", "probability"]
    assert table["token"].tolist() == ["b", "c"]
    assert table["count"].tolist() == [2, 1]
    assert table["rank"].tolist() == [1, 2]
    assert table["probability"].tolist() == pytest.approx([0.8, 0.2])


def test_sample_walks_cumulative_probabilities():
    assert random.Random(0).random() == pytest.approx(0.8444, abs=1e-4)
    assert sample({"b": 0.8, "c": 0.2}, random.Random(0)) == "c"
    assert sample({"b": 0.9, "c": 0.1}, random.Random(0)) == "b"
    assert sample({"b": 0.0, "c": 1.0}, random.Random(0)) == "c"
    with pytest.raises(ValueError):
        sample({"b": 0.0}, random.Random(0))


def test_sample_frequencies_follow_probabilities():
    rng = random.Random(42)
    draws = [sample({"x": 0.7, "y": 0.2, "z": 0.1}, rng) for _ in range(20_000)]
    assert draws.count("x") / len(draws) == pytest.approx(0.7, abs=0.015)
    assert draws.count("z") / len(draws) == pytest.approx(0.1, abs=0.01)


def test_generate_docstring_and_stops():
    model = train(words("a b . a c ."))
    steps = generate(model, ["a"], seed=1)
    assert [s.token for s in steps] == ["b", "."]
    assert steps[0].context == ("a",) and steps[0].candidates == 2 and steps[0].probability == pytest.approx(0.5)
    assert steps[1].probability == 1.0
    # max_tokens caps the loop, 0 generates nothing.
    assert generate(model, ["a"], max_tokens=1, seed=1)[0].token == "b"
    assert generate(model, ["a"], max_tokens=0) == []
    # An unknown context ends the loop at once.
    assert generate(model, ["nunca"]) == []
    with pytest.raises(ValueError):
        generate(model, ["a"], max_tokens=-1)


def test_generate_is_reproducible_and_temperature_matters(article_text):
    model = train(words(plain_text(article_text)))
    a = generate(model, ["modelos"], seed=7, max_tokens=40)
    b = generate(model, ["modelos"], seed=7, max_tokens=40)
    assert a == b and len(a) > 0
    greedy = generate(model, ["modelos"], temperature=1e-3, max_tokens=40)
    # Near-zero temperature always takes the most frequent candidate.
    for step in greedy:
        counts = next_token_counts(model, list(step.context))
        assert counts[step.token] == max(counts.values())
    # Every generated step is a continuation the training text contains.
    for step in a:
        assert step.token in model.counts[step.context]
    table = generation_table(a)
    assert table["step"].tolist() == list(range(1, len(a) + 1))
    assert table["token"].tolist() == [s.token for s in a]


def test_article_model_known_counts(article_text):
    model = train(words(plain_text(article_text)))
    counts = next_token_counts(model, ["modelos"])
    assert counts["abertos"] == 8
    assert counts["fechados"] == 3
    assert list(counts)[0] == "abertos"


def test_module_docstring_formula_matches():
    assert "softmax(log(c_i) / T)" in ngram.__doc__


def test_order_three_mostly_copies_the_article(article_text):
    """The chapter's exercise says: with two words of context, most contexts have a single continuation."""
    model3 = train(words(plain_text(article_text)), order=3)
    single = sum(len(following) == 1 for following in model3.counts.values())
    assert single / len(model3.counts) > 0.8
