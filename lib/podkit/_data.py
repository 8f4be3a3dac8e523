"""What ConfigMaps and Secrets share: keyed data built like ``kubectl create``, and the
ways a pod consumes it (one key as an env var, every key as env vars, a volume).

The data sources follow kubectl (staging/src/k8s.io/kubectl/pkg/cmd/create) exactly, and
``tests/test_kubectl_parity.py`` runs kubectl itself to prove it:

* ``--from-literal key=value``: the value as given (quotes are kept).
* ``--from-file path``: key is the file's base name; ``key=path`` names it. A directory
  adds each *regular* file in it (sorted by name; dotfiles kept; subdirectories, symlinks
  and other special files skipped); ``key=dir`` is an error. Files that are not valid
  UTF-8 go to ``binaryData`` in a ConfigMap.
* ``--from-env-file path``: one ``KEY=value`` per line, split on the first ``=``; leading
  whitespace trimmed, value kept as is (quotes included, trailing ``\\r`` dropped); blank
  lines and ``#`` comments skipped; a UTF-8 BOM on the first line dropped; a key must be a
  valid env var name (``export X=1`` is rejected). A line with a key and no ``=`` takes
  the value of that variable from the environment (podkit raises when it is unset, where
  kubectl would silently use an empty string).
* Keys must be valid ConfigMap keys and unique across all sources.

Unlike kubectl, podkit lets you combine ``from_env_file`` with the other sources.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from . import _checks
from ._kplus import KplusMembers
from ._node import read_by_node
from ._resource import PodkitResource
from .errors import DuplicateError, PodkitError, PodkitTypeError, Problem, SourceError

if TYPE_CHECKING:
    from .chart import Chart
    from .env import EnvValue

PathLike = str | os.PathLike[str]

_PODKIT_DIR = os.path.dirname(os.path.abspath(__file__))
_UTF8_BOM = b"\xef\xbb\xbf"


def caller_dir() -> Path:
    """Directory of the first source file on the stack outside podkit.

    Relative paths in ``from_file``/``from_env_file`` resolve against the file that wrote
    them (like imports do), so ``cdk8s synth`` works from any working directory.
    """
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename in _FOLDERS:
            folder = _FOLDERS[filename]
        else:
            path = os.path.abspath(filename)
            inside = path.startswith(_PODKIT_DIR + os.sep) or filename.startswith("<")
            # cached per file name: thousands of ConfigMaps come from the same few files
            folder = _FOLDERS[filename] = None if inside else Path(path).parent
        if folder is not None:
            return folder
        frame = frame.f_back  # type: ignore[assignment]
    return Path.cwd()


_FOLDERS: dict[str, Path | None] = {}


class KeyedSource(KplusMembers):
    """Something with keys a pod can consume: a ConfigMap or Secret, built here or by reference.

    cdk8s-plus pods consume it too: it has the members of cdk8s-plus's ``IConfigMap`` /
    ``ISecret`` (:class:`~podkit._kplus.KplusMembers`). For jsii to serve them to Node they
    must come before ``constructs.Construct`` in the MRO, so a construct lists this class
    *before* ``PodkitResource`` in its bases (which is why ``path`` and ``name`` are declared
    here for type checkers only: at run time they would hide ``PodkitResource``'s).
    """

    KIND: ClassVar[str]  # the kind of object this construct writes
    #: the kind of object pods read: "ConfigMap" or "Secret" (an ExternalSecret writes an
    #: ExternalSecret but pods read the Secret it makes)
    SOURCE_KIND: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("SOURCE_KIND") and "KIND" in cls.__dict__:
            cls.SOURCE_KIND = cls.KIND

    if TYPE_CHECKING:  # provided by PodkitResource, or by the reference class

        @property
        def path(self) -> str:
            """Construct path (or, for references, the referenced name) used in messages."""

        @property
        def name(self) -> str:
            """The Kubernetes name pods use."""

    @property
    def owning_chart(self) -> Chart | None:
        """The podkit chart that writes this object, or ``None`` for references."""
        return None

    @property
    def volume_name(self) -> str:
        """Default volume name when mounted: the construct id (or referenced name)."""
        return self.path.rsplit("/", 1)[-1]

    def known_keys(self) -> set[str] | None:
        """Keys this source is known to have; ``None`` when unknown (a reference without keys)."""
        raise NotImplementedError

    def rollout_digest(self) -> dict[str, Any]:
        """What of this source goes into a workload's config hash (``podkit.dev/config-hash``):
        here its keys, since only data podkit builds can be hashed."""
        keys = self.known_keys()
        return {"keys": sorted(keys) if keys is not None else None}

    # -- consumption -------------------------------------------------------------------------
    def value(self, key: str, *, optional: bool | None = None) -> EnvValue:
        """One key as an env var value: ``container.add_env("API_URL", config.value("api_url"))``.

        A key the source does not have is an error (at synth, once every key is known).
        """
        from .env import EnvValue

        _checks.config_key(self.path, key)
        return EnvValue.from_key(self, key, optional=optional)

    def _note_keys(self, keys: Sequence[str]) -> None:
        """A hook to check referenced keys as early as possible (references know theirs)."""

    def _missing_key_problem(self, key: str, who: str) -> Problem | None:
        keys = self.known_keys()
        if keys is None or key in keys:
            return None
        return Problem(
            who,
            f"uses key {key!r} of {self.SOURCE_KIND} {self.path!r}, which has no such key "
            f"(keys: {', '.join(sorted(keys)) or 'none'})",
            "add the key or fix the name",
            "reference",
        )

    def _key_ref(self, key: str, optional: bool | None) -> dict[str, Any]:
        ref = "configMapKeyRef" if self.SOURCE_KIND == "ConfigMap" else "secretKeyRef"
        return {ref: {"name": self.name, "key": key, "optional": optional}}

    def _env_from_source(self, optional: bool | None) -> dict[str, Any]:
        ref = "configMapRef" if self.SOURCE_KIND == "ConfigMap" else "secretRef"
        return {ref: {"name": self.name, "optional": optional}}

    def _volume_source(
        self, items: list[dict[str, str]] | None, default_mode: int | None, optional: bool | None
    ) -> dict[str, Any]:
        if self.SOURCE_KIND == "ConfigMap":
            return {
                "configMap": {
                    "name": self.name,
                    "items": items,
                    "defaultMode": default_mode,
                    "optional": optional,
                }
            }
        return {
            "secret": {
                "secretName": self.name,
                "items": items,
                "defaultMode": default_mode,
                "optional": optional,
            }
        }


class DataStore:
    """Ordered key -> bytes/str store with kubectl's key rules. Values are never printed."""

    def __init__(self, path: str, kind: str) -> None:
        self.path = path
        self.kind = kind
        self.values: dict[str, str | bytes] = {}
        # keys whose value is read from the environment at synth: key -> variable
        self.deferred: dict[str, str] = {}
        # keys whose value is read elsewhere, never here (a SealedSecret's 'key=path' files)
        self.declared: set[str] = set()

    def keys(self) -> set[str]:
        return set(self.values) | set(self.deferred) | self.declared

    def _new_key(self, key: object, origin: str) -> str:
        k = _checks.config_key(self.path, key, what=f"key (from {origin})")
        if k in self.values or k in self.deferred or k in self.declared:
            raise DuplicateError(
                self.path,
                f"key {k!r} (from {origin}) is already in this {self.kind}; kubectl rejects duplicate keys "
                f"too: rename one of them (for files, use 'newkey=path')",
            )
        return k

    def load(
        self,
        base: Path,
        *,
        from_file: Sequence[PathLike] | None,
        from_literal: Mapping[str, str] | None,
        from_env_file: Sequence[PathLike] | None,
    ) -> None:
        """Add the sources of ``kubectl create configmap|secret generic``, in kubectl's order:
        files, then literals, then env files (relative paths resolve against ``base``)."""
        for source in file_sources(from_file, self.path, "from_file"):
            self.add_file_source(source, base)
        if from_literal is not None and not isinstance(from_literal, Mapping):
            raise PodkitTypeError(
                self.path,
                f"from_literal must be a mapping of key to value (e.g. {{'mode': 'prod'}}), "
                f"got {type(from_literal).__name__}",
            )
        for key, value in (from_literal or {}).items():
            self.add_literal(key, value)
        for env_file in file_sources(from_env_file, self.path, "from_env_file"):
            self.add_env_file(env_file, base)

    def add_literal(self, key: str, value: str, origin: str = "literal") -> None:
        if not isinstance(key, str):
            raise PodkitTypeError(self.path, f"keys must be str, got {type(key).__name__} {key!r}")
        if isinstance(value, bytes):
            raise PodkitTypeError(
                self.path,
                f"value of key {key!r} is bytes; literals are text: for binary data write it to a file and "
                f"use from_file=[{key + '=path'!r}] (it goes to binaryData/base64 data), or decode it to str",
            )
        if not isinstance(value, str):
            # a Secret's value is never shown, even a wrong one: it may still be the secret
            fix = (
                "convert it with str(...)" if self.kind == "Secret" else f"quote it: {key!r}: {str(value)!r}"
            )
            raise PodkitTypeError(
                self.path, f"value of key {key!r} must be a str, got {type(value).__name__}; {fix}"
            )
        k = self._new_key(key, origin)
        self.values[k] = value

    def add_from_environment(self, key: str, variable: str) -> None:
        k = self._new_key(key, f"environment variable {variable!r}")
        self.deferred[k] = _checks.check_str(self.path, "environment variable name", variable)

    def declare(self, key: str, origin: str) -> None:
        """A key whose value this store never holds (checked for validity and duplicates only)."""
        self.declared.add(self._new_key(key, origin))

    def add_file_source(self, source: PathLike, base: Path) -> None:
        key, file_path = _parse_file_source(self.path, source)
        full = base / file_path
        try:
            is_dir = full.is_dir()
            exists = full.exists()
        except OSError as e:  # pragma: no cover - e.g. permission denied on a parent
            raise SourceError(self.path, f"error reading {full}: {e.strerror}") from None
        if not exists:
            raise SourceError(
                self.path,
                f"from_file {str(source)!r}: {full} does not exist (relative paths resolve against "
                f"{base}, the directory of the calling file)",
            )
        if is_dir:
            if key is not None:
                raise SourceError(
                    self.path, f"from_file {str(source)!r}: cannot give a key name for a directory path"
                )
            for entry in sorted(os.scandir(full), key=lambda e: e.name):
                # kubectl takes regular files only: no subdirectories, symlinks, sockets...
                if entry.is_file(follow_symlinks=False):
                    self._add_file(entry.name, Path(entry.path), source)
        else:
            self._add_file(key if key is not None else full.name, full, source)

    def _add_file(self, key: str, full: Path, source: PathLike) -> None:
        k = self._new_key(key, f"file {str(full)!r}")
        try:
            self.values[k] = full.read_bytes()
        except OSError as e:
            raise SourceError(
                self.path,
                f"from_file {str(source)!r}: cannot read {full}: {e.strerror}; check its permissions",
            ) from None

    def add_env_file(self, source: PathLike, base: Path) -> None:
        full = base / Path(source)
        try:
            content = full.read_bytes()
        except FileNotFoundError:
            raise SourceError(
                self.path,
                f"from_env_file {str(source)!r}: {full} does not exist (relative paths resolve against "
                f"{base}, the directory of the calling file)",
            ) from None
        except IsADirectoryError:
            raise SourceError(
                self.path, f"from_env_file {str(source)!r}: {full} is a directory, not an env file"
            ) from None
        except OSError as e:
            raise SourceError(
                self.path, f"from_env_file {str(source)!r}: cannot read {full}: {e.strerror}"
            ) from None
        for number, raw in enumerate(_scan_lines(content)):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise SourceError(
                    self.path,
                    f"env file {str(full)!r} has invalid UTF-8 at line {number + 1}; save it as UTF-8",
                ) from None
            if number == 0 and line.startswith("\ufeff"):
                line = line[1:]
            line = _trim_left_space(line)
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            if not _checks.ENV_NAME.match(key):
                # a Secret's line may hold the value ("DB_PASSWORD hunter2"): never echo it
                shown = "the text before '='" if self.kind == "Secret" else repr(key)
                if self.kind == "Secret" and not sep:
                    shown = "the line (it has no '=')"
                raise SourceError(
                    self.path,
                    f"env file {str(full)!r} line {number + 1}: {shown} is not a valid key name: a valid "
                    f"environment variable name must consist of alphabetic characters, digits, '_', '-', or "
                    f"'.', and must not start with a digit (write KEY=value; no 'export', no spaces or ':' "
                    f"around '=')",
                )
            origin = f"env file {str(full)!r} line {number + 1}"
            if sep:
                self.add_literal(key, value, origin)
            else:
                # kubectl: "KEY" alone takes its value from the environment
                if key not in os.environ:
                    if self.kind == "Secret":
                        # the line may be the value itself (a password on a line of its own)
                        raise SourceError(
                            self.path,
                            f"{origin} has no '=', so its value comes from the environment variable the "
                            f"line names, which is not set (the line is not shown: it may be a value); "
                            f"set it or write KEY=value",
                        )
                    raise SourceError(
                        self.path,
                        f"{origin}: {key!r} has no '=', so its value comes from the environment, but "
                        f"environment variable {key!r} is not set; set it or write {key}=value",
                    )
                self.add_literal(key, os.environ[key], origin)

    def resolved(self, problems: list[Problem]) -> dict[str, str | bytes]:
        """All values, with environment-sourced ones read now (missing ones become problems)."""
        out = dict(self.values)
        for key, variable in self.deferred.items():
            value = os.environ.get(variable)
            if value is None:
                problems.append(
                    Problem(
                        self.path,
                        f"key {key!r} takes its value from environment variable {variable!r}, which is not set",
                        f"export {variable}=... before synth",
                        "source",
                    )
                )
            else:
                out[key] = value
        return dict(sorted(out.items()))

    def fingerprint(self, extra: Mapping[str, Any], problems: list[Problem]) -> str:
        """Content hash (10 hex chars) of the values plus ``extra`` (type, immutability)."""
        import hashlib  # here: loading OpenSSL costs ~4 ms of every import, and few apps hash

        digest = hashlib.sha256()
        canonical = {
            k: base64.b64encode(v if isinstance(v, bytes) else v.encode("utf-8")).decode("ascii")
            for k, v in self.resolved(problems).items()
        }
        digest.update(json.dumps({"data": canonical, **extra}, sort_keys=True).encode("utf-8"))
        return digest.hexdigest()[:10]


def _parse_file_source(path: str, source: PathLike) -> tuple[str | None, str]:
    path_arg(path, "from_file entries", source)
    if isinstance(source, os.PathLike):
        return None, os.fspath(source)
    if not source:
        # kubectl: "stat : no such file or directory"; podkit would read the caller's whole folder
        raise SourceError(path, "from_file '': the path is empty; name a file or a directory")
    n = source.count("=")
    if n == 0:
        return None, source
    if n == 1 and source.startswith("="):
        raise SourceError(path, f"from_file {source!r}: key name for file path {source[1:]!r} missing")
    if n == 1 and source.endswith("="):
        raise SourceError(path, f"from_file {source!r}: file path for key name {source[:-1]!r} missing")
    if n > 1:
        raise SourceError(path, f"from_file {source!r}: key names or file paths cannot contain '='")
    key, file_path = source.split("=")
    return key, file_path


def _scan_lines(content: bytes) -> list[bytes]:
    # bufio.ScanLines: split on \n, drop one trailing \r per line, no empty final line
    lines = content.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]


def _trim_left_space(line: str) -> str:
    # Go's unicode.IsSpace: Unicode White_Space, which str.isspace() approximates; be exact
    # for the separators Python treats differently.
    i = 0
    while i < len(line) and (
        (line[i].isspace() and unicodedata.category(line[i]) != "Cc") or line[i] in "\t\n\v\f\r\x85"
    ):
        i += 1
    return line[i:]


def decode_text(value: str | bytes) -> str | None:
    """The text of a value, or ``None`` if it is not valid UTF-8 (binary)."""
    if isinstance(value, str):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return None


def b64(value: str | bytes) -> str:
    return base64.b64encode(value if isinstance(value, bytes) else value.encode("utf-8")).decode("ascii")


def file_sources(value: Sequence[PathLike] | PathLike | None, path: str, what: str) -> list[PathLike]:
    if value is None:
        return []
    if isinstance(value, str | os.PathLike):
        raise PodkitTypeError(
            path, f"{what} takes a list of paths, got a single {value!r}: write [{value!r}]"
        )
    if not _checks.is_list(value):
        _checks.fail_type(path, what, value, "a list of paths")
    return [path_arg(path, f"{what} entries", source) for source in value]


def path_arg(path: str, what: str, source: object) -> PathLike:
    """A file path argument: a str or os.PathLike (a bare os.fspath TypeError otherwise)."""
    if not isinstance(source, str | os.PathLike):
        raise PodkitTypeError(path, f"{what} must be paths or 'key=path' strings, got {source!r}")
    return source


class KeyedData(KeyedSource, PodkitResource):
    """What ConfigFromMap and SecretEnv share: kubectl-like sources, keys, content-hash names.

    Handed to cdk8s-plus, it is its ``IConfigMap``/``ISecret`` (see ``_kplus.py``).

    Subclasses call :meth:`_load` from their constructor and say in :meth:`_hash_inputs`
    what besides the values goes into a content hash.
    """

    _store: DataStore
    content_hash: bool

    def _load(
        self,
        *,
        from_file: Sequence[PathLike] | None,
        from_literal: Mapping[str, str] | None,
        from_env_file: Sequence[PathLike] | None,
    ) -> None:
        self._store = DataStore(self.path, self.KIND)
        self._store.load(
            caller_dir(), from_file=from_file, from_literal=from_literal, from_env_file=from_env_file
        )

    # -- building ------------------------------------------------------------------------
    def add_literal(self, key: str, value: str) -> None:
        """Add one key (``--from-literal``). A key that is already there is an error."""
        self._check_name_not_handed_out(f"add_literal({key!r}, ...)")
        self._store.add_literal(key, value)

    def add_file(self, source: PathLike) -> None:
        """Add a file, ``key=path`` or directory (``--from-file``), relative to the calling file."""
        path_arg(self.path, "add_file", source)
        self._check_name_not_handed_out(f"add_file({os.fspath(source)!r})")
        self._store.add_file_source(source, caller_dir())

    def add_env_file(self, source: PathLike) -> None:
        """Add every ``KEY=value`` of an env file (``--from-env-file``)."""
        path_arg(self.path, "add_env_file", source)
        self._check_name_not_handed_out(f"add_env_file({os.fspath(source)!r})")
        self._store.add_env_file(source, caller_dir())

    def _check_name_not_handed_out(self, call: str) -> None:
        # cdk8s-plus (EnvValue.from_config_map, Volume.from_secret, ...) keeps the name it read;
        # new data would give this object another content-hash name, and its pods a missing object
        given = self.__dict__.get("_podkit_name_read_by_node")
        if given is not None:
            raise PodkitError(
                self.path,
                f"{call}: this content-hash {self.KIND}'s name {given!r} was already handed to Node (a "
                f"cdk8s-plus EnvValue or Volume keeps it), and new data would change it; add all data "
                f"before handing the object to cdk8s-plus, or use content_hash=False",
            )

    def keys(self) -> list[str]:
        """The keys, sorted."""
        return sorted(self._store.keys())

    def known_keys(self) -> set[str] | None:
        return self._store.keys()

    @property
    def owning_chart(self) -> Chart | None:
        return self._chart

    # -- naming --------------------------------------------------------------------------
    def _hash_inputs(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def name(self) -> str:
        """The name pods use: with a content-hash suffix when ``content_hash`` is on."""
        if not self.content_hash:
            return self._name
        name = f"{self._name}-{self._content_fingerprint()}"
        if read_by_node():
            self.__dict__["_podkit_name_read_by_node"] = name
        return name

    def rollout_digest(self) -> dict[str, Any]:
        # the store's own fingerprint; missing env vars are reported by the object itself
        return {"data": self._content_fingerprint()}

    def _content_fingerprint(self) -> str:
        """Hash of the values, the kind and :meth:`_hash_inputs` (an unset env var is reported at render)."""
        return self._store.fingerprint({"kind": self.KIND, **self._hash_inputs()}, [])

    def _metadata(self) -> dict[str, Any]:
        return {**super()._metadata(), "name": self.name}
