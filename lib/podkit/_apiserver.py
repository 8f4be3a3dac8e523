"""The API server's own validation rules, run on every final object at synth.

The OpenAPI schema says which fields exist and their types; the API server checks much
more (k8s.io/kubernetes ``pkg/apis/core/validation``, ``pkg/apis/apps/validation``,
``pkg/apis/batch/validation`` and apimachinery's ``util/validation``): name formats, ranges,
exclusive fields, references inside a pod, sizes. An object that passes the schema but not
these rules is rejected by ``kubectl apply``, so podkit reports it at synth instead, on the
object exactly as it will be written (escape-hatch patches applied).

:func:`check_object` collects; it never raises. It is plain Python on dicts with compiled,
full-match regexes shared with the early checks in ``_checks`` (one rule, one text), and
caches values already found valid, because it runs on every object of every synth.

Secret values never appear in a message: only keys, field paths and sizes.
"""

from __future__ import annotations

import binascii
import json
import re
import zoneinfo
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache, partial
from typing import Any

from . import _checks as c
from ._checks import Rule, remember_valid
from .errors import Problem
from .resources import quantity_value
from .secret import _REQUIRED, SecretType, unmet_required_keys

# Apps repeat the same labels, keys and names: each rule remembers the values it accepted.
_label = remember_valid(c.dns_label_error)
_subdomain = remember_valid(c.dns_subdomain_error)
_dns1035 = remember_valid(c.dns1035_label_error)
_env_name = remember_valid(c.env_name_error)
_config_key = remember_valid(c.config_key_error)
_qualified = remember_valid(c.qualified_name_error)
_label_value = remember_valid(c.label_value_error)
_port_name = remember_valid(c.port_name_error)
_header = remember_valid(c.http_header_name_error)
_image = c.image_ref_error  # already remembers valid images

MAX_ANNOTATIONS = 256 * 1024  # TotalAnnotationSizeLimitB
MAX_DATA = 1024 * 1024  # MaxSecretSize / the ConfigMap total size limit
MAX_CRONJOB_NAME = 52  # a Job name is the CronJob name plus an 11-character suffix

_RESTART = ("Always", "OnFailure", "Never")
_PROTOCOLS = ("TCP", "UDP", "SCTP")
_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")
_NATIVE_RESOURCES = ("cpu", "memory", "ephemeral-storage")


_EMPTY: dict[str, Any] = {}


def _dict(value: object) -> Mapping[str, Any]:
    """``value`` if it is an object, else an empty one: patched objects may hold anything."""
    return value if isinstance(value, dict) else _EMPTY


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _port_ok(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


class _Check:
    """One object's check: where to report (the construct path) and what was found."""

    __slots__ = ("path", "problems")

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, message: str | None) -> None:
        if message is not None:
            self.problems.append(Problem(self.path, message, "", "apiserver"))

    def required(self, where: str, value: object, rule: Rule, fix: str) -> str | None:
        """``value`` when it is a non-empty str, after reporting what ``rule`` finds wrong with
        it; else ``None``, after reporting ``where`` as missing (``fix`` says what to set)."""
        if not isinstance(value, str) or not value:
            self.add(f"{where} is missing: {fix}")
            return None
        self.add(rule(where, value))
        return value

    def enum(self, where: str, value: object, allowed: tuple[str, ...]) -> None:
        if value is not None and value not in allowed:
            self.add(f"{where} {value!r} is not supported: use {_one_of(allowed)}")

    def at_least(self, where: str, value: object, minimum: int) -> None:
        if value is None:
            return
        if not _is_int(value) or value < minimum:  # type: ignore[operator]
            what = "a non-negative int" if minimum == 0 else f"an int of at least {minimum}"
            self.add(f"{where} {value!r} is invalid: use {what}")


def _one_of(allowed: tuple[str, ...]) -> str:
    return allowed[0] if len(allowed) == 1 else f"one of {', '.join(allowed)}"


def check_object(doc: Mapping[str, Any], path: str) -> list[Problem]:
    """The API server's validation problems of one final object (empty when it would be accepted).

    :param doc: the object as it will be written (``apiVersion``, ``kind``, ``metadata``, ...).
    :param path: the construct path to report problems under.
    """
    ck = _Check(path)
    kind = doc.get("kind")
    meta = _dict(doc.get("metadata"))
    spec = _dict(doc.get("spec"))
    handler = _KINDS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        _metadata(ck, meta, "metadata", None)
        return ck.problems
    name_rule, check_kind = handler
    _metadata(ck, meta, "metadata", name_rule)
    if kind == "Namespace" and meta.get("namespace"):
        ck.add(f"metadata.namespace {meta['namespace']!r} is not allowed on a Namespace: remove it")
    check_kind(ck, doc, spec)
    return ck.problems


# -- metadata ------------------------------------------------------------------------------
def _any_name(what: str, value: str) -> str | None:
    """Names of kinds podkit does not know: only what every resource's URL path needs."""
    if value in (".", "..") or "/" in value or "%" in value:
        return f"{what} {value!r} cannot be used in a URL path: remove '/' and '%' (and not '.' or '..')"
    return None


def _metadata(ck: _Check, meta: Mapping[str, Any], where: str, name_rule: Rule | None) -> None:
    template = name_rule is None and where != "metadata"
    if "generateName" in meta:
        ck.add(
            f"{where}.generateName is set: kubectl apply cannot create objects with a generated name; "
            f"set {where}.name instead"
        )
    if not template:
        ck.required(f"{where}.name", meta.get("name"), name_rule or _any_name, "every object needs a name")
    namespace = meta.get("namespace")
    if isinstance(namespace, str) and namespace:
        ck.add(_label(f"{where}.namespace", namespace))
    _labels(ck, meta.get("labels"), f"{where}.labels")
    annotations = meta.get("annotations")
    if isinstance(annotations, dict) and annotations:
        total = 0
        for key, value in annotations.items():
            if isinstance(key, str):
                # ValidateAnnotations checks the lower-cased key
                ck.add(_qualified(f"{where}.annotations key", key.lower()))
                total += _data_size(key)
            total += _data_size(value)
        if total > MAX_ANNOTATIONS:
            ck.add(
                f"{where}.annotations total {total} bytes, more than the 262144 (256 KiB) allowed: "
                f"move large data to a ConfigMap"
            )


def _labels(ck: _Check, labels: object, where: str) -> None:
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        if isinstance(key, str):
            ck.add(_qualified(f"{where} key", key))
            if isinstance(value, str):
                ck.add(_label_value(f"{where}[{key!r}]", value))


# -- pods ----------------------------------------------------------------------------------
def _pod(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    _pod_spec(ck, spec, "spec", _RESTART)


def _template(
    ck: _Check,
    spec: Mapping[str, Any],
    where: str,
    restart: tuple[str, ...],
    selector: bool,
    claims: tuple[str, ...] = (),
) -> None:
    """A pod template of a workload; with ``selector``, the workload's selector must match it."""
    template = spec.get("template")
    if not isinstance(template, dict):
        ck.add(f"{where}.template is missing: a workload needs a pod template")
        return
    tmeta = _dict(template.get("metadata"))
    _metadata(ck, tmeta, f"{where}.template.metadata", None)
    _pod_spec(ck, _dict(template.get("spec")), f"{where}.template.spec", restart, claims)
    if selector:
        _selector(ck, spec.get("selector"), f"{where}.selector", tmeta.get("labels"), f"{where}.template")


def _selector(ck: _Check, selector: object, where: str, labels: object, template: str) -> None:
    if not isinstance(selector, dict) or not (
        selector.get("matchLabels") or selector.get("matchExpressions")
    ):
        ck.add(f"{where} is empty: select the pod template's labels (e.g. matchLabels: {{app: web}})")
        return
    labels = _dict(labels)
    match_labels = selector.get("matchLabels")
    _labels(ck, match_labels, f"{where}.matchLabels")
    matches = True
    if isinstance(match_labels, dict):
        for key, value in match_labels.items():
            if labels.get(key) != value:
                matches = False
    expressions = selector.get("matchExpressions")
    for i, expr in enumerate(expressions if isinstance(expressions, list) else []):
        if not isinstance(expr, dict):
            continue
        at = f"{where}.matchExpressions[{i}]"
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if not isinstance(key, str) or not isinstance(values, list):
            continue  # a wrong type: the schema check reports it
        ck.add(_qualified(f"{at}.key", key))
        if op in ("In", "NotIn"):
            if not values:
                ck.add(f"{at}.values is empty: operator {op} needs at least one value")
                continue
        elif op in ("Exists", "DoesNotExist"):
            if values:
                ck.add(f"{at}.values must be empty for operator {op}: remove it")
                continue
        else:
            ck.enum(f"{at}.operator", op, ("In", "NotIn", "Exists", "DoesNotExist"))
            continue
        present = key in labels
        if (
            (op == "In" and labels.get(key) not in values)
            or (op == "NotIn" and present and labels.get(key) in values)
            or (op == "Exists" and not present)
            or (op == "DoesNotExist" and present)
        ):
            matches = False
    if not matches:
        ck.add(
            f"{where} does not match {template}.metadata.labels {dict(labels)!r}: "
            f"the workload would never find its pods; add the selected labels to the template"
        )


def _pod_spec(
    ck: _Check, spec: Mapping[str, Any], where: str, restart: tuple[str, ...], claims: tuple[str, ...] = ()
) -> None:
    policy = spec.get("restartPolicy")
    if policy is None:
        if "Always" not in restart:
            ck.add(
                f"{where}.restartPolicy is missing: use {_one_of(restart)} (the default Always is not allowed here)"
            )
    elif policy not in restart:
        ck.add(f"{where}.restartPolicy {policy!r} is not supported here: use {_one_of(restart)}")

    volumes: dict[str, Mapping[str, Any]] = {}
    raw_volumes = spec.get("volumes")
    for i, volume in enumerate(raw_volumes if isinstance(raw_volumes, list) else []):
        if isinstance(volume, dict):
            _volume(ck, volume, f"{where}.volumes[{i}]", volumes)
    # a StatefulSet's volumeClaimTemplates are volumes of its pods (mounted by name)
    for claim in claims:
        volumes.setdefault(claim, {})

    containers = spec.get("containers")
    containers = containers if isinstance(containers, list) else []
    inits = spec.get("initContainers")
    inits = inits if isinstance(inits, list) else []
    if not containers:
        ck.add(f"{where}.containers is empty: a pod needs at least one container")
    seen_names: set[str] = set()
    host_ports: dict[tuple[int, str], str] = {}
    for field, items, init in (("initContainers", inits, True), ("containers", containers, False)):
        for i, container in enumerate(items):
            if isinstance(container, dict):
                _container(ck, container, f"{where}.{field}[{i}]", init, volumes, seen_names, host_ports)

    security = spec.get("securityContext")
    sysctls = security.get("sysctls") if isinstance(security, dict) else None
    for i, sysctl in enumerate(sysctls if isinstance(sysctls, list) else []):
        name = sysctl.get("name") if isinstance(sysctl, dict) else None
        if isinstance(name, str):
            host = c.sysctl_host_conflict(
                name, host_network=spec.get("hostNetwork") is True, host_ipc=spec.get("hostIPC") is True
            )
            if host is not None:
                ck.add(
                    f"{where}.securityContext.sysctls[{i}] {name!r} may not be specified when {host!r} is true"
                )

    ck.at_least(f"{where}.terminationGracePeriodSeconds", spec.get("terminationGracePeriodSeconds"), 0)
    ck.at_least(f"{where}.activeDeadlineSeconds", spec.get("activeDeadlineSeconds"), 1)
    for field, rule in (
        ("serviceAccountName", _subdomain),
        ("hostname", _label),
        ("subdomain", _label),
        ("nodeName", _subdomain),
    ):
        value = spec.get(field)
        if isinstance(value, str) and value:
            ck.add(rule(f"{where}.{field}", value))
    ck.enum(
        f"{where}.dnsPolicy",
        spec.get("dnsPolicy"),
        ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"),
    )
    _labels(ck, spec.get("nodeSelector"), f"{where}.nodeSelector")


def _container(
    ck: _Check,
    container: Mapping[str, Any],
    at: str,
    init: bool,
    volumes: Mapping[str, Mapping[str, Any]],
    seen_names: set[str],
    host_ports: dict[tuple[int, str], str],
) -> None:
    name = ck.required(f"{at}.name", container.get("name"), _label, "every container needs a name")
    if name is not None:
        if name in seen_names:
            ck.add(
                f"{at}.name {name!r} is used by another container of this pod: give each container its own name"
            )
        seen_names.add(name)

    ck.required(f"{at}.image", container.get("image"), _image, "set an image such as 'nginx:1.27'")

    restart = container.get("restartPolicy")
    if restart is not None:
        if not init:
            ck.add(
                f"{at}.restartPolicy {restart!r} is only allowed on init containers (sidecars): "
                f"remove it, or make this an init container"
            )
        elif restart != "Always":
            ck.add(f"{at}.restartPolicy {restart!r} is not supported: the only value is 'Always' (a sidecar)")

    ck.enum(f"{at}.imagePullPolicy", container.get("imagePullPolicy"), ("Always", "Never", "IfNotPresent"))

    port_names = _ports(ck, container.get("ports"), at, host_ports if not init else None)
    _env(ck, container.get("env"), container.get("envFrom"), at)
    _mounts(ck, container.get("volumeMounts"), at, volumes)
    _resources(ck, container.get("resources"), f"{at}.resources")
    sidecar = init and restart == "Always"
    for probe_field in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_field)
        if init and not sidecar and probe is not None:
            # an init container runs to completion before the pod is ready: nothing to probe
            ck.add(
                f"{at}.{probe_field} is only allowed on init containers with restartPolicy Always "
                f"(sidecars): remove it, or set restartPolicy: Always"
            )
        elif isinstance(probe, dict):
            _probe(ck, probe, f"{at}.{probe_field}", probe_field != "readinessProbe", port_names)


def _ports(ck: _Check, ports: object, at: str, host_ports: dict[tuple[int, str], str] | None) -> set[str]:
    names: set[str] = set()
    if not isinstance(ports, list):
        return names
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        where = f"{at}.ports[{i}]"
        number = port.get("containerPort")
        if not _port_ok(number):
            ck.add(f"{where}.containerPort {number!r} is out of range: use a port between 1 and 65535")
        host = port.get("hostPort")
        protocol = port.get("protocol") or "TCP"
        ck.enum(f"{where}.protocol", port.get("protocol"), _PROTOCOLS)
        if host is not None and host != 0:
            if not _port_ok(host):
                ck.add(
                    f"{where}.hostPort {host!r} is out of range: use a port between 1 and 65535, or leave it out"
                )
            elif host_ports is not None:
                key = (host, str(protocol))
                if key in host_ports:
                    ck.add(
                        f"{where}.hostPort {host}/{protocol} is already used by {host_ports[key]}: "
                        f"a node port can be bound once per pod; use another hostPort"
                    )
                else:
                    host_ports[key] = f"{where}.hostPort"
        name = port.get("name")
        if isinstance(name, str):
            ck.add(_port_name(f"{where}.name", name))
            if name in names:
                ck.add(
                    f"{where}.name {name!r} is used by another port of this container: give each port its own name"
                )
            names.add(name)
    return names


def _env(ck: _Check, env: object, env_from: object, at: str) -> None:
    for i, var in enumerate(env if isinstance(env, list) else []):
        if not isinstance(var, dict):
            continue
        where = f"{at}.env[{i}]"
        ck.required(f"{where}.name", var.get("name"), _env_name, "every env var needs a name")
        source = var.get("valueFrom")
        if source is None:
            continue
        if var.get("value"):
            ck.add(f"{where} has both value and valueFrom: keep one")
        if not isinstance(source, dict):
            continue
        kinds = [k for k in _ENV_SOURCES if source.get(k) is not None]
        if len(kinds) != 1:
            found = ", ".join(kinds) or "none"
            ck.add(
                f"{where}.valueFrom must have exactly one of fieldRef, resourceFieldRef, configMapKeyRef, "
                f"secretKeyRef (found: {found})"
            )
            continue
        ref = source[kinds[0]]
        if not isinstance(ref, dict):
            continue
        ref_at = f"{where}.valueFrom.{kinds[0]}"
        if kinds[0] == "fieldRef":
            _field_ref(ck, ref.get("fieldPath"), f"{ref_at}.fieldPath", volume=False)
        elif kinds[0] == "resourceFieldRef":
            _resource_ref(ck, ref, ref_at, need_container=False)
        elif kinds[0] in ("configMapKeyRef", "secretKeyRef"):
            ck.required(f"{ref_at}.key", ref.get("key"), _config_key, "name the key to read")
            if not ref.get("name"):
                ck.add(f"{ref_at}.name is missing: name the {kinds[0][:-6]} to read from")
    for i, source in enumerate(env_from if isinstance(env_from, list) else []):
        if not isinstance(source, dict):
            continue
        where = f"{at}.envFrom[{i}]"
        prefix = source.get("prefix")
        if isinstance(prefix, str) and prefix:
            ck.add(_env_name(f"{where}.prefix", prefix))
        refs = [k for k in ("configMapRef", "secretRef") if source.get(k) is not None]
        if len(refs) != 1:
            ck.add(
                f"{where} must have exactly one of configMapRef, secretRef (found: {', '.join(refs) or 'none'})"
            )
        elif isinstance(source[refs[0]], dict) and not source[refs[0]].get("name"):
            kind = "ConfigMap" if refs[0] == "configMapRef" else "Secret"
            ck.add(f"{where}.{refs[0]}.name is missing: name the {kind} whose keys become variables")


def _field_ref(ck: _Check, path: object, where: str, *, volume: bool) -> None:
    if not isinstance(path, str):
        ck.add(f"{where} is missing: name a pod field such as 'metadata.name'")
    else:
        ck.add(c.field_path_error(where, path, volume=volume))


def _resource_ref(ck: _Check, ref: Mapping[str, Any], where: str, *, need_container: bool) -> None:
    resource = ref.get("resource")
    if need_container and not ref.get("containerName"):
        ck.add(
            f"{where}.containerName is missing: a downwardAPI volume must name the container "
            f"whose resource it reads"
        )
    if not isinstance(resource, str):
        ck.add(f"{where}.resource is missing: use e.g. 'limits.cpu'")
        return
    error = c.resource_field_error(f"{where}.resource", resource)
    ck.add(error or c.divisor_error(f"{where}.divisor", resource, ref.get("divisor")))


def _mounts(ck: _Check, mounts: object, at: str, volumes: Mapping[str, Mapping[str, Any]]) -> None:
    paths: set[str] = set()
    for i, mount in enumerate(mounts if isinstance(mounts, list) else []):
        if not isinstance(mount, dict):
            continue
        where = f"{at}.volumeMounts[{i}]"
        name = mount.get("name")
        if not isinstance(name, str) or name not in volumes:
            known = ", ".join(sorted(volumes)) or "none"
            ck.add(
                f"{where}.name {name!r} is not a volume of this pod (volumes: {known}): add the volume to the pod"
            )
        mount_path = ck.required(
            f"{where}.mountPath",
            mount.get("mountPath"),
            c.mount_path_error,
            "set an absolute path such as '/data'",
        )
        if mount_path is not None:
            if mount_path in paths:
                ck.add(
                    f"{where}.mountPath {mount_path!r} is already mounted in this container: use another path"
                )
            paths.add(mount_path)
        sub = mount.get("subPath")
        if isinstance(sub, str) and sub:
            ck.add(c.sub_path_error(f"{where}.subPath", sub))
            if mount.get("subPathExpr"):
                ck.add(f"{where} has both subPath and subPathExpr: keep one")


def _probe(ck: _Check, probe: Mapping[str, Any], at: str, one_success: bool, port_names: set[str]) -> None:
    handlers = [h for h in _HANDLERS if probe.get(h) is not None]
    if len(handlers) != 1:
        ck.add(
            f"{at} must have exactly one of exec, httpGet, tcpSocket, grpc (found: {', '.join(handlers) or 'none'})"
        )
    for field in (
        "initialDelaySeconds",
        "failureThreshold",
        "successThreshold",
        "terminationGracePeriodSeconds",
    ):
        ck.at_least(f"{at}.{field}", probe.get(field), 0 if field == "initialDelaySeconds" else 1)
    for field in ("timeoutSeconds", "periodSeconds"):
        ck.at_least(f"{at}.{field}", probe.get(field), 1)
    success = probe.get("successThreshold")
    if one_success and success is not None and success != 1:
        kind = at.rsplit(".", 1)[-1]
        ck.add(f"{at}.successThreshold {success!r} is invalid for a {kind}: it must be 1 (remove it)")
    for handler in handlers:
        body = probe[handler]
        if not isinstance(body, dict) or handler == "exec":
            continue
        port = body.get("port")
        where = f"{at}.{handler}.port"
        if isinstance(port, str) and handler != "grpc":
            error = _port_name(where, port)
            if error:
                ck.add(error)
            elif port not in port_names:
                declared = ", ".join(sorted(port_names)) or "none"
                ck.add(
                    f"{where} {port!r} is not a port name of this container (declared: {declared}): "
                    f"declare the port or use its number"
                )
        elif not _port_ok(port):
            ck.add(
                f"{where} {port!r} is out of range: use a port between 1 and 65535 or a declared port name"
            )
        if handler == "httpGet":
            ck.enum(f"{at}.httpGet.scheme", body.get("scheme"), ("HTTP", "HTTPS"))
            headers = body.get("httpHeaders")
            for j, header in enumerate(headers if isinstance(headers, list) else []):
                if isinstance(header, dict) and isinstance(header.get("name"), str):
                    ck.add(_header(f"{at}.httpGet.httpHeaders[{j}].name", header["name"]))


def _resources(ck: _Check, resources: object, at: str) -> None:
    if not isinstance(resources, dict):
        return
    parsed: dict[str, dict[str, Decimal]] = {"limits": {}, "requests": {}}
    for kind in ("limits", "requests"):
        values = resources.get(kind)
        if not isinstance(values, dict):
            continue
        for name, quantity in values.items():
            where = f"{at}.{kind}[{name!r}]"
            error = _resource_name_error(name)
            if error:
                ck.add(f"{at}.{kind} {error}")
                continue
            value = quantity_value(str(quantity)) if isinstance(quantity, str | int | float) else None
            if value is None or value < 0:
                ck.add(
                    f"{where} {quantity!r} is not a non-negative Kubernetes quantity: use a number with an "
                    f"optional suffix ({_SUFFIXES})"
                )
                continue
            if "/" in name and value != value.to_integral_value():
                ck.add(
                    f"{where} {quantity!r} must be a whole number: extended resources are counted in units"
                )
            if name.startswith("hugepages-"):
                page = quantity_value(name[len("hugepages-") :])
                if page and value % page:
                    ck.add(
                        f"{where} {quantity!r} is not a multiple of the page size {name[len('hugepages-') :]}"
                    )
            parsed[kind][name] = value
    limits, requests = parsed["limits"], parsed["requests"]
    for name, value in requests.items():
        overcommit = "/" not in name and not name.startswith("hugepages-")
        limit = limits.get(name)
        raw_req, raw_lim = (
            _dict(resources.get("requests")).get(name),
            _dict(resources.get("limits")).get(name),
        )
        if limit is None:
            if not overcommit:
                ck.add(
                    f"{at}.limits[{name!r}] is missing: {name} needs a limit equal to its request {raw_req!r}"
                )
        elif not overcommit and value != limit:
            ck.add(
                f"{at}.requests[{name!r}] {raw_req!r} must equal its limit {raw_lim!r}: {name} cannot be overcommitted"
            )
        elif value > limit:
            ck.add(
                f"{at}.requests[{name!r}] {raw_req!r} is above its limit {raw_lim!r}: lower the request or raise the limit"
            )
    hugepages = any(n.startswith("hugepages-") for n in (*limits, *requests))
    if hugepages and not any(n in ("cpu", "memory") for n in (*limits, *requests)):
        ck.add(f"{at} requests hugepages without a cpu or memory request or limit: add one")


_SUFFIXES = "Ki Mi Gi Ti Pi Ei, n u m k M G T P E"


def _resource_name_error(name: object) -> str | None:
    if not isinstance(name, str):
        return f"key {name!r} is not a resource name"
    if "/" not in name:
        if name in _NATIVE_RESOURCES or (name.startswith("hugepages-") and quantity_value(name[10:])):
            return None
        return (
            f"key {name!r} is not a container resource: use cpu, memory, ephemeral-storage, "
            f"hugepages-<size>, or an extended resource 'domain/name' (e.g. 'nvidia.com/gpu')"
        )
    domain = name.split("/", 1)[0]
    if domain == "kubernetes.io" or domain.endswith(".kubernetes.io"):
        return f"key {name!r} is in the kubernetes.io namespace, reserved for Kubernetes: use your own domain"
    return _qualified("key", name)


def _volume(ck: _Check, volume: Mapping[str, Any], at: str, volumes: dict[str, Mapping[str, Any]]) -> None:
    name = ck.required(f"{at}.name", volume.get("name"), _label, "every volume needs a name")
    if name is not None:
        if name in volumes:
            ck.add(f"{at}.name {name!r} is used by another volume of this pod: give each volume its own name")
        volumes[name] = volume
    sources = [k for k in volume if k != "name" and volume[k] is not None]
    if len(sources) != 1:
        ck.add(f"{at} must have exactly one volume source (found: {', '.join(sorted(sources)) or 'none'})")
    for source in sources:
        body = volume[source]
        if not isinstance(body, dict):
            continue
        where = f"{at}.{source}"
        if source == "hostPath":
            ck.required(f"{where}.path", body.get("path"), c.host_path_error, "set the node's path")
        elif source in ("configMap", "secret"):
            ref = "name" if source == "configMap" else "secretName"
            if not body.get(ref):
                ck.add(f"{where}.{ref} is missing: name the {source} to mount")
            _key_items(ck, body, where)
        elif source == "downwardAPI":
            _downward_items(ck, body, where)
        elif source == "projected":
            _mode(ck, body.get("defaultMode"), f"{where}.defaultMode")
            projections = body.get("sources")
            for j, projection in enumerate(projections if isinstance(projections, list) else []):
                if not isinstance(projection, dict):
                    continue
                for kind, inner in projection.items():
                    if isinstance(inner, dict) and kind in ("configMap", "secret"):
                        if not inner.get("name"):
                            ck.add(f"{where}.sources[{j}].{kind}.name is missing: name the {kind} to project")
                        _key_items(ck, inner, f"{where}.sources[{j}].{kind}")
                    elif isinstance(inner, dict) and kind == "downwardAPI":
                        _downward_items(ck, inner, f"{where}.sources[{j}].{kind}")
        elif source == "emptyDir":
            size = body.get("sizeLimit")
            if size is not None and quantity_value(str(size)) is None:
                ck.add(f"{where}.sizeLimit {size!r} is not a Kubernetes quantity: use e.g. '1Gi'")
        elif source == "persistentVolumeClaim" and not body.get("claimName"):
            ck.add(f"{where}.claimName is missing: name the PersistentVolumeClaim to mount")


def _mode(ck: _Check, mode: object, where: str) -> None:
    if mode is not None and (not _is_int(mode) or not 0 <= mode <= 0o777):  # type: ignore[operator]
        ck.add(f"{where} {mode!r} is not a file mode: use a value from 0 to 0777 (511), e.g. 0644 (420)")


def _key_items(ck: _Check, body: Mapping[str, Any], where: str) -> None:
    _mode(ck, body.get("defaultMode"), f"{where}.defaultMode")
    items = body.get("items")
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        at = f"{where}.items[{i}]"
        ck.required(f"{at}.key", item.get("key"), _config_key, "name the key to write")
        _item_path(ck, item.get("path"), f"{at}.path")
        _mode(ck, item.get("mode"), f"{at}.mode")


#: an item's path in a configMap/secret/downwardAPI volume may not start with '..' either
_item_path_error = partial(c.relative_path_error, reserved=True)


def _item_path(ck: _Check, value: object, where: str) -> None:
    ck.required(where, value, _item_path_error, "set a relative file path such as 'config.yaml'")


def _downward_items(ck: _Check, body: Mapping[str, Any], where: str) -> None:
    _mode(ck, body.get("defaultMode"), f"{where}.defaultMode")
    items = body.get("items")
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        at = f"{where}.items[{i}]"
        _item_path(ck, item.get("path"), f"{at}.path")
        _mode(ck, item.get("mode"), f"{at}.mode")
        field, resource = item.get("fieldRef"), item.get("resourceFieldRef")
        if (field is None) == (resource is None):
            ck.add(f"{at} must have exactly one of fieldRef, resourceFieldRef")
        elif isinstance(field, dict):
            _field_ref(ck, field.get("fieldPath"), f"{at}.fieldRef.fieldPath", volume=True)
        elif isinstance(resource, dict):
            _resource_ref(ck, resource, f"{at}.resourceFieldRef", need_container=True)


# -- ConfigMap and Secret --------------------------------------------------------------------
def _data_size(value: object) -> int:
    if not isinstance(value, str):
        return 0
    return len(value) if value.isascii() else len(value.encode())


_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}\Z")


def _b64_size(value: object) -> int | None:
    """Decoded size of base64 text without decoding it; None when it is not base64."""
    if not isinstance(value, str):
        return None
    n = len(value)
    if n % 4 or not _BASE64.match(value):
        return None
    return n // 4 * 3 - (2 if value.endswith("==") else 1 if value.endswith("=") else 0)


def _config_map(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    data = _dict(doc.get("data"))
    binary = _dict(doc.get("binaryData"))
    total = 0
    for key, value in data.items():
        if isinstance(key, str):
            ck.add(_config_key("data key", key))
        total += _data_size(value)
    for key, value in binary.items():
        if isinstance(key, str):
            ck.add(_config_key("binaryData key", key))
            if key in data:
                ck.add(f"binaryData key {key!r} is also a data key: a key can be in only one of them")
        size = _b64_size(value)
        if size is None:
            ck.add(f"binaryData[{key!r}] is not base64 text")
        else:
            total += size
    if total > MAX_DATA:
        ck.add(
            f"data and binaryData total {total} bytes, more than the 1048576 (1 MiB) a ConfigMap may hold: split it or mount a volume"
        )


def _secret(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    # Never put a value of data/stringData in a message: keys, types and sizes only.
    data = _dict(doc.get("data"))
    string_data = _dict(doc.get("stringData"))
    sizes: dict[str, int] = {}
    for key, value in data.items():
        if isinstance(key, str):
            ck.add(_config_key("data key", key))
        size = _b64_size(value)
        if size is None:
            ck.add(f"data[{key!r}] is not base64 text (value not shown): encode it, or use stringData")
        else:
            sizes[str(key)] = size
    for key, value in string_data.items():
        if isinstance(key, str):
            ck.add(_config_key("stringData key", key))
        sizes[str(key)] = _data_size(value)  # stringData replaces data of the same key
    total = sum(sizes.values())
    if total > MAX_DATA:
        ck.add(
            f"data and stringData total {total} bytes, more than the 1048576 (1 MiB) a Secret may hold: split it"
        )

    kind = doc.get("type") or "Opaque"
    if kind == "kubernetes.io/service-account-token":
        annotations = _dict(_dict(doc.get("metadata")).get("annotations"))
        if not annotations.get("kubernetes.io/service-account.name"):
            ck.add(
                "metadata.annotations['kubernetes.io/service-account.name'] is missing: a "
                "kubernetes.io/service-account-token Secret must name its ServiceAccount"
            )
        return
    try:
        secret_type = SecretType(kind)
    except ValueError:
        return  # not a type Kubernetes defines: no keys to require
    required = _REQUIRED.get(secret_type)
    if required is None:
        return
    keys, all_of = required
    # the rule SecretEnv, SealedSecret and ExternalSecret check at construction, on the final keys
    if unmet_required_keys(secret_type, sizes) is not None:
        missing = ", ".join(repr(k) for k in keys if k not in sizes)
        ck.add(f"type {kind} needs {_needed_keys(keys, all_of)} in data or stringData: add {missing}")
        return
    if secret_type in (SecretType.DOCKER_CFG, SecretType.DOCKER_CONFIG_JSON):
        key = keys[0]
        text = _secret_text(string_data.get(key) if key in string_data else None, data.get(key))
        _docker_config(ck, key, text)


def _needed_keys(keys: tuple[str, ...], all_of: bool) -> str:
    """The keys a Secret type needs, as a message says them: "the key '.dockercfg'", "the keys
    'tls.crt' and 'tls.key'", or (any one of them) "a 'username' or 'password' key"."""
    quoted = [repr(k) for k in keys]
    if not all_of:
        return f"a {' or '.join(quoted)} key"
    return f"the key {quoted[0]}" if len(quoted) == 1 else f"the keys {' and '.join(quoted)}"


def _secret_text(string_value: object, b64_value: object) -> str | None:
    if isinstance(string_value, str):
        return string_value
    if isinstance(b64_value, str):
        try:
            return binascii.a2b_base64(b64_value, strict_mode=True).decode()
        except (binascii.Error, ValueError):
            return None
    return None


def _docker_config(ck: _Check, key: str, text: str | None) -> None:
    try:
        parsed = json.loads(text) if text is not None else None
    except ValueError:
        parsed = None
    example = '{"auths": {"registry.example.com": {"auth": "..."}}}'
    if not isinstance(parsed, dict):
        ck.add(f"data[{key!r}] is not a JSON object (value not shown): write registry credentials as JSON")
    elif key == ".dockerconfigjson" and not isinstance(parsed.get("auths"), dict):
        ck.add(f"data[{key!r}] has no 'auths' map (value not shown): use the shape {example}")


# -- Service and other core kinds ----------------------------------------------------------
def _service(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    kind = spec.get("type") or "ClusterIP"
    ck.enum("spec.type", spec.get("type"), ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"))
    cluster_ip = spec.get("clusterIP")
    headless = cluster_ip == "None"
    if headless and kind != "ClusterIP":
        ck.add(
            f"spec.clusterIP 'None' (headless) is only allowed for type ClusterIP, not {kind}: remove clusterIP or the type"
        )
    if kind == "ExternalName":
        external = spec.get("externalName")
        if not isinstance(external, str) or not external:
            ck.add("spec.externalName is missing: an ExternalName Service needs the DNS name it points to")
        else:
            ck.add(_subdomain("spec.externalName", external.rstrip(".").lower()))
    ports = spec.get("ports")
    ports = ports if isinstance(ports, list) else []
    if not ports and kind != "ExternalName" and not headless:
        ck.add("spec.ports is empty: list at least one port")
    names: set[str] = set()
    # an unknown type is reported above; judging nodePort against it would say it twice
    node_ports = kind in ("NodePort", "LoadBalancer") or kind not in ("ClusterIP", "ExternalName")
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        at = f"spec.ports[{i}]"
        name = port.get("name")
        if not name:
            if len(ports) > 1:
                ck.add(f"{at}.name is missing: a Service with several ports must name each one")
        elif isinstance(name, str):
            ck.add(_label(f"{at}.name", name))
            if name in names:
                ck.add(f"{at}.name {name!r} is used by another port: give each port its own name")
            names.add(name)
        number = port.get("port")
        if not _port_ok(number):
            ck.add(f"{at}.port {number!r} is out of range: use a port between 1 and 65535")
        ck.enum(f"{at}.protocol", port.get("protocol"), _PROTOCOLS)
        target = port.get("targetPort")
        if isinstance(target, str):
            ck.add(_port_name(f"{at}.targetPort", target))
        elif target is not None and target != 0 and (not _port_ok(target)):
            ck.add(
                f"{at}.targetPort {target!r} is out of range: use a port between 1 and 65535 or a port name"
            )
        node_port = port.get("nodePort")
        if node_port is not None and node_port != 0:
            if not node_ports:
                ck.add(
                    f"{at}.nodePort {node_port!r} is only allowed for type NodePort or LoadBalancer: remove it"
                )
            elif not _port_ok(node_port):
                ck.add(f"{at}.nodePort {node_port!r} is out of range: use a port between 1 and 65535")
    _labels(ck, spec.get("selector"), "spec.selector")
    ck.enum("spec.sessionAffinity", spec.get("sessionAffinity"), ("ClientIP", "None"))


def _nothing(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    """Kinds whose checks are the metadata's (Namespace, ServiceAccount)."""


def _pvc(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    modes = spec.get("accessModes")
    if not isinstance(modes, list) or not modes:
        ck.add(
            "spec.accessModes is empty: use at least one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod"
        )
    else:
        for i, mode in enumerate(modes):
            ck.enum(
                f"spec.accessModes[{i}]",
                mode,
                ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"),
            )
    ck.enum("spec.volumeMode", spec.get("volumeMode"), ("Filesystem", "Block"))
    resources = spec.get("resources")
    requests = resources.get("requests") if isinstance(resources, dict) else None
    storage = requests.get("storage") if isinstance(requests, dict) else None
    if storage is None:
        ck.add("spec.resources.requests['storage'] is missing: request a size such as '10Gi'")
    else:
        value = quantity_value(str(storage))
        if value is None or value <= 0:
            ck.add(
                f"spec.resources.requests['storage'] {storage!r} is not a positive quantity: use e.g. '10Gi'"
            )


# -- workloads -----------------------------------------------------------------------------
def _int_or_percent(ck: _Check, value: object, where: str) -> bool:
    """Whether ``value`` is zero; reports it when it is neither an int >= 0 nor 'N%'."""
    if value is None:
        return False
    if _is_int(value):
        if value < 0:  # type: ignore[operator]
            ck.add(f"{where} {value!r} is negative: use an int >= 0 or a percentage such as '25%'")
        return value == 0
    if isinstance(value, str) and c.PERCENT.match(value):
        if int(value[:-1]) > 100:
            ck.add(f"{where} {value!r} is above 100%")
        return int(value[:-1]) == 0
    ck.add(f"{where} {value!r} is invalid: use an int >= 0 or a percentage such as '25%'")
    return False


def _rolling(ck: _Check, rolling: object, where: str, surge: bool) -> None:
    if not isinstance(rolling, dict):
        return
    unavailable_zero = _int_or_percent(ck, rolling.get("maxUnavailable"), f"{where}.maxUnavailable")
    if surge:
        surge_zero = _int_or_percent(ck, rolling.get("maxSurge"), f"{where}.maxSurge")
        if unavailable_zero and surge_zero:
            ck.add(
                f"{where}.maxUnavailable and maxSurge are both 0: a rollout could never progress; raise one of them"
            )


def _deployment(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    ck.at_least("spec.replicas", spec.get("replicas"), 0)
    ck.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    ck.at_least("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"), 0)
    _template(ck, spec, "spec", ("Always",), selector=True)
    _strategy(ck, spec.get("strategy"), "spec.strategy", "Recreate", surge=True)


def _stateful_set(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    ck.at_least("spec.replicas", spec.get("replicas"), 0)
    ck.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    ck.at_least("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"), 0)
    service = spec.get("serviceName")
    if isinstance(service, str) and service:
        ck.add(_label("spec.serviceName", service))
    ck.enum("spec.podManagementPolicy", spec.get("podManagementPolicy"), ("OrderedReady", "Parallel"))
    templates = spec.get("volumeClaimTemplates")
    claims = tuple(
        str(_dict(t.get("metadata")).get("name"))
        for t in (templates if isinstance(templates, list) else [])
        if isinstance(t, dict)
    )
    _template(ck, spec, "spec", ("Always",), selector=True, claims=claims)
    _strategy(ck, spec.get("updateStrategy"), "spec.updateStrategy", "OnDelete", surge=False)
    rolling = _dict(spec.get("updateStrategy")).get("rollingUpdate")
    if isinstance(rolling, dict):
        ck.at_least("spec.updateStrategy.rollingUpdate.partition", rolling.get("partition"), 0)


def _strategy(ck: _Check, strategy: object, where: str, other: str, surge: bool) -> None:
    """A Deployment's ``strategy`` or a StatefulSet's/DaemonSet's ``updateStrategy``: type
    RollingUpdate or ``other`` (Recreate, OnDelete), and rollingUpdate only with RollingUpdate."""
    if not isinstance(strategy, dict):
        return
    kind = strategy.get("type")
    ck.enum(f"{where}.type", kind, ("RollingUpdate", other))
    if kind == other and strategy.get("rollingUpdate") is not None:
        ck.add(f"{where}.rollingUpdate is not allowed with type {other}: remove it")
    _rolling(ck, strategy.get("rollingUpdate"), f"{where}.rollingUpdate", surge=surge)


def _daemon_set(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    ck.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    ck.at_least("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"), 0)
    _template(ck, spec, "spec", ("Always",), selector=True)
    _strategy(ck, spec.get("updateStrategy"), "spec.updateStrategy", "OnDelete", surge=True)


def _replica_set(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    ck.at_least("spec.replicas", spec.get("replicas"), 0)
    ck.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    _template(ck, spec, "spec", ("Always",), selector=True)


def _job_spec(ck: _Check, spec: Mapping[str, Any], where: str) -> None:
    for field in ("parallelism", "completions", "backoffLimit", "ttlSecondsAfterFinished"):
        ck.at_least(f"{where}.{field}", spec.get(field), 0)
    ck.at_least(f"{where}.activeDeadlineSeconds", spec.get("activeDeadlineSeconds"), 1)
    mode = spec.get("completionMode")
    ck.enum(f"{where}.completionMode", mode, ("NonIndexed", "Indexed"))
    if mode == "Indexed" and spec.get("completions") is None:
        ck.add(f"{where}.completions is missing: an Indexed Job needs a number of completions")
    # The Job controller generates the selector unless manualSelector is set.
    _template(ck, spec, where, ("OnFailure", "Never"), selector=bool(spec.get("manualSelector")))


def _job(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    _job_spec(ck, spec, "spec")


def _cron_job(ck: _Check, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    name = _dict(doc.get("metadata")).get("name")
    if isinstance(name, str) and len(name) > MAX_CRONJOB_NAME:
        ck.add(
            f"metadata.name {name!r} is {len(name)} characters: a CronJob name may have at most 52, "
            f"since its Jobs add an 11-character suffix; shorten it"
        )
    schedule = spec.get("schedule")
    if not isinstance(schedule, str) or not schedule.strip():
        ck.add("spec.schedule is missing: use a cron schedule such as '*/5 * * * *' or '@hourly'")
    else:
        ck.add(_schedule_error(schedule))
    zone = spec.get("timeZone")
    if isinstance(zone, str):
        ck.add(_time_zone_error(zone))
    elif zone is not None:
        ck.add(f"spec.timeZone {zone!r} is not an IANA time zone name: use a str such as 'Europe/Paris'")
    ck.enum("spec.concurrencyPolicy", spec.get("concurrencyPolicy"), ("Allow", "Forbid", "Replace"))
    for field in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        ck.at_least(f"spec.{field}", spec.get(field), 0)
    template = spec.get("jobTemplate")
    if not isinstance(template, dict):
        ck.add("spec.jobTemplate is missing: a CronJob needs the Job to run")
        return
    tmeta = template.get("metadata")
    if isinstance(tmeta, dict):
        _metadata(ck, tmeta, "spec.jobTemplate.metadata", None)
    job = template.get("spec")
    _job_spec(ck, _dict(job), "spec.jobTemplate.spec")


# -- cron ----------------------------------------------------------------------------------
_MACROS = frozenset(("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"))
_EVERY = re.compile(r"@every (?:[0-9]+(?:\.[0-9]*)?(?:ns|us|µs|ms|s|m|h))+\Z")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES)}
_DAYS = {d: i for i, d in enumerate(_DAY_NAMES)}
_CRON_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 6, _DAYS),
)


@cache
def _schedule_error(schedule: str) -> str | None:
    """A schedule as the CronJob controller parses it (robfig/cron's standard parser)."""
    where = f"spec.schedule {schedule!r}"
    if "TZ" in schedule:
        return (
            f"{where} sets a time zone with TZ/CRON_TZ, which Kubernetes rejects: use spec.timeZone instead"
        )
    spec = schedule.strip()
    if spec.startswith("@"):
        if spec in _MACROS or _EVERY.match(spec):
            return None
        return f"{where} is not a known macro: use @yearly, @monthly, @weekly, @daily, @hourly or five fields"
    fields = spec.split()
    if len(fields) != 5:
        return (
            f"{where} has {len(fields)} fields: use five (minute hour day-of-month month day-of-week), "
            f"e.g. '*/5 * * * *'"
        )
    for text, (name, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        error = _cron_field_error(text, low, high, names)
        if error:
            return f"{where}: {name} field {text!r} {error}"
    return None


def _cron_field_error(text: str, low: int, high: int, names: dict[str, int]) -> str | None:
    def number(part: str) -> int | None:
        if part.isdigit() and part.isascii():
            return int(part)
        return names.get(part.lower())

    for expr in text.split(","):
        range_part, _, step_text = expr.partition("/")
        if "/" in step_text:
            return "has more than one '/'"
        if range_part in ("*", "?"):
            start, end = low, high
        else:
            first, dash, last = range_part.partition("-")
            start_n = number(first)
            end_n = number(last) if dash else start_n
            if start_n is None or end_n is None:
                return f"is not a number, range, step or '*' (allowed values {low}-{high})"
            start, end = start_n, end_n
            if step_text and not dash:
                end = high
        if start < low or end > high:
            return f"is out of range: use values {low}-{high}"
        if start > end:
            return f"has a range that ends before it starts ({start}-{end})"
        if step_text and (not step_text.isdigit() or int(step_text) == 0):
            return "has a step that is not a positive number"
    return None


@cache
def _time_zone_error(zone: str) -> str | None:
    where = f"spec.timeZone {zone!r}"
    if not zone:
        return f"{where} is empty: use an IANA time zone such as 'Europe/Paris', or leave it out"
    if zone.lower() == "local":
        return f"{where} is not allowed: name an explicit IANA time zone such as 'Etc/UTC'"
    if not _zone_data():
        # without a database every name would pass unchecked: say so instead
        return f"{where} cannot be checked: {NO_ZONE_DATABASE}"
    try:
        zoneinfo.ZoneInfo(zone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return f"{where} is not an IANA time zone: use a name such as 'Europe/Paris' or 'America/New_York'"
    return None


#: why a time zone name cannot be checked; zoneinfo reads the system's files (zoneinfo.TZPATH)
#: or, where there are none (slim containers, Windows), the tzdata package podkit depends on
NO_ZONE_DATABASE = (
    "no IANA time zone database was found to check it against (neither system zoneinfo files in "
    "zoneinfo.TZPATH nor the tzdata package, a podkit dependency): reinstall podkit's dependencies "
    "(pip install tzdata)"
)


@cache
def _zone_data() -> bool:
    """Whether zoneinfo finds a tz database at all (system files or the tzdata package)."""
    try:
        # no_cache: a zone loaded earlier must not stand in for a database that is gone
        zoneinfo.ZoneInfo.no_cache("Etc/UTC")
    except zoneinfo.ZoneInfoNotFoundError:
        return False
    return True


_KINDS: dict[str, tuple[Rule, Callable[[_Check, Mapping[str, Any], Mapping[str, Any]], None]]] = {
    "Pod": (_subdomain, _pod),
    "ConfigMap": (_subdomain, _config_map),
    "Secret": (_subdomain, _secret),
    "Service": (_dns1035, _service),
    "Namespace": (_label, _nothing),
    "ServiceAccount": (_subdomain, _nothing),
    "PersistentVolumeClaim": (_subdomain, _pvc),
    "Deployment": (_subdomain, _deployment),
    "StatefulSet": (_subdomain, _stateful_set),
    "DaemonSet": (_subdomain, _daemon_set),
    "ReplicaSet": (_subdomain, _replica_set),
    "Job": (_subdomain, _job),
    "CronJob": (_subdomain, _cron_job),
}
