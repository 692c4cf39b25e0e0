"""Test helper: ``python tests/cli_child.py ARGS`` runs ``python -m calculators ARGS`` in this fresh process and
reports how it went, for tests that must measure a command on its own (wall time, peak memory).

- ``CLI_CHILD_SNAPSHOT_DIR``: the data/snapshots folder to use instead of the repository's (as the in-process
  tests' ``data_copy`` fixtures do by setting ``calculators.data.SNAPSHOT_DIR``);
- ``CLI_CHILD_REPORT``: a file that receives ``{"code", "elapsed_s", "vmhwm_kb"}`` at exit; ``vmhwm_kb`` is the
  process's peak resident memory (VmHWM in /proc/self/status), ``elapsed_s`` the time from this file's first line;
- ``CLI_CHILD_MAX_VM_MB``: a cap on the address space (default 4096), so that a regression ends in MemoryError
  instead of eating the machine.
"""

import time

START_S = time.monotonic()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> int:
    cap = int(os.environ.get("CLI_CHILD_MAX_VM_MB", "4096")) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from calculators import data

    if os.environ.get("CLI_CHILD_SNAPSHOT_DIR"):
        data.SNAPSHOT_DIR = Path(os.environ["CLI_CHILD_SNAPSHOT_DIR"])
    from calculators.cli import main as cli_main

    code = None
    try:
        code = cli_main(sys.argv[1:])
    finally:
        if os.environ.get("CLI_CHILD_REPORT"):
            report = {"code": code, "elapsed_s": time.monotonic() - START_S, "vmhwm_kb": peak_kb()}
            Path(os.environ["CLI_CHILD_REPORT"]).write_text(json.dumps(report), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
