"""Starting a plan: blank or from a template per plan kind."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from conferences.cloning import clone_plan
from conferences.models import (
    AgendaItem,
    BridgePoint,
    Conference,
    DistributionLine,
    LegalBasis,
    ParticipantGroup,
    Plan,
    PlanKind,
    Section,
    Task,
    TaskGroup,
)
from conferences.selectors import plan_document
from conferences.starters import TEMPLATES, create_blank_plan, create_from_template, header_fields, template
from directory.models import Organisation
from tests.conftest import page_text
from tests.factories import AdministrativeUnitFactory, OrganisationFactory

PLACEHOLDER = re.compile(r"\{\w+\}")


def every_text(plan: Plan) -> list[str]:
    texts = [plan.subject, plan.preamble, plan.closing, plan.budget_source, plan.agenda_subject, plan.place]
    texts += list(LegalBasis.objects.filter(plan=plan).values_list("text", flat=True))
    for section in Section.objects.filter(plan=plan):
        texts += [section.heading, section.body]
    for point in BridgePoint.objects.filter(plan=plan):
        texts += [point.heading, point.place, point.host_text]
    texts += list(ParticipantGroup.objects.filter(plan=plan).values_list("text", flat=True))
    for item in AgendaItem.objects.filter(plan=plan):
        texts += [item.content, item.performers]
    for group in TaskGroup.objects.filter(plan=plan):
        texts += [group.heading, group.intro, group.note]
    texts += list(Task.objects.filter(group__plan=plan).values_list("text", flat=True))
    texts += list(DistributionLine.objects.filter(plan=plan).values_list("text", flat=True))
    return texts


def full_clean_everything(plan: Plan) -> int:
    """``full_clean`` every object of the plan; returns how many were checked."""
    objects = [plan]
    for model in (LegalBasis, Section, Conference, BridgePoint, ParticipantGroup, AgendaItem, TaskGroup, DistributionLine):
        objects += list(model.objects.filter(plan=plan))
    objects += list(Task.objects.filter(group__plan=plan))
    for obj in objects:
        obj.full_clean()
    return len(objects)


@pytest.fixture
def quang_nam(demo):
    return Organisation.objects.get(code="quang-nam:ubnd-tinh")


def test_one_template_per_plan_kind():
    assert [t.kind for t in TEMPLATES] == [PlanKind.CONFERENCE, PlanKind.SUMMARY_CONFERENCE, PlanKind.IMPROVEMENT]
    assert len({t.key for t in TEMPLATES}) == 3
    for starter in TEMPLATES:
        assert starter.path.exists()
        json.loads(starter.path.read_text(encoding="utf-8"))
    with translation.override("vi"):
        assert str(template("improvement").label) == "Kế hoạch cải thiện, nâng cao các Chỉ số"
    with pytest.raises(KeyError):
        template("nope")


@pytest.mark.parametrize("key", [t.key for t in TEMPLATES])
def test_each_template_makes_a_valid_plan_that_renders(client, quang_nam, drafter, key):
    plan = create_from_template(template_key=key, issuing_body=quang_nam, user=drafter, year=2025)
    assert plan.kind == template(key).kind
    assert (plan.state, plan.year, plan.number, plan.issue_date, plan.created_by) == ("draft", 2025, None, None, drafter)
    assert (plan.letterhead_parent, plan.letterhead_name, plan.symbol, plan.place) == (
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG NAM",
        "UBND",
        "Quảng Nam",
    )
    assert (plan.sign_on_behalf_of, plan.sign_for_mode, plan.sign_for_title, plan.signer_title) == (
        "ỦY BAN NHÂN DÂN",
        "KT",
        "CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )
    assert full_clean_everything(plan) > 20
    texts = every_text(plan)
    assert not [text for text in texts if PLACEHOLDER.search(text)], "placeholders left unfilled"
    assert not [text for text in texts if "  " in text or text != text.strip()]

    # Usual parts: purpose first, tasks and budget placed by a section, a signature, Nơi nhận ending with Lưu.
    top = list(Section.objects.filter(plan=plan, parent=None).order_by("order").values_list("heading", flat=True))
    assert top[0] == "MỤC ĐÍCH, YÊU CẦU"
    assert "TỔ CHỨC THỰC HIỆN" in top or "PHÂN CÔNG THỰC HIỆN" in top
    contents = set(Section.objects.filter(plan=plan).exclude(content="").values_list("content", flat=True))
    assert {"tasks", "budget"} <= contents
    assert LegalBasis.objects.filter(plan=plan).exists()
    distribution = list(plan.distribution_lines.order_by("order").values_list("text", flat=True))
    assert distribution[-1] == "Lưu: VT."
    assert Task.objects.filter(group__plan=plan).count() >= 4

    document = plan_document(plan_id=plan.pk, user=drafter)
    assert not document.unplaced_tasks and not document.unplaced_participants
    client.force_login(drafter)
    response = client.get(reverse("conferences:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    text = page_text(response.content)
    assert " ".join(plan.subject.split()) in text
    assert "I. MỤC ĐÍCH, YÊU CẦU" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "KT. CHỦ TỊCH" in text
    assert "- Lưu: VT." in text


def test_index_conference_template(quang_nam, drafter):
    plan = create_from_template(template_key="index-conference", issuing_body=quang_nam, user=drafter, year=2025)
    assert plan.subject == (
        "Tổ chức Hội nghị phân tích, đánh giá kết quả Chỉ số PAPI,\nChỉ số PAR INDEX, Chỉ số SIPAS năm 2024 tỉnh Quảng Nam"
    )
    assert "Kế hoạch cải cách hành chính năm 2025;" in plan.legal_bases.first().text
    assert "Ủy ban nhân dân tỉnh ban hành Kế hoạch tổ chức Hội nghị" in plan.preamble
    assert plan.agenda_attached and plan.agenda_subject.endswith("năm 2024 tỉnh Quảng Nam")
    sections = {s.heading: s for s in Section.objects.filter(plan=plan)}
    assert sections["Thành phần tham dự"].content == "participants"
    assert sections["Thành phần tham dự"].parent.heading == "NỘI DUNG, THỜI GIAN, ĐỊA ĐIỂM VÀ THÀNH PHẦN THAM DỰ"
    assert sections["Thời gian"].run_in and "năm 2025" in sections["Thời gian"].body
    assert sections["KINH PHÍ THỰC HIỆN"].content == "budget"
    assert sections["TỔ CHỨC THỰC HIỆN"].content == "tasks"
    assert Conference.objects.get(plan=plan).form == "hybrid"
    points = list(plan.bridge_points.order_by("order").values_list("tier", "heading", "per_unit", "invited_by_lower_tier"))
    assert points == [
        ("province", "Điểm cầu tỉnh", False, False),
        ("district", "Điểm cầu cấp huyện (do Ủy ban nhân dân cấp huyện mời)", True, True),
    ]
    lines = list(ParticipantGroup.objects.filter(plan=plan).order_by("order").select_related("bridge_point"))
    assert all(line.tier == line.bridge_point.tier for line in lines)
    assert [line.text for line in lines if line.is_chair] == ["Lãnh đạo Ủy ban nhân dân tỉnh (chủ trì Hội nghị);"]
    assert "Lãnh đạo Ủy ban nhân dân các huyện, thị xã, thành phố;" in [line.text for line in lines]
    rows = list(AgendaItem.objects.filter(plan=plan).order_by("order"))
    assert [row.kind for row in rows][:3] == ["opening", "opening", "report"]
    assert rows[-1].content == "Bế mạc Hội nghị"
    assert next(row for row in rows if row.kind == "contribution").speaking_limit_minutes == 7
    assert "UBND các huyện, TX, TP;" in plan.distribution_lines.values_list("text", flat=True)


def test_templates_after_2025_have_no_district_tier(quang_nam, drafter):
    plan = create_from_template(template_key="index-conference", issuing_body=quang_nam, user=drafter, year=2026)
    assert plan.subject.endswith("năm 2025 tỉnh Quảng Nam")
    assert list(plan.bridge_points.order_by("order").values_list("tier", flat=True)) == ["province", "commune"]
    texts = " ".join(every_text(plan))
    assert "cấp xã" in texts and "các xã, phường, đặc khu" in texts
    assert "huyện" not in texts


def test_summary_conference_template(quang_nam, drafter):
    plan = create_from_template(template_key="summary-conference", issuing_body=quang_nam, user=drafter, year=2025)
    assert (
        plan.subject == "Tổ chức Hội nghị tổng kết công tác cải cách hành chính năm 2024,\ntriển khai nhiệm vụ trọng tâm năm 2025"
    )
    assert not plan.agenda_attached and not AgendaItem.objects.filter(plan=plan).exists()
    time = Section.objects.get(plan=plan, heading="Thời gian")
    assert time.body == "Dự kiến trong tháng 01/2025 (thời gian cụ thể sẽ có Giấy mời)."
    assert Section.objects.get(plan=plan, heading="Kinh phí thực hiện").content == "budget"
    assert Conference.objects.get(plan=plan).form == "online"
    groups = list(plan.task_groups.order_by("order"))
    assert groups[1].run_in and groups[1].tasks.get().marker == ""


def test_improvement_template_has_no_conference(quang_nam, drafter):
    plan = create_from_template(template_key="improvement", issuing_body=quang_nam, user=drafter, year=2023)
    assert plan.kind == "improvement"
    assert "nhà nước tỉnh Quảng Nam năm 2023" in plan.subject
    assert "năm 2022" in plan.legal_bases.first().text
    assert not Conference.objects.filter(plan=plan).exists()
    assert not plan.bridge_points.exists() and not plan.participant_groups.exists()
    headings = list(plan.task_groups.order_by("order").values_list("heading", flat=True))
    assert headings[:2] == ["Các Sở, Ban, ngành, Ủy ban nhân dân các huyện, thị xã, thành phố", "Sở Nội vụ"]


@pytest.mark.parametrize(
    ("code", "place", "letterhead"),
    [
        ("quang-nam:ubnd-tinh", "Quảng Nam", "TỈNH QUẢNG NAM"),
        ("ninh-thuan:ubnd-tinh", "Ninh Thuận", "TỈNH NINH THUẬN"),
        ("dong-thap:ubnd-tinh", "Đồng Tháp", "TỈNH ĐỒNG THÁP"),
    ],
)
@pytest.mark.parametrize("kind", [k.value for k in PlanKind])
def test_blank_plan_per_province_and_kind(demo, drafter, code, place, letterhead, kind):
    body = Organisation.objects.get(code=code)
    plan = create_blank_plan(issuing_body=body, user=drafter, year=2024, kind=kind)
    assert (plan.kind, plan.year, plan.state, plan.place, plan.letterhead_name) == (kind, 2024, "draft", place, letterhead)
    assert plan.subject and "{" not in plan.subject
    assert not plan.sections.exists() and not plan.agenda_items.exists()
    assert full_clean_everything(plan) == 1
    document = plan_document(plan_id=plan.pk, user=drafter)
    assert document.sections == [] and document.agenda == []


def test_blank_subjects(quang_nam, drafter):
    subjects = {kind: create_blank_plan(issuing_body=quang_nam, user=drafter, year=2025, kind=kind).subject for kind in PlanKind}
    assert subjects[PlanKind.CONFERENCE] == "Tổ chức Hội nghị phân tích, đánh giá kết quả các Chỉ số năm 2024 tỉnh Quảng Nam"
    assert subjects[PlanKind.SUMMARY_CONFERENCE].startswith("Tổ chức Hội nghị tổng kết công tác cải cách hành chính năm 2024")
    assert subjects[PlanKind.IMPROVEMENT].endswith("năm 2025 tỉnh Quảng Nam")


def test_department_as_issuing_body(demo, drafter):
    department = Organisation.objects.get(code="quang-nam:so-noi-vu")
    plan = create_from_template(template_key="index-conference", issuing_body=department, user=drafter, year=2025)
    assert (plan.letterhead_parent, plan.letterhead_name, plan.symbol, plan.place) == (
        "UBND TỈNH QUẢNG NAM",
        "SỞ NỘI VỤ",
        "SNV",
        "Quảng Nam",
    )
    assert (plan.sign_on_behalf_of, plan.sign_for_mode, plan.sign_for_title, plan.signer_title) == (
        "",
        "KT",
        "GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
    )
    assert "Sở Nội vụ tỉnh Quảng Nam ban hành Kế hoạch" in plan.preamble
    assert "của Ủy ban nhân dân tỉnh ban hành Kế hoạch cải cách hành chính năm 2025" in plan.legal_bases.first().text
    full_clean_everything(plan)


def test_header_without_letterhead_comes_from_the_parent(db):
    province = AdministrativeUnitFactory(name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm")
    committee = OrganisationFactory(admin_unit=province, letterhead_parent="ỦY BAN NHÂN DÂN", letterhead_name="TỈNH THỬ NGHIỆM")
    unit = OrganisationFactory(
        name="Trung tâm Phục vụ hành chính công tỉnh Thử Nghiệm",
        short_name="Trung tâm Phục vụ hành chính công",
        kind="service_center",
        parent=committee,
        admin_unit=None,
        letterhead_parent="",
        letterhead_name="",
        symbol="TTPVHCC",
    )
    assert header_fields(unit) == {
        "letterhead_parent": "UBND TỈNH THỬ NGHIỆM",
        "letterhead_name": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "symbol": "TTPVHCC",
        "place": "Thử Nghiệm",
    }
    ministry = OrganisationFactory(
        tier="central", kind="ministry", admin_unit=None, letterhead_parent="", letterhead_name="BỘ NỘI VỤ"
    )
    assert header_fields(ministry)["place"] == "Hà Nội"


def test_template_plan_clones_into_the_next_year(quang_nam, drafter):
    plan = create_from_template(template_key="index-conference", issuing_body=quang_nam, user=drafter, year=2025)
    clone = clone_plan(plan, target_year=2026, user=drafter).plan
    assert clone.subject.endswith("năm 2025 tỉnh Quảng Nam")
    assert Section.objects.filter(plan=clone).count() == Section.objects.filter(plan=plan).count()
    assert AgendaItem.objects.filter(plan=clone).count() == AgendaItem.objects.filter(plan=plan).count()
