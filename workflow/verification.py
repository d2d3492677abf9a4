"""Checking a PDF: its signature (:func:`workflow.signing.verify_pdf`) and
whether it is, byte for byte, an issued document the system stored."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from .models import IssuedDocument
from .signing import VerificationResult, verify_pdf


@dataclass
class FileCheck:
    signature: VerificationResult
    sha256: str
    size: int
    issued: IssuedDocument | None  # the stored document whose SHA-256 the file has
    expected: IssuedDocument | None  # the stored document the file claims (or was opened as) to be

    @property
    def matches(self) -> bool:
        return self.issued is not None and (self.expected is None or self.expected.pk == self.issued.pk)

    @property
    def document(self) -> IssuedDocument | None:
        return self.issued or self.expected

    @property
    def ok(self) -> bool:
        return self.signature.ok and self.matches


def document_title(data: bytes) -> str:
    """The /Title of the PDF's information dictionary ("" when unreadable)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        info = PdfFileReader(io.BytesIO(data), strict=False).trailer_view["/Info"]
        return str(info.get("/Title", ""))
    except Exception:  # noqa: BLE001 - any damage means no title
        return ""


def check_file(data: bytes, *, expected: IssuedDocument | None = None) -> FileCheck:
    sha256 = hashlib.sha256(data).hexdigest()
    issued = IssuedDocument.objects.select_related("plan").filter(sha256=sha256).first()
    if expected is None and issued is None:
        title = document_title(data)
        expected = IssuedDocument.objects.select_related("plan").filter(title=title).first() if title else None
    return FileCheck(signature=verify_pdf(data), sha256=sha256, size=len(data), issued=issued, expected=expected)
