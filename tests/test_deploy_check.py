"""`manage.py check --deploy` with production settings reports nothing, and production turns
on what it checks for: HTTPS only, HSTS for a year with subdomains, secure cookies."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Production as the README deploys it; nothing a developer exported may weaken or rescue it.
OVERRIDES = {
    "DEBUG",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "BEHIND_TLS_PROXY",
    "DJANGO_SETTINGS_MODULE",
}


def production(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in OVERRIDES}
    env |= {
        # Never reached: the checks open no connection.
        "DATABASE_URL": "postgres://vigil:unused@db.invalid:5432/vigil",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "vigil.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://vigil.example.org",
        "BEHIND_TLS_PROXY": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_with_production_settings_has_no_warnings() -> None:
    result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


SHOW = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "SECURE_PROXY_SSL_HEADER",
]}))
"""


def test_production_is_https_only_with_secure_cookies() -> None:
    result = production("-c", SHOW)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["DEBUG"] is False
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    for cookie in ("SESSION", "CSRF"):
        assert shown[f"{cookie}_COOKIE_SECURE"] is True
        assert shown[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert shown[f"{cookie}_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert shown["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert shown["SECURE_REFERRER_POLICY"] == "same-origin"
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
