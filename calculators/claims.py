"""The article's claims, recomputed from a snapshot.

Each claim carries the figure the article printed and the figure the data gives, so the book can say where
the article holds and where it is off.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .pricing import cost_table, model_prices, price_ratio

REVIEW_INPUT_TOKENS = 3_000  # the article's "review this article": 4,000 tokens at 3 input : 1 output
REVIEW_OUTPUT_TOKENS = 1_000


@dataclass(frozen=True)
class Claim:
    key: str
    text_pt: str  # what the article says, in its words
    article_value: float
    computed_value: float
    unit: str
    tolerance: float  # relative: the claim holds if |computed - article| <= tolerance * article

    @property
    def holds(self) -> bool:
        return abs(self.computed_value - self.article_value) <= self.tolerance * abs(self.article_value)


def _one(df: pd.DataFrame, model: str, column: str, provider: str | None = None) -> float:
    rows = df[df["model"] == model]
    if provider is not None:
        rows = rows[rows["provider"] == provider]
    values = rows[column].dropna().unique()
    if len(values) != 1:
        raise LookupError(f"expected one {column} for {model} {provider or ''}, found {list(values)}")
    return float(values[0])


def review_costs_usd(df: pd.DataFrame) -> pd.Series:
    """Median cost over each model's providers of the article's review (3,000 in + 1,000 out), by model.

    Each row at the price a 3,000-token prompt pays (Gemini's ≤128K tier).
    """
    costs = cost_table(df, input_tokens=REVIEW_INPUT_TOKENS, output_tokens=REVIEW_OUTPUT_TOKENS)
    return costs.groupby("model")["cost_usd"].median()


def provider_speed_ranking(df: pd.DataFrame, model: str) -> pd.DataFrame:
    """Providers of ``model`` by output speed, fastest first, with each one's ratio to the fastest."""
    rows = df.loc[(df["model"] == model) & df["output_tokens_per_s"].notna(), ["provider", "output_tokens_per_s"]]
    rows = rows.sort_values("output_tokens_per_s", ascending=False, ignore_index=True)
    rows["times_slower_than_fastest"] = rows["output_tokens_per_s"].iloc[0] / rows["output_tokens_per_s"]
    return rows


def article_claims(df: pd.DataFrame) -> dict[str, Claim]:
    """Every numeric claim of the article, recomputed from ``df`` (a ``load_snapshot("2024-05")`` frame)."""
    aa = model_prices(df).set_index("model")["aa_blended_usd_per_mtok"]
    review = review_costs_usd(df)
    speeds = provider_speed_ranking(df, "Llama 3 70B")
    groq = _one(df, "Llama 3 70B", "output_tokens_per_s", "Groq")
    gpt4o = _one(df, "GPT-4o", "output_tokens_per_s", "OpenAI")
    groq_blended = (
        3 * _one(df, "Llama 3 70B", "input_usd_per_mtok", "Groq")
        + _one(df, "Llama 3 70B", "output_usd_per_mtok", "Groq")
    ) / 4
    claims = [
        Claim(
            "llama_vs_opus_price",
            "Llama é 33x mais barato que Claude",
            33,
            price_ratio(aa["Claude 3 Opus"], aa["Llama 3 70B"]),
            "x",
            0.05,
        ),
        Claim(
            "llama_vs_gpt4_price",
            "16x mais barato que GPT-4",
            16,
            price_ratio(aa["GPT-4 Turbo"], aa["Llama 3 70B"]),
            "x",
            0.05,
        ),
        Claim(
            "groq_vs_opus_price",
            "USD 0,6 (50x mais barato que Claude)",
            50,
            price_ratio(aa["Claude 3 Opus"], groq_blended),
            "x",
            0.1,
        ),
        Claim("review_opus_usd", "Claude: USD 0,12", 0.12, float(review["Claude 3 Opus"]), "USD", 0.005),
        Claim("review_gpt4_usd", "GPT-4: USD 0,06", 0.06, float(review["GPT-4 Turbo"]), "USD", 0.005),
        Claim("review_llama_usd", "Llama-3: USD 0,004", 0.004, float(review["Llama 3 70B"]), "USD", 0.125),
        Claim(
            "groq_vs_second",
            "2x mais rápido que o segundo provedor",
            2,
            groq / speeds["output_tokens_per_s"].iloc[1],
            "x",
            0.05,
        ),
        Claim("groq_vs_last", "15x que o último", 15, groq / speeds["output_tokens_per_s"].iloc[-1], "x", 0.05),
        Claim("groq_vs_gpt4o", "Até comparando com o GPT4o [...] 3x mais rápido!", 3, groq / gpt4o, "x", 0.05),
        Claim("opus_quality", "Claude 3 Opus teve 74", 74, _one(df, "Claude 3 Opus", "quality_index"), "index", 0.0),
        Claim(
            "llama_quality",
            "Llama [...] teve pontuação de qualidade 88",
            88,
            _one(df, "Llama 3 70B", "quality_index"),
            "index",
            0.0,
        ),
        Claim("gpt4_quality", "GPT4 teve 94", 94, _one(df, "GPT-4 Turbo", "quality_index"), "index", 0.0),
        Claim("gemini_quality", "Gemini, 88", 88, _one(df, "Gemini 1.5 Pro", "quality_index"), "index", 0.0),
    ]
    return {c.key: c for c in claims}


def claims_table(df: pd.DataFrame) -> pd.DataFrame:
    """The claims as a table: what the article says, its figure, the data's figure, and whether it holds."""
    return pd.DataFrame(
        [
            {
                "claim": c.text_pt,
                "article": c.article_value,
                "data": c.computed_value,
                "unit": c.unit,
                "holds": c.holds,
            }
            for c in article_claims(df).values()
        ]
    )
