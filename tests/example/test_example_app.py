"""The example app (app.py): its charts, by snapshot and by property.

These are the example's tests, written as a user's project writes them: the snapshot
fixture comes from podkit's pytest plugin, not from a conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from syrupy.assertion import SnapshotAssertion

import podkit as pk
from tests.k8s import by_name, synth
from tests.test_app import snapshot_folder


def test_example_app_is_byte_identical_to_a_cdk8s_app_synth(tmp_path: Path) -> None:
    # podkit.App writes YAML in Python; cdk8s.App lets Node write it: same bytes
    import cdk8s

    import app as example

    theirs = cdk8s.App(outdir=str(tmp_path / "cdk8s"))
    example.build(theirs)  # type: ignore[arg-type]
    theirs.synth()
    ours = pk.App(outdir=str(tmp_path / "podkit"))
    example.build(ours)
    ours.synth()
    assert snapshot_folder(tmp_path / "podkit") == snapshot_folder(tmp_path / "cdk8s")


def test_phases_differ_only_in_config_values(app: pk.App) -> None:
    """C7: the same constructs per phase; only the ConfigMap values (and namespace) differ."""
    import app as example

    charts = {}
    for phase in ("dev", "prod"):
        chart = pk.Chart(app, phase)
        db = pk.SecretEnv.from_name("db-credentials", keys=["username", "password"])
        token = pk.SecretEnv.from_name("api-token", keys=["token"])
        example.web_stack(chart, phase=phase, db=db, api_token=token)
        charts[phase] = synth(chart)
    dev, prod = charts["dev"], charts["prod"]
    assert [(o["kind"], o["metadata"]["name"]) for o in dev] == [
        (o["kind"], o["metadata"]["name"]) for o in prod
    ]
    assert by_name(dev, "web-settings")["data"]["API_URL"] == "https://api.dev.example.com"
    assert by_name(prod, "web-settings")["data"]["API_URL"] == "https://api.example.com"

    def without_phase(obj: dict[str, Any]) -> dict[str, Any]:
        obj = {
            **obj,
            "metadata": {
                **obj["metadata"],
                "labels": {k: v for k, v in obj["metadata"].get("labels", {}).items() if k != "phase"},
            },
        }
        return obj

    dev_web, prod_web = by_name(dev, "web", "Deployment"), by_name(prod, "web", "Deployment")
    # the pod templates differ only in the phase label and the config hash (the values differ)
    for web in (dev_web, prod_web):
        template = web["spec"]["template"]["metadata"]
        template["labels"].pop("phase")
        template["annotations"].pop("podkit.dev/config-hash")
    assert without_phase(dev_web) == without_phase(prod_web)


# The example chart (app.py), by snapshot
def test_example_web_stack(app: pk.App, snapshot_yaml: SnapshotAssertion) -> None:
    import app as example

    chart = pk.Chart(app, "dev", namespace="dev")
    db = pk.SecretEnv(chart, "db", from_literal={"username": "u", "password": "p"})
    token = pk.SecretEnv(chart, "token", from_literal={"token": "t"})
    example.web_stack(chart, phase="dev", db=db, api_token=token)
    objs = synth(chart)
    pod = by_name(objs, "web", "Deployment")["spec"]["template"]
    assert [c["name"] for c in pod["spec"]["containers"]] == ["nginx", "log-shipper"]
    assert objs == snapshot_yaml


def test_example_notes_chart(app: pk.App, snapshot_yaml: SnapshotAssertion) -> None:
    import app as example

    chart = pk.Chart(app, "notes")
    example.notes(chart)
    assert synth(chart) == snapshot_yaml


def test_example_prod_chart_uses_the_guard_and_a_reference() -> None:
    import app as example

    application = pk.App()
    example.build(application)
    prod = next(c for c in application.charts if c.node.id == "prod")
    assert isinstance(prod, pk.Chart) and prod.forbid_inline_secrets
    assert not [o for o in synth(prod) if o["kind"] == "Secret"]


def test_example_charts_check_their_pod_security_levels() -> None:
    import app as example

    application = pk.App()
    example.build(application)
    levels = {c.node.id: getattr(c, "pod_security", None) for c in application.charts}
    assert levels == {
        "notes": None,
        "dev": pk.PodSecurity.RESTRICTED,
        "prod": pk.PodSecurity.RESTRICTED,
        "controllers": None,
        "data": pk.PodSecurity.BASELINE,
        "ml": pk.PodSecurity.BASELINE,
        "payments": pk.PodSecurity.RESTRICTED,
        "node-agent": None,  # host namespaces, privileged: the privileged level
        "ci": None,  # seccomp and AppArmor unconfined
    }


def test_the_restricted_level_adds_nothing_to_the_web_stack(app: pk.App) -> None:
    # GIVEN the web stack in a chart without a level and in one checking restricted
    import app as example

    out = []
    for id, level in (("unchecked", None), ("restricted", pk.PodSecurity.RESTRICTED)):
        chart = pk.Chart(app, id, namespace="dev", pod_security=level)
        db = pk.SecretEnv.from_name("db-credentials", keys=["username", "password"])
        token = pk.SecretEnv.from_name("api-token", keys=["token"])
        example.web_stack(chart, phase="dev", db=db, api_token=token)
        out.append(synth(chart))
    # THEN both render the same objects: the hardening is the app's own, visible settings
    assert out[0] == out[1]
