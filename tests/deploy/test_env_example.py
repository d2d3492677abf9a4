"""The production settings of .env.example (as docker-compose.yml passes them)
pass `manage.py check --deploy --fail-level WARNING`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_ONLY = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL"}


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_env_example_passes_check_deploy(tmp_path):
    example = _env_example()
    assert example["SECRET_KEY"] == "" and example["POSTGRES_PASSWORD"] == ""  # no secret in the example
    env = {
        **{k: v for k, v in os.environ.items() if k not in TEST_ONLY},
        **example,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
