"""podkit graph: the app's reference graph (routes, config reads, allowed flows) from its manifests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import podkit as pk
from podkit import cli
from podkit._graph import graph_of, read_manifests


def shop(app: pk.App) -> list[Any]:
    chart = pk.Chart(app, "shop", namespace="shop")
    http = pk.Port(8080, name="http")
    settings = pk.ConfigFromMap(chart, "settings", from_literal={"API_URL": "https://api", "MODE": "x"})
    creds = pk.SecretEnv.from_name("db", keys=["password"])
    web = pk.Deployment(
        chart,
        "web",
        main=pk.Container(
            name="web",
            image="nginx:1.27",
            ports=[http],
            env={"API_URL": settings.value("API_URL"), "PW": creds.value("password")},
        ),
    )
    web.mount(pk.Volume.from_config_map(settings, name="cfg"), at="/etc/app")
    web.expose_via_ingress("/", host="shop.example.com")
    pk.default_deny(chart)
    web.connections.allow_from(pk.Peer.namespace("ingress-nginx"), port=http, isolation=pk.Isolation.POD)
    pk.allow_dns(chart)
    return [d for docs in app.synth_documents().values() for d in docs]


MERMAID = """\
flowchart LR
  subgraph ns_ingress_nginx["namespace ingress-nginx"]
    ingress_nginx_Peer_every_pod{{"every pod"}}
  end
  subgraph ns_kube_system["namespace kube-system"]
    kube_system_Peer_pods_k8s_app_kube_dns{{"pods k8s-app=kube-dns"}}
  end
  subgraph ns_shop["namespace shop"]
    shop_ConfigMap_settings[/"ConfigMap settings"/]
    shop_Deployment_web["Deployment web"]
    shop_Ingress_web>"Ingress web"]
    shop_Peer_every_pod{{"every pod"}}
    shop_Secret_db[/"Secret db (not in the app)"/]
    shop_Service_web(["Service web"])
  end
  shop_Ingress_web -->|"route: shop.example.com/ -> http"| shop_Service_web
  shop_Service_web -->|"selects: 8080 -> http"| shop_Deployment_web
  shop_Deployment_web -.->|"reads: API_URL, * (volume)"| shop_ConfigMap_settings
  shop_Deployment_web -.->|"reads: password"| shop_Secret_db
  ingress_nginx_Peer_every_pod ==>|"allows: web-from-ns-ingress-nginx http/TCP"| shop_Deployment_web
  shop_Peer_every_pod ==>|"allows: allow-dns 53/UDP, 53/TCP"| kube_system_Peer_pods_k8s_app_kube_dns
"""

DOT = """\
digraph podkit {
  rankdir=LR;
  node [shape=box, fontname="Helvetica"];
  subgraph cluster_ingress_nginx {
    label="namespace ingress-nginx";
    ingress_nginx_Peer_every_pod [label="every pod", shape=plaintext];
  }
  subgraph cluster_kube_system {
    label="namespace kube-system";
    kube_system_Peer_pods_k8s_app_kube_dns [label="pods k8s-app=kube-dns", shape=plaintext];
  }
  subgraph cluster_shop {
    label="namespace shop";
    shop_ConfigMap_settings [label="ConfigMap settings", shape=note];
    shop_Deployment_web [label="Deployment web", shape=box];
    shop_Ingress_web [label="Ingress web", shape=cds];
    shop_Peer_every_pod [label="every pod", shape=plaintext];
    shop_Secret_db [label="Secret db (not in the app)", shape=note];
    shop_Service_web [label="Service web", shape=ellipse];
  }
  shop_Ingress_web -> shop_Service_web [label="route: shop.example.com/ -> http", style=solid];
  shop_Service_web -> shop_Deployment_web [label="selects: 8080 -> http", style=solid];
  shop_Deployment_web -> shop_ConfigMap_settings [label="reads: API_URL, * (volume)", style=dashed];
  shop_Deployment_web -> shop_Secret_db [label="reads: password", style=dashed];
  ingress_nginx_Peer_every_pod -> shop_Deployment_web [label="allows: web-from-ns-ingress-nginx http/TCP", style=bold];
  shop_Peer_every_pod -> kube_system_Peer_pods_k8s_app_kube_dns [label="allows: allow-dns 53/UDP, 53/TCP", style=bold];
}
"""


def test_mermaid_exact(app: pk.App) -> None:
    assert graph_of(shop(app)).mermaid() == MERMAID


def test_dot_exact(app: pk.App) -> None:
    assert graph_of(shop(app)).dot() == DOT


def test_gateway_routes_and_weights() -> None:
    route = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "web", "namespace": "prod"},
        "spec": {
            "parentRefs": [{"name": "edge", "namespace": "infra", "sectionName": "https"}],
            "hostnames": ["shop.example.com"],
            "rules": [
                {
                    "matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
                    "backendRefs": [
                        {"name": "api", "port": 80, "weight": 90},
                        {"name": "api-canary", "port": 80, "weight": 10},
                    ],
                }
            ],
        },
    }
    gateway = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "edge", "namespace": "infra"},
    }
    graph = graph_of([route, gateway])
    assert graph.nodes[("infra", "Gateway", "edge")] == "Gateway edge"  # in the app: not "(not in the app)"
    assert graph.nodes[("prod", "Service", "api")] == "Service api (not in the app)"
    assert graph.edges == {
        (("infra", "Gateway", "edge"), ("prod", "HTTPRoute", "web"), "route"): "attached (https)",
        (
            ("prod", "HTTPRoute", "web"),
            ("prod", "Service", "api"),
            "route",
        ): "shop.example.com/api -> 80 (weight 90)",
        (
            ("prod", "HTTPRoute", "web"),
            ("prod", "Service", "api-canary"),
            "route",
        ): "shop.example.com/api -> 80 (weight 10)",
    }


def test_a_new_object_changes_only_its_own_lines(app: pk.App) -> None:
    before = graph_of(shop(app)).mermaid().splitlines()
    extra = pk.Chart(app, "extra", namespace="shop")
    pk.ConfigFromMap(extra, "unused", from_literal={"a": "b"})
    after = graph_of([d for docs in app.synth_documents().values() for d in docs]).mermaid().splitlines()
    assert [line for line in after if line not in before] == [
        '    shop_ConfigMap_unused[/"ConfigMap unused"/]'
    ]
    assert [line for line in before if line not in after] == []


def test_cli_graphs_a_folder(app: pk.App, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shop(app)
    app.synth()
    dist = Path(app.outdir)
    assert graph_of(read_manifests(dist)).mermaid() == MERMAID
    assert cli.main(["graph", "--from", str(dist)]) == 0
    assert capsys.readouterr().out == MERMAID
    out = tmp_path / "graph.dot"
    assert cli.main(["graph", "--from", str(dist), "--format", "dot", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == DOT


def test_cli_fails_on_a_folder_without_manifests(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["graph", "--from", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"podkit: error: {tmp_path} holds no manifests podkit wrote; pass the folder `podkit synth` writes\n"
    )


SECRET = "Sup3r-S3cret-42"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # cdk8s.Yaml.load would read the first two leniently and graph what it made of them
        (
            f'apiVersion: v1\nkind: Secret\nmetadata: {{name: x}}\nstringData:\n  p: "{SECRET}\n',
            "not valid YAML",
        ),
        (f"- {SECRET}\n", "line 1: the document is a list, not a Kubernetes object"),
        ("a: &a [*a]\n", "bad.k8s.yaml"),  # a recursive alias: before, Node ran out of memory
    ],
    ids=["unterminated", "not-an-object", "recursive-alias"],
)
def test_cli_fails_on_a_broken_manifest_in_one_line_with_exit_2(
    app: pk.App, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    shop(app)
    app.synth()
    dist = Path(app.outdir)
    (dist / "bad.k8s.yaml").write_text(text, encoding="utf-8")
    assert cli.main(["graph", "--from", str(dist)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    assert f"{dist}/bad.k8s.yaml" in err and expected in err, err
    assert SECRET not in err
