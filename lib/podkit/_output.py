"""The one writer of podkit's output folder (``App.synth`` and ``make synth`` both use it).

**What podkit owns.** In the output folder podkit owns every regular file named ``*.k8s.yaml``
(cdk8s's extension, at any depth, so cdk8s's per-chart folders and one-file-per-resource
layouts are covered, and so is output written before this rule existed), the files listed in
``.podkit-output`` and that list itself. podkit writes ``.podkit-output`` only when it writes
a file not named ``*.k8s.yaml`` (a custom ``output_file_extension``), so a default ``dist/``
holds nothing but manifests. Every other entry (``kustomization.yaml``, ``README.md``,
``.gitkeep``, sub-folders, symlinks) is the user's: it is carried into the new output
unchanged (hard-linked, so it is the very same file) and is never deleted or overwritten;
a synth that would write over one raises :class:`PodkitError` and changes nothing. podkit
refuses a folder that is clearly not an output folder (the working directory or one of its
parents, a folder holding the running program or a ``.git``): swapping it would move the
user's project.

**Atomicity.** The new output is built in ``.<name>.podkit-new-<pid>`` beside the folder
(same filesystem), every file and folder fsync'd, then swapped in with one
``renameat2(RENAME_EXCHANGE)`` on Linux: at every instant the folder name holds the complete
old or the complete new output. Where the exchange is unavailable (not Linux, or a
filesystem without it) the fallback is two renames, ``folder -> .<name>.podkit-old-<pid>``
then ``new -> folder``; a crash between the two leaves no folder for that instant, and the
next write restores the old one before doing anything else. Nothing is deleted until the new
output is in place, and then only files podkit owns: the retired folder's user files are
checked against the live ones (same inode, or same bytes) and any that changed or appeared
meanwhile are moved into the live folder rather than lost.

**Symlinks.** A symlinked output folder (``dist -> ../gitops/apps/web``) is written through:
the swap happens at the link's target, inside the target's parent, so the link stays a link.

**Leftovers.** Writers hold an ``flock`` on the parent folder, so a ``.podkit-new/old``
folder seen under the lock belongs to a dead run (whatever its pid, which may be reused):
it is recovered (the old output restored if the folder is missing; user files rescued),
and removed only when nothing in it would be lost. Folders of older podkit versions
(``.<name>.podkit-staging-<pid>``, ``<name>.old``) are only ever restored, never deleted,
unless their pid is dead and they hold nothing that would be lost.

**The cdk8s CLI.** ``cdk8s synth`` deletes its output folder before it runs the app
(``fs.rmSync(outdir)`` in cdk8s-cli's ``synth.js``), so an app that raises loses it. podkit's
answer: ``cdk8s.yaml`` points ``output:`` at a CLI-owned scratch folder (``.build/cdk8s.out``);
the app writes its manifests there for the CLI (listing, validation plugins) and, only after a
fully successful synth, publishes them to the committed folder (``App(outdir=...)``, default
``dist``). See :func:`plan_output`.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import filecmp
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import cast

from .errors import PodkitError, warn_at

MANIFEST = ".podkit-output"
OWNED_SUFFIX = ".k8s.yaml"
_MANIFEST_HEADER = (
    "# Written by podkit: the files it wrote in this folder. It replaces or removes exactly these\n"
    "# (and *.k8s.yaml files) on the next synth; any other file here is yours and is kept.\n"
)
# cdk8s.yaml's `output:` when it names a scratch folder for the CLI (see plan_output)
CLI_SCRATCH = ".build/cdk8s.out"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# errnos that mean "this kernel/filesystem cannot exchange", not "this exchange failed"
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


# --- the system calls, one function each, so tests can inject a failure at every step ---------


def _renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2  # glibc >= 2.28, musl >= 1.2.2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return cast("Callable[[int, bytes, int, bytes, int], int]", fn)


_RENAMEAT2 = _renameat2()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; ``False`` when the platform or filesystem cannot."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in _NO_EXCHANGE:
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _rename(src: Path, dst: Path) -> None:
    os.rename(src, dst)


def _write(path: Path, text: str) -> None:
    # "x": a name already there is a bug, never something to overwrite
    with open(path, "x", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:  # no hard links here (EPERM, EXDEV, EMLINK): a copy keeps the content
        shutil.copy2(src, dst, follow_symlinks=False)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _locked(parent: Path) -> Iterator[None]:
    """One writer per parent folder at a time (flock on the folder itself: no lock file left)."""
    if sys.platform == "win32":
        yield
        return
    import fcntl

    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


# --- ownership --------------------------------------------------------------------------------


def _read_manifest(folder: Path) -> set[str]:
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return set()
    return {line for line in text.splitlines() if line and not line.startswith("#")}


def _scan(folder: Path) -> tuple[set[str], dict[str, os.stat_result]]:
    """``(owned files, user entries)`` of ``folder`` as relative POSIX paths.

    User entries are files, symlinks, other special files and folders podkit did not write;
    a folder is listed only when nothing owned is below it, so carrying it over is a mkdir.
    """
    listed = _read_manifest(folder)
    owned: set[str] = set()
    user: dict[str, os.stat_result] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for name in [*dirnames, *filenames]:
            path = base / name
            rel = path.relative_to(folder).as_posix()
            st = path.lstat()
            if stat.S_ISDIR(st.st_mode):
                user[rel] = st  # dropped below when it holds owned files
            elif stat.S_ISREG(st.st_mode) and (
                rel == MANIFEST or rel in listed or rel.endswith(OWNED_SUFFIX)
            ):
                owned.add(rel)
            else:
                user[rel] = st
        dirnames[:] = [d for d in dirnames if not (base / d).is_symlink()]
    # folders are layout, not content: keep those that hold a user entry or nothing at all
    for rel in [r for r, st in user.items() if stat.S_ISDIR(st.st_mode)]:
        prefix = rel + "/"
        if any(o.startswith(prefix) for o in owned) and not any(u.startswith(prefix) for u in user):
            del user[rel]
    return owned, user


def _identical(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.lstat(), b.lstat()
    except FileNotFoundError:
        return False
    if os.path.samestat(sa, sb):
        return True
    if stat.S_ISLNK(sa.st_mode) and stat.S_ISLNK(sb.st_mode):
        return os.readlink(a) == os.readlink(b)
    if stat.S_ISREG(sa.st_mode) and stat.S_ISREG(sb.st_mode):
        return filecmp.cmp(a, b, shallow=False)
    return stat.S_ISDIR(sa.st_mode) and stat.S_ISDIR(sb.st_mode)


def _retire(folder: Path, live: Path, owned: set[str] | None = None) -> bool:
    """Remove ``folder`` (a staging or retired output) without losing a user file.

    Owned files go. A user file the live folder holds too (same inode or same bytes) goes;
    one the live folder lacks is moved there; one that differs is kept, with the folder.
    Returns whether ``folder`` is gone.
    """
    if not os.path.lexists(folder):
        return True
    if not live.is_dir():
        return False  # nothing to compare with: keep everything (_recover restores it first)
    found_owned, _ = _scan(folder)
    owned = found_owned if owned is None else owned | found_owned
    kept = False
    for dirpath, dirnames, filenames in os.walk(folder, topdown=False):
        base = Path(dirpath)
        for name in filenames + [d for d in dirnames if (base / d).is_symlink()]:
            path = base / name
            rel = path.relative_to(folder).as_posix()
            there = live / rel
            if rel in owned or _identical(path, there):
                path.unlink()
                continue
            if not os.path.lexists(there):  # changed or added after the carry-over: rescue it
                try:
                    there.parent.mkdir(parents=True, exist_ok=True)
                    _rename(path, there)
                    continue
                except OSError:
                    pass
            kept = True
        with contextlib.suppress(OSError):  # not empty: something was kept
            base.rmdir()
    if kept or os.path.lexists(folder):
        # at the user's call that wrote (app.synth()), however deep in podkit this runs
        warn_at(
            f"podkit kept '{folder}': it holds files that differ from those in '{live}'; "
            "compare them, keep what you need and delete the folder",
            UserWarning,
        )
        return False
    return True


# --- checks -----------------------------------------------------------------------------------


def _folders_of(name: str) -> list[str]:
    """The folders ``name`` lies in, innermost first: ``a/b/c.yaml`` -> ``['a/b', 'a']``."""
    return [p.as_posix() for p in PurePosixPath(name).parents][:-1]


def _check_names(outdir: Path, files: Mapping[str, str]) -> list[str]:
    names = []
    for name, text in files.items():
        if not isinstance(name, str) or not isinstance(text, str):
            raise PodkitError(
                f"outdir '{outdir}'",
                f"output file {name!r} must map a str path to str text, got {type(name).__name__} -> "
                f"{type(text).__name__}; pass {{'web.k8s.yaml': yaml_text}}",
            )
        parts = name.split("/")
        if (
            not name
            or PurePosixPath(name).is_absolute()
            or "\\" in name
            or any(p in ("", ".", "..") for p in parts)
            or parts[-1] == MANIFEST
        ):
            raise PodkitError(
                f"outdir '{outdir}'",
                f"output file name {name!r} is not a plain relative path inside the output folder; "
                f"expected names like 'web.k8s.yaml' or 'web/Pod.web.k8s.yaml' (no '..', no leading '/', "
                f"not {MANIFEST!r})",
            )
        names.append(name)
    names.sort()
    taken = set(names)
    for name in names:
        clash = next((p for p in _folders_of(name) if p in taken), None)
        if clash is not None:
            raise PodkitError(
                f"outdir '{outdir}'",
                f"output file {clash!r} is also a folder of {name!r}; give them different names",
            )
    return names


def _refuse_project_folder(outdir: Path, target: Path, user: Mapping[str, os.stat_result]) -> None:
    cwd = Path.cwd().resolve()
    program = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if cwd == target or target in cwd.parents:
        why = "the working directory" if cwd == target else f"a parent of the working directory '{cwd}'"
    elif program is not None and program.is_file() and target in program.parents:
        why = f"the folder of the running program '{program}'"
    elif ".git" in user:
        why = "a git repository's root"
    else:
        special = sorted(r for r, st in user.items() if not _plain(st))
        if not special:
            return
        raise PodkitError(
            f"outdir '{outdir}'",
            f"output folder holds {', '.join(special)}, which is neither a file, a folder nor a "
            f"symlink, so podkit cannot carry it into the new output; move it out of '{target}'",
        )
    raise PodkitError(
        f"outdir '{outdir}'",
        f"output folder '{target}' is {why}; podkit replaces its output folder as a whole and never "
        "moves or deletes your files, so it writes only into a folder of its own: use "
        "outdir='dist' (or any dedicated folder; a kustomization.yaml or README.md in it is kept)",
    )


def _plain(st: os.stat_result) -> bool:
    return stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode) or stat.S_ISDIR(st.st_mode)


# --- recovery ---------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _recover(target: Path) -> None:
    """Restore or clean up what a dead run left beside ``target`` (called under the lock)."""
    parent, name = target.parent, target.name
    ours = re.compile(rf"\.{re.escape(name)}\.podkit-(new|old)-\d+-[0-9a-f]+")
    legacy = re.compile(rf"\.{re.escape(name)}\.podkit-(?:staging|old)-(\d+)")  # earlier podkit
    # listdir + a prefix test first: the parent may be a big shared folder such as /tmp
    prefix = f".{name}.podkit-"
    leftovers = sorted(
        (
            parent / entry
            for entry in os.listdir(parent)
            if entry.startswith(prefix) and (ours.fullmatch(entry) or legacy.fullmatch(entry))
        ),
        key=lambda p: p.lstat().st_mtime_ns,
    )
    if not os.path.lexists(target):
        # killed between the fallback's two renames (or by an older podkit / publish_dist):
        # the retired folder is a complete old output; put it back
        olds = [p for p in leftovers if ".podkit-old-" in p.name]
        legacy_old = parent / f"{name}.old"
        restore = olds[-1] if olds else (legacy_old if legacy_old.is_dir() else None)
        if restore is not None:
            _rename(restore, target)
            leftovers = [p for p in leftovers if p != restore]
    for leftover in leftovers:
        m = legacy.fullmatch(leftover.name)
        if m is not None and _alive(int(m.group(1))):
            continue  # an older podkit, which takes no lock, may be writing it right now
        if os.path.lexists(target):
            _retire(leftover, target)


# --- the writer -------------------------------------------------------------------------------


def _manifest_text(names: list[str]) -> str | None:
    if all(n.endswith(OWNED_SUFFIX) for n in names):
        return None
    return _MANIFEST_HEADER + "".join(f"{n}\n" for n in names)


def _unchanged(target: Path, owned: set[str], names: list[str], files: Mapping[str, str]) -> bool:
    manifest = _manifest_text(names)
    expected = {**{n: files[n] for n in names}, **({MANIFEST: manifest} if manifest else {})}
    if owned != set(expected):
        return False
    for rel, text in expected.items():
        try:
            if (target / rel).read_bytes() != text.encode("utf-8"):
                return False
        except OSError:
            return False
    return True


def _build(
    staging: Path,
    target: Path,
    names: list[str],
    files: Mapping[str, str],
    user: Mapping[str, os.stat_result],
) -> None:
    os.mkdir(staging)
    if target.is_dir():
        os.chmod(staging, stat.S_IMODE(target.stat().st_mode))
    folders = {staging}
    # the list first: a staging folder left by a kill is then recognised as podkit's
    manifest = _manifest_text(names)
    if manifest is not None:
        _write(staging / MANIFEST, manifest)
    for rel in sorted(user):  # parents sort before their children
        src, dst = target / rel, staging / rel
        st = user[rel]
        if stat.S_ISDIR(st.st_mode):
            os.mkdir(dst)
            os.chmod(dst, stat.S_IMODE(st.st_mode))
            folders.add(dst)
        elif stat.S_ISLNK(st.st_mode):
            os.symlink(os.readlink(src), dst)
        else:
            _link(src, dst)
    for rel in names:
        path = staging / rel
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.update([path.parent, *path.parent.parents])
        _write(path, files[rel])
    for folder in sorted(f for f in folders if f == staging or staging in f.parents):
        _fsync_dir(folder)


def _leftover_name(target: Path, kind: str) -> str:
    # pid for people reading `ls -a`; the random part so a pid reused after a crash never collides
    return f".{target.name}.podkit-{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def _clashes(name: str, user: Mapping[str, os.stat_result]) -> bool:
    """Would writing ``name`` overwrite a user entry, or write through a user symlink?"""
    if name in user:
        return True
    return any(p in user and not stat.S_ISDIR(user[p].st_mode) for p in _folders_of(name))


def _swap(staging: Path, target: Path) -> Path:
    """Put ``staging`` at ``target``; return the folder now holding the old output."""
    if not os.path.lexists(target):
        _rename(staging, target)
        return staging  # gone: nothing to retire
    if _exchange(staging, target):
        return staging
    # Fallback (no RENAME_EXCHANGE): between these two renames there is no folder at
    # `target`; a crash there is repaired by _recover on the next write.
    old = target.with_name(_leftover_name(target, "old"))
    _rename(target, old)
    try:
        _rename(staging, target)
    except BaseException:
        _rename(old, target)
        raise
    return old


def write_output(outdir: Path, files: Mapping[str, str]) -> list[str]:
    """Make ``outdir`` hold ``files`` as podkit's output, atomically; return the names written.

    :param outdir: the output folder; created if missing; a symlink is written through.
    :param files: ``{relative path: text}``; paths may contain sub-folders (``web/Pod.web.k8s.yaml``).

    Files podkit owns (see the module docs) are replaced by ``files``; the user's files stay.
    Raises :class:`PodkitError`, with the previous output unchanged, when a name would
    overwrite a user file, the folder is not an output folder, or the filesystem fails.
    """
    outdir = Path(outdir)
    names = _check_names(outdir, files)
    target = Path(os.path.realpath(outdir.absolute()))  # through symlinks: the link stays a link
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target.parent):
            _recover(target)
            exists = os.path.lexists(target)
            if exists and not target.is_dir():
                raise PodkitError(
                    f"outdir '{outdir}'",
                    f"'{target}' is a file, not a folder; podkit never overwrites your files: "
                    "move it away or choose another outdir",
                )
            owned, user = _scan(target) if exists else (set(), {})
            _refuse_project_folder(outdir, target, user)
            clashes = sorted(n for n in names if _clashes(n, user))
            if clashes:
                raise PodkitError(
                    f"outdir '{outdir}'",
                    f"output would overwrite {', '.join(repr(c) for c in clashes)}, which podkit did not write; "
                    "podkit never overwrites your files: rename or move them, or rename the chart",
                )
            if exists and _unchanged(target, owned, names, files):
                return names  # same output: leave mtimes (and make, git, watchers) alone
            staging = target.with_name(_leftover_name(target, "new"))
            try:
                _build(staging, target, names, files, user)
                retired = _swap(staging, target)
            except BaseException:
                _retire(staging, target, set(names) | {MANIFEST})
                raise
            with contextlib.suppress(OSError):  # durability is best effort; the swap is done
                _fsync_dir(target.parent)
            _retire(retired, target, owned)
    except OSError as e:
        raise PodkitError(
            f"outdir '{outdir}'",
            f"could not write the output ({e}); the previous output is unchanged and no file of "
            "yours was touched; fix the cause and synth again",
        ) from e
    return names


def publish(stage: Path, outdir: Path) -> list[str]:
    """Publish the manifests a synth wrote into ``stage`` (the cdk8s CLI's output) to ``outdir``.

    Only what podkit owns in ``stage`` is published (``*.k8s.yaml`` and ``.podkit-output``'s
    list; not the CLI's ``construct-metadata.json``), through :func:`write_output`.
    """
    stage = Path(stage)
    owned, _ = _scan(stage) if stage.is_dir() else (set(), {})
    owned.discard(MANIFEST)
    if not owned:
        raise PodkitError(
            f"outdir '{outdir}'",
            f"the synth wrote no *.k8s.yaml into '{stage}', so there is nothing to publish; "
            f"'{outdir}' is left untouched; check that the app calls app.synth()",
        )
    files = {}
    for rel in sorted(owned):
        with open(stage / rel, encoding="utf-8", newline="") as f:
            files[rel] = f.read()
    return write_output(Path(outdir), files)


# --- the cdk8s CLI ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputPlan:
    """Where a synth writes: ``write_to`` always, then ``publish_to`` when set.

    ``write_to`` is what ``cdk8s.App.outdir`` must be (the CLI looks for manifests there).
    """

    write_to: Path
    publish_to: Path | None = None


def cdk8s_yaml_setting(text: str, key: str) -> str | None:
    """A top-level ``key: value`` of ``cdk8s.yaml``'s ``text``, unquoted, without a trailing comment.

    cdk8s.yaml is a flat file; reading it line by line avoids starting Node (cdk8s' YAML
    parser) just to find one string. ``None`` when ``key`` is not set.
    """
    pattern = re.compile(rf"""{re.escape(key)}:\s*(?:'([^']*)'|"([^"]*)"|([^\s#'"][^#]*?))\s*(?:#.*)?""")
    # a byte-order mark (Windows editors write one) is not part of the first key
    for line in text.removeprefix("\ufeff").splitlines():
        m = pattern.fullmatch(line)
        if m is not None:
            return next(g for g in m.groups() if g is not None)
    return None


def _configured_output(cwd: Path) -> Path:
    """The folder bare ``cdk8s synth`` uses: ``output:`` of ./cdk8s.yaml, else ``dist``."""
    try:
        text = (cwd / "cdk8s.yaml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    output = cdk8s_yaml_setting(text, "output")
    return cwd / (output if output is not None else "dist")


def plan_output(
    outdir: str | os.PathLike[str] | None, *, environ: Mapping[str, str] | None = None
) -> OutputPlan:
    """Decide where ``App.synth`` writes, given ``App(outdir=...)`` and the environment.

    * Run directly (no ``CDK8S_OUTDIR``): write ``outdir`` (default ``dist``).
    * Run by bare ``cdk8s synth`` whose ``cdk8s.yaml`` ``output:`` is a scratch folder: write
      the scratch folder for the CLI, then publish to ``outdir`` (default ``dist``). The CLI
      empties only its scratch folder, so an app that raises leaves ``dist/`` as it was.
    * Run by ``cdk8s synth --output X`` or ``--stdout`` (``tools/synth.py`` does this and
      publishes itself): write only the CLI's folder, as any cdk8s app does.
    * Run by a CLI whose output *is* ``outdir``: refused (:class:`PodkitError`). The CLI deletes
      its output folder before it runs the app, so every failing synth would lose the committed
      folder; the error names ``output:`` of ``cdk8s.yaml`` and the fix.
    """
    env = os.environ if environ is None else environ
    cwd = Path.cwd()
    committed = cwd / (outdir if outdir is not None else "dist")
    cli = env.get("CDK8S_OUTDIR")
    if not cli:
        return OutputPlan(write_to=committed)
    cli_dir = cwd / cli
    if os.path.realpath(cli_dir) == os.path.realpath(committed):
        raise PodkitError(
            "",
            f"cdk8s synth's output folder '{cli}' is the folder podkit publishes to, and the cdk8s CLI "
            "deletes its output folder before it runs the app: every failing synth would lose it (and "
            f"every file in it podkit did not write). Set `output: {CLI_SCRATCH}` in cdk8s.yaml (podkit "
            f"then publishes to '{cli}' only after a successful synth) and restore '{cli}' "
            f"(`git checkout -- {cli}`), or run `podkit synth`",
        )
    if os.path.realpath(cli_dir) != os.path.realpath(_configured_output(cwd)):
        return OutputPlan(write_to=cli_dir)
    return OutputPlan(write_to=cli_dir, publish_to=committed)


def write_planned(plan: OutputPlan, files: Mapping[str, str]) -> list[str]:
    """Write ``files`` as ``plan`` says: the CLI's folder first, the committed folder last."""
    names = write_output(plan.write_to, files)
    if plan.publish_to is not None:
        write_output(plan.publish_to, files)
    return names
