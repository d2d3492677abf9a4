"""A new drafter of Đồng Tháp writes the 2024 plan of seed 004 entirely in
the browser, from the index-conference template: header, conference with the
hall and the district bridge points, every participant line, the full agenda
with its contributions, the tasks, Nơi nhận and the signature. The preview
then shows every agenda row and participant line of the seed."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conferences.models import AgendaItem, ParticipantGroup, Plan
from directory.models import Organisation, User

pytestmark = pytest.mark.django_db(transaction=True)

SEED = json.loads((Path(__file__).resolve().parent.parent / "conferences/demo/plans/004.json").read_text())["plan"]


@pytest.fixture
def site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    user = User.objects.create_user(
        "soanthao_dt",
        password="Dong-Thap-2024!",
        role="drafter",
        organisation=Organisation.objects.get(code="dong-thap:so-noi-vu"),
        first_name="Hoa",
        last_name="Trần Thị",
    )
    return live_server.url, user


def field(label):
    """A form field by its exact label; required fields add “*” to it."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


def save(page, part_label):
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text=f"Đã lưu: {part_label}")).to_be_visible()


def add_row(page, prefix):
    page.locator(f'[data-add-row="{prefix}"]').click()
    return page.locator(f"#{prefix}-rows > [data-row]").last


def clear_rows(page, prefix):
    """Mark the rows the template put in this list for deletion."""
    rows = page.locator(f"#{prefix}-rows > [data-row]")
    for i in range(rows.count()):
        rows.nth(i).get_by_label(field("Xóa")).check()


def pick(page, row, label, query, choice, *, keyboard=False):
    """Search the directory picker labelled ``label`` and choose ``choice``."""
    box = row.get_by_role("combobox", name=label, exact=True)
    box.fill(query)
    option = row.get_by_role("option", name=re.compile(rf"^{re.escape(choice)}( —.*)?$"))
    expect(option).to_be_visible()
    if keyboard:
        for _ in range(row.get_by_role("option").count()):
            box.press("ArrowDown")
            if option.get_attribute("aria-selected") == "true":
                break
        box.press("Enter")
    else:
        option.click()
    expect(row.locator(".picker-chip", has_text=choice)).to_be_visible()


def org_name(code):
    return Organisation.objects.get(code=code).name


def test_drafter_writes_seed_004_in_the_browser(page, site):
    base_url, user = site
    page.set_default_timeout(15000)
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("soanthao_dt")
    page.get_by_label("Mật khẩu").fill("Dong-Thap-2024!")
    page.get_by_role("button", name="Đăng nhập").click()

    # Start from the template.
    page.get_by_role("link", name="Tạo kế hoạch mới").first.click()
    page.get_by_label("Mẫu kế hoạch").check()
    page.get_by_label(field("Mẫu")).select_option("index-conference")
    page.get_by_label("Cơ quan ban hành").select_option(label="Ủy ban nhân dân tỉnh Đồng Tháp")
    page.get_by_label("Năm của kế hoạch").fill("2024")
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page.get_by_role("heading", name="Soạn thảo kế hoạch")).to_be_visible()
    plan = Plan.objects.get(created_by=user)

    # Header.
    page.get_by_label("Trích yếu").fill(SEED["subject"])
    page.get_by_label("Địa danh").fill(SEED["place"])
    page.get_by_label("Tháng dự kiến").fill(str(SEED["month"]))
    page.get_by_label("Phần mở đầu").fill(SEED["preamble"])
    save(page, "Thông tin chung và căn cứ")

    # Conference and bridge points.
    page.get_by_role("link", name="Hội nghị và điểm cầu").click()
    conference = SEED["conference"]
    page.get_by_label(field("Hình thức")).select_option("hybrid")
    page.get_by_label("Thời gian bắt đầu").fill(conference["starts_at"])
    page.get_by_label("Thời gian (như ghi trong văn bản)").fill(conference["time_text"])
    pick(page, page.locator("#editor-form"), "Chủ trì", "Phạm Thiện", "Phạm Thiện Nghĩa", keyboard=True)
    page.get_by_label("Chủ trì (như ghi trong văn bản)").fill(conference["chair_text"])
    clear_rows(page, "points")
    for point in SEED["bridge_points"]:
        row = add_row(page, "points")
        row.get_by_label(field("Cấp")).select_option(point["tier"])
        row.get_by_label(field("Hình thức tham dự")).select_option(point["mode"])
        row.get_by_label("Tiêu đề (như ghi trong văn bản)").fill(point["heading"])
        row.get_by_label("Đơn vị bố trí điểm cầu (như ghi trong văn bản)").fill(point["host_text"])
        row.get_by_label(field("Địa điểm")).fill(point["place"])
        if point["expected_delegates"]:
            row.get_by_label("Số đại biểu dự kiến").fill(str(point["expected_delegates"]))
        if point["per_unit"]:
            row.get_by_label("Mỗi đơn vị thuộc cấp này một điểm cầu").check()
    save(page, "Hội nghị và điểm cầu")

    # Participants, under their bridge point.
    page.get_by_role("link", name="Thành phần tham dự").click()
    point_labels = {p["key"]: f"{i}. {p['heading']}"[:90] for i, p in enumerate(SEED["bridge_points"], 1)}
    clear_rows(page, "participants")
    for i, line in enumerate(SEED["participants"]):
        row = add_row(page, "participants")
        row.get_by_label("Điểm cầu").select_option(label=point_labels[line["bridge_point"]])
        row.get_by_label(field("Cấp")).select_option(line["tier"])
        row.get_by_label("Dòng (như ghi trong văn bản)").fill(line["text"])
        if line["invited_by_lower_tier"]:
            row.get_by_label("Do cấp dưới mời").check()
        if line["is_chair"]:
            row.get_by_label("Chủ trì hội nghị").check()
        for code in line["organisations"][:1] if i < 4 else []:  # the first lines name their units from the directory
            name = org_name(code)
            pick(page, row, "Các cơ quan, đơn vị thuộc nhóm", name, name, keyboard=i % 2 == 0)
    save(page, "Thành phần tham dự")

    # Agenda: items and their sub-items.
    page.get_by_role("link", name="Chương trình", exact=True).click()
    page.get_by_label("Kèm theo chương trình").check()
    page.get_by_label("Trích yếu chương trình").fill(SEED["agenda"]["subject"])
    clear_rows(page, "items")
    for item in SEED["agenda"]["items"]:
        for level, row_data in [(0, item)] + [(1, child) for child in item.get("children", [])]:
            row = add_row(page, "items")
            row.get_by_label("Thứ bậc dòng").select_option(str(level))
            row.get_by_label(field("Loại")).select_option(row_data["kind"])
            row.get_by_label(field("Nội dung")).fill(row_data["content"])
            row.get_by_label("Thành phần thực hiện (như ghi trong văn bản)").fill(row_data["performers"])
            if row_data.get("speaking_limit_minutes"):
                row.get_by_label("Thời gian phát biểu tối đa (phút)").fill(str(row_data["speaking_limit_minutes"]))
    first_contribution = page.locator("#items-rows > [data-row]").nth(4)
    pick(page, first_contribution, "Cơ quan, đơn vị thực hiện", "Cao Lãnh", "Ủy ban nhân dân thành phố Cao Lãnh")
    save(page, "Chương trình")

    # Tasks: one group per unit, its tasks below.
    page.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    clear_rows(page, "tasks")
    for group in SEED["task_groups"]:
        row = add_row(page, "tasks")
        row.get_by_label("Loại dòng").select_option("group")
        row.get_by_label(field("Tiêu đề")).fill(group["heading"])
        for task in group["tasks"]:
            row = add_row(page, "tasks")
            row.get_by_label("Loại dòng").select_option("task")
            row.get_by_label("Thứ bậc dòng").select_option(str(task["level"]))
            row.get_by_label(field("Nhiệm vụ")).fill(task["text"])
            row.get_by_label(field("Loại")).select_option(task["kind"])
    save(page, "Nhiệm vụ")

    # Budget, Nơi nhận and signature.
    page.get_by_role("link", name="Kinh phí, nơi nhận và chữ ký").click()
    page.get_by_label("Nguồn kinh phí").fill(SEED["budget_source"])
    signature = SEED["signature"]
    page.get_by_label("Thay mặt (TM.)").fill(signature["on_behalf_of"])
    page.get_by_label("Chức vụ người ký").fill(signature["signer_title"])
    pick(page, page.locator("#editor-form"), "Người ký", "Nghĩa", "Phạm Thiện Nghĩa")
    clear_rows(page, "distribution")
    for text in SEED["distribution"]:
        add_row(page, "distribution").get_by_label(field("Nội dung")).fill(text)
    save(page, "Kinh phí, nơi nhận và chữ ký")

    # The preview shows every agenda row and participant line of the seed.
    preview = page.locator("#preview")
    expected_rows = [item["content"] for item in SEED["agenda"]["items"]]
    expected_rows += [child["content"] for item in SEED["agenda"]["items"] for child in item.get("children", [])]
    agenda = preview.get_by_role("table", name="Chương trình")
    expect(agenda.locator("tr.agenda-item")).to_have_count(len(SEED["agenda"]["items"]))
    expect(agenda.locator("tr.agenda-subitem")).to_have_count(len(expected_rows) - len(SEED["agenda"]["items"]))
    text = " ".join(preview.inner_text().split())
    for row in expected_rows:
        assert " ".join(row.split()) in text, row
    for line in SEED["participants"]:
        assert " ".join(line["text"].replace("*", "").split()) in text, line["text"]
    for line in SEED["distribution"]:
        assert line in text
    assert "Phạm Thiện Nghĩa" in text and "DỰ THẢO" in text
    clear_rows(page, "points")
    for point in SEED["bridge_points"]:
        assert point["heading"] in text

    # What the browser wrote is what the database holds.
    assert AgendaItem.objects.filter(plan=plan).count() == len(expected_rows)
    assert ParticipantGroup.objects.filter(plan=plan).count() == len(SEED["participants"])
    assert ParticipantGroup.objects.get(plan=plan, order=1).organisations.get().code == "dong-thap:tinh-uy"
