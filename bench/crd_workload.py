"""Custom resources at synth: N HTTPRoutes (CEL rules) and N Certificates in one chart, checked
against their CRDs (schema and CEL), synthesized and written; with ``--unregistered`` the same
objects as raw ApiObjects of kinds podkit knows no CRD for (metadata rules only), the baseline.

    .venv/bin/python bench/crd_workload.py --units 1000 --outdir /tmp/out
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--outdir", type=Path, required=True)
    parser.add_argument("--unregistered", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    import podkit as pk

    app = pk.App(outdir=str(args.outdir))
    chart = pk.Chart(app, "edge", namespace="prod")
    parent: Any = {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "edge"}
    if args.unregistered:
        import cdk8s

        for i in range(args.units):
            route = cdk8s.ApiObject(
                chart, f"r{i}", api_version="example.com/v1", kind="Route", metadata={"name": f"r{i}"}
            )
            route.add_json_patch(cdk8s.JsonPatch.add("/spec", {"parentRefs": [parent]}))
            cert = cdk8s.ApiObject(
                chart, f"c{i}", api_version="example.com/v1", kind="Cert", metadata={"name": f"c{i}"}
            )
            cert.add_json_patch(cdk8s.JsonPatch.add("/spec", {"secretName": f"c{i}"}))
    else:
        from imports.cert_manager_io.v1 import Certificate
        from imports.gateway_networking_k8s_io.v1 import HTTPRoute

        parents: Any = [{**parent, "sectionName": "https"}, {**parent, "sectionName": "http"}]
        for i in range(args.units):
            HTTPRoute(
                chart,
                f"r{i}",
                spec={
                    "parentRefs": parents,
                    "hostnames": [f"r{i}.example.com"],
                    "rules": [{"name": "main", "backendRefs": [{"name": f"svc{i}", "port": 80}]}],
                },
            )
            Certificate(
                chart,
                f"c{i}",
                spec={
                    "secretName": f"c{i}-tls",
                    "dnsNames": [f"r{i}.example.com"],
                    "issuerRef": {"name": "ca", "kind": "ClusterIssuer"},
                },
            )
    app.synth()
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
