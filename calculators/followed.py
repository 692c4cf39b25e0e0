"""The models the course follows for its current snapshot, and what each source calls them.

The list is data, ``data/followed_models.csv``, one row per (model, source id):

    model,creator,tokenizer,source,provider_id,source_id
    Llama 3.3 70B,Meta,llama3,genai-prices,groq,llama-3.3-70b-versatile

``source`` is ``genai-prices`` (``provider_id`` is then its provider id, e.g. ``groq``), ``openrouter`` or
``artificialanalysis`` (``provider_id`` empty). An optional last column, ``effort``, names the reasoning effort
of an Artificial Analysis variant: AA lists a model once per effort ("gpt-oss-120B (low)", slug
``gpt-oss-120b-low``), and the course maps each slug to its model and effort explicitly, never by a name's prefix.

``load_followed_models`` validates the file the way
``calculators.data`` validates a snapshot and returns one ``CatalogModel`` per model, in the order of each
model's first row, with its ids in row order. ``calculators.refresh`` keeps only these models.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from .data import EFFORTS, _fail, _read_csv
from .paths import DATA_DIR
from .tokens import TOKENIZERS

SOURCES = ("genai-prices", "openrouter", "artificialanalysis")
FOLLOWED_COLUMNS = ["model", "creator", "tokenizer", "source", "provider_id", "source_id"]
EFFORT_COLUMN = "effort"  # optional: an Artificial Analysis variant's reasoning effort
FOLLOWED_MODELS_CSV = DATA_DIR / "followed_models.csv"


@dataclass(frozen=True)
class CatalogModel:
    """One model of the current snapshot and its identifiers in each source.

    ``genai`` maps a genai-prices provider id to that provider's model id; ``openrouter`` is OpenRouter's id;
    ``aa`` are Artificial Analysis slugs and ``aa_efforts`` the reasoning effort of each ("" for a model AA lists
    once, with no effort).
    """

    name: str
    creator: str
    tokenizer: str
    genai: tuple[tuple[str, str], ...] = ()
    openrouter: str | None = None
    aa: tuple[str, ...] = ()
    aa_efforts: tuple[str, ...] = ()

    def aa_variants(self) -> tuple[tuple[str, str], ...]:
        """``(slug, effort)`` of each Artificial Analysis variant ("" effort where none is named)."""
        efforts = self.aa_efforts or ("",) * len(self.aa)
        return tuple(zip(self.aa, efforts, strict=True))


def load_followed_models(
    path: Path = FOLLOWED_MODELS_CSV, *, genai_providers: Collection[str] | None = None
) -> tuple[CatalogModel, ...]:
    """The followed models of ``path``, validated; a bad row raises ``DataError`` naming the file, row and column.

    Checks: at least one row; every column filled (``provider_id`` only, and always, for ``genai-prices``); a
    known source and tokenizer; the same creator and tokenizer on every row of a model; at most one OpenRouter id
    a model; no duplicate (model, source, provider_id, source_id). With ``genai_providers``, a genai-prices
    ``provider_id`` must be one of them.

    Example: a file with the rows (header, then)
        Llama 3.3 70B,Meta,llama3,genai-prices,groq,llama-3.3-70b-versatile
        Llama 3.3 70B,Meta,llama3,openrouter,,meta-llama/llama-3.3-70b-instruct
    -> (CatalogModel('Llama 3.3 70B', 'Meta', 'llama3', (('groq', 'llama-3.3-70b-versatile'),),
                     'meta-llama/llama-3.3-70b-instruct', ()),)
    """
    models: dict[str, dict] = {}
    seen: dict[tuple[str, str, str, str], int] = {}
    for line, row in _read_csv(path, FOLLOWED_COLUMNS):
        for col in ("model", "creator", "tokenizer", "source", "source_id"):
            if not row[col]:
                raise _fail(path, line, col, "empty")
        source, provider_id = row["source"], row["provider_id"]
        if source not in SOURCES:
            raise _fail(path, line, "source", f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
        if row["tokenizer"] not in TOKENIZERS:
            raise _fail(path, line, "tokenizer", f"unknown tokenizer {row['tokenizer']!r}")
        if source == "genai-prices":
            if not provider_id:
                raise _fail(path, line, "provider_id", "empty (genai-prices ids need the provider's id)")
            if genai_providers is not None and provider_id not in genai_providers:
                raise _fail(
                    path,
                    line,
                    "provider_id",
                    f"unknown genai-prices provider {provider_id!r}; known: {', '.join(sorted(genai_providers))}",
                )
        elif provider_id:
            raise _fail(path, line, "provider_id", f"{provider_id!r} given for {source} (only genai-prices has one)")
        effort = row.get(EFFORT_COLUMN) or ""
        if effort and source != "artificialanalysis":
            raise _fail(path, line, EFFORT_COLUMN, f"an effort given for {source} (only Artificial Analysis has them)")
        if effort and effort not in EFFORTS:
            raise _fail(path, line, EFFORT_COLUMN, f"{effort!r} is not one of {', '.join(EFFORTS)}")
        key = (row["model"], source, provider_id, row["source_id"])
        if key in seen:
            raise _fail(path, line, "source_id", f"duplicate {key} (first on row {seen[key]})")
        seen[key] = line
        model = models.get(row["model"])
        if model is None:
            model = models[row["model"]] = {
                "line": line,
                "creator": row["creator"],
                "tokenizer": row["tokenizer"],
                "genai": [],
                "openrouter": None,
                "aa": [],
                "aa_efforts": [],
            }
        for col in ("creator", "tokenizer"):
            if row[col] != model[col]:
                raise _fail(
                    path, line, col, f"{row[col]!r} differs from {model[col]!r} on row {model['line']} (same model)"
                )
        if source == "genai-prices":
            model["genai"].append((provider_id, row["source_id"]))
        elif source == "openrouter":
            if model["openrouter"] is not None:
                raise _fail(path, line, "source_id", f"a second OpenRouter id for {row['model']!r} (one id a model)")
            model["openrouter"] = row["source_id"]
        else:
            if effort in model["aa_efforts"] or (model["aa"] and "" in (effort, *model["aa_efforts"])):
                raise _fail(
                    path,
                    line,
                    EFFORT_COLUMN,
                    f"{row['model']!r}: each Artificial Analysis variant needs its own effort "
                    "(or the model has one variant, without one)",
                )
            model["aa"].append(row["source_id"])
            model["aa_efforts"].append(effort)
    if not models:
        raise _fail(path, None, None, "no rows: the course would follow no model")
    return tuple(
        CatalogModel(
            name,
            m["creator"],
            m["tokenizer"],
            tuple(m["genai"]),
            m["openrouter"],
            tuple(m["aa"]),
            tuple(m["aa_efforts"]),
        )
        for name, m in models.items()
    )
