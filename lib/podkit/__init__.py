"""podkit: typed Python constructs for Pods, ConfigMaps and Secrets on top of cdk8s.

Write ``SidecarPod``, ``ConfigFromMap`` and ``SecretEnv`` in a ``podkit.Chart``, synthesize
with ``cdk8s synth`` (or ``podkit.App().synth()``), commit ``dist/``.
"""

# Must run before cdk8s is imported: point jsii at the venv's Node 24, start its kernel now
# (without jsii's relay process) with cdk8s's assemblies queued, so Node starts while Python
# loads its own modules; then hand that kernel to jsii (_node.py; else jsii starts it as usual).
from ._node import configure_jsii_node, install_provider, start_kernel

configure_jsii_node()
start_kernel()
install_provider()

from ._jsii import install_error_translation  # noqa: E402

# podkit errors raised while Node synthesizes come out of cdk8s calls as themselves
install_error_translation()

from ._pod import DNSConfig, DNSPolicy, HostAlias, OSName, PodFields  # noqa: E402
from .app import App  # noqa: E402
from .chart import Chart  # noqa: E402
from .config_map import ConfigFromMap, ConfigMapRef  # noqa: E402
from .container import Container, EnvFrom, ImagePullPolicy, Mount, Port, Protocol  # noqa: E402
from .env import EnvValue, FieldRef, PodField, ResourceField  # noqa: E402
from .errors import (  # noqa: E402
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
from .external_secret import (  # noqa: E402
    CreationPolicy,
    ExternalSecret,
    Extract,
    RemoteRef,
    SecretStoreRef,
    StoreKind,
)
from .lifecycle import Lifecycle, LifecycleHandler, TerminationMessagePolicy  # noqa: E402
from .namespace import Namespace, ServiceAccount  # noqa: E402
from .pod import RestartPolicy, SidecarPod  # noqa: E402
from .pod_security import PodSecurity  # noqa: E402
from .probe import Probe, Scheme  # noqa: E402
from .resources import Resources  # noqa: E402
from .scheduling import (  # noqa: E402
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
from .sealed_secret import SealedSecret, Sealing, SealingScope  # noqa: E402
from .secret import SecretEnv, SecretRef, SecretType  # noqa: E402
from .security import (  # noqa: E402
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
from .service import Service, ServicePort, ServiceType  # noqa: E402
from .storage import AccessMode, ClaimTemplate, PersistentVolumeClaim, Projection, VolumeMode  # noqa: E402
from .volume import HostPathType, ResourceItem, StorageMedium, Volume  # noqa: E402
from .workloads import (  # noqa: E402
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

__all__ = [
    "AccessMode",
    "App",
    "AppArmorProfile",
    "AppArmorProfileType",
    "Capabilities",
    "Chart",
    "ClaimTemplate",
    "ConcurrencyPolicy",
    "ConfigFromMap",
    "ConfigMapRef",
    "Container",
    "CreationPolicy",
    "CronJob",
    "DNSConfig",
    "DNSPolicy",
    "DaemonSet",
    "DaemonSetUpdateStrategy",
    "Deployment",
    "DeploymentStrategy",
    "DuplicateError",
    "EnvFrom",
    "EnvValue",
    "ExternalSecret",
    "Extract",
    "FSGroupChangePolicy",
    "FieldRef",
    "HostAlias",
    "HostPathType",
    "ImagePullPolicy",
    "InvalidNameError",
    "InvalidQuantityError",
    "Job",
    "LabelRequirement",
    "LabelSelector",
    "LabelSelectorOperator",
    "Lifecycle",
    "LifecycleHandler",
    "MissingReferenceError",
    "Mount",
    "Namespace",
    "NodeAffinity",
    "NodeAffinityPolicy",
    "NodeRequirement",
    "NodeSelectorOperator",
    "NodeSelectorTerm",
    "OSName",
    "PersistentVolumeClaim",
    "PodAffinity",
    "PodAffinityTerm",
    "PodField",
    "PodFields",
    "PodManagementPolicy",
    "PodSecurity",
    "PodSecurityContext",
    "PodkitError",
    "PodkitException",
    "PodkitTypeError",
    "Port",
    "Probe",
    "Problem",
    "ProcMountType",
    "Projection",
    "Protocol",
    "RemoteRef",
    "ResourceField",
    "ResourceItem",
    "Resources",
    "RestartPolicy",
    "SELinuxOptions",
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
    "SecurityContext",
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
    "SynthError",
    "Sysctl",
    "TaintEffect",
    "TerminationMessagePolicy",
    "Toleration",
    "TolerationOperator",
    "TopologySpreadConstraint",
    "Volume",
    "VolumeClaimTemplate",
    "VolumeMode",
    "WeightedNodeSelectorTerm",
    "WeightedPodAffinityTerm",
    "WhenUnsatisfiable",
]
