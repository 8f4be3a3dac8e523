"""``ExternalSecret``: a Secret the External Secrets Operator fills from a secret manager.

https://external-secrets.io/latest/api/externalsecret/. The manifest holds only *where* each
value comes from (a ``SecretStore`` / ``ClusterSecretStore`` and a remote key), never a value,
so it is safe in a GitOps repo and accepted by charts with ``forbid_inline_secrets=True``.
The operator creates the target Secret in the cluster and keeps it in sync.

Pods consume it exactly like a ``SecretEnv`` (``es.value("password")``, ``env_from``,
``Volume.from_secret(es)``): they reference the *target* Secret, and podkit checks the keys
they use against the keys declared here (``data`` keys, plus ``expected_keys`` for what a
``data_from`` extract brings in; with an extract and no ``expected_keys`` the keys are
unknown and not checked).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import constructs

from . import _checks
from ._data import KeyedSource
from ._resource import PodkitResource
from ._rules.batch import _duration_error  # Go's time.ParseDuration, as CronJob's @every uses it
from .errors import DuplicateError, PodkitError, PodkitTypeError, Problem
from .secret import SecretType, unmet_required_keys

if TYPE_CHECKING:
    from .chart import Chart

__all__ = ["CreationPolicy", "ExternalSecret", "Extract", "RemoteRef", "SecretStoreRef", "StoreKind"]

# time.ParseDuration's grammar (what the operator parses refreshInterval with): one or more
# number+unit pairs, or a bare "0". A sign is allowed by Go but meaningless for an interval.
_GO_DURATION = re.compile(r"(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)\Z")


class StoreKind(enum.Enum):
    """Which kind of store a ``SecretStoreRef`` names."""

    SECRET_STORE = "SecretStore"
    """A store in the ExternalSecret's own namespace."""
    CLUSTER_SECRET_STORE = "ClusterSecretStore"
    """A cluster-wide store."""


class CreationPolicy(enum.Enum):
    """What the operator does with the target Secret (``spec.target.creationPolicy``)."""

    OWNER = "Owner"
    """Create it and own it: deleted with the ExternalSecret (the operator's default)."""
    ORPHAN = "Orphan"
    """Create it, but leave it behind when the ExternalSecret is deleted."""
    MERGE = "Merge"
    """Merge the values into a Secret that must already exist."""
    NONE = "None"
    """Create and update nothing (only the ExternalSecret's status)."""


def _optional_str(where: str, what: str, value: object) -> str | None:
    if value is None:
        return None
    text = _checks.check_str(where, what, value)
    if not text:
        raise PodkitError(where, f"{what} is empty; leave it out (None) or give a value")
    return text


@dataclass(frozen=True)
class SecretStoreRef:
    """The ``SecretStore`` (default) or ``ClusterSecretStore`` the values come from.

    :param name: the store's name.
    :param kind: default ``StoreKind.SECRET_STORE`` (a store in the same namespace).
    """

    name: str
    kind: StoreKind = StoreKind.SECRET_STORE

    def __post_init__(self) -> None:
        where = f"SecretStoreRef {self.name!r}"
        _checks.dns_subdomain(where, "store name", self.name)
        if not isinstance(self.kind, StoreKind):
            known = " or ".join(f"StoreKind.{k.name}" for k in StoreKind)
            if isinstance(self.kind, str):
                raise PodkitError(
                    where,
                    f"unknown store kind {self.kind!r}; expected {known} (kinds: SecretStore, ClusterSecretStore)",
                )
            raise PodkitTypeError(where, f"kind must be a StoreKind ({known}), got {self.kind!r}")

    def render(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind.value}


@dataclass(frozen=True)
class RemoteRef:
    """Where one value lives in the secret manager (``remoteRef``).

    :param key: the secret's key (path or name) in the provider.
    :param property: one property of a structured (JSON) secret. Default: the whole value.
    :param version: a provider version. Default: the latest.
    """

    key: str
    property: str | None = None
    version: str | None = None

    def __post_init__(self) -> None:
        where = f"RemoteRef {self.key!r}"
        if not _checks.check_str(where, "remote key", self.key):
            raise PodkitError(
                where, "remote key is empty; give the key (path or name) of the secret in the provider"
            )
        _optional_str(where, "property", self.property)
        _optional_str(where, "version", self.version)

    def render(self) -> dict[str, str]:
        out = {"key": self.key}
        if self.property is not None:
            out["property"] = self.property
        if self.version is not None:
            out["version"] = self.version
        return out


@dataclass(frozen=True)
class Extract(RemoteRef):
    """Every property of one structured remote secret becomes a key (``dataFrom[].extract``).

    Which keys that gives is known only to the provider: declare them with
    ``ExternalSecret(expected_keys=[...])`` so consumers are checked.

    :param key: the secret's key (path or name) in the provider.
    :param property: one property of the structured secret, whose own properties become keys.
        Default: the whole secret.
    :param version: a provider version. Default: the latest.
    """


class ExternalSecret(KeyedSource, PodkitResource):
    """An ``external-secrets.io/v1`` ExternalSecret, consumed as the Secret it creates.

    :param store: the store the values come from.
    :param data: ``{secret_key: RemoteRef(...)}``: one key of the target Secret per remote value.
    :param data_from: extracts whose every property becomes a key.
    :param expected_keys: the keys ``data_from`` brings in, for consumer checks. Default:
        unknown, so a consumer's key is not checked when there is a ``data_from``.
    :param refresh_interval: a Go duration (``1h``, ``30m``, ``1h30m``; ``0`` never refreshes),
        at most what Go's int64 nanoseconds hold (``2562047h47m16.854775807s``). Default: left
        out, so the operator's default (``1h``) applies.
    :param target_name: name of the Secret the operator creates, which pods use. Default:
        the ExternalSecret's name.
    :param creation_policy: default: left out (the operator's ``Owner``).
    :param secret_type: ``spec.target.template.type``. Default: left out (``Opaque``). Keys each
        built-in type needs are checked against the declared keys.
    :param labels: labels of the ExternalSecret, added to the chart's (these win). Default: none.
    :param annotations: annotations of the ExternalSecret. Default: none.
    :param name: Kubernetes name. Default: ``id``.
    :param namespace: default: the chart's namespace, if any.
    """

    KIND = "ExternalSecret"
    API_VERSION = "external-secrets.io/v1"
    #: What consumers reference: the Secret the operator creates (see the lead's consumer hook).
    SOURCE_KIND: ClassVar[str] = "Secret"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        store: SecretStoreRef,
        data: Mapping[str, RemoteRef] | None = None,
        data_from: Sequence[Extract] | None = None,
        expected_keys: Sequence[str] | None = None,
        refresh_interval: str | None = None,
        target_name: str | None = None,
        creation_policy: CreationPolicy | None = None,
        secret_type: SecretType | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        if not isinstance(store, SecretStoreRef):
            raise PodkitTypeError(self.path, f"store must be a SecretStoreRef(name, kind=...), got {store!r}")
        self.store = store
        self.refresh_interval = _refresh_interval(self.path, refresh_interval)
        self._target_name = (
            _checks.dns_subdomain(self.path, "target Secret name", target_name)
            if target_name is not None
            else None
        )
        if creation_policy is not None and not isinstance(creation_policy, CreationPolicy):
            raise PodkitTypeError(
                self.path,
                f"creation_policy must be a CreationPolicy (e.g. CreationPolicy.OWNER), got {creation_policy!r}",
            )
        self.creation_policy = creation_policy
        if secret_type is not None and not isinstance(secret_type, SecretType):
            raise PodkitTypeError(
                self.path, f"secret_type must be a SecretType (e.g. SecretType.TLS), got {secret_type!r}"
            )
        self.secret_type = secret_type
        self._data: dict[str, RemoteRef] = {}
        self._data_from: list[Extract] = []
        self._expected: set[str] = set()
        if data is not None and not isinstance(data, Mapping):
            raise PodkitTypeError(
                self.path, f"data must be a mapping {{secret_key: RemoteRef(...)}}, got {data!r}"
            )
        for key, ref in (data or {}).items():
            self.add_data(key, ref)
        if isinstance(data_from, Extract):
            raise PodkitTypeError(
                self.path, f"data_from takes a list of Extract, got a single one: write [{data_from!r}]"
            )
        for extract in data_from or ():
            self.add_data_from(extract)
        if isinstance(expected_keys, str):
            raise PodkitTypeError(
                self.path,
                f"expected_keys takes a list of keys, got {expected_keys!r}: write [{expected_keys!r}]",
            )
        if expected_keys is not None and not _checks.is_list(expected_keys):
            _checks.fail_type(self.path, "expected_keys", expected_keys, "a list of keys")
        for key in expected_keys or ():
            self.add_expected_key(key)

    # -- building --------------------------------------------------------------------------
    def add_data(self, secret_key: str, ref: RemoteRef) -> None:
        """Key ``secret_key`` of the target Secret takes the remote value ``ref``. A key added twice raises."""
        key = _checks.config_key(self.path, secret_key, what="secret key")
        if not isinstance(ref, RemoteRef) or isinstance(ref, Extract):
            raise PodkitTypeError(
                self.path, f"data[{key!r}] must be a RemoteRef(key, property=..., version=...), got {ref!r}"
            )
        if key in self._data:
            raise DuplicateError(
                self.path,
                f"secret key {key!r} is already in this ExternalSecret; each key comes from one remote value",
            )
        self._data[key] = ref

    def add_data_from(self, extract: Extract) -> None:
        """Every property of the remote secret ``extract`` becomes a key; declare them with ``add_expected_key``."""
        if not isinstance(extract, Extract):
            raise PodkitTypeError(self.path, f"data_from entries must be Extract(key, ...), got {extract!r}")
        self._data_from.append(extract)

    def add_expected_key(self, key: str) -> None:
        """A key a ``data_from`` extract is expected to bring in (checked against consumers)."""
        self._expected.add(_checks.config_key(self.path, key, what="expected key"))

    # -- as a keyed source -----------------------------------------------------------------
    @property
    def name(self) -> str:
        """The target Secret's name: what pods reference."""
        return self._target_name if self._target_name is not None else self._name

    @property
    def owning_chart(self) -> Chart | None:
        return self._chart

    def keys(self) -> list[str]:
        """The declared keys (``data`` and ``expected_keys``), sorted."""
        return sorted(set(self._data) | self._expected)

    def known_keys(self) -> set[str] | None:
        if self._data_from and not self._expected:
            return None
        return set(self._data) | self._expected

    def __repr__(self) -> str:
        return (
            f"<ExternalSecret {self.path} store={self.store.kind.value}/{self.store.name} keys={self.keys()}>"
        )

    # -- synth -----------------------------------------------------------------------------
    def _check(self, problems: list[Problem]) -> None:
        if not self._data and not self._data_from:
            problems.append(
                self._problem(
                    "ExternalSecret has no data and no data_from, so its Secret would be empty",
                    "add data={'key': RemoteRef('remote-key')} or data_from=[Extract('remote-key')]",
                    "source",
                )
            )
        keys = self.known_keys()
        if self.secret_type is not None and keys is not None:
            want = unmet_required_keys(self.secret_type, keys)
            if want is not None:
                problems.append(
                    self._problem(
                        f"a {self.secret_type.value} Secret needs key {want}; this ExternalSecret declares "
                        f"{', '.join(sorted(keys)) or 'no keys'}",
                        "add the key to data, or to expected_keys if a data_from extract brings it",
                        "source",
                    )
                )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        target: dict[str, Any] = {"name": self.name}
        if self.creation_policy is not None:
            target["creationPolicy"] = self.creation_policy.value
        if self.secret_type is not None:
            target["template"] = {"type": self.secret_type.value}
        spec: dict[str, Any] = {"secretStoreRef": self.store.render(), "target": target}
        if self.refresh_interval is not None:
            spec["refreshInterval"] = self.refresh_interval
        if self._data:
            spec["data"] = [{"secretKey": k, "remoteRef": ref.render()} for k, ref in self._data.items()]
        if self._data_from:
            spec["dataFrom"] = [{"extract": e.render()} for e in self._data_from]
        return {"spec": spec}


def _refresh_interval(path: str, value: object) -> str | None:
    if value is None:
        return None
    text = _checks.check_str(path, "refresh_interval", value)
    if not _GO_DURATION.match(text):
        hint = ""
        days = re.fullmatch(r"(\d+)d", text)
        if days:
            hint = f" Did you mean '{int(days.group(1)) * 24}h'? Go durations have no day unit."
        raise PodkitError(
            path,
            f"refresh_interval {text!r} is not a Go duration; expected a number and unit, one pair or more "
            f"(units h, m, s, ms, us, ns), e.g. '1h', '30m', '1h30m', or '0' to never refresh.{hint}",
        )
    if _duration_error(text) is not None:  # the grammar matched, so it can only overflow
        raise PodkitError(
            path,
            f"refresh_interval {text!r} is longer than a Go duration can hold (int64 nanoseconds, at most "
            f"'2562047h47m16.854775807s', about 292 years), so the operator cannot parse it; use a shorter "
            f"interval, or '0' to never refresh",
        )
    return text
