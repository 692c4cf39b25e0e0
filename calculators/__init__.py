"""Calculators for the LLMs 101 course: tokens, cost and response time, from a sourced dataset.

    from calculators import load_snapshot, count_tokens, cost_table, latency_table

The package has three layers, each built on the ones before it: a module imports from its own layer and from
earlier ones, never from a later one, and no chain of imports comes back to where it started. tests/test_layers.py
reads every import, those inside functions too, and holds the package to this map:

Calculation: the course's numbers, pure: it reads the repository's files, never the network, and writes nothing.
    paths errors formatting tokens data latency reasoning pricing choose claims fx costs vectors ngram

Live data and measurement: what talks to the network, writes under data/, serves on 127.0.0.1, or reads a command line.
    apikeys http locking followed cliargs measurements practice refresh bench cli __main__

Rendering: what the chapters, the in-page calculator and the workshop kit show.
    display quiz workshop catalogue page charts widgets

The names below load lazily (PEP 562): ``import calculators`` loads nothing else, and ``count_tokens`` loads the
tokenizers but not pandas; ``load_snapshot`` and the tables load pandas when first used.
"""

from importlib import import_module

# Where each name of ``from calculators import ...`` lives: all in the calculation layer.
_LAZY = {
    "DataError": "errors",
    "article_claims": "claims",
    "claims_table": "claims",
    "list_snapshots": "data",
    "load_figures": "data",
    "load_snapshot": "data",
    "e2e_s": "latency",
    "latency_table": "latency",
    "Price": "pricing",
    "blended_usd_per_mtok": "pricing",
    "cost_table": "pricing",
    "model_prices": "pricing",
    "monthly_cost_usd": "pricing",
    "price_ratio": "pricing",
    "request_cost_usd": "pricing",
    "count_tokens": "tokens",
    "encode": "tokens",
    "list_tokenizers": "tokens",
    "token_pieces": "tokens",
    "tokenizer_info": "tokens",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    """A name of ``__all__``, imported from its module on first use; a submodule (``calculators.pricing``) too."""
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    elif not name.startswith("_"):
        try:
            value = import_module(f".{name}", __name__)
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
