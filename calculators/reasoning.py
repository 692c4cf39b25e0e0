"""Reasoning effort: one request's setting of how long a reasoning model thinks before it answers.

A reasoning model writes hidden *reasoning tokens* before its answer. They are billed as output tokens, and the
time they take comes before the first token of the answer. Artificial Analysis measures each model at each effort
it offers (``data/README.md``, "Reasoning effort"), so in a snapshot the model-level speed, time to first answer
token, Intelligence Index and reasoning tokens per answer token may depend on the effort (``figures.csv``'s
``effort`` column; ``load_snapshot`` keeps them in ``effort_figures``).

- ``effort_rows``: a loaded snapshot with one row per (model, provider, effort) — every effort the data knows, or
  the one asked for;
- ``reasoning_tokens``: the thinking a request of N answer tokens is expected to write.
"""

from __future__ import annotations

import math

import pandas as pd

from .data import EFFORT_METRICS, EFFORTS

NO_THINKING = "none"  # an effort that turns thinking off: no reasoning tokens, whatever the model


def check_effort(effort: str | None) -> None:
    """Raise ValueError unless ``effort`` is None or one of ``EFFORTS``."""
    if effort is not None and effort not in EFFORTS:
        raise ValueError(f"{effort!r} is not a reasoning effort ({', '.join(EFFORTS)})")


def model_efforts(df: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """The efforts each model of a loaded snapshot has figures for, in ``EFFORTS`` order (empty: one variant).

    Example: model_efforts(load_snapshot("latest"))["gpt-oss-120b"] -> ('low', 'high')
    """
    out = {}
    for model, figures in zip(df["model"], df["effort_figures"], strict=True):
        out[model] = tuple(e for e in EFFORTS if any(f.effort == e for f in figures))
    return out


def effort_rows(df: pd.DataFrame, effort: str | None = None) -> pd.DataFrame:
    """``df`` (``load_snapshot``'s) with an ``effort`` column and each row's effort-dependent figures filled in.

    A model whose figures have no effort keeps its one row (``effort`` None). A model measured at several efforts
    gets, with ``effort`` None, one row per effort (in ``EFFORTS`` order); with an ``effort``, the row of that
    effort, and where the data has no figure at that effort, a row of that effort whose effort-dependent figures
    are missing (NaN, "sem dado"), never another effort's.

    Example: effort_rows(load_snapshot("latest"), "high") -> gpt-oss-120b's rows with 197.72 tokens/s and
             10.99 s to the first answer token (Artificial Analysis, 2026-10-10)
    """
    check_effort(effort)
    efforts = model_efforts(df)
    rows = []
    for _, row in df.iterrows():
        own = efforts[row["model"]]
        if not own:
            rows.append(row.to_dict() | {"effort": None})
            continue
        for e in own if effort is None else (effort,):
            out = row.to_dict() | {"effort": e}
            for metric in EFFORT_METRICS:
                out |= {metric: math.nan, f"{metric}_source": None, f"{metric}_as_of": None}
                out[f"{metric}_confidence"] = None
            for f in row["effort_figures"]:
                if f.effort == e:
                    out |= {f.metric: f.value, f"{f.metric}_source": f.source, f"{f.metric}_as_of": f.as_of}
                    out[f"{f.metric}_confidence"] = f.confidence
            rows.append(out)
    out = pd.DataFrame(rows, columns=[*df.columns, "effort"])
    for metric in EFFORT_METRICS:
        out[metric] = out[metric].astype("float64")
    out["effort"] = out["effort"].astype(object).where(out["effort"].notna(), None)
    out.attrs.update(df.attrs)
    return out


def reasoning_tokens(*, answer_tokens: int, reasoning_tokens_per_answer_token: float | None, effort: str | None):
    """The reasoning tokens a request of ``answer_tokens`` is expected to write: ``answer_tokens`` times the
    variant's measured ratio; 0 when the effort is "none" (thinking off); None where nothing was measured (the
    cost then leaves thinking out, and says so).

    Example: reasoning_tokens(answer_tokens=1_000, reasoning_tokens_per_answer_token=12.37, effort="high")
             -> 12370.0
    """
    if effort == NO_THINKING:
        return 0.0
    ratio = reasoning_tokens_per_answer_token
    if ratio is None or ratio != ratio:
        return None
    return answer_tokens * ratio
