"""DOCX → PDF with LibreOffice headless (``soffice``), in the worker.

Each conversion runs in its own temporary folder with its own LibreOffice
profile, so parallel workers do not share (and lock) one profile; it is
stopped after ``CONTRIBUTION_CONVERT_TIMEOUT`` seconds (default 180). The
Debian package is ``libreoffice-writer-nogui`` (installed by
``scripts/setup.sh`` and the Dockerfile).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings


class ConversionError(RuntimeError):
    pass


def soffice() -> str | None:
    return getattr(settings, "SOFFICE", None) or shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise ConversionError("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    timeout = int(getattr(settings, "CONTRIBUTION_CONVERT_TIMEOUT", 180))
    with tempfile.TemporaryDirectory(prefix="booklet-") as folder:
        root = Path(folder)
        source = root / "contribution.docx"
        source.write_bytes(data)
        command = [
            program,
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(root / "out"),
            str(source),
        ]
        env = {**os.environ, "HOME": str(root)}
        try:
            completed = subprocess.run(command, capture_output=True, timeout=timeout, env=env, check=False)  # noqa: S603
        except subprocess.TimeoutExpired as error:
            raise ConversionError(f"LibreOffice did not finish within {timeout} s") from error
        result = root / "out" / "contribution.pdf"
        if completed.returncode != 0 or not result.exists():
            message = (completed.stderr or completed.stdout).decode(errors="replace").strip()[:500]
            raise ConversionError(f"LibreOffice could not convert the document: {message}")
        return result.read_bytes()
