"""Token ids turned into vectors: a toy embedding table, and the way back.

A real model keeps an embedding table with one row per id of its vocabulary; the rows are numbers learned in
training, so tokens used in similar ways end up with similar rows. This module's table is seeded random numbers:
it shows the mechanics (an id selects a row, the same id always the same row, a vector can be mapped back to the
closest id) and nothing else. Distances between these toy vectors mean nothing.

The table is never materialised: row ``i`` is drawn from a generator seeded with ``(seed, i)``, which is the same
as looking up row ``i`` of a fixed table with as many rows as there are ids.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def embedding_row(token_id: int, *, dim: int = 4, seed: int = 0) -> np.ndarray:
    """Row ``token_id`` of the toy table: ``dim`` numbers, the same every time for the same id and seed.

    Example: embedding_row(10225, dim=3).round(3) -> array([ 0.814,  0.763, -0.368])
    """
    if dim < 1:
        raise ValueError("dim must be at least 1")
    if token_id < 0:
        raise ValueError("token ids are not negative")
    return np.random.default_rng([seed, int(token_id)]).standard_normal(dim)


def embed(ids: Sequence[int], *, dim: int = 4, seed: int = 0) -> np.ndarray:
    """The matrix a sequence of ids becomes: one row per token, ``len(ids) x dim``.

    Example: embed([89191, 11, 10225, 0], dim=3).shape -> (4, 3)
    """
    if len(ids) == 0:
        return np.zeros((0, dim))
    return np.vstack([embedding_row(i, dim=dim, seed=seed) for i in ids])


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of the angle between two vectors: 1 same direction, 0 unrelated, -1 opposite.

    Example: cosine_similarity(np.array([1.0, 0.0]), np.array([2.0, 0.0])) -> 1.0
    """
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    if norm == 0:
        raise ValueError("cosine similarity of a zero vector is undefined")
    return float(np.dot(a, b) / norm)


def nearest_id(vector: np.ndarray, candidate_ids: Sequence[int], *, dim: int = 4, seed: int = 0) -> int:
    """The "unembedding" of the toy: the candidate id whose row points most nearly the same way as ``vector``.

    Example: nearest_id(embedding_row(11, dim=8), [89191, 11, 10225, 0], dim=8) -> 11
    """
    if len(candidate_ids) == 0:
        raise ValueError("no candidate ids")
    scores = [cosine_similarity(vector, embedding_row(i, dim=dim, seed=seed)) for i in candidate_ids]
    return int(candidate_ids[int(np.argmax(scores))])
