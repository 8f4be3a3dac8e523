"""Every pod field of issue #15 appears in the committed dist/ (the example app shows the
whole pod surface), one test per field, so a field that disappears names itself.

Paths are relative to a ``PodSpec``: the walker finds the pod spec of Pods (``spec``), of
controller templates (``spec.template.spec``) and of CronJobs
(``spec.jobTemplate.spec.template.spec``). ``name[]`` means "any element of the list
``name``"; ``["a.b/c"]`` is a key with dots. A path under ``containers[]`` matches every
Container of the pod: ``containers`` and ``initContainers`` hold the same type, and where a
real pod puts a field (a privileged *init* container) is the app's business, not the table's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podkit.testing import read_output

ROOT = Path(__file__).resolve().parent.parent.parent
DIST = ROOT / "dist"

#: any value but ``None``
PRESENT = object()

# (the field, path in the PodSpec, the value it must have somewhere)
FIELDS: list[tuple[str, str, object]] = [
    # -- security contexts, pod level ---------------------------------------------------------
    ("pod runAsUser", "securityContext.runAsUser", PRESENT),
    ("pod runAsGroup", "securityContext.runAsGroup", PRESENT),
    ("pod runAsNonRoot", "securityContext.runAsNonRoot", True),
    ("fsGroup", "securityContext.fsGroup", PRESENT),
    ("fsGroupChangePolicy", "securityContext.fsGroupChangePolicy", "OnRootMismatch"),
    ("supplementalGroups", "securityContext.supplementalGroups[]", PRESENT),
    ("sysctls", "securityContext.sysctls[].name", PRESENT),
    ("pod seccompProfile RuntimeDefault", "securityContext.seccompProfile.type", "RuntimeDefault"),
    ("pod appArmorProfile", "securityContext.appArmorProfile.type", "RuntimeDefault"),
    # -- security contexts, container level ------------------------------------------------------
    ("container runAsUser", "containers[].securityContext.runAsUser", PRESENT),
    ("container runAsGroup", "containers[].securityContext.runAsGroup", PRESENT),
    ("container runAsNonRoot", "containers[].securityContext.runAsNonRoot", True),
    ("readOnlyRootFilesystem", "containers[].securityContext.readOnlyRootFilesystem", True),
    ("allowPrivilegeEscalation", "containers[].securityContext.allowPrivilegeEscalation", False),
    ("privileged", "containers[].securityContext.privileged", True),
    ("capabilities add", "containers[].securityContext.capabilities.add[]", PRESENT),
    ("capabilities drop", "containers[].securityContext.capabilities.drop[]", "ALL"),
    ("seccompProfile Localhost", "containers[].securityContext.seccompProfile.type", "Localhost"),
    (
        "seccompProfile localhostProfile",
        "containers[].securityContext.seccompProfile.localhostProfile",
        PRESENT,
    ),
    ("seccompProfile Unconfined", "containers[].securityContext.seccompProfile.type", "Unconfined"),
    ("appArmorProfile Localhost", "containers[].securityContext.appArmorProfile.type", "Localhost"),
    (
        "appArmorProfile localhostProfile",
        "containers[].securityContext.appArmorProfile.localhostProfile",
        PRESENT,
    ),
    ("appArmorProfile Unconfined", "containers[].securityContext.appArmorProfile.type", "Unconfined"),
    # -- scheduling --------------------------------------------------------------------------
    (
        "node affinity required",
        "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
        ".nodeSelectorTerms[].matchExpressions[].key",
        PRESENT,
    ),
    (
        "node affinity preferred",
        "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[]"
        ".preference.matchExpressions[].key",
        PRESENT,
    ),
    (
        "pod affinity",
        "affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[]"
        ".podAffinityTerm.labelSelector.matchLabels",
        PRESENT,
    ),
    (
        "pod affinity topologyKey",
        "affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm.topologyKey",
        PRESENT,
    ),
    (
        "pod anti-affinity",
        "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[]"
        ".podAffinityTerm.labelSelector.matchLabels",
        PRESENT,
    ),
    (
        "pod anti-affinity topologyKey",
        "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm.topologyKey",
        PRESENT,
    ),
    ("tolerations", "tolerations[].operator", PRESENT),
    ("toleration effect", "tolerations[].effect", PRESENT),
    ("tolerationSeconds", "tolerations[].tolerationSeconds", PRESENT),
    ("topologySpreadConstraints", "topologySpreadConstraints[].topologyKey", PRESENT),
    ("topologySpreadConstraints selector", "topologySpreadConstraints[].labelSelector.matchLabels", PRESENT),
    ("priorityClassName", "priorityClassName", PRESENT),
    ("schedulerName", "schedulerName", PRESENT),
    ("runtimeClassName", "runtimeClassName", PRESENT),
    # -- lifecycle ---------------------------------------------------------------------------
    ("postStart exec", "containers[].lifecycle.postStart.exec.command", PRESENT),
    ("postStart httpGet", "containers[].lifecycle.postStart.httpGet.path", PRESENT),
    ("preStop exec", "containers[].lifecycle.preStop.exec.command", PRESENT),
    ("preStop sleep", "containers[].lifecycle.preStop.sleep.seconds", PRESENT),
    ("terminationGracePeriodSeconds", "terminationGracePeriodSeconds", PRESENT),
    ("terminationMessagePolicy", "containers[].terminationMessagePolicy", "FallbackToLogsOnError"),
    ("gRPC probe", "containers[].livenessProbe.grpc.port", PRESENT),
    ("gRPC probe service", "containers[].readinessProbe.grpc.service", PRESENT),
    # -- volumes -------------------------------------------------------------------------------
    ("persistentVolumeClaim", "volumes[].persistentVolumeClaim.claimName", PRESENT),
    ("projected configMap", "volumes[].projected.sources[].configMap.name", PRESENT),
    ("projected secret", "volumes[].projected.sources[].secret.name", PRESENT),
    ("projected downwardAPI", "volumes[].projected.sources[].downwardAPI.items[].path", PRESENT),
    (
        "projected serviceAccountToken audience",
        "volumes[].projected.sources[].serviceAccountToken.audience",
        PRESENT,
    ),
    (
        "projected serviceAccountToken expiration",
        "volumes[].projected.sources[].serviceAccountToken.expirationSeconds",
        PRESENT,
    ),
    ("CSI Secrets Store", "volumes[].csi.driver", "secrets-store.csi.k8s.io"),
    ("CSI volumeAttributes", "volumes[].csi.volumeAttributes", PRESENT),
    ("NFS", "volumes[].nfs.server", PRESENT),
    ("ephemeral", "volumes[].ephemeral.volumeClaimTemplate.spec.resources.requests.storage", PRESENT),
    ("subPathExpr", "containers[].volumeMounts[].subPathExpr", PRESENT),
    ("configMap volume optional", "volumes[].configMap.optional", True),
    ("secret volume optional", "volumes[].secret.optional", True),
    # -- resources -----------------------------------------------------------------------------
    ("extended resource", 'containers[].resources.limits["nvidia.com/gpu"]', PRESENT),
    ("hugepages", "containers[].resources.limits.hugepages-2Mi", PRESENT),
    # -- pod knobs -----------------------------------------------------------------------------
    ("imagePullSecrets", "imagePullSecrets[].name", PRESENT),
    ("hostNetwork", "hostNetwork", True),
    ("hostPID", "hostPID", True),
    ("hostIPC", "hostIPC", True),
    ("dnsPolicy", "dnsPolicy", PRESENT),
    ("dnsConfig", "dnsConfig.options[].name", PRESENT),
    ("hostAliases", "hostAliases[].hostnames[]", PRESENT),
    ("hostname", "hostname", PRESENT),
    ("subdomain", "subdomain", PRESENT),
    ("automountServiceAccountToken", "automountServiceAccountToken", False),
    ("shareProcessNamespace", "shareProcessNamespace", True),
    ("enableServiceLinks", "enableServiceLinks", False),
    ("os.name", "os.name", "linux"),
]

_SEGMENT = re.compile(r'\.?(?:\["(?P<quoted>[^"]+)"\]|(?P<key>[A-Za-z][\w-]*))(?P<each>\[\])?')
#: where each kind keeps its PodSpec
_POD_SPEC = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
#: the lists of a PodSpec that hold Containers
_CONTAINER_LISTS = ("containers", "initContainers")


def parse(path: str) -> list[tuple[str, bool]]:
    """``'a.b[]["c.d"]'`` -> ``[('a', False), ('b', True), ('c.d', False)]``; raises on a typo."""
    out, pos = [], 0
    while pos < len(path):
        m = _SEGMENT.match(path, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"bad path {path!r} at {path[pos:]!r}")
        out.append((m["quoted"] or m["key"], bool(m["each"])))
        pos = m.end()
    return out


def values_at(node: Any, segments: list[tuple[str, bool]]) -> Iterator[Any]:
    """Every value found at ``segments`` below ``node``."""
    if not segments:
        yield node
        return
    (key, each), rest = segments[0], segments[1:]
    if not isinstance(node, dict) or node.get(key) is None:
        return
    child = node[key]
    if not each:
        yield from values_at(child, rest)
    elif isinstance(child, list):
        for item in child:
            yield from values_at(item, rest)


def pod_specs(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    keys = _POD_SPEC.get(doc.get("kind", ""))
    if keys is None:
        return
    node: Any = doc
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict):
        yield node


def found(docs: list[dict[str, Any]], path: str) -> list[Any]:
    """The values at ``path`` in every pod spec of ``docs`` (a ``containers[]`` path also
    looks in ``initContainers``)."""
    segments = parse(path)
    heads = [segments]
    if segments[0] == ("containers", True):
        heads = [[(name, True), *segments[1:]] for name in _CONTAINER_LISTS]
    return [v for doc in docs for spec in pod_specs(doc) for head in heads for v in values_at(spec, head)]


def dist_documents() -> list[dict[str, Any]]:
    return [doc for docs in read_output(DIST).values() for doc in docs]


@pytest.fixture(scope="module")
def dist() -> list[dict[str, Any]]:
    return dist_documents()


@pytest.mark.parametrize(
    ("path", "expected"), [pytest.param(path, value, id=field) for field, path, value in FIELDS]
)
def test_the_field_appears_in_dist(dist: list[dict[str, Any]], path: str, expected: object) -> None:
    values = found(dist, path)
    if expected is PRESENT:
        assert values, f"no pod in dist/ sets {path}; show it in app.py where a real service would"
    else:
        assert expected in values, (
            f"no pod in dist/ sets {path} to {expected!r} (found {values!r}); show it in app.py"
        )


def test_the_walker_finds_a_field_only_while_it_is_there() -> None:
    # GIVEN a CronJob whose init container is privileged
    cron: dict[str, Any] = {
        "kind": "CronJob",
        "spec": {
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [{"name": "a", "resources": {"limits": {"nvidia.com/gpu": "1"}}}],
                            "initContainers": [{"name": "b", "securityContext": {"privileged": True}}],
                        }
                    }
                }
            }
        },
    }
    # THEN both fields are found through the CronJob's template, a dotted key included
    assert found([cron], "containers[].securityContext.privileged") == [True]
    assert found([cron], 'containers[].resources.limits["nvidia.com/gpu"]') == ["1"]
    # WHEN the field is removed THEN it is not found: the table's tests can fail
    del cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["initContainers"][0]["securityContext"]
    assert found([cron], "containers[].securityContext.privileged") == []
    # a pod spec outside a known place is not looked at
    assert found([{"kind": "ConfigMap", "spec": {"hostNetwork": True}}], "hostNetwork") == []


def test_fails_on_a_path_typo() -> None:
    with pytest.raises(ValueError, match=r"bad path 'containers\[\]\.\.name' at '\.\.name'"):
        parse("containers[]..name")


def test_every_path_of_the_table_parses() -> None:
    for _field, path, _value in FIELDS:
        assert parse(path)


# -- what a path alone cannot show -------------------------------------------------------------
def _by_name(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    (doc,) = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


def test_claims_are_mounted_both_by_construct_and_by_name(dist: list[dict[str, Any]]) -> None:
    # by construct: the claim is an object of the same namespace in dist/; by name: it is not
    def namespace(doc: dict[str, Any]) -> str:
        return str(doc["metadata"].get("namespace", ""))

    claims = {(namespace(d), d["metadata"]["name"]) for d in dist if d["kind"] == "PersistentVolumeClaim"}
    mounted = {
        (namespace(doc), name)
        for doc in dist
        for spec in pod_specs(doc)
        for name in values_at(spec, parse("volumes[].persistentVolumeClaim.claimName"))
    }
    assert mounted & claims, "no pod mounts a PersistentVolumeClaim of the app (Volume.from_pvc(claim))"
    assert mounted - claims, "no pod mounts a claim by name (Volume.from_pvc('name'))"


def test_selectors_by_object_select_the_workload_they_name(dist: list[dict[str, Any]]) -> None:
    # LabelSelector.of(workload) renders the workload's own selector labels
    prod_web = _by_name([d for d in dist if d["metadata"].get("namespace") == "prod"], "Deployment", "web")
    spec = prod_web["spec"]["template"]["spec"]
    term = spec["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["podAffinityTerm"]["labelSelector"] == prod_web["spec"]["selector"]
    assert spec["topologySpreadConstraints"][0]["labelSelector"] == prod_web["spec"]["selector"]
    postgres = _by_name(dist, "StatefulSet", "postgres")
    backup = _by_name(dist, "CronJob", "backup")
    affinity = backup["spec"]["jobTemplate"]["spec"]["template"]["spec"]["affinity"]["podAffinity"]
    selector = affinity["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"][
        "labelSelector"
    ]
    assert selector == postgres["spec"]["selector"]
