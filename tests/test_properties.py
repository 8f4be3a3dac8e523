"""Property-based: valid generated pods, ConfigMaps and Secrets always synthesize to
schema-valid objects; generated invalid names are always rejected."""

from __future__ import annotations

import os
import re
import string
import tempfile
from pathlib import Path
from typing import Literal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import podkit as pk
from tests.k8s import synth

NO_SURROGATES: tuple[Literal["Cs"]] = ("Cs",)

DNS_LABEL = st.from_regex(r"\A[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?\Z")
ENV_NAME = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_.-]{0,20}\Z")
# IsConfigMapKey: not "." or "..", and no key may start with ".." (kubectl and the API server refuse it)
CONFIG_KEY = st.from_regex(r"\A[-._a-zA-Z0-9]{1,30}\Z").filter(lambda k: k != "." and not k.startswith(".."))
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=NO_SURROGATES), max_size=40)
QUANTITY_MEM = st.builds(
    lambda n, s: f"{n}{s}", st.integers(1, 4096), st.sampled_from(["Ki", "Mi", "Gi", "k", "M", "G"])
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    # the same examples on every CI run (see tests/k8s.py PROPERTY_SETTINGS)
    derandomize=bool(os.environ.get("CI")),
)


@st.composite
def containers(draw: st.DrawFn, name: str, port_base: int) -> pk.Container:
    ports = draw(st.lists(st.integers(1, 99), max_size=3, unique=True))
    env = draw(st.dictionaries(ENV_NAME, TEXT, max_size=4))
    mem = draw(st.none() | QUANTITY_MEM)
    return pk.Container(
        name=name,
        image=draw(
            st.sampled_from(["nginx:1.14.2", "busybox", "registry.example.com/app@sha256:" + "a" * 64])
        ),
        ports=[port_base + p for p in ports],
        env=env,
        args=draw(st.none() | st.lists(TEXT, max_size=3)),
        resources=pk.Resources(memory_request=mem, memory_limit=mem) if mem else None,
    )


@SETTINGS
@given(
    pod_name=DNS_LABEL,
    main=containers("main", 1000),
    sidecars=st.lists(DNS_LABEL.filter(lambda n: n != "main"), max_size=2, unique=True),
    data=st.dictionaries(CONFIG_KEY, TEXT, max_size=5),
    secret=st.dictionaries(CONFIG_KEY, st.binary(max_size=20), max_size=4),
    labels=st.dictionaries(
        st.from_regex(r"\A[a-z]([a-z0-9.-]{0,10}[a-z0-9])?\Z"),
        st.from_regex(r"\A([a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?)?\Z"),
        max_size=3,
    ),
)
def test_valid_inputs_always_synthesize_valid_objects(
    pod_name: str,
    main: pk.Container,
    sidecars: list[str],
    data: dict[str, str],
    secret: dict[str, bytes],
    labels: dict[str, str],
) -> None:
    app = pk.App()
    chart = pk.Chart(app, "prop")
    cfg = pk.ConfigFromMap(chart, "cfg", data=data)
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for k, v in secret.items():
            (Path(folder) / k).write_bytes(v)  # binary values, as from files
            files.append(f"{k}={Path(folder) / k}")
        sec = pk.SecretEnv(chart, "sec", from_file=files)
    side = [pk.Container(name=n, image="busybox", ports=[2000 + i]) for i, n in enumerate(sidecars)]
    main.add_env_from(cfg)
    p = pk.SidecarPod(chart, pod_name, main=main, sidecars=side, labels=labels)
    p.mount(pk.Volume.from_secret(sec), at="/secret")
    objs = synth(chart)  # kubernetes-validate, strict
    assert [o["kind"] for o in objs] == ["ConfigMap", "Secret", "Pod"]
    # and podkit writes them as cdk8s would
    assert app.synth_yaml().count("---\n") == 2


@SETTINGS
@given(name=st.text(alphabet=string.ascii_letters + string.digits + "-_. /", min_size=1, max_size=70))
def test_invalid_names_are_always_rejected(name: str) -> None:
    valid = len(name) <= 63 and re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name) is not None
    try:
        pk.Container(name=name, image="x")
    except pk.InvalidNameError as e:
        assert not valid
        assert repr(name) in str(e)
    else:
        assert valid


@SETTINGS
@given(key=st.text(min_size=0, max_size=30))
def test_invalid_config_keys_are_always_rejected(key: str) -> None:
    valid = (
        0 < len(key) <= 253 and re.fullmatch(r"[-._a-zA-Z0-9]+", key) is not None and key not in (".", "..")
    )
    app = pk.App()
    chart = pk.Chart(app, "c")
    try:
        pk.ConfigFromMap(chart, "cfg", data={key: "v"})
    except pk.InvalidNameError:
        assert not valid
    else:
        assert valid
