"""The plan editor: every part renders for the drafter of the drafting unit,
saves, keeps what was typed on error, sanitises, and refuses stale saves."""

import pytest
from django.urls import reverse

from conferences.editing import PARTS
from conferences.models import AgendaItem, LegalBasis, Plan, PlanActivity, Section
from directory.models import User
from tests.conftest import draft_copy, page_text


@pytest.fixture
def plan(demo):
    """A draft with every part: a copy of seed 000 (issued by the demo)."""
    return draft_copy("seed-000")


@pytest.fixture
def client_drafter(client, demo):
    client.force_login(User.objects.get(username="soanthao"))
    return client


def edit_url(plan, part):
    return reverse("conferences:plan_edit", kwargs={"pk": plan.pk, "part": part})


def form_data(response) -> dict:
    """The values the editor page would post back unchanged (as a browser
    would): every named input, select and textarea of the editor form."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data: dict[str, list[str]] = {}
            self.in_form = False
            self.textarea = None
            self.select = None
            self.in_template = 0

        def add(self, name, value):
            self.data.setdefault(name, []).append(value)

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form" and a.get("id") == "editor-form":
                self.in_form = True
            if not self.in_form:
                return
            if tag == "template":
                self.in_template += 1
            if self.in_template:
                return
            if tag == "input" and a.get("name"):
                kind = a.get("type", "text")
                if kind in ("checkbox", "radio"):
                    if "checked" in a:
                        self.add(a["name"], a.get("value", "on"))
                elif kind not in ("submit", "button"):
                    self.add(a["name"], a.get("value", ""))
            elif tag == "textarea" and a.get("name"):
                self.textarea = a["name"]
                self.add(self.textarea, "")
            elif tag == "select" and a.get("name"):
                self.select = a["name"]
                self.first_option = None
                self.selected = False
            elif tag == "option" and self.select:
                if self.first_option is None:
                    self.first_option = a.get("value", "")
                if "selected" in a:
                    self.add(self.select, a.get("value", ""))
                    self.selected = True

        def handle_endtag(self, tag):
            if tag == "template" and self.in_form:
                self.in_template -= 1
            if tag == "textarea":
                self.textarea = None
            if tag == "select" and self.select:
                if not self.selected:
                    self.add(self.select, self.first_option or "")
                self.select = None
            if tag == "form":
                self.in_form = False

        def handle_data(self, data):
            if self.textarea and not self.in_template:
                self.data[self.textarea][-1] += data

    parser = Parser()
    parser.feed(response.content.decode())
    return {k: v if len(v) > 1 else v[0] for k, v in parser.data.items()}


@pytest.mark.parametrize("part", list(PARTS))
def test_every_part_renders_and_saves_unchanged(client_drafter, plan, part):
    response = client_drafter.get(edit_url(plan, part))
    assert response.status_code == 200
    text = page_text(response.content)
    assert "DỰ THẢO" in text  # the preview of a draft
    data = form_data(response)
    before = plan.version
    response = client_drafter.post(edit_url(plan, part), data)
    assert response.status_code == 302, page_text(response.content)[:2000]
    plan.refresh_from_db()
    assert plan.version == before + 1
    activity = PlanActivity.objects.get(plan=plan, version=plan.version)
    assert activity.part == part
    assert activity.changes == []  # nothing changed


def test_header_change_is_saved_and_recorded(client_drafter, plan):
    data = form_data(client_drafter.get(edit_url(plan, "thong-tin-chung")))
    data["subject"] = "Tổ chức Hội nghị phân tích Chỉ số PAPI năm 2025"
    response = client_drafter.post(edit_url(plan, "thong-tin-chung"), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.subject == data["subject"]
    change = PlanActivity.objects.get(plan=plan, version=plan.version).changes[0]
    assert change["new"] == data["subject"]


def test_invalid_form_keeps_what_was_typed(client_drafter, plan):
    data = form_data(client_drafter.get(edit_url(plan, "thong-tin-chung")))
    data["subject"] = "Một trích yếu mới chưa lưu"
    data["year"] = "1890"
    response = client_drafter.post(edit_url(plan, "thong-tin-chung"), data)
    assert response.status_code == 200
    text = page_text(response.content)
    assert "Một trích yếu mới chưa lưu" in response.content.decode()
    assert "2000" in text and "2100" in text  # the message names the range
    plan.refresh_from_db()
    assert plan.subject != "Một trích yếu mới chưa lưu"


def test_sections_body_is_sanitised(client_drafter, plan):
    data = form_data(client_drafter.get(edit_url(plan, "noi-dung")))
    data["sections-0-body"] = 'Mục đích <script>alert("x")</script><img src=x onerror=alert(1)> rõ ràng'
    response = client_drafter.post(edit_url(plan, "noi-dung"), data)
    assert response.status_code == 302
    section = Section.objects.get(plan=plan, parent=None, order=1)
    assert section.body == "Mục đích  rõ ràng"
    page = client_drafter.get(reverse("conferences:plan_detail", args=[plan.pk])).content.decode()
    assert "Mục đích  rõ ràng" in page and "onerror" not in page and "alert(" not in page


def test_add_reorder_and_remove_legal_bases(client_drafter, plan):
    url = edit_url(plan, "thong-tin-chung")
    data = form_data(client_drafter.get(url))
    texts = ["Căn cứ A;", "Căn cứ B;", "Căn cứ C;"]
    for i, text in enumerate(texts):
        data.update({f"legal-{i}-text": text, f"legal-{i}-ORDER": str(i + 1)})
    data["legal-TOTAL_FORMS"] = "3"
    assert client_drafter.post(url, data).status_code == 302
    assert list(LegalBasis.objects.filter(plan=plan).values_list("text", flat=True)) == texts

    data = form_data(client_drafter.get(url))
    assert data["legal-INITIAL_FORMS"] == "3"
    data["legal-0-ORDER"], data["legal-1-ORDER"] = "2", "1"
    data["legal-2-DELETE"] = "on"
    assert client_drafter.post(url, data).status_code == 302
    assert list(LegalBasis.objects.filter(plan=plan).values_list("text", flat=True)) == ["Căn cứ B;", "Căn cứ A;"]
    text = page_text(client_drafter.get(reverse("conferences:plan_detail", args=[plan.pk])).content)
    assert text.index("Căn cứ B;") < text.index("Căn cứ A;") and "Căn cứ C;" not in text


def test_agenda_subitem_nests_under_item_above(client_drafter, plan):
    data = form_data(client_drafter.get(edit_url(plan, "chuong-trinh")))
    total = int(data["items-TOTAL_FORMS"])
    for i in range(1, total):  # the new row goes second: the rows after it move down, as the page's script does
        data[f"items-{i}-ORDER"] = str(i + 2)
    data.update(
        {
            f"items-{total}-level": "1",
            f"items-{total}-marker": "-",
            f"items-{total}-content": "Một dòng con mới",
            f"items-{total}-kind": "contribution",
            f"items-{total}-ORDER": "2",
            "items-TOTAL_FORMS": str(total + 1),
        }
    )
    response = client_drafter.post(edit_url(plan, "chuong-trinh"), data)
    assert response.status_code == 302, page_text(response.content)[:1500]
    child = AgendaItem.objects.get(plan=plan, content="Một dòng con mới")
    first = AgendaItem.objects.get(plan=plan, parent=None, order=1)
    assert child.parent == first and child.order == 1
    assert AgendaItem.objects.filter(plan=plan).count() == total + 1


def test_stale_save_is_refused_and_shows_what_changed(client_drafter, plan, client):
    stale = form_data(client_drafter.get(edit_url(plan, "thong-tin-chung")))
    other = User.objects.create_user("soanthao2", role="drafter", organisation=plan.drafting_unit)
    second = type(client_drafter)()
    second.force_login(other)
    fresh = form_data(second.get(edit_url(plan, "thong-tin-chung")))
    fresh["place"] = "Tam Kỳ"
    assert second.post(edit_url(plan, "thong-tin-chung"), fresh).status_code == 302

    stale["subject"] = "Trích yếu của người thứ nhất"
    response = client_drafter.post(edit_url(plan, "thong-tin-chung"), stale)
    assert response.status_code == 409
    text = page_text(response.content)
    assert "soanthao2" in text and "Tam Kỳ" in text
    assert "Trích yếu của người thứ nhất" in response.content.decode()
    plan.refresh_from_db()
    assert plan.place == "Tam Kỳ" and plan.subject != "Trích yếu của người thứ nhất"

    stale["overwrite"] = str(plan.version)
    assert client_drafter.post(edit_url(plan, "thong-tin-chung"), stale).status_code == 302
    plan.refresh_from_db()
    assert plan.subject == "Trích yếu của người thứ nhất"


def test_preview_does_not_save(client_drafter, plan):
    data = form_data(client_drafter.get(edit_url(plan, "thong-tin-chung")))
    data["subject"] = "Trích yếu chỉ để xem trước"
    response = client_drafter.post(edit_url(plan, "thong-tin-chung"), data, headers={"X-Preview": "1"})
    assert response.status_code == 200
    assert "Trích yếu chỉ để xem trước" in page_text(response.content)
    plan.refresh_from_db()
    assert plan.subject != "Trích yếu chỉ để xem trước"
    assert not PlanActivity.objects.filter(plan=plan).exists()


def test_planned_start_times_follow_the_durations(client_drafter):
    from conferences.editing import agenda_schedule
    from conferences.selectors import plan_document

    plan = Plan.objects.get(key="seed-004")
    items = list(AgendaItem.objects.filter(plan=plan, parent=None).order_by("order"))
    for item, minutes in zip(items[:3], (10, 25, 15), strict=True):
        item.duration_minutes = minutes
        item.save()
    doc = plan_document(plan_id=plan.pk, user=User.objects.get(username="soanthao"))
    times = agenda_schedule(doc.agenda, plan.conference.starts_at)
    assert [times[item.pk].strftime("%H:%M") for item in items[:4]] == ["08:00", "08:10", "08:35", "08:50"]
    # Sub-items of item 4 (no duration of its own) run from its start.
    assert all(times[child.pk].strftime("%H:%M") == "08:50" for child in items[3].children.all())

    plan.drafting_unit = User.objects.get(username="soanthao").organisation
    plan.save()
    page = page_text(client_drafter.get(edit_url(plan, "chuong-trinh")).content)
    assert "1 08:00 10 Tuyên bố lý do" in page and "3 08:35 15" in page


def test_late_preparation_task_is_flagged(client_drafter, plan):
    import datetime

    from conferences.models import Task

    task = Task.objects.filter(group__plan=plan).first()
    task.kind = "preparation"
    task.deadline = plan.conference.starts_at.date() + datetime.timedelta(days=3)
    task.save()
    text = page_text(client_drafter.get(edit_url(plan, "nhiem-vu")).content)
    assert "Cần kiểm tra:" in text and "sau ngày tổ chức hội nghị" in text
    assert task.deadline.strftime("%d/%m/%Y") in text


def test_distribution_is_suggested_from_the_invited_units_and_keeps_typed_text(client_drafter, plan):
    from conferences.models import DistributionLine, ParticipantGroup

    invited = {org.name for group in ParticipantGroup.objects.filter(plan=plan) for org in group.organisations.all()}
    assert invited
    data = form_data(client_drafter.get(edit_url(plan, "ket-thuc")))
    data["closing-budget_source"] = "Nguồn kinh phí đang gõ dở"
    data["suggest"] = "1"
    response = client_drafter.post(edit_url(plan, "ket-thuc"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nguồn kinh phí đang gõ dở" in page  # what was typed is kept
    suggested = form_data(response)
    texts = [v for k, v in suggested.items() if k.startswith("distribution-") and k.endswith("-text")]
    assert {f"{name};" for name in invited} <= set(texts)
    before = DistributionLine.objects.filter(plan=plan).count()
    assert before < len(texts)  # nothing saved yet
    suggested.pop("suggest", None)
    assert client_drafter.post(edit_url(plan, "ket-thuc"), suggested).status_code == 302
    assert DistributionLine.objects.filter(plan=plan).count() == len(texts)
    again = form_data(client_drafter.get(edit_url(plan, "ket-thuc")))
    again["suggest"] = "1"
    assert "Mọi đơn vị được mời đã có trong nơi nhận" in page_text(client_drafter.post(edit_url(plan, "ket-thuc"), again).content)
