"""The documentation: the generated pages (concept guide, API reference, their nav) are current,
the guide shows what it promises and cannot print something that did not happen, every
tools/guide_*.py module becomes a page, the runnable examples of the hand-written pages run,
and the README stays short and points at the site. The built site in a browser:
tests/test_docs_site.py."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import podkit as pk

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def gen_docs() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_docs
    finally:
        sys.path.pop(0)
    yield gen_docs


def test_generated_docs_are_current(gen_docs: ModuleType) -> None:
    assert gen_docs.stale() == [], "the generated docs are stale: run .venv/bin/python tools/gen_docs.py"


def guide_docs() -> list[dict[str, Any]]:
    """Every object the concept guide shows, parsed from the YAML blocks of its pages."""
    return [
        doc
        for page in sorted((DOCS / "guide").glob("*.md"))
        for body in re.findall(
            r"^```yaml\n(.*?)^```$", page.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL
        )
        for doc in yaml.safe_load_all(body)
        if doc is not None
    ]


def keys_of(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_of(item)


def test_guide_shows_every_controller_and_every_pod_field_group() -> None:
    # What issues #13 and #15 asked the guide to show: removing an example that is the only
    # one showing a field fails here.
    docs = guide_docs()
    kinds = {doc["kind"] for doc in docs}
    assert kinds >= {
        "Deployment", "Service", "StatefulSet", "DaemonSet", "Job", "CronJob", "Namespace",
        "ServiceAccount", "PersistentVolumeClaim", "Secret", "ConfigMap", "Pod",
    }  # fmt: skip
    assert {doc.get("type") for doc in docs if doc["kind"] == "Secret"} >= {
        "kubernetes.io/tls",
        "kubernetes.io/dockerconfigjson",
    }
    expected = {
        # controllers
        "strategy", "replicas", "podkit.dev/config-hash", "serviceName", "volumeClaimTemplates",
        "updateStrategy", "backoffLimit", "ttlSecondsAfterFinished", "schedule", "timeZone",
        "concurrencyPolicy", "clusterIP", "targetPort", "serviceAccountName",
        # security contexts
        "runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "fsGroupChangePolicy",
        "supplementalGroups", "readOnlyRootFilesystem", "allowPrivilegeEscalation", "capabilities",
        "seccompProfile", "appArmorProfile", "sysctls",
        # scheduling
        "nodeAffinity", "podAffinity", "podAntiAffinity", "tolerations", "topologySpreadConstraints",
        "priorityClassName", "schedulerName", "runtimeClassName",
        # lifecycle
        "postStart", "preStop", "exec", "httpGet", "sleep", "terminationGracePeriodSeconds",
        "terminationMessagePolicy", "grpc",
        # volumes
        "persistentVolumeClaim", "projected", "serviceAccountToken", "csi", "nfs", "ephemeral",
        "subPathExpr", "optional",
        # resources
        "nvidia.com/gpu", "hugepages-2Mi",
        # pod knobs
        "imagePullSecrets", "hostNetwork", "hostPID", "dnsPolicy", "dnsConfig", "hostAliases",
        "hostname", "subdomain", "automountServiceAccountToken", "shareProcessNamespace",
        "enableServiceLinks", "os",
    }  # fmt: skip
    assert sorted(expected - set(keys_of(docs))) == []


def test_guide_shows_the_pod_security_failure(gen_docs: ModuleType) -> None:
    (failing,) = [c for c in gen_docs.POD_SURFACE if c.fails]
    text = (DOCS / "guide" / "pod-surface.md").read_text(encoding="utf-8")
    shown = text[text.index(f"## {failing.rows}: ") :]
    shown = shown[
        shown.index("```text\n") + len("```text\n") : shown.index("\n```\n", shown.index("```text"))
    ]
    assert shown.startswith("synth failed with 5 problem(s); nothing was written:\n")
    assert (
        "- app.py:8: [prod/web] volume 'node-logs' uses volume type hostPath, which the restricted level forbids"
        in shown
    )


def test_fails_gen_docs_when_an_example_meant_to_fail_synthesizes(gen_docs: ModuleType) -> None:
    concept = gen_docs.Concept("X1", "a pod", "", fails=True)
    with pytest.raises(AssertionError, match=r"guide entry X1 is meant to fail synth, but it synthesized"):
        gen_docs._run(
            'pk.SidecarPod(chart, "web", main=pk.Container(name="web", image="nginx:1.27"))', concept
        )


def test_fails_gen_docs_when_an_example_fails_unexpectedly(gen_docs: ModuleType) -> None:
    # an entry not marked fails=True raises: the guide never shows an error by accident
    concept = gen_docs.Concept("X2", "a key the ConfigMap lacks", "")
    source = (
        'settings = pk.ConfigFromMap(chart, "settings", from_literal={"A": "1"})\n'
        'pk.SidecarPod(chart, "web", main=pk.Container(name="web", image="nginx:1.27", env={"B": settings.value("B")}))'
    )
    with pytest.raises(
        pk.SynthError, match=r"uses key 'B' of ConfigMap 'docs/settings', which has no such key"
    ):
        gen_docs._run(source, concept)


def test_gen_docs_shortens_only_long_base64_values_and_keeps_yaml_valid(gen_docs: ModuleType) -> None:
    text = f"data:\n  tls.key: {'A' * 300}\n  short: {'B' * 199}\n"
    shown = gen_docs._LONG_LINE.sub(gen_docs._shorten, text)
    assert shown == (
        f"data:\n  tls.key: {'A' * 40}...  # 300 base64 characters, shortened in this guide\n"
        f"  short: {'B' * 199}\n"
    )
    assert yaml.safe_load(shown) == {"data": {"tls.key": f"{'A' * 40}...", "short": "B" * 199}}


def test_gen_docs_demo_values_win_over_the_environment_and_are_restored(
    gen_docs: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a reader's real token must never end up in the guide, nor make it differ per machine
    monkeypatch.setenv("DEMO_REGISTRY_TOKEN", "a-real-token")
    monkeypatch.delenv("DEMO_DB_PASSWORD", raising=False)
    with gen_docs._demo_env():
        assert (os.environ.get("DEMO_REGISTRY_TOKEN"), os.environ.get("DEMO_DB_PASSWORD")) == (
            "not-a-real-token",
            "demo-only",
        )
    assert (os.environ.get("DEMO_REGISTRY_TOKEN"), os.environ.get("DEMO_DB_PASSWORD")) == (
        "a-real-token",
        None,
    )


GUIDE_MODULE = '''"""A demo topic."""
from gen_docs import Concept, Group

TITLE = "Demo topic by example"
GROUPS = [Group("Demo topic by example", "An intro.", [Concept("D1", "a pod", 'pk.SidecarPod(chart, "demo", main=pk.Container(name="demo", image="nginx:1.27"))')])]
'''


def _tree(root: Path) -> Path:
    (root / "docs" / "guide").mkdir(parents=True)
    (root / "docs" / "reference" / "api").mkdir(parents=True)
    (root / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def test_a_guide_module_becomes_a_page_and_a_nav_entry(
    gen_docs: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "guide_demo_topic.py").write_text(GUIDE_MODULE, encoding="utf-8")
    monkeypatch.setattr(gen_docs, "TOOLS", tools)
    monkeypatch.setattr(gen_docs, "BUILTIN_PAGES", [])
    monkeypatch.syspath_prepend(str(ROOT / "tools"))  # `from gen_docs import ...` in the module
    root = _tree(tmp_path / "repo")
    assert gen_docs.guide_modules() == ["guide_demo_topic"]
    gen_docs.write(root)
    page = (root / "docs" / "guide" / "demo-topic.md").read_text(encoding="utf-8")
    assert page.startswith("<!-- generated by tools/gen_docs.py from tools/guide_demo_topic.py")
    assert "\n# Demo topic by example\n\nAn intro.\n" in page
    assert '\n## D1: a pod\n\n```python\npk.SidecarPod(chart, "demo"' in page
    assert "\nkind: Pod\nmetadata:\n  labels:\n    run: demo\n  name: demo\n" in page
    nav = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert '      # gen_docs:guide:start\n      - "Demo topic by example": guide/demo-topic.md\n' in nav
    assert gen_docs.stale(root) == []
    # the module removed: its page goes too, and --check says so until then
    (tools / "guide_demo_topic.py").unlink()
    assert sorted(gen_docs.stale(root)) == ["docs/guide/demo-topic.md", "mkdocs.yml"]
    gen_docs.write(root)
    assert not (root / "docs" / "guide" / "demo-topic.md").exists()


def test_gen_docs_never_overwrites_a_hand_written_page(
    gen_docs: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    (root / "docs" / "guide" / "notes.md").write_text("# mine\n", encoding="utf-8")
    monkeypatch.setattr(gen_docs, "BUILTIN_PAGES", gen_docs.BUILTIN_PAGES[:1])
    monkeypatch.setattr(gen_docs, "guide_modules", list)
    with pytest.raises(SystemExit, match=r"docs/guide/notes.md is written by hand"):
        gen_docs.write(root)
    assert (root / "docs" / "guide" / "notes.md").read_text(encoding="utf-8") == "# mine\n"


def test_gen_docs_check_mode(
    gen_docs: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(gen_docs, "stale", lambda: ["docs/guide/notes.md"])
    monkeypatch.setattr(gen_docs, "write", lambda: pytest.fail("--check must write nothing"))
    monkeypatch.setattr(sys, "argv", ["gen_docs.py", "--check"])
    assert gen_docs.main() == 1
    assert "the generated docs are stale: run .venv/bin/python tools/gen_docs.py\n  docs/guide/notes.md" in (
        capsys.readouterr().err
    )
    monkeypatch.setattr(gen_docs, "stale", list)
    assert gen_docs.main() == 0


def test_every_public_module_has_an_api_page(gen_docs: ModuleType) -> None:
    lazy: dict[str, tuple[str, ...]] = pk.__dict__["_LAZY"]
    pages = {p.stem for p in (DOCS / "reference" / "api").glob("*.md")}
    assert {gen_docs.api_slug(m) for m in [*lazy, "errors", "testing"]} <= pages
    workloads = (DOCS / "reference" / "api" / "workloads.md").read_text(encoding="utf-8")
    assert "::: podkit.workloads\n" in workloads and "        - Deployment\n" in workloads


# -- the hand-written pages ---------------------------------------------------------------

HAND_WRITTEN = sorted(
    p for p in DOCS.rglob("*.md") if not p.read_text(encoding="utf-8").startswith("<!-- generated by")
)


def runnable_examples() -> list[tuple[str, str]]:
    """(page:line, code) of every Python block of a hand-written page that is a whole program
    (it starts with an import and ends by synthesizing)."""
    found = []
    for page in HAND_WRITTEN:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"^```python\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
            code = match.group(1)
            if code.startswith("import") and ".synth()" in code:
                line = text[: match.start()].count("\n") + 2
                found.append((f"{page.relative_to(ROOT)}:{line}", code))
    return found


@pytest.mark.parametrize(("where", "code"), runnable_examples(), ids=lambda v: v if ".md:" in v else "")
def test_runnable_example_synthesizes(
    where: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(code, where, "exec"), namespace)
    assert list((tmp_path / "dist").glob("*.k8s.yaml")), f"{where} wrote nothing to dist/"


def test_the_pages_that_run_cdk8s_synth_name_cdk8s_check_upgrade() -> None:
    # the cdk8s CLI asks the npm registry for an upgrade on every run unless told not to
    pages = [*HAND_WRITTEN, ROOT / "README.md"]
    missing = [
        str(p.relative_to(ROOT))
        for p in pages
        if "cdk8s synth" in (text := p.read_text(encoding="utf-8"))
        and "CDK8S_CHECK_UPGRADE=false" not in text
    ]
    assert missing == []


def test_getting_started_covers_install_init_first_app_and_the_loop() -> None:
    text = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    for step in (
        "make wheel",
        "pip install",
        "podkit init my-service",
        "make test",
        "make synth",
        "git commit",
    ):
        assert step in text, step
    assert "def build(app: pk.App) -> None:" in text  # the scaffold's shape: tests build into their own App


# -- the README -------------------------------------------------------------------------------

README = ROOT / "README.md"


def test_readme_is_short_and_links_the_site() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 300
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    local = [link for link in links if "://" not in link]
    assert {"docs/index.md", "docs/getting-started.md", "docs/guide/index.md"} <= set(local)
    assert [link for link in local if not (ROOT / link).is_file()] == []
    for command in ("make synth", "make test", "make docs", "make wheel"):
        assert command in text, command


def test_docs_site_links_between_its_pages_are_relative_markdown() -> None:
    # the pages read right on a code host too: links name .md files, never built .html or /absolute paths
    bad = [
        f"{p.relative_to(ROOT)}: {link}"
        for p in HAND_WRITTEN
        for link in re.findall(r"\]\(([^)]+)\)", p.read_text(encoding="utf-8"))
        if "://" not in link and (link.startswith("/") or ".html" in link)
    ]
    assert bad == []


def test_demo_env_is_restored_without_the_guide(gen_docs: ModuleType) -> None:
    before = dict(os.environ)
    with gen_docs._demo_env():
        pass
    assert dict(os.environ) == before
