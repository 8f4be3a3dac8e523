"""The shape of the library: imports point one way, layers know only what is below them, and
the public surface is explicit (as httpx pins its own in ``test_exported_members.py``).

Imports are read from the source (``ast``), function-local ones included: a cycle hidden in a
function body is still a cycle. ``if TYPE_CHECKING:`` blocks are left out (they never run).
"""

from __future__ import annotations

import ast
import importlib
from functools import cache
from pathlib import Path

import pytest

import podkit

LIB = Path(podkit.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(LIB.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(LIB.rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                skip.update(id(n) for n in ast.walk(inner))
    return skip


@cache
def _imports(module: str) -> frozenset[str]:
    """The podkit modules ``module`` imports at run time (any depth in the file)."""
    mods = _modules()
    path = mods[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                child = f"{target}.{alias.name}"
                found.add(child if child in mods else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return frozenset(m for m in found if m in mods and m != module)


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph = {m: _imports(m) for m in _modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_in_the_library() -> None:
    assert _cycles() == []


def test_the_rules_import_nothing_from_podkit_but_errors() -> None:
    rules = [m for m in _modules() if m == "podkit._rules" or m.startswith("podkit._rules.")]
    assert len(rules) >= 15
    outside = {
        m: sorted(i for i in _imports(m) if not i.startswith("podkit._rules") and i != "podkit.errors")
        for m in rules
    }
    assert {m: i for m, i in outside.items() if i} == {}


# what each layer may import from podkit, beyond the rules and errors below everything
_BELOW = {
    "podkit.errors",
    "podkit._checks",
    "podkit._jsii",
    "podkit._node",
    "podkit._references",
    "podkit._validate",
    "podkit.pod_security",
}


def test_the_engine_knows_no_construct() -> None:
    """The chart renders any construct through ``ChartMember``; it imports none of them."""
    chart = {i for i in _imports("podkit.chart") if not i.startswith("podkit._rules")}
    assert chart <= _BELOW, chart - _BELOW


def test_the_app_knows_no_construct() -> None:
    """``App`` renders charts and writes files; sealing (``podkit seal``) reaches it through the
    generic synth hook, so app.py imports no construct (nor the sealing module), even lazily."""
    engine = _BELOW | {"podkit.chart", "podkit._gc", "podkit._output", "podkit._yaml"}
    app = {i for i in _imports("podkit.app") if not i.startswith("podkit._rules")}
    assert app <= engine, app - engine


def test_the_pod_base_knows_no_controller() -> None:
    controllers = {"podkit.workloads", "podkit._workload", "podkit.service", "podkit.pod"}
    assert not (_imports("podkit._pod") & controllers)


def test_a_service_does_not_import_the_controllers_that_expose_it() -> None:
    assert "podkit.workloads" not in _imports("podkit.service")


def _public(module: str) -> bool:
    return module != "podkit" and not any(part.startswith("_") for part in module.split("."))


@pytest.mark.parametrize("module", sorted(filter(_public, _modules())))
def test_every_public_module_declares_its_surface(module: str) -> None:
    loaded = importlib.import_module(module)
    names = getattr(loaded, "__all__", None)
    assert isinstance(names, list) and names, f"{module} has no __all__"
    assert len(names) == len(set(names)), f"{module}.__all__ lists a name twice"  # (ruff sorts it: RUF022)
    missing = [n for n in names if not hasattr(loaded, n)]
    assert missing == []


#: podkit's public surface: adding a name is a decision, removing one breaks users
EXPORTED = [
    "AccessMode",
    "App",
    "AppArmorProfile",
    "AppArmorProfileType",
    "BackendRef",
    "Capabilities",
    "Chart",
    "ClaimTemplate",
    "ClusterRole",
    "ClusterRoleBinding",
    "ConcurrencyPolicy",
    "ConfigFromMap",
    "ConfigMapRef",
    "Connections",
    "Container",
    "CreationPolicy",
    "CronJob",
    "CustomResource",
    "DNSConfig",
    "DNSPolicy",
    "DaemonSet",
    "DaemonSetUpdateStrategy",
    "Deployment",
    "DeploymentStrategy",
    "DeprecatedVersionWarning",
    "DuplicateError",
    "EnvFrom",
    "EnvOverrideWarning",
    "EnvValue",
    "ExternalSecret",
    "Extract",
    "FSGroupChangePolicy",
    "FieldRef",
    "GRPCMatch",
    "GRPCRoute",
    "Gateway",
    "GatewayProtocol",
    "HTTPFilter",
    "HTTPMatch",
    "HTTPRoute",
    "HorizontalPodAutoscaler",
    "HostAlias",
    "HostPathType",
    "ImagePullPolicy",
    "Ingress",
    "IngressBackend",
    "IngressRule",
    "InvalidNameError",
    "InvalidQuantityError",
    "Isolation",
    "Job",
    "LabelRequirement",
    "LabelSelector",
    "LabelSelectorOperator",
    "Lifecycle",
    "LifecycleHandler",
    "LimitRange",
    "LimitRangeItem",
    "LimitType",
    "Listener",
    "Metric",
    "MissingReferenceError",
    "Mount",
    "Namespace",
    "NamespaceReferenceWarning",
    "NetworkPolicy",
    "NetworkPolicyRule",
    "NetworkPolicyWarning",
    "NodeAffinity",
    "NodeAffinityPolicy",
    "NodeRequirement",
    "NodeSelectorOperator",
    "NodeSelectorTerm",
    "OSName",
    "ParentRef",
    "PathType",
    "Peer",
    "PersistentVolumeClaim",
    "PodAffinity",
    "PodAffinityTerm",
    "PodDisruptionBudget",
    "PodField",
    "PodFields",
    "PodManagementPolicy",
    "PodSecurity",
    "PodSecurityContext",
    "PodkitError",
    "PodkitException",
    "PodkitTypeError",
    "PolicyPort",
    "PolicyRule",
    "PolicyType",
    "Port",
    "PreemptionPolicy",
    "PriorityClass",
    "Probe",
    "Problem",
    "ProcMountType",
    "Projection",
    "Protocol",
    "QuotaScope",
    "RemoteRef",
    "ResourceField",
    "ResourceItem",
    "ResourceQuota",
    "Resources",
    "RestartPolicy",
    "Role",
    "RoleBinding",
    "RouteNamespaces",
    "SELinuxOptions",
    "ScalingPolicy",
    "ScalingPolicyType",
    "ScalingRules",
    "Scheme",
    "SealedSecret",
    "Sealing",
    "SealingError",
    "SealingScope",
    "SeccompProfile",
    "SeccompProfileType",
    "SecretEnv",
    "SecretRef",
    "SecretStoreRef",
    "SecretType",
    "SecretValueWarning",
    "SecurityContext",
    "SelectPolicy",
    "Service",
    "ServiceAccount",
    "ServicePort",
    "ServiceType",
    "SidecarPod",
    "SourceError",
    "StatefulSet",
    "StatefulSetUpdateStrategy",
    "StorageMedium",
    "StoreKind",
    "Subject",
    "SynthError",
    "Sysctl",
    "TLSMode",
    "TaintEffect",
    "TerminationMessagePolicy",
    "Toleration",
    "TolerationOperator",
    "TopologySpreadConstraint",
    "UnhealthyPodEvictionPolicy",
    "Volume",
    "VolumeClaimTemplate",
    "VolumeMode",
    "WeightedNodeSelectorTerm",
    "WeightedPodAffinityTerm",
    "WhenUnsatisfiable",
    "allow_dns",
    "certificate_secret",
    "default_deny",
    "grant",
    "grant_read",
    "issuer_ref",
    "register_crd",
    "secret_name",
    "service_monitor_spec",
]


def test_the_public_surface_is_pinned() -> None:
    names = sorted(podkit.__all__)
    assert len(names) == len(set(names))
    for name in names:
        value = getattr(podkit, name)
        assert getattr(value, "__module__", "podkit").startswith("podkit"), name
    assert names == EXPORTED


def test_every_one_worker_group_names_tests_that_exist() -> None:
    # conftest.ONE_WORKER groups tests by node id prefix; a renamed test would silently leave it
    from tests import conftest

    root = Path(__file__).resolve().parent.parent
    for prefix in conftest.ONE_WORKER:
        module, _, name = prefix.partition("::")
        source = (root / module).read_text(encoding="utf-8")
        assert not name or f"def {name}(" in source, prefix
    assert conftest.group_of("tests/test_wheel.py::test_x") == "wheel"
    assert conftest.group_of("tests/test_pod.py::test_x") == "tests/test_pod.py::test_x"
