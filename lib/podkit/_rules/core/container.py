"""Containers: ports, env, mounts, probes, resources (core validation: validateContainers, validateInitContainers)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .. import names as n
from .._base import (
    PROTOCOLS,
    Report,
    as_dict,
    config_key,
    env_name,
    header_name,
    image,
    label,
    port_name,
    port_ok,
    qualified,
    upstream,
)
from ..quantity import quantity_value

__all__ = ["check_container", "check_field_ref", "check_resource_ref"]

_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")
_NATIVE_RESOURCES = ("cpu", "memory", "ephemeral-storage")


@upstream("validateContainers")
def check_container(
    r: Report,
    container: Mapping[str, Any],
    at: str,
    init: bool,
    volumes: Mapping[str, Mapping[str, Any]],
    seen_names: set[str],
    host_ports: dict[tuple[int, str], str],
) -> None:
    name = r.required(f"{at}.name", container.get("name"), label, "every container needs a name")
    if name is not None:
        if name in seen_names:
            r.add(
                f"{at}.name {name!r} is used by another container of this pod: give each container its own name"
            )
        seen_names.add(name)

    r.required(f"{at}.image", container.get("image"), image, "set an image such as 'nginx:1.27'")

    restart = container.get("restartPolicy")
    if restart is not None:
        if not init:
            r.add(
                f"{at}.restartPolicy {restart!r} is only allowed on init containers (sidecars): "
                f"remove it, or make this an init container"
            )
        elif restart != "Always":
            r.add(f"{at}.restartPolicy {restart!r} is not supported: the only value is 'Always' (a sidecar)")

    r.enum(f"{at}.imagePullPolicy", container.get("imagePullPolicy"), ("Always", "Never", "IfNotPresent"))

    port_names = _ports(r, container.get("ports"), at, host_ports if not init else None)
    _env(r, container.get("env"), container.get("envFrom"), at)
    _mounts(r, container.get("volumeMounts"), at, volumes)
    _resources(r, container.get("resources"), f"{at}.resources")
    sidecar = init and restart == "Always"
    for probe_field in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_field)
        if init and not sidecar and probe is not None:
            # an init container runs to completion before the pod is ready: nothing to probe
            r.add(
                f"{at}.{probe_field} is only allowed on init containers with restartPolicy Always "
                f"(sidecars): remove it, or set restartPolicy: Always"
            )
        elif isinstance(probe, dict):
            _probe(r, probe, f"{at}.{probe_field}", probe_field != "readinessProbe", port_names)


@upstream("validateContainerPorts")
def _ports(r: Report, ports: object, at: str, host_ports: dict[tuple[int, str], str] | None) -> set[str]:
    names: set[str] = set()
    if not isinstance(ports, list):
        return names
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        where = f"{at}.ports[{i}]"
        number = port.get("containerPort")
        if not port_ok(number):
            r.add(f"{where}.containerPort {number!r} is out of range: use a port between 1 and 65535")
        host = port.get("hostPort")
        protocol = port.get("protocol") or "TCP"
        r.enum(f"{where}.protocol", port.get("protocol"), PROTOCOLS)
        if host is not None and host != 0:
            if not port_ok(host):
                r.add(
                    f"{where}.hostPort {host!r} is out of range: use a port between 1 and 65535, or leave it out"
                )
            elif host_ports is not None:
                key = (host, str(protocol))
                if key in host_ports:
                    r.add(
                        f"{where}.hostPort {host}/{protocol} is already used by {host_ports[key]}: "
                        f"a node port can be bound once per pod; use another hostPort"
                    )
                else:
                    host_ports[key] = f"{where}.hostPort"
        name = port.get("name")
        if isinstance(name, str):
            r.add(port_name(f"{where}.name", name))
            if name in names:
                r.add(
                    f"{where}.name {name!r} is used by another port of this container: give each port its own name"
                )
            names.add(name)
    return names


@upstream("ValidateEnv")
def _env(r: Report, env: object, env_from: object, at: str) -> None:
    for i, var in enumerate(env if isinstance(env, list) else []):
        if not isinstance(var, dict):
            continue
        where = f"{at}.env[{i}]"
        r.required(f"{where}.name", var.get("name"), env_name, "every env var needs a name")
        source = var.get("valueFrom")
        if source is None:
            continue
        if var.get("value"):
            r.add(f"{where} has both value and valueFrom: keep one")
        if not isinstance(source, dict):
            continue
        kinds = [k for k in _ENV_SOURCES if source.get(k) is not None]
        if len(kinds) != 1:
            found = ", ".join(kinds) or "none"
            r.add(
                f"{where}.valueFrom must have exactly one of fieldRef, resourceFieldRef, configMapKeyRef, "
                f"secretKeyRef (found: {found})"
            )
            continue
        ref = source[kinds[0]]
        if not isinstance(ref, dict):
            continue
        ref_at = f"{where}.valueFrom.{kinds[0]}"
        if kinds[0] == "fieldRef":
            check_field_ref(r, ref.get("fieldPath"), f"{ref_at}.fieldPath", volume=False)
        elif kinds[0] == "resourceFieldRef":
            check_resource_ref(r, ref, ref_at, need_container=False)
        elif kinds[0] in ("configMapKeyRef", "secretKeyRef"):
            r.required(f"{ref_at}.key", ref.get("key"), config_key, "name the key to read")
            if not ref.get("name"):
                r.add(f"{ref_at}.name is missing: name the {kinds[0][:-6]} to read from")
    for i, source in enumerate(env_from if isinstance(env_from, list) else []):
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
        elif isinstance(source[refs[0]], dict) and not source[refs[0]].get("name"):
            kind = "ConfigMap" if refs[0] == "configMapRef" else "Secret"
            r.add(f"{where}.{refs[0]}.name is missing: name the {kind} whose keys become variables")


def check_field_ref(r: Report, path: object, where: str, *, volume: bool) -> None:
    if not isinstance(path, str):
        r.add(f"{where} is missing: name a pod field such as 'metadata.name'")
    else:
        r.add(n.field_path_error(where, path, volume=volume))


def check_resource_ref(r: Report, ref: Mapping[str, Any], where: str, *, need_container: bool) -> None:
    resource = ref.get("resource")
    if need_container and not ref.get("containerName"):
        r.add(
            f"{where}.containerName is missing: a downwardAPI volume must name the container "
            f"whose resource it reads"
        )
    if not isinstance(resource, str):
        r.add(f"{where}.resource is missing: use e.g. 'limits.cpu'")
        return
    error = n.resource_field_error(f"{where}.resource", resource)
    r.add(error or n.divisor_error(f"{where}.divisor", resource, ref.get("divisor")))


@upstream("ValidateVolumeMounts")
def _mounts(r: Report, mounts: object, at: str, volumes: Mapping[str, Mapping[str, Any]]) -> None:
    paths: set[str] = set()
    for i, mount in enumerate(mounts if isinstance(mounts, list) else []):
        if not isinstance(mount, dict):
            continue
        where = f"{at}.volumeMounts[{i}]"
        name = mount.get("name")
        if not isinstance(name, str) or name not in volumes:
            known = ", ".join(sorted(volumes)) or "none"
            r.add(
                f"{where}.name {name!r} is not a volume of this pod (volumes: {known}): add the volume to the pod"
            )
        mount_path = r.required(
            f"{where}.mountPath",
            mount.get("mountPath"),
            n.mount_path_error,
            "set an absolute path such as '/data'",
        )
        if mount_path is not None:
            if mount_path in paths:
                r.add(
                    f"{where}.mountPath {mount_path!r} is already mounted in this container: use another path"
                )
            paths.add(mount_path)
        sub = mount.get("subPath")
        if isinstance(sub, str) and sub:
            r.add(n.sub_path_error(f"{where}.subPath", sub))
            if mount.get("subPathExpr"):
                r.add(f"{where} has both subPath and subPathExpr: keep one")


@upstream("validateProbe")
def _probe(r: Report, probe: Mapping[str, Any], at: str, one_success: bool, port_names: set[str]) -> None:
    handlers = [h for h in _HANDLERS if probe.get(h) is not None]
    if len(handlers) != 1:
        r.add(
            f"{at} must have exactly one of exec, httpGet, tcpSocket, grpc (found: {', '.join(handlers) or 'none'})"
        )
    for field in (
        "initialDelaySeconds",
        "failureThreshold",
        "successThreshold",
        "terminationGracePeriodSeconds",
    ):
        r.at_least(f"{at}.{field}", probe.get(field), 0 if field == "initialDelaySeconds" else 1)
    for field in ("timeoutSeconds", "periodSeconds"):
        r.at_least(f"{at}.{field}", probe.get(field), 1)
    success = probe.get("successThreshold")
    if one_success and success is not None and success != 1:
        kind = at.rsplit(".", 1)[-1]
        r.add(f"{at}.successThreshold {success!r} is invalid for a {kind}: it must be 1 (remove it)")
    for handler in handlers:
        body = probe[handler]
        if not isinstance(body, dict) or handler == "exec":
            continue
        port = body.get("port")
        where = f"{at}.{handler}.port"
        if isinstance(port, str) and handler != "grpc":
            error = port_name(where, port)
            if error:
                r.add(error)
            elif port not in port_names:
                declared = ", ".join(sorted(port_names)) or "none"
                r.add(
                    f"{where} {port!r} is not a port name of this container (declared: {declared}): "
                    f"declare the port or use its number"
                )
        elif not port_ok(port):
            r.add(f"{where} {port!r} is out of range: use a port between 1 and 65535 or a declared port name")
        if handler == "httpGet":
            r.enum(f"{at}.httpGet.scheme", body.get("scheme"), ("HTTP", "HTTPS"))
            headers = body.get("httpHeaders")
            for j, header in enumerate(headers if isinstance(headers, list) else []):
                if isinstance(header, dict) and isinstance(header.get("name"), str):
                    r.add(header_name(f"{at}.httpGet.httpHeaders[{j}].name", header["name"]))


@upstream("ValidateContainerResourceRequirements")
def _resources(r: Report, resources: object, at: str) -> None:
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
                r.add(f"{at}.{kind} {error}")
                continue
            value = quantity_value(str(quantity)) if isinstance(quantity, str | int | float) else None
            if value is None or value < 0:
                r.add(
                    f"{where} {quantity!r} is not a non-negative Kubernetes quantity: use a number with an "
                    f"optional suffix ({_SUFFIXES})"
                )
                continue
            if "/" in name and value != value.to_integral_value():
                r.add(f"{where} {quantity!r} must be a whole number: extended resources are counted in units")
            if name.startswith("hugepages-"):
                page = quantity_value(name[len("hugepages-") :])
                if page and value % page:
                    r.add(
                        f"{where} {quantity!r} is not a multiple of the page size {name[len('hugepages-') :]}"
                    )
            parsed[kind][name] = value
    limits, requests = parsed["limits"], parsed["requests"]
    for name, value in requests.items():
        overcommit = "/" not in name and not name.startswith("hugepages-")
        limit = limits.get(name)
        raw_req, raw_lim = (
            as_dict(resources.get("requests")).get(name),
            as_dict(resources.get("limits")).get(name),
        )
        if limit is None:
            if not overcommit:
                r.add(
                    f"{at}.limits[{name!r}] is missing: {name} needs a limit equal to its request {raw_req!r}"
                )
        elif not overcommit and value != limit:
            r.add(
                f"{at}.requests[{name!r}] {raw_req!r} must equal its limit {raw_lim!r}: {name} cannot be overcommitted"
            )
        elif value > limit:
            r.add(
                f"{at}.requests[{name!r}] {raw_req!r} is above its limit {raw_lim!r}: lower the request or raise the limit"
            )
    hugepages = any(n.startswith("hugepages-") for n in (*limits, *requests))
    if hugepages and not any(n in ("cpu", "memory") for n in (*limits, *requests)):
        r.add(f"{at} requests hugepages without a cpu or memory request or limit: add one")


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
    return qualified("key", name)
