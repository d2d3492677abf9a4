"""The verification page: is the signature intact, who signed, when, and is
the file byte for byte the issued document stored with its SHA-256?"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import page_text
from workflow.models import IssuedDocument


@pytest.fixture
def issued(world):
    plan = world.issued(on=datetime.date(2026, 9, 2))
    return IssuedDocument.objects.get(plan=plan)


def _upload(client, data: bytes):
    return client.post(reverse("workflow:verify"), {"file": SimpleUploadedFile("ke-hoach.pdf", data, "application/pdf")})


def _tampered(data: bytes) -> bytes:
    changed = bytearray(data)
    position = changed.index(b"stream", len(changed) // 4) + 40  # inside the page content, before the signature
    changed[position] ^= 0x01
    return bytes(changed)


@pytest.mark.parametrize("role", ["unit_office", "drafter", "clerk", "admin"])
def test_an_intact_issued_file_is_valid_and_matches(client, world, issued, role):
    client.force_login(world.users[role])
    response = _upload(client, issued.read())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verification="ok"' in html
    text = page_text(html)
    assert "Hợp lệ: chữ ký số còn nguyên vẹn và tệp đúng là văn bản đã ban hành." in text
    assert "Hồ Quang Bửu, Phó Chủ tịch Ủy ban nhân dân tỉnh" in text
    assert "Khớp với SHA-256 đã lưu của kế hoạch số 01/KH-UBND ngày 02/09/2026." in text
    assert issued.sha256 in text
    assert re.search(r"\d\d:\d\d:\d\d \d\d/\d\d/\d{4} \(UTC\+07:00\)", text)  # the signing time, Vietnam time


def test_one_changed_byte_fails_and_the_page_says_so(client, world, issued):
    client.force_login(world.users["drafter"])
    response = _upload(client, _tampered(issued.read()))
    html = response.content.decode()
    assert 'data-verification="failed"' in html
    text = page_text(html)
    assert "Không hợp lệ: tệp đã bị thay đổi sau khi ký." in text
    assert "Không khớp với SHA-256 đã lưu của kế hoạch số 01/KH-UBND" in text  # found by its title, hash differs
    assert '<dd class="col-sm-8" data-check="intact">không</dd>' in html


def test_an_unsigned_file_has_no_signature(client, world, issued):
    from conferences.selectors import plan_document_for_system
    from documents import services as documents

    client.force_login(world.users["drafter"])
    unsigned = documents.render_one(documents.plan_official_document(plan_document_for_system(plan_id=issued.plan_id)), "pdf")
    text = page_text(_upload(client, unsigned).content)
    assert "Không hợp lệ: tệp không có chữ ký số đọc được." in text


def test_opening_the_stored_file_of_an_issued_plan(client, world, issued):
    client.force_login(world.users["unit_office"])
    url = reverse("workflow:verify") + f"?ke-hoach={issued.plan_id}"
    assert 'data-verification="ok"' in client.get(url).content.decode()
    # Someone changed the stored file on the server: the page says so.
    path = issued.file.path
    with open(path, "rb") as file:
        data = file.read()
    with open(path, "wb") as file:
        file.write(_tampered(data))
    html = client.get(url).content.decode()
    assert 'data-verification="failed"' in html
    assert "Không hợp lệ: tệp đã bị thay đổi sau khi ký." in page_text(html)


def test_the_issued_download_is_the_stored_signed_file(client, world, issued):
    client.force_login(world.users["unit_office"])
    response = client.get(reverse("workflow:issued_download", args=[issued.plan_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == issued.read()


def test_the_page_needs_a_login_and_a_pdf(client, world):
    assert client.get(reverse("workflow:verify")).status_code == 302
    client.force_login(world.users["drafter"])
    assert client.get(reverse("workflow:verify")).status_code == 200
    assert client.get(reverse("workflow:verify") + "?ke-hoach=999999").status_code == 404
    response = client.post(reverse("workflow:verify"), {})
    assert response.status_code == 400
