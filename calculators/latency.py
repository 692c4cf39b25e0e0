"""Response time: the wait for the first token of the answer plus the time to stream the answer."""

from __future__ import annotations

import numpy as np
import pandas as pd


def e2e_s(*, ttft_s: float, output_tokens: int, output_tokens_per_s: float) -> float:
    """End-to-end response time in seconds: time to the first answer token, then the answer at its speed.

    For a reasoning model ``ttft_s`` is the time to the first *answer* token: the thinking comes before it.

    Example: 0.25 s to the first token, then 500 tokens at 303 tokens/s -> 0.25 + 1.65 = 1.90 s
             GPT-6 Sol (Low), Artificial Analysis 2026-10-10: 1.72 + 500 / 91.54 = 7.18 s (AA's end-to-end figure)
    """
    if output_tokens < 0:
        raise ValueError(f"output_tokens cannot be negative ({output_tokens})")
    if output_tokens_per_s <= 0:
        raise ValueError(f"output_tokens_per_s must be positive ({output_tokens_per_s})")
    if ttft_s < 0:
        raise ValueError(f"ttft_s cannot be negative ({ttft_s})")
    return ttft_s + output_tokens / output_tokens_per_s


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name].astype("float64") if name in df else pd.Series(np.nan, index=df.index, dtype="float64")


def latency_table(df: pd.DataFrame, *, output_tokens: int) -> pd.DataFrame:
    """``df`` plus ``speed_tokens_per_s``, ``speed_basis``, ``ttft_s``, ``ttft_basis``, ``generation_s`` and
    ``e2e_s``.

    The speed and the time to the first answer token are the provider's own medians where the data has them,
    otherwise the model's medians across providers (Artificial Analysis' model-level figures, at the row's
    reasoning effort: ``reasoning.effort_rows``); ``speed_basis`` and ``ttft_basis`` say which ("provider",
    "model median" or "missing"). A missing time leaves ``e2e_s`` missing (NaN).

    Example: Llama 3 70B on Groq, 500 tokens -> 0.25 + 500 / 303 = 1.90 s
    """
    if isinstance(output_tokens, bool) or output_tokens < 0:
        raise ValueError(f"output_tokens must be a non-negative number of tokens ({output_tokens!r})")
    out = df.copy()
    provider_speed, model_speed = _column(out, "output_tokens_per_s"), _column(out, "model_output_tokens_per_s")
    provider_ttft, model_ttft = _column(out, "ttft_s"), _column(out, "model_ttfat_s")
    out["speed_tokens_per_s"] = provider_speed.fillna(model_speed)
    out["speed_basis"] = np.select(
        [provider_speed.notna(), model_speed.notna()], ["provider", "model median"], default="missing"
    )
    out["ttft_s"] = provider_ttft.fillna(model_ttft)
    out["ttft_basis"] = np.select(
        [provider_ttft.notna(), model_ttft.notna()], ["provider", "model median"], default="missing"
    )
    out["output_tokens"] = int(output_tokens)
    out["generation_s"] = output_tokens / out["speed_tokens_per_s"]
    out["e2e_s"] = out["ttft_s"] + out["generation_s"]
    return out
