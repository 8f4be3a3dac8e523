"""Resources and quantities (P10)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import podkit as pk
from podkit.resources import parse_quantity


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("250m", Decimal("0.25")),
        ("1000m", Decimal(1)),
        ("0.5", Decimal("0.5")),
        (2, Decimal(2)),
        ("64Mi", Decimal(64 * 2**20)),
        ("128M", Decimal(128 * 10**6)),
        ("1Gi", Decimal(2**30)),
        ("1e3", Decimal(1000)),
        ("1.5Ki", Decimal(1536)),
    ],
)
def test_quantities(text: str | int, value: Decimal) -> None:
    assert parse_quantity("p", "q", text)[1] == value


def test_render_only_what_is_set() -> None:
    assert pk.Resources().render("p") is None
    assert pk.Resources(cpu_limit=0.5).render("p") == {"requests": None, "limits": {"cpu": "0.5"}}


def test_fails_on_megabytes_with_a_suggestion() -> None:
    with pytest.raises(
        pk.InvalidQuantityError,
        match=r"\[p\] memory limit '128MB' is not a Kubernetes quantity; .* Did you mean '128M' or '128Mi'\?",
    ):
        pk.Resources(memory_limit="128MB").render("p")


def test_fails_on_wrong_case_suffix() -> None:
    with pytest.raises(pk.InvalidQuantityError, match=r"Suffixes are case-sensitive: did you mean '64Mi'\?"):
        pk.Resources(memory_request="64mi").render("p")


def test_fails_on_request_above_limit() -> None:
    with pytest.raises(
        pk.InvalidQuantityError,
        match=r"\[p\] memory request '1Gi' is above its limit '512Mi'; Kubernetes rejects this: lower the request",
    ):
        pk.Resources(memory_request="1Gi", memory_limit="512Mi").render("p")
    with pytest.raises(pk.InvalidQuantityError, match=r"cpu request '2' is above its limit '1500m'"):
        pk.Resources(cpu_request=2, cpu_limit="1500m").render("p")


def test_fails_on_bare_number_memory() -> None:
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"memory limit must be a string with a unit, got 128; did you mean '128Mi'\?",
    ):
        pk.Resources(memory_limit=128).render("p")  # type: ignore[arg-type]


def test_fails_on_negative_and_garbage() -> None:
    with pytest.raises(pk.InvalidQuantityError, match=r"cpu request '-1' is negative"):
        pk.Resources(cpu_request="-1").render("p")
    with pytest.raises(pk.InvalidQuantityError, match=r"cpu limit 'lots' is not a Kubernetes quantity"):
        pk.Resources(cpu_limit="lots").render("p")


def test_fails_in_the_container_that_received_it() -> None:
    with pytest.raises(
        pk.InvalidQuantityError, match=r"\[container 'web'\] memory limit '1GB'.*'1G' or '1Gi'"
    ):
        pk.Container(name="web", image="x", resources=pk.Resources(memory_limit="1GB"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"memory_limit": "512m"},
            r"memory limit '512m' means 0.512 bytes \('m' is milli, one thousandth\); "
            r"did you mean '512Mi' \(mebibytes\) or '512M' \(megabytes\)\?",
        ),
        ({"ephemeral_storage_request": "1m"}, r"ephemeral-storage request '1m' means 0.001 bytes"),
        (
            {"cpu_request": "512Mi"},
            r"cpu request '512Mi' is 536870912 cores: byte suffixes make no sense for CPU; "
            r"did you mean '512m' \(millicores\)\?",
        ),
        ({"cpu_limit": "2G"}, r"cpu limit '2G' is 2000000000 cores: .* did you mean '2m'"),
        (
            {"cpu_limit": "500"},
            r"cpu limit '500' is 500 whole cores, more than 64; did you mean '500m' \(millicores\)\? "
            r"If you really mean cores, pass Resources\(..., allow_large_cpu=True\)",
        ),
        ({"cpu_request": 250}, r"cpu request '250' is 250 whole cores"),
    ],
)
def test_fails_on_a_likely_mistake(kwargs: dict[str, str | int], message: str) -> None:
    with pytest.raises(pk.InvalidQuantityError, match=r"^\[p\] " + message):
        pk.Resources(**kwargs).render("p")  # type: ignore[arg-type]


def test_allow_large_cpu_opts_out() -> None:
    resources = pk.Resources(cpu_request="96", cpu_limit=128, allow_large_cpu=True)
    assert resources.render("p") == {"requests": {"cpu": "96"}, "limits": {"cpu": "128"}}


def test_64_cores_and_millicores_need_no_opt_out() -> None:
    assert pk.Resources(cpu_limit="65000m", cpu_request="64").render("p") is not None


def test_fails_on_a_trailing_newline() -> None:
    with pytest.raises(
        pk.InvalidQuantityError,
        match=r"memory limit '1Gi\\n' is not a Kubernetes quantity; .* Remove the surrounding whitespace: '1Gi'",
    ):
        pk.Resources(memory_limit="1Gi\n").render("p")


def test_exa_suffix_is_a_quantity() -> None:
    assert parse_quantity("p", "q", "1E")[1] == Decimal(10**18)
