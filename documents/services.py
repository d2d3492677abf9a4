"""Rendering official documents: what to render, when, and where the file goes.

Views and the ``export_plan`` command call these; the Celery task
(:mod:`documents.tasks`) runs :func:`render_file` on the ``documents`` queue.
WeasyPrint and python-docx are imported when a file is made, not by every
web process that loads this module.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from conferences.selectors import PlanDocument, plan_document_for_system
from directory.models import Role

from . import content
from .models import DocumentKind, FileFormat, RenderedFile, RenderState
from .recipients import plan_recipients

logger = logging.getLogger(__name__)

STAFF_ROLES = {Role.DRAFTER, Role.REVIEWER, Role.CLERK, Role.ADMIN}
STALE_AFTER = timedelta(minutes=15)  # a queued or running job older than this may be queued again


def may_request_rendering(user) -> bool:
    """Staff roles ask for renderings; anyone who may see the plan downloads them."""
    return user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES)


# --- Content --------------------------------------------------------------------


def plan_official_document(doc: PlanDocument) -> content.OfficialDocument:
    return content.plan_content(doc)


def invitation_documents(doc: PlanDocument) -> list[tuple[content.Recipient, content.OfficialDocument]]:
    return [(recipient, content.invitation_content(doc, recipient)) for recipient in plan_recipients(doc)]


def has_invitations(doc: PlanDocument) -> bool:
    return bool(plan_recipients(doc))


@cache
def _assets_hash() -> str:
    """What else decides the output: templates, print stylesheet, fonts list and code."""
    from . import rendering

    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    files = sorted((settings.BASE_DIR / "templates" / "documents").glob("*.html"))
    files += [rendering.static_root() / "print.css"] + [here / name for name in ("content.py", "docx.py", "rendering.py")]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(" ".join(sorted(p.name for p in (rendering.static_root() / "fonts").iterdir())).encode())
    return digest.hexdigest()


def _fingerprint(kind: str, file_format: str, documents: list[content.OfficialDocument]) -> str:
    digest = hashlib.sha256(f"{kind}:{file_format}:{_assets_hash()}".encode())
    for document in documents:
        digest.update(document.fingerprint().encode())
    return digest.hexdigest()


# --- Rendering ------------------------------------------------------------------


def render_one(document: content.OfficialDocument, file_format: str) -> bytes:
    from . import rendering
    from .docx import render_docx

    return rendering.render_pdf(document) if file_format == FileFormat.PDF else render_docx(document)


def _file_stem(recipient: content.Recipient, index: int) -> str:
    name = slugify(recipient.name.replace("đ", "d").replace("Đ", "D")) or "don-vi"
    return f"{index:03d}-giay-moi-{name}"


def invitations_zip(pairs, file_format: str, progress=None) -> bytes:
    """One file per recipient in a ZIP; PDFs go through the batch renderer."""
    from . import rendering
    from .docx import render_docx

    documents = [document for _, document in pairs]
    if file_format == FileFormat.PDF:
        files = rendering.render_pdfs(documents, progress=progress)
    else:
        files = []
        for document in documents:
            files.append(render_docx(document))
            if progress:
                progress(len(files), len(documents))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, ((recipient, _), data) in enumerate(zip(pairs, files, strict=True), start=1):
            info = zipfile.ZipInfo(f"{_file_stem(recipient, index)}.{file_format}", date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build(plan_id: int, kind: str, file_format: str, progress=None) -> tuple[str, str, callable]:
    """``(fingerprint, file name, make)`` for one document of a plan; ``make()``
    renders it. The fingerprint is known before the (slow) rendering."""
    doc = plan_document_for_system(plan_id=plan_id)
    if kind == DocumentKind.PLAN and file_format == FileFormat.PDF:
        from workflow.selectors import issued_pdf

        issued = issued_pdf(plan_id)
        if issued is not None:  # an issued plan: the signed file exactly as stored
            return issued[0], f"ke-hoach-{plan_id}-ban-phat-hanh.pdf", lambda: issued[1]
    if kind == DocumentKind.PLAN:
        document = plan_official_document(doc)
        return (
            _fingerprint(kind, file_format, [document]),
            f"ke-hoach-{plan_id}.{file_format}",
            lambda: render_one(document, file_format),
        )
    pairs = invitation_documents(doc)
    if not pairs:
        raise ValueError("This plan has no conference recipients to invite.")
    return (
        _fingerprint(kind, file_format, [document for _, document in pairs]),
        f"giay-moi-{plan_id}-{file_format}.zip",
        lambda: invitations_zip(pairs, file_format, progress=progress),
    )


def request_rendering(*, plan, kind: str, file_format: str, user) -> RenderedFile:
    """Queue a rendering (on commit) unless one is already under way."""
    from config.tasks import dispatch

    from .tasks import render_file_task

    if kind not in DocumentKind.values or file_format not in FileFormat.values:
        raise ValueError(f"Unknown document {kind!r} or format {file_format!r}")
    now = timezone.now()
    with transaction.atomic():
        rendered, _ = RenderedFile.objects.select_for_update().get_or_create(plan=plan, kind=kind, format=file_format)
        if rendered.is_busy and rendered.requested_at and now - rendered.requested_at < STALE_AFTER:
            return rendered
        rendered.state, rendered.progress, rendered.error = RenderState.QUEUED, 0, ""
        rendered.requested_by, rendered.requested_at = user, now
        rendered.save()
        dispatch(render_file_task, rendered.pk)
    return rendered


def _update(rendered_id: int, **fields) -> None:
    RenderedFile.objects.filter(pk=rendered_id).update(updated_at=timezone.now(), **fields)


def render_file(rendered_id: int) -> dict:
    """Render one stored document; rewrite the file only if the content changed.

    The task claims the row (``queued`` → ``running``, :func:`config.jobs.claim`):
    a second message for it does nothing."""
    from config import jobs

    if not jobs.claim(RenderedFile, rendered_id, progress=5, error=""):
        return {"id": rendered_id, "skipped": True}
    rendered = RenderedFile.objects.get(pk=rendered_id)

    def progress(done: int, total: int) -> None:
        _update(rendered_id, progress=10 + int(85 * done / max(total, 1)))

    try:
        fingerprint, filename, make = build(rendered.plan_id, rendered.kind, rendered.format, progress=progress)
        if fingerprint == rendered.source_hash and rendered.file and rendered.file.storage.exists(rendered.file.name):
            _update(rendered_id, state=RenderState.DONE, progress=100)
            return {"id": rendered_id, "version": rendered.version, "sha256": rendered.sha256, "rewritten": False}
        _update(rendered_id, progress=10)
        data = make()
    except Exception as error:
        logger.exception("Rendering %s failed", rendered)
        message = f"{type(error).__name__}: {error}"[:2000]
        _update(rendered_id, state=RenderState.FAILED, error=message)
        return {"id": rendered_id, "error": message}

    with transaction.atomic():
        rendered = RenderedFile.objects.select_for_update().get(pk=rendered_id)
        if rendered.state != RenderState.RUNNING:  # taken back by the sweeper meanwhile: its run writes the file
            return {"id": rendered_id, "skipped": True}
        old_name = rendered.file.name if rendered.file else ""
        rendered.version += 1
        stem, _, extension = filename.rpartition(".")
        rendered.file.save(f"{stem}-v{rendered.version}.{extension}", ContentFile(data), save=False)
        rendered.sha256 = hashlib.sha256(data).hexdigest()
        rendered.source_hash = fingerprint
        rendered.state, rendered.progress, rendered.error = RenderState.DONE, 100, ""
        rendered.rendered_at = timezone.now()
        rendered.save()
    if old_name and old_name != rendered.file.name:
        transaction.on_commit(lambda: rendered.file.storage.delete(old_name))
    return {"id": rendered_id, "version": rendered.version, "sha256": rendered.sha256, "rewritten": True}
