"""The built documentation site, opened in a real browser: headless Chromium (Debian's
``chromium`` package, which ``make test`` installs when it can) loads every page from a local
HTTP server, and each page must render (a title, its content, no error text, no script
error) and every link inside the site must lead to a page, file or anchor that exists.

The site is `make docs`'s ``.build/site`` when it is newer than every source of it, else it is
built here (``mkdocs build --strict``). Chromium is driven over its DevTools pipe
(``--remote-debugging-pipe``): one browser for all pages, no extra Python package.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / ".build" / "site"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium on PATH: `make test` installs Debian's package when it runs as root with "
        "apt-get; elsewhere install chromium to run the docs' browser test",
    ),
]


def _sources() -> Iterator[Path]:
    yield ROOT / "mkdocs.yml"
    for folder in (ROOT / "docs", ROOT / "lib" / "podkit"):
        yield from (p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _fresh(site: Path) -> bool:
    index = site / "index.html"
    return index.exists() and all(p.stat().st_mtime <= index.stat().st_mtime for p in _sources())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if _fresh(SITE):
        return SITE
    out = tmp_path_factory.mktemp("site")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run(
        [str(mkdocs), "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class Browser:
    """Headless Chromium over the DevTools protocol on a pipe (fd 3 in, fd 4 out; messages
    end with a NUL byte), with ``tabs`` tabs loading pages side by side (flattened sessions)."""

    def __init__(self, binary: str, profile: Path, tabs: int) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def fds() -> None:  # in the child: its fd 3 reads our commands, fd 4 writes answers
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self._process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--remote-debugging-pipe",
                "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=fds,
            pass_fds=(3, 4),  # kept open by Popen after fds() moved the pipes there
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.sessions = []
        for _ in range(tabs):
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            self.events[session] = []
            for domain in ("Page", "Runtime"):
                self.call(f"{domain}.enable", session=session)
            self.sessions.append(session)

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            # wait at most until the deadline: a silent browser must fail the test, not hang it
            ready, _, _ = select.select([self._from_browser], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed its DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        answer: dict[str, Any] = json.loads(message)
        if "method" in answer and answer.get("sessionId") in self.events:
            self.events[answer["sessionId"]].append(answer)
        return answer

    def call(self, method: str, *, session: str | None = None, timeout: float = 30, **params: Any) -> Any:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def open_all(self, urls: dict[str, str], timeout: float = 30) -> None:
        """Load ``urls`` (session -> URL) at once; return when every one has fired ``load``."""
        for session, url in urls.items():
            self.events[session].clear()
            self.call("Page.navigate", session=session, url=url)
        deadline = time.monotonic() + timeout
        for session in urls:
            while not any(e["method"] == "Page.loadEventFired" for e in self.events[session]):
                self._read(deadline)

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.call("Runtime.evaluate", session=session, expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"]["value"]

    def exceptions(self, session: str) -> list[str]:
        """The uncaught script errors of the page last loaded in ``session``."""
        return [
            e["params"]["exceptionDetails"].get("exception", {}).get("description")
            or e["params"]["exceptionDetails"].get("text", "")
            for e in self.events[session]
            if e["method"] == "Runtime.exceptionThrown"
        ]

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close", timeout=5)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


# What a page reports about itself, once loaded.
PAGE_REPORT = """(() => {
  const article = document.querySelector("article.md-content__inner");
  return {
    title: document.title,
    h1: (document.querySelector("article h1") || {}).textContent || "",
    text: article ? article.innerText : "",
    ids: [...document.querySelectorAll("[id]")].map(e => e.id),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    apiObjects: document.querySelectorAll(".doc-object, .doc-heading").length,
  };
})()"""

# Text that means the page did not render what it should: an unrendered mkdocstrings
# directive, a Python traceback, a 404 page, a Jinja or Markdown failure.
# pages loading side by side: the loads wait on the server and the scripts as much as on a core
TABS = 4

ERROR_TEXT = ("::: podkit", "Traceback (most recent call last)", "404 - Not found", "{{", "{%")


@pytest.fixture(scope="module")
def pages(site: Path, server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """URL path ('guide/notes/') -> its report, for every page of the site."""
    assert CHROMIUM is not None
    paths = sorted(
        p.parent.relative_to(site).as_posix() + "/"
        for p in site.rglob("index.html")
        if p.relative_to(site).parts[0] not in ("assets", "search")
    )
    paths = ["" if p == "./" else p for p in paths]
    profile = Path(tempfile.mkdtemp(dir=tmp_path_factory.mktemp("chromium")))
    browser = Browser(CHROMIUM, profile, tabs=TABS)
    reports: dict[str, dict[str, Any]] = {}
    try:
        for batch in range(0, len(paths), TABS):
            loading = dict(zip(browser.sessions, paths[batch : batch + TABS], strict=False))
            browser.open_all({session: server + path for session, path in loading.items()})
            for session, path in loading.items():
                reports[path] = browser.evaluate(session, PAGE_REPORT)
                reports[path]["exceptions"] = browser.exceptions(session)
    finally:
        browser.close()
    return reports


def test_every_page_renders(pages: dict[str, dict[str, Any]]) -> None:
    assert {"", "getting-started/", "guide/notes/", "guide/controllers/", "guide/pod-surface/"} <= set(pages)
    assert any(p.startswith("reference/api/") for p in pages) and any(p.startswith("howto/") for p in pages)
    for path, report in pages.items():
        assert report["title"].endswith("podkit") or report["title"] == "podkit", (path, report["title"])
        assert report["h1"].strip(), f"{path}: no heading"
        assert len(report["text"]) > 300, f"{path}: almost no content ({len(report['text'])} characters)"
        shown = [t for t in ERROR_TEXT if t in report["text"]]
        assert not shown, f"{path}: error text on the page: {shown}"
        assert report["exceptions"] == [], f"{path}: script errors: {report['exceptions']}"


def test_api_pages_show_the_docstrings(pages: dict[str, dict[str, Any]]) -> None:
    api = {p: r for p, r in pages.items() if p.startswith("reference/api/")}
    for path, report in api.items():
        assert report["apiObjects"] > 0, f"{path}: mkdocstrings rendered nothing"
    assert "main container" in api["reference/api/workloads/"]["text"].lower()
    assert "Deployment" in api["reference/api/workloads/"]["text"]


def test_guide_pages_show_code_and_yaml(pages: dict[str, dict[str, Any]]) -> None:
    notes = pages["guide/notes/"]["text"]
    assert 'pk.SidecarPod(chart, "nginx"' in notes and "kind: Pod" in notes


def test_every_internal_link_resolves(site: Path, server: str, pages: dict[str, dict[str, Any]]) -> None:
    broken = []
    for path, report in pages.items():
        for href in report["links"]:
            if not href.startswith(server):
                continue  # another site (cdk8s.io): not ours to check
            url = urllib.parse.urlsplit(href)
            target = url.path.removeprefix(urllib.parse.urlsplit(server).path)
            file = site / urllib.parse.unquote(target)
            if target == "" or target.endswith("/"):
                file = file / "index.html"
            if not file.is_file():
                broken.append(f"{path or '/'} -> {href} (no {file.relative_to(site)})")
                continue
            if url.fragment:
                page = "" if target in ("", "index.html") else target
                ids = pages.get(page, {}).get("ids")
                if ids is not None and urllib.parse.unquote(url.fragment) not in ids:
                    broken.append(f"{path or '/'} -> {href} (no anchor #{url.fragment})")
    assert broken == []
