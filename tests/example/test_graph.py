"""The example's reference graph (``graph/app.mmd`` and ``graph/app.dot``, beside ``dist/``) is
the graph of the committed manifests: a pull request that changes a route, a config read or an
allowed flow shows it in the graph's diff too."""

from __future__ import annotations

from pathlib import Path

import pytest

from podkit._graph import Graph, graph_of, read_manifests

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = (
    ".venv/bin/podkit graph --from dist --output graph/app.mmd && "
    ".venv/bin/podkit graph --from dist --format dot --output graph/app.dot"
)


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The graph of the committed manifests, read once: reading dist/ parses each file in Node."""
    return graph_of(read_manifests(ROOT / "dist"))


@pytest.mark.parametrize(("name", "render"), [("app.mmd", "mermaid"), ("app.dot", "dot")])
def test_the_committed_graph_is_fresh(name: str, render: str, graph: Graph) -> None:
    expected = graph.mermaid() if render == "mermaid" else graph.dot()
    committed = (ROOT / "graph" / name).read_text(encoding="utf-8")
    assert committed == expected, f"graph/{name} is stale: run `{REGENERATE}` and commit it"


def test_the_graph_shows_the_edge_of_prod() -> None:
    text = (ROOT / "graph" / "app.mmd").read_text(encoding="utf-8")
    assert 'prod_Gateway_edge -->|"route: attached (https)"| prod_HTTPRoute_web' in text
    assert 'prod_HTTPRoute_web -->|"route: */ -> 80"| prod_Service_web' in text
    assert 'dev_Ingress_web -->|"route: dev.example.com/ -> http"| dev_Service_web' in text
    assert 'prod_Deployment_web ==>|"allows: web-to-postgres pg/TCP"| data_StatefulSet_postgres' in text
