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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
]


class PodkitException(Exception):
    """Root of every exception podkit raises."""

    path: str
    detail: str

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
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
    """

    path: str
    message: str
    fix: str = ""
    rule: str = ""
    field: str = ""

    @property
    def family(self) -> str:
        """The kind of check: ``schema``, ``apiserver``, ``pod-security``, ... (``rule`` up to ``:``)."""
        return self.rule.split(":", 1)[0]

    def __str__(self) -> str:
        text = f"[{self.path}] {self.message}" if self.path else self.message
        return f"{text}; {self.fix}" if self.fix else text


class SynthError(PodkitError):
    """Synth found one or more problems; all of them are listed, nothing was written.

    ``problems`` is a list of :class:`Problem` (path, message, fix, rule).
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
