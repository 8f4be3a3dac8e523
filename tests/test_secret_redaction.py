"""Secret values, nowhere: every value any Secret of the app holds (before patches and after,
plain and base64, podkit's Secrets and foreign ones) is hidden from every synth message, fix and
warning, wherever a patch moved or copied it; and a ConfigMap repeating a Secret's value warns.
"""

from __future__ import annotations

import base64
import sys
import warnings
from pathlib import Path
from typing import Any

import cdk8s
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import podkit as pk
from podkit import SecretValueWarning, _validate

IMAGE = "nginx:1.27"
SECRET = "hunter2 correct horse!"  # invalid as a label value (spaces; "=" in base64): it lands in a message
B64 = base64.b64encode(SECRET.encode()).decode()


def failure(app: cdk8s.App | pk.App, chart: pk.Chart | None = None) -> pk.SynthError:
    with pytest.raises(pk.SynthError) as err:
        if chart is not None:
            chart.to_json()
        else:
            app.synth_documents()  # type: ignore[union-attr]
    return err.value


def everything(err: pk.SynthError) -> str:
    """All text a user may see of a failure: str, repr, each problem's str and repr, fixes."""
    parts = [str(err), repr(err)]
    for p in err.problems:
        parts += [str(p), repr(p), p.message, p.fix]
    return "\n".join(parts)


def assert_hidden(text: str, *values: str) -> None:
    for value in values:
        assert value not in text
    assert "<Secret value not shown>" in text


def patched(obj: Any, *ops: cdk8s.JsonPatch) -> None:
    cdk8s.ApiObject.of(obj).add_json_patch(*ops)


def deployment(chart: pk.Chart) -> pk.Deployment:
    return pk.Deployment(chart, "web", main=pk.Container(name="web", image=IMAGE))


# -- moved or copied by a patch -------------------------------------------------------------------
@pytest.mark.parametrize("field", ["data", "stringData"])
def test_a_value_moved_out_of_the_secret_into_a_label_is_hidden(app: pk.App, field: str) -> None:
    chart = pk.Chart(app, "c", namespace="x")
    secret = pk.SecretEnv(
        chart, "db", from_literal={"password": SECRET}, labels={"a": "b"}, string_data=field == "stringData"
    )
    patched(secret, cdk8s.JsonPatch.move(from_=f"/{field}/password", path="/metadata/labels/pw"))
    err = failure(app)
    assert [(p.path, p.message) for p in err.problems] == [
        (
            "c/db",
            "metadata.labels['pw'] has invalid value <Secret value not shown>: use at most 63 letters, "
            "digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string",
        ),
    ]
    assert_hidden(everything(err), SECRET, B64)


def test_a_value_copied_into_a_wrong_typed_field_of_another_object_is_hidden(app: pk.App) -> None:
    chart = pk.Chart(app, "c", namespace="x")
    pk.SecretEnv(chart, "db", from_literal={"password": SECRET})
    patched(deployment(chart), cdk8s.JsonPatch.add("/spec/replicas", SECRET))
    assert_hidden(everything(failure(app)), SECRET, B64)


def test_a_base64_value_copied_elsewhere_is_hidden(app: pk.App) -> None:
    chart = pk.Chart(app, "c", namespace="x")
    pk.SecretEnv(chart, "db", from_literal={"password": SECRET})
    patched(deployment(chart), cdk8s.JsonPatch.add("/spec/paused", B64))  # a bool field
    assert_hidden(everything(failure(app)), SECRET, B64)


def test_a_value_moved_into_a_wrong_typed_field_of_the_secret_is_hidden(app: pk.App) -> None:
    chart = pk.Chart(app, "c", namespace="x")
    secret = pk.SecretEnv(chart, "db", from_literal={"password": SECRET})
    patched(secret, cdk8s.JsonPatch.move(from_="/data/password", path="/immutable"))
    assert_hidden(everything(failure(app)), SECRET, B64)


def test_a_value_of_another_charts_foreign_secret_is_hidden(app: pk.App) -> None:
    # a cdk8s L1-style Secret in one chart; a patch in another chart copies its value
    shared = pk.Chart(app, "shared", namespace="x")
    cdk8s.ApiObject(shared, "db", api_version="v1", kind="Secret", metadata={"name": "db"}).add_json_patch(
        cdk8s.JsonPatch.add("/stringData", {"password": SECRET})
    )
    web = deployment(pk.Chart(app, "web", namespace="y"))
    patched(web, cdk8s.JsonPatch.add("/spec/template/metadata/labels/pw", SECRET))
    err = failure(app)
    assert [p.path for p in err.problems] == ["web/web"]
    assert_hidden(everything(err), SECRET, B64)


def test_a_podkit_chart_in_a_cdk8s_app_hides_its_secrets_values(tmp_path: Path) -> None:
    app = cdk8s.App(outdir=str(tmp_path))
    chart = pk.Chart(app, "c", namespace="x")
    secret = pk.SecretEnv(chart, "db", from_literal={"password": SECRET}, labels={"a": "b"})
    patched(secret, cdk8s.JsonPatch.move(from_="/data/password", path="/metadata/labels/pw"))
    patched(deployment(chart), cdk8s.JsonPatch.add("/spec/replicas", SECRET))
    err = failure(app, chart)
    assert len(err.problems) == 2
    assert_hidden(everything(err), SECRET, B64)


def test_a_warning_carrying_a_secret_value_is_scrubbed(app: pk.App) -> None:
    class Noisy(cdk8s.ApiObject):
        def to_json(self) -> Any:
            warnings.warn(f"noisy construct saw {SECRET}", UserWarning, stacklevel=1)
            return super().to_json()

    chart = pk.Chart(app, "c", namespace="x")
    pk.SecretEnv(chart, "db", from_literal={"password": SECRET})
    Noisy(chart, "n", api_version="v1", kind="ConfigMap", metadata={"name": "n"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app.synth_documents()
    texts = [str(w.message) for w in caught if "noisy" in str(w.message)]
    assert texts and all(SECRET not in t for t in texts)
    assert "noisy construct saw <Secret value not shown>" in texts


_values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=8, max_size=40
).filter(lambda v: v.strip() == v and "<" not in v)
_places = st.sampled_from(
    [
        ("secret", "/metadata/labels/pw"),
        ("secret", "/immutable"),
        ("secret", "/type"),
        ("deployment", "/spec/replicas"),
        ("deployment", "/spec/template/metadata/labels/pw"),
        ("deployment", "/metadata/labels/pw"),
        ("deployment", "/spec/template/spec/containers/0/image"),
    ]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_values, place=_places, move=st.booleans(), encoded=st.booleans())
def test_no_secret_value_ever_reaches_a_message(
    tmp_path: Path, value: str, place: tuple[str, str], move: bool, encoded: bool
) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"))
    chart = pk.Chart(app, "c", namespace="x")
    secret = pk.SecretEnv(chart, "db", from_literal={"password": value}, labels={"a": "b"})
    web = deployment(chart)
    b64 = base64.b64encode(value.encode()).decode()
    where, path = place
    if where == "secret" and move:
        patched(secret, cdk8s.JsonPatch.move(from_="/data/password", path=path))
    else:
        patched(secret if where == "secret" else web, cdk8s.JsonPatch.add(path, b64 if encoded else value))
    try:
        app.synth_documents()
    except pk.SynthError as err:
        text = everything(err)
        assert value not in text and b64 not in text


# -- a ConfigMap repeating a Secret's value -------------------------------------------------------
def test_warns_on_a_config_map_built_from_the_secrets_env_file(app: pk.App, tmp_path: Path) -> None:
    env = tmp_path / "app.env"
    env.write_text("DB_HOST=db.internal\nDB_PASSWORD=s3cr3t-pw\n")
    chart = pk.Chart(app, "c", namespace="x")
    pk.SecretEnv(chart, "db", from_env_file=[env])
    pk.ConfigFromMap(chart, "settings", from_env_file=[env])
    with pytest.warns(SecretValueWarning) as caught:
        app.synth_documents()
    assert [str(w.message) for w in caught] == [
        "c/settings: ConfigMap 'settings' holds the value of Secret c/db under keys DB_HOST, DB_PASSWORD; a "
        "ConfigMap is not secret (anyone who may read ConfigMaps, and dist/, sees it): keep the value only in "
        "the Secret (e.g. split the env file in two)"
    ]
    assert "s3cr3t-pw" not in str(caught[0].message)


def test_warns_on_a_long_secret_value_under_another_key_in_another_chart(app: pk.App) -> None:
    pk.SecretEnv(pk.Chart(app, "secrets", namespace="x"), "db", from_literal={"password": SECRET})
    pk.ConfigFromMap(pk.Chart(app, "web", namespace="x"), "settings", data={"DSN": SECRET})
    with pytest.warns(
        SecretValueWarning,
        match=r"^web/settings: ConfigMap 'settings' holds the value of Secret "
        r"secrets/db under key DSN \(the Secret's password\);",
    ) as caught:
        app.synth_documents()
    assert SECRET not in str(caught[0].message)


def test_the_warning_for_a_raw_config_map_names_the_line_that_ran_synth(app: pk.App) -> None:
    # GIVEN a ConfigMap no podkit construct made (no line created it that podkit knows of)
    chart = pk.Chart(app, "c", namespace="x")
    pk.SecretEnv(chart, "db", from_literal={"password": SECRET})
    raw = cdk8s.ApiObject(chart, "raw", api_version="v1", kind="ConfigMap", metadata={"name": "raw"})
    raw.add_json_patch(cdk8s.JsonPatch.add("/data", {"DSN": SECRET}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        synthesized = sys._getframe().f_lineno + 1
        app.synth_documents()
    # THEN it is shown at the user's line that synthesized it, not inside podkit
    assert [(w.category, w.filename, w.lineno) for w in caught] == [
        (SecretValueWarning, __file__, synthesized)
    ]
    assert str(caught[0].message) == (
        "c: ConfigMap raw: ConfigMap 'raw' holds the value of Secret c/db under key DSN (the Secret's "
        "password); a ConfigMap is not secret (anyone who may read ConfigMaps, and dist/, sees it): keep the "
        "value only in the Secret (e.g. split the env file in two)"
    )


def test_the_warning_names_the_line_that_created_the_config_map_given_its_site(app: pk.App) -> None:
    chart = pk.Chart(app, "c", namespace="x")
    secret = pk.SecretEnv(chart, "db", from_literal={"password": SECRET})
    created = sys._getframe().f_lineno + 1
    settings = pk.ConfigFromMap(chart, "settings", data={"DSN": SECRET})
    final = [(secret.path, secret.to_manifest()), (settings.path, settings.to_manifest())]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _validate.warn_secret_values_in_config_maps(final, sites={settings.path: settings._source})
    assert [(w.category, w.filename, w.lineno) for w in caught] == [(SecretValueWarning, __file__, created)]
    assert SECRET not in str(caught[0].message) and B64 not in str(caught[0].message)


def test_the_secret_value_warning_can_be_made_an_error_by_category(app: pk.App) -> None:
    pk.SecretEnv(pk.Chart(app, "secrets", namespace="x"), "db", from_literal={"password": SECRET})
    pk.ConfigFromMap(pk.Chart(app, "web", namespace="x"), "settings", data={"DSN": SECRET})
    with warnings.catch_warnings():
        warnings.simplefilter("error", SecretValueWarning)
        with pytest.raises(SecretValueWarning, match=r"^web/settings: ConfigMap 'settings' holds") as e:
            app.synth_documents()
    assert SECRET not in str(e.value) and B64 not in str(e.value)


def test_short_values_repeated_under_other_keys_do_not_warn(app: pk.App) -> None:
    chart = pk.Chart(app, "c", namespace="x")
    pk.SecretEnv(chart, "db", from_literal={"enabled": "true", "port": "5432"})
    pk.ConfigFromMap(chart, "settings", data={"DEBUG": "true", "PORT": "5432"})
    with warnings.catch_warnings():
        warnings.simplefilter("error", SecretValueWarning)
        app.synth_documents()


def test_a_line_wrapped_base64_value_is_hidden_in_plain_text_too(app: pk.App) -> None:
    # GIVEN a raw Secret whose data the API server accepts wrapped (as `base64` writes it, 76
    # columns), and a patch that copies the plain value into a label
    long_secret = SECRET + " " + "x" * 80
    encoded = base64.b64encode(long_secret.encode()).decode()
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    chart = pk.Chart(app, "c", namespace="x")
    cdk8s.ApiObject(chart, "db", api_version="v1", kind="Secret", metadata={"name": "db"}).add_json_patch(
        cdk8s.JsonPatch.add("/data", {"password": wrapped})
    )
    patched(deployment(chart), cdk8s.JsonPatch.add("/spec/template/metadata/labels/pw", long_secret))
    # THEN the decoded value is hidden from every message, as the unwrapped one would be
    assert_hidden(everything(failure(app)), long_secret, SECRET)


def test_a_name_suggested_from_a_secret_value_is_hidden_too(app: pk.App) -> None:
    # GIVEN a Secret, and a patch that makes its value another object's name (invalid: upper case)
    value = "ZEBRA-S3CRET-4242"
    chart = pk.Chart(app, "c", namespace="x")
    pk.SecretEnv(chart, "db", from_literal={"password": value})
    config = pk.ConfigFromMap(chart, "cfg", data={"a": "b"})
    patched(config, cdk8s.JsonPatch.replace("/metadata/name", value))
    # THEN neither the value nor the name the rule suggests from it ("zebra-s3cret-4242") is shown
    text = everything(failure(app))
    assert_hidden(text, value, value.lower())


@pytest.mark.parametrize("app_wide", [True, False], ids=["podkit.App", "plain cdk8s.App"])
def test_the_warning_names_the_config_maps_line_through_the_app_and_a_plain_cdk8s_chart(
    app: pk.App, app_wide: bool
) -> None:
    # podkit.App checks the whole app (synth_documents); a chart of a plain cdk8s App checks itself
    chart = pk.Chart(app if app_wide else cdk8s.App(), "c", namespace="x")
    pk.SecretEnv(chart, "db", from_literal={"password": SECRET})
    created = sys._getframe().f_lineno + 1
    pk.ConfigFromMap(chart, "settings", data={"DSN": SECRET})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if app_wide:
            app.synth_documents()
        else:
            chart.to_json()
    assert [(w.category, w.filename, w.lineno) for w in caught] == [(SecretValueWarning, __file__, created)]
    assert SECRET not in str(caught[0].message) and B64 not in str(caught[0].message)
