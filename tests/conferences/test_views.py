import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import page_text
from tests.factories import (
    AdministrativeUnitFactory,
    AgendaItemFactory,
    BridgePointFactory,
    ConferenceFactory,
    DistributionLineFactory,
    OrganisationFactory,
    ParticipantGroupFactory,
    PlanFactory,
    SectionFactory,
    TaskFactory,
    TaskGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_pages_require_login(client):
    plan = PlanFactory()
    for url in (reverse("conferences:plan_list"), reverse("conferences:plan_detail", args=[plan.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    text = page_text(response.content)
    assert "Đăng nhập" in text
    assert response.headers["Content-Language"] == "vi"


def test_plan_list_filters(client, drafter):
    quang_nam = AdministrativeUnitFactory(short_name="Quảng Nam", name="Tỉnh Quảng Nam")
    ninh_thuan = AdministrativeUnitFactory(short_name="Ninh Thuận", name="Tỉnh Ninh Thuận")
    qn_body = OrganisationFactory(admin_unit=quang_nam, name="Ủy ban nhân dân tỉnh Quảng Nam")
    nt_body = OrganisationFactory(admin_unit=ninh_thuan, name="Ủy ban nhân dân tỉnh Ninh Thuận")
    PlanFactory(issuing_body=qn_body, year=2024, kind="conference", subject="Hội nghị SIPAS Quảng Nam 2024")
    PlanFactory(issuing_body=qn_body, year=2022, kind="improvement", subject="Cải thiện PAR Index Quảng Nam")
    PlanFactory(
        issuing_body=nt_body,
        year=2022,
        kind="conference",
        subject="Hội nghị PAPI Ninh Thuận",
        state="issued",
        number=3,
        issue_date=datetime.date(2022, 6, 20),
    )
    client.force_login(drafter)
    url = reverse("conferences:plan_list")

    def rows(**params) -> list[str]:
        """The table rows of the list page, as text."""
        content = client.get(url, params).content.decode()
        body = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in content else ""
        return [page_text(row) for row in body.split("</tr>") if row.strip()]

    assert len(rows()) == 3
    assert "3 kế hoạch" in page_text(client.get(url).content)
    province_rows = rows(province=quang_nam.pk)
    assert [r.split(" Ủy ban")[0] for r in province_rows] == ["Hội nghị SIPAS Quảng Nam 2024", "Cải thiện PAR Index Quảng Nam"]
    assert sorted(r.split(" Ủy ban")[0] for r in rows(year=2022)) == ["Cải thiện PAR Index Quảng Nam", "Hội nghị PAPI Ninh Thuận"]
    assert [r.split(" Ủy ban")[0] for r in rows(kind="improvement")] == ["Cải thiện PAR Index Quảng Nam"]
    issued = rows(state="issued")
    assert len(issued) == 1 and issued[0].startswith("Hội nghị PAPI Ninh Thuận") and "03/KH-UBND" in issued[0]
    assert [r.split(" Ủy ban")[0] for r in rows(q="sipas")] == ["Hội nghị SIPAS Quảng Nam 2024"]
    assert rows(q="không có kế hoạch nào như vậy") == []
    empty = page_text(client.get(url, {"q": "không có kế hoạch nào như vậy"}).content)
    assert "Không có kế hoạch nào phù hợp với điều kiện lọc." in empty


def test_plan_list_is_paginated(client, drafter):
    body = OrganisationFactory()
    PlanFactory.create_batch(25, issuing_body=body)
    client.force_login(drafter)
    first = client.get(reverse("conferences:plan_list"))
    assert len(first.context["page"].object_list) == 20
    second = client.get(reverse("conferences:plan_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert "Trang 2/2" in page_text(second.content)


def test_empty_plan_list(client, drafter):
    client.force_login(drafter)
    assert "Chưa có kế hoạch nào." in page_text(client.get(reverse("conferences:plan_list")).content)


def test_unit_office_sees_issued_plans_only(client):
    draft = PlanFactory(subject="Bản dự thảo nội bộ")
    issued = PlanFactory(subject="Kế hoạch đã ban hành", state="issued", number=1, issue_date=datetime.date(2024, 5, 2))
    office = UserFactory(role="unit_office")
    client.force_login(office)
    text = page_text(client.get(reverse("conferences:plan_list")).content)
    assert "Kế hoạch đã ban hành" in text and "Bản dự thảo nội bộ" not in text
    assert client.get(reverse("conferences:plan_detail", args=[draft.pk])).status_code == 404
    # The filter choices do not reveal the draft's year either.
    draft.year = 2031
    draft.save(update_fields=["year"])
    assert "2031" not in page_text(client.get(reverse("conferences:plan_list")).content)
    assert client.get(reverse("conferences:plan_detail", args=[issued.pk])).status_code == 200


def test_user_text_is_escaped(client, drafter):
    plan = PlanFactory(subject="<script>alert(1)</script> Hội nghị")
    SectionFactory(plan=plan, body="**Đậm** <img src=x onerror=alert(1)>")
    client.force_login(drafter)
    content = client.get(reverse("conferences:plan_detail", args=[plan.pk])).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<img src=x" not in content
    assert "<strong>Đậm</strong>" in content


def _plan_with_rows(n: int):
    plan = PlanFactory()
    ConferenceFactory(plan=plan)
    point = BridgePointFactory(plan=plan)
    for _ in range(n):
        SectionFactory(plan=plan)
        ParticipantGroupFactory(plan=plan, bridge_point=point).organisations.add(OrganisationFactory())
        item = AgendaItemFactory(plan=plan)
        AgendaItemFactory(plan=plan, parent=item, order=1)
        group = TaskGroupFactory(plan=plan)
        TaskFactory(group=group).assignees.add(OrganisationFactory())
        DistributionLineFactory(plan=plan)
    return plan


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_plan_detail_query_count_does_not_grow_with_rows(client, drafter):
    client.force_login(drafter)
    small = _plan_with_rows(2)
    large = _plan_with_rows(12)
    small_count = _queries(client, reverse("conferences:plan_detail", args=[small.pk]))
    large_count = _queries(client, reverse("conferences:plan_detail", args=[large.pk]))
    assert small_count == large_count


def test_plan_list_query_count_does_not_grow_with_rows(client, drafter):
    client.force_login(drafter)
    url = reverse("conferences:plan_list")
    for _ in range(3):
        ConferenceFactory(plan=PlanFactory())
    small_count = _queries(client, url)
    for _ in range(17):
        ConferenceFactory(plan=PlanFactory())
    assert _queries(client, url) == small_count


def test_english_interface_is_available(client, drafter):
    client.force_login(drafter)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = page_text(client.get(reverse("conferences:plan_list")).content)
    assert "Plans" in text and "Kế hoạch" not in text.replace("KẾ HOẠCH", "")


def test_admin_lists_every_model(client):
    from django.apps import apps
    from django.contrib import admin

    admin_user = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for app in ("directory", "conferences", "indices"):
        for model in apps.get_app_config(app).get_models():
            assert model in admin.site._registry, model
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert client.get(url, {"q": "a"}).status_code == 200, url


def test_interface_stays_vietnamese_for_an_english_browser(client, drafter):
    client.force_login(drafter)
    response = client.get(reverse("conferences:plan_list"), headers={"accept-language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "vi"
    assert "Chưa có kế hoạch nào." in page_text(response.content)


def test_admin_change_pages_of_the_demo_plans(client, demo):
    from conferences.models import AgendaItem, Plan

    admin_user = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for plan in Plan.objects.all():
        response = client.get(reverse("admin:conferences_plan_change", args=[plan.pk]))
        assert response.status_code == 200
        assert plan.letterhead_name in response.content.decode()
    parent = AgendaItem.objects.filter(children__isnull=False).first()
    response = client.get(reverse("admin:conferences_agendaitem_change", args=[parent.pk]))
    assert response.status_code == 200
    assert parent.children.first().content[:40] in response.content.decode()
