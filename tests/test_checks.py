"""The shared rules of ``_checks``: full matches, and the early raising checks built on them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import podkit as pk
from podkit import _checks

# Every name/key/label/env/port-name rule, with one valid value: a trailing newline on it
# must fail (``$`` would have accepted it, and YAML would write a block scalar).
NAME_CHECKS: list[tuple[str, Callable[[str], object], str]] = [
    ("dns label", lambda v: _checks.dns_label("p", "name", v), "web"),
    ("dns subdomain", lambda v: _checks.dns_subdomain("p", "name", v), "web.example"),
    ("env var name", lambda v: _checks.env_name("p", v), "LOG_LEVEL"),
    ("config key", lambda v: _checks.config_key("p", v), "app.yaml"),
    ("label key", lambda v: _checks.label_key("p", v), "app.kubernetes.io/name"),
    ("label value", lambda v: _checks.label_value("p", "app", v), "web"),
    ("port name", lambda v: _checks.port_name("p", v), "http"),
    ("http header name", lambda v: _checks.http_header_name("p", v), "X-Probe"),
    ("image", lambda v: _checks.image_ref("p", v), "nginx:1.27"),
]


@pytest.mark.parametrize(("what", "check", "good"), NAME_CHECKS, ids=[c[0] for c in NAME_CHECKS])
def test_accepts_the_valid_value(what: str, check: Callable[[str], object], good: str) -> None:
    check(good)


@pytest.mark.parametrize(("what", "check", "good"), NAME_CHECKS, ids=[c[0] for c in NAME_CHECKS])
def test_fails_on_a_trailing_newline(what: str, check: Callable[[str], object], good: str) -> None:
    with pytest.raises(pk.InvalidNameError, match=r"^\[p\] "):
        check(good + "\n")


def test_fails_on_a_trailing_newline_in_a_label_key_prefix() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"label key 'example.com\\n/x' is invalid"):
        _checks.label_key("p", "example.com\n/x")


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "nginx:1.27",
        "library/nginx:1.27-alpine",
        "ghcr.io/org/app:v1.2.3",
        "localhost:5000/app",
        "registry.example.com:5000/team/app_name:latest",
        "[::1]:5000/app:1",
        "app@sha256:" + "0" * 64,
        "Registry.Example.com/app:1",
    ],
)
def test_accepts_pullable_images(image: str) -> None:
    assert _checks.image_ref("p", image) == image


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("nginx: 1.27", "it contains whitespace; remove it (e.g. 'nginx:1.27')"),
        (" nginx", "it contains whitespace; remove it (e.g. 'nginx')"),
        ("", "it is empty; use a reference such as 'nginx:1.27'"),
        ("Nginx:1.27", "the repository path must be lower-case (e.g. 'nginx:1.27')"),
        ("ghcr.io/MyOrg/App:1", "the repository path must be lower-case (e.g. 'ghcr.io/myorg/app:1')"),
        ("nginx:.1", "tag '.1' is invalid"),
        ("nginx@md5:12", "the digest after '@' must be 'algorithm:hex'"),
        ("my..app", "repository path component 'my..app' must be lower-case letters and digits"),
        ("bad_host.io:x/app", "registry 'bad_host.io:x' is not a host name with an optional ':port'"),
    ],
)
def test_fails_on_an_unpullable_image(image: str, reason: str) -> None:
    with pytest.raises(pk.InvalidNameError) as err:
        _checks.image_ref("p", image)
    # a podkit rule (the API server accepts any non-empty image), and the message says so
    rule = "podkit rule: " if image else ""
    assert str(err.value).startswith(f"[p] {rule}image {image!r} is not a pullable image reference: {reason}")


def test_fails_on_a_non_str_image() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"image must be a str, got int 5"):
        _checks.image_ref("p", 5)


def test_fails_on_an_http_header_name_with_a_space() -> None:
    with pytest.raises(
        pk.InvalidNameError,
        match=r"\[p\] probe header name 'X Probe' is not a valid HTTP header name: use letters, digits",
    ):
        _checks.http_header_name("p", "X Probe")


@pytest.mark.parametrize("value", ["a", "a/b", "a/..b", "dir/file.txt"])
def test_accepts_relative_paths(value: str) -> None:
    assert _checks.relative_path("p", "item path", value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("/etc/x", "item path '/etc/x' must be a relative path without a '..' element (e.g. 'etc/x')"),
        ("a/../../x", "item path 'a/../../x' must be a relative path without a '..' element (e.g. 'a/x')"),
        ("", "item path is empty: use a relative path such as 'config.yaml'"),
    ],
)
def test_fails_on_a_bad_relative_path(value: str, message: str) -> None:
    with pytest.raises(pk.InvalidNameError) as err:
        _checks.relative_path("p", "item path", value)
    assert str(err.value) == f"[p] {message}"


def test_fails_on_a_reserved_path_prefix() -> None:
    # the kubelet keeps its own '..data' links in ConfigMap/Secret volumes
    with pytest.raises(pk.InvalidNameError, match=r"and not starting with '\.\.' \(e\.g\. 'data'\)"):
        _checks.relative_path("p", "item path", "..data", reserved=True)


@pytest.mark.parametrize(
    ("value", "fix"), [("/etc/app.yaml", "etc/app.yaml"), ("../x", "x"), ("a/../b", "a/b")]
)
def test_fails_on_a_bad_sub_path(value: str, fix: str) -> None:
    with pytest.raises(pk.InvalidNameError) as err:
        _checks.sub_path("c", value)
    assert str(err.value) == (
        f"[c] sub_path {value!r} must be a relative path inside the volume without a '..' element "
        f"(e.g. {fix!r})"
    )


def test_accepts_a_sub_path() -> None:
    assert _checks.sub_path("c", "conf/app.yaml") == "conf/app.yaml"


def test_fails_on_a_relative_mount_path() -> None:
    with pytest.raises(
        pk.InvalidNameError, match=r"\[c\] mount path 'data' must be an absolute path \(e.g. '/data'\)"
    ):
        _checks.mount_path("c", "data")


def test_fails_on_a_host_path_with_backsteps() -> None:
    with pytest.raises(
        pk.InvalidNameError,
        match=r"\[c\] host path '/var/\.\./etc' must not contain a '\.\.' element: write the resolved path",
    ):
        _checks.host_path("c", "/var/../etc")


@pytest.mark.parametrize(
    ("path", "volume", "ok"),
    [
        ("spec.nodeName", False, True),
        ("spec.nodeName", True, False),
        ("metadata.labels", True, True),
        ("metadata.labels", False, False),
        ("metadata.labels['app']", False, True),
        ("metadata.annotations['Example.com/Owner']", True, True),
        ("metadata.labels['a b']", False, False),
        ("spec.garbage", False, False),
        ("metadata.name\n", False, False),
    ],
)
def test_field_paths(path: str, volume: bool, ok: bool) -> None:
    assert (_checks.field_path_error("f", path, volume=volume) is None) is ok


@pytest.mark.parametrize(
    ("resource", "divisor", "ok"),
    [
        ("limits.cpu", "1m", True),
        ("limits.cpu", "1", True),
        ("limits.cpu", "1000m", True),
        ("limits.cpu", "1Mi", False),
        ("requests.memory", "1Mi", True),
        ("requests.memory", "1E", True),
        ("requests.memory", "1MB", False),
        ("requests.memory", "2Mi", False),
        ("limits.ephemeral-storage", "1Gi", True),
        ("limits.memory", None, True),
    ],
)
def test_divisors(resource: str, divisor: str | None, ok: bool) -> None:
    assert (_checks.divisor_error("d", resource, divisor) is None) is ok


def test_jsonable_sorts_keys_drops_nulls_and_copies_every_level() -> None:
    from collections import OrderedDict

    from podkit._checks import jsonable

    m: list[Any] = [{"y": None, "b": [3, {"k": "v", "c": None}]}, [{"q": 1, "p": 2}], "s"]
    inner: dict[str, Any] = {"z": 1, "a": None, "m": m}
    value = {"zeta": inner, "alpha": {"only": None}, "one": {"x": 0}, "empty": {}, "list": []}
    out = jsonable(value)
    assert out == {
        "alpha": {},
        "empty": {},
        "list": [],
        "one": {"x": 0},
        "zeta": {"m": [{"b": [3, {"k": "v"}]}, [{"p": 2, "q": 1}], "s"], "z": 1},
    }
    # the order is the sorted one at every level (a dict compares equal in any order)
    assert list(out) == ["alpha", "empty", "list", "one", "zeta"]
    assert list(out["zeta"]) == ["m", "z"]
    assert list(out["zeta"]["m"][1][0]) == ["p", "q"]
    # a copy: the input is untouched and shares no container with the output
    assert inner["a"] is None and list(inner) == ["z", "a", "m"]
    assert out["zeta"]["m"] is not m and out["zeta"]["m"][0]["b"][1] is not m[0]["b"][1]
    # a subclass at the top goes the general way; scalars come back as they are
    assert list(jsonable(OrderedDict([("b", 1), ("a", None)]))) == ["b"]
    assert jsonable("text") == "text" and jsonable(None) is None
