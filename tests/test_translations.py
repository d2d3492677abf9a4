"""The Vietnamese catalogue covers every interface string."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    "config",
    "directory",
    "conferences",
    "indices",
    "invitations",
    "documents",
    "registers",
    "workflow",
    "contributions",
    "accounts",
    "audit",
    "ops",
    "templates",
    "locale",
    "manage.py",
]


def test_vietnamese_catalogue_is_complete_and_current(tmp_path):
    require_service("gettext", shutil.which("msgfmt") is not None, "apt-get install gettext")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    env = {**os.environ, "DEBUG": "true", "VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, "locale/vi/LC_MESSAGES/django.po"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip()
    assert "untranslated" not in statistics and "fuzzy" not in statistics, (
        f"{statistics}: run makemessages and translate the new strings in locale/vi/LC_MESSAGES/django.po"
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_catalogues_compile(language, tmp_path):
    require_service("gettext", shutil.which("msgfmt") is not None, "apt-get install gettext")
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
