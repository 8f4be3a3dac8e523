"""What podkit's checks cost: the strict schema and the API server's rules, timed apart, on the
objects of the synth workload (N units of Pod + ConfigMap + Secret, or Deployment + Service +
ConfigMap + Secret), as podkit synthesizes them.

    .venv/bin/python bench/rules_cost.py --units 1000 --repeats 5

The workload is built and synthesized once, in this process; then each check is timed over all
final objects (median of ``--repeats`` passes; the checks never modify what they read):

* ``schema``: the strict Kubernetes 1.33 schema;
* ``rules at synth``: the API server's rules as a synth asks them (a typed pod whose spec is
  unchanged since its call is not asked the call's rules again: ``PassedPodSpec``);
* ``rules, whole``: the same rules asked whole, as for a raw or patched object;
* ``at the call``: the pod-spec rules each typed pod asks when it is built (``_rule_problems``).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def _synthesized(units: int, deployment: bool) -> tuple[list[tuple[str, Any, Any]], list[Any]]:
    """``(path, final object, the construct that made it)`` of every object, and the pods."""
    import synth_workload

    import podkit as pk
    from podkit._pod import AbstractPod

    with tempfile.TemporaryDirectory() as out:
        app = pk.App(outdir=out)
        chart = pk.Chart(app, "bench")
        for i in range(units):
            synth_workload._podkit_unit(pk, chart, i, deployment=deployment)
        app.synth()
    owners = {obj.path: obj for obj in chart.podkit_objects}
    final = [(path, doc, owners.get(path)) for path, doc in chart._podkit_final]
    pods = [obj for obj in chart.podkit_objects if isinstance(obj, AbstractPod)]
    return final, pods


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
    args = parser.parse_args()

    from podkit import _rules

    for deployment in (False, True):
        final, pods = _synthesized(args.units, deployment)

        def passed(owner: Any) -> Any:
            return owner._passed_at_call() if owner is not None else None

        times = {
            "schema": _median(lambda: [_rules.schema_problems(d, p) for p, d, _ in final], args.repeats),  # noqa: B023
            "rules at synth": _median(
                lambda: [_rules.check_object(d, p, passed=passed(o)) for p, d, o in final],  # noqa: B023
                args.repeats,
            ),
            "rules, whole": _median(lambda: [_rules.check_object(d, p) for p, d, _ in final], args.repeats),  # noqa: B023
            "at the call": _median(lambda: [pod._rule_problems() for pod in pods], args.repeats),  # noqa: B023
        }
        what = "Deployment+Service" if deployment else "Pod"
        print(
            f"{what:18} N={args.units:5} objects={len(final):6} pods={len(pods):5}  "
            + "  ".join(f"{name} {seconds * 1000:6.1f} ms" for name, seconds in times.items())
        )


if __name__ == "__main__":
    main()
