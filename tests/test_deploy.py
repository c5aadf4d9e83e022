"""Production settings: deploy checks are clean, and missing secrets stop the start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="zoneportal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL="postgres://zoneportal:zoneportal@127.0.0.1:5544/zoneportal",
        CERTIFICATE_SIGNING_KEY=secrets.token_urlsafe(32),
        MFA_ENCRYPTION_KEY=secrets.token_urlsafe(32),
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secret_key():
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = manage("check", env=production_env(DATABASE_URL=None))
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    "name", ["DJANGO_SECRET_KEY", "CERTIFICATE_SIGNING_KEY", "MFA_ENCRYPTION_KEY"]
)
def test_production_refuses_a_secret_shorter_than_32_bytes(name):
    result = manage("check", env=production_env(**{name: "x" * 31}))
    assert result.returncode != 0
    assert f"{name} is 31 bytes long; at least 32 are required" in result.stderr
    # 32 bytes of multi-byte characters count as bytes, not characters: 11 × 3 = 33 bytes.
    assert manage("check", env=production_env(**{name: "密" * 11})).returncode == 0


def test_production_refuses_to_start_without_the_mfa_encryption_key():
    result = manage("check", env=production_env(MFA_ENCRYPTION_KEY=None))
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEY" in result.stderr
