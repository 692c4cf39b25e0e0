"""A next-token model small enough to read: it counts which token followed which context in a text.

An LLM computes "the probability of token x given context y" with a neural network trained on an enormous
dataset. An n-gram model gets the same kind of answer by counting, in a text small enough to ship with the book.
Same interface (context in, probabilities of the next token out, then sample and repeat), toy scale.

Tokens here are words and punctuation marks (``words``), so the output stays readable; any sequence of strings
works, including the pieces of a real tokenizer.

Temperature ``T`` reshapes the probabilities of the candidates that were seen after the context::

    p_i(T) = c_i ** (1 / T) / sum_j c_j ** (1 / T)  =  softmax(log(c_i) / T)

where ``c_i`` is how many times candidate ``i`` followed the context. ``T = 1`` gives the counts' own proportions;
``T -> 0`` puts all the probability on the most frequent candidate (ties share it); a large ``T`` flattens
towards uniform. ``T <= 0`` is not defined and raises. The computation is done as
``exp((log(c_i) - log(max_c)) / T)`` so that small temperatures neither overflow nor underflow to 0 / 0; the
browser chart in ``calculators.charts.tokens`` uses the same expression, and a test pins one to the other.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
STOP_TOKENS = (".", "!", "?")
_NO_SPACE_BEFORE = set(".,;:!?)]}%…")
_NO_SPACE_AFTER = set("([{")


def words(text: str) -> list[str]:
    """Split text into words and punctuation marks: the tokens of the toy model.

    Example: words("Olá, mundo! LLM-101") -> ['Olá', ',', 'mundo', '!', 'LLM-101']
    """
    return WORD_RE.findall(text)


def detokenize(tokens: Sequence[str]) -> str:
    """Join word tokens back into text: no space before punctuation, straight quotes hug what they enclose.

    Example: detokenize(['Olá', ',', 'mundo', '!']) -> 'Olá, mundo!'
             detokenize(['a', '"', 'b', '"', 'c']) -> 'a "b" c'
    """
    out = ""
    glue_next = False  # after an opening bracket or quote
    quote_open = False
    for tok in tokens:
        if tok == '"':
            space = bool(out) and not quote_open and not glue_next
            glue_next = not quote_open
            quote_open = not quote_open
        else:
            space = bool(out) and not glue_next and tok not in _NO_SPACE_BEFORE
            glue_next = tok in _NO_SPACE_AFTER
        out += (" " if space else "") + tok
    return out


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMOJI_CODE = re.compile(r":[a-z_]+:")
_TABLE_RULE = re.compile(r"^\|?[\s|:-]+\|?$", re.M)
_MARKUP = re.compile(r"[*_#>|`]")


def plain_text(markdown: str) -> str:
    """The readable text of a markdown document: no front matter, images, link targets, emoji codes or markup.

    Example: plain_text("# Oi\\n\\nVeja [o site](https://x.y) :smile:!") -> ' Oi\\n\\nVeja o site !'
    """
    text = _FRONT_MATTER.sub("", markdown)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EMOJI_CODE.sub("", text)
    text = _TABLE_RULE.sub("", text)
    return _MARKUP.sub("", text)


@dataclass(frozen=True)
class NgramModel:
    """Counts of the token that followed each context of ``order - 1`` tokens."""

    order: int
    counts: Mapping[tuple[str, ...], Mapping[str, int]]

    @property
    def context_size(self) -> int:
        return self.order - 1


class UnknownContextError(KeyError):
    """The context never appeared in the training text (or only at its very end), so nothing is known to follow."""


def train(tokens: Sequence[str], *, order: int = 2) -> NgramModel:
    """Count, for every run of ``order - 1`` tokens, which token came next.

    Example: train(['a', 'b', 'a', 'c', 'a', 'b'], order=2).counts[('a',)] -> {'b': 2, 'c': 1}
    """
    if order < 2:
        raise ValueError("order must be at least 2 (a context of one token or more)")
    k = order - 1
    counts: dict[tuple[str, ...], Counter[str]] = {}
    for i in range(len(tokens) - k):
        counts.setdefault(tuple(tokens[i : i + k]), Counter())[tokens[i + k]] += 1
    return NgramModel(order, {ctx: dict(c) for ctx, c in counts.items()})


def next_token_counts(model: NgramModel, context: Sequence[str]) -> dict[str, int]:
    """How many times each token followed the last ``order - 1`` tokens of ``context``, most frequent first.

    Example: next_token_counts(train(['a', 'b', 'a', 'c', 'a', 'b']), ['x', 'a']) -> {'b': 2, 'c': 1}
    """
    k = model.context_size
    if len(context) < k:
        raise ValueError(f"context needs at least {k} tokens for an order-{model.order} model, got {len(context)}")
    key = tuple(context[len(context) - k :])
    try:
        found = model.counts[key]
    except KeyError:
        raise UnknownContextError(key) from None
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def apply_temperature(counts: Mapping[str, float], temperature: float) -> dict[str, float]:
    """Probabilities ``c_i ** (1/T) / sum_j c_j ** (1/T)``, in the order of ``counts``.

    Example: apply_temperature({'b': 2, 'c': 1}, 1.0) -> {'b': 0.666..., 'c': 0.333...}
             apply_temperature({'b': 2, 'c': 1}, 0.5) -> {'b': 0.8, 'c': 0.2}      (4 / (4 + 1))
             apply_temperature({'b': 2, 'c': 1}, 0.01) -> {'b': 1.0, 'c': 0.0}     (argmax)
    """
    if not isinstance(temperature, (int, float)) or math.isnan(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a number > 0, got {temperature!r}")
    if not counts:
        raise ValueError("no candidates")
    if any(c < 0 or math.isnan(c) for c in counts.values()):
        raise ValueError("counts must not be negative")
    top = max(counts.values())
    if top <= 0:
        raise ValueError("at least one count must be positive")
    log_top = math.log(top)
    weights = {tok: math.exp((math.log(c) - log_top) / temperature) if c > 0 else 0.0 for tok, c in counts.items()}
    total = sum(weights.values())  # >= 1: the most frequent candidate weighs exactly 1
    return {tok: w / total for tok, w in weights.items()}


def next_token_probs(model: NgramModel, context: Sequence[str], *, temperature: float = 1.0) -> dict[str, float]:
    """Next-token probabilities after ``context``, most likely first.

    Example: next_token_probs(train(['a', 'b', 'a', 'c', 'a', 'b']), ['a'], temperature=0.5) -> {'b': 0.8, 'c': 0.2}
    """
    return apply_temperature(next_token_counts(model, context), temperature)


def next_token_table(model: NgramModel, context: Sequence[str], *, temperature: float = 1.0) -> pd.DataFrame:
    """The candidates after ``context`` as a table: ``token, count, rank, probability`` (rank 1 = most frequent).

    Example: next_token_table(train(['a', 'b', 'a', 'c', 'a', 'b']), ['a'])
             -> token b, count 2, rank 1, probability 0.667; token c, count 1, rank 2, probability 0.333
    """
    counts = next_token_counts(model, context)
    probs = apply_temperature(counts, temperature)
    return pd.DataFrame(
        {
            "token": list(counts),
            "count": list(counts.values()),
            "rank": range(1, len(counts) + 1),
            "probability": [probs[t] for t in counts],
        }
    )


def sample(probs: Mapping[str, float], rng: random.Random) -> str:
    """Draw one token: walk the cumulative probabilities in the given order until a uniform draw is passed.

    Example: sample({'b': 0.8, 'c': 0.2}, random.Random(0)) -> 'c'   (the draw is 0.844: past b's 0.8, within c's)
    """
    u = rng.random()
    cumulative = 0.0
    last = None
    for tok, p in probs.items():
        if p <= 0:
            continue
        cumulative += p
        last = tok
        if u < cumulative:
            return tok
    if last is None:
        raise ValueError("no candidate has a positive probability")
    return last  # u fell in the rounding gap just below 1.0


@dataclass(frozen=True)
class GenerationStep:
    """One turn of the loop: the context the model saw, the token drawn, its probability, how many candidates."""

    context: tuple[str, ...]
    token: str
    probability: float
    candidates: int


def generate(
    model: NgramModel,
    prompt: Sequence[str],
    *,
    max_tokens: int = 30,
    temperature: float = 1.0,
    seed: int = 0,
    stop: Sequence[str] = STOP_TOKENS,
) -> list[GenerationStep]:
    """Generate token by token: probabilities for the current context, draw one, append it, repeat.

    Stops after ``max_tokens``, after a ``stop`` token, or when the context was never seen in training.
    The same ``seed`` gives the same text.

    Example: [s.token for s in generate(train(words("a b . a c .")), ['a'], seed=1)] -> ['b', '.']
    """
    if max_tokens < 0:
        raise ValueError("max_tokens must be >= 0")
    rng = random.Random(seed)
    tokens = list(prompt)
    steps: list[GenerationStep] = []
    for _ in range(max_tokens):
        try:
            probs = next_token_probs(model, tokens, temperature=temperature)
        except UnknownContextError:
            break
        tok = sample(probs, rng)
        steps.append(GenerationStep(tuple(tokens[len(tokens) - model.context_size :]), tok, probs[tok], len(probs)))
        tokens.append(tok)
        if tok in stop:
            break
    return steps


def generation_table(steps: Sequence[GenerationStep]) -> pd.DataFrame:
    """The steps of ``generate`` as a table: ``step, context, token, probability, candidates``."""
    return pd.DataFrame(
        {
            "step": range(1, len(steps) + 1),
            "context": [" ".join(s.context) for s in steps],
            "token": [s.token for s in steps],
            "probability": [s.probability for s in steps],
            "candidates": [s.candidates for s in steps],
        }
    )
