"""Probes: httpGet/exec/tcpSocket with timings (P11)."""

from __future__ import annotations

import pytest

import podkit as pk


def test_http_get_with_everything() -> None:
    probe = pk.Probe.http_get(
        "/healthz",
        port=8443,
        scheme=pk.Scheme.HTTPS,
        headers={"X-Probe": "1"},
        initial_delay_seconds=5,
        period_seconds=10,
        timeout_seconds=2,
        failure_threshold=3,
        success_threshold=1,
    )
    assert probe.render() == {
        "httpGet": {
            "path": "/healthz",
            "port": 8443,
            "scheme": "HTTPS",
            "httpHeaders": [{"name": "X-Probe", "value": "1"}],
        },
        "initialDelaySeconds": 5,
        "periodSeconds": 10,
        "timeoutSeconds": 2,
        "failureThreshold": 3,
        "successThreshold": 1,
    }


def test_exec_and_tcp() -> None:
    assert pk.Probe.exec(["cat", "/tmp/ready"]).render() == {"exec": {"command": ["cat", "/tmp/ready"]}}
    assert pk.Probe.tcp_socket(port=5432).render() == {"tcpSocket": {"port": 5432}}


def test_fails_on_exec_given_a_string() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"exec probe command must be a non-empty list of str"):
        pk.Probe.exec("cat /tmp/ready")


def test_fails_on_path_without_slash() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"probe path 'live' must start with '/' \(e.g. '/live'\)"):
        pk.Probe.http_get("live", port=80)


def test_fails_on_negative_timing() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"probe period_seconds must be a non-negative int, got -1"):
        pk.Probe.http_get("/", port=80, period_seconds=-1)


def test_fails_on_invalid_port_name() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"port name 'HTTP_PORT' is not a valid IANA service name"):
        pk.Probe.tcp_socket(port="HTTP_PORT")


def test_fails_on_an_invalid_header_name() -> None:
    with pytest.raises(
        pk.InvalidNameError, match=r"probe header name 'X Probe' is not a valid HTTP header name"
    ):
        pk.Probe.http_get("/", port=80, headers={"X Probe": "1"})


def test_fails_on_a_header_name_with_a_trailing_newline() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"probe header name 'X-Probe\\n' is not a valid"):
        pk.Probe.http_get("/", port=80, headers={"X-Probe\n": "1"})


def test_fails_on_headers_given_as_a_list() -> None:
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"probe headers must be a mapping of header name to value, e.g. \{'X-Probe': '1'\}, got list",
    ):
        pk.Probe.http_get("/", port=80, headers=[("X-Probe", "1")])  # type: ignore[arg-type]


def test_fails_on_a_non_str_header_value() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"probe headers must map str to str; entry 'X-Try': 3"):
        pk.Probe.http_get("/", port=80, headers={"X-Try": 3})  # type: ignore[dict-item]


def test_fails_on_a_port_name_with_a_trailing_newline() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"port name 'http\\n' is not a valid IANA service name"):
        pk.Probe.tcp_socket(port="http\n")
