"""The examples: the GitOps files (examples/, .pre-commit-hooks.yaml) are valid YAML pointing
at dist/. The concept guide generated from runnable examples is tested in tests/test_docs.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

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
