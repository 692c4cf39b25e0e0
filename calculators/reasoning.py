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
from .latency import latency_table

NO_THINKING = "none"  # an effort that turns thinking off: no reasoning tokens, whatever the model
# What a reader sees (the chapters' tables, the page's menu); the ids stay in the JSON and the CLI.
EFFORT_PT = {
    "none": "sem raciocínio",
    "minimal": "mínimo",
    "low": "baixo",
    "medium": "médio",
    "high": "alto",
    "xhigh": "muito alto",
    "max": "máximo",
}


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
    for column in df.columns:  # keep each column's type (whole numbers, booleans with missing values...)
        out[column] = out[column].astype(df[column].dtype)
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


def effort_summary(df: pd.DataFrame, *, output_tokens: int) -> pd.DataFrame:
    """One row per (model, effort) of a loaded snapshot: its model-level time to first token (``model_ttft_s``),
    time to first answer token (``ttft_s``), speed, the time of an answer of ``output_tokens``
    (``latency.latency_table``'s ``e2e_s``), Intelligence Index, reasoning tokens per answer token, and the as-of
    date of its time. For a snapshot whose times are the model's medians across providers (Artificial Analysis'):
    the first provider row of each (model, effort) stands for all of them.

    Example: effort_summary(load_snapshot("latest"), output_tokens=500) -> GPT-6 Astra, low: 2.61 s to the first
             answer token, 42.78 tokens/s, 14.30 s for 500 tokens; max: 388.29 s, 398.78 s
    """
    rows = effort_rows(df).drop_duplicates(["model", "effort"])
    times = latency_table(rows, output_tokens=output_tokens)
    columns = [
        "model",
        "effort",
        "model_ttft_s",
        "ttft_s",
        "speed_tokens_per_s",
        "e2e_s",
        "intelligence_index",
        "reasoning_tokens_per_answer_token",
        "model_ttfat_s_as_of",
    ]
    out = times[columns].reset_index(drop=True)
    out.attrs.update(df.attrs, output_tokens=int(output_tokens))
    return out


def _extremes(rows: pd.DataFrame, known: str, columns: dict[str, str]) -> pd.DataFrame:
    """Per model of ``rows`` (one row per (model, effort), in ``EFFORTS`` order): the ``columns`` (source -> name
    stem) at the lowest and the highest effort where ``known`` is not missing, highest ``known`` first."""
    out = []
    for model, group in rows.groupby("model", sort=True):
        measured = group[group[known].notna()]
        low, high = (measured.iloc[0], measured.iloc[-1]) if len(measured) else (None, None)
        row = {"model": model, "n_efforts": len(measured)}
        for which, r in (("low", low), ("high", high)):
            row[f"effort_{which}"] = None if r is None else r["effort"]
            for source, stem in columns.items():
                row[f"{stem}_{which}"] = math.nan if r is None else r[source]
        row["as_of"] = None if high is None else high[f"{known}_as_of"]
        out.append(row)
    table = pd.DataFrame(out)
    key = f"{columns[known]}_high"
    table = table.sort_values([key, "model"], ascending=[False, True], na_position="last").reset_index(drop=True)
    table.attrs.update(rows.attrs)
    return table


def index_by_model(df: pd.DataFrame) -> pd.DataFrame:
    """One row per model of a loaded snapshot: its Intelligence Index at the lowest and the highest effort measured
    (``index_low``, ``effort_low``, ``index_high``, ``effort_high``; the same for a model with one variant), the
    efforts with an index (``n_efforts``) and the index's as-of date; highest index first, models without one last.

    Example: index_by_model(load_snapshot("latest")).iloc[0] -> Claude Opus 5.5: 42.3 (low) to 57.6 (max)
    """
    rows = effort_rows(df).drop_duplicates(["model", "effort"])
    return _extremes(rows, "intelligence_index", {"intelligence_index": "index"})


def wait_by_model(df: pd.DataFrame, *, output_tokens: int) -> pd.DataFrame:
    """One row per model of a loaded snapshot: at the lowest and the highest effort with a measured time, the time
    to the first answer token (``ttfat_low``/``_high``), the speed and the time of an answer of ``output_tokens``
    (``e2e_low``/``_high``), from ``effort_summary``; longest wait first, models without a time last.

    Example: wait_by_model(load_snapshot("latest"), output_tokens=500) -> GPT-6 Astra: 14.3 s (low) to
             398.8 s (max)
    """
    rows = effort_summary(df, output_tokens=output_tokens).rename(columns={"model_ttfat_s_as_of": "e2e_s_as_of"})
    columns = {"e2e_s": "e2e", "ttft_s": "ttfat", "speed_tokens_per_s": "speed"}
    return _extremes(rows, "e2e_s", columns)
