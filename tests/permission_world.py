"""The world of the permission matrix (tests/test_permission_matrix.py).

Two provinces. Every plan, invitation, contribution and report belongs to
province 1: its People's Committee issues the plans, its Sở Nội vụ drafts
them, its Vice-Chairman signs them. The logged-in staff belong to province 2
(the drafter to its Sở Nội vụ, the clerk to its Văn phòng UBND), except the
signer, who is the plans' designated signer. Unit A (a district People's
Committee of province 1) is invited, asked for a contribution and assigned a
task; unit B (a department of province 1) is invited too, and must see none
of unit A's things. A few objects of the drafter's own unit (its draft) show
what the same views allow the right person.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils import timezone

from conferences.models import AgendaItem, LegalBasis, Plan, PlanKind, PlanState
from contributions.models import Booklet, ConclusionSending, ContributionFile, ContributionRequest
from documents.models import RenderedFile
from indices.models import (
    Component,
    ComponentLevel,
    ComponentScore,
    Edition,
    FieldResponsibility,
    ImprovementTask,
    Index,
    ProgressReport,
    Result,
)
from invitations import outbox, tokens
from invitations import services as invitation_services
from invitations.models import Invitation, MailAttachment
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    SectionFactory,
    TaskFactory,
    TaskGroupFactory,
    UserFactory,
)
from tests.invitations.conftest import build_conference
from workflow import services as workflow_services
from workflow.models import IssuedDocument, Notification, SignatureImage

ROLES = ("anonymous", "unit_a", "unit_b", "drafter", "reviewer", "signer", "clerk", "admin")

# A minimal PDF: the files are only downloaded, never parsed.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class World:
    users: dict  # role → user (None for anonymous)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _plan(committee, drafting_unit, signer, **kwargs) -> Plan:
    plan = PlanFactory(
        issuing_body=committee,
        drafting_unit=drafting_unit,
        year=2026,
        sign_on_behalf_of="ỦY BAN NHÂN DÂN",
        sign_for_mode="KT",
        sign_for_title="CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer=signer,
        signer_name=signer.full_name if signer else "",
        **kwargs,
    )
    SectionFactory(plan=plan, order=1, heading="MỤC ĐÍCH, YÊU CẦU", body="- Đánh giá kết quả Chỉ số PAPI năm 2025.")
    return plan


def _set_state(plan: Plan, state: str, **fields) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(state=state, **fields)
    plan.refresh_from_db()
    return plan


def build_world() -> World:  # noqa: PLR0915 - one world, built in order
    # Province 1: the owner of everything, with a conference plan issued and its invitations sent.
    made = {}

    def complete(plan, committee):
        province = committee.admin_unit
        made["office"] = OrganisationFactory(
            kind="office", name="Văn phòng UBND tỉnh Thử Nghiệm", parent=committee, admin_unit=province
        )
        made["home_affairs"] = OrganisationFactory(
            kind="department", name="Sở Nội vụ tỉnh Thử Nghiệm", parent=committee, admin_unit=province
        )
        made["vice_chairman"] = PersonFactory(
            full_name="Hồ Quang Bửu", title="Phó Chủ tịch Ủy ban nhân dân tỉnh", organisation=committee
        )
        plan.drafting_unit, plan.signer = made["home_affairs"], made["vice_chairman"]
        plan.signer_name = plan.signer.full_name
        plan.save()

    setup = build_conference(hall_units=2, districts=1, communes=1, before_issue=complete)
    committee, office, home_affairs, vice_chairman = setup.issuer, made["office"], made["home_affairs"], made["vice_chairman"]
    province = committee.admin_unit
    unit_a, unit_b = setup.districts[0], setup.hall_units[0]
    director = PersonFactory(full_name="Phạm Văn Minh", title="Giám đốc Sở Nội vụ", organisation=home_affairs)

    # Province 2: where the logged-in staff work.
    committee_2 = OrganisationFactory(name="Ủy ban nhân dân tỉnh Thứ Hai")
    office_2 = OrganisationFactory(
        kind="office", name="Văn phòng UBND tỉnh Thứ Hai", parent=committee_2, admin_unit=committee_2.admin_unit
    )
    home_affairs_2 = OrganisationFactory(
        kind="department", name="Sở Nội vụ tỉnh Thứ Hai", parent=committee_2, admin_unit=committee_2.admin_unit
    )
    leader_2 = PersonFactory(full_name="Lê Văn Hai", title="Chủ tịch Ủy ban nhân dân tỉnh", organisation=committee_2)

    users = {
        "anonymous": None,
        "unit_a": UserFactory(username="donvi-a", role="unit_office", organisation=unit_a, email="donvi-a@example.org"),
        "unit_b": UserFactory(username="donvi-b", role="unit_office", organisation=unit_b, email="donvi-b@example.org"),
        "drafter": UserFactory(username="soanthao", role="drafter", organisation=home_affairs_2, email="soanthao@example.org"),
        "reviewer": UserFactory(username="lanhdao-2", role="reviewer", organisation=committee_2, person=leader_2),
        "signer": UserFactory(username="lanhdao", role="reviewer", organisation=committee, person=vice_chairman),
        "clerk": UserFactory(username="vanthu", role="clerk", organisation=office_2, email="vanthu@example.org"),
        "admin": UserFactory(username="quantri", role="admin", is_superuser=True, is_staff=True),
    }
    # Province 1's own drafter and reviewer act in the workflow; they are not columns of the matrix.
    drafter_1 = UserFactory(username="soanthao-1", role="drafter", organisation=home_affairs)
    reviewer_1 = UserFactory(username="giamdoc-1", role="reviewer", organisation=home_affairs, person=director)

    # The issued conference plan, its signed file, a rendered copy, its invitations (replied by unit A).
    issued = setup.plan
    issued_document = IssuedDocument(
        plan=issued,
        number_display=f"{issued.number}/KH-UBND",
        issue_date=issued.issue_date,
        title=issued.subject,
        sha256="1" * 64,
        size=len(PDF),
        signer_name=vice_chairman.full_name,
        signed_at=timezone.now(),
    )
    issued_document.file.save("ke-hoach.pdf", ContentFile(PDF), save=False)
    issued_document.save()
    rendered = RenderedFile(plan=issued, kind="plan", format="pdf", state="done", version=1, progress=100, sha256="2" * 64)
    rendered.file.save("ke-hoach.pdf", ContentFile(PDF), save=False)
    rendered.save()

    invitation_services.build_recipients(setup.campaign)
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation_services.issue_and_send(setup.campaign.pk)
    invitation_a = Invitation.objects.get(campaign=setup.campaign, organisation=unit_a)
    invitation_b = Invitation.objects.get(campaign=setup.campaign, organisation=unit_b)
    assert invitation_a.number and invitation_a.pdf and invitation_a.invites_lower_tier, "unit A's Giấy mời was not issued"
    invitation_services.save_reply(
        invitation_a,
        attending=True,
        delegate_count=1,
        delegates=[invitation_services.DelegateEntry("Trần Thị Bích", "Phó Chủ tịch UBND huyện")],
        contact_name="Lê Văn Liên",
        contact_phone="0905 123 456",
    )
    delegate_a = invitation_a.delegates.get()
    attachment = MailAttachment(mail=invitation_a.mail, filename="giay-moi.pdf", content_type="application/pdf", size=len(PDF))
    attachment.file.save("giay-moi.pdf", ContentFile(PDF), save=False)
    attachment.as_link = True
    attachment.save()

    # Plans of province 1 in each workflow state.
    draft = _plan(committee, home_affairs, vice_chairman, subject="Dự thảo của tỉnh Thử Nghiệm")
    AgendaItem.objects.create(plan=draft, order=1, content="Khai mạc Hội nghị", performers="Lãnh đạo UBND tỉnh")
    LegalBasis.objects.create(plan=draft, order=1, text="Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;")
    workflow_services.set_review_chain(draft, [reviewer_1, users["signer"]], user=drafter_1)
    submitted = _plan(committee, home_affairs, vice_chairman, subject="Kế hoạch đang trình")
    workflow_services.set_review_chain(submitted, [reviewer_1, users["signer"]], user=drafter_1)
    workflow_services.submit(submitted, user=drafter_1)  # held by reviewer_1; the signer is next
    workflow_services.comment(submitted, user=reviewer_1, text="Bổ sung kinh phí.", section_key="")
    approved = _set_state(_plan(committee, home_affairs, vice_chairman, subject="Kế hoạch đã duyệt"), PlanState.APPROVED)
    signed = _set_state(_plan(committee, home_affairs, vice_chairman, subject="Kế hoạch đã ký"), PlanState.SIGNED)
    rendered_draft = RenderedFile(plan=draft, kind="plan", format="pdf", state="done", version=1, progress=100, sha256="4" * 64)
    rendered_draft.file.save("du-thao.pdf", ContentFile(PDF), save=False)
    rendered_draft.save()
    own_draft = _plan(committee_2, home_affairs_2, None, subject="Dự thảo của Sở Nội vụ tỉnh Thứ Hai")

    # The conclusion notice of the conference (issued), with a task assigned to unit A and its report.
    conclusion = _plan(committee, home_affairs, vice_chairman, kind=PlanKind.CONCLUSION, type_code="TB", concludes=issued)
    task = TaskFactory(group=TaskGroupFactory(plan=conclusion), deadline=timezone.localdate() + datetime.timedelta(days=60))
    task.assignees.set([unit_a])
    conclusion = _set_state(conclusion, PlanState.ISSUED, number=13, issue_date=timezone.localdate())
    ConclusionSending.objects.create(plan=conclusion, sent_by=drafter_1, recipients=[unit_a.name])
    report = ProgressReport.objects.create(
        task=task, organisation=unit_a, period=timezone.localdate().replace(day=1), text="Đã triển khai.", percent=40
    )
    report.attachment.save("bao-cao.pdf", ContentFile(PDF))

    # Unit A's contribution, its file, the booklet.
    contribution = ContributionRequest.objects.create(
        plan=issued,
        organisation=unit_a,
        topic="Cải thiện Chỉ số PAPI cấp huyện",
        deadline=timezone.localdate() + datetime.timedelta(days=9),
    )
    contribution_file = ContributionFile(
        request=contribution, version=1, original_name="tham-luan.pdf", file_type="pdf", size=len(PDF), sha256="3" * 64
    )
    contribution_file.file.save("v1.pdf", ContentFile(PDF), save=False)
    contribution_file.save()
    booklet = Booklet.objects.create(plan=issued, state="done", version=1, page_count=1)
    booklet.file.save("tai-lieu.pdf", ContentFile(PDF))

    # Index results of province 1.
    index = Index.objects.create(code="papi", name="PAPI", score_unit="points")
    edition = Edition.objects.create(index=index, year=2024)
    component = Component.objects.create(
        edition=edition, order=1, code="1", name="Tham gia của người dân", level=ComponentLevel.DIMENSION, max_score=10
    )
    result = Result.objects.create(edition=edition, admin_unit=province, total=42.5, rank=20, out_of=63)
    score = ComponentScore.objects.create(result=result, component=component, score=5.2)
    responsibility = FieldResponsibility.objects.create(province=province, index=index, field_key="1", organisation=home_affairs)
    improvement_task = ImprovementTask.objects.create(task=task, result=result, component=component, lost_points=4.8)

    Group.objects.create(name="Văn thư")
    notification = Notification.objects.order_by("pk").first()
    signature_image = SignatureImage(organisation=committee, person=vice_chairman, kind="signature")
    signature_image.image.save("chu-ky.png", ContentFile(PNG))

    objects = {
        "province": province,
        "committee": committee,
        "office": office,
        "home_affairs": home_affairs,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "vice_chairman": vice_chairman,
        "issued": issued,
        "issued_document": issued_document,
        "rendered": rendered,
        "rendered_draft": rendered_draft,
        "campaign": setup.campaign,
        "invitation_a": invitation_a,
        "invitation_b": invitation_b,
        "reply_path_a": tokens.reply_path(invitation_a),
        "token_a": tokens.make_token(invitation_a),
        "delegate_a": delegate_a,
        "mail_a": invitation_a.mail,
        "attachment_token": outbox.attachment_link(attachment).rsplit("/", 2)[-2],
        "draft": draft,
        "submitted": submitted,
        "approved": approved,
        "signed": signed,
        "own_draft": own_draft,
        "conclusion": conclusion,
        "task": task,
        "report": report,
        "contribution": contribution,
        "contribution_file": contribution_file,
        "booklet": booklet,
        "index": index,
        "edition": edition,
        "component": component,
        "result": result,
        "score": score,
        "responsibility": responsibility,
        "improvement_task": improvement_task,
        "notification": notification,
        "signature_image": signature_image,
    }
    # Security records the admin lists: a lockout, the login logs, an audit event, the signer's devices.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from audit.models import Kind
    from audit.services import record

    AccessAttempt.objects.create(username="khach", ip_address="203.0.113.7", user_agent="test", failures_since_start=5)
    AccessFailureLog.objects.create(username="khach", ip_address="203.0.113.7", user_agent="test", locked_out=True)
    AccessLog.objects.create(username=users["signer"].username, ip_address="203.0.113.8", user_agent="test")
    record(Kind.LOGIN_FAILED, username="khach", detail={"reason": "matrix world"})
    TOTPDevice.objects.create(user=users["signer"], name="Điện thoại", confirmed=True)
    from ops.models import TaskFailure

    objects["task_failure"] = TaskFailure.objects.create(
        task_name="documents.tasks.render_file_task", args_summary="(1,)", exception="RuntimeError: matrix world"
    )
    StaticDevice.objects.create(user=users["signer"], name="Mã dự phòng", confirmed=True)
    return World(users=users, objects=objects)


# A 1×1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001"
    "e221bc330000000049454e44ae426082"
)
