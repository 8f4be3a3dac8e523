"""``ConfigFromMap``: a ConfigMap built like ``kubectl create configmap``, and references.

A ConfigMap keeps settings apart from the pod, so one image runs with different settings
per phase (dev/prod endpoints). Pods consume it three ways, connected by object rather
than by name string:

* one key as an env var: ``container.add_env("API_URL", config.value("api_url"))``;
* every key as env vars: ``Container(env_from=[config])`` (``EnvFrom(config, prefix="APP_")``);
* files: ``pod.mount(Volume.from_config_map(config), at="/etc/app")``.

Content-hash names (``content_hash=True``) append a hash of the data to the name, as
kustomize's generators do, and every reference follows. They are *off* by default: a bare
Pod cannot roll to a new ConfigMap anyway (its spec is immutable), and a predictable name
is what ``kubectl get configmap NAME`` and consumers outside this app expect. Turn them on
when the consumers are controllers (Deployments) that should roll when config changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import constructs

from . import _checks
from ._data import KeyedData, KeyedSource, PathLike, b64, decode_text
from ._kplus import NodeOnDemand
from .errors import MissingReferenceError, Problem

__all__ = ["ConfigFromMap", "ConfigMapRef"]


class ConfigFromMap(KeyedData):
    """A ConfigMap.

    :param from_literal: ``{key: value}``, like ``--from-literal=key=value``.
    :param from_file: paths, ``"key=path"`` strings or directories, like ``--from-file``.
        Relative paths resolve against the directory of the file that calls this (not the
        working directory), so ``cdk8s synth`` works from anywhere.
    :param from_env_file: env files, like ``--from-env-file``.
    :param data: plain ``{key: value}`` as in a YAML ``data:`` block.
    :param immutable: mark the ConfigMap immutable (``immutable: true``). Default: false.
    :param content_hash: append a hash of the content to the name. Default: false (see module docs).
    :param labels: labels of the ConfigMap.
    :param name: Kubernetes name. Default: ``id``.

    Values are added in kubectl's order: files, literals, env files, then ``data``. A key
    given twice, across any sources, is an error.

    :param annotations: annotations of the ConfigMap. Default: none.
    :param namespace: default: the chart's namespace, if any.
    """

    KIND = "ConfigMap"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        from_literal: Mapping[str, str] | None = None,
        from_file: Sequence[PathLike] | None = None,
        from_env_file: Sequence[PathLike] | None = None,
        data: Mapping[str, str] | None = None,
        immutable: bool = False,
        content_hash: bool = False,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        self.immutable = _checks.check_bool(self.path, "immutable", immutable)
        self.content_hash = _checks.check_bool(self.path, "content_hash", content_hash)
        self._load(from_file=from_file, from_literal=from_literal, from_env_file=from_env_file)
        for k, v in _checks.check_str_map(self.path, "data", data or {}).items():
            self._store.add_literal(k, v, "data")

    def _hash_inputs(self) -> dict[str, Any]:
        return {"immutable": self.immutable}

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        data: dict[str, str] = {}
        binary: dict[str, str] = {}
        for key, value in self._store.resolved(problems).items():
            text = decode_text(value)
            if text is None:
                binary[key] = b64(value)
            else:
                data[key] = text
        return {
            "data": data or None,
            "binaryData": binary or None,
            "immutable": True if self.immutable else None,
        }

    # -- references ----------------------------------------------------------------------
    @staticmethod
    def from_name(name: str, *, keys: Sequence[str] | None = None) -> ConfigMapRef:
        """A ConfigMap that exists in the cluster but not in this app (managed elsewhere).

        :param keys: the keys it is known to have; when given, using any other key is an
            error right away. Default: unknown, nothing is checked.
        """
        return ConfigMapRef(name, keys=keys)


class ConfigMapRef(NodeOnDemand, KeyedSource):
    """A ConfigMap by name, not written by this app. Create with ``ConfigFromMap.from_name``.

    Handed to cdk8s-plus, it is its ``IConfigMap`` (see ``_kplus.py``).

    :param name: the ConfigMap's name in the cluster.
    :param keys: the keys it is known to have; when given, using any other key is an error
        right away. Default: unknown, nothing is checked.
    """

    KIND = "ConfigMap"

    def __init__(self, name: str, *, keys: Sequence[str] | None = None) -> None:
        self._ref_name = _checks.dns_subdomain(f"{self.KIND} {name!r}", f"{self.KIND} name", name)
        if keys is not None and not _checks.is_list(keys):
            _checks.fail_type(f"{self.KIND} {name!r}", "keys", keys, "a list of keys, e.g. keys=['password']")
        self._keys = None if keys is None else {_checks.config_key(name, k) for k in keys}

    @property
    def name(self) -> str:
        return self._ref_name

    @property
    def path(self) -> str:
        return self._ref_name

    def known_keys(self) -> set[str] | None:
        return None if self._keys is None else set(self._keys)

    def _note_keys(self, keys: Sequence[str]) -> None:
        for key in keys:
            problem = self._missing_key_problem(key, f"{self.KIND} {self.name}")
            if problem:
                raise MissingReferenceError(self.name, f"{problem.message}; {problem.fix}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
