"""The toy embedding: an id selects a fixed row; the way back finds the id again."""

import numpy as np
import pytest

from calculators.vectors import cosine_similarity, embed, embedding_row, nearest_id


def test_docstring_values():
    assert embedding_row(10225, dim=3).round(3).tolist() == [0.814, 0.763, -0.368]
    assert embed([89191, 11, 10225, 0], dim=3).shape == (4, 3)
    assert cosine_similarity(np.array([1.0, 0.0]), np.array([2.0, 0.0])) == pytest.approx(1.0)
    assert nearest_id(embedding_row(11, dim=8), [89191, 11, 10225, 0], dim=8) == 11


def test_same_id_same_row_and_seed_matters():
    ids = [5, 7, 5]
    matrix = embed(ids, dim=6, seed=1)
    assert np.array_equal(matrix[0], matrix[2])
    assert not np.array_equal(matrix[0], matrix[1])
    assert np.array_equal(matrix[1], embedding_row(7, dim=6, seed=1))
    assert not np.array_equal(embedding_row(7, dim=6, seed=1), embedding_row(7, dim=6, seed=2))
    assert embed([], dim=6).shape == (0, 6)


def test_bad_arguments():
    with pytest.raises(ValueError):
        embedding_row(1, dim=0)
    with pytest.raises(ValueError):
        embedding_row(-1)
    with pytest.raises(ValueError):
        cosine_similarity(np.zeros(3), np.ones(3))
    with pytest.raises(ValueError):
        nearest_id(np.ones(4), [])


def test_cosine_range_and_round_trip():
    assert cosine_similarity(np.array([1.0, 0.0]), np.array([0.0, 3.0])) == pytest.approx(0.0)
    assert cosine_similarity(np.array([1.0, 1.0]), np.array([-2.0, -2.0])) == pytest.approx(-1.0)
    ids = [89191, 11, 10225, 0, 30, 99]
    for i in ids:
        assert nearest_id(embedding_row(i, dim=16), ids, dim=16) == i
