"""Stored renderings, the panel endpoints and the export_plan command."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse

from conferences.models import DistributionLine, Plan
from documents import services
from documents.models import RenderedFile
from tests.conftest import page_text
from tests.documents.pdfutil import body_text, pdftotext
from tests.factories import (
    BridgePointFactory,
    ConferenceFactory,
    DistributionLineFactory,
    OrganisationFactory,
    ParticipantGroupFactory,
    PlanFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    plan = PlanFactory(subject="Tổ chức Hội nghị phân tích Chỉ số PAPI năm 2024")
    SectionFactory(plan=plan, heading="MỤC ĐÍCH, YÊU CẦU", body="- Đánh giá kết quả.")
    DistributionLineFactory(plan=plan, text="Lưu: VT, NC.")
    ConferenceFactory(plan=plan, form="in_person", time_text="Dự kiến trong tháng 6/2024.", chair_text="Lãnh đạo UBND tỉnh")
    point = BridgePointFactory(plan=plan, heading="Điểm cầu tỉnh", place="tại Hội trường Ủy ban nhân dân tỉnh")
    line = ParticipantGroupFactory(plan=plan, bridge_point=point, text="Đại diện Sở Tư pháp;")
    line.organisations.add(OrganisationFactory(name="Sở Tư pháp tỉnh Thử Nghiệm", kind="department"))
    line.organisations.add(OrganisationFactory(name="Sở Y tế tỉnh Thử Nghiệm", kind="department"))
    return plan


def render(plan, kind="plan", file_format="pdf", user=None, on_commit=None) -> RenderedFile:
    """Ask for a rendering and run the queued task (Celery is eager in tests)."""
    with on_commit(execute=True):
        services.request_rendering(plan=plan, kind=kind, file_format=file_format, user=user)
    return RenderedFile.objects.get(plan=plan, kind=kind, format=file_format)


def test_rendering_is_stored_with_version_and_hash_and_redone_only_after_a_change(plan, django_capture_on_commit_callbacks):
    first = render(plan, on_commit=django_capture_on_commit_callbacks)
    data = first.file.read()
    assert (first.state, first.progress, first.version) == ("done", 100, 1)
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert "Tổ chức Hội nghị phân tích Chỉ số PAPI năm 2024" in body_text(data)

    again = render(plan, on_commit=django_capture_on_commit_callbacks)
    assert (again.version, again.sha256, again.file.name) == (1, first.sha256, first.file.name)

    DistributionLine.objects.filter(plan=plan).update(text="Lưu: VT, NC, TH.")
    changed = render(plan, on_commit=django_capture_on_commit_callbacks)
    assert changed.version == 2 and changed.sha256 != first.sha256
    assert "- Lưu: VT, NC, TH." in pdftotext(changed.file.read())
    assert not changed.file.storage.exists(first.file.name), "the old version's file is removed"


def test_nothing_is_queued_before_the_commit(plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rendered = services.request_rendering(plan=plan, kind="plan", file_format="docx", user=None)
    assert len(callbacks) == 1
    rendered.refresh_from_db()
    assert (rendered.state, rendered.version) == ("queued", 0)


def test_invitations_bundle_one_file_per_recipient(plan, django_capture_on_commit_callbacks):
    rendered = render(plan, kind="invitations", on_commit=django_capture_on_commit_callbacks)
    with zipfile.ZipFile(io.BytesIO(rendered.file.read())) as archive:
        names = archive.namelist()
        assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
        texts = [body_text(archive.read(name)) for name in names]
    assert any("trân trọng kính mời: Sở Tư pháp tỉnh Thử Nghiệm" in t for t in texts)
    assert any("trân trọng kính mời: Sở Y tế tỉnh Thử Nghiệm" in t for t in texts)
    assert all("Địa điểm: Tại Hội trường Ủy ban nhân dân tỉnh" in t for t in texts)

    rendered = render(plan, kind="invitations", file_format="docx", on_commit=django_capture_on_commit_callbacks)
    with zipfile.ZipFile(io.BytesIO(rendered.file.read())) as archive:
        words = [docx.Document(io.BytesIO(archive.read(n))) for n in archive.namelist()]
    assert len(words) == 2
    assert any(p.text.startswith("GIẤY MỜI") for p in words[0].paragraphs)


def test_a_failed_rendering_is_reported(plan, django_capture_on_commit_callbacks, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts today")

    monkeypatch.setattr(services, "render_one", broken)
    rendered = render(plan, on_commit=django_capture_on_commit_callbacks)
    assert rendered.state == "failed" and "no fonts today" in rendered.error and rendered.version == 0


def test_panel_on_the_plan_page(client, plan):
    clerk = UserFactory(role="clerk")
    client.force_login(clerk)
    text = page_text(client.get(reverse("conferences:plan_detail", args=[plan.pk])).content)
    assert "Văn bản" in text and "Kế hoạch và chương trình (PDF)" in text and "Giấy mời" in text
    assert "Tạo tệp" in text

    office = UserFactory(role="unit_office")
    Plan.objects.filter(pk=plan.pk).update(state="issued", number=3, issue_date=datetime.date(2024, 6, 3))
    client.force_login(office)
    text = page_text(client.get(reverse("conferences:plan_detail", args=[plan.pk])).content)
    assert "Kế hoạch và chương trình (PDF)" in text and "Tạo tệp" not in text


def test_staff_render_poll_and_download(client, plan, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(role="drafter"))
    url = reverse("documents:render", args=[plan.pk, "plan", "docx"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200
    assert response.json()["state"] == "queued"  # as answered before the job ran

    rendered = RenderedFile.objects.get(plan=plan, format="docx")
    status = client.get(reverse("documents:status", args=[rendered.pk])).json()
    assert status["state"] == "done" and status["ready"] and status["version"] == 1
    assert status["summary"] == "Đã có tệp · phiên bản 1"
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == status["sha256"]
    assert any(p.text == "KẾ HOẠCH" for p in docx.Document(io.BytesIO(data)).paragraphs)

    # Without JavaScript: back to the plan page with a message.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:render", args=[plan.pk, "plan", "pdf"]))
    assert response.status_code == 302 and response.url == reverse("conferences:plan_detail", args=[plan.pk])


def test_permissions(client, plan, django_capture_on_commit_callbacks):
    render_url = reverse("documents:render", args=[plan.pk, "plan", "pdf"])
    assert client.post(render_url).status_code == 302  # log in first

    office = UserFactory(role="unit_office")
    client.force_login(office)
    assert client.post(render_url).status_code == 404  # a draft plan is not visible to a unit office
    rendered = render(plan, on_commit=django_capture_on_commit_callbacks)
    assert client.get(reverse("documents:status", args=[rendered.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[rendered.pk])).status_code == 404

    Plan.objects.filter(pk=plan.pk).update(state="issued", number=3, issue_date=datetime.date(2024, 6, 3))
    assert client.post(render_url).status_code == 403  # may see, may not ask for renderings
    assert client.get(reverse("documents:download", args=[rendered.pk])).status_code == 200  # may download

    client.force_login(UserFactory(role="reviewer"))
    assert client.get(render_url).status_code == 405
    assert client.post(reverse("documents:render", args=[plan.pk, "plan", "odt"])).status_code == 404
    no_conference = PlanFactory()
    assert client.post(reverse("documents:render", args=[no_conference.pk, "invitations", "pdf"])).status_code == 404


def test_export_plan_command(tmp_path, plan):
    out = tmp_path / "ke-hoach.pdf"
    call_command("export_plan", plan.pk, "--format", "pdf", "--out", str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"%PDF-") and "KẾ HOẠCH" in pdftotext(out.read_bytes())
    call_command("export_plan", plan.pk, "--format", "docx", "--out", str(tmp_path / "k.docx"), stdout=io.StringIO())
    assert docx.Document(str(tmp_path / "k.docx")).paragraphs[0].text == "KẾ HOẠCH"
    call_command("export_plan", plan.pk, "--invitations", "--out", str(tmp_path / "gm.zip"), stdout=io.StringIO())
    assert len(zipfile.ZipFile(tmp_path / "gm.zip").namelist()) == 2
    code = plan.participant_groups.get().organisations.order_by("name").first().code
    call_command("export_plan", plan.pk, "--recipient", code, "--out", str(tmp_path / "gm.pdf"), stdout=io.StringIO())
    assert "trân trọng kính mời: Sở Tư pháp tỉnh Thử Nghiệm" in body_text((tmp_path / "gm.pdf").read_bytes())
    with pytest.raises(Exception, match="not a recipient"):
        call_command("export_plan", plan.pk, "--recipient", "nobody", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(Exception, match="No plan"):
        call_command("export_plan", 999999, "--out", str(tmp_path / "x.pdf"))
