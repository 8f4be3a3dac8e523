"""``SealedSecret``: a Secret you can commit, from the same sources as ``SecretEnv``.

The flow (see README, "Secrets in GitOps repos"):

1. Declare it like a ``SecretEnv`` (literals, files, env files, environment variables), plus
   ``sealing=Sealing(cert=..., store=...)``.
2. Whoever holds the plaintext runs ``podkit seal``: each value is encrypted with the
   sealed-secrets controller's public certificate (``_sealing.py``) into the *store*, a
   committed YAML file. A value is re-sealed only when its source changed (a salted scrypt
   fingerprint tells, without revealing it), when the certificate changed, or with ``--force``.
3. Synth reads only the store: no plaintext, no certificate, and byte-identical output, so CI
   can synthesize and check ``dist/`` without any secret. It writes a ``bitnami.com/v1alpha1``
   ``SealedSecret``; the controller in the cluster makes the Secret from it.

Pods consume it exactly like a ``SecretEnv`` (env, envFrom, volume): they read the Secret it
becomes, and their keys are checked against the keys declared here and sealed in the store.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import constructs

from . import _sealing
from ._data import DataStore, KeyedSource, PathLike, _parse_file_source, caller_dir, file_sources
from ._sealing import DEFAULT_STORE_NAME, SealingScope, SealRequest
from .errors import PodkitError, PodkitTypeError, Problem, SealingError
from .secret import SecretEnv, SecretType, unmet_required_keys

__all__ = ["SealedSecret", "Sealing", "SealingScope", "seal_app", "synth_hook"]


@dataclass(frozen=True)
class Sealing:
    """How a ``SealedSecret`` is sealed, and where its sealed values are kept.

    :param store: the committed file of sealed values, relative to the file that declares the
        Secret. Default: ``sealed-secrets.yaml``.
    :param cert: the controller's public certificate (PEM, ``kubeseal --fetch-cert``), used
        only by ``podkit seal``; relative to the declaring file, like ``store``. Default: none
        (``podkit seal --cert`` must then name it).
    :param scope: where the value may be unsealed. Default: ``SealingScope.STRICT`` (only as a
        Secret of this name in this namespace, the controller's default).
    """

    store: PathLike = DEFAULT_STORE_NAME
    cert: PathLike | None = None
    scope: SealingScope = SealingScope.STRICT

    def __post_init__(self) -> None:
        if not isinstance(self.store, str | os.PathLike):
            raise PodkitTypeError("", f"Sealing store must be a path, got {type(self.store).__name__}")
        if self.cert is not None and not isinstance(self.cert, str | os.PathLike):
            raise PodkitTypeError("", f"Sealing cert must be a path, got {type(self.cert).__name__}")
        if not isinstance(self.scope, SealingScope):
            member = next((m for m in SealingScope if m.value == self.scope), None)
            hint = f" (use SealingScope.{member.name})" if member else ""
            raise PodkitTypeError("", f"Sealing scope must be a SealingScope, got {self.scope!r}{hint}")


class SealedSecret(SecretEnv):
    """A Secret written as a Sealed Secrets ``SealedSecret`` (see module docs).

    Takes ``SecretEnv``'s sources and ``type``/``immutable``/labels; they are read only by
    ``podkit seal``. ``content_hash`` and ``string_data`` do not apply (the values are sealed).

    :param sealing: the store, certificate and scope.
    :param from_literal: ``{key: value}``, like ``--from-literal``.
    :param from_file: paths, ``"key=path"`` or directories, like ``--from-file`` (relative to
        the calling file's directory).
    :param from_env_file: env files, like ``--from-env-file``.
    :param from_environment: ``{key: ENV_VAR}``: the value is read from the environment of
        ``podkit seal``. The four sources are read only by ``podkit seal``, never at synth.
    :param type: default ``SecretType.OPAQUE``. Keys each built-in type needs are checked.
    :param immutable: default: false.
    :param labels: labels of the SealedSecret, added to the chart's (these win). Default: none.
    :param annotations: annotations of the SealedSecret. Default: none.
    :param name: name of the SealedSecret and of the Secret it becomes. Default: ``id``.
    :param namespace: default: the chart's namespace, if any (a strict or namespace-wide sealing
        needs one: the value is sealed for it).
    """

    KIND = "SealedSecret"
    API_VERSION = _sealing.API_VERSION
    SOURCE_KIND = "Secret"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        sealing: Sealing,
        from_literal: Mapping[str, str] | None = None,
        from_file: Sequence[PathLike] | None = None,
        from_env_file: Sequence[PathLike] | None = None,
        from_environment: Mapping[str, str] | None = None,
        type: SecretType = SecretType.OPAQUE,
        immutable: bool = False,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        if not isinstance(sealing, Sealing):
            raise PodkitTypeError("", f"sealing must be a Sealing(...), got {sealing.__class__.__name__}")
        self._sealing = sealing
        self._base = caller_dir()
        super().__init__(
            scope,
            id,
            from_literal=from_literal,
            from_file=from_file,
            from_env_file=from_env_file,
            from_environment=from_environment,
            type=type,
            immutable=immutable,
            labels=labels,
            annotations=annotations,
            name=name,
            namespace=namespace,
        )
        self._store_path = Path(self._base, sealing.store)
        # the store as last read, with the file's (mtime, size) then: re-read when it changes
        # (podkit seal may rewrite it in this very process, after keys were looked up)
        self._loaded_store: tuple[tuple[int, int] | None, _sealing.SealedStore] | None = None

    # SecretEnv's typed factories read the files now and would keep plaintext for synth; a
    # sealed Secret declares the same keys from files that only `podkit seal` reads.
    @classmethod
    def tls(cls, scope: constructs.Construct, id: str, **_: Any) -> SecretEnv:
        raise PodkitError(
            f"{id}",
            "SealedSecret.tls is not available: declare the files, which only `podkit seal` reads: "
            "SealedSecret(scope, id, sealing=..., type=SecretType.TLS, "
            "from_file=['tls.crt=path/to/cert.pem', 'tls.key=path/to/key.pem'])",
        )

    @classmethod
    def docker_registry(cls, scope: constructs.Construct, id: str, **_: Any) -> SecretEnv:
        raise PodkitError(
            f"{id}",
            "SealedSecret.docker_registry is not available: declare the Docker config file, which only "
            "`podkit seal` reads: SealedSecret(scope, id, sealing=..., type=SecretType.DOCKER_CONFIG_JSON, "
            "from_file=['.dockerconfigjson=path/to/config.json'])",
        )

    @property
    def sealing(self) -> Sealing:
        return self._sealing

    # -- sources: recorded now, read only by `podkit seal` ------------------------------------
    def _load(
        self,
        *,
        from_file: Sequence[PathLike] | None,
        from_literal: Mapping[str, str] | None,
        from_env_file: Sequence[PathLike] | None,
    ) -> None:
        # The DataStore holds the literals and environment variables, and declares the keys of
        # 'key=path' files without reading them; files are read by _plaintext() (podkit seal) only.
        self._store = DataStore(self.path, "Secret")
        files = file_sources(from_file, self.path, "from_file")
        self._files: list[PathLike] = []
        self._env_files = file_sources(from_env_file, self.path, "from_env_file")
        if from_literal is not None and not isinstance(from_literal, Mapping):
            raise PodkitTypeError(
                self.path, f"from_literal must be a mapping, got {type(from_literal).__name__}"
            )
        for key, value in (from_literal or {}).items():
            self._store.add_literal(key, value)  # validates key and type, never shows the value
        for source in files:
            self.add_file(source)

    def add_file(self, source: PathLike) -> None:
        file_key, _ = _parse_file_source(self.path, source)
        if file_key is not None:
            self._store.declare(file_key, f"file {str(source)!r}")
        self._files.append(source)

    def add_env_file(self, source: PathLike) -> None:
        self._env_files.append(source)

    def _plaintext(self) -> _sealing.Plaintexts:
        """Read every source now (``podkit seal``), exactly as ``SecretEnv`` would.

        The values come back as :class:`~podkit._sealing.Plaintexts` (whose ``repr`` shows keys
        only), and the error, if any, is raised from a frame that holds no plaintext, so neither
        a message nor a traceback (not even one that shows local variables) shows a value.
        """
        problems: list[Problem] = []
        values = self._read_sources(problems)
        if problems:
            raise SealingError(self.path, "; ".join(str(p) for p in problems))
        return values

    def _read_sources(self, problems: list[Problem]) -> _sealing.Plaintexts:
        store = DataStore(self.path, "Secret")
        # a SealedSecret's store holds only its literals (its files are read here, not there)
        store.load(
            self._base,
            from_file=self._files,
            # (hidden: a traceback through DataStore.load shows its arguments)
            from_literal=_sealing.Hidden(cast("dict[str, str]", self._store.values)),
            from_env_file=self._env_files,
        )
        for key, variable in self._store.deferred.items():
            store.add_from_environment(key, variable)
        return _sealing.Plaintexts(
            {k: v if isinstance(v, bytes) else v.encode("utf-8") for k, v in store.resolved(problems).items()}
        )

    def _namespace_for_sealing(self) -> str | None:
        return self._namespace or self._chart_defaults()[1]

    def sealing_request(self) -> SealRequest:
        """What ``podkit seal`` seals for this Secret (reads the plaintext; ``repr`` shows keys only)."""
        return SealRequest(
            self._namespace_for_sealing(),
            self._name,
            self._sealing.scope,
            self._plaintext(),
            type=self.type.value,
            path=self.path,
        )

    @property
    def store_path(self) -> Path:
        return self._store_path

    @property
    def cert_path(self) -> Path | None:
        """The certificate, resolved like the store (against the declaring file's folder)."""
        return None if self._sealing.cert is None else Path(self._base, self._sealing.cert)

    def _sealed_store(self) -> _sealing.SealedStore:
        try:
            stat = self._store_path.stat()
            version: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            version = None
        if self._loaded_store is None or self._loaded_store[0] != version:
            self._loaded_store = (version, _sealing.load_store(self._store_path))
        return self._loaded_store[1]

    def known_keys(self) -> set[str] | None:
        keys = set(self._store.keys())
        entry = self._sealed_store().entry(self._namespace_for_sealing(), self._name)
        if entry is not None:
            keys |= set(entry.keys)
        return keys

    def keys(self) -> list[str]:
        return sorted(self.known_keys() or ())

    def rollout_digest(self) -> dict[str, Any]:
        # a sealed secret's plaintext never leaves the machine, not even as a hash: keys only
        return KeyedSource.rollout_digest(self)

    @property
    def name(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"<SealedSecret {self.path} type={self.type.value} store={self._sealing.store}>"

    # -- synth -----------------------------------------------------------------------------
    def _check(self, problems: list[Problem]) -> None:
        keys = self.known_keys() or set()
        want = unmet_required_keys(self.type, keys)
        if want is not None:
            problems.append(
                self._problem(
                    f"a {self.type.value} Secret needs key {want}; it has {', '.join(sorted(keys)) or 'no keys'}",
                    f"declare and seal {want} (podkit seal)",
                )
            )
        if self._sealing.scope is not SealingScope.CLUSTER_WIDE and self._namespace_for_sealing() is None:
            problems.append(
                self._problem(
                    f"a {self._sealing.scope.value} sealed Secret is bound to its namespace, but none is set",
                    "give the SealedSecret (or its chart) a namespace, or use SealingScope.CLUSTER_WIDE",
                    "sealing",
                )
            )

    def _metadata(self) -> dict[str, Any]:
        meta = super()._metadata()
        extra = self._sealing.scope.annotations
        if extra:
            meta["annotations"] = {**(meta.get("annotations") or {}), **extra}
        return meta

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        doc = _sealing.render_sealed_secret(
            name=self._name,
            namespace=self._namespace_for_sealing(),
            scope=self._sealing.scope,
            secret_type=self.type.value,
            labels=self._labels,
            annotations=self._annotations,
            immutable=self.immutable,
            keys=sorted(self.known_keys() or ()),
            store=self._sealed_store(),
            path=self.path,
            problems=problems,
        )
        return {"spec": doc["spec"]}


# -- podkit seal --------------------------------------------------------------------------------
#: set by ``podkit seal`` beside ``PODKIT_SYNTH_HOOK``: ``force`` re-seals every value
SEAL_ENV = "PODKIT_SEAL"
#: set by ``podkit seal --cert PATH``: the controller's certificate for every store
SEAL_CERT_ENV = "PODKIT_SEAL_CERT"


def seal_app(
    app: constructs.Construct, *, cert: str | os.PathLike[str] | None = None, force: bool = False
) -> list[_sealing.SealReport]:
    """Seal every ``SealedSecret`` of ``app`` into its store (``App.seal`` and ``podkit seal``).

    Reads the plaintext sources (files, literals, environment) here, never at synth. A value is
    re-sealed only when new, changed, sealed with another certificate, or ``force``. Every store
    is checked and sealed before any is written (``_sealing.seal_stores``): one bad store,
    certificate or value leaves every store as it was.

    :param cert: the controller's certificate. Default: each Secret's ``Sealing.cert`` (the
        first Secret of a store names the store's).
    :returns: one report per store file.
    """
    by_store: dict[str, tuple[str | os.PathLike[str] | None, list[SealedSecret]]] = {}
    for chart in getattr(app, "charts", ()):
        members = getattr(chart, "podkit_objects", None)
        for obj in members if members is not None else chart.node.find_all():
            if isinstance(obj, SealedSecret):
                chosen = cert if cert is not None else obj.cert_path
                _, items = by_store.setdefault(str(obj.store_path), (chosen, []))
                items.append(obj)
    jobs = []
    for store, (chosen, secrets) in by_store.items():
        if chosen is None:
            raise SealingError(
                secrets[0].path,
                "no certificate to seal with: set Sealing(cert=...) or run `podkit seal --cert PATH`",
            )
        jobs.append((store, chosen, secrets))
    return _sealing.seal_stores(jobs, force=force)


def synth_hook(app: constructs.Construct) -> None:
    """What ``App.synth()`` runs under ``podkit seal`` (``PODKIT_SYNTH_HOOK``): seal instead of
    writing, with ``PODKIT_SEAL=force`` and ``PODKIT_SEAL_CERT`` as the command's options, and
    print one report per store."""
    cert = os.environ.get(SEAL_CERT_ENV) or None
    for report in seal_app(app, cert=cert, force=os.environ.get(SEAL_ENV) == "force"):
        print(report)
