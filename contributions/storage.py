"""Where contributions and booklets are stored: a folder under ``VAR_DIR``
outside the public media path (``PRIVATE_FILES_ROOT``, default
``VAR_DIR/private``). Files there have no URL; views serve them after the
permission check."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_root() -> Path:
    return Path(getattr(settings, "PRIVATE_FILES_ROOT", None) or Path(settings.VAR_DIR) / "private")


class PrivateStorage(FileSystemStorage):
    """A file system storage without URLs whose folder follows the settings
    (tests point it at a temporary folder)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(private_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage
