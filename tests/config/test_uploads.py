"""Upload limits: every form that takes a file refuses a too large file and a
wrong type with a Vietnamese message; a request body over the global cap,
or over Django's limits of fields and files, gets the 413 page.

(The contribution upload and the directory import have their own size and
type tests: tests/contributions/test_files.py, tests/directory/test_import_views.py.)"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.test import Client
from django.urls import reverse

from directory import forms as directory_forms
from directory import importing
from indices import forms as indices_forms
from indices.admin import ProgressReportAdminForm
from indices.models import ProgressReport
from tests.conftest import page_text
from tests.factories import UserFactory
from tests.indices.test_import import edition  # noqa: F401  (fixture)
from workflow import forms as workflow_forms
from workflow.forms import SignatureImageForm
from workflow.models import SignatureImage

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _image(kind: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA" if kind == "PNG" else "RGB", (40, 20), (0, 0, 255)).save(out, kind)
    return out.getvalue()


PDF = b"%PDF-1.7\n" + b"0" * 64


def _errors(form, field: str) -> str:
    assert not form.is_valid()
    return " ".join(form.errors[field]).replace("\xa0", " ")  # filesizeformat's no-break space


# --- Signature verification (/quy-trinh/kiem-tra-chu-ky/) ----------------------------


def test_verify_refuses_a_too_large_file(client, monkeypatch):
    client.force_login(UserFactory(role="drafter"))
    monkeypatch.setattr(workflow_forms, "MAX_UPLOAD", 1000)
    response = client.post(reverse("workflow:verify"), {"file": SimpleUploadedFile("ke-hoach.pdf", PDF + b"0" * 1000)})
    assert response.status_code == 400
    assert "Tệp lớn hơn 1000 byte." in page_text(response.content)


def test_verify_refuses_a_file_that_is_not_a_pdf(client):
    client.force_login(UserFactory(role="drafter"))
    response = client.post(reverse("workflow:verify"), {"file": SimpleUploadedFile("ke-hoach.pdf", PNG)})
    assert response.status_code == 400
    assert "Hãy chọn một tệp PDF: tệp này không phải." in page_text(response.content)


# --- Signature and seal images (admin) ---------------------------------------------------


def _signature_form(data: bytes, name: str):
    form_class = modelform_factory(SignatureImage, form=SignatureImageForm, fields=["image"])
    return form_class(data={}, files={"image": SimpleUploadedFile(name, data, "image/png")})


def test_signature_image_must_be_a_png():
    assert "Hãy chọn một tệp PNG: tệp này không phải." in _errors(_signature_form(_image("JPEG"), "chu-ky.png"), "image")
    assert _signature_form(_image("PNG"), "chu-ky.png").is_valid()


def test_signature_image_size_limit(monkeypatch):
    monkeypatch.setattr(workflow_forms, "SIGNATURE_IMAGE_MAX_BYTES", 10)
    assert "Tệp lớn hơn 10 byte." in _errors(_signature_form(_image("PNG"), "chu-ky.png"), "image")


# --- Index results import (/chi-so/bang/<id>/nhap/) -----------------------------------


def test_index_import_refuses_a_too_large_file(client, edition, monkeypatch):  # noqa: F811
    client.force_login(UserFactory(role="admin"))
    monkeypatch.setattr(directory_forms, "MAX_UPLOAD_BYTES", 1024 * 1024)
    monkeypatch.setattr(importing, "MAX_UPLOAD_BYTES", 1024 * 1024)
    upload = io.BytesIO(b"unit,total\n" + b"Quang Nam,80\n" * 100_000)
    upload.name = "ket-qua.csv"
    response = client.post(reverse("indices:import_upload", args=[edition.pk]), {"file": upload})
    assert response.status_code == 200
    assert "Tệp lớn hơn 1 MB." in page_text(response.content)


def test_index_import_refuses_a_wrong_type(client, edition):  # noqa: F811
    client.force_login(UserFactory(role="admin"))
    upload = io.BytesIO(PNG)
    upload.name = "ket-qua.csv"
    response = client.post(reverse("indices:import_upload", args=[edition.pk]), {"file": upload})
    assert response.status_code == 200
    assert "không phải là tệp văn bản CSV hay bảng tính XLSX" in page_text(response.content)


# --- Progress reports on improvement tasks (page and admin) ----------------------------


@pytest.mark.parametrize("make_form", ["page", "admin"])
def test_progress_report_attachment_limits(make_form, monkeypatch):
    def errors(data: bytes, name: str) -> str:
        upload = SimpleUploadedFile(name, data)
        if make_form == "admin":
            form_class = modelform_factory(ProgressReport, form=ProgressReportAdminForm, fields=["attachment"])
            form = form_class(data={}, files={"attachment": upload})
            return _errors(form, "attachment")
        with pytest.raises(indices_forms.forms.ValidationError) as refused:
            indices_forms.check_attachment(upload)
        return " ".join(refused.value.messages)

    assert "Hãy đính kèm tệp PDF, DOCX, XLSX, PNG hoặc JPG." in errors(b"MZ\x90\x00", "bao-cao.pdf")
    monkeypatch.setattr(indices_forms, "ATTACHMENT_MAX_BYTES", 10)
    assert "Tệp lớn hơn 10 MB." in errors(PDF, "bao-cao.pdf")


# --- The global cap and Django's limits: 413 ------------------------------------------


def test_a_body_over_the_global_cap_gets_the_413_page(settings):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    client = Client()
    response = client.post(reverse("login"), {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    text = page_text(response.content)
    assert "Tệp hoặc biểu mẫu quá lớn" in text and "1000 byte" in text
    assert "Content-Security-Policy" in response.headers
    # Under the cap, the same page answers as usual.
    assert client.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 200


@pytest.mark.parametrize(
    ("setting", "value", "data"),
    [
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", 100, {"username": "x" * 500}),
        ("DATA_UPLOAD_MAX_NUMBER_FIELDS", 5, {f"f{i}": "1" for i in range(10)}),
        (
            "DATA_UPLOAD_MAX_NUMBER_FILES",
            2,
            {f"file{i}": SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(3)},
        ),
    ],
)
def test_django_limits_get_the_413_page_not_a_bare_400(settings, setting, value, data):
    setattr(settings, setting, value)
    client = Client()
    client.force_login(UserFactory(role="drafter"))
    response = client.post(reverse("workflow:verify"), data)
    assert response.status_code == 413
    assert "Tệp hoặc biểu mẫu quá lớn" in page_text(response.content)
