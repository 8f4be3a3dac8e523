"""podkit: typed Python constructs for Pods, ConfigMaps and Secrets on top of cdk8s.

Write ``SidecarPod``, ``ConfigFromMap`` and ``SecretEnv`` in a ``podkit.Chart``, synthesize
with ``cdk8s synth`` (or ``podkit.App().synth()``), commit ``dist/``.

``import podkit`` starts no Node process and loads neither cdk8s nor jsii: the constructs load
on first use of a name that needs them (``podkit.App``, ``from podkit import Deployment``,
``dir(podkit)`` lists them all), and Node starts right before that first load, so that its
start still overlaps Python loading its modules (``_node.start_runtime``). ``podkit.errors`` and the
``podkit`` command's own process never start Node. Code that loads jsii, constructs or
cdk8s itself after ``import podkit`` (``from podkit.app import App``, ``import cdk8s``) starts it
the same way, through an import hook.
"""

from __future__ import annotations

import functools
import importlib
import threading
from typing import TYPE_CHECKING, Any

# configure_jsii_node: tests and tools call it as podkit.configure_jsii_node
from . import _gc
from ._node import configure_jsii_node, install_import_hook, start_runtime, while_booting  # noqa: F401
from .errors import (
    DuplicateError,
    InvalidNameError,
    InvalidQuantityError,
    MissingReferenceError,
    PodkitError,
    PodkitException,
    PodkitTypeError,
    Problem,
    SealingError,
    SourceError,
    SynthError,
)

install_import_hook()

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ loads these
    from ._crd import CustomResource, DeprecatedVersionWarning, register_crd
    from ._crd_refs import certificate_secret, issuer_ref, secret_name, service_monitor_spec
    from ._pod import DNSConfig, DNSPolicy, HostAlias, OSName, PodFields
    from .app import App, NamespaceReferenceWarning, SecretValueWarning
    from .autoscaling import (
        HorizontalPodAutoscaler,
        Metric,
        ScalingPolicy,
        ScalingPolicyType,
        ScalingRules,
        SelectPolicy,
    )
    from .chart import Chart
    from .config_map import ConfigFromMap, ConfigMapRef
    from .container import Container, EnvFrom, ImagePullPolicy, Mount, Port, Protocol
    from .disruption import PodDisruptionBudget, UnhealthyPodEvictionPolicy
    from .env import EnvOverrideWarning, EnvValue, FieldRef, PodField, ResourceField
    from .external_secret import CreationPolicy, ExternalSecret, Extract, RemoteRef, SecretStoreRef, StoreKind
    from .gateway import (
        BackendRef,
        Gateway,
        GatewayProtocol,
        GRPCMatch,
        GRPCRoute,
        HTTPFilter,
        HTTPMatch,
        HTTPRoute,
        Listener,
        ParentRef,
        RouteNamespaces,
        TLSMode,
    )
    from .ingress import Ingress, IngressBackend, IngressRule, PathType
    from .lifecycle import Lifecycle, LifecycleHandler, TerminationMessagePolicy
    from .namespace import Namespace, ServiceAccount
    from .network_policy import (
        Connections,
        Isolation,
        NetworkPolicy,
        NetworkPolicyRule,
        NetworkPolicyWarning,
        Peer,
        PolicyPort,
        PolicyType,
        allow_dns,
        default_deny,
    )
    from .pod import RestartPolicy, SidecarPod
    from .pod_security import PodSecurity
    from .priority import PreemptionPolicy, PriorityClass
    from .probe import Probe, Scheme
    from .quota import LimitRange, LimitRangeItem, LimitType, QuotaScope, ResourceQuota
    from .rbac import (
        ClusterRole,
        ClusterRoleBinding,
        PolicyRule,
        Role,
        RoleBinding,
        Subject,
        grant,
        grant_read,
    )
    from .resources import Resources
    from .scheduling import (
        LabelRequirement,
        LabelSelector,
        LabelSelectorOperator,
        NodeAffinity,
        NodeAffinityPolicy,
        NodeRequirement,
        NodeSelectorOperator,
        NodeSelectorTerm,
        PodAffinity,
        PodAffinityTerm,
        TaintEffect,
        Toleration,
        TolerationOperator,
        TopologySpreadConstraint,
        WeightedNodeSelectorTerm,
        WeightedPodAffinityTerm,
        WhenUnsatisfiable,
    )
    from .sealed_secret import SealedSecret, Sealing, SealingScope
    from .secret import SecretEnv, SecretRef, SecretType
    from .security import (
        AppArmorProfile,
        AppArmorProfileType,
        Capabilities,
        FSGroupChangePolicy,
        PodSecurityContext,
        ProcMountType,
        SeccompProfile,
        SeccompProfileType,
        SecurityContext,
        SELinuxOptions,
        Sysctl,
    )
    from .service import Service, ServicePort, ServiceType
    from .storage import AccessMode, ClaimTemplate, PersistentVolumeClaim, Projection, VolumeMode
    from .volume import HostPathType, ResourceItem, StorageMedium, Volume
    from .workloads import (
        ConcurrencyPolicy,
        CronJob,
        DaemonSet,
        DaemonSetUpdateStrategy,
        Deployment,
        DeploymentStrategy,
        Job,
        PodManagementPolicy,
        StatefulSet,
        StatefulSetUpdateStrategy,
        VolumeClaimTemplate,
    )

# module -> the names it exports; a module is loaded the first time one of its names is used
_LAZY: dict[str, tuple[str, ...]] = {
    "_crd": ("CustomResource", "DeprecatedVersionWarning", "register_crd"),
    "_crd_refs": ("certificate_secret", "issuer_ref", "secret_name", "service_monitor_spec"),
    "_pod": ("DNSConfig", "DNSPolicy", "HostAlias", "OSName", "PodFields"),
    "app": ("App", "NamespaceReferenceWarning", "SecretValueWarning"),
    "autoscaling": (
        "HorizontalPodAutoscaler",
        "Metric",
        "ScalingPolicy",
        "ScalingPolicyType",
        "ScalingRules",
        "SelectPolicy",
    ),
    "chart": ("Chart",),
    "config_map": ("ConfigFromMap", "ConfigMapRef"),
    "container": ("Container", "EnvFrom", "ImagePullPolicy", "Mount", "Port", "Protocol"),
    "disruption": ("PodDisruptionBudget", "UnhealthyPodEvictionPolicy"),
    "env": ("EnvOverrideWarning", "EnvValue", "FieldRef", "PodField", "ResourceField"),
    "external_secret": (
        "CreationPolicy",
        "ExternalSecret",
        "Extract",
        "RemoteRef",
        "SecretStoreRef",
        "StoreKind",
    ),
    "gateway": (
        "BackendRef",
        "GRPCMatch",
        "GRPCRoute",
        "Gateway",
        "GatewayProtocol",
        "HTTPFilter",
        "HTTPMatch",
        "HTTPRoute",
        "Listener",
        "ParentRef",
        "RouteNamespaces",
        "TLSMode",
    ),
    "ingress": ("Ingress", "IngressBackend", "IngressRule", "PathType"),
    "lifecycle": ("Lifecycle", "LifecycleHandler", "TerminationMessagePolicy"),
    "namespace": ("Namespace", "ServiceAccount"),
    "network_policy": (
        "Connections",
        "Isolation",
        "NetworkPolicy",
        "NetworkPolicyRule",
        "NetworkPolicyWarning",
        "Peer",
        "PolicyPort",
        "PolicyType",
        "allow_dns",
        "default_deny",
    ),
    "pod": ("RestartPolicy", "SidecarPod"),
    "pod_security": ("PodSecurity",),
    "priority": ("PreemptionPolicy", "PriorityClass"),
    "probe": ("Probe", "Scheme"),
    "quota": ("LimitRange", "LimitRangeItem", "LimitType", "QuotaScope", "ResourceQuota"),
    "rbac": (
        "ClusterRole",
        "ClusterRoleBinding",
        "PolicyRule",
        "Role",
        "RoleBinding",
        "Subject",
        "grant",
        "grant_read",
    ),
    "resources": ("Resources",),
    "scheduling": (
        "LabelRequirement",
        "LabelSelector",
        "LabelSelectorOperator",
        "NodeAffinity",
        "NodeAffinityPolicy",
        "NodeRequirement",
        "NodeSelectorOperator",
        "NodeSelectorTerm",
        "PodAffinity",
        "PodAffinityTerm",
        "TaintEffect",
        "Toleration",
        "TolerationOperator",
        "TopologySpreadConstraint",
        "WeightedNodeSelectorTerm",
        "WeightedPodAffinityTerm",
        "WhenUnsatisfiable",
    ),
    "sealed_secret": ("SealedSecret", "Sealing", "SealingScope"),
    "secret": ("SecretEnv", "SecretRef", "SecretType"),
    "security": (
        "AppArmorProfile",
        "AppArmorProfileType",
        "Capabilities",
        "FSGroupChangePolicy",
        "PodSecurityContext",
        "ProcMountType",
        "SeccompProfile",
        "SeccompProfileType",
        "SecurityContext",
        "SELinuxOptions",
        "Sysctl",
    ),
    "service": ("Service", "ServicePort", "ServiceType"),
    "storage": ("AccessMode", "ClaimTemplate", "PersistentVolumeClaim", "Projection", "VolumeMode"),
    "volume": ("HostPathType", "ResourceItem", "StorageMedium", "Volume"),
    "workloads": (
        "ConcurrencyPolicy",
        "CronJob",
        "DaemonSet",
        "DaemonSetUpdateStrategy",
        "Deployment",
        "DeploymentStrategy",
        "Job",
        "PodManagementPolicy",
        "StatefulSet",
        "StatefulSetUpdateStrategy",
        "VolumeClaimTemplate",
    ),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}
_load_lock = threading.RLock()

#: the modules of a pod, loaded while ``App()`` waits for Node to boot (``_node.while_booting``):
#: an app builds its pods right after, and Python would otherwise sit idle for ~20 ms
_WHILE_NODE_BOOTS = ("container", "pod", "volume", "config_map", "secret")


def __getattr__(name: str) -> Any:
    """PEP 562: load the module that defines ``name`` (and cdk8s) on its first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _load(module)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def _load(module: str) -> None:
    """Import one of podkit's public modules and bind its public names here. Only what an app
    uses is loaded (an app without Gateways or custom resources never loads them), and the
    modules of a pod while ``App()`` would wait for Node."""
    with _load_lock:  # another thread waits for the first one's load
        names = _LAZY[module]
        if names[0] in globals():
            return
        with _gc.paused():
            if start_runtime():  # Node boots while Python loads jsii, cdk8s and podkit (once)
                for ahead in _WHILE_NODE_BOOTS:
                    while_booting(functools.partial(_load, ahead))
            loaded = importlib.import_module(f".{module}", __name__)
        globals().update({attr: getattr(loaded, attr) for attr in names})


_load_lock = threading.RLock()


__all__ = [
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
