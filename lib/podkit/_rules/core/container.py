"""Containers: names, images, ports, env, mounts, devices, probes, lifecycle, resources, resize
policies (core validation: validateContainers, validateInitContainers, validateContainerCommon,
validateContainerPorts, ValidateEnv, ValidateEnvFrom, ValidateVolumeMounts, ValidateVolumeDevices,
validateProbe, validateLifecycle, ValidateContainerResourceRequirements, validateResizePolicy,
AccumulateUniqueHostPorts, validatePodHostNetworkDeps, validateContainerOnlyForPod).

The v1 defaults the API server applies before validating are read in, not reported: an unset or
empty ``protocol`` is TCP, ``imagePullPolicy``/``terminationMessagePolicy``/``scheme`` are
filled in, probe timings of 0 become their defaults, a fieldRef's ``apiVersion`` is v1, and a
bare Pod with ``hostNetwork`` gets ``hostPort = containerPort``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .. import names as n
from .._base import (
    PROTOCOLS,
    Report,
    as_dict,
    as_list,
    config_key,
    is_int,
    label,
    one_of,
    port_name,
    port_ok,
    qualified,
    subdomain,
    upstream,
)
from ..quantity import quantity_value

__all__ = ["check_containers", "check_field_ref", "check_resource_ref", "check_resources"]

_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_PROBE_TIMINGS = (
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
)
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
_PULL_POLICIES = ("Always", "Never", "IfNotPresent")
_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
_PROPAGATIONS = ("Bidirectional", "HostToContainer", "None")
_RECURSIVE_READ_ONLY = ("Disabled", "IfPossible", "Enabled")
_RESIZE_RESOURCES = ("cpu", "memory")
_RESIZE_POLICIES = ("NotRequired", "RestartContainer")
_SCHEMES = ("HTTP", "HTTPS")
_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")
_NO_GRACE = -(2**63)  # the pod's terminationGracePeriodSeconds is not an int: skip the sleep bound
DEFAULT_GRACE = 30  # v1 default of spec.terminationGracePeriodSeconds


# -- value rules -------------------------------------------------------------------------------
# IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation, on by default in 1.33): printable
# ASCII other than '='
_RELAXED_ENV_NAME = re.compile(r"[ -<>-~]+\Z")


def _relaxed_env_name_error(what: str, value: str) -> str | None:
    if _RELAXED_ENV_NAME.match(value):
        return None
    suggestion = "".join(c if " " <= c <= "~" and c != "=" else "_" for c in value.strip()) or "NAME"
    return f"{what} {value!r} is invalid: use printable ASCII characters other than '=' (e.g. {suggestion!r})"


env_name = n.remember_valid(_relaxed_env_name_error)

# IsHTTPHeaderName: letters, digits and '-' only
_HEADER_NAME = re.compile(r"[-A-Za-z0-9]+\Z")


def _header_name_error(what: str, value: str) -> str | None:
    if _HEADER_NAME.match(value):
        return None
    suggestion = re.sub(r"[^-A-Za-z0-9]+", "-", value).strip("-") or "X-Probe"
    return (
        f"{what} {value!r} is not a valid HTTP header name: use letters, digits and '-' (e.g. {suggestion!r})"
    )


header_name = n.remember_valid(_header_name_error)


def _prefix_subdomain_error(what: str, value: str) -> str | None:
    """NameIsDNSSubdomain(name, prefix=true): a trailing '-' is accepted (maskTrailingDash)."""
    masked = value[:-2] + "a" if len(value) > 1 and value.endswith("-") else value
    return None if subdomain(what, masked) is None else subdomain(what, value)


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_native(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not _is_hugepages(name)


def _is_extended(name: str) -> bool:
    if _is_native(name) or name.startswith("requests."):
        return False
    return qualified("key", "requests." + name) is None


# -- the containers of one pod spec --------------------------------------------------------------
@upstream("validateContainers")
def check_containers(
    r: Report,
    spec: Mapping[str, Any],
    where: str,
    volumes: Mapping[str, Mapping[str, Any]],
    *,
    is_pod: bool,
    each: bool = True,
    fit: bool = True,
) -> None:
    """Every container and init container of the pod spec ``spec`` at ``where``; ``volumes`` are
    the pod's volumes by name, ``is_pod`` for a bare Pod (not a template). Without ``each``, only
    how the containers fit the pod and each other (names, host ports, hooks and probes against the
    pod's settings), not each container's own fields (a typed Container checked those at its call);
    without ``fit``, only each container's own fields (the rest passed at the call)."""
    containers = as_list(spec.get("containers"))
    inits = as_list(spec.get("initContainers"))
    policy = spec.get("restartPolicy") or "Always"
    if not fit:
        for field, listed in (("containers", containers), ("initContainers", inits)) if each else ():
            for i, container in enumerate(listed):
                if isinstance(container, dict):
                    _common(r, container, f"{where}.{field}[{i}]", volumes, policy, is_pod)
        return
    if not containers:
        r.add(f"{where}.containers is empty: a pod needs at least one container")
    grace_value = spec.get("terminationGracePeriodSeconds")
    grace = DEFAULT_GRACE if grace_value is None else grace_value if is_int(grace_value) else _NO_GRACE
    host_network = spec.get("hostNetwork") is True
    names: dict[str, str] = {}
    host_ports: dict[str, str] = {}
    for i, container in enumerate(containers):
        if not isinstance(container, dict):
            continue
        at = f"{where}.containers[{i}]"
        if each:
            _common(r, container, at, volumes, policy, is_pod)
        name = container.get("name")
        if isinstance(name, str):
            if name in names:
                r.add(f"{at}.name {name!r} is used by {names[name]}: give each container its own name")
            else:
                names[name] = f"{at}.name"
            if len(container) == 1:
                continue  # a name alone (a typed container's fit view, often): nothing else to fit
        _lifecycle_and_probes(r, container, at, grace)
        if container.get("restartPolicy") is not None:
            r.add(
                f"{at}.restartPolicy {container['restartPolicy']!r} is only allowed on init containers "
                f"(sidecars): remove it, or make this an init container"
            )
        _host_ports(r, container, at, host_ports, host_network and is_pod)
        if host_network:
            _host_network_ports(r, container, at)
    for i, container in enumerate(inits):
        if not isinstance(container, dict):
            continue
        at = f"{where}.initContainers[{i}]"
        if each:
            _common(r, container, at, volumes, policy, is_pod)
        restart = container.get("restartPolicy")
        if restart is not None and restart != "Always":
            r.add(f"{at}.restartPolicy {restart!r} is not supported: the only value is 'Always' (a sidecar)")
        name = container.get("name")
        if isinstance(name, str):
            if name in names:
                r.add(f"{at}.name {name!r} is used by {names[name]}: give each container its own name")
            elif name:
                names[name] = f"{at}.name"
            if len(container) == 1:
                continue  # a name alone: no restart policy, ports, hooks or probes to fit
        # init containers run one by one: a host port only conflicts within the same container
        _host_ports(r, container, at, {}, host_network and is_pod)
        if restart == "Always":
            _lifecycle_and_probes(r, container, at, grace)
        else:
            for field in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(field) is not None:
                    r.add(
                        f"{at}.{field} is only allowed on init containers with restartPolicy Always "
                        f"(sidecars): remove it, or set restartPolicy: Always"
                    )


@upstream("validateContainerCommon")
def _common(
    r: Report,
    container: Mapping[str, Any],
    at: str,
    volumes: Mapping[str, Mapping[str, Any]],
    pod_restart: object,
    is_pod: bool,
) -> None:
    r.required(f"{at}.name", container.get("name"), label, "every container needs a name")
    image = container.get("image")
    if not isinstance(image, str) or not image:
        r.add(f"{at}.image is missing: set an image such as 'nginx:1.27'")
    elif is_pod and image != image.strip():
        # validateContainerOnlyForPod (a template keeps " " for backwards compatibility)
        r.add(f"{at}.image {image!r} has leading or trailing whitespace: use {image.strip()!r}")
    policy = container.get("terminationMessagePolicy")
    if policy:  # "" is defaulted to File
        r.enum(f"{at}.terminationMessagePolicy", policy, _MESSAGE_POLICIES)
    pull = container.get("imagePullPolicy")
    if pull:  # "" is defaulted from the image's tag
        r.enum(f"{at}.imagePullPolicy", pull, _PULL_POLICIES)
    # each list is read only when set: an unset (or empty) one has nothing to check
    ports, env, env_from = container.get("ports"), container.get("env"), container.get("envFrom")
    if ports:
        _ports(r, ports, at)
    if env:
        _env(r, env, at)
    if env_from:
        _env_from(r, env_from, at)
    raw_mounts, raw_devices = container.get("volumeMounts"), container.get("volumeDevices")
    mounts = [m if isinstance(m, dict) else {} for m in as_list(raw_mounts)] if raw_mounts else []
    devices = [d if isinstance(d, dict) else {} for d in as_list(raw_devices)] if raw_devices else []
    if mounts:
        privileged = as_dict(container.get("securityContext")).get("privileged") is True
        _mounts(r, mounts, devices, at, volumes, privileged)
    if devices:
        _devices(r, mounts, devices, at, volumes)
    resources = container.get("resources")
    if isinstance(resources, dict):
        check_resources(r, resources.get("limits"), resources.get("requests"), f"{at}.resources")
    policies = container.get("resizePolicy")
    if policies:
        _resize_policy(r, policies, f"{at}.resizePolicy", pod_restart)


@upstream("validateContainerPorts")
def _ports(r: Report, ports: object, at: str) -> None:
    names: set[str] = set()
    for i, port in enumerate(as_list(ports)):
        if not isinstance(port, dict):
            continue
        where = f"{at}.ports[{i}]"
        name = port.get("name")
        if isinstance(name, str) and name:
            error = port_name(f"{where}.name", name)
            if error:
                r.add(error)
            elif name in names:
                r.add(
                    f"{where}.name {name!r} is used by another port of this container: give each port its own name"
                )
            else:
                names.add(name)
        number = port.get("containerPort")
        if number is None:
            r.add(f"{where}.containerPort is missing: set the port the container listens on (1-65535)")
        elif not port_ok(number):
            r.add(f"{where}.containerPort {number!r} is out of range: use a port between 1 and 65535")
        host = port.get("hostPort")
        if host not in (None, 0) and not port_ok(host):
            r.add(
                f"{where}.hostPort {host!r} is out of range: use a port between 1 and 65535, or leave it out"
            )
        protocol = port.get("protocol")
        if protocol:  # "" is defaulted to TCP
            r.enum(f"{where}.protocol", protocol, PROTOCOLS)


@upstream("validateContainers")  # checkHostPortConflicts / AccumulateUniqueHostPorts
def _host_ports(
    r: Report, container: Mapping[str, Any], at: str, seen: dict[str, str], default_host: bool
) -> None:
    """A host port (protocol, hostIP, port) can be bound once; ``default_host``: a bare Pod with
    hostNetwork, whose unset hostPorts the API server sets to the containerPort."""
    for i, port in enumerate(as_list(container.get("ports"))):
        if not isinstance(port, dict):
            continue
        host = port.get("hostPort")
        if host in (None, 0) and default_host:
            host = port.get("containerPort")
        if not is_int(host) or host == 0:
            continue
        protocol = port.get("protocol") or "TCP"
        ip = port.get("hostIP") or ""
        key = f"{protocol}/{ip}/{host}"
        where = f"{at}.ports[{i}].hostPort"
        if key in seen:
            on = f" on {ip}" if ip else ""
            r.add(
                f"{where} {host}/{protocol}{on} is already used by {seen[key]}: a node port can be bound "
                f"once per pod; use another hostPort"
            )
        else:
            seen[key] = where


@upstream("validatePodHostNetworkDeps")
def _host_network_ports(r: Report, container: Mapping[str, Any], at: str) -> None:
    for i, port in enumerate(as_list(container.get("ports"))):
        if not isinstance(port, dict):
            continue
        host, number = port.get("hostPort"), port.get("containerPort")
        if host not in (None, 0) and host != number:
            r.add(
                f"{at}.ports[{i}].hostPort {host!r} must match containerPort {number!r} when hostNetwork "
                f"is true: set hostPort to {number!r} or leave it out"
            )


@upstream("ValidateEnv")
def _env(r: Report, env: object, at: str) -> None:
    for i, var in enumerate(as_list(env)):
        if not isinstance(var, dict):
            continue
        where = f"{at}.env[{i}]"
        r.required(f"{where}.name", var.get("name"), env_name, "every env var needs a name")
        source = var.get("valueFrom")
        if not isinstance(source, dict):
            continue
        kinds = [
            k
            for k in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")
            if source.get(k) is not None
        ]
        value = var.get("value")
        if not kinds:
            r.add(
                f"{where}.valueFrom is empty: set one of fieldRef, resourceFieldRef, configMapKeyRef, "
                f"secretKeyRef (or remove valueFrom and set value)"
            )
        elif isinstance(value, str) and value:
            r.add(f"{where} has both value and valueFrom: keep one")
        elif len(kinds) > 1:
            r.add(
                f"{where}.valueFrom must have exactly one of fieldRef, resourceFieldRef, configMapKeyRef, "
                f"secretKeyRef (found: {', '.join(kinds)})"
            )
        for kind in kinds:
            ref = source[kind]
            if not isinstance(ref, dict):
                continue
            ref_at = f"{where}.valueFrom.{kind}"
            if kind == "fieldRef":
                check_field_ref(
                    r,
                    ref.get("fieldPath"),
                    f"{ref_at}.fieldPath",
                    volume=False,
                    api_version=ref.get("apiVersion"),
                )
            elif kind == "resourceFieldRef":
                check_resource_ref(r, ref, ref_at, need_container=False)
            else:
                name = ref.get("name")
                if not isinstance(name, str) or not name:
                    r.add(f"{ref_at}.name is missing: name the {kind[:-6]} to read from")
                else:
                    r.add(subdomain(f"{ref_at}.name", name))
                r.required(f"{ref_at}.key", ref.get("key"), config_key, "name the key to read")


@upstream("ValidateEnvFrom")
def _env_from(r: Report, env_from: object, at: str) -> None:
    for i, source in enumerate(as_list(env_from)):
        if not isinstance(source, dict):
            continue
        where = f"{at}.envFrom[{i}]"
        prefix = source.get("prefix")
        if isinstance(prefix, str) and prefix:
            r.add(env_name(f"{where}.prefix", prefix))
        refs = [k for k in ("configMapRef", "secretRef") if source.get(k) is not None]
        if len(refs) != 1:
            r.add(
                f"{where} must have exactly one of configMapRef, secretRef (found: {', '.join(refs) or 'none'})"
            )
        for ref_field in refs:
            ref = source[ref_field]
            if not isinstance(ref, dict):
                continue
            what = "ConfigMap" if ref_field == "configMapRef" else "Secret"
            name = ref.get("name")
            if not isinstance(name, str) or not name:
                r.add(f"{where}.{ref_field}.name is missing: name the {what} whose keys become variables")
            else:
                r.add(_prefix_subdomain_error(f"{where}.{ref_field}.name", name))


def check_field_ref(r: Report, path: object, where: str, *, volume: bool, api_version: object = None) -> None:
    """A ``fieldRef`` (validateObjectFieldSelector): ``where`` is its ``fieldPath``; an unset or
    empty ``apiVersion`` is defaulted to v1, the only version the API server converts."""
    if api_version not in (None, "", "v1"):
        at = where.rsplit(".", 1)[0]
        r.add(f"{at}.apiVersion {api_version!r} is not supported: use 'v1' (or leave it out)")
        return
    if not isinstance(path, str) or not path:
        r.add(f"{where} is missing: name a pod field such as 'metadata.name'")
        return
    if path == "spec.host":  # the API server converts the old v1 spelling to spec.nodeName
        path = "spec.nodeName"
    r.add(n.field_path_error(where, path, volume=volume))


_RESOURCE_FIELDS = n.RESOURCE_FIELD_PATHS
_HUGEPAGES_PREFIXES = ("requests.hugepages-", "limits.hugepages-")


def check_resource_ref(r: Report, ref: Mapping[str, Any], where: str, *, need_container: bool) -> None:
    """A ``resourceFieldRef`` (validateContainerResourceFieldSelector): the resource a container
    exposes, and its divisor."""
    resource = ref.get("resource")
    if need_container and not ref.get("containerName"):
        r.add(
            f"{where}.containerName is missing: a downwardAPI volume must name the container "
            f"whose resource it reads"
        )
    elif not isinstance(resource, str) or not resource:
        r.add(f"{where}.resource is missing: use e.g. 'limits.cpu'")
        return
    if not isinstance(resource, str):
        return
    if resource not in _RESOURCE_FIELDS and not resource.startswith(_HUGEPAGES_PREFIXES):
        r.add(n.resource_field_error(f"{where}.resource", resource))
        return
    r.add(n.divisor_error(f"{where}.divisor", resource, ref.get("divisor")))


@upstream("ValidateVolumeMounts")
def _mounts(
    r: Report,
    mounts: list[dict[str, Any]],
    devices: list[dict[str, Any]],
    at: str,
    volumes: Mapping[str, Mapping[str, Any]],
    privileged: bool,
) -> None:
    device_names = {d.get("name") for d in devices if isinstance(d.get("name"), str)}
    device_paths = {d.get("devicePath") for d in devices if isinstance(d.get("devicePath"), str)}
    paths: set[str] = set()
    for i, mount in enumerate(mounts):
        if not mount:
            continue
        where = f"{at}.volumeMounts[{i}]"
        name = mount.get("name")
        if isinstance(name, str) and name in volumes and volumes[name].get("image") is not None:
            continue  # ImageVolume is off: the API server drops image volumes and their mounts
        if not isinstance(name, str) or not name:
            r.add(f"{where}.name is missing: name the pod volume to mount")
        elif name not in volumes:
            known = ", ".join(sorted(volumes)) or "none"
            r.add(
                f"{where}.name {name!r} is not a volume of this pod (volumes: {known}): add the volume to the pod"
            )
        elif name in device_names:
            r.add(
                f"{where}.name {name!r} is also a volumeDevice of this container: use a volume once, as a mount or a device"
            )
        path = mount.get("mountPath")
        if not isinstance(path, str) or not path:
            r.add(f"{where}.mountPath is missing: set the path in the container, such as '/data'")
        elif path in paths:
            r.add(f"{where}.mountPath {path!r} is already mounted in this container: use another path")
        elif path in device_paths:
            r.add(f"{where}.mountPath {path!r} is also a devicePath of this container: use another path")
        if isinstance(path, str):
            paths.add(path)
        sub, expr = mount.get("subPath"), mount.get("subPathExpr")
        if isinstance(sub, str) and sub:
            r.add(n.sub_path_error(f"{where}.subPath", sub))
        if isinstance(expr, str) and expr:
            if isinstance(sub, str) and sub:
                r.add(f"{where} has both subPath and subPathExpr: keep one")
            r.add(n.sub_path_error(f"{where}.subPathExpr", expr))
        propagation = mount.get("mountPropagation")
        if propagation is not None:
            if propagation not in _PROPAGATIONS:
                r.add(
                    f"{where}.mountPropagation {propagation!r} is not supported: use {one_of(_PROPAGATIONS)}"
                )
            elif propagation == "Bidirectional" and not privileged:
                r.add(
                    f"{where}.mountPropagation 'Bidirectional' is only available to privileged containers: "
                    f"set securityContext.privileged: true, or use HostToContainer"
                )
        rro = mount.get("recursiveReadOnly")
        if rro is not None and rro != "Disabled":
            if rro not in _RECURSIVE_READ_ONLY:
                r.add(
                    f"{where}.recursiveReadOnly {rro!r} is not supported: use {one_of(_RECURSIVE_READ_ONLY)}"
                )
            else:
                if mount.get("readOnly") is not True:
                    r.add(
                        f"{where}.recursiveReadOnly {rro!r} needs readOnly: true: set readOnly: true, or remove recursiveReadOnly"
                    )
                if propagation not in (None, "None"):
                    r.add(
                        f"{where}.recursiveReadOnly {rro!r} needs mountPropagation None: remove "
                        f"mountPropagation {propagation!r} or recursiveReadOnly"
                    )


@upstream("ValidateVolumeDevices")
def _devices(
    r: Report,
    mounts: list[dict[str, Any]],
    devices: list[dict[str, Any]],
    at: str,
    volumes: Mapping[str, Mapping[str, Any]],
) -> None:
    mount_names = {m.get("name") for m in mounts if isinstance(m.get("name"), str)}
    mount_paths = {m.get("mountPath") for m in mounts if isinstance(m.get("mountPath"), str)}
    names: set[str] = set()
    paths: set[str] = set()
    for i, device in enumerate(devices):
        if not device:
            continue
        where = f"{at}.volumeDevices[{i}]"
        name, path = device.get("name"), device.get("devicePath")
        if not isinstance(name, str) or not name:
            r.add(f"{where}.name is missing: name the pod volume (a PersistentVolumeClaim) to attach")
        elif name in names:
            r.add(f"{where}.name {name!r} is already a device of this container: attach each volume once")
        elif name not in volumes:
            known = ", ".join(sorted(volumes)) or "none"
            r.add(
                f"{where}.name {name!r} is not a volume of this pod (volumes: {known}): add the volume to the pod"
            )
        elif volumes[name].get("persistentVolumeClaim") is None and volumes[name].get("ephemeral") is None:
            r.add(
                f"{where}.name {name!r} is not a persistentVolumeClaim or ephemeral volume: only those can "
                f"be attached as block devices"
            )
        elif name in mount_names:
            r.add(
                f"{where}.name {name!r} is also a volumeMount of this container: use a volume once, as a mount or a device"
            )
        if isinstance(name, str) and name:
            names.add(name)
        if not isinstance(path, str) or not path:
            r.add(f"{where}.devicePath is missing: set the device path in the container, such as '/dev/xvda'")
            continue
        if path in paths:
            r.add(
                f"{where}.devicePath {path!r} is already used by another device of this container: use another path"
            )
        if ".." in path.split("/"):
            r.add(f"{where}.devicePath {path!r} must not contain a '..' element: write the resolved path")
        else:
            paths.add(path)
        if path in mount_paths:
            r.add(f"{where}.devicePath {path!r} is also a mountPath of this container: use another path")


@upstream("validateContainers")
def _lifecycle_and_probes(r: Report, container: Mapping[str, Any], at: str, grace: int) -> None:
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            handler = lifecycle.get(hook)
            if isinstance(handler, dict):
                _handler(r, handler, f"{at}.lifecycle.{hook}", _LIFECYCLE_HANDLERS, grace)
    for field in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(field)
        if isinstance(probe, dict):
            _probe(r, probe, f"{at}.{field}", field, grace)


@upstream("validateProbe")
def _probe(r: Report, probe: Mapping[str, Any], at: str, kind: str, grace: int) -> None:
    _handler(r, probe, at, _PROBE_HANDLERS, grace)
    if len(probe) == 1:
        return  # the handler alone (no timings): the rest reads timings only
    # 0 is defaulted (timeoutSeconds 1, periodSeconds 10, successThreshold 1, failureThreshold 3)
    for field in _PROBE_TIMINGS:
        value = probe.get(field)
        if value is not None:
            r.at_least(f"{at}.{field}", value, 0)
    success = probe.get("successThreshold")
    if kind != "readinessProbe" and is_int(success) and success not in (0, 1):
        r.add(f"{at}.successThreshold {success!r} is invalid for a {kind}: it must be 1 (remove it)")
    period = probe.get("terminationGracePeriodSeconds")
    if period is not None:
        if kind == "readinessProbe":
            r.add(
                f"{at}.terminationGracePeriodSeconds {period!r} is not allowed on a readinessProbe: remove it "
                f"(a failing readiness probe does not restart the container)"
            )
        elif not is_int(period) or period <= 0:
            r.add(
                f"{at}.terminationGracePeriodSeconds {period!r} is invalid: use a positive int, or remove it"
            )


@upstream("validateHandler")
def _handler(r: Report, body: Mapping[str, Any], at: str, allowed: tuple[str, ...], grace: int) -> None:
    handlers = [h for h in allowed if body.get(h) is not None]
    if len(handlers) != 1:
        r.add(f"{at} must have exactly one of {', '.join(allowed)} (found: {', '.join(handlers) or 'none'})")
    for kind in handlers[:1]:
        action = body[kind]
        if not isinstance(action, dict):
            continue
        port = action.get("port")
        if (
            kind != "exec"
            and kind != "sleep"
            and type(port) is int
            and 0 < port < 65536
            and (kind != "httpGet" or not (action.get("scheme") or action.get("httpHeaders")))
        ):
            continue  # a port number in range and nothing else to check: no path is made
        where = f"{at}.{kind}"
        if kind == "exec":
            if not as_list(action.get("command")):
                r.add(f"{where}.command is empty: set the command to run, such as ['cat', '/tmp/ready']")
        elif kind == "sleep":
            seconds = action.get("seconds")
            if (
                isinstance(seconds, int)
                and not isinstance(seconds, bool)
                and grace != _NO_GRACE
                and not 0 <= seconds <= grace
            ):
                r.add(
                    f"{where}.seconds {seconds} is invalid: use 0 to the pod's terminationGracePeriodSeconds "
                    f"({grace})"
                )
        else:
            _port(r, action.get("port"), where, named=kind != "grpc")
            if kind == "httpGet":
                scheme = action.get("scheme")
                if scheme:  # "" is defaulted to HTTP
                    r.enum(f"{where}.scheme", scheme, _SCHEMES)
                for j, header in enumerate(as_list(action.get("httpHeaders"))):
                    name = as_dict(header).get("name")
                    if isinstance(name, str):
                        r.add(header_name(f"{where}.httpHeaders[{j}].name", name))


def _port(r: Report, port: object, at: str, *, named: bool) -> None:
    """ValidatePortNumOrName: the ``port`` of the action at ``at``, a port number or (not for
    grpc) an IANA port name. A name is checked for its syntax only: the API server does not look
    for it among the declared ports. (Its path is made only for a name or a problem.)"""
    if isinstance(port, str) and named:
        r.add(port_name(f"{at}.port", port))
    elif port is None:
        r.add(f"{at}.port is missing: use a port between 1 and 65535" + (" or a port name" if named else ""))
    elif not port_ok(port):
        r.add(
            f"{at}.port {port!r} is out of range: use a port between 1 and 65535"
            + (" or a declared port name" if named else "")
        )


# -- resources ---------------------------------------------------------------------------------
_SUFFIXES = "Ki Mi Gi Ti Pi Ei, n u m k M G T P E"


def _resource_name_error(at: str, name: object) -> str | None:
    """validateContainerResourceName: cpu, memory, ephemeral-storage, hugepages-<size>, a name in
    the kubernetes.io namespace, or an extended resource 'domain/name'."""
    if not isinstance(name, str):
        return f"{at} key {name!r} is not a resource name"
    error = qualified(f"{at} key", name)
    if error:
        return error
    if "/" not in name:
        if name in _CONTAINER_RESOURCES or _is_hugepages(name):
            return None
        what = "not a container resource"
        return (
            f"{at} key {name!r} is {what}: use cpu, memory, ephemeral-storage, hugepages-<size>, or an "
            f"extended resource 'domain/name' (e.g. 'nvidia.com/gpu')"
        )
    if not _is_native(name) and not _is_extended(name):
        return (
            f"{at} key {name!r} is not a valid extended resource name: use 'domain/name' with at most 63 "
            f"characters in the name, such as 'nvidia.com/gpu'"
        )
    return None


def check_resource_list(r: Report, values: Mapping[Any, Any], where: str) -> dict[str, Decimal]:
    """One list of resource quantities at ``where`` (a container's ``resources.limits`` or
    ``requests``, a pod's ``overhead``): names and quantities; the values that parsed, by name."""
    parsed: dict[str, Decimal] = {}
    for name, quantity in values.items():
        error = _resource_name_error(where, name)
        if error:
            r.add(error)
            continue
        at = f"{where}[{name!r}]"
        value = (
            quantity_value(str(quantity))
            if isinstance(quantity, str | int | float) and not isinstance(quantity, bool)
            else None
        )
        if value is None or value < 0:
            r.add(
                f"{at} {quantity!r} is not a non-negative Kubernetes quantity: use a number with an "
                f"optional suffix ({_SUFFIXES})"
            )
            continue
        if _is_extended(name) and value != value.to_integral_value():
            r.add(f"{at} {quantity!r} must be a whole number: extended resources are counted in units")
        if _is_hugepages(name):
            page = quantity_value(name[len("hugepages-") :])
            if (
                not page
                or page <= 0
                or page != page.to_integral_value()
                or value.to_integral_value(rounding="ROUND_CEILING") % page
            ):
                r.add(f"{at} {quantity!r} is not a multiple of the page size {name[len('hugepages-') :]}")
        parsed[name] = value
    return parsed


def hugepages_without_cpu_or_memory(names: Iterable[object]) -> bool:
    """Whether hugepages are asked for with neither cpu nor memory (the API server refuses it)."""
    names = tuple(names)
    return any(isinstance(k, str) and _is_hugepages(k) for k in names) and not any(
        k in ("cpu", "memory") for k in names
    )


#: resource lists (limits, requests) found valid, as ``(limits items, requests items)`` of str:
#: apps give many containers the same few (the verdict is the same wherever they sit)
_VALID_RESOURCES: set[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = set()


@upstream("ValidateContainerResourceRequirements")
def check_resources(r: Report, limits: object, requests: object, at: str) -> None:
    """A container's resource ``limits`` and ``requests``; ``at`` is its ``resources``."""
    raw: dict[str, Mapping[str, Any]] = {"limits": as_dict(limits), "requests": as_dict(requests)}
    key = _resources_key(raw["limits"], raw["requests"])
    if key is not None and key in _VALID_RESOURCES:
        return
    found = len(r.problems)
    parsed = {kind: check_resource_list(r, raw[kind], f"{at}.{kind}") for kind in ("limits", "requests")}
    lims, reqs = parsed["limits"], parsed["requests"]
    for name, value in reqs.items():
        raw_req, raw_lim = raw["requests"].get(name), raw["limits"].get(name)
        if name in lims:
            limit = lims[name]
            if value != limit and not _overcommit_allowed(name):
                r.add(
                    f"{at}.requests[{name!r}] {raw_req!r} must equal its limit {raw_lim!r}: {name} cannot be overcommitted"
                )
            elif value > limit:
                r.add(
                    f"{at}.requests[{name!r}] {raw_req!r} is above its limit {raw_lim!r}: lower the request or raise the limit"
                )
        elif name not in raw["limits"] and not _overcommit_allowed(name):
            r.add(f"{at}.limits[{name!r}] is missing: {name} needs a limit equal to its request {raw_req!r}")
    if hugepages_without_cpu_or_memory((*raw["limits"], *raw["requests"])):
        r.add(f"{at} requests hugepages without a cpu or memory request or limit: add one")
    if key is not None and len(r.problems) == found and len(_VALID_RESOURCES) < 10_000:
        _VALID_RESOURCES.add(key)


def _resources_key(
    limits: Mapping[str, Any], requests: Mapping[str, Any]
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] | None:
    """The memo key of two resource lists, or ``None`` unless every name and quantity is a str
    (``1``, ``1.0`` and ``True`` are equal keys but not equally valid quantities)."""
    for values in (limits, requests):
        for name, value in values.items():
            if type(name) is not str or type(value) is not str:
                return None
    return tuple(limits.items()), tuple(requests.items())


@upstream("validateResizePolicy")
def _resize_policy(r: Report, policies: object, at: str, pod_restart: object) -> None:
    seen: set[str] = set()
    for i, policy in enumerate(as_list(policies)):
        if not isinstance(policy, dict):
            continue
        where = f"{at}[{i}]"
        resource, restart = policy.get("resourceName"), policy.get("restartPolicy")
        if isinstance(resource, str) and resource in seen:
            r.add(f"{where}.resourceName {resource!r} has another resize policy in this container: keep one")
        if isinstance(resource, str):
            seen.add(resource)
        if not resource:
            r.add(f"{where}.resourceName is missing: use {one_of(_RESIZE_RESOURCES)}")
        elif resource not in _RESIZE_RESOURCES:
            r.add(f"{where}.resourceName {resource!r} is not supported: use {one_of(_RESIZE_RESOURCES)}")
        if not restart:
            r.add(f"{where}.restartPolicy is missing: use {one_of(_RESIZE_POLICIES)}")
        elif restart not in _RESIZE_POLICIES:
            r.add(f"{where}.restartPolicy {restart!r} is not supported: use {one_of(_RESIZE_POLICIES)}")
        if pod_restart == "Never" and restart != "NotRequired":
            r.add(
                f"{where}.restartPolicy {restart!r} is not allowed in a pod with restartPolicy Never: "
                f"use NotRequired"
            )
