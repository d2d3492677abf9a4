import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import mailer_from_url

ROOT = Path(__file__).resolve().parents[2]


def test_mailer_from_smtp_url():
    mailer = mailer_from_url("smtp+tls://user%40x:p%40ss@mail.example.org:587?timeout=5", base_dir=ROOT)
    assert mailer == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.example.org",
            "port": 587,
            "use_tls": True,
            "use_ssl": False,
            "timeout": 5,
            "username": "user@x",
            "password": "p@ss",
        },
    }


def test_mailer_from_file_and_console_urls(tmp_path):
    assert mailer_from_url(f"file://{tmp_path}", base_dir=ROOT)["OPTIONS"] == {"file_path": str(tmp_path)}
    assert mailer_from_url("file://var/mail", base_dir=ROOT)["OPTIONS"] == {"file_path": str(ROOT / "var/mail")}
    assert mailer_from_url("console://", base_dir=ROOT)["BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured):
        mailer_from_url("pigeon://loft", base_dir=ROOT)


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True
    assert dict(settings.LANGUAGES).keys() == {"vi", "en"}
    assert not hasattr(settings, "EMAIL_BACKEND") or "EMAIL_BACKEND" not in dir(settings._wrapped)


def _manage(*args, env):
    test_only = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_secret_key_required_when_debug_is_off():
    result = _manage("check", env={"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "hoinghi.example.org",
        "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.org:587",
        "SECURE_HSTS_PRELOAD": "true",
        "VAR_DIR": str(tmp_path),
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
