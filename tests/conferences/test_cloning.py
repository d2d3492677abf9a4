"""Cloning a plan into another year: ``shift_years`` on real sentences and ``clone_plan`` on the seeds."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from conferences.cloning import ChecklistKind, YearReason, clone_plan, shift_date, shift_years
from conferences.demo.loader import PLANS_DIR
from conferences.models import (
    AgendaItem,
    BridgePoint,
    Conference,
    DistributionLine,
    LegalBasis,
    ParticipantGroup,
    Plan,
    Section,
    Task,
    TaskGroup,
)
from conferences.selectors import plan_document
from tests.conftest import DATA_DIR, collapse, page_text
from tests.factories import (
    AgendaItemFactory,
    BridgePointFactory,
    ConferenceFactory,
    DistributionLineFactory,
    OrganisationFactory,
    ParticipantGroupFactory,
    PersonFactory,
    PlanFactory,
    SectionFactory,
    TaskFactory,
    TaskGroupFactory,
)

# ---------------------------------------------------------------------------
# shift_years on sentences of the seeds
# ---------------------------------------------------------------------------

SHIFTED = [
    # (text, shift, expected text)
    (
        "Tổ chức Hội nghị trực tuyến phân tích, đánh giá kết quả\nChỉ số SIPAS, Chỉ số PAPI năm 2023 tỉnh Quảng Nam",
        1,
        "Tổ chức Hội nghị trực tuyến phân tích, đánh giá kết quả\nChỉ số SIPAS, Chỉ số PAPI năm 2024 tỉnh Quảng Nam",
    ),
    ("Chỉ số PAPI năm 2023", 1, "Chỉ số PAPI năm 2024"),
    ("CHỈ SỐ PAPI NĂM 2023", 1, "CHỈ SỐ PAPI NĂM 2024"),
    (
        "- Thời gian: dự kiến vào lúc 08 giờ ngày 31/5/2024 (Thứ 6).",
        1,
        "- Thời gian: dự kiến vào lúc 08 giờ ngày 31/5/2025 (Thứ 7).",
    ),
    ("ngày 31/5/2024 (thứ Sáu)", 1, "ngày 31/5/2025 (thứ Bảy)"),
    ("ngày 02/6/2024 (Thứ 2)", 1, "ngày 02/6/2025 (Thứ 2)"),
    ("ngày 31/5/2024 (Thứ 6)", 2, "ngày 31/5/2026 (Chủ nhật)"),
    ("vào lúc 08 giờ 00, Thứ Sáu, ngày 31/5/2024", 1, "vào lúc 08 giờ 00, Thứ Bảy, ngày 31/5/2025"),
    ("Thứ Năm ngày 08 tháng 5 năm 2025", 1, "Thứ Sáu ngày 08 tháng 5 năm 2026"),
    ("Hội nghị lần thứ 5, ngày 31/5/2024", 1, "Hội nghị lần thứ 5, ngày 31/5/2025"),
    (
        "Dự kiến trong tháng 01/2024 (Thời gian cụ thể sẽ có giấy mời).",
        1,
        "Dự kiến trong tháng 01/2025 (Thời gian cụ thể sẽ có giấy mời).",
    ),
    ("hoàn thành trong tháng 6/2024", 1, "hoàn thành trong tháng 6/2025"),
    ("báo cáo trước 30/6/2024", 1, "báo cáo trước 30/6/2025"),
    ("trong quý II/2024", 1, "trong quý II/2025"),
    (
        "Dự kiến tổ chức 01 buổi, trong khoảng thời gian từ 11-15/7/2022.",
        1,
        "Dự kiến tổ chức 01 buổi, trong khoảng thời gian từ 11-15/7/2023.",
    ),
    (
        "- Thời gian: 01 buổi sáng, lúc 08 giờ 00 phút, ngày 08 tháng 5 năm 2024.",
        1,
        "- Thời gian: 01 buổi sáng, lúc 08 giờ 00 phút, ngày 08 tháng 5 năm 2025.",
    ),
    (
        "Nội dung tham luận gửi về Văn phòng UBND Tỉnh, đồng gửi Sở Nội vụ **chậm nhất ngày 03/5/2024**.",
        1,
        "Nội dung tham luận gửi về Văn phòng UBND Tỉnh, đồng gửi Sở Nội vụ **chậm nhất ngày 03/5/2025**.",
    ),
    ("Kết quả năm học 2022 - 2023", 1, "Kết quả năm học 2023 - 2024"),
    ("trong các năm 2022, 2023 và 2024", 1, "trong các năm 2023, 2024 và 2025"),
    ("từ năm 2023 đến năm 2024", 1, "từ năm 2024 đến năm 2025"),
    (
        "Sở Tài chính: Công tác triển khai các giải pháp cải thiện chỉ số thành phần "
        '"cải cách tài chính công” trong PAR INDEX 2021 của tỉnh;',
        1,
        "Sở Tài chính: Công tác triển khai các giải pháp cải thiện chỉ số thành phần "
        '"cải cách tài chính công” trong PAR INDEX 2022 của tỉnh;',
    ),
    (
        "Tiếp tục đẩy mạnh triển khai thực hiện các mục tiêu, nhiệm vụ cải cách hành chính năm 2022; "
        "phấn đấu năm 2022, các lĩnh vực đánh giá, tiêu chí, tiêu chí thành phần của Chỉ số Par Index, "
        "Chỉ số Sipas được cải thiện so với kết quả năm 2021.",
        1,
        "Tiếp tục đẩy mạnh triển khai thực hiện các mục tiêu, nhiệm vụ cải cách hành chính năm 2023; "
        "phấn đấu năm 2023, các lĩnh vực đánh giá, tiêu chí, tiêu chí thành phần của Chỉ số Par Index, "
        "Chỉ số Sipas được cải thiện so với kết quả năm 2022.",
    ),
    # Seed 000, preamble: the decision and the title of the plan it issues are kept.
    (
        "Thực hiện Quyết định số 2817/QĐ-UBND ngày 25/12/2023 của Ủy ban nhân dân tỉnh ban hành Kế hoạch công tác "
        "cải cách hành chính năm 2024; nhằm đánh giá kết quả thực hiện Chỉ số Hiệu quả Quản trị và Hành chính công "
        "cấp tỉnh (PAPI); Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) tỉnh Quảng Nam năm 2023 và thảo luận",
        1,
        "Thực hiện Quyết định số 2817/QĐ-UBND ngày 25/12/2023 của Ủy ban nhân dân tỉnh ban hành Kế hoạch công tác "
        "cải cách hành chính năm 2024; nhằm đánh giá kết quả thực hiện Chỉ số Hiệu quả Quản trị và Hành chính công "
        "cấp tỉnh (PAPI); Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) tỉnh Quảng Nam năm 2024 và thảo luận",
    ),
    # Seed 000, agenda: the plan referred to in brackets is kept, the year after it moves.
    (
        "(theo phân công tại Kế hoạch số 3212/KH-UBND ngày 25/5/2023 của UBND Tỉnh); những hạn chế, khó khăn "
        "trong quá trình triển khai thực hiện; các giải pháp tháo gỡ khó khăn nhằm cải thiện kết quả chỉ số năm 2024.",
        1,
        "(theo phân công tại Kế hoạch số 3212/KH-UBND ngày 25/5/2023 của UBND Tỉnh); những hạn chế, khó khăn "
        "trong quá trình triển khai thực hiện; các giải pháp tháo gỡ khó khăn nhằm cải thiện kết quả chỉ số năm 2025.",
    ),
    # Seed 002: scores, rankings and counts are not years; the comparison year moves.
    (
        "Chỉ số Par Index năm 2021 của tỉnh Quảng Nam đạt 86,57 điểm, xếp hạng 33/63 tỉnh, thành phố trực thuộc "
        "Trung ương, xếp vào nhóm B (tăng 9 bậc so với năm 2020); Chỉ số Sipas năm 2021 của tỉnh Quảng Nam đạt "
        "84,24 điểm, xếp hạng 57/63 tỉnh (tăng 3,64 điểm điểm và giảm 04 bậc so với năm 2020).",
        1,
        "Chỉ số Par Index năm 2022 của tỉnh Quảng Nam đạt 86,57 điểm, xếp hạng 33/63 tỉnh, thành phố trực thuộc "
        "Trung ương, xếp vào nhóm B (tăng 9 bậc so với năm 2021); Chỉ số Sipas năm 2022 của tỉnh Quảng Nam đạt "
        "84,24 điểm, xếp hạng 57/63 tỉnh (tăng 3,64 điểm điểm và giảm 04 bậc so với năm 2021).",
    ),
    # Seed 002: decree references stay; the index year of the plan's own text moves.
    (
        "Tiếp tục triển khai có hiệu quả Nghị quyết số 16-NQ/TU ngày 14/10/2021 của Tỉnh ủy về đẩy mạnh công tác "
        "cải cách hành chính trên địa bàn tỉnh giai đoạn 2021-2025, định hướng đến năm 2030; Quyết định số "
        "3441/QĐ-UBND ngày 24/11/2021 của Ủy ban nhân dân tỉnh. Kịp thời khắc phục các tồn tại, hạn chế trong "
        "Chỉ số cải cách hành chính của cơ quan, đơn vị, địa phương năm 2021 đã được nêu ra.",
        1,
        "Tiếp tục triển khai có hiệu quả Nghị quyết số 16-NQ/TU ngày 14/10/2021 của Tỉnh ủy về đẩy mạnh công tác "
        "cải cách hành chính trên địa bàn tỉnh giai đoạn 2021-2025, định hướng đến năm 2030; Quyết định số "
        "3441/QĐ-UBND ngày 24/11/2021 của Ủy ban nhân dân tỉnh. Kịp thời khắc phục các tồn tại, hạn chế trong "
        "Chỉ số cải cách hành chính của cơ quan, đơn vị, địa phương năm 2022 đã được nêu ra.",
    ),
    # 29 February only exists in leap years.
    ("chậm nhất ngày 29/02/2024", 1, "chậm nhất ngày 28/02/2025"),
    ("chậm nhất ngày 29/02/2024", 4, "chậm nhất ngày 29/02/2028"),
    ("ngày 29 tháng 02 năm 2024", 1, "ngày 28 tháng 02 năm 2025"),
    ("từ 28-29/2/2024", 1, "từ 28-28/2/2025"),
    # Going back works too.
    ("Chỉ số PAPI năm 2023, hạn nộp 15/4/2024", -2, "Chỉ số PAPI năm 2021, hạn nộp 15/4/2022"),
]


@pytest.mark.parametrize(("text", "shift", "expected"), SHIFTED)
def test_shift_years_moves_the_years_of_the_text(text, shift, expected):
    new, changes = shift_years(text, shift)
    assert new == expected
    assert any(change.shifted for change in changes)
    for change in changes:
        assert text[change.start : change.start + len(change.old)] == change.old


KEPT = [
    # (text, snippet reported as kept, reason)
    ("Căn cứ Quyết định số 1234/QĐ-UBND ngày 15/7/2021 của UBND tỉnh;", "Quyết định số 1234/QĐ-UBND ngày 15/7/2021", "reference"),
    ("Thực hiện Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ", "Nghị quyết số 76/NQ-CP ngày 15/7/2021", "reference"),
    ("theo Nghị định 30/2020/NĐ-CP về công tác văn thư", "Nghị định 30/2020/NĐ-CP", "reference"),
    ("theo Kế hoạch số 05/KH-UBND ngày 05/01/2024 của UBND tỉnh", "Kế hoạch số 05/KH-UBND ngày 05/01/2024", "reference"),
    ("Nghị quyết số 16-NQ/TU ngày 14/10/2021 của Tỉnh ủy", "Nghị quyết số 16-NQ/TU ngày 14/10/2021", "reference"),
    ("theo Thông tư số 01/2024/TT-BNV", "Thông tư số 01/2024/TT-BNV", "reference"),
    ("Thực hiện Công văn số 2340/BNV-CCHC ngày 03/6/2022 của Bộ Nội vụ", "Công văn số 2340/BNV-CCHC ngày 03/6/2022", "reference"),
    (
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
        "reference",
    ),
    (
        "Căn cứ Quyết định số 2395/QĐ-UBND ngày 24/12/2021 của Chủ tịch Ủy ban nhân dân tỉnh về việc ban hành "
        "Kế hoạch cải cách hành chính năm 2022 của tỉnh Ninh Thuận;",
        "Quyết định số 2395/QĐ-UBND ngày 24/12/2021 của Chủ tịch Ủy ban nhân dân tỉnh về việc ban hành "
        "Kế hoạch cải cách hành chính năm 2022",
        "reference",
    ),
    ("Kế hoạch cải cách hành chính nhà nước giai đoạn 2021-2025", "giai đoạn 2021-2025", "period"),
    ("Chương trình tổng thể 2021-2030", "2021-2030", "period"),
    ("đẩy mạnh cải cách hành chính trên địa bàn tỉnh đến năm 2025", "đến năm 2025", "target"),
    ("định hướng đến năm 2030, tầm nhìn 2045", "định hướng đến năm 2030", "target"),
    ("áp dụng ISO 9001:2015 tại 2024 cơ quan", "2024", "unclear"),
]


@pytest.mark.parametrize(("text", "snippet", "reason"), KEPT)
def test_shift_years_keeps_references_periods_and_targets(text, snippet, reason):
    new, changes = shift_years(text, 1)
    assert new == text
    kept = [(change.old, change.reason) for change in changes if not change.shifted]
    assert (snippet, reason) in kept
    assert not any(change.shifted for change in changes)


@pytest.mark.parametrize(
    "text",
    [
        "xếp hạng 33/63 tỉnh, thành phố; đạt 86,57 điểm",
        "Khoảng 90 đại biểu, gồm 01 buổi sáng lúc 08 giờ 00 phút",
        "không quá 07 phút; Hội trường số 2 (tầng 2)",
        "áp dụng ISO 9001 và mã 3212/KH",
        "nhiệm vụ/giải pháp; Đài PT&TH ĐT; CCHC&CĐS",
    ],
)
def test_shift_years_leaves_other_numbers_alone(text):
    assert shift_years(text, 1) == (text, [])


def test_distant_years_are_kept_when_the_plan_year_is_known():
    text = "kỷ niệm Cách mạng tháng Tám năm 1945 và kết quả năm 2023"
    new, changes = shift_years(text, 1, base_year=2024)
    assert new == "kỷ niệm Cách mạng tháng Tám năm 1945 và kết quả năm 2024"
    assert [(c.old, c.reason) for c in changes if not c.shifted] == [("năm 1945", YearReason.DISTANT)]


def test_no_shift_changes_nothing():
    assert shift_years("Chỉ số PAPI năm 2023", 0) == ("Chỉ số PAPI năm 2023", [])
    assert shift_years("", 1) == ("", [])


def test_year_changes_say_what_moved():
    _, changes = shift_years("ngày 31/5/2024 (Thứ 6), Quyết định số 2817/QĐ-UBND ngày 25/12/2023", 1)
    assert [(c.old, c.new, c.action, c.reason) for c in changes] == [
        ("31/5/2024", "31/5/2025", "shifted", "date"),
        ("Thứ 6", "Thứ 7", "shifted", "weekday"),
        ("Quyết định số 2817/QĐ-UBND ngày 25/12/2023", "Quyết định số 2817/QĐ-UBND ngày 25/12/2023", "kept", "reference"),
    ]
    with translation.override("vi"):
        assert changes[2].reason_label == "dẫn chiếu văn bản khác"


def _seed_texts():
    def walk(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in {"organisations", "people", "key", "source", "starts_at", "ends_at", "date_from", "date_to"}:
                    yield from walk(item)

    for path in sorted(PLANS_DIR.glob("*.json")):
        yield from (text for text in walk(json.loads(path.read_text(encoding="utf-8"))["plan"]) if re.search(r"\d", text))


SEED_TEXTS = sorted(set(_seed_texts()))
_NUMBER = re.compile(r"\d+")


@pytest.mark.parametrize("text", SEED_TEXTS)
def test_every_seed_text_changes_only_years_and_comes_back(text):
    """Over all texts of the five seeds: only years (and a weekday after a date) change, by the shift; going back
    restores the text."""
    new, changes = shift_years(text, 1)
    old_numbers, new_numbers = _NUMBER.findall(text), _NUMBER.findall(new)
    assert len(old_numbers) == len(new_numbers)
    weekday_changes = sum(1 for c in changes if c.reason == YearReason.WEEKDAY)
    differing = [(a, b) for a, b in zip(old_numbers, new_numbers, strict=True) if a != b]
    years = [(a, b) for a, b in differing if len(a) == 4]
    assert all(int(b) == int(a) + 1 for a, b in years)
    assert len(differing) - len(years) == weekday_changes
    assert shift_years(new, -1)[0] == text


def test_shift_date_on_29_february():
    assert shift_date(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert shift_date(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)
    assert shift_date(datetime.date(2024, 5, 31), -1) == datetime.date(2023, 5, 31)


# ---------------------------------------------------------------------------
# clone_plan
# ---------------------------------------------------------------------------


def snapshot(plan: Plan) -> dict:
    """Every stored value of a plan and its parts, to compare before and after."""

    def rows(queryset, *m2m):
        result = []
        for obj in queryset.order_by("pk"):
            values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
            for name in m2m:
                values[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
            result.append(values)
        return result

    return {
        "plan": rows(Plan.objects.filter(pk=plan.pk)),
        "legal": rows(LegalBasis.objects.filter(plan=plan)),
        "sections": rows(Section.objects.filter(plan=plan)),
        "conference": rows(Conference.objects.filter(plan=plan)),
        "points": rows(BridgePoint.objects.filter(plan=plan)),
        "participants": rows(ParticipantGroup.objects.filter(plan=plan), "organisations"),
        "agenda": rows(AgendaItem.objects.filter(plan=plan), "performer_organisations", "performer_people"),
        "groups": rows(TaskGroup.objects.filter(plan=plan), "assignees"),
        "tasks": rows(Task.objects.filter(group__plan=plan), "assignees", "coordinators"),
        "distribution": rows(DistributionLine.objects.filter(plan=plan)),
    }


def seed_000_in_2025(text: str) -> str:
    """What seed 000 says one year later, written out independently of ``shift_years``."""
    text = text.replace("31/5/2024 (Thứ 6)", "31/5/2025 (Thứ 7)")
    return re.sub(r"năm (2023|2024)", lambda m: f"năm {int(m.group(1)) + 1}", text)


def tree_pairs(model, source: Plan, clone: Plan, *, count: int):
    """Rows of a tree (sections, agenda) of the source and of the clone, matched by position in the tree; checks
    that each copy hangs under the copy of its original's parent."""
    rows = [
        list(model.objects.filter(plan=plan).select_related("parent").order_by("parent__order", "order", "pk"))
        for plan in (source, clone)
    ]
    assert len(rows[0]) == len(rows[1]) == count
    for old, new in zip(*rows, strict=True):
        assert new.order == old.order
        assert (new.parent.order if new.parent else None) == (old.parent.order if old.parent else None)
        assert new.parent is None or new.parent.plan_id == clone.pk
    return zip(*rows, strict=True)


@pytest.fixture
def seed_000(demo):
    return Plan.objects.get(key="seed-000")


def test_cloning_seed_000_into_2025(seed_000, drafter):
    before = snapshot(seed_000)
    result = clone_plan(seed_000, target_year=2025, user=drafter)
    plan = result.plan
    plan.refresh_from_db()

    # Header: a new draft for 2025, nothing of the issued document.
    assert plan.pk != seed_000.pk
    assert (plan.year, plan.month, plan.state) == (2025, 5, "draft")
    assert plan.number is None and plan.issue_date is None and plan.key is None
    assert plan.created_by == drafter
    assert plan.issuing_body_id == seed_000.issuing_body_id
    assert (plan.letterhead_parent, plan.letterhead_name, plan.place) == ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM", "Quảng Nam")

    # The text says 2024 where the seed says 2023.
    assert plan.subject == (
        "Tổ chức Hội nghị trực tuyến phân tích, đánh giá kết quả\nChỉ số SIPAS, Chỉ số PAPI năm 2024 tỉnh Quảng Nam"
    )
    assert (
        plan.agenda_subject == "Hội nghị phân tích phân tích, đánh giá\nkết quả các Chỉ số: SIPAS, PAPI năm 2024 tỉnh Quảng Nam"
    )
    assert plan.closing.startswith(
        "Trên đây là Kế hoạch tổ chức Hội nghị trực tuyến phân tích, đánh giá kết quả Chỉ số SIPAS, Chỉ số PAPI năm 2024"
    )
    assert plan.budget_source == "Từ nguồn kinh phí cải cách hành chính được cấp trong dự toán ngân sách Sở Nội vụ năm 2025."
    assert plan.preamble.startswith(
        "Thực hiện Quyết định số 2817/QĐ-UBND ngày 25/12/2023 của Ủy ban nhân dân tỉnh ban hành Kế hoạch công tác "
        "cải cách hành chính năm 2024; nhằm đánh giá"
    )
    assert "(SIPAS) tỉnh Quảng Nam năm 2024 và thảo luận" in plan.preamble

    for old, new in tree_pairs(Section, seed_000, plan, count=9):
        assert new.heading == seed_000_in_2025(old.heading)
        assert new.body == seed_000_in_2025(old.body)
        assert (new.run_in, new.content) == (old.run_in, old.content)
    new_sections = list(Section.objects.filter(plan=plan))
    purpose = next(s for s in new_sections if s.heading == "Mục đích")
    assert "Chỉ số SIPAS, Chỉ số PAPI năm 2024 của tỉnh Quảng Nam" in purpose.body
    assert "trong năm 2025 và các năm tiếp theo" in purpose.body
    time_place = next(s for s in new_sections if s.heading == "THỜI GIAN, ĐỊA ĐIỂM")
    assert "- Thời gian: dự kiến vào lúc 08 giờ ngày 31/5/2025 (Thứ 7)." in time_place.body

    # Every agenda row, with its sub-rows, performers and organisations.
    for old, new in tree_pairs(AgendaItem, seed_000, plan, count=13):
        assert new.content == seed_000_in_2025(old.content)
        assert (new.performers, new.kind, new.marker) == (old.performers, old.kind, old.marker)
        assert set(new.performer_organisations.all()) == set(old.performer_organisations.all())
        assert set(new.performer_people.all()) == set(old.performer_people.all())
    new_rows = list(AgendaItem.objects.filter(plan=plan))
    assert sum(1 for row in new_rows if "Kế hoạch số 3212/KH-UBND ngày 25/5/2023" in row.content) == 2

    # Participant lines and bridge points, re-linked to the new points.
    old_points = list(BridgePoint.objects.filter(plan=seed_000).order_by("order"))
    new_points = list(BridgePoint.objects.filter(plan=plan).order_by("order"))
    assert [(p.key, p.heading, p.tier, p.place, p.per_unit) for p in new_points] == [
        (p.key, p.heading, p.tier, p.place, p.per_unit) for p in old_points
    ]
    old_lines = list(ParticipantGroup.objects.filter(plan=seed_000).order_by("order"))
    new_lines = list(ParticipantGroup.objects.filter(plan=plan).select_related("bridge_point").order_by("order"))
    assert len(new_lines) == len(old_lines) == 22
    for old, new in zip(old_lines, new_lines, strict=True):
        assert (new.text, new.level, new.marker, new.is_chair) == (old.text, old.level, old.marker, old.is_chair)
        assert new.bridge_point.plan_id == plan.pk
        assert new.bridge_point.key == old.bridge_point.key
        assert set(new.organisations.all()) == set(old.organisations.all())

    # Tasks, distribution, signature, conference.
    assert [seed_000_in_2025(t.text) for t in Task.objects.filter(group__plan=seed_000).order_by("group__order", "order")] == [
        t.text for t in Task.objects.filter(group__plan=plan).order_by("group__order", "order")
    ]
    assert list(plan.distribution_lines.values_list("text", flat=True)) == list(
        seed_000.distribution_lines.values_list("text", flat=True)
    )
    assert (plan.sign_on_behalf_of, plan.sign_for_mode, plan.signer_title, plan.signer_id) == (
        "ỦY BAN NHÂN DÂN",
        "KT",
        "PHÓ CHỦ TỊCH",
        seed_000.signer_id,
    )
    conference = Conference.objects.get(plan=plan)
    assert timezone.localtime(conference.starts_at).replace(tzinfo=None) == datetime.datetime(2025, 5, 31, 8, 0)
    assert conference.time_text == "dự kiến vào lúc 08 giờ ngày 31/5/2025 (Thứ 7)."

    # Legal bases unchanged (seed 000 has none: its basis is in the preamble), source untouched.
    assert list(plan.legal_bases.values_list("text", flat=True)) == list(seed_000.legal_bases.values_list("text", flat=True))
    assert snapshot(seed_000) == before


def test_clone_of_seed_000_shows_every_agenda_row_and_participant_line(client, seed_000, drafter):
    plan = clone_plan(seed_000, target_year=2025, user=drafter).plan
    expected = json.loads((DATA_DIR / "seed_expectations" / "000.json").read_text(encoding="utf-8"))
    client.force_login(drafter)
    text = page_text(client.get(reverse("conferences:plan_detail", args=[plan.pk])).content)
    for kind in ("agenda_rows", "participant_lines", "tasks"):
        missing = [s for s in expected[kind] if collapse(seed_000_in_2025(s)) not in text]
        assert not missing, f"{kind} missing from the clone's page: {missing}"
    assert "Chỉ số SIPAS, Chỉ số PAPI năm 2024 tỉnh Quảng Nam" in text
    assert "năm 2023 tỉnh Quảng Nam" not in text
    document = plan_document(plan_id=plan.pk, user=drafter)
    assert document.agenda_row_count == 13


def test_checklist_of_seed_000(seed_000, drafter):
    with translation.override("en"):
        result = clone_plan(seed_000, target_year=2025, user=drafter)
    kinds = [item.kind for item in result.checklist]
    assert kinds == sorted(kinds, key=["review", "kept", "shifted"].index), "review items come first"

    reviews = {item.part: item.text for item in result.items(ChecklistKind.REVIEW)}
    assert reviews["Conference"] == (
        "Confirm the date and time of the conference: 08:00 31/05/2025. Moved from 08:00 31/05/2024. 31/05/2025 is a Saturday."
    )
    assert reviews["Signature"] == "Confirm who signs: Hồ Quang Bửu (PHÓ CHỦ TỊCH)."
    kept = [item.text for item in result.items(ChecklistKind.KEPT)]
    assert "“Kế hoạch số 3212/KH-UBND ngày 25/5/2023” kept as written (reference to another document)." in kept
    assert any(text.startswith("“Quyết định số 2817/QĐ-UBND ngày 25/12/2023") for text in kept)
    shifted = [(item.part, item.text) for item in result.items(ChecklistKind.SHIFTED)]
    assert ("Subject", "“năm 2023” changed to “năm 2024”.") in shifted
    assert ("Section III", "“Thứ 6” changed to “Thứ 7”.") in shifted
    assert ("Agenda row 5.3", "“năm 2024” changed to “năm 2025”.") in shifted

    # Anchors name objects of the new plan.
    for item in result.checklist:
        model_name, pk = item.anchor.split(":")
        model = {m._meta.model_name: m for m in (Plan, Section, AgendaItem, Conference, Task, TaskGroup, ParticipantGroup)}[
            model_name
        ]
        obj = model.objects.get(pk=pk)
        assert (obj.pk if model is Plan else getattr(obj, "plan_id", None) or obj.group.plan_id) == result.plan.pk
        assert item.as_dict()["anchor"] == item.anchor


def test_checklist_is_translated(seed_000, drafter):
    with translation.override("vi"):
        result = clone_plan(seed_000, target_year=2025, user=drafter)
    parts = {item.part for item in result.checklist}
    assert {"Trích yếu", "Hội nghị", "Chữ ký"} <= parts
    reviews = {item.part: item.text for item in result.items(ChecklistKind.REVIEW)}
    assert "31/05/2025" in reviews["Hội nghị"] and "Thứ 7" in reviews["Hội nghị"]


def test_cloning_seed_003_keeps_legal_bases_and_moves_deadlines(demo, drafter):
    source = Plan.objects.get(key="seed-003")
    with translation.override("en"):
        result = clone_plan(source, target_year=2023, user=drafter)
    plan = result.plan
    assert list(plan.legal_bases.order_by("order").values_list("text", flat=True)) == list(
        source.legal_bases.order_by("order").values_list("text", flat=True)
    )
    reviews = [(item.part, item.text) for item in result.items(ChecklistKind.REVIEW)]
    for number in range(1, 5):
        assert (
            f"Legal basis {number}",
            "Copied unchanged: check that it still applies in 2023 or replace it with the current document.",
        ) in reviews

    deadlines = sorted({t.deadline for t in Task.objects.filter(group__plan=plan) if t.deadline})
    assert deadlines == [datetime.date(2023, 6, 27), datetime.date(2023, 6, 30)]
    assert ("Task 3.1", "Confirm the deadline: 27/06/2023. Moved from 27/06/2022.") in reviews
    conference = Conference.objects.get(plan=plan)
    assert (conference.date_from, conference.date_to) == (datetime.date(2023, 7, 11), datetime.date(2023, 7, 15))
    assert (
        "Conference",
        "Confirm the dates of the conference: 11/07/2023 – 15/07/2023. Moved from 11/07/2022 – 15/07/2022.",
    ) in reviews
    assert ("Signature", "The earlier plan names no signer: choose who signs.") in reviews
    assert "năm 2022 của tỉnh Ninh Thuận" in plan.subject
    note = TaskGroup.objects.get(plan=plan, order=3).note
    assert "chậm nhất ngày 27/6/2023" in note and "năm 2022 của tỉnh" in note


def test_cloning_seed_002_flags_last_years_scores(demo, drafter):
    source = Plan.objects.get(key="seed-002")
    with translation.override("en"):
        result = clone_plan(source, target_year=2023, user=drafter)
    reviews = [(item.part, item.text) for item in result.items(ChecklistKind.REVIEW)]
    assert ("Preamble", "Contains scores or rankings of the earlier plan: update them or remove them.") in reviews
    assert "đạt 86,57 điểm, xếp hạng 33/63" in result.plan.preamble
    assert "Chỉ số Par Index năm 2022 của tỉnh Quảng Nam" in result.plan.preamble
    assert Conference.objects.filter(plan=result.plan).count() == 0
    assert not [text for part, text in reviews if part == "Conference"]


def _plan_with_rows(rows: int) -> Plan:
    """An issued plan with ``rows`` rows of every kind, M2M links and a 29 February."""
    plan = PlanFactory(year=2024, key=f"k{rows}")
    orgs = OrganisationFactory.create_batch(2)
    person = PersonFactory()
    ConferenceFactory(plan=plan, starts_at=timezone.make_aware(datetime.datetime(2024, 2, 29, 8, 0)))
    point = BridgePointFactory(plan=plan)
    group = TaskGroupFactory(plan=plan)
    group.assignees.set(orgs)
    for i in range(rows):
        top = SectionFactory(plan=plan, heading=f"MỤC {i} năm 2024")
        SectionFactory(plan=plan, parent=top, order=1, body="Nội dung năm 2023.")
        line = ParticipantGroupFactory(plan=plan, bridge_point=point)
        line.organisations.set(orgs)
        item = AgendaItemFactory(plan=plan, content=f"Báo cáo kết quả năm 2023 ({i})")
        item.performer_organisations.set(orgs)
        item.performer_people.set([person])
        AgendaItemFactory(plan=plan, parent=item, order=1)
        task = TaskFactory(group=group, deadline=datetime.date(2024, 2, 29), kind="preparation")
        task.assignees.set(orgs[:1])
        task.coordinators.set(orgs[1:])
        DistributionLineFactory(plan=plan)
        LegalBasis.objects.create(plan=plan, order=i + 1, text=f"Căn cứ Quyết định số {i + 1}/QĐ-UBND ngày 02/01/2024;")
    # Issued once complete: its parts no longer change.
    Plan.objects.filter(pk=plan.pk).update(number=7, issue_date=datetime.date(2024, 2, 1), state="issued")
    plan.refresh_from_db()
    return plan


def test_clone_copies_every_row_and_link(drafter):
    source = _plan_with_rows(3)
    plan = clone_plan(source, target_year=2025, user=drafter).plan
    new, old = snapshot(plan), snapshot(source)
    for part in ("legal", "sections", "points", "participants", "agenda", "groups", "tasks", "distribution"):
        assert len(new[part]) == len(old[part]), part
    assert {tuple(row["organisations"]) for row in new["participants"]} == {
        tuple(row["organisations"]) for row in old["participants"]
    }
    assert sorted(row["performer_people"] for row in new["agenda"]) == sorted(row["performer_people"] for row in old["agenda"])
    assert sorted(row["performer_organisations"] for row in new["agenda"]) == sorted(
        row["performer_organisations"] for row in old["agenda"]
    )
    assert [(row["assignees"], row["coordinators"]) for row in new["tasks"]] == [
        (row["assignees"], row["coordinators"]) for row in old["tasks"]
    ]
    assert new["groups"][0]["assignees"] == old["groups"][0]["assignees"]
    # Sub-rows hang under copies in the new plan.
    assert not Section.objects.filter(plan=plan, parent__isnull=False).exclude(parent__plan=plan).exists()
    assert not AgendaItem.objects.filter(plan=plan, parent__isnull=False).exclude(parent__plan=plan).exists()
    assert AgendaItem.objects.filter(plan=plan, parent__isnull=False).count() == 3

    # 29 February 2024 becomes 28 February 2025; the preparation deadline falls before the conference.
    assert timezone.localtime(Conference.objects.get(plan=plan).starts_at).date() == datetime.date(2025, 2, 28)
    assert set(Task.objects.filter(group__plan=plan).values_list("deadline", flat=True)) == {datetime.date(2025, 2, 28)}
    assert plan.number is None and plan.issue_date is None and plan.state == "draft" and plan.key is None

    # Every copied object is valid.
    for model in (LegalBasis, Section, Conference, BridgePoint, ParticipantGroup, AgendaItem, TaskGroup, DistributionLine):
        for obj in model.objects.filter(plan=plan):
            obj.full_clean()
    for task in Task.objects.filter(group__plan=plan):
        task.full_clean()
    plan.full_clean()


def test_deadline_after_the_conference_is_flagged(drafter):
    source = PlanFactory(year=2024)
    ConferenceFactory(plan=source, starts_at=timezone.make_aware(datetime.datetime(2024, 5, 8, 8, 0)))
    TaskFactory(group=TaskGroupFactory(plan=source), deadline=datetime.date(2024, 5, 10), kind="preparation")
    with translation.override("en"):
        result = clone_plan(source, target_year=2025, user=drafter)
    texts = [item.text for item in result.items(ChecklistKind.REVIEW) if item.part == "Task 1.1"]
    assert texts == ["Confirm the deadline: 10/05/2025. Moved from 10/05/2024. It falls after the conference (08/05/2025)."]


def test_clone_for_another_issuing_body_takes_its_header(demo, drafter):
    source = Plan.objects.get(key="seed-000")
    body = OrganisationFactory(
        letterhead_parent="UBND TỈNH QUẢNG NAM",
        letterhead_name="SỞ NỘI VỤ",
        symbol="SNV",
        admin_unit=source.issuing_body.admin_unit,
        kind="department",
    )
    with translation.override("en"):
        result = clone_plan(source, target_year=2025, user=drafter, issuing_body=body)
    plan = result.plan
    assert (plan.issuing_body, plan.letterhead_parent, plan.letterhead_name, plan.symbol, plan.place) == (
        body,
        "UBND TỈNH QUẢNG NAM",
        "SỞ NỘI VỤ",
        "SNV",
        "Quảng Nam",
    )
    assert ("Header", "The issuing body changed: check the letterhead, the place and the signature block.") in [
        (item.part, item.text) for item in result.items(ChecklistKind.REVIEW)
    ]


def test_clone_is_one_transaction(seed_000, drafter, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(DistributionLine.objects, "bulk_create", broken)
    plans = Plan.objects.count()
    with pytest.raises(RuntimeError):
        clone_plan(seed_000, target_year=2025, user=drafter)
    assert Plan.objects.count() == plans
    assert Section.objects.filter(plan__year=2025).count() == 0


def test_clone_query_count_does_not_grow_with_rows(drafter):
    counts = []
    for rows in (3, 30):
        source = _plan_with_rows(rows)
        with CaptureQueriesContext(connection) as queries:
            clone_plan(source, target_year=2025, user=drafter)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 40


def test_clone_into_the_same_year_copies_without_moving(seed_000, drafter):
    with translation.override("en"):
        result = clone_plan(seed_000, target_year=2024, user=drafter)
    assert result.plan.subject == seed_000.subject
    assert not result.items(ChecklistKind.SHIFTED) and not result.items(ChecklistKind.KEPT)
    reviews = {item.part: item.text for item in result.items(ChecklistKind.REVIEW)}
    assert reviews["Conference"] == "Confirm the date and time of the conference: 08:00 31/05/2024."


@pytest.mark.parametrize("year", [0, 1899, 2100])
def test_clone_refuses_an_impossible_year(seed_000, drafter, year):
    plans = Plan.objects.count()
    with pytest.raises(ValueError):
        clone_plan(seed_000, target_year=year, user=drafter)
    assert Plan.objects.count() == plans
