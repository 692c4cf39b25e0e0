"""Your own measurements: what ``python -m calculators bench --save`` recorded, in the dataset's schema.

The file is ``data/measurements/measurements.csv`` with the columns of ``figures.csv`` (model, provider, metric,
value, as_of, confidence, source, note). It is a log: each saved bench adds one row per metric (the medians of
its runs), so the same (model, provider, metric) may appear on several dates. The source names the endpoint's
host and never a key.

Confidence is ``measured`` (a real endpoint) or ``simulated`` (the course's practice server, ``python -m
calculators practice-server``, which ``bench`` recognises by its ``X-LLMS101-Simulated`` header); any other label
is refused. ``simulated`` is for this file only: a snapshot's ``figures.csv`` never accepts it
(``calculators.data.CONFIDENCE``). A simulated row keeps the API model id (never a dataset model's name), its
provider defaults to "servidor de prática (simulado)", and its source and note say it is a simulation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from . import data as _data
from .data import FIGURE_COLUMNS, METRICS, DataError, _fail, _parse_date, _parse_value, _read_csv
from .locking import write_lock

MEASURED_METRICS = ("ttft_s", "output_tokens_per_s")
# The provider ``bench --save`` records for a run the practice server answered (``calculators.practice``).
PRACTICE_PROVIDER_PT = "servidor de prática (simulado)"
# The confidence labels of a measurement row (a snapshot's figures use calculators.data.CONFIDENCE).
MEASUREMENT_CONFIDENCE = {
    "measured": "measured by a reader with `python -m calculators bench` against a real endpoint",
    "simulated": "measured with `bench` against the course's practice server: a simulation, not a provider's figure",
}


def measurements_path() -> Path:
    """Where the measurements live: ``data/measurements/measurements.csv`` beside ``data/snapshots``."""
    return _data.SNAPSHOT_DIR.parent / "measurements" / "measurements.csv"


def load_measurements(path: Path | None = None) -> pd.DataFrame:
    """The saved measurements, validated, one figure a row (empty, with the columns, if none were saved).

    Example: load_measurements().query("metric == 'output_tokens_per_s'")[["model", "provider", "value"]]
    """
    path = path or measurements_path()
    if not path.is_file():
        return pd.DataFrame(columns=[*FIGURE_COLUMNS, "row"])
    rows = [_checked_row(row, path, line) for line, row in _read_csv(path, FIGURE_COLUMNS)]
    return pd.DataFrame(rows, columns=[*FIGURE_COLUMNS, "row"])


def _checked_row(row: dict[str, str], path: Path, line: int) -> dict:
    """One measurement row, validated (``path`` and ``line`` name it in the error)."""
    for col in ("model", "provider", "metric", "value", "source"):
        if not row[col]:
            raise _fail(path, line, col, "empty")
    metric = METRICS.get(row["metric"])
    if metric is None or metric.kind != "float":
        raise _fail(path, line, "metric", f"{row['metric']!r} is not a measurable metric")
    if row["confidence"] not in MEASUREMENT_CONFIDENCE:
        raise _fail(
            path,
            line,
            "confidence",
            f"{row['confidence']!r}: a measurement is {' or '.join(map(repr, MEASUREMENT_CONFIDENCE))}",
        )
    _parse_date(row["as_of"], path, line, "as_of")
    value = _parse_value(metric, row["value"], path, line)
    return {**row, "value": value, "row": line}


def measurement_rows(report, *, provider: str | None = None, today: dt.date | None = None) -> list[dict[str, str]]:
    """Rows for a ``bench`` report: the median time to first token and output speed, with the run details;
    confidence ``simulated`` when the practice server answered (``report.simulated``), else ``measured``."""
    day = (today or dt.date.today()).isoformat()
    simulated = report.simulated
    model = report.model if simulated else report.dataset_model or report.model
    provider = provider or (PRACTICE_PROVIDER_PT if simulated else report.endpoint_host)
    tool = (
        "python -m calculators practice-server (simulated), timed by bench"
        if simulated
        else "python -m calculators bench"
    )
    source = f"{tool}, endpoint {report.endpoint_host}"
    ok = [r for r in report.runs if r.ok]
    counted = any(r.tokens_counted for r in ok)
    e2e = report.stat("e2e_s")["median"]
    rows = []
    for metric in MEASURED_METRICS:
        stat = report.stat(metric)
        if stat["median"] is None:
            continue
        note = (
            ("simulated by the course's practice server, not a provider's figure; " if simulated else "")
            + f"median of {len(ok)} runs ({report.failed_runs} failed); p90 {stat['p90']:.4g}; "
            f"median end-to-end {e2e:.4g} s; API model id {report.model!r}; output tokens "
            + (f"counted with {report.tokenizer}" if counted else "from the stream's usage")
        )
        rows.append(
            {
                "model": model,
                "provider": provider,
                "metric": metric,
                "value": f"{stat['median']:.4g}",
                "as_of": day,
                "confidence": "simulated" if simulated else "measured",
                "source": source,
                "note": note,
            }
        )
    return rows


def _rows_text(rows: list[dict[str, str]], *, header: bool) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIGURE_COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _checked_old_text(path: Path) -> str:
    """The measurements file's text (empty if there is none), validated, with the header new rows can follow."""
    if not path.is_file() or not path.read_bytes().strip():
        return ""
    load_measurements(path)  # names the file, the row and the column of a bad row
    old = path.read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(old)))
    if header != FIGURE_COLUMNS:
        raise _fail(path, 1, None, f"the header is not {','.join(FIGURE_COLUMNS)}: rows cannot be appended to it")
    return old


def _set_aside(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write ``rows`` to a new file beside ``path`` (``measurements.unsaved-YYYYMMDDTHHMMSS-PID.csv``)."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    side = path.with_name(f"{path.stem}.unsaved-{stamp}-{os.getpid()}.csv")
    with side.open("x", encoding="utf-8", newline="") as f:
        f.write(_rows_text(rows, header=True))
    return side


def save_measurement(report, *, provider: str | None = None, path: Path | None = None) -> Path:
    """Append a bench report's rows to the measurements file.

    Under the data folder's write lock (``calculators.locking``): the file is read and validated, the new rows are
    validated, and the whole is written to a temporary file, then renamed. If the file already has a bad row (or
    the new rows break a rule), the file is left as it was and the new rows go to a file beside it; the
    ``DataError`` names the bad file and row, and where the new rows are.
    """
    default = path is None
    path = path or measurements_path()
    new = measurement_rows(report, provider=provider)
    if not new:
        raise DataError("no successful run: nothing to save")
    with write_lock(_data.SNAPSHOT_DIR.parent if default else path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            old = _checked_old_text(path)
            first = old.count("\n") + (0 if old.endswith("\n") else 1) + 1 if old else 2
            for i, row in enumerate(new):
                try:
                    _checked_row(row, path, first + i)
                except DataError as e:
                    raise DataError(f"this run's row would break the file's rules: {e}") from None
        except DataError as e:
            try:
                kept = f"this run's {len(new)} rows are in {_set_aside(path, new)}"
            except OSError as why:
                kept = f"this run's rows could not be set aside either ({why.strerror})"
            raise DataError(f"{e}; {path.name} was left as it was and {kept}") from None
        text = old + ("" if not old or old.endswith("\n") else "\n") + _rows_text(new, header=not old)
        fd, tmp = tempfile.mkstemp(prefix=".measurements-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return path
