"""The exceptions podkit raises.

Every error podkit raises for bad input is a :class:`PodkitError` (a ``ValueError``) or a
:class:`PodkitTypeError` (a ``TypeError``), raised by the call that received the bad value.
Messages follow one shape::

    [chart/web] container 'nginx': memory limit '128MB' is not a Kubernetes quantity;
    expected a number with an optional suffix (Ki Mi Gi Ti Pi Ei, k M G T P E, m). Did you mean '128M' or '128Mi'?

the construct path in brackets, what was wrong (with the value, never a secret value),
what was expected and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence


class PodkitError(ValueError):
    """Base class of podkit's input errors. Catch this to handle any of them."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"[{path}] {message}" if path else message)


class PodkitTypeError(TypeError):
    """An argument of the wrong Python type (for callers that do not run mypy)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"[{path}] {message}" if path else message)


class InvalidNameError(PodkitError):
    """A name, key, label or env var name that Kubernetes would reject."""


class InvalidQuantityError(PodkitError):
    """A malformed resource quantity, or requests above limits."""


class DuplicateError(PodkitError):
    """Something that must be unique within its scope was added twice."""


class MissingReferenceError(PodkitError):
    """A reference to something that does not exist (a volume, a port, a key)."""


class SourceError(PodkitError):
    """A ConfigMap/Secret data source (file, directory, env-file) that cannot be used."""


class SecretGuardError(PodkitError):
    """A Secret with inline values would be written to a chart that forbids them."""


class SchemaValidationError(PodkitError):
    """Synthesized objects do not validate against the Kubernetes schema."""


class SynthError(PodkitError):
    """Synth found one or more problems; all of them are listed, nothing was written."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            "", f"synth failed with {len(self.problems)} problem(s); nothing was written:\n{lines}"
        )
