"""Configuration from the environment: typed readers that fail loudly, and settings that refuse
to start a production deployment without a secret key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

REPO = Path(__file__).resolve().parent.parent
VARIABLE = "VIGIL_TEST_SETTING"


@pytest.fixture(autouse=True)
def unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)


# -- env_str ------------------------------------------------------------------------------------


def test_env_str_reads_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE, "Asia/Almaty")
    assert env_str(VARIABLE, "UTC") == "Asia/Almaty"


def test_env_str_falls_back_to_the_default() -> None:
    assert env_str(VARIABLE, "UTC") == "UTC"


def test_env_str_without_default_names_the_missing_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match=VARIABLE):
        env_str(VARIABLE)


def test_env_str_keeps_an_empty_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE, "")
    assert env_str(VARIABLE, "default") == ""


# -- env_bool -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on", " yes "])
def test_env_bool_reads_true(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VARIABLE, raw)
    assert env_bool(VARIABLE, default=False) is True


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "off", ""])
def test_env_bool_reads_false(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VARIABLE, raw)
    assert env_bool(VARIABLE, default=True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_falls_back_to_the_default(default: bool) -> None:
    assert env_bool(VARIABLE, default=default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_env_bool_rejects_anything_else_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(VARIABLE, raw)
    with pytest.raises(ImproperlyConfigured, match=f"{VARIABLE}='{raw}' is not a boolean"):
        env_bool(VARIABLE, default=False)


# -- env_int ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"), [("60", 60), ("0", 0), ("-1", -1), (" 31536000 ", 31536000)]
)
def test_env_int_reads_integers(monkeypatch: pytest.MonkeyPatch, raw: str, value: int) -> None:
    monkeypatch.setenv(VARIABLE, raw)
    assert env_int(VARIABLE, 5) == value


def test_env_int_falls_back_to_the_default() -> None:
    assert env_int(VARIABLE, 60) == 60


@pytest.mark.parametrize("raw", ["sixty", "1.5", "", "1e3", "0x10"])
def test_env_int_rejects_anything_else_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(VARIABLE, raw)
    with pytest.raises(ImproperlyConfigured, match=f"{VARIABLE}=.* is not an integer"):
        env_int(VARIABLE, 5)


# -- env_list -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("vigil.example.org", ["vigil.example.org"]),
        ("a.example.org, b.example.org", ["a.example.org", "b.example.org"]),
        (" a , ,b,, ", ["a", "b"]),
        ("", []),
    ],
)
def test_env_list_splits_on_commas_and_drops_blanks(
    monkeypatch: pytest.MonkeyPatch, raw: str, value: list[str]
) -> None:
    monkeypatch.setenv(VARIABLE, raw)
    assert env_list(VARIABLE, ["default"]) == value


def test_env_list_falls_back_to_the_default() -> None:
    assert env_list(VARIABLE, ["127.0.0.1"]) == ["127.0.0.1"]


# -- settings, imported in a fresh interpreter --------------------------------------------------

SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "secret": settings.SECRET_KEY,
    "host": db["HOST"],
    "name": db["NAME"],
    "debug": settings.DEBUG,
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""

CONFIG_VARIABLES = {
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_COOKIES",
    "CONN_MAX_AGE",
}


def run_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start() -> None:
    result = run_settings(DATABASE_URL="postgres://vigil:pw@db.example.org:5432/vigil")
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set the environment variable SECRET_KEY." in result.stderr


def test_production_with_secret_key_uses_the_database_url_and_secure_cookies() -> None:
    result = run_settings(
        DATABASE_URL="postgres://vigil:pw@db.example.org:5432/vigil_prod",
        SECRET_KEY="a-long-production-secret",
        ALLOWED_HOSTS="vigil.example.org",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["secret"] == "a-long-production-secret"
    assert (shown["host"], shown["name"]) == ("db.example.org", "vigil_prod")
    assert shown["secure_cookies"] is True
    assert shown["debug"] is False
    assert shown["allowed_hosts"] == ["vigil.example.org"]


def test_development_runs_without_any_configuration() -> None:
    result = run_settings()
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["secret"]
    assert shown["name"] == "vigil"
    assert shown["host"].startswith("/")  # the project server's Unix socket directory
    assert shown["secure_cookies"] is False


def test_bad_boolean_in_settings_names_the_variable() -> None:
    result = run_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_production_with_an_empty_secret_key_refuses_to_start() -> None:
    result = run_settings(
        DATABASE_URL="postgres://vigil:pw@db.example.org:5432/vigil_prod", SECRET_KEY=""
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
