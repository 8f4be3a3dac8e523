"""The exceptions podkit raises, in one tree (as httpx draws its own)::

    PodkitException                  every podkit exception; catch this for all of them
    ├── PodkitError (ValueError)     a bad value, raised by the call that received it
    │   ├── InvalidNameError         a name, key, label or path Kubernetes would reject
    │   ├── InvalidQuantityError     a malformed or implausible resource quantity
    │   ├── DuplicateError           something unique added twice
    │   ├── MissingReferenceError    a reference to a volume, port or key that is not there
    │   ├── SourceError              a ConfigMap/Secret data source that cannot be used
    │   ├── SealingError             a Sealed Secrets certificate or sealed store that cannot be used
    │   └── SynthError               synth found problems; ``.problems`` lists them all
    └── PodkitTypeError (TypeError)  an argument of the wrong Python type

Messages follow one shape::

    [chart/web] container 'nginx': memory limit '128MB' is not a Kubernetes quantity;
    expected a number with an optional suffix (Ki Mi Gi Ti Pi Ei, k M G T P E, m). Did you mean '128M' or '128Mi'?

the construct path in brackets, what was wrong (with the value, never a secret value),
what was expected and how to fix it.

Every podkit exception also records where the *user's* code made the call that failed
(:attr:`PodkitException.source`: the first frame outside podkit, cdk8s, constructs, jsii,
typeguard and the standard library), and a synth-time :class:`Problem` names the line that
created the object (:attr:`Problem.source`), so that ``podkit synth`` can print
``app.py:27: error: ...`` as compilers do. Only file, line and function are kept, never a frame
(whose locals could hold a secret). podkit's warnings name the user's line the same way
(:func:`warn_at`).
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from types import CodeType, FrameType, TracebackType

__all__ = [
    "DuplicateError",
    "InvalidNameError",
    "InvalidQuantityError",
    "MissingReferenceError",
    "PodkitError",
    "PodkitException",
    "PodkitTypeError",
    "Problem",
    "SealingError",
    "SourceError",
    "SynthError",
    "UserFrame",
    "UserSite",
]


@dataclass(frozen=True)
class UserFrame:
    """Where the user's code called podkit: file, line and function (no frame, no locals)."""

    file: str
    line: int
    function: str

    def location(self, relative_to: str | None = None) -> str:
        """``file:line``, the file relative to ``relative_to`` (default: the working directory)
        when it is inside it, else absolute."""
        return f"{_display_path(self.file, relative_to)}:{self.line}"


def _display_path(file: str, relative_to: str | None = None) -> str:
    base = relative_to if relative_to is not None else os.getcwd()
    try:
        rel = os.path.relpath(file, base)
    except ValueError:  # another drive (Windows)
        return file
    return file if rel.startswith(os.pardir) else rel


# the libraries whose frames are never "the user's line" (besides podkit and the standard library)
_LIBRARIES = frozenset({"cdk8s", "constructs", "jsii", "typeguard", "_podkit_pytestplugin.py"})
_PODKIT_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_PLUGIN_FILE = os.path.join(os.path.dirname(_PODKIT_DIR.rstrip(os.sep)), "_podkit_pytestplugin.py")
_STDLIB_DIR = os.path.dirname(os.path.abspath(os.__file__)) + os.sep
# filename -> whether it belongs to a library; a frame walk asks this for a handful of files
_is_library_cache: dict[str, bool] = {}


def _is_library(filename: str) -> bool:
    known = _is_library_cache.get(filename)
    if known is not None:
        return known
    if filename.startswith("<"):
        # <frozen importlib._bootstrap>, <frozen runpy>: the interpreter's; <string>/<stdin>: the user's
        result = filename.startswith("<frozen")
    else:
        path = os.path.abspath(filename)
        parts = path.split(os.sep)
        in_packages = [i for i, part in enumerate(parts) if part in ("site-packages", "dist-packages")]
        top = parts[in_packages[-1] + 1] if in_packages and in_packages[-1] + 1 < len(parts) else ""
        result = (
            path.startswith(_PODKIT_DIR)
            or path == _PLUGIN_FILE
            or (path.startswith(_STDLIB_DIR) and not in_packages)
            or top in _LIBRARIES
            or top.startswith("cdk8s")  # cdk8s_plus_33, ...
        )
    _is_library_cache[filename] = result
    return result


def user_frame(frame: FrameType | None = None) -> UserFrame | None:
    """The innermost frame, from ``frame`` (default: the caller's) outwards, that is not in a
    library (podkit, cdk8s, constructs, jsii, typeguard, the standard library, a module
    ``podkit import crd`` generated); ``None`` when there is none (podkit called from a library
    only)."""
    site = user_site(frame if frame is not None else sys._getframe(1))
    return site.resolve() if site is not None else None


class UserSite:
    """Where the user's code is, kept cheap until asked: the code object and the instruction
    offset (no frame, so no locals: a Secret value in them is never kept alive). Every construct
    records one when it is created; the line is worked out only for a problem that names it."""

    __slots__ = ("_code", "_offset")

    def __init__(self, code: CodeType, offset: int) -> None:
        self._code = code
        self._offset = offset

    def resolve(self) -> UserFrame:
        line = next(
            (n for start, end, n in self._code.co_lines() if start <= self._offset < end and n is not None),
            self._code.co_firstlineno,
        )
        return UserFrame(self._code.co_filename, line, self._code.co_name)


def user_site(frame: FrameType | None) -> UserSite | None:
    """:func:`user_frame`'s frame, as a :class:`UserSite` (the line not worked out yet)."""
    f = frame
    while f is not None:
        code = f.f_code
        skip = _skip_cache.get(code.co_filename)
        if skip is None:
            skip = _skip_cache[code.co_filename] = _is_library(code.co_filename) or _generated(f)
        if not skip:
            return UserSite(code, f.f_lasti)
        f = f.f_back
    return None


# filename -> whether its frames are skipped (a library's, or a generated module's)
_skip_cache: dict[str, bool] = {}


def warn_at(message: str, category: type[Warning], site: UserSite | UserFrame | None = None) -> None:
    """Warn ``message`` (a ``category``) at the user's line, as podkit's errors name it.

    ``site`` is where the user created the construct the warning is about (``PodkitResource``
    records it); without one, the innermost frame outside podkit and its libraries of the call
    that led here (the user's ``app.synth()``). A fixed ``stacklevel`` cannot do this: a
    construct warns at synth, many podkit, cdk8s and jsii frames below the line that made it.
    Filters by category apply as to any warning (``warnings.simplefilter("error",
    podkit.EnvOverrideWarning)``, pytest's ``-W error::podkit.EnvOverrideWarning``; Python's own
    ``-W`` cannot name a category of an installed package: it reads its options before
    site-packages can be imported).
    Without any user's line (podkit called by a library only), at the caller's caller."""
    where = site.resolve() if isinstance(site, UserSite) else site
    if where is None:
        where = user_frame(sys._getframe(1))
    if where is None:
        warnings.warn(message, category, stacklevel=3)
        return
    # one registry per file, as warnings.warn keeps one per module: the "default" action then
    # shows a warning once per line, not again at every synth of a long-lived process
    registry = _warning_registries.setdefault(where.file, {})
    warnings.warn_explicit(message, category, where.file, where.line, registry=registry)


# file -> the warnings registry of warn_at's warnings at lines of that file
_warning_registries: dict[str, dict[str | tuple[str, type[Warning], int], int]] = {}


def _generated(frame: FrameType) -> bool:
    """A module ``podkit import crd`` generated (its docstring says so) counts as library: the
    user's line is the one that called its construct."""
    doc = frame.f_globals.get("__doc__")
    return isinstance(doc, str) and "Generated by ``podkit import crd" in doc


class PodkitException(Exception):
    """Root of every exception podkit raises.

    :ivar path: the construct path (``chart/web``), or empty.
    :ivar detail: the message without the path.
    :ivar source: where the user's code made the failing call (:class:`UserFrame`), recorded
        when the exception is built; ``None`` when podkit was called by a library only.
    """

    path: str
    detail: str
    source: UserFrame | None

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        self.source = user_frame(sys._getframe(1))
        super().__init__(f"[{path}] {message}" if path else message)


class PodkitError(PodkitException, ValueError):
    """A bad value. Base class of podkit's value errors."""


class PodkitTypeError(PodkitException, TypeError):
    """An argument of the wrong Python type (for callers that do not run mypy)."""


class InvalidNameError(PodkitError):
    """A name, key, label, path or reference that Kubernetes would reject."""


class InvalidQuantityError(PodkitError):
    """A malformed or implausible resource quantity, or requests above limits."""


class DuplicateError(PodkitError):
    """Something that must be unique within its scope was added twice."""


class MissingReferenceError(PodkitError):
    """A reference to something that does not exist (a volume, a port, a key)."""


class SourceError(PodkitError):
    """A ConfigMap/Secret data source (file, directory, env-file) that cannot be used."""


class SealingError(PodkitError):
    """A Sealed Secrets certificate, or sealed store, that cannot be used."""


@dataclass(frozen=True)
class Problem:
    """One problem found at synth: where (construct path or object), what, and the fix.

    :param path: the construct path (``chart/web``) or, for objects podkit did not build,
        ``chart: Kind name``.
    :param message: what is wrong, naming the field and the value (never a secret value).
    :param fix: how to fix it; empty when the message already says.
    :param rule: which rule found it: ``schema``; ``apiserver:<upstream check>`` (the API
        server's validation function it ports, e.g. ``apiserver:ValidateService``);
        ``pod-security``; or one of podkit's own (``reference``, ``secret-guard``, ``patch``,
        ``source``, ``duplicate``).
    :param field: the JSON path of the field in the object as written
        (``spec.template.spec.containers[0].ports[1].hostPort``); empty when the problem is
        about the object as a whole or not about one object.
    :param source: ``file:line`` of the user's code that created the object (``app.py:27``, the
        file relative to the working directory when inside it); empty when unknown. Shown
        before the message.
    """

    path: str
    message: str
    fix: str = ""
    rule: str = ""
    field: str = ""
    source: str = ""

    @property
    def family(self) -> str:
        """The kind of check: ``schema``, ``apiserver``, ``pod-security``, ... (``rule`` up to ``:``)."""
        return self.rule.split(":", 1)[0]

    def __str__(self) -> str:
        text = self.text
        return f"{self.source}: {text}" if self.source else text

    @property
    def text(self) -> str:
        """The problem without its source: ``[path] message; fix``."""
        text = f"[{self.path}] {self.message}" if self.path else self.message
        return f"{text}; {self.fix}" if self.fix else text


class SynthError(PodkitError):
    """Synth found one or more problems; all of them are listed, nothing was written.

    ``problems`` is a list of :class:`Problem` (path, message, fix, rule, source).
    """

    problems: list[Problem]

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            "", f"synth failed with {len(self.problems)} problem(s); nothing was written:\n{lines}"
        )

    def __reduce__(self) -> tuple[type[SynthError], tuple[list[Problem]]]:
        return (type(self), (self.problems,))


# --------------------------------------------------------------------------- the CLI's report

#: set by the ``podkit`` command for the app it runs: a file where the app's uncaught podkit
#: exception is described (message, source, problems) for the command to print at the user's line
REPORT_ENV = "PODKIT_ERROR_REPORT"


def _podkit_exception_in(error: BaseException | None) -> PodkitException | None:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, PodkitException):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def _report_hook(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None, previous: object = None
) -> None:
    found = _podkit_exception_in(error)
    target = os.environ.get(REPORT_ENV)
    if found is not None and target:
        report = {
            "type": type(found).__name__,
            "message": str(found),
            "detail": found.detail if not isinstance(found, SynthError) else "",
            "path": found.path,
            "source": [found.source.file, found.source.line] if found.source else None,
            "problems": [{"text": p.text, "source": p.source} for p in getattr(found, "problems", [])],
        }
        try:
            with open(target, "w", encoding="utf-8") as out:
                json.dump(report, out)
        except OSError:
            pass  # the traceback below still says what went wrong
    hook = previous if callable(previous) else sys.__excepthook__
    hook(kind, error, tb)


def _install_report_hook() -> None:
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        _report_hook(kind, error, tb, previous)

    sys.excepthook = hook


if os.environ.get(REPORT_ENV):
    _install_report_hook()
