"""Calculators for the LLMs 101 course: tokens, cost and response time, from a sourced dataset.

from calculators import load_snapshot, count_tokens, cost_table, latency_table
"""

from .claims import article_claims, claims_table
from .data import DataError, list_snapshots, load_figures, load_snapshot
from .latency import e2e_s, latency_table
from .pricing import (
    Price,
    blended_usd_per_mtok,
    cost_table,
    model_prices,
    monthly_cost_usd,
    price_ratio,
    request_cost_usd,
)
from .tokens import count_tokens, encode, list_tokenizers, token_pieces, tokenizer_info

__all__ = [
    "DataError",
    "Price",
    "article_claims",
    "blended_usd_per_mtok",
    "claims_table",
    "cost_table",
    "count_tokens",
    "e2e_s",
    "encode",
    "latency_table",
    "list_snapshots",
    "list_tokenizers",
    "load_figures",
    "load_snapshot",
    "model_prices",
    "monthly_cost_usd",
    "price_ratio",
    "request_cost_usd",
    "token_pieces",
    "tokenizer_info",
]
