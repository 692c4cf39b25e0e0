"""The command line's common parts: what ``cli`` and the modules whose commands it runs (``bench``, ``practice``,
``refresh``) share, below all of them, so that every import points one way.

A usage error (``UsageError``) ends in one line and exit code 2; argparse types (``whole_number``, ``real_number``)
refuse a bad value in one line; input files and standard input are capped at ``MAX_FILE_BYTES`` and must be UTF-8;
``json_text`` writes strict JSON (a missing or non-finite number is ``null``). Standard library only: importing
this module loads neither pandas nor the tokenizers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable

MAX_FILE_BYTES = 200 * 1024 * 1024


class UsageError(Exception):
    """Bad arguments or an unreadable input file: exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error (a UsageError), not argparse's usage block and exit."""

    def error(self, message: str):
        raise UsageError(f"{message} (see: {self.prog} --help)")


def json_number(value) -> float | None:
    """A JSON-ready number: None, NaN (a missing figure) and ±infinity become None.

    Example: json_number(float("nan")) -> None;  json_number(2) -> 2.0
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _finite(value):
    """``value`` with every non-finite float (NaN, ±infinity), however deep in lists and dicts, replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def json_text(value) -> str:
    """Strict JSON for ``--json``: NaN and ±infinity (not JSON) become null.

    Example: json_text({"e2e_s": float("inf"), "model": "Olá"}) -> '{"e2e_s": null, "model": "Olá"}'
    """
    return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False)


def _shown(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def whole_number(minimum: int = 0, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type for a whole number from ``minimum`` to ``maximum``, with a one-line message otherwise.

    Example: whole_number(1, 100)("5") -> 5;  whole_number(0)("-1") raises ArgumentTypeError('-1 is negative')
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            digits = text.strip().lstrip("+-")
            if not (digits.isascii() and digits.isdigit()):
                raise argparse.ArgumentTypeError(f"{_shown(text)!r} is not a whole number") from None
            # More digits than int() converts (4,300): far outside any bound.
            value = minimum - 1 if text.strip().startswith("-") else None
            if value is None:
                limit = "too large" if maximum is None else f"above the maximum of {maximum:,}"
                raise argparse.ArgumentTypeError(f"{_shown(text)} is {limit}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"{_shown(text)} is negative" if minimum == 0 else f"{_shown(text)} is not at least {minimum}"
            )
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is above the maximum of {maximum:,}")
        return value

    return parse


def real_number(minimum: float, maximum: float, *, above_minimum: bool = False) -> Callable[[str], float]:
    """An argparse type for a finite number from ``minimum`` (above it, with ``above_minimum``) to ``maximum``,
    with a one-line message otherwise.

    Example: real_number(0, 60)("0.4") -> 0.4;  real_number(0, 10_000, above_minimum=True)("0") raises
             ArgumentTypeError('0 is not above 0')
    """

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{_shown(text)!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{_shown(text)!r} is not a finite number")
        if above_minimum and value <= minimum:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is not above {minimum:,g}")
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is below the minimum of {minimum:,g}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is above the maximum of {maximum:,g}")
        return value

    return parse


def _size(n_bytes: int) -> str:
    return f"{n_bytes // 2**20} MB" if n_bytes >= 2**20 else f"{n_bytes:,} bytes"


def _decoded(raw: bytes, what: str) -> str:
    """``raw`` (read up to one byte past MAX_FILE_BYTES) as UTF-8 text, or a UsageError that begins with ``what``."""
    if len(raw) > MAX_FILE_BYTES:
        raise UsageError(f"{what} larger than {_size(MAX_FILE_BYTES)}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UsageError(f"{what} not UTF-8 text (byte {e.start})") from None


def read_text_file(path: str) -> str:
    """A text file's contents, or a UsageError that says in one line why not."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a file") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot be read ({e.strerror})") from None
    return _decoded(raw, f"{path}:")


def checked_text(text: str, what: str) -> str:
    """``text`` if it is valid Unicode; a UsageError otherwise. A byte the shell could not decode as UTF-8 (in
    ``--text $'\\xff'``) reaches Python as a lone surrogate, which no tokenizer can take."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        code = ord(text[e.start])
        bad = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"character U+{code:04X}"
        raise UsageError(f"{what} is not valid UTF-8 text ({bad} at character {e.start + 1})") from None
    return text


def input_text(*, text: str | None, file: str | None) -> str:
    """The text a command reads: ``--text``, else ``--file``, else standard input (not a terminal), each capped at
    ``MAX_FILE_BYTES`` and checked to be UTF-8; a UsageError otherwise."""
    if text is not None:
        return checked_text(text, "--text")
    if file is not None:
        return read_text_file(file)
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("give --text, --file or text on standard input")
    return _decoded(sys.stdin.buffer.read(MAX_FILE_BYTES + 1), "standard input is")
