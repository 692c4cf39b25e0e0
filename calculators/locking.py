"""One writer at a time under ``data/``: an exclusive lock on ``data/.write.lock`` around every read-modify-write.

``refresh`` holds it from reading the previous snapshot to renaming the new one into place, ``bench --save`` while
it appends to ``data/measurements/measurements.csv``. A second writer waits for the first (up to ``WAIT_S``), then
reads what the first wrote, so no run's rows are lost. The lock file is empty, stays in place (removing it would
let two writers lock two different files) and is ignored by git.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from .data import DataError

LOCK_NAME = ".write.lock"
WAIT_S = 60.0
POLL_S = 0.05

try:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

except ImportError:  # Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True


@contextlib.contextmanager
def write_lock(folder: Path, *, wait_s: float | None = None, poll_s: float = POLL_S) -> Iterator[Path]:
    """Hold the exclusive write lock of ``folder`` (the data folder) for the ``with`` block.

    Waits up to ``wait_s`` seconds (default ``WAIT_S``) for another writer, then raises ``DataError`` (one line).
    The lock is released when the block ends, and by the operating system if the process dies.
    """
    wait_s = WAIT_S if wait_s is None else wait_s
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise DataError(
                    f"{path}: another refresh or bench --save is still writing the data after {wait_s:g} s; "
                    "try again when it has finished"
                )
            time.sleep(poll_s)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
