"""Reading settings from the environment.

Small, dependency-free parsers for the three URLs the project is configured
with (``DATABASE_URL`` is handled by dj-database-url). ``EMAIL_URL`` maps to
Django 6.1's ``MAILERS`` setting, not to the deprecated ``EMAIL_*`` ones.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_VALUES


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def mailer_from_url(url: str, *, base_dir: Path) -> dict:
    """Turn an ``EMAIL_URL`` into one ``MAILERS`` entry.

    Supported schemes:

    - ``smtp://user:password@host:port`` (``smtp+tls://`` for STARTTLS,
      ``smtps://`` or ``smtp+ssl://`` for implicit TLS); ``?timeout=10``;
    - ``console://``: print messages to standard output;
    - ``file:///absolute/path`` or ``file://relative/path``: one file per
      connection in that folder;
    - ``locmem://``: keep messages in memory (tests);
    - ``dummy://``: discard.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"smtp", "smtp+tls", "smtps", "smtp+ssl"}:
        query = parse_qs(parts.query)
        options: dict = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if scheme in {"smtps", "smtp+ssl"} else 25),
            "use_tls": scheme == "smtp+tls",
            "use_ssl": scheme in {"smtps", "smtp+ssl"},
            "timeout": int(query.get("timeout", ["30"])[0]),
        }
        if parts.username:
            options["username"] = unquote(parts.username)
            options["password"] = unquote(parts.password or "")
        return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    if scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        raw = unquote(parts.netloc + parts.path)
        path = Path(raw)
        if not path.is_absolute():
            path = base_dir / path
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(path)},
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    raise ImproperlyConfigured(
        f"EMAIL_URL: unsupported scheme {scheme!r} "
        "(use smtp://, smtp+tls://, smtps://, console://, file://, locmem:// or dummy://)."
    )
