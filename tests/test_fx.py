"""Exchange rates: the data's schema, the default-rate rule and the conversion."""

import math

import pandas as pd
import pytest

from calculators.data import DataError
from calculators.fx import FX_COLUMNS, default_usd_brl, load_usd_brl, usd_to_brl


def test_shipped_rates_are_valid_and_sourced():
    rates = load_usd_brl()
    assert list(rates.columns) == FX_COLUMNS
    assert len(rates) >= 1
    assert (rates["brl_per_usd"] > 0).all()
    assert rates["source"].str.startswith("http").all()
    assert rates["date"].is_monotonic_increasing


def test_default_rate_for_the_article_and_for_today():
    rate = default_usd_brl("2024-05-21")
    assert rate is not None
    assert rate.date <= "2024-05-21"
    assert rate.brl_per_usd == pytest.approx(5.1356)  # PTAX sell of 2024-05-14, as the CSV's source reports it
    assert "PTAX" in rate.description_pt and "/".join(reversed(rate.date.split("-"))) in rate.description_pt
    assert default_usd_brl("2024-05") is not None  # a month stands for its last day
    assert default_usd_brl("2026-11-26") is None  # too old to be a default: the reader types a rate
    assert default_usd_brl("2024-01-01") is None  # nothing before it


def test_conversion():
    assert usd_to_brl(0.12, brl_per_usd=5.0) == pytest.approx(0.6)
    assert math.isnan(usd_to_brl(0.12, brl_per_usd=None))
    series = usd_to_brl(pd.Series([1.0, float("nan")]), brl_per_usd=5.0)
    assert series.iloc[0] == 5.0 and math.isnan(series.iloc[1])
    assert usd_to_brl(pd.Series([1.0]), brl_per_usd=None).isna().all()
    for bad in (0, -1.0, float("inf")):
        with pytest.raises(ValueError):
            usd_to_brl(1.0, brl_per_usd=bad)
    with pytest.raises(TypeError):
        usd_to_brl(1.0, brl_per_usd="5")


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("2024-05-14,-5.1,ptax_sell,secondary,https://x,", "brl_per_usd"),
        ("2024-05-14,abc,ptax_sell,secondary,https://x,", "brl_per_usd"),
        ("2024-13-14,5.1,ptax_sell,secondary,https://x,", "date"),
        ("2999-01-01,5.1,ptax_sell,secondary,https://x,", "date"),
        ("2024-05-14,5.1,spot,secondary,https://x,", "rate"),
        ("2024-05-14,5.1,ptax_sell,missing,https://x,", "confidence"),
        ("2024-05-14,5.1,ptax_sell,secondary,,", "source"),
        ("2024-05-14,5.1,ptax_sell,secondary,javascript:alert(1),", "source"),
        ('2024-05-14,5.1,ptax_sell,secondary,"data:text/html;base64,PHNjcmlwdD4=",', "source"),
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path, row, column):
    path = tmp_path / "usd_brl.csv"
    path.write_text(",".join(FX_COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"usd_brl.csv: row 2, column '{column}'"):
        load_usd_brl(path)


def test_duplicate_dates_rejected(tmp_path):
    path = tmp_path / "usd_brl.csv"
    line = "2024-05-14,5.1,ptax_sell,secondary,https://x,\n"
    path.write_text(",".join(FX_COLUMNS) + "\n" + line + line, encoding="utf-8")
    with pytest.raises(DataError, match="row 3, column 'date'.*duplicate"):
        load_usd_brl(path)
