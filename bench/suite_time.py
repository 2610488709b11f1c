"""How long the test suite takes: `make test-fast` and `make test`, against their goals.

`make test-fast` runs the tests that build no site and start no server or browser (goal: 20
seconds); `make test` runs everything CI runs (goal: 4 minutes on 2 quiet cores). Each is run
as the Makefile runs it and timed (wall clock, and the CPU time of all its processes), with
pytest's own summary line. `python bench/suite_time.py [--fast-only]` (`make bench`).
"""

import argparse
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"test-fast": 20, "test": 240}


def run(target: str) -> tuple[float, float, str, int]:
    """Wall seconds, CPU seconds, pytest's summary line and the exit status of a make target."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        status = subprocess.run(
            ["make", "-s", target], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, check=False
        ).returncode
        output.seek(0)
        lines = output.read().decode(errors="replace").splitlines()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = next((line for line in reversed(lines) if " in " in line and "=" in line), "")
    return wall, cpu, summary.strip("= "), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast-only", action="store_true", help="only `make test-fast`")
    args = parser.parse_args()
    targets = ["test-fast"] if args.fast_only else ["test-fast", "test"]
    print(f"Test suite on {os.cpu_count()} cores")
    for target in targets:
        wall, cpu, summary, status = run(target)
        met = "met" if wall <= GOALS[target] else "NOT met"
        failed = "" if status == 0 else f", exit status {status}"
        print(
            f"  make {target}: {wall:.1f} s ({cpu:.1f} s of CPU; goal <= {GOALS[target]} s:"
            f" {met}{failed}) {summary}"
        )


if __name__ == "__main__":
    main()
