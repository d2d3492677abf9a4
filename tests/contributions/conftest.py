"""Fixtures of the contributions tests: private files in a temporary folder,
real PDF and DOCX files, users of each role."""

from __future__ import annotations

import io

import pytest

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path):
    """Uploads, booklets and rendered files go to temporary folders."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_FILES_ROOT


def make_pdf(text: str) -> bytes:
    """A real one-page PDF saying ``text`` (rendered by WeasyPrint)."""
    from documents.rendering import render_markup

    return render_markup(f'<!doctype html><html lang="vi"><body><p>{text}</p></body></html>')


def make_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def unit_office(organisation, **kwargs):
    return UserFactory(
        role="unit_office", organisation=organisation, email=f"{organisation.code.replace(':', '.')}@example.org", **kwargs
    )


@pytest.fixture
def freeze(monkeypatch):
    """Set “now” (every ``timezone.now()`` / ``localdate()``) to an aware datetime."""
    from django.utils import timezone

    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now
