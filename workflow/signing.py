"""Digital signatures of issued documents: PAdES baseline B-B with pyHanko.

:func:`sign_pdf` signs a PDF (a plan, a Giấy mời…) with the organisation's
certificate: a PKCS#12 file named by the ``SIGNING_PKCS12`` setting, its
passphrase in the ``SIGNING_PKCS12_PASSPHRASE`` environment variable. The
signature is visible, as Decree 30/2020 (Appendix I) describes: the signer's
name and title, the organisation and the signing time (ISO 8601, Vietnam
time), over the signer's signature image in blue with the seal image in red
overlapping its left third, where the organisation has uploaded them
(:class:`workflow.models.SignatureImage`). The stamp goes into the signature
space of the document (the ``signature-space`` element of
``templates/documents/_main.html``, which WeasyPrint writes as a named
destination), or near the bottom right of the last page of a PDF without it.

:func:`verify_pdf` checks a signed PDF: intact, valid against the trusted
certificates, covering the whole file, and who signed when.

pyHanko's ``sign_pdf`` and ``validate_pdf_signature`` run an event loop:
called from inside a running loop (Playwright tests, async views), they run
in a worker thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import datetime
import io
import logging
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

logger = logging.getLogger(__name__)
logging.getLogger("fontTools").setLevel(
    logging.ERROR
)  # pyHanko subsets the stamp font with fontTools, which logs every step at INFO

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MM = 72 / 25.4
# The signature space of the printed document (static/documents/print.css, .signature-space).
STAMP_WIDTH_MM, STAMP_HEIGHT_MM = 70, 28
SIGNATURE_ANCHOR = "signature-space"
FIELD_NAME = "Signature"
FONT = "documents/fonts/LiberationSerif-Regular.ttf"
SIGNATURE_BLUE = (0, 51, 204)
SEAL_RED = (218, 0, 0)


class SigningError(Exception):
    """The certificate is missing, unreadable or the passphrase is wrong."""


@dataclasses.dataclass(frozen=True)
class VerificationResult:
    """What :func:`verify_pdf` found. ``ok`` is the bottom line."""

    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer_name: str = ""
    signer_title: str = ""
    certificate_subject: str = ""
    signing_time: datetime.datetime | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and self.covers_whole_file


# --- Certificate ------------------------------------------------------------------


def pkcs12_path() -> Path:
    return Path(settings.SIGNING_PKCS12)


def passphrase() -> bytes | None:
    value = settings.SIGNING_PKCS12_PASSPHRASE
    return value.encode() if value else None


def load_signer():
    from pyhanko.sign import signers

    path = pkcs12_path()
    if not path.is_file():
        raise SigningError(
            f"No signing certificate at {path}: set SIGNING_PKCS12, or run `manage.py create_demo_certificate` for a local one."
        )
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase())
    if signer is None:
        raise SigningError(f"Cannot read the PKCS#12 file {path} (wrong SIGNING_PKCS12_PASSPHRASE?).")
    return signer


def trust_roots() -> list:
    """The organisation's own certificate (and its chain) plus ``SIGNING_TRUST_ROOTS`` (PEM or DER files)."""
    from asn1crypto import pem, x509

    roots = []
    try:
        signer = load_signer()
        roots = [signer.signing_cert, *signer.cert_registry]
    except SigningError:
        logger.warning("No signing certificate: only SIGNING_TRUST_ROOTS are trusted")
    for name in settings.SIGNING_TRUST_ROOTS:
        data = Path(name).read_bytes()
        if pem.detect(data):
            roots += [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        else:
            roots.append(x509.Certificate.load(data))
    return roots


# --- Appearance -------------------------------------------------------------------


def _tinted(data: bytes, colour: tuple[int, int, int]):
    """The image's shape (alpha, or darkness when opaque) in one colour on a transparent ground."""
    from PIL import Image, ImageOps

    image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        alpha = image.convert("RGBA").getchannel("A")
    else:  # an opaque scan: the ink is what is dark
        alpha = ImageOps.invert(image.convert("L"))
    tinted = Image.new("RGBA", image.size, (*colour, 0))
    tinted.putalpha(alpha)
    return tinted


def appearance_image(signature: bytes | None, seal: bytes | None, height_px: int = 300):
    """The signature image in blue with the seal in red over its left third
    (Decree 30/2020, Appendix I), as one transparent image; ``None`` without images."""
    from PIL import Image

    parts = []
    if signature:
        parts.append(("signature", _tinted(signature, SIGNATURE_BLUE)))
    if seal:
        parts.append(("seal", _tinted(seal, SEAL_RED)))
    if not parts:
        return None
    scaled = {}
    for kind, image in parts:
        target = height_px if kind == "seal" else int(height_px * 0.8)
        scaled[kind] = image.resize((max(1, image.width * target // image.height), target))
    signature_image, seal_image = scaled.get("signature"), scaled.get("seal")
    if signature_image is None or seal_image is None:
        return signature_image or seal_image
    # The seal covers about a third of the signature, on its left.
    overlap = signature_image.width // 3
    width = seal_image.width + signature_image.width - overlap
    canvas = Image.new("RGBA", (width, height_px), (0, 0, 0, 0))
    canvas.alpha_composite(signature_image, (seal_image.width - overlap, (height_px - signature_image.height) // 2))
    canvas.alpha_composite(seal_image, (0, 0))
    return canvas


def uploaded_images(organisation, signer_name: str) -> tuple[bytes | None, bytes | None]:
    """``(signature, seal)`` images uploaded by the organisation for this signer."""
    from .models import SignatureImage

    images = SignatureImage.objects.filter(organisation=organisation).select_related("person")
    signature = seal = None
    for image in images:
        if image.kind == SignatureImage.Kind.SEAL:
            seal = image.read()
        elif image.person is not None and image.person.full_name == signer_name:
            signature = image.read()
    return signature, seal


@cache
def _font_1000() -> bytes:
    """Liberation Serif rescaled to 1000 units per em: pyHanko 0.38 writes glyph
    widths in font units, which PDF reads as thousandths of an em (Liberation
    has 2048 units per em, which would double every advance)."""
    from django.contrib.staticfiles import finders
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    found = finders.find(FONT)
    if not found:
        raise FileNotFoundError(f"{FONT} is not in the static files")
    font = TTFont(found)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _font_factory(size: int):
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    @dataclasses.dataclass(frozen=True)
    class BundledFontFactory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None):
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer, font_handle=io.BytesIO(_font_1000()), font_size=self.font_size, obj_stream=obj_stream
            )

    return BundledFontFactory(font_file=FONT, font_size=size)


def stamp_style(background_image=None):
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        stamp_text="Ký bởi: %(signer)s\n%(title)s\n%(organisation)s\nThời gian ký: %(signed_at)s",
        text_box_style=TextBoxStyle(font=_font_factory(8), font_size=8, text_color=(0, 0, 0.6)),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(2, 2, 2, 2),
        ),
        border_width=0,
        background=PdfImage(background_image) if background_image is not None else None,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins(2, 2, 2, 2),
        ),
    )


# --- Where the stamp goes -----------------------------------------------------------


def _named_destinations(root) -> dict[str, object]:
    names = {}

    def walk(node):
        node = node.get_object()
        entries = node.get("/Names", [])
        for i in range(0, len(entries) - 1, 2):
            names.setdefault(str(entries[i]), entries[i + 1])
        for kid in node.get("/Kids", []):
            walk(kid)

    try:
        walk(root["/Names"]["/Dests"])
    except KeyError:
        pass
    return names


def _page_refs(reader) -> list:
    count = int(reader.root["/Pages"]["/Count"])
    return [reader.find_page_for_modification(i)[0] for i in range(count)]


def stamp_box(reader) -> tuple[int, tuple[int, int, int, int]]:
    """``(page index, (x1, y1, x2, y2))`` of the visible signature."""
    width, height = STAMP_WIDTH_MM * MM, STAMP_HEIGHT_MM * MM
    pages = _page_refs(reader)
    destination = _named_destinations(reader.root).get(SIGNATURE_ANCHOR)
    if destination is not None:
        destination = destination.get_object()
        if isinstance(destination, dict):
            destination = destination["/D"]
        page_ref, x, top = destination.raw_get(0), float(destination[2]), float(destination[3])
        for index, ref in enumerate(pages):
            if (ref.idnum, ref.generation) == (page_ref.idnum, page_ref.generation):
                return index, (round(x), round(top - height), round(x + width), round(top))
    # No signature space: above the bottom margin, at the right of the last page.
    page = pages[-1].get_object()
    x2 = float(page["/MediaBox"][2]) - 15 * MM
    return len(pages) - 1, (round(x2 - width), round(25 * MM), round(x2), round(25 * MM + height))


# --- Signing ----------------------------------------------------------------------


def _run_outside_event_loop(function, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def signing_time_text(moment: datetime.datetime) -> str:
    """ISO 8601 in Vietnam time, to the second: ``2024-05-20T09:15:00+07:00``."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def sign_pdf(
    data: bytes,
    *,
    organisation,
    signer_name: str,
    signer_title: str,
    reason: str = "",
    signature_image: bytes | None = None,
    seal_image: bytes | None = None,
) -> bytes:
    """``data`` signed (PAdES B-B, SHA-256) with the organisation's certificate,
    with a visible signature. The signature and seal images default to those
    the organisation uploaded (:func:`uploaded_images`)."""
    # The database is read here, in the caller's thread (and transaction);
    # pyHanko may run in a worker thread (see _run_outside_event_loop).
    if organisation is not None and (signature_image is None or seal_image is None):
        uploaded_signature, uploaded_seal = uploaded_images(organisation, signer_name)
        signature_image = signature_image if signature_image is not None else uploaded_signature
        seal_image = seal_image if seal_image is not None else uploaded_seal
    return _run_outside_event_loop(
        _sign,
        data,
        organisation_name=getattr(organisation, "name", "") or "",
        signer_name=signer_name,
        signer_title=signer_title,
        reason=reason,
        signature_image=signature_image,
        seal_image=seal_image,
    )


def _same_producer_in_info_and_xmp(writer) -> None:
    """PDF/A wants the same producer in the information dictionary and the XMP
    metadata; pyHanko writes its own name in the XMP and appends it in the
    dictionary. Name only pyHanko in both (WeasyPrint stays in the first revision)."""
    from pyhanko.pdf_utils.generic import TextStringObject
    from pyhanko.pdf_utils.metadata.model import VENDOR

    reference = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if reference is not None and hasattr(reference, "get_object"):
        reference.get_object()["/Producer"] = TextStringObject(VENDOR)
        writer.mark_update(reference)


def _sign(data, *, organisation_name, signer_name, signer_title, reason, signature_image, seal_image) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = load_signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    _same_producer_in_info_and_xmp(writer)
    page, box = stamp_box(writer.prev)
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=page, box=box))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        name=signer_name,
        reason=reason or None,
        location=organisation_name or None,
        contact_info=signer_title or None,
    )
    pdf_signer = signers.PdfSigner(
        metadata, signer=signer, stamp_style=stamp_style(appearance_image(signature_image, seal_image))
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(
        writer,
        output=out,
        appearance_text_params={
            "signer": signer_name,
            "title": signer_title,
            "organisation": organisation_name,
            "signed_at": signing_time_text(datetime.datetime.now(tz=VIETNAM)),
        },
    )
    return out.getvalue()


# --- Verification -----------------------------------------------------------------


def verify_pdf(data: bytes) -> VerificationResult:
    """Check the last signature of ``data`` against the trusted certificates."""
    return _run_outside_event_loop(_verify, data)


def _verify(data: bytes) -> VerificationResult:
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        return VerificationResult(signed=False, error=f"{type(error).__name__}: {error}")
    if not signatures:
        return VerificationResult(signed=False)
    signature = signatures[-1]
    sig_object = signature.sig_object
    details = {
        "signer_name": str(sig_object.get("/Name", "")),
        "signer_title": str(sig_object.get("/ContactInfo", "")),
    }
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=trust_roots()))
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        return VerificationResult(signed=True, error=f"{type(error).__name__}: {error}", **details)
    moment = status.signer_reported_dt
    return VerificationResult(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        certificate_subject=status.signing_cert.subject.human_friendly,
        signing_time=moment.astimezone(VIETNAM) if moment else None,
        **details,
    )
