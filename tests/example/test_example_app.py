"""The example app (app.py): its charts, by snapshot and by property.

These are the example's tests, written as a user's project writes them: everything comes
from podkit's pytest plugin (``snapshot_yaml``, :mod:`podkit.testing`) and cdk8s, nothing
from this repo's library tests or their ``conftest.py`` fixtures.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import cdk8s
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from podkit.testing import assert_same_output, assert_schema_valid, read_output

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG_HASH = "podkit.dev/config-hash"


def synth(chart: cdk8s.Chart) -> list[dict[str, Any]]:
    """The chart's objects, as dist/ would hold them, checked against the strict schema."""
    objs: list[dict[str, Any]] = cdk8s.Testing.synth(chart)
    assert_schema_valid(objs)
    return objs


def by_name(objs: list[dict[str, Any]], name: str, kind: str | None = None) -> dict[str, Any]:
    found = [o for o in objs if o["metadata"]["name"] == name and (kind is None or o["kind"] == kind)]
    assert len(found) == 1, f"expected one object named {name!r}, found {len(found)}"
    return found[0]


def test_example_app_is_byte_identical_to_a_cdk8s_app_synth(tmp_path: Path) -> None:
    # podkit.App writes YAML in Python; cdk8s.App lets Node write it: same bytes
    import app as example

    theirs = cdk8s.App(outdir=str(tmp_path / "cdk8s"))
    example.build(theirs)  # type: ignore[arg-type]
    theirs.synth()
    ours = pk.App(outdir=str(tmp_path / "podkit"))
    example.build(ours)
    ours.synth()
    assert_same_output(tmp_path / "cdk8s", tmp_path / "podkit")
    assert_schema_valid(read_output(tmp_path / "podkit"))


# what app.py reads, relative to itself: the env and properties files, the sealing certificate
# and the sealed store
EXAMPLE_FILES = ("app.py", "config", "sealed-secrets.yaml", "tests/fixtures/sealed-secrets/tls.crt")


def _synth_copy(folder: Path, edit: dict[str, tuple[str, str]] | None = None) -> Path:
    """Copy the example to ``folder``, apply ``{file: (old, new)}`` edits, synthesize; the output folder."""
    for name in EXAMPLE_FILES:
        source, target = ROOT / name, folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    for name, (old, new) in (edit or {}).items():
        text = (folder / name).read_text()
        assert text.count(old) == 1, f"{name} holds {old!r} {text.count(old)} times"
        (folder / name).write_text(text.replace(old, new))
    # the copy's own app.py, under its own module name: its files resolve against the copy
    spec = importlib.util.spec_from_file_location(f"example_{folder.name}", folder / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app = pk.App(outdir=str(folder / "dist"))
    module.build(app)
    app.synth()
    return folder / "dist"


def test_changing_a_value_in_the_env_file_rolls_the_web_deployment(tmp_path: Path) -> None:
    # GIVEN the example as committed, and a copy whose config/dev.env has one value changed
    before = _synth_copy(tmp_path / "before")
    assert_same_output(ROOT / "dist", before)
    after = _synth_copy(tmp_path / "after", {"config/dev.env": ("LOG_LEVEL=debug", "LOG_LEVEL=info")})
    old, new = read_output(before), read_output(after)
    # THEN only the dev chart changed: its ConfigMap carries the value...
    assert {f: d for f, d in old.items() if f != "dev.k8s.yaml"} == {
        f: d for f, d in new.items() if f != "dev.k8s.yaml"
    }
    changed = [
        (o["kind"], o["metadata"]["name"]) for o in new["dev.k8s.yaml"] if o not in old["dev.k8s.yaml"]
    ]
    assert changed == [("ConfigMap", "web-settings"), ("Deployment", "web")]
    assert by_name(new["dev.k8s.yaml"], "web-settings")["data"]["LOG_LEVEL"] == "info"
    # ...and the Deployment's pod template changed in its config hash alone, so the pods roll
    web_old = by_name(old["dev.k8s.yaml"], "web", "Deployment")
    web_new = by_name(new["dev.k8s.yaml"], "web", "Deployment")
    hash_old = web_old["spec"]["template"]["metadata"]["annotations"].pop(CONFIG_HASH)
    hash_new = web_new["spec"]["template"]["metadata"]["annotations"].pop(CONFIG_HASH)
    assert hash_old != hash_new
    assert web_old == web_new


def test_phases_differ_only_in_config_values() -> None:
    """C7: the same constructs per phase; only the ConfigMap values (and namespace) differ."""
    import app as example

    app = pk.App()
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
def test_example_web_stack(snapshot_yaml: SnapshotAssertion) -> None:
    import app as example

    chart = pk.Chart(pk.App(), "dev", namespace="dev")
    db = pk.SecretEnv(chart, "db", from_literal={"username": "u", "password": "p"})
    token = pk.SecretEnv(chart, "token", from_literal={"token": "t"})
    example.web_stack(chart, phase="dev", db=db, api_token=token)
    objs = synth(chart)
    pod = by_name(objs, "web", "Deployment")["spec"]["template"]
    assert [c["name"] for c in pod["spec"]["containers"]] == ["nginx", "log-shipper", "exporter"]
    assert objs == snapshot_yaml


def test_example_notes_chart(snapshot_yaml: SnapshotAssertion) -> None:
    import app as example

    chart = pk.Chart(pk.App(), "notes")
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


def test_the_restricted_level_adds_nothing_to_the_web_stack() -> None:
    # GIVEN the web stack in a chart without a level and in one checking restricted
    import app as example

    app = pk.App()
    out = []
    for id, level in (("unchecked", None), ("restricted", pk.PodSecurity.RESTRICTED)):
        chart = pk.Chart(app, id, namespace="dev", pod_security=level)
        db = pk.SecretEnv.from_name("db-credentials", keys=["username", "password"])
        token = pk.SecretEnv.from_name("api-token", keys=["token"])
        example.web_stack(chart, phase="dev", db=db, api_token=token)
        out.append(synth(chart))
    # THEN both render the same objects: the hardening is the app's own, visible settings
    assert out[0] == out[1]
