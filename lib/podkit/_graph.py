"""``podkit graph``: the app's reference graph, as Mermaid and Graphviz DOT.

Read from the manifests themselves (the objects ``dist/`` holds), so it shows what the cluster
will see, for podkit's objects and any other cdk8s construct alike:

* **routes**: Ingress rules and Gateway API routes to a Service port (``host/path``), a route
  to its Gateway, and each Service to the workloads its selector matches (``port -> targetPort``);
* **reads**: which workload (or pod) reads which ConfigMap/Secret key, by env var, ``envFrom``
  (``*``: every key) or volume;
* **allows**: the flows each NetworkPolicy allows, peer to pods (ingress) and pods to peer
  (egress), labelled with the policy and its ports.

Node ids are derived from ``namespace/kind/name``, so adding an object changes only its own
lines in the committed graph: a reviewer sees the change in a pull request as a small diff.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Graph", "graph_of", "read_manifests"]

WORKLOAD_TEMPLATES: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
#: kinds that make a Secret pods read, and the field that names it
SECRET_MAKERS = {
    "SealedSecret": ("spec", "template", "metadata", "name"),
    "ExternalSecret": ("spec", "target", "name"),
}
ROUTES = ("HTTPRoute", "GRPCRoute")
NAMESPACE_LABEL = "kubernetes.io/metadata.name"


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


Key = tuple[str, str, str]  # namespace ('' for none), kind, name


@dataclass
class Graph:
    """Nodes (``namespace/kind/name`` -> label) and labelled edges of one app."""

    nodes: dict[Key, str] = field(default_factory=dict)
    edges: dict[tuple[Key, Key, str], str] = field(default_factory=dict)  # (from, to, kind) -> label

    def node(self, key: Key, label: str | None = None) -> Key:
        if key not in self.nodes or label is not None:
            self.nodes[key] = label if label is not None else f"{key[1]} {key[2]}"
        return key

    def edge(self, source: Key, target: Key, kind: str, label: str) -> None:
        labels = self.edges.get((source, target, kind))
        if labels is None:
            self.edges[(source, target, kind)] = label
        elif label not in labels.split(", "):
            self.edges[(source, target, kind)] = f"{labels}, {label}"

    # -- output ---------------------------------------------------------------------------
    def _ids(self) -> dict[Key, str]:
        ids: dict[Key, str] = {}
        used: set[str] = set()
        for key in sorted(self.nodes):
            base = re.sub(r"[^A-Za-z0-9]+", "_", "/".join(key)).strip("_") or "node"
            name, i = base, 2
            while name in used:
                name, i = f"{base}_{i}", i + 1
            used.add(name)
            ids[key] = name
        return ids

    def _namespaces(self) -> dict[str, list[Key]]:
        out: dict[str, list[Key]] = {}
        for key in sorted(self.nodes):
            out.setdefault(key[0], []).append(key)
        return out

    def _sorted_edges(self) -> list[tuple[Key, Key, str, str]]:
        order = {"route": 0, "selects": 1, "reads": 2, "allows": 3}
        return sorted(
            ((s, t, k, label) for (s, t, k), label in self.edges.items()),
            key=lambda e: (order.get(e[2], 9), e[0], e[1], e[3]),
        )

    def mermaid(self) -> str:
        """A Mermaid ``flowchart`` (GitHub renders it in Markdown and in ``.mmd`` files)."""
        ids = self._ids()
        out = ["flowchart LR"]
        for namespace, keys in self._namespaces().items():
            indent = "  "
            if namespace:
                out.append(f'  subgraph ns_{_safe(namespace)}["namespace {namespace}"]')
                indent = "    "
            for key in keys:
                out.append(f"{indent}{ids[key]}{_shape(key[1], _mermaid_text(self.nodes[key]))}")
            if namespace:
                out.append("  end")
        arrows = {"route": "-->", "selects": "-->", "reads": "-.->", "allows": "==>"}
        for source, target, kind, label in self._sorted_edges():
            out.append(
                f'  {ids[source]} {arrows.get(kind, "-->")}|"{kind}: {_mermaid_text(label)}"| {ids[target]}'
            )
        return "\n".join(out) + "\n"

    def dot(self) -> str:
        """A Graphviz ``digraph`` (``dot -Tsvg``)."""
        ids = self._ids()
        out = ["digraph podkit {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
        for namespace, keys in self._namespaces().items():
            indent = "  "
            if namespace:
                out.append(f"  subgraph cluster_{_safe(namespace)} {{")
                out.append(f'    label="namespace {_dot_text(namespace)}";')
                indent = "    "
            for key in keys:
                shape = _DOT_SHAPES.get(key[1], "box")
                out.append(f'{indent}{ids[key]} [label="{_dot_text(self.nodes[key])}", shape={shape}];')
            if namespace:
                out.append("  }")
        styles = {"route": "solid", "selects": "solid", "reads": "dashed", "allows": "bold"}
        for source, target, kind, label in self._sorted_edges():
            out.append(
                f'  {ids[source]} -> {ids[target]} [label="{kind}: {_dot_text(label)}", style={styles.get(kind, "solid")}];'
            )
        out.append("}")
        return "\n".join(out) + "\n"


_DOT_SHAPES = {
    "Service": "ellipse",
    "ConfigMap": "note",
    "Secret": "note",
    "Ingress": "cds",
    "Gateway": "cds",
    "HTTPRoute": "cds",
    "GRPCRoute": "cds",
    "NetworkPolicy": "octagon",
    "Peer": "plaintext",
}


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _shape(kind: str, text: str) -> str:
    if kind == "Service":
        return f'(["{text}"])'
    if kind in ("ConfigMap", "Secret"):
        return f'[/"{text}"/]'
    if kind == "Peer":
        return f'{{{{"{text}"}}}}'
    if kind in ("Ingress", "Gateway", *ROUTES):
        return f'>"{text}"]'
    return f'["{text}"]'


# -- building -------------------------------------------------------------------------------
@dataclass
class _Pods:
    key: Key
    labels: Mapping[str, Any]
    spec: Mapping[str, Any]
    ports: dict[str, Any]  # container port name -> number


def _matches(selector: Mapping[str, Any], labels: Mapping[Any, Any]) -> bool:
    for key, value in _dict(selector.get("matchLabels")).items():
        if labels.get(key) != value:
            return False
    for requirement in _list(selector.get("matchExpressions")):
        expr = _dict(requirement)
        name, op, values = expr.get("key"), expr.get("operator"), _list(expr.get("values"))
        present = name in labels
        if (
            (op == "In" and labels.get(name) not in values)
            or (op == "NotIn" and present and labels.get(name) in values)
            or (op == "Exists" and not present)
            or (op == "DoesNotExist" and present)
        ):
            return False
    return True


def _selector_text(selector: Mapping[str, Any]) -> str:
    parts = [f"{k}={v}" for k, v in sorted(_dict(selector.get("matchLabels")).items())]
    for expr in _list(selector.get("matchExpressions")):
        expr = _dict(expr)
        values = ",".join(str(v) for v in _list(expr.get("values")))
        parts.append(
            f"{expr.get('key')} {expr.get('operator')} ({values})"
            if values
            else f"{expr.get('key')} {expr.get('operator')}"
        )
    return ", ".join(parts) or "every pod"


def graph_of(docs: Iterable[Any]) -> Graph:
    """The reference graph of these objects (the app's final manifests, all charts)."""
    objects = [d for d in docs if isinstance(d, Mapping) and isinstance(d.get("kind"), str)]
    graph = Graph()
    pods: list[_Pods] = []
    services: dict[Key, Mapping[str, Any]] = {}
    keys = [_key(obj) for obj in objects]
    for obj, key in zip(objects, keys, strict=True):
        kind, meta = key[1], _dict(obj.get("metadata"))
        template_path = WORKLOAD_TEMPLATES.get(kind)
        if kind == "Pod" or template_path is not None:
            template = _get(obj, *template_path) if template_path else obj
            spec = _dict(_get(template, "spec"))
            ports = {
                p["name"]: p.get("containerPort")
                for c in _list(spec.get("containers"))
                for p in _list(_dict(c).get("ports"))
                if isinstance(p, Mapping) and isinstance(p.get("name"), str)
            }
            pods.append(_Pods(graph.node(key), _dict(_get(template, "metadata", "labels")), spec, ports))
        elif kind == "Service":
            services[graph.node(key)] = obj
        elif kind in ("ConfigMap", "Secret", "Gateway"):
            graph.node(key)
        elif kind in SECRET_MAKERS:
            name = _get(obj, *SECRET_MAKERS[kind]) or meta.get("name")
            graph.node((key[0], "Secret", str(name)), f"Secret {name} ({kind})")
    for pod in pods:
        _reads(graph, pod)
    for key, svc in services.items():
        selector = _dict(_get(svc, "spec", "selector"))
        if not selector:
            continue
        for pod in pods:
            if pod.key[0] == key[0] and _matches({"matchLabels": selector}, pod.labels):
                for port in _list(_get(svc, "spec", "ports")):
                    port = _dict(port)
                    target = port.get("targetPort", port.get("port"))
                    graph.edge(key, pod.key, "selects", f"{port.get('port')} -> {target}")
    for obj, key in zip(objects, keys, strict=True):
        kind = key[1]
        if kind == "Ingress":
            _ingress(graph, key, obj)
        elif kind in ROUTES:
            _route(graph, key, obj)
        elif kind == "NetworkPolicy":
            _policy(graph, key, obj, pods)
    return graph


def _key(obj: Mapping[str, Any]) -> Key:
    meta = _dict(obj.get("metadata"))
    return (str(meta.get("namespace") or ""), obj["kind"], str(meta.get("name")))


def _source(graph: Graph, namespace: str, kind: str, name: object) -> Key:
    key = (namespace, kind, str(name))
    if key not in graph.nodes:
        graph.node(key, f"{kind} {name} (not in the app)")
    return key


def _reads(graph: Graph, pod: _Pods) -> None:
    ns = pod.key[0]
    spec = pod.spec
    containers = _list(spec.get("initContainers")) + _list(spec.get("containers"))
    for container in containers:
        container = _dict(container)
        for env in _list(container.get("env")):
            ref = _dict(_get(env, "valueFrom"))
            for field_name, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                source = _dict(ref.get(field_name))
                if source.get("name"):
                    graph.edge(
                        pod.key, _source(graph, ns, kind, source["name"]), "reads", str(source.get("key"))
                    )
        for env_from in _list(container.get("envFrom")):
            env_from = _dict(env_from)
            for field_name, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                source = _dict(env_from.get(field_name))
                if source.get("name"):
                    graph.edge(pod.key, _source(graph, ns, kind, source["name"]), "reads", "* (envFrom)")
    for volume in _list(spec.get("volumes")):
        volume = _dict(volume)
        sources: list[tuple[str, object, list[Any]]] = []
        if "configMap" in volume:
            sources.append(
                ("ConfigMap", _get(volume, "configMap", "name"), _list(_get(volume, "configMap", "items")))
            )
        if "secret" in volume:
            sources.append(
                ("Secret", _get(volume, "secret", "secretName"), _list(_get(volume, "secret", "items")))
            )
        for projection in _list(_get(volume, "projected", "sources")):
            projection = _dict(projection)
            for field_name, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
                if field_name in projection:
                    part = _dict(projection[field_name])
                    sources.append((kind, part.get("name"), _list(part.get("items"))))
        for kind, name, items in sources:
            if not name:
                continue
            keys = [str(_dict(i).get("key")) for i in items] or ["* (volume)"]
            for k in keys:
                graph.edge(pod.key, _source(graph, ns, kind, name), "reads", k)
    for pull in _list(spec.get("imagePullSecrets")):
        name = _dict(pull).get("name")
        if name:
            graph.edge(pod.key, _source(graph, ns, "Secret", name), "reads", "image pull")


def _service(graph: Graph, namespace: str, name: object) -> Key:
    return _source(graph, namespace, "Service", name)


def _ingress(graph: Graph, key: Key, obj: Mapping[str, Any]) -> None:
    graph.node(key)
    spec = _dict(obj.get("spec"))

    def backend(b: Any, label: str) -> None:
        svc = _dict(_get(b, "service"))
        if svc.get("name"):
            port = _dict(svc.get("port"))
            shown = port.get("name") or port.get("number")
            graph.edge(key, _service(graph, key[0], svc["name"]), "route", f"{label} -> {shown}")

    if spec.get("defaultBackend") is not None:
        backend(spec["defaultBackend"], "(default)")
    for rule in _list(spec.get("rules")):
        host = _dict(rule).get("host") or "*"
        for path in _list(_get(rule, "http", "paths")):
            backend(_dict(path).get("backend"), f"{host}{_dict(path).get('path') or ''}")
    for tls in _list(spec.get("tls")):
        name = _dict(tls).get("secretName")
        if name:
            graph.edge(key, _source(graph, key[0], "Secret", name), "reads", "TLS")


def _route(graph: Graph, key: Key, obj: Mapping[str, Any]) -> None:
    graph.node(key)
    spec = _dict(obj.get("spec"))
    for parent in _list(spec.get("parentRefs")):
        parent = _dict(parent)
        if parent.get("kind", "Gateway") == "Gateway" and parent.get("name"):
            ns = str(parent.get("namespace") or key[0])
            section = f" ({parent['sectionName']})" if parent.get("sectionName") else ""
            graph.edge(_source(graph, ns, "Gateway", parent["name"]), key, "route", f"attached{section}")
    hosts = ",".join(str(h) for h in _list(spec.get("hostnames"))) or "*"
    for rule in _list(spec.get("rules")):
        rule = _dict(rule)
        matches = [
            str(_get(m, "path", "value") or _get(m, "method", "service") or "")
            for m in _list(rule.get("matches"))
        ]
        where = hosts + (",".join(m for m in matches if m) if any(matches) else "")
        for ref in _list(rule.get("backendRefs")):
            ref = _dict(ref)
            if ref.get("kind", "Service") != "Service" or not ref.get("name"):
                continue
            weight = f" (weight {ref['weight']})" if "weight" in ref else ""
            ns = str(ref.get("namespace") or key[0])
            graph.edge(
                key, _service(graph, ns, ref["name"]), "route", f"{where} -> {ref.get('port')}{weight}"
            )


def _policy(graph: Graph, key: Key, obj: Mapping[str, Any], pods: list[_Pods]) -> None:
    spec = _dict(obj.get("spec"))
    ns, name = key[0], key[2]
    selector = _dict(spec.get("podSelector"))
    selected = _select(graph, ns, selector, pods)
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for rule in _list(spec.get(direction)):
            rule = _dict(rule)
            ports = (
                ", ".join(
                    f"{_dict(p).get('port', 'all')}{'-' + str(_dict(p)['endPort']) if _dict(p).get('endPort') else ''}"
                    f"/{_dict(p).get('protocol', 'TCP')}"
                    for p in _list(rule.get("ports"))
                )
                or "all ports"
            )
            peers = _list(rule.get(peers_key))
            peer_keys = (
                [k for peer in peers for k in _peer(graph, ns, _dict(peer), pods)]
                if peers
                else [graph.node(("", "Peer", "anywhere"), "anywhere")]
            )
            for target in selected:
                for peer in peer_keys:
                    source, dest = (peer, target) if direction == "ingress" else (target, peer)
                    graph.edge(source, dest, "allows", f"{name} {ports}")


def _select(graph: Graph, ns: str, selector: Mapping[str, Any], pods: list[_Pods]) -> list[Key]:
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        return [graph.node((ns, "Peer", "every pod"), "every pod")]
    found = [p.key for p in pods if p.key[0] == ns and _matches(selector, p.labels)]
    return found or [
        graph.node((ns, "Peer", f"pods {_selector_text(selector)}"), f"pods {_selector_text(selector)}")
    ]


def _peer(graph: Graph, ns: str, peer: Mapping[str, Any], pods: list[_Pods]) -> list[Key]:
    block = peer.get("ipBlock")
    if isinstance(block, Mapping):
        excepted = ",".join(str(e) for e in _list(block.get("except")))
        text = f"{block.get('cidr')}" + (f" except {excepted}" if excepted else "")
        return [graph.node(("", "Peer", text), text)]
    namespaces = peer.get("namespaceSelector")
    pod_selector = peer.get("podSelector")
    if isinstance(namespaces, Mapping):
        named = _dict(namespaces.get("matchLabels")).get(NAMESPACE_LABEL)
        if (
            isinstance(named, str)
            and len(_dict(namespaces.get("matchLabels"))) == 1
            and not namespaces.get("matchExpressions")
        ):
            if isinstance(pod_selector, Mapping):
                return _select(graph, named, pod_selector, pods)
            return [graph.node((named, "Peer", "every pod"), "every pod")]
        text = f"namespaces {_selector_text(namespaces)}" if namespaces else "every namespace"
        if isinstance(pod_selector, Mapping):
            text = f"pods {_selector_text(pod_selector)} in {text}"
        return [graph.node(("", "Peer", text), text)]
    if isinstance(pod_selector, Mapping):
        return _select(graph, ns, pod_selector, pods)
    return []


def read_manifests(folder: Path) -> list[Any]:
    """The objects of every manifest podkit wrote in ``folder`` (``dist/``), in file order.

    Read as ``podkit diff`` reads them (``_diff.load_objects``): a file that is not valid YAML, or
    holds a document that is not a Kubernetes object, is a one-line error naming it and the line.
    """
    from . import _diff

    files = _diff.read_folder(folder)
    loaded = _diff.load_objects({f"{folder}/{name}": text for name, text in sorted(files.items())})
    return [obj for objects in loaded.values() for obj in objects]
