"""``SecretEnv``: a Secret built like ``kubectl create secret generic``, and references.

A Secret is a ConfigMap for sensitive values (passwords, tokens, keys); on the node it is
kept in tmpfs (memory), never on disk. In the manifest its values are **base64-encoded,
which is not encryption**: anyone who can read the YAML (or ``dist/`` in git) can decode
them with ``base64 -d``. For a GitOps repo, keep values out of ``dist/``: create the Secret
in the cluster (External Secrets, Sealed Secrets, ``kubectl create secret``) and consume it
with ``SecretEnv.from_name(...)``; ``Chart(forbid_inline_secrets=True)`` enforces that.

podkit encodes values itself (``data``, as kubectl does), or writes them as plain
``stringData`` for the API server to encode (``string_data=True``); never hand-encode.
Values never appear in podkit's error messages, logs or ``repr()``.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import constructs

from . import _checks
from ._data import KeyedData, PathLike, b64, caller_dir, decode_text
from ._resource import mapping_arg
from ._rules.core import secret as _secret_rules
from .chart import construct_path
from .config_map import ConfigMapRef
from .errors import PodkitError, PodkitException, PodkitTypeError, Problem

__all__ = ["PULL_SECRET_TYPES", "SecretEnv", "SecretRef", "SecretType", "unmet_required_keys"]

#: kubectl's default registry for ``create secret docker-registry`` (equal to
#: ``_secret_types.DOCKER_HUB_SERVER``; not imported from there because that module loads
#: ``cryptography``, which only the tls/docker factories need)
DOCKER_HUB_SERVER = "https://index.docker.io/v1/"


class SecretType(enum.Enum):
    """Built-in Secret types (https://kubernetes.io/docs/concepts/configuration/secret/#secret-types)."""

    OPAQUE = "Opaque"
    BASIC_AUTH = "kubernetes.io/basic-auth"
    SSH_AUTH = "kubernetes.io/ssh-auth"
    TLS = "kubernetes.io/tls"
    DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson"
    DOCKER_CFG = "kubernetes.io/dockercfg"
    SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token"
    BOOTSTRAP_TOKEN = "bootstrap.kubernetes.io/token"


#: the Secret types the kubelet reads registry credentials from (``imagePullSecrets``)
PULL_SECRET_TYPES = (SecretType.DOCKER_CONFIG_JSON, SecretType.DOCKER_CFG)


_SA_ANNOTATION = "kubernetes.io/service-account.name"


def unmet_required_keys(secret_type: SecretType, keys: Collection[str]) -> str | None:
    """The keys a ``secret_type`` Secret needs, as a phrase (``"tls.crt and tls.key"``,
    ``"username or password"``), when ``keys`` lack them; ``None`` when they are there or the
    type needs none. SecretEnv, SealedSecret and ExternalSecret check their keys with it: the
    API server's table (``_rules.core.secret``), asked at the call.
    """
    return _secret_rules.unmet_required_keys(secret_type.value, keys)


class SecretEnv(KeyedData):
    """A Secret.

    :param from_literal: ``{key: value}``, like ``--from-literal``.
    :param from_file: paths, ``"key=path"`` or directories, like ``--from-file`` (relative to
        the calling file's directory). Binary files are fine.
    :param from_env_file: env files, like ``--from-env-file``.
    :param from_environment: ``{key: ENV_VAR}``: the value is read from the process
        environment at synth, so it never sits in source code. An unset variable fails synth,
        naming it.
    :param type: default ``SecretType.OPAQUE``. Keys each built-in type needs are checked.
    :param string_data: write values as plain ``stringData`` instead of base64 ``data``.
        Default: false (``data``, as kubectl does). Binary values need ``data``.
    :param immutable: default: false.
    :param content_hash: append a hash of the content to the name. Default: false.
    :param labels: labels of the Secret, added to the chart's (these win). Default: none.
    :param annotations: annotations of the Secret. Default: none.
    :param namespace: default: the chart's namespace, if any.
    """

    KIND = "Secret"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        from_literal: Mapping[str, str] | None = None,
        from_file: Sequence[PathLike] | None = None,
        from_env_file: Sequence[PathLike] | None = None,
        from_environment: Mapping[str, str] | None = None,
        type: SecretType = SecretType.OPAQUE,
        string_data: bool = False,
        immutable: bool = False,
        content_hash: bool = False,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        if not isinstance(type, SecretType):
            raise PodkitTypeError(self.path, f"type must be a SecretType (e.g. SecretType.TLS), got {type!r}")
        self.type = type
        self.string_data = _checks.check_bool(self.path, "string_data", string_data)
        self.immutable = _checks.check_bool(self.path, "immutable", immutable)
        self.content_hash = _checks.check_bool(self.path, "content_hash", content_hash)
        self._load(from_file=from_file, from_literal=from_literal, from_env_file=from_env_file)
        for k, var in mapping_arg(self.path, "from_environment", from_environment).items():
            self._store.add_from_environment(k, var)

    def add_from_environment(self, key: str, variable: str) -> None:
        """Key ``key`` takes the value of environment variable ``variable`` at synth."""
        self._store.add_from_environment(key, variable)

    # a typed Secret (docker_registry) whose values come from the environment at synth:
    # (key it builds, {argument: value given}, {argument: environment variable})
    _typed_from_environment: tuple[str, dict[str, str | None], dict[str, str]] | None = None

    def _hash_inputs(self) -> dict[str, Any]:
        inputs: dict[str, Any] = {"type": self.type.value, "immutable": self.immutable}
        if self._typed_from_environment is not None:
            import hashlib

            built = self._typed_values([])
            inputs["typed"] = {k: hashlib.sha256(v).hexdigest() for k, v in built.items()}
        return inputs

    def _typed_values(self, problems: list[Problem]) -> dict[str, bytes]:
        """The values a typed factory builds from the environment, read now (at synth). An unset
        variable is a problem naming it (never a value); so is a value the type refuses."""
        from ._secret_types import docker_registry_data

        if self._typed_from_environment is None:
            return {}
        key, given, variables = self._typed_from_environment
        fields = dict(given)
        missing = []
        for argument, variable in variables.items():
            value = os.environ.get(variable)
            if value is None:
                missing.append(f"{argument} ({variable})")
            fields[argument] = value
        if missing:
            problems.append(
                self._problem(
                    f"key {key!r} is built from environment variable(s) that are not set: {', '.join(missing)}",
                    "export them before synth (tests: monkeypatch.setenv with a stand-in value)",
                    "source",
                )
            )
            return {}
        try:
            _, data = docker_registry_data(
                self._path,
                server=fields["server"] or "",
                username=fields["username"],
                password=fields["password"],
                email=fields["email"],
                config_file=None,
            )
        except PodkitException as e:
            problems.append(self._problem(e.detail, rule="source"))
            return {}
        return data

    def __repr__(self) -> str:
        # never the values
        return f"<SecretEnv {self.path} type={self.type.value} keys={self.keys()}>"

    # -- synth -----------------------------------------------------------------------------
    def _check(self, problems: list[Problem]) -> None:
        keys = self._store.keys()
        chart = self._chart
        if chart is not None and chart.forbid_inline_secrets and keys:
            problems.append(
                self._problem(
                    f"Secret {self._name!r} would write values (keys: {', '.join(sorted(keys))}) to "
                    f"the manifests, but chart {chart.node.id!r} forbids inline secrets (forbid_inline_secrets=True)",
                    f"seal it (seal=...), or create it in the cluster and use "
                    f"SecretEnv.from_name({self._name!r}, keys=[...]) instead",
                    "secret-guard",
                )
            )
        want = unmet_required_keys(self.type, keys)
        if want is not None:
            problems.append(
                self._problem(
                    f"a {self.type.value} Secret needs key {want}; it has {', '.join(sorted(keys)) or 'no keys'}",
                    f"add {want}",
                )
            )
        if self.type is SecretType.SERVICE_ACCOUNT_TOKEN and _SA_ANNOTATION not in self._annotations:
            problems.append(
                self._problem(
                    f"a {self.type.value} Secret needs the annotation {_SA_ANNOTATION!r} naming its service account",
                    f"add annotations={{{_SA_ANNOTATION!r}: 'my-sa'}}",
                )
            )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        values = self._store.resolved(problems)
        if self._typed_from_environment is not None:
            values = dict(sorted({**values, **self._typed_values(problems)}.items()))
        body: dict[str, Any] = {"type": self.type.value, "immutable": True if self.immutable else None}
        if self.string_data:
            text: dict[str, str] = {}
            for key, value in values.items():
                decoded = decode_text(value)
                if decoded is None:
                    problems.append(
                        self._problem(
                            f"key {key!r} is binary, which stringData cannot hold",
                            "use string_data=False (base64 data)",
                            "source",
                        )
                    )
                else:
                    text[key] = decoded
            body["stringData"] = text or None
        else:
            body["data"] = {key: b64(value) for key, value in values.items()} or None
        return body

    # -- typed factories (kubectl create secret tls | docker-registry) ------------------------
    @classmethod
    def tls(
        cls,
        scope: constructs.Construct,
        id: str,
        *,
        cert_file: PathLike,
        key_file: PathLike,
        immutable: bool = False,
        content_hash: bool = False,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> SecretEnv:
        """A ``kubernetes.io/tls`` Secret, exactly as ``kubectl create secret tls --cert --key``.

        Both files are stored verbatim once kubectl's checks pass (PEM data present, key
        type supported, the key matches the certificate); relative paths resolve against
        the calling file's directory. A bad input raises here, before the Secret exists.
        """
        from ._secret_types import tls_data

        base = caller_dir()
        where = construct_path(scope, id)
        data = tls_data(
            where, base / _fs(where, "cert_file", cert_file), base / _fs(where, "key_file", key_file)
        )
        secret = cls(
            scope, id, type=SecretType.TLS, immutable=immutable, content_hash=content_hash,
            labels=labels, annotations=annotations, name=name, namespace=namespace,
        )  # fmt: skip
        secret._store.values.update(data)
        return secret

    @classmethod
    def docker_registry(
        cls,
        scope: constructs.Construct,
        id: str,
        *,
        server: str = DOCKER_HUB_SERVER,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        config_file: PathLike | None = None,
        from_environment: Mapping[str, str] | None = None,
        immutable: bool = False,
        content_hash: bool = False,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> SecretEnv:
        """A ``kubernetes.io/dockerconfigjson`` Secret, as ``kubectl create secret docker-registry``.

        Either ``username``/``password`` (and ``server``, ``email``): the same JSON bytes and
        ``auth`` field as kubectl; or ``config_file`` (a Docker ``config.json``), stored as is
        like ``--from-file=.dockerconfigjson=PATH``. Use it with
        ``ServiceAccount(image_pull_secrets=[...])``.

        :param from_environment: ``{argument: ENV_VAR}`` for ``server``, ``username``,
            ``password`` or ``email``: read from the environment at synth, like
            ``SecretEnv(from_environment=...)``, so the password never sits in source code and
            building the app (tests, ``podkit diff`` of other charts) does not need it. An unset
            variable fails synth, naming the variable, never a value::

                SecretEnv.docker_registry(chart, "pull", server="ghcr.io", username="ci",
                                          from_environment={"password": "REGISTRY_PASSWORD"})
        """
        from ._secret_types import docker_registry_data

        where = construct_path(scope, id)
        variables = {
            str(k): _checks.check_str(where, "environment variable name", v)
            for k, v in mapping_arg(where, "from_environment", from_environment).items()
        }
        if variables:
            allowed = ("server", "username", "password", "email")
            given: dict[str, str | None] = {
                "server": server, "username": username, "password": password, "email": email
            }  # fmt: skip
            unknown = sorted(set(variables) - set(allowed))
            twice = sorted(k for k in variables if k in allowed and given[k] not in (None, DOCKER_HUB_SERVER))
            if unknown or twice or config_file is not None:
                what = (
                    f"from_environment names {', '.join(map(repr, unknown))}; expected some of {', '.join(allowed)}"
                    if unknown
                    else "from_environment is given together with config_file; pass one of them"
                    if config_file is not None
                    else f"{', '.join(twice)} given both as an argument and in from_environment; pass each once"
                )
                raise PodkitError(where, f"docker registry {what}")
            secret = cls(
                scope, id, type=SecretType.DOCKER_CONFIG_JSON, immutable=immutable, content_hash=content_hash,
                labels=labels, annotations=annotations, name=name, namespace=namespace,
            )  # fmt: skip
            secret._store.declare(".dockerconfigjson", "docker_registry(from_environment=...)")
            secret._typed_from_environment = (".dockerconfigjson", given, variables)
            return secret
        file = None if config_file is None else caller_dir() / _fs(where, "config_file", config_file)
        type_value, data = docker_registry_data(
            where, server=server, username=username, password=password, email=email, config_file=file
        )
        secret = cls(
            scope, id, type=SecretType(type_value), immutable=immutable, content_hash=content_hash,
            labels=labels, annotations=annotations, name=name, namespace=namespace,
        )  # fmt: skip
        secret._store.values.update(data)
        return secret

    # -- references ----------------------------------------------------------------------
    @staticmethod
    def from_name(name: str, *, keys: Sequence[str] | None = None) -> SecretRef:
        """A Secret that exists only in the cluster (External Secrets, Sealed Secrets, by hand).

        :param keys: the keys it is expected to have; using another key is an error at once.
        """
        return SecretRef(name, keys=keys)


def _fs(path: str, what: str, value: object) -> str:
    if not isinstance(value, str | os.PathLike):
        raise PodkitTypeError(path, f"{what} must be a path (str or os.PathLike), got {type(value).__name__}")
    return os.fspath(value)


class SecretRef(ConfigMapRef):
    """A Secret by name, not written by this app. Create with ``SecretEnv.from_name``.

    :param name: the Secret's name in the cluster.
    :param keys: the keys it is known to have; when given, using any other key is an error
        right away. Default: unknown, nothing is checked.
    """

    KIND = "Secret"
