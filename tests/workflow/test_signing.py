"""workflow.signing: PAdES B-B signatures validated with pyHanko against the demo certificate."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from conferences.selectors import plan_document_for_system
from documents import services
from tests.documents.pdfutil import MM, pdffonts, pdftotext
from tests.factories import DistributionLineFactory, PersonFactory, PlanFactory, SectionFactory
from workflow import signing
from workflow.models import SignatureImage


@pytest.fixture
def plan_pdf(db):
    signer = PersonFactory(full_name="Hồ Quang Bửu")
    plan = PlanFactory(
        issuing_body=signer.organisation,
        sign_on_behalf_of="ỦY BAN NHÂN DÂN",
        sign_for_mode="KT",
        sign_for_title="CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer=signer,
        signer_name="Hồ Quang Bửu",
    )
    SectionFactory(plan=plan, heading="MỤC ĐÍCH, YÊU CẦU", body="- Đánh giá kết quả Chỉ số PAPI.")
    DistributionLineFactory(plan=plan, text="Lưu: VT, NCKS.")
    data = services.render_one(services.plan_official_document(plan_document_for_system(plan_id=plan.pk)), "pdf")
    return plan, data


def sign(plan, data, **kwargs):
    return signing.sign_pdf(
        data,
        organisation=plan.issuing_body,
        signer_name="Hồ Quang Bửu",
        signer_title="Phó Chủ tịch Ủy ban nhân dân tỉnh",
        reason="Ban hành văn bản",
        **kwargs,
    )


def demo_trust_root():
    return signing.load_signer().signing_cert


def test_signed_pdf_validates_intact_and_covers_the_whole_file(plan_pdf):
    plan, data = plan_pdf
    signed = sign(plan, data)
    assert signed.startswith(data)  # an incremental update: the rendered document is untouched
    reader = PdfFileReader(io.BytesIO(signed))
    assert len(reader.embedded_signatures) == 1
    signature = reader.embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[demo_trust_root()]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert status.md_algorithm == "sha256"

    result = signing.verify_pdf(signed)
    assert result.ok
    assert result.signer_name == "Hồ Quang Bửu"
    assert result.signer_title == "Phó Chủ tịch Ủy ban nhân dân tỉnh"
    assert "UBND tỉnh Quảng Nam" in result.certificate_subject
    assert result.signing_time is not None and result.signing_time.utcoffset().total_seconds() == 7 * 3600


def test_changing_one_byte_breaks_the_signature(plan_pdf):
    plan, data = plan_pdf
    signed = bytearray(sign(plan, data))
    # A byte inside the signed document (the page content), not the signature itself.
    position = signed.index(b"stream", len(signed) // 4) + 20
    signed[position] ^= 0x01
    result = signing.verify_pdf(bytes(signed))
    assert result.signed
    assert not result.ok
    assert not result.intact


def test_a_file_signed_with_another_certificate_is_not_trusted(plan_pdf, settings, tmp_path):
    from workflow.certificates import write_demo_certificate

    plan, data = plan_pdf
    own = settings.SIGNING_PKCS12
    settings.SIGNING_PKCS12 = write_demo_certificate(tmp_path / "other.p12", passphrase=b"x", common_name="Kẻ giả mạo")
    settings.SIGNING_PKCS12_PASSPHRASE = "x"
    forged = sign(plan, data)
    settings.SIGNING_PKCS12, settings.SIGNING_PKCS12_PASSPHRASE = own, "test-passphrase"
    result = signing.verify_pdf(forged)
    assert result.intact and not result.trusted and not result.ok


def test_unsigned_or_garbage_is_reported_as_not_signed(plan_pdf):
    assert not signing.verify_pdf(plan_pdf[1]).signed
    assert not signing.verify_pdf(b"not a pdf").signed


def test_visible_signature_in_the_signature_space_with_embedded_font(plan_pdf):
    plan, data = plan_pdf
    signed = sign(plan, data)
    reader = PdfFileReader(io.BytesIO(signed))
    field = reader.embedded_signatures[0].sig_field
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    assert round((x2 - x1) / MM) == signing.STAMP_WIDTH_MM
    assert round((y2 - y1) / MM) == signing.STAMP_HEIGHT_MM
    # Between the signing titles and the signer's name, in the right column.
    page_height = 297 * MM
    left_mm, top_mm = x1 / MM, (page_height - y2) / MM
    stamp_text = pdftotext(signed, page=1, box_mm=(left_mm, top_mm, signing.STAMP_WIDTH_MM, signing.STAMP_HEIGHT_MM))
    assert "Hồ Quang Bửu" in stamp_text
    assert re.search(r"Thời gian ký: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", stamp_text)  # ISO 8601, Vietnam time
    above = pdftotext(signed, page=1, box_mm=(left_mm - 10, top_mm - 20, signing.STAMP_WIDTH_MM + 20, 20))
    below = pdftotext(signed, page=1, box_mm=(left_mm - 10, top_mm + signing.STAMP_HEIGHT_MM, signing.STAMP_WIDTH_MM + 20, 12))
    assert "PHÓ CHỦ TỊCH" in above
    assert "Hồ Quang Bửu" in below
    assert all(font["emb"] == "yes" for font in pdffonts(signed))


def _png(size=(200, 100), colour=(0, 0, 0, 255)) -> bytes:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    for x in range(20, size[0] - 20):
        for y in range(size[1] // 2 - 3, size[1] // 2 + 3):
            image.putpixel((x, y), colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_images_blue_signature_and_red_seal_over_its_left_third():
    image = signing.appearance_image(_png((300, 100)), _png((120, 120)), height_px=120)
    seal_width = 120
    signature_width = 300 * 96 // 100
    assert image.width == seal_width + signature_width - signature_width // 3
    # The seal's stroke is red, the signature's (right of the seal) blue.
    assert image.getpixel((60, 60))[:3] == signing.SEAL_RED
    assert image.getpixel((image.width - 40, 60))[:3] == signing.SIGNATURE_BLUE


def test_uploaded_images_are_drawn_into_the_signature(plan_pdf, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    plan, data = plan_pdf
    SignatureImage.objects.create(organisation=plan.issuing_body, kind="seal", image=ContentFile(_png((120, 120)), "seal.png"))
    SignatureImage.objects.create(
        organisation=plan.issuing_body, kind="signature", person=plan.signer, image=ContentFile(_png(), "sig.png")
    )
    signature, seal = signing.uploaded_images(plan.issuing_body, "Hồ Quang Bửu")
    assert signature and seal
    with_images = sign(plan, data)
    without = sign(plan, data, signature_image=b"", seal_image=b"")
    assert b"/Subtype /Image" in with_images[len(data) :] or b"/Subtype/Image" in with_images[len(data) :]
    assert b"/Subtype /Image" not in without[len(data) :] and b"/Subtype/Image" not in without[len(data) :]
    assert signing.verify_pdf(with_images).ok


def test_signed_file_keeps_pdf_a_metadata_consistent(plan_pdf):
    from tests.documents.pdfutil import pdfinfo_meta

    plan, data = plan_pdf
    signed = sign(plan, data)
    xmp = pdfinfo_meta(signed)
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp
    info = PdfFileReader(io.BytesIO(signed)).trailer_view["/Info"]
    producer = re.search(r'pdf:Producer="([^"]*)"', xmp).group(1)
    assert str(info["/Producer"]) == producer  # PDF/A: the same in the information dictionary and the XMP
