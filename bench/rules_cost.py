"""What podkit's final-object checks cost: the strict schema and the API server's rules, timed
apart, on the objects of the synth workload (N units of Pod + ConfigMap + Secret, or Deployment +
Service + ConfigMap + Secret), as podkit synthesizes them.

    .venv/bin/python bench/rules_cost.py --units 1000 --repeats 5

Prints the median time of one pass over all objects for each check, per object, and as a share
of the whole synth (bench/run.py's wall time for the same N, when given with --synth-seconds).
The objects are synthesized once (outside the timing); each pass uses fresh copies of nothing:
the checks never modify what they read.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def _objects(units: int, deployment: bool) -> list[dict[str, Any]]:
    import synth_workload

    with tempfile.TemporaryDirectory() as out:
        run = synth_workload.run_podkit_deployment if deployment else synth_workload.run_podkit
        run(units, out)
        (path,) = Path(out).glob("*.yaml")
        return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _median(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--synth-seconds", type=float, default=None, help="bench/run.py's podkit wall time")
    args = parser.parse_args()

    from podkit import _rules

    for deployment in (False, True):
        docs = _objects(args.units, deployment)
        schema = _median(lambda: [_rules.schema_problems(d, "") for d in docs], args.repeats)  # noqa: B023
        rules = _median(lambda: [_rules.check_object(d, "") for d in docs], args.repeats)  # noqa: B023
        what = "Deployment+Service" if deployment else "Pod"
        print(
            f"{what:18} N={args.units:5} objects={len(docs):6}  schema {schema * 1000:7.1f} ms  "
            f"API-server rules {rules * 1000:7.1f} ms  ({rules / len(docs) * 1e6:5.1f} us/object)"
        )
        if args.synth_seconds and not deployment:
            print(f"  share of a {args.synth_seconds:.3f} s synth: rules {rules / args.synth_seconds:.1%}")


if __name__ == "__main__":
    main()
