"""What an uploaded file really is, from its content (never its name).

- PDF: ``%PDF-`` within the first 1024 bytes, an ``%%EOF`` marker near the
  end, readable by pypdf with at least one page and not password-protected
  (the booklet must be able to merge it);
- DOCX: a ZIP with ``[Content_Types].xml`` declaring the WordprocessingML
  main document and a ``word/document.xml`` part; macro-enabled documents
  (.docm) are refused, and so are archives that would unpack to more than
  ``MAX_UNPACKED`` bytes (a ZIP bomb).
"""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import FileType

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAX_UNPACKED = 200 * 1024 * 1024


def sniff(data: bytes) -> str | None:
    """``"pdf"``, ``"docx"`` or None, from the first bytes only."""
    if b"%PDF-" in data[:1024]:
        return FileType.PDF
    if data.startswith(b"PK\x03\x04"):
        return FileType.DOCX
    return None


def check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("The PDF file is incomplete or damaged."), code="damaged")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(_("The PDF file is password-protected; upload it without a password."), code="encrypted")
        if len(reader.pages) == 0:
            raise ValidationError(_("The PDF file has no page."), code="empty")
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ValidationError(_("The PDF file is incomplete or damaged."), code="damaged") from error


def check_docx(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise ValidationError(_("The file is not a Word document (DOCX)."), code="not_docx")
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise ValidationError(_("The Word document is too large once unpacked."), code="too_large")
            types = archive.read("[Content_Types].xml").decode("utf-8", errors="replace")
    except zipfile.BadZipFile as error:
        raise ValidationError(_("The Word document is incomplete or damaged."), code="damaged") from error
    if DOCX_MAIN not in types:
        raise ValidationError(
            _("Only Word documents (DOCX) without macros are accepted."),
            code="not_docx",
        )


def check(data: bytes) -> str:
    """The file type, or ValidationError saying why the file is refused."""
    kind = sniff(data)
    if kind == FileType.PDF:
        check_pdf(data)
    elif kind == FileType.DOCX:
        check_docx(data)
    else:
        raise ValidationError(_("Only PDF and Word (DOCX) files are accepted; this file is neither."), code="type")
    return kind
