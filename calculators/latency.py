"""Response time: time to first token plus the time to stream the output tokens."""

from __future__ import annotations

import numpy as np
import pandas as pd


def e2e_s(*, ttft_s: float, output_tokens: int, output_tokens_per_s: float) -> float:
    """End-to-end response time in seconds.

    Example: 0.25 s to the first token, then 500 tokens at 303 tokens/s -> 0.25 + 1.65 = 1.90 s
    """
    if output_tokens < 0:
        raise ValueError(f"output_tokens cannot be negative ({output_tokens})")
    if output_tokens_per_s <= 0:
        raise ValueError(f"output_tokens_per_s must be positive ({output_tokens_per_s})")
    if ttft_s < 0:
        raise ValueError(f"ttft_s cannot be negative ({ttft_s})")
    return ttft_s + output_tokens / output_tokens_per_s


def latency_table(df: pd.DataFrame, *, output_tokens: int) -> pd.DataFrame:
    """``df`` plus ``speed_tokens_per_s``, ``speed_basis``, ``generation_s`` and ``e2e_s``.

    The speed is the provider's own median where the data has it, otherwise the model's median across
    providers (``speed_basis`` says which). A missing time to first token leaves ``e2e_s`` missing (NaN).

    Example: Llama 3 70B on Groq, 500 tokens -> 0.25 + 500 / 303 = 1.90 s
    """
    if isinstance(output_tokens, bool) or output_tokens < 0:
        raise ValueError(f"output_tokens must be a non-negative number of tokens ({output_tokens!r})")
    out = df.copy()
    provider_speed = out["output_tokens_per_s"]
    model_speed = out["model_output_tokens_per_s"]
    out["speed_tokens_per_s"] = provider_speed.fillna(model_speed)
    out["speed_basis"] = np.select(
        [provider_speed.notna(), model_speed.notna()], ["provider", "model median"], default="missing"
    )
    out["output_tokens"] = int(output_tokens)
    out["generation_s"] = output_tokens / out["speed_tokens_per_s"]
    out["e2e_s"] = out["ttft_s"] + out["generation_s"]
    return out
