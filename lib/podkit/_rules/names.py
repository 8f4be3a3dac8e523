"""The API server's rules for names and simple values: one text per rule, for both paths.

The rules are Kubernetes' own (k8s.io/apimachinery/pkg/util/validation and
k8s.io/kubernetes/pkg/apis/core/validation). Each rule is written once, as a function
``*_error(what, value) -> str | None`` that returns what is wrong, what is expected and how
to fix it (or ``None``). The constructs' raising checks (``podkit._checks``, where a bad value
arrives) and the final-object rules of this package both call them, so an early error and a
synth-time problem always say the same thing.

Every pattern is matched in full: each ends in ``\\Z`` (``$`` would accept a trailing
newline, and ``"web\\n"`` would be written as a YAML block scalar).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .quantity import quantity_value

#: A rule: ``rule(what, value)`` returns what is wrong with ``value``, or ``None``.
Rule = Callable[[str, str], "str | None"]

# https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
DNS1123_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\Z")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\Z")
# Service names (validation.IsDNS1035Label): a label that starts with a letter, because
# the name becomes an environment variable prefix and a DNS name.
DNS1035_LABEL = re.compile(r"[a-z](?:[-a-z0-9]*[a-z0-9])?\Z")
# Env var names as kubectl checks them (validation.IsEnvVarName): a C identifier that may
# also contain '-' and '.'. Kubernetes >= 1.32 relaxes this behind a feature gate; podkit
# keeps the portable rule so manifests work on every cluster.
ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*\Z")
# ConfigMap/Secret keys (validation.IsConfigMapKey).
CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+\Z")
# Label/annotation name part (validation.IsQualifiedName) and label values.
QUALIFIED_NAME = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
LABEL_VALUE = re.compile(r"(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")
# IANA service names (validation.IsValidPortName), used for container port names.
PORT_NAME = re.compile(r"[-a-z0-9]+\Z")
_HAS_LETTER = re.compile(r"[a-z]")
# HTTP header field names are RFC 7230 tokens (validation.IsHTTPHeaderName).
HTTP_HEADER_NAME = re.compile(r"[-A-Za-z0-9!#$%&'*+.^_`|~]+\Z")

MAX_LABEL = 63
MAX_SUBDOMAIN = 253
#: the largest value of an int32 field (replicas, probe timings, UIDs, ...): the API server cannot
#: decode a larger one
INT32_MAX = 2_147_483_647
#: a percentage as maxSurge/maxUnavailable take it (the 0..100 bound is checked by the callers)
PERCENT = re.compile(r"[0-9]+%\Z")


def remember_valid(rule: Rule, limit: int = 50_000) -> Rule:
    """``rule``, remembering the values it accepted: apps repeat the same labels, keys and images."""
    good: set[str] = set()

    def check(what: str, value: str) -> str | None:
        if value in good:
            return None
        error = rule(what, value)
        if error is None and len(good) < limit:
            good.add(value)
        return error

    return check


# -- rules: each returns the problem text, or None -----------------------------------------
def dns_label_error(what: str, value: str) -> str | None:
    if len(value) <= MAX_LABEL and DNS1123_LABEL.match(value):
        return None
    return (
        f"{what} {value!r} is not a valid DNS-1123 label: use at most 63 lower-case letters, digits "
        f"and '-', starting and ending with a letter or digit (e.g. {suggest_label(value)!r})"
    )


def dns1035_label_error(what: str, value: str) -> str | None:
    if len(value) <= MAX_LABEL and DNS1035_LABEL.match(value):
        return None
    suggestion = dns1035_suggestion(value)
    return (
        f"{what} {value!r} is not a valid DNS-1035 label: use at most 63 lower-case letters, digits "
        f"and '-', starting with a letter and ending with a letter or digit (e.g. {suggestion!r})"
    )


def dns_subdomain_error(what: str, value: str) -> str | None:
    if len(value) <= MAX_SUBDOMAIN and DNS1123_SUBDOMAIN.match(value):
        return None
    return (
        f"{what} {value!r} is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, "
        f"digits, '-' and '.', starting and ending with a letter or digit "
        f"(e.g. {suggest_label(value)!r})"
    )


def env_name_error(what: str, value: str) -> str | None:
    if ENV_NAME.match(value):
        return None
    suggestion = env_name_suggestion(value)
    return (
        f"{what} {value!r} is invalid: use letters, digits, '_', '-' and '.', not starting "
        f"with a digit (e.g. {suggestion!r})"
    )


def config_key_error(what: str, value: str) -> str | None:
    if len(value) <= MAX_SUBDOMAIN and CONFIG_KEY.match(value) and value != "." and value[:2] != "..":
        return None
    return (
        f"{what} {value!r} is not a valid ConfigMap/Secret key: use at most 253 letters, digits, "
        f"'-', '_' and '.' (and not '.', '..' or a name starting with '..')"
    )


def qualified_name_error(what: str, value: str) -> str | None:
    """Label and annotation keys: an optional DNS subdomain prefix and '/', then a name."""
    prefix, slash, name = value.rpartition("/")
    ok = bool(name) and len(name) <= MAX_LABEL and bool(QUALIFIED_NAME.match(name))
    if slash:
        ok = ok and len(prefix) <= MAX_SUBDOMAIN and bool(DNS1123_SUBDOMAIN.match(prefix))
    if ok:
        return None
    return (
        f"{what} {value!r} is invalid: use an optional DNS subdomain prefix and '/', then at most 63 "
        f"letters, digits, '-', '_' and '.', starting and ending with a letter or digit "
        f"(e.g. 'app.kubernetes.io/name')"
    )


def label_value_error(what: str, value: str) -> str | None:
    if len(value) <= MAX_LABEL and LABEL_VALUE.match(value):
        return None
    return (
        f"{what} has invalid value {value!r}: use at most 63 letters, digits, '-', '_' and "
        f"'.', starting and ending with a letter or digit, or an empty string"
    )


def port_name_error(what: str, value: str) -> str | None:
    if (
        len(value) <= 15
        and PORT_NAME.match(value)
        and _HAS_LETTER.search(value)
        and "--" not in value
        and value[0] != "-"
        and value[-1] != "-"
    ):
        return None
    return (
        f"{what} {value!r} is not a valid IANA service name: use at most 15 lower-case letters, "
        f"digits and '-', with at least one letter (e.g. 'http')"
    )


def http_header_name_error(what: str, value: str) -> str | None:
    if HTTP_HEADER_NAME.match(value):
        return None
    return (
        f"{what} {value!r} is not a valid HTTP header name: use letters, digits and "
        f"!#$%&'*+-.^_`|~, no spaces or ':' (e.g. 'X-Probe')"
    )


def relative_path_error(what: str, value: str, *, reserved: bool = False) -> str | None:
    """A path inside a volume: not absolute, no '..' element (and with ``reserved``, not
    starting with '..', which the kubelet uses for its own ``..data`` links)."""
    if (
        value
        and not value.startswith("/")
        and ".." not in value.split("/")
        and not (reserved and value.startswith(".."))
    ):
        return None
    if not value:
        return f"{what} is empty: use a relative path such as 'config.yaml'"
    suggestion = "/".join(p.lstrip(".") for p in value.split("/") if p.strip(".")) or "file"
    rule = "without a '..' element" + (" and not starting with '..'" if reserved else "")
    return f"{what} {value!r} must be a relative path {rule} (e.g. {suggestion!r})"


def sub_path_error(what: str, value: str) -> str | None:
    """``volumeMounts[].subPath``: relative, no '..' element (validateLocalDescendingPath)."""
    if not value.startswith("/") and ".." not in value.split("/"):
        return None
    suggestion = "/".join(p for p in value.split("/") if p and p != "..") or "data"
    return (
        f"{what} {value!r} must be a relative path inside the volume without a '..' element "
        f"(e.g. {suggestion!r})"
    )


def mount_path_error(what: str, value: str) -> str | None:
    """``volumeMounts[].mountPath``: an absolute path in the container."""
    if value.startswith("/") and value.isprintable():
        return None
    if not value.isprintable():
        # the API server would take it, but "/data\n" is a typo that mounts at a path nobody reads
        return f"{what} {value!r} has control characters (a trailing newline?): use {value.strip()!r}"
    if not value:
        return f"{what} is empty: set an absolute path such as '/data'"
    return f"{what} {value!r} must be an absolute path (e.g. '/{value}')"


def host_path_error(what: str, value: str) -> str | None:
    """``hostPath.path``: absolute, no '..' element (validatePathNoBacksteps)."""
    if value.startswith("/") and ".." not in value.split("/"):
        return None
    if not value.startswith("/"):
        return f"{what} {value!r} must be absolute (start with '/')"
    return f"{what} {value!r} must not contain a '..' element: write the resolved path"


# Image references as container runtimes parse them (github.com/distribution/reference).
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\Z")
_DOMAIN = re.compile(
    r"(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*"
    r"[a-zA-Z0-9]))*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?\Z"
)
_TAG = re.compile(r"[\w][\w.-]{0,127}\Z", re.ASCII)
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}\Z")


def _image_ref_error(what: str, value: str) -> str | None:
    reason = _image_reason(value)
    if reason is None:
        return None
    return f"{what} {value!r} is not a pullable image reference: {reason}"


#: An image reference a runtime can pull: ``[domain/]path[:tag][@digest]``.
image_ref_error = remember_valid(_image_ref_error, limit=10_000)


def _image_reason(value: str) -> str | None:
    if not value.strip():
        return "it is empty; use a reference such as 'nginx:1.27'"
    if any(c.isspace() for c in value):
        fixed = "".join(value.split())
        return f"it contains whitespace; remove it (e.g. {fixed!r})"
    rest, at, digest = value.partition("@")
    if at and not _DIGEST.match(digest):
        return "the digest after '@' must be 'algorithm:hex' (e.g. 'sha256:' and 64 hex digits)"
    name, tag = rest, ""
    colon = rest.rfind(":")
    if colon > rest.rfind("/"):
        name, tag = rest[:colon], rest[colon + 1 :]
        if not _TAG.match(tag):
            return (
                f"tag {tag!r} is invalid; use at most 128 letters, digits, '_', '.' and '-', "
                f"not starting with '.' or '-' (e.g. '1.27')"
            )
    if len(name) > 255:
        return "the repository name is longer than 255 characters"
    parts = name.split("/")
    first = parts[0]
    if len(parts) > 1 and ("." in first or ":" in first or first == "localhost"):
        if not _DOMAIN.match(first):
            return f"registry {first!r} is not a host name with an optional ':port'"
        parts = parts[1:]
    for part in parts:
        if not _PATH_COMPONENT.match(part):
            if part.lower() != part and all(_PATH_COMPONENT.match(p.lower()) for p in parts):
                fixed = "/".join(name.split("/")[: -len(parts)] + [p.lower() for p in parts])
                fixed += value[len(name) :]
                return f"the repository path must be lower-case (e.g. {fixed!r})"
            return (
                f"repository path component {part!r} must be lower-case letters and digits, "
                f"separated by '.', '_', '__' or '-' (e.g. 'library/nginx')"
            )
    return None


# Downward API field paths (validEnvDownwardAPIFieldPathExpressions and the volume set).
ENV_FIELD_PATHS = frozenset(
    (
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "spec.nodeName",
        "spec.serviceAccountName",
        "status.hostIP",
        "status.hostIPs",
        "status.podIP",
        "status.podIPs",
    )
)
VOLUME_FIELD_PATHS = frozenset(
    ("metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels", "metadata.annotations")
)
_SUBSCRIPT = re.compile(r"metadata\.(labels|annotations)\['(.*)'\]\Z", re.DOTALL)


def field_path_error(what: str, value: str, *, volume: bool) -> str | None:
    """A ``fieldRef.fieldPath`` the API server accepts, in an env var or a downwardAPI volume."""
    allowed = VOLUME_FIELD_PATHS if volume else ENV_FIELD_PATHS
    if value in allowed:
        return None
    m = _SUBSCRIPT.match(value)
    if m:
        key = m.group(2).lower() if m.group(1) == "annotations" else m.group(2)
        return qualified_name_error(f"{what} key", key)
    if value in ("metadata.labels", "metadata.annotations"):
        return (
            f"{what} {value!r} (every label/annotation) is only available in a downwardAPI volume: "
            f"for one key use FieldRef.label('KEY') / FieldRef.annotation('KEY')"
        )
    if volume and value in ENV_FIELD_PATHS:
        return (
            f"{what} {value!r} is only available as an env var (EnvValue.from_field); "
            f"volumes support metadata.* fields and resources"
        )
    return (
        f"{what} {value!r} is not a field path Kubernetes accepts: use a PodField "
        f"({', '.join(sorted(allowed))}) or FieldRef.label('KEY') / FieldRef.annotation('KEY')"
    )


RESOURCE_FIELD_PATHS = frozenset(
    f"{kind}.{name}" for kind in ("limits", "requests") for name in ("cpu", "memory", "ephemeral-storage")
)
_HUGEPAGES_FIELD = re.compile(r"(?:limits|requests)\.hugepages-[0-9]+[A-Za-z]*\Z")
_CPU_DIVISORS = ("1m", "1")
_BYTE_DIVISORS = ("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei")


def resource_field_error(what: str, value: str) -> str | None:
    if value in RESOURCE_FIELD_PATHS or _HUGEPAGES_FIELD.match(value):
        return None
    return (
        f"{what} {value!r} is not supported: use limits.cpu, limits.memory, limits.ephemeral-storage, "
        f"requests.cpu, requests.memory or requests.ephemeral-storage"
    )


def divisor_error(what: str, resource: str, divisor: object) -> str | None:
    """``resourceFieldRef.divisor`` (validateContainerResourceDivisor): compared by value."""
    if divisor is None or divisor == "0" or divisor == 0:
        return None  # unset: Kubernetes uses 1
    allowed = _CPU_DIVISORS if resource.endswith(".cpu") else _BYTE_DIVISORS
    value = quantity_value(str(divisor)) if isinstance(divisor, str | int) else None
    if value is not None and any(value == quantity_value(a) for a in allowed):
        return None
    return f"{what} {divisor!r} is not supported for {resource}: use {', '.join(repr(a) for a in allowed)}"


# -- raising checks (early, where the value arrives) ---------------------------------------


def suggest_label(name: str) -> str:
    s = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return s[:63].strip("-") or "my-name"


def dns1035_suggestion(name: str) -> str:
    suggestion = suggest_label(name)
    return ("x-" + suggestion)[:63].rstrip("-") if not suggestion[0].isalpha() else suggestion


def env_name_suggestion(name: str) -> str:
    return re.sub(r"[^-._a-zA-Z0-9]", "_", name.strip()).lstrip("0123456789") or "NAME"


def suggested_forms(value: str) -> set[str]:
    """Every fixed-up form of ``value`` a rule's message may suggest ("e.g. 'web-1'"): what hides
    a Secret value from a message must hide these too, since they are the value, reshaped."""
    return {suggest_label(value), dns1035_suggestion(value), env_name_suggestion(value)} - {value}


_IPC_SYSCTLS = ("kernel.sem",)
_IPC_SYSCTL_PREFIXES = ("kernel.shm", "kernel.msg", "fs.mqueue.")


def sysctl_host_conflict(name: str, *, host_network: bool, host_ipc: bool) -> str | None:
    """The host namespace a namespaced sysctl cannot be combined with (the API server rejects a
    ``net.*`` sysctl with ``hostNetwork`` and an IPC one with ``hostIPC``), or ``None``."""
    dotted = name.replace("/", ".")
    if host_network and dotted.startswith("net."):
        return "hostNetwork"
    if host_ipc and (dotted in _IPC_SYSCTLS or dotted.startswith(_IPC_SYSCTL_PREFIXES)):
        return "hostIPC"
    return None
