"""manage.py export_plan_record: an issued demo plan's complete record in a zip."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from conferences.models import Plan
from contributions import services as contributions
from contributions.models import Booklet, ContributionRequest
from directory.models import User
from documents import services as documents
from documents.models import DocumentKind, RenderedFile
from tests.contributions.conftest import make_pdf
from tests.factories import UserFactory
from workflow.models import IssuedDocument


@pytest.fixture
def issued_plan(demo, settings, tmp_path, django_capture_on_commit_callbacks):
    """Seed 000 as load_demo issues it, with its contribution requests mailed,
    a contribution uploaded, the plan's PDF rendered and the booklet built."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    plan = Plan.objects.get(key="seed-000")
    request = ContributionRequest.objects.filter(plan=plan).order_by("pk").first()
    office = UserFactory(role="unit_office", organisation=request.organisation)
    before_deadline = timezone.make_aware(datetime.datetime.combine(request.deadline, datetime.time(9)))
    contributions.upload(request, user=office, data=make_pdf("Tham luận của đơn vị"), name="tham-luan.pdf", now=before_deadline)
    clerk = User.objects.get(username="vanthu")
    assert contributions.notify_units(plan, user=clerk) > 0
    with django_capture_on_commit_callbacks(execute=True):
        documents.request_rendering(plan=plan, kind=DocumentKind.PLAN, file_format="pdf", user=clerk)
        contributions.request_booklet(plan, user=clerk)
    assert RenderedFile.objects.get(plan=plan).file and Booklet.objects.get(plan=plan).file
    return plan


def _open(path) -> tuple[zipfile.ZipFile, dict, dict]:
    archive = zipfile.ZipFile(path)
    return archive, json.loads(archive.read("record.json")), json.loads(archive.read("manifest.json"))


def test_export_of_an_issued_plan(issued_plan, tmp_path):
    out = io.StringIO()
    call_command("export_plan_record", issued_plan.pk, "--output", str(tmp_path / "archive"), stdout=out)
    zips = list((tmp_path / "archive").glob("*.zip"))
    assert [z.name for z in zips] == [f"plan-{issued_plan.pk}-record-{datetime.date.today():%Y%m%d}.zip"]
    archive, record, manifest = _open(zips[0])

    # Every file of the zip is in the manifest with the SHA-256 of its bytes, and only those.
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(archive.namelist()) == set(listed) | {"manifest.json", "SHA256SUMS"}
    for path, entry in listed.items():
        body = archive.read(path)
        assert entry["size"] == len(body)
        assert entry["sha256"] == hashlib.sha256(body).hexdigest(), path
    sums = archive.read("SHA256SUMS").decode().splitlines()
    assert sorted(sums) == sorted(f"{e['sha256']}  {e['path']}" for e in manifest["files"])

    # The issued, signed PDF: the very bytes stored.
    issued = IssuedDocument.objects.get(plan=issued_plan)
    with issued.file.open("rb") as handle:
        stored = handle.read()
    (pdf_entry,) = [e for e in manifest["files"] if e.get("model") == "workflow.issueddocument"]
    assert archive.read(pdf_entry["path"]) == stored
    assert pdf_entry["stored_sha256"] == issued.sha256 == hashlib.sha256(stored).hexdigest()

    # Every kind of file the plan has.
    by_model = {(e.get("model"), e.get("field")) for e in manifest["files"]}
    assert {
        ("workflow.issueddocument", "file"),
        ("documents.renderedfile", "file"),
        ("contributions.contributionfile", "file"),
        ("contributions.booklet", "file"),
    } <= by_model
    upload_entry = next(e for e in manifest["files"] if e.get("model") == "contributions.contributionfile")
    assert archive.read(upload_entry["path"]).startswith(b"%PDF-")

    # The data.
    assert record["format"] == "hoi-nghi-cchc/plan-record/1"
    assert record["plan"]["id"] == issued_plan.pk and record["plan"]["state"] == "issued"
    assert record["plan"]["issued"]["number"] == "01/KH-UBND"
    assert record["plan"]["issued"]["sha256"] == issued.sha256
    objects = record["objects"]
    (plan_row,) = objects["conferences.plan"]
    assert plan_row["pk"] == issued_plan.pk and plan_row["fields"]["key"] == "seed-000"
    assert len(objects["conferences.section"]) == issued_plan.sections.count() > 0
    assert len(objects["conferences.agendaitem"]) == issued_plan.agenda_items.count() > 0
    transitions = [(t["fields"]["from_state"], t["fields"]["to_state"]) for t in objects["workflow.transition"]]
    assert transitions[-2:] == [("approved", "signed"), ("signed", "issued")]
    assert [s["fields"]["reviewer"] for s in objects["workflow.reviewstep"]] == list(
        issued_plan.review_steps.order_by("pk").values_list("reviewer_id", flat=True)
    )
    assert len(objects["workflow.submittedversion"]) >= 1
    assert len(objects["contributions.contributionrequest"]) == ContributionRequest.objects.filter(plan=issued_plan).count()
    assert objects["contributions.contributionfile"][0]["fields"]["sha256"] == upload_entry["sha256"]
    assert objects["workflow.issueddocument"][0]["fields"]["number_display"] == "01/KH-UBND"
    # Mail of the outbox about the plan's rows: the contribution requests, and the workflow's
    # notifications of its transitions (each mail names the row it is about).
    from django.contrib.contenttypes.models import ContentType

    about = {
        ContentType.objects.get_by_natural_key("contributions", "contributionrequest").pk: {
            r["pk"] for r in objects["contributions.contributionrequest"]
        },
        ContentType.objects.get_by_natural_key("workflow", "transition").pk: {t["pk"] for t in objects["workflow.transition"]},
    }
    mails = objects["invitations.outgoingmail"]
    assert any(int(m["fields"]["related_id"]) in about[next(iter(about))] for m in mails if m["fields"]["related_type"] in about)
    for mail in mails:
        assert int(mail["fields"]["related_id"]) in about[mail["fields"]["related_type"]], mail
    # References: directory rows the record points at; users without their password.
    users = {u["fields"]["username"]: u["fields"] for u in record["references"]["directory.user"]}
    assert {"soanthao", "giamdoc", "lanhdao", "vanthu"} <= set(users)
    assert all("password" not in fields for fields in users.values())
    organisations = {o["pk"] for o in record["references"]["directory.organisation"]}
    assert issued_plan.issuing_body_id in organisations and issued_plan.drafting_unit_id in organisations
    # Nothing of another plan.
    assert {row["fields"]["plan"] for row in objects["workflow.transition"]} == {issued_plan.pk}


def test_export_to_a_named_zip_and_to_a_folder(issued_plan, tmp_path):
    call_command("export_plan_record", issued_plan.pk, "--output", str(tmp_path / "k" / "ke-hoach.zip"), stdout=io.StringIO())
    archive, record, manifest = _open(tmp_path / "k" / "ke-hoach.zip")
    call_command("export_plan_record", issued_plan.pk, "--output", str(tmp_path / "folder"), "--folder", stdout=io.StringIO())
    for entry in manifest["files"]:
        if entry["path"] != "record.json":  # exported_at differs
            assert (tmp_path / "folder" / entry["path"]).read_bytes() == archive.read(entry["path"])


def test_a_missing_file_is_reported(issued_plan, tmp_path):
    rendered = RenderedFile.objects.get(plan=issued_plan)
    rendered.file.storage.delete(rendered.file.name)
    with pytest.raises(CommandError, match="missing file"):
        call_command("export_plan_record", issued_plan.pk, "--output", str(tmp_path / "r.zip"), stdout=io.StringIO())
    _archive, record, manifest = _open(tmp_path / "r.zip")
    assert [m["model"] for m in record["missing_files"]] == ["documents.renderedfile"]
    assert not any(e.get("model") == "documents.renderedfile" for e in manifest["files"])


@pytest.mark.django_db
def test_unknown_plan():
    with pytest.raises(CommandError, match="No plan with id 999999"):
        call_command("export_plan_record", 999999)
