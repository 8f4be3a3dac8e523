"""Container: ports, env, env_from, probes, mounts, and the errors for each."""

from __future__ import annotations

import pytest

import podkit as pk


def test_ports_with_names_and_protocols() -> None:
    c = pk.Container(
        name="dns", image="coredns", ports=[pk.Port(53, name="dns", protocol=pk.Protocol.UDP), 8080]
    )
    assert c.render()["ports"] == [
        {"containerPort": 53, "name": "dns", "protocol": "UDP"},
        {"containerPort": 8080},
    ]


def test_env_keeps_order() -> None:
    c = pk.Container(name="a", image="x", env={"B": "1", "A": "2"})
    c.add_env("C", pk.EnvValue.of("3"))
    assert [e["name"] for e in c.render()["env"]] == ["B", "A", "C"]


def test_fails_on_duplicate_env() -> None:
    c = pk.Container(name="a", image="x", env={"A": "1"})
    with pytest.raises(pk.DuplicateError, match=r"\[container 'a'\] env var 'A' is set twice"):
        c.add_env("A", "2")


def test_fails_on_invalid_env_name() -> None:
    with pytest.raises(
        pk.InvalidNameError, match=r"env var name '1ST VAR' is invalid: .*not starting with a digit"
    ):
        pk.Container(name="a", image="x", env={"1ST VAR": "x"})


def test_fails_on_non_string_env_value() -> None:
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"env var 'PORT' must be a str or EnvValue, got int 8080 \(quote numbers: '8080'\)",
    ):
        pk.Container(name="a", image="x", env={"PORT": 8080})  # type: ignore[dict-item]


def test_fails_on_invalid_container_name() -> None:
    with pytest.raises(
        pk.InvalidNameError, match=r"container name 'Web_Server' is not a valid DNS-1123 label.*'web-server'"
    ):
        pk.Container(name="Web_Server", image="x")


def test_fails_on_duplicate_port_in_one_container() -> None:
    with pytest.raises(pk.DuplicateError, match=r"\[container 'a'\] port 80/TCP is declared twice"):
        pk.Container(name="a", image="x", ports=[80, 80])


def test_fails_on_port_out_of_range() -> None:
    with pytest.raises(
        pk.InvalidNameError, match=r"port 70000 is out of range: use a port between 1 and 65535"
    ):
        pk.Container(name="a", image="x", ports=[70000])


def test_fails_on_probe_of_an_undeclared_port() -> None:
    with pytest.raises(
        pk.MissingReferenceError,
        match=r"\[container 'web'\] podkit rule: liveness probe uses port 8080, which the container does not declare "
        r"\(declared: 80\); add it to ports",
    ):
        pk.Container(name="web", image="nginx", ports=[80], liveness=pk.Probe.http_get("/", port=8080))


def test_fails_on_probe_of_an_undeclared_port_name() -> None:
    with pytest.raises(pk.MissingReferenceError, match=r"readiness probe uses port 'http'.*\(declared: 80\)"):
        pk.Container(name="web", image="nginx", ports=[80], readiness=pk.Probe.tcp_socket(port="http"))


def test_probe_by_port_name() -> None:
    c = pk.Container(
        name="web",
        image="nginx",
        ports=[pk.Port(80, name="http")],
        liveness=pk.Probe.http_get("/", port="http"),
    )
    assert c.render()["livenessProbe"] == {"httpGet": {"path": "/", "port": "http"}}


def test_fails_on_two_mounts_at_one_path() -> None:
    c = pk.Container(name="a", image="x")
    c.mount(pk.Volume.empty_dir("one"), at="/data")
    with pytest.raises(pk.DuplicateError, match=r"two volumes are mounted at '/data' \('one' and 'two'\)"):
        c.mount(pk.Volume.empty_dir("two"), at="/data")


def test_fails_on_a_mount_path_with_a_trailing_newline() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"mount path '/data\\n' has control characters"):
        pk.Container(name="a", image="x").mount(pk.Volume.empty_dir("one"), at="/data\n")


def test_fails_on_relative_mount_path() -> None:
    with pytest.raises(
        pk.InvalidNameError, match=r"mount path 'data' must be an absolute path \(e.g. '/data'\)"
    ):
        pk.Container(name="a", image="x").mount(pk.Volume.empty_dir("one"), at="data")


def test_fails_on_command_given_as_a_string() -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"command must be a list of str \(e.g. \['sh', '-c', '...'\]\)"
    ):
        pk.Container(name="a", image="x", command="echo hi")


def test_mount_options() -> None:
    c = pk.Container(name="a", image="x")
    c.mount(pk.Volume.empty_dir("v"), at="/etc/conf", read_only=True, sub_path="conf")
    assert c.render()["volumeMounts"] == [
        {"name": "v", "mountPath": "/etc/conf", "readOnly": True, "subPath": "conf"}
    ]


def test_errors_after_joining_a_pod_name_the_container(chart: pk.Chart) -> None:
    # a container is a value that may serve in several pods: its own errors name it, not a pod
    main = pk.Container(name="web", image="nginx")
    pk.SidecarPod(chart, "p", main=main)
    with pytest.raises(pk.InvalidNameError, match=r"^\[container 'web'\] env var name 'BAD NAME' is invalid"):
        main.add_env("BAD NAME", "x")


def test_a_subclass_setter_is_called_for_every_setting_even_unset() -> None:
    """Container stores unset settings without calling their setters; a subclass that overrides a
    setter still sees every assignment, None included."""
    seen: list[object] = []

    class Logged(pk.Container):
        @pk.Container.tty.setter  # type: ignore[attr-defined,untyped-decorator]
        def tty(self, value: bool | None) -> None:
            seen.append(value)
            pk.Container.tty.fset(self, value)  # type: ignore[attr-defined]

    Logged(name="app", image="nginx:1.27")
    assert seen == [None]
    plain = pk.Container(name="app", image="nginx:1.27")
    assert (plain.working_dir, plain.image_pull_policy, plain.resources, plain.security_context) == (
        None,
        None,
        None,
        None,
    )
    assert (plain.lifecycle, plain.termination_message_policy, plain.liveness, plain.tty) == (None,) * 4
