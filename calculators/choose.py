"""Choosing a model and a provider for a workload: pure summaries, filters and rankings for the book's lab.

A missing figure never passes or fails a constraint silently: a row whose figure is missing gets the status
``sem dado`` and a ``reason`` that names the figure, and it is listed after the rows that fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from . import formatting
from .latency import latency_table
from .pricing import cost_table, model_prices
from .reasoning import EFFORT_PT

DAYS_PER_MONTH = 30

# quality_index is Artificial Analysis' 2024 index, intelligence_index its 2026 one: other tests, another scale.
QUALITY_METRICS = ("quality_index", "mmlu_pct", "humaneval_pct", "mt_bench_score", "intelligence_index")

# What a row's status reads in the book.
FITS = "atende"
FAILS = "não atende"
UNKNOWN = formatting.MISSING_PT
STATUS_ORDER = (FITS, UNKNOWN, FAILS)
NO_THINKING_PT = "custo sem o raciocínio, não medido"

# How the open_weights flag reads in the book.
OPEN_PT = "pesos abertos"
CLOSED_PT = "pesos fechados"


def openness_pt(open_weights) -> str:
    """The open_weights flag in the book's words.

    Example: openness_pt(True) -> 'pesos abertos';  openness_pt(False) -> 'pesos fechados';
             openness_pt(pd.NA) -> 'sem dado'
    """
    if open_weights is None or open_weights is pd.NA or (isinstance(open_weights, float) and math.isnan(open_weights)):
        return UNKNOWN
    return OPEN_PT if bool(open_weights) else CLOSED_PT


def _price_estimated(df: pd.DataFrame) -> pd.Series:
    return (df["input_usd_per_mtok_confidence"] == "estimate") | (df["output_usd_per_mtok_confidence"] == "estimate")


def _first_known(series: pd.Series):
    known = series.dropna()
    return known.iloc[0] if len(known) else None


def model_summary(df: pd.DataFrame) -> pd.DataFrame:
    """One row per model: quality figures (with source, as-of date and confidence), openness, price and speed.

    ``blended_usd_per_mtok`` is the median over the model's providers of the 3:1 blended list price
    (``calculators.pricing.model_prices``), at the base prices of ordinary prompts (not a long-prompt tier);
    ``priced_providers`` says over how many. ``speed_tokens_per_s`` is
    Artificial Analysis' median across providers where the data has it, otherwise the median of the providers'
    own figures; ``speed_basis`` says which ("model median", "provider median" or "missing").
    ``price_has_estimate`` is true when an estimated price entered the median. ``providers`` counts the distinct
    providers.

    Example: model_summary(load_snapshot("2024-05")).set_index("model").loc["Claude 3 Opus", "quality_index"] -> 94.0
    """
    per_model = df.groupby("model", sort=True)
    model_columns = ["creator", "open_weights"]
    for metric in QUALITY_METRICS:
        model_columns += [metric, f"{metric}_source", f"{metric}_as_of", f"{metric}_confidence"]
    model_columns += ["model_output_tokens_per_s", "model_output_tokens_per_s_source"]
    model_columns += ["model_output_tokens_per_s_as_of"]
    out = per_model[model_columns].agg(_first_known)
    for metric in QUALITY_METRICS:
        out[metric] = pd.to_numeric(out[metric], errors="coerce").astype("float64")
    out["open_weights"] = out["open_weights"].astype("boolean")
    out["openness"] = out["open_weights"].map(openness_pt, na_action=None)

    prices = model_prices(df).set_index("model")
    out["blended_usd_per_mtok"] = prices["blended_usd_per_mtok"].reindex(out.index)
    out["priced_providers"] = prices["priced_providers"].reindex(out.index).fillna(0).astype("int64")
    estimated = _price_estimated(df) & df["input_usd_per_mtok"].notna()
    out["price_has_estimate"] = estimated.groupby(df["model"]).any().reindex(out.index, fill_value=False)
    out["providers"] = per_model["provider"].apply(lambda p: len({x for x in p if x}))

    model_speed = pd.to_numeric(out["model_output_tokens_per_s"], errors="coerce").astype("float64")
    provider_median = per_model["output_tokens_per_s"].median()
    out["speed_tokens_per_s"] = model_speed.fillna(provider_median)
    out["speed_basis"] = "missing"
    out.loc[provider_median.notna(), "speed_basis"] = "provider median"
    out.loc[model_speed.notna(), "speed_basis"] = "model median"
    out["fastest_provider_tokens_per_s"] = per_model["output_tokens_per_s"].max()
    out = out.drop(columns=["model_output_tokens_per_s"]).reset_index()
    out.attrs.update(df.attrs)
    return out


@dataclass(frozen=True)
class Spread:
    """How far apart a group of models is on one metric (``missing``: models of the group without the figure)."""

    metric: str
    low_model: str | None
    low_value: float
    high_model: str | None
    high_value: float
    models: tuple[str, ...]
    missing: tuple[str, ...]
    low_models: tuple[str, ...] = ()  # every model tied at the low value, by name
    high_models: tuple[str, ...] = ()  # every model tied at the high value, by name

    @property
    def spread(self) -> float:
        return self.high_value - self.low_value


def metric_spread(summary: pd.DataFrame, metric: str, *, models) -> Spread:
    """Highest minus lowest ``metric`` among ``models`` (rows of ``model_summary``); NaN with fewer than two figures.

    Example: metric_spread(summary, "mmlu_pct", models=["GPT-4 Turbo", "Claude 3 Opus"]) -> 87 - 86 = 1.0
    """
    if metric not in summary.columns:
        raise KeyError(f"unknown metric {metric!r}")
    wanted = list(dict.fromkeys(models))
    rows = summary[summary["model"].isin(wanted)]
    known = rows.dropna(subset=[metric]).sort_values([metric, "model"])
    missing = tuple(m for m in wanted if m not in set(known["model"]))
    if len(known) < 2:
        return Spread(metric, None, math.nan, None, math.nan, tuple(known["model"]), missing)
    low, high = known.iloc[0], known.iloc[-1]
    return Spread(
        metric,
        low["model"],
        float(low[metric]),
        high["model"],
        float(high[metric]),
        tuple(known["model"]),
        missing,
        low_models=tuple(known.loc[known[metric] == low[metric], "model"]),
        high_models=tuple(known.loc[known[metric] == high[metric], "model"]),
    )


def top_models(summary: pd.DataFrame, *, n: int, by: str = "quality_index") -> list[str]:
    """The ``n`` models with the highest ``by`` (ties broken by name); models without the figure never count.

    Example: top_models(model_summary(load_snapshot("2024-05")), n=1) -> ['GPT-4o']
    """
    if n < 0:
        raise ValueError(f"n cannot be negative ({n})")
    known = summary.dropna(subset=[by]).sort_values([by, "model"], ascending=[False, True])
    return list(known["model"].head(n))


def group_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Open-weights models against closed ones: one row per group (``pesos abertos``, ``fechado``, ``sem dado``).

    Columns: ``models`` (how many), ``median_blended_usd_per_mtok`` (median over the group's models of each
    model's median blended price), ``median_speed_tokens_per_s`` (median of the models' speeds),
    ``max_quality_index`` and ``best_model`` (the highest quality index and its model), ``cheapest_model`` and
    ``fastest_model``. Missing figures are left out of medians and maxima, never counted as zero.

    Example: group_summary(load_snapshot("2024-05")).loc["pesos fechados", "best_model"] -> 'GPT-4o'
    """
    summary = model_summary(df)
    rows = {}
    for group, part in summary.groupby("openness", sort=False):

        def best(column, *, highest, part=part):
            known = part.dropna(subset=[column])
            if known.empty:
                return None, math.nan
            row = known.sort_values([column, "model"], ascending=[not highest, True]).iloc[0]
            return row["model"], float(row[column])

        best_model, max_quality = best("quality_index", highest=True)
        cheapest_model, _ = best("blended_usd_per_mtok", highest=False)
        fastest_model, _ = best("speed_tokens_per_s", highest=True)
        rows[group] = {
            "models": len(part),
            "median_blended_usd_per_mtok": part["blended_usd_per_mtok"].median(),
            "median_speed_tokens_per_s": part["speed_tokens_per_s"].median(),
            "max_quality_index": max_quality,
            "best_model": best_model,
            "cheapest_model": cheapest_model,
            "fastest_model": fastest_model,
        }
    order = [g for g in (OPEN_PT, CLOSED_PT, UNKNOWN) if g in rows]
    out = pd.DataFrame.from_dict(rows, orient="index").loc[order]
    out.index.name = "openness"
    out.attrs.update(df.attrs)
    return out


RANK_BY = {
    "monthly_cost_usd": True,  # cheapest first
    "e2e_s": True,  # fastest answer first
    "quality": False,  # best first
}


def _check_number(name: str, value, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise TypeError(f"{name} must be a number, not {value!r}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative ({value})")


def _fmt(value: float) -> str:
    """A limit or a figure as typed, with a decimal comma (the shortest repr, as JavaScript's ``String(x)``).

    Example: _fmt(5.0) -> '5';  _fmt(2.5) -> '2,5'
    """
    value = float(value)
    text = str(int(value)) if value.is_integer() else repr(value)
    return text.replace(".", ",")


def tenths(value: float) -> float:
    """``value`` rounded to one decimal, a tie upwards: the twin of the page's ``round(x * 10) / 10``.

    Example: tenths(6.25) -> 6.3 (Python's round(6.25, 1) gives the even 6.2)
    """
    scaled = value * 10
    whole = math.floor(scaled)
    if scaled - whole >= 0.5:
        whole += 1
    return whole / 10


def response_time_check(*, ttft_s: float, generation_s: float, e2e_s: float, max_e2e_s: float) -> tuple[str, str]:
    """Whether an answer is complete within ``max_e2e_s`` seconds: ``(status, reason)``, reason empty when it fits.

    The whole time is the time to first token plus the generation. When one of the two is missing, the other is
    still a lower bound of the whole (neither is negative): if it alone breaks the limit, the row fails; only
    otherwise is the answer "sem dado".

    Example: response_time_check(ttft_s=nan, generation_s=6.25, e2e_s=nan, max_e2e_s=5)
             -> ('não atende', 'só a geração já leva 6,3 s > 5 s')
    """
    limit = _fmt(max_e2e_s)
    if not math.isnan(e2e_s):
        if e2e_s > max_e2e_s:
            return FAILS, f"tempo de resposta {number_pt(tenths(e2e_s), 1)} s > {limit} s"
        return FITS, ""
    if not math.isnan(generation_s) and generation_s > max_e2e_s:
        return FAILS, f"só a geração já leva {number_pt(tenths(generation_s), 1)} s > {limit} s"
    if not math.isnan(ttft_s) and ttft_s > max_e2e_s:
        return FAILS, f"só o primeiro token já leva {number_pt(tenths(ttft_s), 1)} s > {limit} s"
    what = "tempo até o primeiro token" if math.isnan(ttft_s) else "velocidade"
    return UNKNOWN, f"tempo de resposta: sem dado ({what})"


def choose(
    df: pd.DataFrame,
    *,
    input_tokens: int,
    output_tokens: int,
    requests_per_day: float,
    min_quality: float | None = None,
    max_e2e_s: float | None = None,
    open_weights: bool | None = None,
    quality_metric: str = "quality_index",
    days_per_month: float = DAYS_PER_MONTH,
    rank_by: str = "monthly_cost_usd",
    on: str | None = None,
) -> pd.DataFrame:
    """Every (model, provider) row of ``df`` checked against a workload and constraints, the ones that fit ranked.

    The workload: ``requests_per_day`` identical requests of ``input_tokens`` in and ``output_tokens`` out, for
    ``days_per_month`` days. The constraints (``None`` = no constraint): quality at least ``min_quality`` on
    ``quality_metric``; an answer complete within ``max_e2e_s`` seconds (``calculators.latency``: time to first
    token plus ``output_tokens`` at the row's speed); open weights (``True``) or closed (``False``). A request must
    also fit the context window (``input_tokens + output_tokens <= context_window_tokens``), and a row needs a
    price to be ranked.

    Each row gets a ``status``: ``atende`` (every check passes), ``não atende`` (a known figure breaks a
    constraint; a known part of the response time, the generation alone or the wait for the first token alone,
    already over the limit counts) or ``sem dado`` (nothing fails, but a figure a check needs is missing);
    ``reason`` says why in Portuguese, ``notes`` flags estimated prices and speeds that are the model's median
    rather than the provider's own. Rows that fit come first, ranked by ``rank_by`` (``monthly_cost_usd``, ``e2e_s`` or
    ``quality``) with ``rank`` 1, 2, ...; then ``sem dado``, then ``não atende`` (``rank`` missing).

    ``on`` (YYYY-MM-DD) is the day the requests are sent: scheduled prices apply from their day (``cost_table``;
    None: the snapshot's own date).

    Example: 1_000 requests/day of 3_000 in + 1_000 out, quality >= 90, answer within 30 s
             -> Claude 3 Opus on Anthropic: 0.12 USD a request, 3_600 USD a month, 1.13 + 1_000 / 28 = 36.8 s:
                não atende ("tempo de resposta 36,8 s > 30 s")
    """
    for name, value in (("requests_per_day", requests_per_day), ("days_per_month", days_per_month)):
        _check_number(name, value)
    _check_number("min_quality", min_quality, allow_none=True)
    _check_number("max_e2e_s", max_e2e_s, allow_none=True)
    if open_weights is not None and not isinstance(open_weights, bool):
        raise TypeError(f"open_weights must be True, False or None, not {open_weights!r}")
    if quality_metric not in QUALITY_METRICS:
        raise ValueError(f"quality_metric must be one of {', '.join(QUALITY_METRICS)}, not {quality_metric!r}")
    if rank_by not in RANK_BY:
        raise ValueError(f"rank_by must be one of {', '.join(RANK_BY)}, not {rank_by!r}")

    costs = cost_table(df, input_tokens=input_tokens, output_tokens=output_tokens, on=on)
    times = latency_table(df, output_tokens=output_tokens)
    out = pd.DataFrame(
        {
            "model": df["model"],
            "provider": df["provider"],
            "effort": df["effort"] if "effort" in df else None,
            "open_weights": df["open_weights"].astype("boolean"),
            "quality": pd.to_numeric(df[quality_metric], errors="coerce").astype("float64"),
            "cost_usd": costs["cost_usd"],
            "reasoning_tokens": costs["reasoning_tokens"],
            "cost_includes_reasoning": costs["cost_includes_reasoning"],
            "monthly_cost_usd": costs["cost_usd"] * requests_per_day * days_per_month,
            "blended_usd_per_mtok": costs["blended_usd_per_mtok"],
            "ttft_s": times["ttft_s"],
            "speed_tokens_per_s": times["speed_tokens_per_s"],
            "speed_basis": times["speed_basis"],
            "generation_s": times["generation_s"],
            "e2e_s": times["e2e_s"],
            "context_window_tokens": df["context_window_tokens"].astype("Float64").astype("float64"),
        }
    )
    out.attrs.update(df.attrs)
    out.attrs.update(
        quality_metric=quality_metric,
        input_tokens=int(input_tokens),
        output_tokens=int(output_tokens),
        requests_per_day=requests_per_day,
        days_per_month=days_per_month,
    )
    request_tokens = int(input_tokens) + int(output_tokens)
    price_estimated = _price_estimated(df)

    statuses, reasons, notes = [], [], []
    for i, row in enumerate(out.itertuples(index=False)):
        failed, unknown = [], []
        if open_weights is not None:
            if row.open_weights is pd.NA:
                unknown.append("pesos abertos: sem dado")
            elif bool(row.open_weights) != open_weights:
                failed.append(f"{openness_pt(row.open_weights)} (pedido: {openness_pt(open_weights)})")
        if min_quality is not None:
            if math.isnan(row.quality):
                unknown.append("qualidade: sem dado")
            elif row.quality < min_quality:
                failed.append(f"qualidade {_fmt(row.quality)} < {_fmt(min_quality)}")
        if max_e2e_s is not None:
            verdict, text = response_time_check(
                ttft_s=row.ttft_s, generation_s=row.generation_s, e2e_s=row.e2e_s, max_e2e_s=max_e2e_s
            )
            if verdict == FAILS:
                failed.append(text)
            elif verdict == UNKNOWN:
                unknown.append(text)
        if math.isnan(row.context_window_tokens):
            unknown.append("janela de contexto: sem dado")
        elif request_tokens > row.context_window_tokens:
            failed.append(
                f"{number_pt(request_tokens, 0)} tokens > janela de {number_pt(row.context_window_tokens, 0)}"
            )
        if math.isnan(row.cost_usd):
            unknown.append("preço: sem dado")
        statuses.append(FAILS if failed else UNKNOWN if unknown else FITS)
        reasons.append("; ".join(failed + unknown))
        note = []
        if price_estimated.iloc[i]:
            note.append("preço estimado")
        if row.speed_basis == "model median":
            note.append("velocidade: mediana do modelo")
        notes.append("; ".join(note))
    out["status"] = statuses
    out["reason"] = reasons
    out["notes"] = notes
    # A reasoning model's cost counts its expected thinking where measured; where not, the row says so.
    thinking = ~out["cost_includes_reasoning"] & out["cost_usd"].notna()
    out.loc[thinking, "notes"] = [f"{n}; {NO_THINKING_PT}" if n else NO_THINKING_PT for n in out.loc[thinking, "notes"]]

    key = rank_by
    ascending = RANK_BY[rank_by]
    tiebreak = [c for c in ("monthly_cost_usd", "e2e_s", "quality") if c != key]
    order = pd.Categorical(out["status"], categories=STATUS_ORDER, ordered=True)
    out = (
        out.assign(_status_order=order)
        .sort_values(
            ["_status_order", key, *tiebreak, "model", "provider"],
            ascending=[True, ascending, *[RANK_BY[c] for c in tiebreak], True, True],
            na_position="last",
            kind="stable",
        )
        .drop(columns="_status_order")
        .reset_index(drop=True)
    )
    fits = out["status"] == FITS
    out.insert(0, "rank", pd.array([pd.NA] * len(out), dtype="Int64"))
    out.loc[fits, "rank"] = range(1, int(fits.sum()) + 1)
    return out


def number_pt(value, decimals: int = 2, suffix: str = "") -> str:
    """A number with a Brazilian decimal comma; a missing value reads "sem dado".

    Example: number_pt(1234.5, 1, " s") -> '1.234,5 s';  number_pt(float("nan")) -> 'sem dado'
    """
    return formatting.number_pt(value, decimals, suffix)


def usd_text(value, decimals: int = 2) -> str:
    """US dollars with a Brazilian decimal comma; a missing value reads "sem dado".

    Example: usd_text(3600) -> 'US$ 3.600,00'
    """
    return formatting.usd_pt(value, decimals)


def response_times(df: pd.DataFrame, *, output_tokens: int, model: str | None = None) -> pd.DataFrame:
    """Response time of an answer of ``output_tokens`` tokens per (model, provider), fastest complete answer first.

    ``calculators.latency.latency_table`` does the arithmetic; rows without a time to first token (``e2e_s``
    missing) come after the others, ordered by generation time. ``model`` keeps one model's providers only.

    Example: response_times(df, output_tokens=500).iloc[0] -> the fastest answer with a known time to first token
    """
    table = latency_table(df, output_tokens=output_tokens)
    if model is not None:
        if model not in set(table["model"]):
            raise KeyError(f"unknown model {model!r}")
        table = table[table["model"] == model]
    columns = [
        "model",
        "provider",
        "ttft_s",
        "speed_tokens_per_s",
        "speed_basis",
        "generation_s",
        "e2e_s",
        "ttft_s_source",
        "output_tokens_per_s_source",
    ]
    out = table.sort_values(["e2e_s", "generation_s", "model", "provider"], na_position="last", kind="stable")
    out = out[columns].reset_index(drop=True)
    out.attrs.update(df.attrs, output_tokens=int(output_tokens))
    return out


SPEED_BASIS_TEXT = {
    "provider": "do provedor",
    "model median": "mediana do modelo",
    "provider median": "mediana dos provedores",
    "missing": UNKNOWN,
}


def response_times_display(view: pd.DataFrame) -> pd.DataFrame:
    """``response_times`` for reading: Portuguese headers, decimal commas, "sem dado" where a figure is missing."""
    return pd.DataFrame(
        {
            "modelo": view["model"],
            "provedor": view["provider"].replace("", UNKNOWN),
            "1º token": [number_pt(v, 2, " s") for v in view["ttft_s"]],
            "tokens/s": [number_pt(v, 0) for v in view["speed_tokens_per_s"]],
            "velocidade": view["speed_basis"].map(SPEED_BASIS_TEXT),
            "geração": [number_pt(v, 2, " s") for v in view["generation_s"]],
            "resposta completa": [number_pt(v, 2, " s") for v in view["e2e_s"]],
        }
    )


def model_effort_pt(view: pd.DataFrame) -> list[str]:
    """Each row's model, with its reasoning effort where it has one ("GPT-6 Astra · baixo")."""
    efforts = view["effort"] if "effort" in view else [None] * len(view)
    return [m if e is None or e != e else f"{m} · {EFFORT_PT[e]}" for m, e in zip(view["model"], efforts, strict=True)]


def choose_display(view: pd.DataFrame) -> pd.DataFrame:
    """``choose`` for reading: Portuguese headers, decimal commas, "sem dado" where a figure is missing."""
    return pd.DataFrame(
        {
            "#": ["—" if r is pd.NA else str(r) for r in view["rank"]],
            "modelo": model_effort_pt(view),
            "provedor": view["provider"].replace("", UNKNOWN),
            "situação": view["status"],
            "custo por mês": [usd_text(v) for v in view["monthly_cost_usd"]],
            "resposta completa": [number_pt(v, 1, " s") for v in view["e2e_s"]],
            "qualidade": [number_pt(v, 0) for v in view["quality"]],
            "pesos": [openness_pt(v) for v in view["open_weights"]],
            "por quê": view["reason"],
            "atenção": view["notes"],
        }
    )
