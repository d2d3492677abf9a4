"""Every seed plan is held as data and shown back on its detail page."""

import json

import pytest
from django.urls import reverse

from conferences.models import AgendaItem, ParticipantGroup, Plan, Task
from tests.conftest import DATA_DIR, collapse, page_text

SEEDS = {
    "000": "000_5ec82869746e784a.txt",
    "001": "001_cbae1f6597346a09.txt",
    "002": "002_40f6c37706d270d4.txt",
    "003": "003_b263fc9e155086cb.txt",
    "004": "004_a33ec1afb35c387e.txt",
}


def expectations(seed: str) -> dict[str, list[str]]:
    return json.loads((DATA_DIR / "seed_expectations" / f"{seed}.json").read_text(encoding="utf-8"))


def seed_text(seed: str) -> str:
    return collapse((DATA_DIR / "seeds" / SEEDS[seed]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_expected_strings_come_from_the_seed(seed):
    text = seed_text(seed)
    for kind, strings in expectations(seed).items():
        for string in strings:
            assert collapse(string) in text, f"{kind}: {string!r} is not in seed {seed}"


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_detail_page_shows_every_agenda_row_participant_line_and_task(client, demo, drafter, seed):
    plan = Plan.objects.get(key=f"seed-{seed}")
    expected = expectations(seed)
    assert AgendaItem.objects.filter(plan=plan).count() == len(expected["agenda_rows"])
    assert ParticipantGroup.objects.filter(plan=plan).count() == len(expected["participant_lines"])
    assert Task.objects.filter(group__plan=plan).count() == len(expected["tasks"])

    client.force_login(drafter)
    response = client.get(reverse("conferences:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    text = page_text(response.content)
    for kind in ("agenda_rows", "participant_lines", "tasks"):
        missing = [s for s in expected[kind] if collapse(s) not in text]
        assert not missing, f"seed {seed}: {kind} missing from the page: {missing}"


def test_seed_000_document_parts_in_order(client, demo, drafter):
    plan = Plan.objects.get(key="seed-000")
    client.force_login(drafter)
    text = page_text(client.get(reverse("conferences:plan_detail", args=[plan.pk])).content)
    parts = [
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
        "Số: 01/KH-UBND",  # issued by the demo, as the seed was
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
        "ngày 20 tháng 5 năm 2024",
        "KẾ HOẠCH",
        "Tổ chức Hội nghị trực tuyến phân tích, đánh giá kết quả Chỉ số SIPAS, Chỉ số PAPI năm 2023 tỉnh Quảng Nam",
        "Thực hiện Quyết định số 2817/QĐ-UBND ngày 25/12/2023",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "IV. THÀNH PHẦN ĐẠI BIỂU",
        "1. Điểm cầu trực tuyến tỉnh",
        "VI. KINH PHÍ THỰC HIỆN",
        "Từ nguồn kinh phí cải cách hành chính được cấp trong dự toán ngân sách Sở Nội vụ năm 2024.",
        "VII. TỔ CHỨC THỰC HIỆN",
        "Trên đây là Kế hoạch tổ chức Hội nghị trực tuyến",
        "Nơi nhận:",
        "- Bộ Nội vụ;",
        "- Lưu: VT, TH, NCKS.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Hồ Quang Bửu",
        "CHƯƠNG TRÌNH Hội nghị phân tích phân tích, đánh giá kết quả các Chỉ số: SIPAS, PAPI năm 2023 tỉnh Quảng Nam",
        "(Kèm theo Kế hoạch số",
        "của Ủy ban nhân dân tỉnh Quảng Nam)",
        "Tuyên bố lý do, giới thiệu đại biểu",
        "Kết luận của Lãnh đạo UBND tỉnh",
    ]
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing or out of document order"
        position = found + len(part)


def test_seed_texts_are_stored_in_nfc(demo):
    import unicodedata

    for plan in Plan.objects.all():
        for value in (plan.subject, plan.preamble, plan.closing, plan.budget_source):
            assert value == unicodedata.normalize("NFC", value)


def test_seed_structure_details(demo):
    """Spot checks of the structured data beyond the printed text."""
    from conferences.models import BridgePoint, Conference

    p000 = Plan.objects.get(key="seed-000")
    assert p000.conference.form == "online"
    assert p000.sign_for_mode == "KT" and p000.signer.full_name == "Hồ Quang Bửu"
    district = BridgePoint.objects.get(plan=p000, tier="district")
    assert district.invited_by_lower_tier and district.per_unit

    p003 = Plan.objects.get(key="seed-003")
    assert p003.legal_bases.count() == 4
    conference = Conference.objects.get(plan=p003)
    assert (conference.date_from.isoformat(), conference.date_to.isoformat()) == ("2022-07-11", "2022-07-15")
    contributions = Task.objects.filter(group__plan=p003, kind="contribution")
    assert contributions.count() == 5
    assert {t.deadline.isoformat() for t in contributions} == {"2022-06-27"}

    p004 = Plan.objects.get(key="seed-004")
    hall = BridgePoint.objects.get(plan=p004, mode="in_person")
    assert hall.expected_delegates == 90
    assert AgendaItem.objects.get(plan=p004, parent=None, order=4).speaking_limit_minutes == 7
    assert p004.conference.chair.full_name == "Phạm Thiện Nghĩa"

    p002 = Plan.objects.get(key="seed-002")
    assert p002.kind == "improvement"
    assert not Conference.objects.filter(plan=p002).exists()


def test_run_in_subsections_print_heading_colon_and_text(client, demo, drafter):
    plan = Plan.objects.get(key="seed-001")
    client.force_login(drafter)
    text = page_text(client.get(reverse("conferences:plan_detail", args=[plan.pk])).content)
    assert "3. Hình thức tổ chức: Hội nghị tổ chức trực tuyến tại các điểm cầu UBND tỉnh" in text
    assert "5. Kinh phí thực hiện: Kinh phí phục vụ công tác cải cách hành chính cấp cho Sở Nội vụ." in text
    assert "* Cấp tỉnh - Thường trực Tỉnh ủy;" in text
