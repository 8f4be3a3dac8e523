"""``make bench``: the synth workload in every implementation, side by side.

Runs ``bench/synth_workload.py`` as a fresh process per run (the measured time is the whole
process: start Python, import, build, synthesize, write), several times per size, and
prints median wall time, median peak memory (Python plus its jsii Node process) and the ratio
to cdk8s-plus (Python) for each size, plus podkit's growth from N=1000 to N=3000.

    python bench/run.py [--sizes 100 1000 3000] [--repeats 5] [--impls podkit cdk8s-plus l1 pyyaml]
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMPLS = ["cdk8s-plus", "l1", "podkit", "pyyaml", "cdk8s-plus-deployment", "podkit-deployment"]
# each implementation is compared with the cdk8s-plus variant that builds the same objects
BASE = {impl: "cdk8s-plus-deployment" if impl.endswith("-deployment") else "cdk8s-plus" for impl in IMPLS}
# objects per unit: the Deployment variants add a Service
PER_UNIT = {impl: 4 if impl.endswith("-deployment") else 3 for impl in IMPLS}
LABELS = {
    "cdk8s-plus": "cdk8s-plus-33 (Python)",
    "l1": "cdk8s L1 classes, imports/k8s (Python)",
    "podkit": "podkit (Python)",
    "pyyaml": "plain dicts + PyYAML (floor)",
    "cdk8s-plus-deployment": "cdk8s-plus-33 Deployment + Service",
    "podkit-deployment": "podkit Deployment + Service",
}


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (jsii's Node), from /proc."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue  # the process ended between two reads
    return total


def run_once(impl: str, units: int) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one whole-process run.

    Memory is the peak of the summed resident set of the Python process and its Node child,
    sampled every 10 ms, and never less than the largest single process's ``ru_maxrss``.
    """
    with tempfile.TemporaryDirectory() as out:
        cmd = [
            sys.executable,
            str(HERE / "synth_workload.py"),
            "--impl",
            impl,
            "--units",
            str(units),
            "--outdir",
            out,
        ]
        peak = [0]
        done = threading.Event()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kib(proc.pid))
                done.wait(0.01)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0:
            raise SystemExit(f"{impl} N={units} failed:\n{err}")
        return wall, max(peak[0], usage.ru_maxrss) / 1024


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--impls", nargs="+", default=IMPLS, choices=IMPLS)
    args = parser.parse_args()
    # Measure podkit as installed: pip byte-compiles a wheel's modules at install time, but an
    # editable install under PYTHONDONTWRITEBYTECODE=1 (set on some machines) would compile
    # podkit's sources on every run (~60 ms of each run here). Site-packages are compiled already.
    compileall.compile_dir(str(HERE.parent / "lib"), quiet=1)

    print(f"machine: {machine()}")
    print(f"repeats: {args.repeats} per cell, medians shown; every run is a fresh process\n")
    results: dict[tuple[str, int], tuple[float, float]] = {}
    for units in args.sizes:
        for impl in args.impls:
            runs = [run_once(impl, units) for _ in range(args.repeats)]
            results[(impl, units)] = (
                statistics.median(r[0] for r in runs),
                statistics.median(r[1] for r in runs),
            )
            print(f"  measured {impl:<11} N={units:<5} {results[(impl, units)][0]:7.2f} s", file=sys.stderr)

    header = f"| {'implementation':<40} | {'N':>5} | {'objects':>7} | {'wall s':>7} | {'ratio':>6} | {'peak MiB':>8} | {'mem ratio':>9} |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for units in args.sizes:
        for impl in args.impls:
            base = results.get((BASE[impl], units))
            wall, peak = results[(impl, units)]
            ratio = f"{wall / base[0]:.3f}" if base else "-"
            mem_ratio = f"{peak / base[1]:.2f}" if base else "-"
            print(
                f"| {LABELS[impl]:<40} | {units:>5} | {units * PER_UNIT[impl]:>7} | {wall:>7.3f} | {ratio:>6} | {peak:>8.0f} | {mem_ratio:>9} |"
            )
    print()
    # issue #16's figures: podkit against the floor (plain dicts + PyYAML) of the same run
    for units in args.sizes:
        pod, floor, plus = (results.get((impl, units)) for impl in ("podkit", "pyyaml", "cdk8s-plus"))
        if pod and floor:
            line = f"podkit N={units}: {pod[0]:.3f} s = {pod[0] / floor[0]:.2f}x the floor ({floor[0]:.3f} s)"
            if plus:
                line += f"; peak memory {pod[1] / plus[1]:.2f}x cdk8s-plus"
            print(line)
    t = {n: results[("podkit", n)][0] for n in (100, 1000, 3000) if ("podkit", n) in results}
    if len(t) == 3:
        linearity = (t[3000] - t[1000]) / (t[1000] - t[100])
        print(f"podkit growth (T3000 - T1000) / (T1000 - T100) = {linearity:.2f} (2.22 is exactly linear)")


if __name__ == "__main__":
    main()
