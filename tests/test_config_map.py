"""ConfigFromMap: data, consumption three ways (C1-C7), content-hash names, references."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from tests.k8s import by_name, synth


def test_plain_data_exact(chart: pk.Chart) -> None:
    pk.ConfigFromMap(chart, "my-configmap", data={"key1": "value1", "key2": "value2"})
    assert synth(chart) == [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "my-configmap"},
            "data": {"key1": "value1", "key2": "value2"},
        }
    ]


def test_immutable(chart: pk.Chart) -> None:
    pk.ConfigFromMap(chart, "c", data={"a": "1"}, immutable=True)
    assert synth(chart)[0]["immutable"] is True


def test_consumed_three_ways(chart: pk.Chart, snapshot_yaml: SnapshotAssertion) -> None:
    cfg = pk.ConfigFromMap(chart, "ex-config", from_literal={"ex.ample": "1", "LOG_LEVEL": "info"})
    main = pk.Container(
        name="ex-env",
        image="foo/bar",
        env={"foo-env": cfg.value("ex.ample"), "maybe": cfg.value("LOG_LEVEL", optional=True)},
        env_from=[cfg, pk.EnvFrom(cfg, prefix="CFG_", optional=True)],
    )
    pod = pk.SidecarPod(chart, "ex-env", main=main)
    pod.mount(pk.Volume.from_config_map(cfg), at="/etc/all")
    pod.mount(
        pk.Volume.from_config_map(
            cfg, name="chosen", items={"ex.ample": "conf/example"}, default_mode=0o440, optional=True
        ),
        at="/etc/chosen",
    )
    objs = synth(chart)
    spec = by_name(objs, "ex-env")["spec"]
    assert spec["containers"][0]["env"] == [
        {"name": "foo-env", "valueFrom": {"configMapKeyRef": {"name": "ex-config", "key": "ex.ample"}}},
        {
            "name": "maybe",
            "valueFrom": {"configMapKeyRef": {"name": "ex-config", "key": "LOG_LEVEL", "optional": True}},
        },
    ]
    # the notes' envFrom mistake, fixed: envFrom entries are configMapRef (+ prefix), not valueFrom
    assert spec["containers"][0]["envFrom"] == [
        {"configMapRef": {"name": "ex-config"}},
        {"configMapRef": {"name": "ex-config", "optional": True}, "prefix": "CFG_"},
    ]
    assert spec["volumes"] == [
        {"name": "ex-config", "configMap": {"name": "ex-config"}},
        {
            "name": "chosen",
            "configMap": {
                "name": "ex-config",
                "items": [{"key": "ex.ample", "path": "conf/example"}],
                "defaultMode": 0o440,
                "optional": True,
            },
        },
    ]
    assert objs == snapshot_yaml


def test_content_hash_changes_with_content_and_references_follow(app: pk.App) -> None:
    def build(chart_id: str, value: str) -> list[dict[str, Any]]:
        chart = pk.Chart(app, chart_id)
        cfg = pk.ConfigFromMap(chart, "settings", from_literal={"API_URL": value}, content_hash=True)
        pod = pk.SidecarPod(
            chart,
            "web",
            main=pk.Container(name="web", image="x", env={"API": cfg.value("API_URL")}, env_from=[cfg]),
        )
        pod.mount(pk.Volume.from_config_map(cfg, name="settings"), at="/etc/settings")
        return synth(chart)

    a, b, c = build("a", "https://one"), build("b", "https://one"), build("c", "https://two")
    names = [by_name_prefix(objs, "settings-")["metadata"]["name"] for objs in (a, b, c)]
    assert names[0] == names[1] != names[2]
    assert len(names[0]) == len("settings-") + 10
    for objs, name in zip((a, b, c), names, strict=True):
        spec = by_name(objs, "web")["spec"]
        container = spec["containers"][0]
        assert container["env"][0]["valueFrom"]["configMapKeyRef"]["name"] == name
        assert container["envFrom"][0]["configMapRef"]["name"] == name
        assert spec["volumes"][0]["configMap"]["name"] == name


def by_name_prefix(objs: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    (found,) = [o for o in objs if o["metadata"]["name"].startswith(prefix)]
    return found


def test_content_hash_is_off_by_default(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "settings", data={"a": "1"})
    assert cfg.name == "settings"


def test_reference_by_name(chart: pk.Chart) -> None:
    external = pk.ConfigFromMap.from_name("shared-settings", keys=["API_URL"])
    pod = pk.SidecarPod(
        chart,
        "web",
        main=pk.Container(name="web", image="x", env={"API": external.value("API_URL")}, env_from=[external]),
    )
    pod.mount(pk.Volume.from_config_map(external), at="/etc/shared")
    (obj,) = synth(chart)  # the referenced ConfigMap is not written
    assert obj["spec"]["containers"][0]["env"][0]["valueFrom"] == {
        "configMapKeyRef": {"name": "shared-settings", "key": "API_URL"}
    }
    assert obj["spec"]["volumes"] == [{"name": "shared-settings", "configMap": {"name": "shared-settings"}}]


def test_fails_on_a_key_a_reference_does_not_have() -> None:
    external = pk.ConfigFromMap.from_name("shared-settings", keys=["API_URL"])
    with pytest.raises(
        pk.MissingReferenceError,
        match=r"\[shared-settings\] uses key 'API' of ConfigMap 'shared-settings', which has no such key \(keys: API_URL\)",
    ):
        external.value("API")


def test_fails_at_synth_on_a_key_the_map_does_not_have(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", data={"a": "1"})
    pk.SidecarPod(chart, "p", main=pk.Container(name="c", image="x", env={"B": cfg.value("b")}))
    with pytest.raises(
        pk.SynthError,
        match=r"\[test/p: container 'c'\] uses key 'b' of ConfigMap 'test/cfg', which has no such key \(keys: a\); add the key",
    ):
        chart.to_json()


def test_key_added_after_reference_is_fine(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg")
    pk.SidecarPod(chart, "p", main=pk.Container(name="c", image="x", env={"B": cfg.value("b")}))
    cfg.add_literal("b", "later")
    assert synth(chart)[0]["data"] == {"b": "later"}


def test_fails_on_volume_items_with_unknown_keys(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", data={"a": "1"})
    pod = pk.SidecarPod(chart, "p", main=pk.Container(name="c", image="x"))
    pod.mount(pk.Volume.from_config_map(cfg, items={"nope": "nope.txt"}), at="/etc/cfg")
    with pytest.raises(
        pk.SynthError, match=r"\[test/p: volume 'cfg'\] uses key 'nope' of ConfigMap 'test/cfg'"
    ):
        chart.to_json()


def test_fails_on_a_config_map_from_another_chart(app: pk.App) -> None:
    other = pk.ConfigFromMap(pk.Chart(app, "other"), "cfg", data={"a": "1"})
    chart = pk.Chart(app, "mine")
    c = pk.Container(name="c", image="x", env={"A": other.value("a")})
    with pytest.raises(
        pk.PodkitError,
        match=r"\[mine/p\] container 'c' uses ConfigMap 'other/cfg' from another chart; .*ConfigFromMap.from_name",
    ):
        pk.SidecarPod(chart, "p", main=c)


def test_fails_on_a_missing_file_naming_where_it_looked(chart: pk.Chart) -> None:
    here = Path(__file__).parent
    with pytest.raises(
        pk.SourceError,
        match=rf"\[test/cfg\] from_file 'no-such.conf': {here}/no-such.conf does not exist \(relative paths resolve against {here}",
    ):
        pk.ConfigFromMap(chart, "cfg", from_file=["no-such.conf"])


def test_fails_on_a_single_path_instead_of_a_list(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"from_file takes a list of paths, got a single 'a.conf': write \['a.conf'\]",
    ):
        pk.ConfigFromMap(chart, "cfg", from_file="a.conf")


def test_fails_on_non_string_values(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"\[test/cfg\] value of key 'port' must be a str, got int; quote it: 'port': '80'",
    ):
        pk.ConfigFromMap(chart, "cfg", from_literal={"port": 80})  # type: ignore[dict-item]


def test_fails_on_duplicate_key_with_fix(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", data={"a": "1"})
    with pytest.raises(
        pk.DuplicateError, match=r"\[test/cfg\] key 'a' \(from literal\) is already in this ConfigMap"
    ):
        cfg.add_literal("a", "2")


def test_fails_on_env_file_export_line(chart: pk.Chart, tmp_path: Path) -> None:
    env = tmp_path / "app.env"
    env.write_text("OK=1\nexport SECRET=x\n")
    with pytest.raises(
        pk.SourceError, match=r"line 2: 'export SECRET' is not a valid key name: .*no 'export'"
    ):
        pk.ConfigFromMap(chart, "cfg", from_env_file=[env])


def test_relative_paths_resolve_against_the_calling_file(tmp_path: Path, chart: pk.Chart) -> None:
    # GIVEN a module in another directory that uses a relative path
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "app.properties").write_text("x=1\n")
    module = tmp_path / "mymodule.py"
    module.write_text(
        "import podkit as pk\n"
        "def build(chart):\n"
        "    return pk.ConfigFromMap(chart, 'cfg', from_file=['conf/app.properties'])\n"
    )
    spec = importlib.util.spec_from_file_location("mymodule", module)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    # WHEN it runs from an unrelated working directory
    cwd = os.getcwd()
    os.chdir("/")
    try:
        mod.build(chart)
    finally:
        os.chdir(cwd)
    # THEN the file was found next to the module
    assert synth(chart)[0]["data"] == {"app.properties": "x=1\n"}


def test_built_up_with_add_methods(chart: pk.Chart, tmp_path: Path) -> None:
    (tmp_path / "app.conf").write_text("x=1\n")
    (tmp_path / "app.env").write_text("A=1\n")
    cfg = pk.ConfigFromMap(chart, "cfg")
    cfg.add_file(f"conf={tmp_path / 'app.conf'}")
    cfg.add_env_file(tmp_path / "app.env")
    cfg.add_literal("b", "2")
    assert cfg.keys() == ["A", "b", "conf"]
    assert synth(chart)[0]["data"] == {"A": "1", "b": "2", "conf": "x=1\n"}
    assert chart.podkit_objects == [cfg]


def test_fails_on_immutable_given_as_a_str(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"\[test/cfg\] immutable must be a bool, got str 'yes'"):
        pk.ConfigFromMap(chart, "cfg", data={"a": "1"}, immutable="yes")  # type: ignore[arg-type]
