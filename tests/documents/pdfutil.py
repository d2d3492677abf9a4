"""Reading the PDFs back: text with poppler's pdftotext -layout (optionally
cropped to a region), fonts with pdffonts, positions with pdfplumber."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pdfplumber

from tests.conftest import collapse, require_service

MM = 72 / 25.4  # points per millimetre


def need_poppler() -> None:
    require_service("poppler-utils", shutil.which("pdftotext") is not None, "apt-get install poppler-utils")


def _run(args: list[str], pdf: bytes, *after: str) -> str:
    """Run a poppler tool on ``pdf`` (written to a temporary file)."""
    need_poppler()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run([*args, str(path), *after], check=True, capture_output=True, text=True, timeout=60).stdout


def pdftotext(pdf: bytes, *, page: int | None = None, box_mm: tuple[float, float, float, float] | None = None) -> str:
    """Text of the whole PDF or of one page (1-based), optionally only inside
    ``box_mm`` = (left, top, width, height) in millimetres."""
    args = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    if box_mm is not None:
        left, top, width, height = (round(v * MM) for v in box_mm)
        args += ["-x", str(left), "-y", str(top), "-W", str(width), "-H", str(height)]
    return _run(args, pdf, "-")


def pdffonts(pdf: bytes) -> list[dict]:
    lines = _run(["pdffonts"], pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def pdfinfo_meta(pdf: bytes) -> str:
    """The XMP metadata stream."""
    return _run(["pdfinfo", "-meta"], pdf)


def open_pdf(pdf: bytes) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(pdf))


def page_count(pdf: bytes) -> int:
    with open_pdf(pdf) as document:
        return len(document.pages)


def body_text(pdf: bytes, *, pages: range | None = None) -> str:
    """Collapsed text of the page bodies (below the 20 mm top margin, where
    page numbers and the draft mark sit), all pages in order."""
    total = page_count(pdf)
    return collapse(" ".join(pdftotext(pdf, page=p, box_mm=(0, 20, 210, 277)) for p in pages or range(1, total + 1)))


def compact(text: str) -> str:
    """NFC text without any whitespace: a line may end after “/” or “-”
    (“352/QĐ-BNV” printed as “352/” + “QĐ-BNV”), which extraction turns into a space."""
    return "".join(unicodedata.normalize("NFC", text).split())


def in_order(text: str, parts: list[str]) -> list[str]:
    """The parts not found in ``text`` in this order, character for
    character with whitespace ignored (empty: all there)."""
    missing, position, haystack = [], 0, compact(text)
    for part in parts:
        found = haystack.find(compact(part), position)
        if found < 0:
            missing.append(part)
        else:
            position = found + len(compact(part))
    return missing


def is_nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text
