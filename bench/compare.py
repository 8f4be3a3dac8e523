"""The synth workload of this tree against another checkout of podkit, interleaved.

    git worktree add /tmp/base 930324f      # outside this tree
    .venv/bin/python bench/compare.py /tmp/base --units 100 1000 3000 --impl podkit podkit-deployment

Runs ``bench/synth_workload.py --impl <workload>`` as a fresh process, alternately from the base tree
and from this one (the same interpreter, this tree's ``.venv``, both byte-compiled first), and
prints for each the best and median CPU time (user + system of the process and every child it
waited for, Node included) and wall time. Interleaving puts both trees in the same minutes of a
noisy machine; best-of is the least disturbed run, the median the typical one. Ends with a
Markdown table of every cell, base -> this.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_once(tree: Path, units: int, impl: str = "podkit") -> tuple[float, float]:
    """CPU and wall seconds of one whole-process run of the workload from ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree / "lib"))
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        workload = [str(tree / "bench" / "synth_workload.py"), "--impl", impl, "--units", str(units)]
        subprocess.run(
            [sys.executable, *workload, "--outdir", out],
            env=env,
            check=True,
            capture_output=True,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def _pct(this: float, base: float) -> str:
    return f"{(this / base - 1) * 100:+.0f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="the other checkout (a git worktree)")
    parser.add_argument("--units", type=int, nargs="+", default=[1000], help="one or more N")
    parser.add_argument("--repeats", type=int, default=9, help="fresh processes per tree and cell")
    parser.add_argument(
        "--impl",
        nargs="+",
        choices=("podkit", "podkit-deployment"),
        default=["podkit"],
        help="the workloads: Pod units, Deployment + Service units (both trees must have them)",
    )
    args = parser.parse_args()
    trees = {"base": args.base.resolve(), "this": HERE.parent}
    for tree in trees.values():
        # as bench/run.py does: an editable install under PYTHONDONTWRITEBYTECODE recompiles on every run
        compileall.compile_dir(str(tree / "lib"), quiet=1)
    rows = []
    for impl in args.impl:
        for units in args.units:
            runs: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
            for _ in range(args.repeats):
                for name, tree in trees.items():
                    runs[name].append(run_once(tree, units, impl))
            for name, results in runs.items():
                cpu = [c for c, _ in results]
                wall = [w for _, w in results]
                print(
                    f"{name}: {impl} N={units} cpu best {min(cpu):.3f} s median {statistics.median(cpu):.3f} s | "
                    f"wall best {min(wall):.3f} s median {statistics.median(wall):.3f} s",
                    flush=True,
                )
            figures = []
            for pick in (min, statistics.median):
                for index in (1, 0):  # wall, then CPU
                    base, this = (pick(r[index] for r in runs[name]) for name in ("base", "this"))
                    figures.append(f"{base:.3f} -> {this:.3f} s ({_pct(this, base)})")
            rows.append(f"| {impl} | {units} | " + " | ".join(figures) + " |")
    print()
    print("| workload | N | wall, best | CPU, best | wall, median | CPU, median |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
