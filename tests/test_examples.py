"""The examples: the GitOps files (examples/, .pre-commit-hooks.yaml) are valid YAML pointing
at dist/, and the README concept guide (tools/gen_docs.py) shows what it promises and cannot
print something that did not happen. That the guide is current is checked by
tests/test_foundation.py (test_readme_concept_guide_is_current)."""

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


def load(rel: str) -> list[Any]:
    return [d for d in yaml.safe_load_all((ROOT / rel).read_text(encoding="utf-8")) if d is not None]


def test_argocd_application_syncs_the_output_folder() -> None:
    (app,) = load("examples/gitops/argocd-application.yaml")
    assert (app["apiVersion"], app["kind"]) == ("argoproj.io/v1alpha1", "Application")
    assert app["spec"]["source"]["path"] == "dist"
    # no app-wide syncOptions: Replace=true is `kubectl replace`, still rejected for immutable
    # fields, and replaces everything; Force=true,Replace=true belongs on the flagged objects only
    assert app["spec"]["syncPolicy"] == {"automated": {"prune": True, "selfHeal": True}}
    text = (ROOT / "examples/gitops/argocd-application.yaml").read_text(encoding="utf-8")
    assert "#     argocd.argoproj.io/sync-options: Force=true,Replace=true\n" in text


def test_flux_kustomization_applies_the_output_folder_from_its_source() -> None:
    source, kustomization = load("examples/gitops/flux-kustomization.yaml")
    assert (source["kind"], kustomization["kind"]) == ("GitRepository", "Kustomization")
    assert kustomization["spec"]["path"] == "./dist"
    assert kustomization["spec"]["sourceRef"] == {"kind": "GitRepository", "name": source["metadata"]["name"]}
    # no Kustomization-wide force (it would recreate any object, a PVC included); per object instead
    assert "force" not in kustomization["spec"]
    text = (ROOT / "examples/gitops/flux-kustomization.yaml").read_text(encoding="utf-8")
    assert "#     kustomize.toolkit.fluxcd.io/force: enabled\n" in text


def test_ci_workflow_fails_on_stale_output() -> None:
    (workflow,) = load("examples/ci/github-workflow.yaml")
    runs = [step.get("run") for step in workflow["jobs"]["test"]["steps"]]
    assert runs[-2:] == ["make test", ".venv/bin/podkit diff"]


def test_pre_commit_hook_runs_podkit_diff() -> None:
    (hooks,) = load(".pre-commit-hooks.yaml")
    (hook,) = hooks
    assert (hook["id"], hook["entry"], hook["pass_filenames"]) == ("podkit-diff", "podkit diff", False)


# -- the README concept guide ---------------------------------------------------------------


@pytest.fixture(scope="module")
def gen_docs() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_docs
    finally:
        sys.path.pop(0)
    yield gen_docs


def guide_docs() -> list[dict[str, Any]]:
    """Every object the README's concept guide shows, parsed from its YAML blocks."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index("<!-- concepts:start -->") : text.index("<!-- concepts:end -->")]
    return [
        doc
        for body in re.findall(r"^```yaml\n(.*?)^```$", block, flags=re.MULTILINE | re.DOTALL)
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


def test_readme_guide_shows_every_controller_and_every_pod_field_group() -> None:
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


def test_readme_guide_shows_the_pod_security_failure(gen_docs: ModuleType) -> None:
    (failing,) = [c for c in gen_docs.POD_SURFACE if c.fails]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = text[text.index(f"### {failing.rows}: ") :]
    shown = shown[
        shown.index("```text\n") + len("```text\n") : shown.index("\n```\n", shown.index("```text"))
    ]
    assert shown.startswith("synth failed with 5 problem(s); nothing was written:\n")
    assert (
        "- [prod/web] volume 'node-logs' uses volume type hostPath, which the restricted level forbids"
        in shown
    )


def test_fails_gen_docs_when_an_example_meant_to_fail_synthesizes(gen_docs: ModuleType) -> None:
    concept = gen_docs.Concept("X1", "a pod", "", fails=True)
    with pytest.raises(AssertionError, match=r"README X1 is meant to fail synth, but it synthesized"):
        gen_docs._run(
            'pk.SidecarPod(chart, "web", main=pk.Container(name="web", image="nginx:1.27"))', concept
        )


def test_fails_gen_docs_when_an_example_fails_unexpectedly(gen_docs: ModuleType) -> None:
    # an entry not marked fails=True raises: the README never shows an error by accident
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
        f"data:\n  tls.key: {'A' * 40}...  # 300 base64 characters, shortened in this README\n"
        f"  short: {'B' * 199}\n"
    )
    assert yaml.safe_load(shown) == {"data": {"tls.key": f"{'A' * 40}...", "short": "B" * 199}}


def test_gen_docs_demo_values_win_over_the_environment_and_are_restored(
    gen_docs: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a reader's real token must never end up in the README, nor make it differ per machine
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


def test_gen_docs_check_mode(
    gen_docs: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# head\n{gen_docs.START}\nold\n{gen_docs.END}\ntail\n", encoding="utf-8")
    monkeypatch.setattr(gen_docs, "README", readme)
    monkeypatch.setattr(gen_docs, "render", lambda: f"{gen_docs.START}\nnew\n{gen_docs.END}")
    monkeypatch.setattr(sys, "argv", ["gen_docs.py", "--check"])
    assert gen_docs.main() == 1
    assert "README.md concept guide is stale" in capsys.readouterr().err
    assert "old" in readme.read_text(encoding="utf-8")  # --check writes nothing
    monkeypatch.setattr(sys, "argv", ["gen_docs.py"])
    assert gen_docs.main() == 0
    assert readme.read_text(encoding="utf-8") == f"# head\n{gen_docs.START}\nnew\n{gen_docs.END}\ntail\n"
    monkeypatch.setattr(sys, "argv", ["gen_docs.py", "--check"])
    assert gen_docs.main() == 0
