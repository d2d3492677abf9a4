"""Keeping a checked import file between its preview and its confirmation.

The parsed rows (:meth:`directory.importing.Table.to_data`) stay in the
session under a random token that the preview URL carries; one import per
session key at a time (a new upload replaces the previous one). Used by the
directory imports and the index result imports.
"""

from __future__ import annotations

import secrets

from .importing import Table


def stash(request, *, key: str, kind: str, filename: str, table: Table) -> str:
    """Keep ``table`` for the preview; returns the token for its URL."""
    token = secrets.token_urlsafe(16)
    request.session[key] = {"kind": kind, "token": token, "filename": filename[:200], "table": table.to_data()}
    return token


def fetch(request, *, key: str, kind: str, token: str) -> dict | None:
    """The stored import (``filename`` and ``table``) if the token matches, else None."""
    stored = request.session.get(key)
    if not stored or stored.get("kind") != kind or not secrets.compare_digest(stored.get("token", ""), token):
        return None
    return {"filename": stored["filename"], "table": Table.from_data(stored["table"])}


def drop(request, *, key: str) -> None:
    request.session.pop(key, None)
