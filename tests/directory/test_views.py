"""Directory pages: lists, detail, forms, deletion and the picker searches."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences.models import ParticipantGroup
from directory.models import AdministrativeUnit, Organisation, Person, UnitLevel, UnitPeriod
from tests.conftest import page_text
from tests.factories import (
    AdministrativeUnitFactory,
    OrganisationFactory,
    ParticipantGroupFactory,
    PersonFactory,
    PlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_drafter(client, drafter):
    client.force_login(drafter)
    return client


def rows(response) -> list[str]:
    """The table body rows of a page, as text."""
    content = response.content.decode()
    if "<tbody>" not in content:
        return []
    body = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [page_text(row) for row in body.split("</tr>") if row.strip()]


# Organisation list ------------------------------------------------------------


def test_accent_insensitive_search(client_drafter):
    OrganisationFactory(name="Sở Nội vụ tỉnh Quảng Nam", code="quang-nam:so-noi-vu")
    OrganisationFactory(name="Sở Tài chính tỉnh Quảng Nam", code="quang-nam:so-tai-chinh")
    OrganisationFactory(name="Đài Phát thanh và Truyền hình", code="quang-nam:dai-ptth")
    url = reverse("directory:organisation_list")
    for query in ("so noi vu", "Sở Nội vụ", "SO NOI", "nội vụ quảng"):
        found = rows(client_drafter.get(url, {"q": query}))
        assert len(found) == 1 and found[0].startswith("Sở Nội vụ tỉnh Quảng Nam"), query
    assert rows(client_drafter.get(url, {"q": "dai phat thanh"}))[0].startswith("Đài Phát thanh")
    assert rows(client_drafter.get(url, {"q": "quang-nam:so-tai"}))[0].startswith("Sở Tài chính")
    empty = client_drafter.get(url, {"q": "không có cơ quan nào"})
    assert rows(empty) == []
    assert "Không có cơ quan, đơn vị nào phù hợp với điều kiện lọc." in page_text(empty.content)


def test_filters_and_vietnamese_order(client_drafter):
    quang_nam = AdministrativeUnitFactory(name="Tỉnh Quảng Nam", short_name="Quảng Nam")
    tam_ky = AdministrativeUnitFactory(name="Thành phố Tam Kỳ", short_name="Tam Kỳ", level=UnitLevel.DISTRICT, parent=quang_nam)
    ward = AdministrativeUnitFactory(name="Phường An Mỹ", short_name="An Mỹ", level=UnitLevel.COMMUNE, parent=tam_ky)
    OrganisationFactory(name="Ủy ban nhân dân tỉnh Quảng Nam", admin_unit=quang_nam, kind="people_committee")
    OrganisationFactory(name="Ủy ban nhân dân thành phố Tam Kỳ", admin_unit=tam_ky, tier="district")
    OrganisationFactory(name="Ủy ban nhân dân phường An Mỹ", admin_unit=ward, tier="commune")
    OrganisationFactory(name="Đài Phát thanh tỉnh", admin_unit=quang_nam, kind="press")
    OrganisationFactory(name="Bộ Nội vụ", admin_unit=None, tier="central", kind="ministry")
    url = reverse("directory:organisation_list")

    def first_words(**params):
        return [row.split(" ")[0] + " " + row.split(" ")[1] for row in rows(client_drafter.get(url, params))]

    assert first_words() == ["Bộ Nội", "Đài Phát", "Ủy ban", "Ủy ban", "Ủy ban"]  # B < Đ < U, Vietnamese order
    assert len(rows(client_drafter.get(url, {"province": quang_nam.pk}))) == 4  # the province, its district and commune
    assert [r.split(" Ủy")[0] for r in rows(client_drafter.get(url, {"tier": "district"}))][0].startswith(
        "Ủy ban nhân dân thành phố"
    )
    assert first_words(kind="press") == ["Đài Phát"]
    assert first_words(tier="central") == ["Bộ Nội"]
    assert "5 cơ quan, đơn vị" in page_text(client_drafter.get(url).content)


def test_organisation_list_is_paginated_by_25(client_drafter):
    OrganisationFactory.create_batch(27)
    url = reverse("directory:organisation_list")
    assert len(rows(client_drafter.get(url))) == 25
    second = client_drafter.get(url, {"page": 2})
    assert len(rows(second)) == 2
    assert "Trang 2/2" in page_text(second.content)


def test_empty_directory(client_drafter):
    text = page_text(client_drafter.get(reverse("directory:organisation_list")).content)
    assert "Danh bạ chưa có cơ quan, đơn vị nào." in text


def same_query_count(client, url, make, django_assert_num_queries):
    """The page costs the same number of queries for 3 rows and for 30."""
    make(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    make(27)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    return response


def test_organisation_list_query_count(client_drafter, django_assert_num_queries):
    parent = OrganisationFactory(name="Ủy ban nhân dân tỉnh")

    def make(count):
        for organisation in OrganisationFactory.create_batch(count, parent=parent):
            PersonFactory(organisation=organisation)

    response = same_query_count(
        client_drafter, reverse("directory:organisation_list") + "?page=1", make, django_assert_num_queries
    )
    assert len(rows(response)) == 25


def test_person_list_query_count(client_drafter, django_assert_num_queries):
    response = same_query_count(
        client_drafter,
        reverse("directory:person_list"),
        lambda count: PersonFactory.create_batch(count),
        django_assert_num_queries,
    )
    assert len(rows(response)) == 25


def test_unit_list_query_count(client_drafter, django_assert_num_queries):
    new = AdministrativeUnitFactory(name="Thành phố Đà Nẵng", period=UnitPeriod.FROM_2025)

    def make(count):
        for unit in AdministrativeUnitFactory.create_batch(count):
            unit.successors.add(new)

    response = same_query_count(client_drafter, reverse("directory:unit_list"), make, django_assert_num_queries)
    assert len(rows(response)) == 31
    assert "Thành phố Đà Nẵng" in rows(response)[0]


# Organisation detail and forms ------------------------------------------------


def test_detail_shows_people_and_children(client_drafter):
    parent = OrganisationFactory(
        name="Sở Nội vụ tỉnh Quảng Nam", letterhead_parent="UBND TỈNH QUẢNG NAM", letterhead_name="SỞ NỘI VỤ"
    )
    OrganisationFactory(name="Phòng Cải cách hành chính", parent=parent, kind="unit")
    PersonFactory(full_name="Trần Thị Hoa", title="Giám đốc Sở", organisation=parent, email="hoa@example.gov.vn")
    text = page_text(client_drafter.get(reverse("directory:organisation_detail", args=[parent.pk])).content)
    assert "Trần Thị Hoa Giám đốc Sở hoa@example.gov.vn" in text
    assert "Cơ quan, đơn vị trực thuộc Phòng Cải cách hành chính" in text
    assert "UBND TỈNH QUẢNG NAM SỞ NỘI VỤ" in text
    assert client_drafter.get(reverse("directory:organisation_detail", args=[99999])).status_code == 404


def organisation_post(**overrides) -> dict:
    data = {
        "name": "Sở Nội vụ tỉnh Quảng Nam",
        "short_name": "Sở Nội vụ",
        "kind": "department",
        "tier": "province",
        "code": "",
        "admin_unit": "",
        "parent": "",
        "email": "so-noi-vu@quangnam.gov.vn",
        "phone": "0235 3852 444",
        "letterhead_parent": "UBND TỈNH QUẢNG NAM",
        "letterhead_name": "SỞ NỘI VỤ",
        "symbol": "SNV",
        "is_active": "on",
    }
    return {**data, **overrides}


def test_create_suggests_the_code_from_the_name(client_drafter):
    quang_nam = AdministrativeUnitFactory(name="Tỉnh Quảng Nam", short_name="Quảng Nam")
    parent = OrganisationFactory(code="quang-nam:ubnd-tinh")
    url = reverse("directory:organisation_create")
    response = client_drafter.post(url, organisation_post(admin_unit=quang_nam.pk, parent=parent.pk))
    created = Organisation.objects.get(name="Sở Nội vụ tỉnh Quảng Nam")
    assert response.status_code == 302 and response.url == reverse("directory:organisation_detail", args=[created.pk])
    assert (created.code, created.parent, created.admin_unit, created.email) == (
        "quang-nam:so-noi-vu",
        parent,
        quang_nam,
        "so-noi-vu@quangnam.gov.vn",
    )
    assert created.search_text.startswith("so noi vu tinh quang nam")
    # The same name again gets a free code; without a short name the province is not repeated.
    client_drafter.post(url, organisation_post(admin_unit=quang_nam.pk))
    client_drafter.post(url, organisation_post(short_name="", name="Sở Tài chính tỉnh Quảng Nam", admin_unit=quang_nam.pk))
    assert sorted(Organisation.objects.filter(code__startswith="quang-nam:so").values_list("code", flat=True)) == [
        "quang-nam:so-noi-vu",
        "quang-nam:so-noi-vu-2",
        "quang-nam:so-tai-chinh",
    ]


def test_form_error_keeps_typed_values(client_drafter):
    unit = AdministrativeUnitFactory(name="Tỉnh Quảng Nam", short_name="Quảng Nam", code="L-P49")
    OrganisationFactory(code="quang-nam:so-noi-vu")
    response = client_drafter.post(
        reverse("directory:organisation_create"),
        organisation_post(email="khong-phai-email", code="quang-nam:so-noi-vu", admin_unit=unit.pk, name="Sở Nội vụ mới"),
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Sở Nội vụ mới").exists()
    content = response.content.decode()
    text = page_text(content)
    assert "Chưa lưu được: vui lòng sửa các trường được đánh dấu màu đỏ." in text
    assert "Nhập địa chỉ thư điện tử hợp lệ, ví dụ: van-thu@example.gov.vn." in text
    assert "Mã này đã được dùng cho một cơ quan, đơn vị khác." in text
    for typed in ('value="Sở Nội vụ mới"', 'value="khong-phai-email"', 'value="0235 3852 444"', 'value="SỞ NỘI VỤ"'):
        assert typed in content
    assert f'<option value="{unit.pk}" selected>Tỉnh Quảng Nam (L-P49)</option>' in content
    assert '<option value="department" selected>' in content


def test_required_fields_are_named_in_vietnamese(client_drafter):
    response = client_drafter.post(reverse("directory:organisation_create"), organisation_post(name="", kind=""))
    text = page_text(response.content)
    assert text.count("Trường này là bắt buộc.") == 2


def test_edit_refuses_a_parent_loop(client_drafter):
    top = OrganisationFactory(name="Ủy ban nhân dân tỉnh")
    middle = OrganisationFactory(name="Sở Nội vụ", parent=top)
    url = reverse("directory:organisation_update", args=[top.pk])
    response = client_drafter.post(url, organisation_post(name=top.name, code=top.code, parent=middle.pk))
    assert "Một cơ quan, đơn vị không thể là cấp trên của chính nó hoặc của cơ quan cấp trên của nó." in page_text(
        response.content
    )
    top.refresh_from_db()
    assert top.parent is None
    response = client_drafter.post(url, organisation_post(name="UBND tỉnh (đổi tên)", code=top.code))
    top.refresh_from_db()
    assert response.status_code == 302 and top.name == "UBND tỉnh (đổi tên)" and top.search_text.startswith("ubnd tinh (doi ten)")


# Deleting ------------------------------------------------------------------------


def test_delete_needs_confirmation(client_drafter):
    organisation = OrganisationFactory(name="Ban Chỉ đạo cũ")
    url = reverse("directory:organisation_delete", args=[organisation.pk])
    page = page_text(client_drafter.get(url).content)
    assert "Xóa “Ban Chỉ đạo cũ” khỏi danh bạ? Thao tác này không thể hoàn tác." in page
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    response = client_drafter.post(url)
    assert response.status_code == 302 and not Organisation.objects.filter(pk=organisation.pk).exists()


def test_delete_is_refused_while_referenced(client_drafter):
    organisation = OrganisationFactory(name="Sở Nội vụ tỉnh Quảng Nam")
    PersonFactory(full_name="Trần Thị Hoa", organisation=organisation)
    OrganisationFactory(name="Phòng Cải cách hành chính", parent=organisation)
    plan = PlanFactory(issuing_body=organisation, subject="Hội nghị phân tích Chỉ số PAPI")
    url = reverse("directory:organisation_delete", args=[organisation.pk])
    for response in (client_drafter.get(url), client_drafter.post(url)):
        text = page_text(response.content)
        assert "Không thể xóa “Sở Nội vụ tỉnh Quảng Nam” vì vẫn đang được sử dụng tại:" in text
        assert "Cá nhân: Trần Thị Hoa" in text
        assert "Cơ quan, đơn vị: Phòng Cải cách hành chính" in text
        assert f"Kế hoạch: {plan}" in text
        assert "Đồng ý xóa" not in text
    assert response.status_code == 409
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_many_to_many_links_block_deletion_too(client_drafter):
    """A plan's participant line naming the organisation would lose it silently."""
    organisation = OrganisationFactory(name="Tỉnh ủy Quảng Nam")
    line = ParticipantGroupFactory(text="Kính mời Thường trực Tỉnh ủy dự, chỉ đạo;")
    line.organisations.add(organisation)
    response = client_drafter.post(reverse("directory:organisation_delete", args=[organisation.pk]))
    assert response.status_code == 409
    assert "Kính mời Thường trực Tỉnh ủy dự, chỉ đạo;" in page_text(response.content)
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert ParticipantGroup.objects.get(pk=line.pk).organisations.count() == 1


def test_person_delete(client_drafter):
    person = PersonFactory(full_name="Lê Văn Tám")
    signer = PersonFactory(full_name="Hồ Quang Bửu")
    PlanFactory(signer=signer)
    assert client_drafter.post(reverse("directory:person_delete", args=[signer.pk])).status_code == 409
    assert client_drafter.post(reverse("directory:person_delete", args=[person.pk])).status_code == 302
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Hồ Quang Bửu"]


# People ------------------------------------------------------------------------


def test_people_list_search_and_filter(client_drafter):
    snv = OrganisationFactory(name="Sở Nội vụ", short_name="Sở Nội vụ")
    ubnd = OrganisationFactory(name="Ủy ban nhân dân tỉnh")
    PersonFactory(full_name="Hồ Quang Bửu", title="Phó Chủ tịch", organisation=ubnd)
    PersonFactory(full_name="Nguyễn Thị An", title="Giám đốc", organisation=snv)
    PersonFactory(full_name="Trần Văn Đức", title="Phó Giám đốc", organisation=snv)
    url = reverse("directory:person_list")
    assert [r.split(" ")[0] for r in rows(client_drafter.get(url))] == ["Nguyễn", "Hồ", "Trần"]  # by given name: An, Bửu, Đức
    assert [r.split(" ")[0] for r in rows(client_drafter.get(url, {"organisation": snv.pk}))] == ["Nguyễn", "Trần"]
    assert [r.split(" ")[0] for r in rows(client_drafter.get(url, {"q": "pho giam doc"}))] == ["Trần"]
    assert [r.split(" ")[0] for r in rows(client_drafter.get(url, {"q": "buu"}))] == ["Hồ"]


def test_person_create_and_edit(client_drafter):
    organisation = OrganisationFactory(code="quang-nam:ubnd-tinh", name="Ủy ban nhân dân tỉnh Quảng Nam")
    form_page = client_drafter.get(reverse("directory:person_create"), {"organisation": organisation.pk}).content.decode()
    assert f'<option value="{organisation.pk}" selected>Ủy ban nhân dân tỉnh Quảng Nam</option>' in form_page
    data = {
        "full_name": "Hồ Quang Bửu",
        "title": "Phó Chủ tịch",
        "organisation": organisation.pk,
        "code": "",
        "email": "sai@",
        "phone": "0905 111 222",
    }
    response = client_drafter.post(reverse("directory:person_create"), data)
    assert response.status_code == 200 and 'value="0905 111 222"' in response.content.decode()
    response = client_drafter.post(reverse("directory:person_create"), {**data, "email": "buu@quangnam.gov.vn"})
    person = Person.objects.get()
    assert (person.code, person.email, person.phone) == ("quang-nam:ho-quang-buu", "buu@quangnam.gov.vn", "0905 111 222")
    response = client_drafter.post(
        reverse("directory:person_update", args=[person.pk]), {**data, "email": "", "code": person.code, "title": "Chủ tịch"}
    )
    person.refresh_from_db()
    assert response.status_code == 302 and (person.title, person.email) == ("Chủ tịch", "")


# Picker searches (the plan editor's contract) ------------------------------------


def test_organisation_search_contract(client_drafter):
    snv = OrganisationFactory(
        code="quang-nam:so-noi-vu", name="Sở Nội vụ tỉnh Quảng Nam", tier="province", email="snv@example.org"
    )
    OrganisationFactory(code="central:bo-noi-vu", name="Bộ Nội vụ", tier="central", kind="ministry")
    OrganisationFactory(code="old:so-noi-vu", name="Sở Nội vụ cũ", is_active=False)
    url = reverse("directory:organisation_search")
    assert url == "/danh-ba/to-chuc/tim/"
    data = client_drafter.get(url, {"q": "so noi vu", "tier": "province"}).json()
    assert data == {
        "results": [
            {
                "id": snv.pk,
                "code": "quang-nam:so-noi-vu",
                "name": "Sở Nội vụ tỉnh Quảng Nam",
                "tier": "province",
                "email": "snv@example.org",
            }
        ]
    }
    names = [r["name"] for r in client_drafter.get(url, {"q": "nội vụ"}).json()["results"]]
    assert names == ["Bộ Nội vụ", "Sở Nội vụ tỉnh Quảng Nam"]
    assert client_drafter.get(url, {"q": "x", "tier": "planet"}).status_code == 400


def test_organisation_search_returns_at_most_20_in_vietnamese_order(client_drafter):
    for name in [
        "Ủy ban",
        "Ban Dân vận",
        "Đài Phát thanh",
        "Ấp Bắc",
        "An Giang",
        "Dân tộc",
        "Âu Cơ",
        *[f"Zeta {n:02}" for n in range(20)],
    ]:
        OrganisationFactory(name=name)
    results = client_drafter.get(reverse("directory:organisation_search"), {"q": ""}).json()["results"]
    assert len(results) == 20
    assert [r["name"] for r in results[:7]] == [
        "An Giang",
        "Ấp Bắc",
        "Âu Cơ",
        "Ban Dân vận",
        "Dân tộc",
        "Đài Phát thanh",
        "Ủy ban",
    ]


def test_person_search_contract(client_drafter):
    organisation = OrganisationFactory(name="Ủy ban nhân dân tỉnh Quảng Nam")
    buu = PersonFactory(full_name="Hồ Quang Bửu", title="Phó Chủ tịch UBND tỉnh", organisation=organisation)
    PersonFactory(full_name="Nguyễn Văn Bửu", is_active=False)
    url = reverse("directory:person_search")
    assert url == "/danh-ba/nguoi/tim/"
    assert client_drafter.get(url, {"q": "ho quang buu"}).json() == {
        "results": [
            {
                "id": buu.pk,
                "name": "Hồ Quang Bửu",
                "title": "Phó Chủ tịch UBND tỉnh",
                "organisation": "Ủy ban nhân dân tỉnh Quảng Nam",
            }
        ]
    }
    assert [r["name"] for r in client_drafter.get(url, {"q": "buu"}).json()["results"]] == ["Hồ Quang Bửu"]


def test_unit_search_for_the_form_picker(client_drafter):
    quang_nam = AdministrativeUnitFactory(code="L-P49", name="Tỉnh Quảng Nam", short_name="Quảng Nam")
    AdministrativeUnitFactory(
        code="L-D502", name="Thành phố Tam Kỳ", short_name="Tam Kỳ", level=UnitLevel.DISTRICT, parent=quang_nam
    )
    results = client_drafter.get(reverse("directory:unit_search"), {"q": "tam ky"}).json()["results"]
    assert [(r["code"], r["label"]) for r in results] == [("L-D502", "Thành phố Tam Kỳ, Tỉnh Quảng Nam (L-D502)")]


# Administrative units list ---------------------------------------------------------


def test_unit_list_filters(client_drafter):
    old = AdministrativeUnitFactory(
        code="L-P49", name="Tỉnh Quảng Nam", short_name="Quảng Nam", valid_until=datetime.date(2025, 6, 30)
    )
    new = AdministrativeUnitFactory(
        code="N-P48",
        name="Thành phố Đà Nẵng",
        short_name="Đà Nẵng",
        period=UnitPeriod.FROM_2025,
        valid_from=datetime.date(2025, 7, 1),
    )
    old.successors.add(new)
    AdministrativeUnitFactory(code="L-D502", name="Thành phố Tam Kỳ", short_name="Tam Kỳ", level=UnitLevel.DISTRICT, parent=old)
    url = reverse("directory:unit_list")
    assert rows(client_drafter.get(url, {"period": "post_2025"})) == ["N-P48 Thành phố Đà Nẵng Tỉnh — từ 01/07/2025 —"]
    assert [r.split(" ")[0] for r in rows(client_drafter.get(url, {"level": "district"}))] == ["L-D502"]
    found = rows(client_drafter.get(url, {"q": "quang nam"}))
    assert found == ["L-P49 Tỉnh Quảng Nam Tỉnh — đến 30/06/2025 Thành phố Đà Nẵng"]
    assert rows(client_drafter.get(url, {"q": "tam ky"})) == ["L-D502 Thành phố Tam Kỳ Huyện Tỉnh Quảng Nam — —"]


# Search columns -----------------------------------------------------------------


def test_search_columns_are_filled_by_every_write():
    unit = AdministrativeUnitFactory(name="Tỉnh Quảng Nam", short_name="Quảng Nam", code="L-P49")
    assert unit.search_text == "tinh quang nam quang nam l-p49"
    bulk = Organisation.objects.bulk_create([Organisation(code="a:b", name="Đài Phát thanh", kind="press", tier="province")])
    assert Organisation.objects.get(pk=bulk[0].pk).search_text == "dai phat thanh a:b"
    bulk[0].name = "Đài Truyền hình"
    Organisation.objects.bulk_update(bulk, ["name"])
    assert Organisation.objects.get(pk=bulk[0].pk).search_text == "dai truyen hinh a:b"
    organisation = Organisation.objects.get(pk=bulk[0].pk)
    organisation.short_name = "Đài PTTH"
    organisation.save(update_fields=["short_name"])
    assert Organisation.objects.get(pk=organisation.pk).search_text == "dai truyen hinh dai ptth a:b"


def test_data_migration_fills_existing_rows():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("directory.migrations.0002_search_columns_person_phone")
    PersonFactory(full_name="Hồ Quang Bửu")
    Person.objects.update(search_text="", collation_key="")
    AdministrativeUnit.objects.update(search_text="")
    migration.fill_search_columns(apps, None)
    person = Person.objects.get()
    assert person.search_text.startswith("ho quang buu")
    assert (
        person.collation_key != ""
        and AdministrativeUnit.objects.exclude(search_text="").count() == AdministrativeUnit.objects.count()
    )


def test_unit_office_does_not_see_the_directory_link(client):
    client.force_login(UserFactory(role="unit_office"))
    assert "Danh bạ" not in page_text(client.get(reverse("conferences:plan_list")).content)
    client.force_login(UserFactory(role="reviewer"))
    assert "Danh bạ" in page_text(client.get(reverse("conferences:plan_list")).content)
