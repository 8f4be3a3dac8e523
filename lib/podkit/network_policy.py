"""``NetworkPolicy``: which pods may talk to which, built from the pod and workload objects.

By default every pod accepts traffic from anywhere and sends it anywhere. A NetworkPolicy
*selects* pods of its namespace and, for each direction it names in ``policyTypes``, isolates
them: only what one of the namespace's policies allows gets through. The usual shape is a
default-deny policy for the namespace (:func:`default_deny`) plus one allow per real flow.

podkit builds every selector from objects: a peer or a selected pod set is a podkit workload
(its selector labels) or pod (its labels), never a label copied by hand; a namespace is a
``Namespace`` object or its name (``kubernetes.io/metadata.name``, which Kubernetes sets on
every namespace); a port is the container ``Port`` object, or its name. A peer in another
namespace than the policy gets the namespace selector that reaches it, by itself.

``workload.connections.allow_from(other, port=...)`` / ``allow_to(...)`` write both sides of a
flow at once, as cdk8s-plus's ``connections`` does: the ingress policy of the receiver and the
egress policy of the sender. :func:`allow_dns` is the egress every pod of an egress-isolated
namespace needs first.

Checks at synth, beyond the API server's (``_rules/networking.py``):

* a port given by name (or by ``Port`` object) that the destination pods do not declare: an
  error (the policy would silently allow nothing);
* a policy whose pods, given by object, are in another namespace: an error (a policy selects
  pods of its own namespace only, so it would select nothing); one whose label selector
  matches no podkit pod of its namespace: a :class:`NetworkPolicyWarning` (the pods may come
  from elsewhere);
* a peer label selector matching no podkit pod of the app: a :class:`NetworkPolicyWarning`;
* rules of a direction ``policy_types`` leaves out (network plugins ignore them), and a
  workload peer given a ``namespace`` other than its own (it would select nothing): errors.

Where the policy, or the pods it selects or allows, have no namespace (kubectl's context or the
GitOps tool's destination decides it), they meet only if that is the other's namespace: a
``NamespaceReferenceWarning``, never an error (a selector matching only such pods warns so, not
as matching none). A workload peer of a known namespace is reached by that namespace's label
from a policy without one too, so it works wherever the policy is applied.

The policies are written with explicit ``policyTypes``: Kubernetes' default would isolate
ingress too as soon as a policy has egress rules, which is rarely what was meant.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

import constructs

from . import _checks
from ._app_objects import (
    DESTINATION_DECIDES,
    app_objects,
    namespace_of,
    never_meet,
    objects_in_namespace,
    objects_met_by_destination,
    target_namespace,
    warn_namespace,
)
from ._pod import AbstractPod
from ._resource import PodkitResource
from ._rules.core.service import cidr_error
from ._rules.meta import selector_matches
from ._rules.networking import except_error
from .container import Port, Protocol
from .errors import DuplicateError, PodkitError, PodkitTypeError, Problem, warn_at
from .namespace import Namespace
from .scheduling import LabelSelector

__all__ = [
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
]

#: the label Kubernetes puts on every namespace (NamespaceDefaultLabelName, GA in 1.22)
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


class NetworkPolicyWarning(UserWarning):
    """A policy or peer selects no pod podkit knows of: maybe a typo, maybe pods made elsewhere.
    Shown at synth, at the line that created the policy."""


class PolicyType(enum.Enum):
    """A direction a policy isolates its pods in."""

    INGRESS = "Ingress"
    EGRESS = "Egress"


class Isolation(enum.Enum):
    """Which side of a flow ``connections.allow_from``/``allow_to`` writes a policy for."""

    #: both: the receiver's ingress policy and the sender's egress policy
    BOTH = "both"
    #: only this workload's own policy
    POD = "pod"
    #: only the other side's policy
    PEER = "peer"


# -- ports ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PolicyPort:
    """A port (or a port range) traffic may use. Make one with :meth:`of` (a container ``Port``
    object: the port the destination pods declare), :meth:`named`, :meth:`number`, :meth:`range`
    or :meth:`all_ports`; a ``Port``, an int or a str are accepted wherever a ``PolicyPort`` is.

    :param port: a port number or name. Default: none (every port).
    :param protocol: ``Protocol.TCP``, ``UDP`` or ``SCTP``. Default: ``Protocol.TCP``.
    :param end_port: the last port of a range starting at ``port``. Default: one port.
    :param source: the container ``Port`` object this was made from (:meth:`of`), checked against
        the destination pods at synth. Default: none.
    """

    port: int | str | None = None
    protocol: Protocol = Protocol.TCP
    end_port: int | None = None
    source: Port | None = None

    @staticmethod
    def of(port: Port) -> PolicyPort:
        """A container port, by object: its name when it has one (renumbering the container needs
        no change here), else its number; its protocol."""
        if not isinstance(port, Port):
            raise PodkitTypeError("PolicyPort.of", f"port must be a container Port, got {port!r}")
        return PolicyPort(port.name if port.name is not None else port.number, port.protocol, None, port)

    @staticmethod
    def named(name: str, *, protocol: Protocol = Protocol.TCP) -> PolicyPort:
        """A port by its name in the destination pods (checked against podkit pods at synth)."""
        return PolicyPort(_checks.port_name("PolicyPort.named", name), _protocol(protocol))

    @staticmethod
    def number(number: int, *, protocol: Protocol = Protocol.TCP) -> PolicyPort:
        return PolicyPort(_checks.port_number("PolicyPort.number", "port", number), _protocol(protocol))

    @staticmethod
    def range(start: int, end: int, *, protocol: Protocol = Protocol.TCP) -> PolicyPort:
        """Ports ``start`` to ``end``, both included (``endPort``)."""
        start = _checks.port_number("PolicyPort.range", "start", start)
        end = _checks.port_number("PolicyPort.range", "end", end)
        if end < start:
            raise PodkitError(
                "PolicyPort.range", f"end {end} is below start {start}: give the range low to high"
            )
        return PolicyPort(start, _protocol(protocol), end)

    @staticmethod
    def all_ports(*, protocol: Protocol = Protocol.TCP) -> PolicyPort:
        """Every port of one protocol."""
        return PolicyPort(None, _protocol(protocol))

    def render(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "endPort": self.end_port,
            # written out even for TCP: a reader of a policy should not have to know the default
            "protocol": self.protocol.value,
        }

    def __str__(self) -> str:
        shown = "all ports" if self.port is None else str(self.port)
        if self.end_port is not None:
            shown += f"-{self.end_port}"
        return f"{shown}/{self.protocol.value}"


def _protocol(value: object) -> Protocol:
    return _checks.enum_arg("PolicyPort", "protocol", value, Protocol)


PortArg = PolicyPort | Port | int | str


def policy_port(where: str, value: object) -> PolicyPort:
    if isinstance(value, PolicyPort):
        return value
    if isinstance(value, Port):
        return PolicyPort.of(value)
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        return PolicyPort.number(value)
    elif isinstance(value, str):
        return PolicyPort.named(value)
    raise PodkitTypeError(
        where,
        f"a port must be a container Port, a PolicyPort, a port number or a port name, got "
        f"{type(value).__name__} {value!r}",
    )


def _ports(where: str, value: object) -> tuple[PolicyPort, ...]:
    if value is None:
        return ()
    if isinstance(value, PolicyPort | Port | int | str):
        return (policy_port(where, value),)
    return tuple(policy_port(where, v) for v in _checks.check_sequence("ports", value, "[http]", path=where))


# -- peers --------------------------------------------------------------------------------------------
PodTarget = AbstractPod


def _pod_labels(target: AbstractPod) -> dict[str, str]:
    """The labels that select ``target``'s pods: a workload's selector labels, a pod's labels."""
    labels = getattr(target, "selector_labels", None)
    if isinstance(labels, Mapping):
        return dict(labels)
    return dict(target._metadata().get("labels") or {})


@_checks.factory_built
class Peer:
    """The other side of a flow: pods (by object or selector), namespaces, or an IP block.

    A podkit workload or pod is accepted wherever a ``Peer`` is (``Peer.pods(it)``).
    """

    def __init__(
        self,
        *,
        _target: AbstractPod | None = None,
        _pods: LabelSelector | None = None,
        _namespaces: Mapping[str, Any] | None = None,
        _namespace_name: str | None = None,
        _ip_block: Mapping[str, Any] | None = None,
    ) -> None:
        self._target = _target
        self._pods = _pods
        self._namespaces = _namespaces
        self._namespace_name = _namespace_name
        self._ip_block = _ip_block

    @classmethod
    def _make(cls, *args: Any, **kwargs: Any) -> Self:
        """The constructor, for the factories (set by ``_checks.factory_built``)."""
        raise NotImplementedError

    @staticmethod
    def pods(target: AbstractPod | LabelSelector, *, namespace: Namespace | str | Peer | None = None) -> Peer:
        """Pods: a podkit workload or pod (its selector labels, read at synth), or a
        ``LabelSelector``. In the policy's namespace unless ``namespace`` is given (a
        ``Namespace``, a name, or ``Peer.namespaces(...)``); a workload or pod in another
        namespace than the policy is reached there by itself."""
        where = "Peer.pods"
        if isinstance(target, AbstractPod):
            peer = Peer._make(_target=target)
        elif isinstance(target, LabelSelector):
            if isinstance(target.target, AbstractPod):
                peer = Peer._make(_target=target.target)
            else:
                peer = Peer._make(_pods=target)
        else:
            raise PodkitTypeError(
                where,
                f"target must be a podkit workload or pod, or a LabelSelector, got {type(target).__name__} {target!r}",
            )
        if namespace is not None:
            ns = _namespace_peer(where, namespace)
            peer._namespaces, peer._namespace_name = ns._namespaces, ns._namespace_name
        return peer

    @staticmethod
    def namespace(namespace: Namespace | str) -> Peer:
        """Every pod of one namespace (a podkit ``Namespace`` or its name)."""
        return _namespace_peer("Peer.namespace", namespace)

    @staticmethod
    def namespaces(selector: Mapping[str, str] | LabelSelector | None = None) -> Peer:
        """Every pod of the namespaces with these labels. ``None``: every namespace."""
        where = "Peer.namespaces"
        if selector is None:
            return Peer._make(_namespaces={})
        if isinstance(selector, LabelSelector):
            return Peer._make(_namespaces=selector.render())
        return Peer._make(_namespaces={"matchLabels": _checks.labels(where, selector)})

    @staticmethod
    def ip_block(cidr: str, *, except_cidrs: Sequence[str] = ()) -> Peer:
        """Addresses in ``cidr`` but not in ``except_cidrs`` (each strictly inside ``cidr``).
        For traffic outside the cluster: pod IPs change, select pods by object instead."""
        where = "Peer.ip_block"
        cidr = _checks.check_str(where, "cidr", cidr)
        error = cidr_error("cidr", cidr)
        if error:
            raise PodkitError(where, error)
        if isinstance(except_cidrs, str):
            raise PodkitTypeError(
                where, f"except_cidrs takes a list, got a single {except_cidrs!r}: write [{except_cidrs!r}]"
            )
        excepted = [
            _checks.check_str(where, "except_cidrs", e)
            for e in _checks.check_sequence("except_cidrs", except_cidrs, "['10.0.5.0/24']", path=where)
        ]
        for e in excepted:
            error = cidr_error("except CIDR", e) or except_error("except CIDR", cidr, e)
            if error:
                raise PodkitError(where, error)
        return Peer._make(_ip_block={"cidr": cidr, "except": excepted or None})

    @property
    def target(self) -> AbstractPod | None:
        """The podkit workload or pod this peer is, if given by object."""
        return self._target

    def namespace_name(self, policy_namespace: str | None) -> str | None:
        """The namespace this peer's pods are in, when one namespace is known."""
        if self._namespace_name is not None:
            return self._namespace_name
        if self._namespaces is not None or self._ip_block is not None:
            return None
        if self._target is not None:
            return namespace_of(self._target) or policy_namespace
        return policy_namespace

    def render(self, policy_namespace: str | None) -> dict[str, Any]:
        if self._ip_block is not None:
            return {"ipBlock": dict(self._ip_block)}
        out: dict[str, Any] = {}
        if self._target is not None:
            out["podSelector"] = {"matchLabels": _pod_labels(self._target)}
        elif self._pods is not None:
            out["podSelector"] = self._pods.render()
        namespaces = self._namespaces
        if namespaces is None and self._target is not None:
            # a policy without a namespace goes wherever it is applied: a peer of a known namespace
            # is reached there by its namespace's label, so it never depends on that destination
            target_ns = namespace_of(self._target)
            if target_ns is not None and target_ns != policy_namespace:
                namespaces = {"matchLabels": {NAMESPACE_NAME_LABEL: target_ns}}
        if namespaces is not None:
            out["namespaceSelector"] = dict(namespaces)
        return out

    def __repr__(self) -> str:
        if self._target is not None:
            return f"Peer.pods({self._target!r})"
        if self._pods is not None:
            return f"Peer.pods({self._pods!r})"
        if self._ip_block is not None:
            return f"Peer.ip_block({self._ip_block['cidr']!r})"
        return f"Peer.namespaces({self._namespaces!r})"


def _namespace_peer(where: str, namespace: object) -> Peer:
    if isinstance(namespace, Peer):
        if namespace._namespaces is None or namespace._target is not None or namespace._pods is not None:
            raise PodkitTypeError(
                where, f"namespace must be a Namespace, a name or Peer.namespaces(...), got {namespace!r}"
            )
        return namespace
    if isinstance(namespace, Namespace):
        name = namespace.name
    elif isinstance(namespace, str):
        name = _checks.dns_label(where, "namespace", namespace)
    else:
        raise PodkitTypeError(
            where,
            f"namespace must be a podkit Namespace or its name, got {type(namespace).__name__} {namespace!r}",
        )
    return Peer._make(_namespaces={"matchLabels": {NAMESPACE_NAME_LABEL: name}}, _namespace_name=name)


def peer_arg(where: str, value: object) -> Peer:
    if isinstance(value, Peer):
        return value
    if isinstance(value, AbstractPod | LabelSelector):
        return Peer.pods(value)
    raise PodkitTypeError(
        where,
        f"a peer must be a Peer (Peer.pods/namespace/namespaces/ip_block) or a podkit workload or pod, got "
        f"{type(value).__name__} {value!r}",
    )


@dataclass(frozen=True)
class NetworkPolicyRule:
    """One allowed flow of a policy: from (ingress) or to (egress) any of ``peers`` (empty: from
    or to anywhere), on any of ``ports`` (empty: every port)."""

    peers: Sequence[Peer | AbstractPod] = ()
    ports: Sequence[PortArg] = ()


# -- the policy ------------------------------------------------------------------------------------
class NetworkPolicy(PodkitResource):
    """A NetworkPolicy selecting pods of its namespace.

    ``NetworkPolicy(chart, "web", selector=web, ingress=[NetworkPolicyRule([gateway], [http])])``

    :param selector: the pods this policy isolates: a podkit workload or pod (by object) or a
        ``LabelSelector``. Default: every pod of the namespace.
    :param ingress: allowed incoming flows (shortcuts for :meth:`add_ingress_rule`). Default: none.
    :param egress: allowed outgoing flows (shortcuts for :meth:`add_egress_rule`). Default: none.
    :param policy_types: the directions isolated. Default: ``INGRESS`` when the policy has
        ingress rules, ``EGRESS`` when it has egress rules, ``INGRESS`` when it has neither (a
        policy allowing nothing in: deny all ingress).
    :param name: Kubernetes name (a DNS-1123 subdomain). Default: ``id``.
    :param namespace: default: the chart's namespace.
    :param labels: labels of the NetworkPolicy, added to the chart's (these win). Default: none.
    :param annotations: annotations of the NetworkPolicy. Default: none.
    """

    KIND = "NetworkPolicy"
    API_VERSION = "networking.k8s.io/v1"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        selector: AbstractPod | LabelSelector | None = None,
        ingress: Sequence[NetworkPolicyRule] = (),
        egress: Sequence[NetworkPolicyRule] = (),
        policy_types: Sequence[PolicyType] | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        if selector is not None and not isinstance(selector, AbstractPod | LabelSelector):
            raise PodkitTypeError(
                self.path,
                f"selector must be a podkit workload or pod, or a LabelSelector (None: every pod of the "
                f"namespace), got {type(selector).__name__} {selector!r}",
            )
        if isinstance(selector, LabelSelector) and isinstance(selector.target, AbstractPod):
            selector = selector.target
        self.selector = selector
        self._types: tuple[PolicyType, ...] | None = None
        if policy_types is not None:
            if isinstance(policy_types, PolicyType):
                raise PodkitTypeError(self.path, f"policy_types takes a list: write [{policy_types}]")
            types = _checks.check_sequence(
                "policy_types", policy_types, "[PolicyType.INGRESS]", path=self.path
            )
            self._types = tuple(_checks.enum_arg(self.path, "policy_types", t, PolicyType) for t in types)
            if not self._types:
                raise PodkitError(
                    self.path, "policy_types is empty: leave it out for the default, or name a direction"
                )
            if len(set(self._types)) != len(self._types):
                raise DuplicateError(self.path, f"policy_types {list(self._types)} names a direction twice")
        self._ingress: list[tuple[tuple[Peer, ...], tuple[PolicyPort, ...]]] = []
        self._egress: list[tuple[tuple[Peer, ...], tuple[PolicyPort, ...]]] = []
        for rule in _checks.check_sequence(
            "ingress", ingress, "[NetworkPolicyRule([web], [http])]", path=self.path
        ):
            self._rule_arg(rule)
            self.add_ingress_rule(rule.peers, ports=rule.ports)
        for rule in _checks.check_sequence(
            "egress", egress, "[NetworkPolicyRule([db], [pg])]", path=self.path
        ):
            self._rule_arg(rule)
            self.add_egress_rule(rule.peers, ports=rule.ports)

    def _rule_arg(self, rule: object) -> None:
        if not isinstance(rule, NetworkPolicyRule):
            raise PodkitTypeError(
                self.path, f"rules must be NetworkPolicyRule objects, got {type(rule).__name__} {rule!r}"
            )

    def _peers(self, peers: object) -> tuple[Peer, ...]:
        if isinstance(peers, Peer | AbstractPod):
            return (peer_arg(self.path, peers),)
        return tuple(
            peer_arg(self.path, p) for p in _checks.check_sequence("peers", peers, "[web]", path=self.path)
        )

    def add_ingress_rule(
        self,
        peers: Sequence[Peer | AbstractPod] | Peer | AbstractPod = (),
        *,
        ports: Sequence[PortArg] | PortArg = (),
    ) -> None:
        """Allow traffic into the selected pods from any of ``peers`` (default: from anywhere) on
        any of ``ports`` (the selected pods' ports; default: every port)."""
        self._ingress.append((self._peers(peers), _ports(self.path, ports)))

    def add_egress_rule(
        self,
        peers: Sequence[Peer | AbstractPod] | Peer | AbstractPod = (),
        *,
        ports: Sequence[PortArg] | PortArg = (),
    ) -> None:
        """Allow traffic from the selected pods to any of ``peers`` (default: anywhere) on any of
        ``ports`` (the peers' ports; default: every port)."""
        self._egress.append((self._peers(peers), _ports(self.path, ports)))

    @property
    def policy_types(self) -> tuple[PolicyType, ...]:
        """The directions isolated (see the ``policy_types`` argument)."""
        if self._types is not None:
            return self._types
        types = []
        if self._ingress or not self._egress:
            types.append(PolicyType.INGRESS)
        if self._egress:
            types.append(PolicyType.EGRESS)
        return tuple(types)

    def flows(self) -> Iterator[tuple[str, tuple[Peer, ...], tuple[PolicyPort, ...]]]:
        """``(direction, peers, ports)`` of each rule: ``"ingress"`` or ``"egress"``."""
        for peers, ports in self._ingress:
            yield "ingress", peers, ports
        for peers, ports in self._egress:
            yield "egress", peers, ports

    # -- synth ---------------------------------------------------------------------------------
    def _check(self, problems: list[Problem]) -> None:
        mine = namespace_of(self)
        target = self.selector
        types = self.policy_types
        for direction, rules, kind in (
            ("ingress", self._ingress, PolicyType.INGRESS),
            ("egress", self._egress, PolicyType.EGRESS),
        ):
            if rules and kind not in types:
                # the API server keeps such rules and every network plugin ignores them
                problems.append(
                    self._problem(
                        f"the policy has {len(rules)} {direction} rule(s) but policy_types "
                        f"{[t.value for t in types]} does not include {kind.value}, so network plugins ignore them",
                        f"add PolicyType.{kind.name} to policy_types, or drop the {direction} rules",
                    )
                )
        if isinstance(target, AbstractPod):
            self._check_target(problems, mine, target)
        elif isinstance(target, LabelSelector):
            self._check_selector(mine, target)
        for direction, peers, ports in self.flows():
            for peer in peers:
                if peer._target is not None:
                    self._check_pod_peer(problems, mine, direction, peer, peer._target)
                elif peer._pods is not None:
                    self._check_selector_peer(mine, direction, peer, peer._pods)
            # the pods a port belongs to: the selected pods for ingress, the peers for egress
            if direction == "ingress":
                destinations = [target] if isinstance(target, AbstractPod) else []
            else:
                destinations = [p._target for p in peers if p._target is not None]
            for port in ports:
                for pod in destinations:
                    missing = _undeclared(pod, port)
                    if missing:
                        problems.append(self._problem(f"{direction} rule: {missing}", _PORT_FIX))

    # Two written namespaces that differ never meet. Where one side has none, kubectl's context or
    # the GitOps tool's destination decides it: the pair meets if that is the other side's, so it
    # is warned (NamespaceReferenceWarning, at the line that created the policy), never refused.
    def _check_target(self, problems: list[Problem], mine: str | None, target: AbstractPod) -> None:
        """The pods selected by object are in the policy's namespace."""
        theirs = namespace_of(target)
        if never_meet(
            self,
            mine,
            theirs,
            only_mine=lambda ns: (
                f"the policy is in namespace {ns!r} and selects {target.KIND} {target.path!r}, which has none "
                f"({DESTINATION_DECIDES})"
            ),
            only_theirs=lambda ns: (
                f"the policy has no namespace ({DESTINATION_DECIDES}) and selects {target.KIND} {target.path!r} "
                f"of namespace {ns!r}"
            ),
            outcome="it selects the target's pods",
        ):
            problems.append(
                self._problem(
                    f"the policy is in namespace {mine!r} but selects {target.KIND} {target.path!r} of "
                    f"namespace {theirs!r}; a NetworkPolicy selects pods of its own namespace only, so it "
                    f"would select nothing",
                    "create the policy in the chart (namespace) of the pods it protects",
                )
            )

    def _check_selector(self, mine: str | None, selector: LabelSelector) -> None:
        """A label selector should match podkit pods of the policy's namespace."""
        rendered = selector.render()
        if any(selector_matches(rendered, labels) for _, labels in _app_pods(self, mine)):
            return
        shown = _checks.jsonable(rendered)
        elsewhere = [
            pod
            for pod, labels in _app_pods_met_by_destination(self, mine)
            if selector_matches(rendered, labels)
        ]
        if elsewhere:
            self._warn_met_by_destination(
                f"{self._lead(mine)} and its selector {shown}", mine, elsewhere, "it selects them"
            )
            return
        where = f"of namespace {mine!r}" if mine is not None else "of the app"
        warn_at(
            f"[{self.path}] the policy's selector {shown} matches no podkit pod {where}; unless those pods are "
            f"made elsewhere, it selects nothing (select by object: selector=workload)",
            NetworkPolicyWarning,
            self._source,
        )

    def _check_pod_peer(
        self, problems: list[Problem], mine: str | None, direction: str, peer: Peer, pod: AbstractPod
    ) -> None:
        """A workload peer is reached in its own namespace (by a namespace selector, when known), in
        the one given to the peer, else in the policy's."""
        own = namespace_of(pod)
        given = peer._namespace_name
        if given is not None and own is not None and given != own:
            problems.append(
                self._problem(
                    f"{direction} peer {peer!r} is given namespace {given!r}, but "
                    f"{pod.KIND} {pod.path!r} runs in {own!r}, so the peer selects "
                    f"nothing",
                    "drop namespace= (a workload's own namespace is used by itself)",
                )
            )
        elif own is None and given is not None:
            warn_namespace(
                self,
                f"the policy's {direction} peer {peer!r} is given namespace {given!r} and {pod.KIND} "
                f"{pod.path!r} has none ({DESTINATION_DECIDES})",
                "the peer selects its pods",
                [given],
            )
        elif own is None and peer._namespaces is None and mine is not None:
            # no namespace selector: the peer's pods are looked for in the policy's namespace
            warn_namespace(
                self,
                f"the policy is in namespace {mine!r} and its {direction} peer {pod.KIND} {pod.path!r} has "
                f"none ({DESTINATION_DECIDES})",
                "the rule allows its pods",
                [mine],
            )

    def _check_selector_peer(
        self, mine: str | None, direction: str, peer: Peer, selector: LabelSelector
    ) -> None:
        """A peer label selector should match podkit pods of the namespace it reaches."""
        rendered = selector.render()
        if peer._namespaces is not None and peer._namespace_name is None:
            # namespaces chosen by their labels: any pod of the app may be in one of them
            pods = [(pod, _labels_of(pod)) for pod in app_objects(self, AbstractPod)]
            if pods and not any(selector_matches(rendered, labels) for _, labels in pods):
                self._warn_unmatched_peer(direction, peer, "of this app")
            return
        namespace = peer._namespace_name if peer._namespace_name is not None else mine
        same = list(_app_pods(self, namespace))
        if any(selector_matches(rendered, labels) for _, labels in same):
            return
        elsewhere = [
            pod
            for pod, labels in _app_pods_met_by_destination(self, namespace)
            if selector_matches(rendered, labels)
        ]
        if elsewhere:
            lead = (
                f"the policy's {direction} peer {peer!r}, given namespace {namespace!r},"
                if peer._namespace_name is not None
                else f"{self._lead(mine)} and its {direction} peer {peer!r}"
            )
            self._warn_met_by_destination(lead, namespace, elsewhere, "the rule allows them")
        elif same:  # a namespace the app puts no pod in (kube-system's DNS) is someone else's
            where = f"of namespace {namespace!r} in this app" if namespace is not None else "of this app"
            self._warn_unmatched_peer(direction, peer, where)

    def _warn_unmatched_peer(self, direction: str, peer: Peer, where: str) -> None:
        warn_at(
            f"[{self.path}] {direction} peer {peer!r} matches no podkit pod {where}; unless those pods are made "
            f"elsewhere, the rule allows nothing (give the workload object: Peer.pods(workload))",
            NetworkPolicyWarning,
            self._source,
        )

    @staticmethod
    def _lead(mine: str | None) -> str:
        if mine is not None:
            return f"the policy is in namespace {mine!r}"
        return f"the policy has no namespace ({DESTINATION_DECIDES})"

    def _warn_met_by_destination(
        self, lead: str, namespace: str | None, pods: list[AbstractPod], outcome: str
    ) -> None:
        """``lead`` (the policy's selector, a peer) matches no podkit pod of ``namespace``, only
        ``pods``, which meet it only in the destination namespace (on the other side of
        ``namespace``: without one, or of a namespace when ``namespace`` is ``None``)."""
        if namespace is not None:
            names = " and ".join(f"{p.KIND} {p.path!r}" for p in pods)
            warn_namespace(
                self,
                f"{lead} matches the pods of {names}, without a namespace ({DESTINATION_DECIDES})",
                outcome,
                [namespace],
            )
            return
        names = " and ".join(f"{p.KIND} {p.path!r} of namespace {namespace_of(p)!r}" for p in pods)
        warn_namespace(
            self,
            f"{lead} matches the pods of {names}",
            outcome,
            sorted({n for p in pods if (n := namespace_of(p)) is not None}),
        )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        namespace = namespace_of(self)
        target = self.selector
        if isinstance(target, AbstractPod):
            selector: dict[str, Any] = {"matchLabels": _pod_labels(target)}
        elif isinstance(target, LabelSelector):
            selector = target.render()
        else:
            selector = {}

        def rule(key: str, peers: tuple[Peer, ...], ports: tuple[PolicyPort, ...]) -> dict[str, Any]:
            return {
                key: [p.render(namespace) for p in peers] or None,
                "ports": [p.render() for p in ports] or None,
            }

        types = self.policy_types
        return {
            "spec": {
                "podSelector": selector,
                "policyTypes": [t.value for t in types],
                "ingress": [rule("from", *r) for r in self._ingress] or None,
                "egress": [rule("to", *r) for r in self._egress] or None,
            }
        }


_PORT_FIX = "declare the port on a container of those pods, or use a port they declare"


def _undeclared(pod: AbstractPod, port: PolicyPort) -> str | None:
    declared = [p for c in pod.containers for p in c.ports]
    if port.source is not None:
        if any(p == port.source for p in declared):
            return None
    elif isinstance(port.port, str):
        if any(p.name == port.port and p.protocol == port.protocol for p in declared):
            return None
    else:
        return None  # a number or a range: a pod may listen on any port without declaring it
    shown = ", ".join(f"{p.number}" + (f" ({p.name})" if p.name else "") for p in declared) or "none"
    return (
        f"port {port} is not declared by any container of {pod.KIND} {pod.path!r} (declared: {shown}), "
        f"so the rule would allow nothing"
    )


def _labels_of(pod: AbstractPod) -> dict[str, str]:
    """The labels of ``pod``'s pods (a workload's template labels, a pod's own)."""
    labels = getattr(pod, "pod_labels", None)
    return dict(labels) if isinstance(labels, Mapping) else dict(pod._metadata().get("labels") or {})


def _app_pods(policy: PodkitResource, namespace: str | None) -> Iterator[tuple[AbstractPod, dict[str, str]]]:
    """Every podkit pod (template) of the app written to ``namespace``, with its labels."""
    return ((pod, _labels_of(pod)) for pod in objects_in_namespace(policy, AbstractPod, namespace))


def _app_pods_met_by_destination(
    policy: PodkitResource, namespace: str | None
) -> Iterator[tuple[AbstractPod, dict[str, str]]]:
    """The podkit pods of the app that meet ``namespace`` only in the destination namespace."""
    return ((pod, _labels_of(pod)) for pod in objects_met_by_destination(policy, AbstractPod, namespace))


# -- helpers -------------------------------------------------------------------------------------------
def default_deny(
    scope: constructs.Construct,
    *,
    ingress: bool = True,
    egress: bool = True,
    id: str = "default-deny",
    namespace: str | None = None,
) -> NetworkPolicy:
    """A policy selecting every pod of the namespace and allowing nothing: with ``ingress``, no
    pod accepts traffic another policy does not allow; with ``egress``, none sends any (add
    :func:`allow_dns`, or names stop resolving)."""
    _checks.check_bool(id, "ingress", ingress)
    _checks.check_bool(id, "egress", egress)
    types = [t for t, on in ((PolicyType.INGRESS, ingress), (PolicyType.EGRESS, egress)) if on]
    if not types:
        raise PodkitError(
            id, "default_deny with ingress=False and egress=False denies nothing: drop the call"
        )
    return NetworkPolicy(scope, id, policy_types=types, namespace=namespace)


#: the cluster DNS of kubeadm, kind, EKS, GKE and AKS: CoreDNS (or kube-dns) pods labelled
#: k8s-app=kube-dns in kube-system
KUBE_DNS = Peer.pods(LabelSelector(match_labels={"k8s-app": "kube-dns"}), namespace="kube-system")


def allow_dns(
    scope: constructs.Construct,
    *,
    selector: AbstractPod | LabelSelector | None = None,
    dns: Peer = KUBE_DNS,
    id: str = "allow-dns",
    namespace: str | None = None,
) -> NetworkPolicy:
    """Let pods resolve names under an egress default-deny: egress to the cluster DNS on port 53,
    UDP and TCP (large answers fall back to TCP).

    :param selector: the pods. Default: every pod of the namespace.
    :param dns: the DNS pods. Default: ``k8s-app=kube-dns`` in ``kube-system``; NodeLocal
        DNSCache users pass ``Peer.ip_block("169.254.20.10/32")``.
    """
    if not isinstance(dns, Peer):
        raise PodkitTypeError(id, f"dns must be a Peer, got {type(dns).__name__} {dns!r}")
    return NetworkPolicy(
        scope,
        id,
        selector=selector,
        egress=[
            NetworkPolicyRule([dns], [PolicyPort.number(53, protocol=Protocol.UDP), PolicyPort.number(53)])
        ],
        namespace=namespace,
    )


class Connections:
    """``workload.connections``: the flows of one workload, written as NetworkPolicies (as
    cdk8s-plus's ``pod.connections``). Each call writes the receiver's ingress policy and the
    sender's egress policy (``isolation``), named ``<receiver>-from-<sender>`` and
    ``<sender>-to-<receiver>``; a second call for the same pair adds a rule to them."""

    def __init__(self, pod: AbstractPod) -> None:
        self._pod = pod

    def allow_from(
        self,
        peer: Peer | AbstractPod,
        *,
        port: Sequence[PortArg] | PortArg | None = None,
        isolation: Isolation = Isolation.BOTH,
    ) -> list[NetworkPolicy]:
        """Let ``peer`` reach this workload on ``port`` (this workload's ports; default: every port)."""
        return self._connect(peer, port, isolation, incoming=True)

    def allow_to(
        self,
        peer: Peer | AbstractPod,
        *,
        port: Sequence[PortArg] | PortArg | None = None,
        isolation: Isolation = Isolation.BOTH,
    ) -> list[NetworkPolicy]:
        """Let this workload reach ``peer`` on ``port`` (the peer's ports; default: every port)."""
        return self._connect(peer, port, isolation, incoming=False)

    def _connect(
        self, peer: object, port: object, isolation: object, *, incoming: bool
    ) -> list[NetworkPolicy]:
        me = self._pod
        where = me.path
        other = peer_arg(where, peer)
        isolation = _checks.enum_arg(where, "isolation", isolation, Isolation)
        ports = _ports(where, port)
        if other.target is me:
            raise PodkitError(
                where,
                "connections connect a workload with another one; for traffic between its own pods write "
                "NetworkPolicy(chart, id, selector=w, ingress=[NetworkPolicyRule([w])])",
            )
        made: list[NetworkPolicy] = []
        receiver, sender = (me, other.target) if incoming else (other.target, me)
        if isolation is not Isolation.PEER:
            if incoming:
                made.append(_policy(me, f"from-{_peer_id(other)}", "ingress", other, ports))
            else:
                made.append(_policy(me, f"to-{_peer_id(other)}", "egress", other, ports))
        if isolation is not Isolation.POD:
            if other.target is None:
                if isolation is Isolation.PEER:
                    raise PodkitError(
                        where,
                        f"peer {other!r} is not a podkit workload or pod, so there is no policy of its side to "
                        f"write: use isolation=Isolation.POD",
                    )
            elif incoming:
                assert sender is not None
                made.append(_policy(sender, f"to-{_peer_id(Peer.pods(me))}", "egress", Peer.pods(me), ports))
            else:
                assert receiver is not None
                made.append(
                    _policy(receiver, f"from-{_peer_id(Peer.pods(me))}", "ingress", Peer.pods(me), ports)
                )
        return made


def _peer_id(peer: Peer) -> str:
    if peer.target is not None:
        return peer.target.name
    if peer._namespace_name is not None and peer._pods is None:
        return f"ns-{peer._namespace_name}"
    if peer._ip_block is not None:
        return "cidr-" + str(peer._ip_block["cidr"]).replace("/", "-").replace(".", "-").replace(":", "-")
    return "peer"


def _policy(
    owner: AbstractPod, suffix: str, direction: str, peer: Peer, ports: tuple[PolicyPort, ...]
) -> NetworkPolicy:
    """The policy ``<owner>-<suffix>`` in ``owner``'s scope (created once), with one more rule.
    Its id follows the owner's construct id, its name the owner's Kubernetes name (an id such as
    ``Web`` is no valid name)."""
    policy_id = f"{owner._id}-{suffix}"
    policy_name = f"{owner.name}-{suffix}"[:253].rstrip("-.")
    existing = next(
        (
            o
            for o in (owner._chart.podkit_objects if owner._chart is not None else [])
            if isinstance(o, NetworkPolicy) and o._id == policy_id and o._scope is owner._scope
        ),
        None,
    )
    policy = existing or NetworkPolicy(
        owner._scope, policy_id, selector=owner, name=policy_name, namespace=target_namespace(None, owner)
    )
    if direction == "ingress":
        policy.add_ingress_rule([peer], ports=ports)
    else:
        policy.add_egress_rule([peer], ports=ports)
    return policy
