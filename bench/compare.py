"""The synth workload of this tree against another checkout of podkit, interleaved.

    git worktree add /tmp/base 930324f      # outside this tree
    .venv/bin/python bench/compare.py /tmp/base --units 1000 --repeats 9

Runs ``bench/synth_workload.py --impl podkit`` as a fresh process, alternately from the base tree
and from this one (the same interpreter, this tree's ``.venv``, both byte-compiled first), and
prints for each the best and median CPU time (user + system of the process and every child it
waited for, Node included) and wall time. Interleaving puts both trees in the same minutes of a
noisy machine; best-of is the least disturbed run, the median the typical one.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="the other checkout (a git worktree)")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument(
        "--impl",
        choices=("podkit", "podkit-deployment"),
        default="podkit",
        help="the workload: Pod units, or Deployment + Service units (both trees must have it)",
    )
    args = parser.parse_args()
    trees = {"base": args.base.resolve(), "this": HERE.parent}
    for tree in trees.values():
        # as bench/run.py does: an editable install under PYTHONDONTWRITEBYTECODE recompiles on every run
        compileall.compile_dir(str(tree / "lib"), quiet=1)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    for _ in range(args.repeats):
        for name, tree in trees.items():
            runs[name].append(run_once(tree, args.units, args.impl))
    best = {name: min(w for _, w in r) for name, r in runs.items()}
    for name, results in runs.items():
        cpu = [c for c, _ in results]
        wall = [w for _, w in results]
        print(
            f"{name}: N={args.units} cpu best {min(cpu):.3f} s median {statistics.median(cpu):.3f} s | "
            f"wall best {min(wall):.3f} s median {statistics.median(wall):.3f} s"
        )
    median = {name: statistics.median(w for _, w in r) for name, r in runs.items()}
    print(
        f"wall this / base: best {best['this'] / best['base']:.3f}, "
        f"median {median['this'] / median['base']:.3f}"
    )


if __name__ == "__main__":
    main()
