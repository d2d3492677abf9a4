"""Index pages: national table (sorting, change of rank, query counts), profile, comparison, structures,
responsibilities and the plan editor's sentence inserter."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conferences.models import PlanActivity, Section
from directory.models import AdministrativeUnit, User
from indices.models import Component, Edition, EditionScope, Index, Result
from tests.conftest import draft_copy, page_text
from tests.factories import AdministrativeUnitFactory, OrganisationFactory, PlanFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def national_edition(units: int, index_code: str) -> Edition:
    """An edition of ``units`` provinces with last year's results of the same provinces (in the other order)."""
    index = Index.objects.create(code=index_code, name=index_code.upper(), score_unit="percent")
    last_year = Edition.objects.create(index=index, year=2020, max_total=Decimal("100"))
    edition = Edition.objects.create(index=index, year=2021, max_total=Decimal("100"))
    for rank in range(1, units + 1):
        unit = AdministrativeUnitFactory()
        Result.objects.create(
            edition=edition, admin_unit=unit, total=Decimal(95) - rank / Decimal(10), rank=rank, out_of=units, group="B"
        )
        Result.objects.create(
            edition=last_year, admin_unit=unit, total=Decimal(80) + rank / Decimal(10), rank=units + 1 - rank, out_of=units
        )
    return edition


@pytest.mark.parametrize("sort", ["rank", "-total", "change", "name"])
def test_national_table_costs_the_same_for_10_and_63_units(client, django_assert_num_queries, sort):
    client.force_login(UserFactory(role="reviewer"))
    small, large = national_edition(10, "small"), national_edition(63, "large")
    counts = []
    for edition in (small, large):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("indices:edition_table", args=[edition.pk]) + f"?sort={sort}")
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == edition.results.count()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[1]):
        client.get(reverse("indices:edition_table", args=[large.pk]) + f"?sort={sort}")


def test_national_table_shows_change_of_rank_and_sorts(client, demo):
    client.force_login(User.objects.get(username="vanthu"))
    edition = Edition.objects.get(index__code="par-index", year=2021)
    response = client.get(reverse("indices:edition_table", args=[edition.pk]))
    rows = response.context["page"].object_list
    assert [row.result.rank for row in rows] == list(range(1, 64))
    quang_nam = next(row for row in rows if row.result.admin_unit.code == "L-P49")
    assert (quang_nam.previous_rank, quang_nam.rank_change) == (42, 9)
    text = page_text(response.content)
    assert "86,57" in text and "+9" in text
    assert response.context["summary"]["samples"] == 62  # every result but Quảng Nam's is sample data, and marked
    assert (
        text.count(str(response.context["summary"]["samples"])) >= 1
        and 'class="badge text-bg-warning sample-badge"' in response.content.decode()
    )
    by_change = client.get(reverse("indices:edition_table", args=[edition.pk]) + "?sort=change").context["page"].object_list
    changes = [row.rank_change for row in by_change]
    assert changes == sorted(changes, reverse=True)
    by_total = client.get(reverse("indices:edition_table", args=[edition.pk]) + "?sort=total").context["page"].object_list
    totals = [row.result.total for row in by_total]
    assert totals == sorted(totals, reverse=True)


def test_profile_of_todays_da_nang_shows_its_predecessors(client, demo):
    client.force_login(User.objects.get(username="soanthao"))
    quang_nam = AdministrativeUnit.objects.get(code="L-P49")
    da_nang = quang_nam.successors.get()
    response = client.get(reverse("indices:unit_profile", args=[da_nang.pk, "par-index"]))
    names = [history.unit.code for history in response.context["histories"] if history.points]
    assert "L-P49" in names and "L-P48" in names
    text = page_text(response.content)
    assert "Tỉnh Quảng Nam" in text and "86,57" in text


def test_profile_lists_lost_points_against_mean_and_best(client, demo):
    client.force_login(User.objects.get(username="lanhdao"))
    quang_nam = AdministrativeUnit.objects.get(code="L-P49")
    response = client.get(reverse("indices:unit_profile", args=[quang_nam.pk, "par-index"]) + "?nam=2021")
    assert response.context["result"].total == Decimal("86.57")
    fields = response.context["fields"]
    assert len(fields) == 8
    edition = response.context["result"].edition
    first = fields[0]
    all_scores = list(
        Result.objects.filter(edition=edition, component_scores__component=first.component).values_list(
            "component_scores__score", flat=True
        )
    )
    assert len(all_scores) == 63
    assert first.best == max(all_scores)
    assert abs(first.mean - sum(all_scores) / 63) < Decimal("0.001")
    assert response.context["weakest"][0].lost == max(row.lost for row in response.context["weakest"])
    assert "Chỉ số PAR Index năm 2021 của tỉnh Quảng Nam đạt 86,57 điểm" in page_text(response.content)


def test_compare_two_to_five_units(client, demo):
    client.force_login(User.objects.get(username="soanthao"))
    index = Index.objects.get(code="sipas")
    units = list(AdministrativeUnit.objects.filter(code__in=["L-P49", "L-P48", "L-P58"]).values_list("pk", flat=True))
    response = client.get(reverse("indices:compare"), {"index": index.pk, "year": 2021, "units": units})
    comparison = response.context["comparison"]
    assert len(comparison.results) == 3 and len(comparison.components) == 5
    one = client.get(reverse("indices:compare"), {"index": index.pk, "year": 2021, "units": units[:1]})
    assert one.context["comparison"] is None and "units" in one.context["form"].errors


def test_admin_creates_a_new_year_by_copying_the_structure(client, demo):
    client.force_login(User.objects.get(username="quantri"))
    index = Index.objects.get(code="par-index")
    response = client.post(reverse("indices:edition_create"), {"index": index.pk, "year": 2025, "source": ""})
    edition = Edition.objects.get(index=index, year=2025, scope=EditionScope.NATIONAL)
    assert response.status_code == 302
    old = Edition.objects.get(index=index, year=2024)
    copied = list(edition.components.order_by("code").values_list("code", "name", "max_score", "key", "parent__code"))
    assert copied == list(old.components.order_by("code").values_list("code", "name", "max_score", "key", "parent__code"))
    assert edition.max_total == old.max_total and edition.grouping == old.grouping and edition.unit_period == "post_2025"
    # Edit: add a sub-criterion under 3.2 and change a maximum.
    components = list(edition.components.order_by("code"))
    data = {"components-TOTAL_FORMS": len(components) + 1, "components-INITIAL_FORMS": len(components)}
    for i, c in enumerate(components):
        data.update(
            {
                f"components-{i}-id": c.pk,
                f"components-{i}-code": c.code,
                f"components-{i}-name": c.name,
                f"components-{i}-max_score": c.max_score or "",
                f"components-{i}-key": c.key,
            }
        )
    n = len(components)
    data.update(
        {f"components-{n}-code": "3.2.3", f"components-{n}-name": "Công khai trên Cổng", f"components-{n}-max_score": "0.5"}
    )
    assert client.post(reverse("indices:edition_structure", args=[edition.pk]), data).status_code == 302
    added = Component.objects.get(edition=edition, code="3.2.3")
    assert added.parent.code == "3.2" and added.level == "indicator"


def test_papi_had_six_dimensions_until_2017_and_eight_since(demo):
    assert Edition.objects.get(index__code="papi", year=2017).components.count() == 6
    assert Edition.objects.get(index__code="papi", year=2020).components.count() == 8
    assert Edition.objects.get(index__code="papi", year=2017).max_total == Decimal("60")


def test_responsibilities_are_editable_by_a_drafter(client, demo):
    client.force_login(User.objects.get(username="soanthao"))
    quang_nam = AdministrativeUnit.objects.get(code="L-P49")
    url = reverse("indices:responsibilities", args=[quang_nam.pk])
    form = client.get(url).context["form"]
    data = {name: (field.initial.pk if field.initial else "") for name, field in form.fields.items()}
    justice = form.fields["par-index__thu-tuc-hanh-chinh"].queryset.get(code="quang-nam:so-tu-phap")
    data["par-index__thu-tuc-hanh-chinh"] = justice.pk
    assert client.post(url, data).status_code == 302
    assert quang_nam.index_responsibilities.get(index__code="par-index", field_key="thu-tuc-hanh-chinh").organisation == justice


def test_insert_sentences_into_a_section(client, demo):
    drafter = User.objects.get(username="soanthao")
    plan = draft_copy("seed-002")  # the demo issued seed 002 itself
    plan.drafting_unit = drafter.organisation
    plan.save()
    section = Section.objects.filter(plan=plan, parent=None).order_by("order").first()
    client.force_login(drafter)
    editor = client.get(reverse("conferences:plan_edit", args=[plan.pk, "noi-dung"]))
    assert reverse("indices:insert_sentences", args=[plan.pk]) in editor.content.decode()
    data = {
        "insert-section": section.pk,
        "insert-index": "all",
        "insert-year": 2021,
        "insert-unit": AdministrativeUnit.objects.get(code="L-P49").pk,
        "insert-version": plan.version,
    }
    response = client.post(reverse("indices:insert_sentences", args=[plan.pk]), data)
    assert response.status_code == 302
    section.refresh_from_db()
    last = section.body.split("\n")[-1]
    assert last == (  # a new paragraph: every index with a 2021 result (no PAPI 2021 is loaded)
        "Chỉ số PAR Index năm 2021 của tỉnh Quảng Nam đạt 86,57 điểm, xếp hạng 33/63 tỉnh, thành phố trực thuộc Trung ương, "
        "xếp vào nhóm B (tăng 9 bậc so với năm 2020). Chỉ số SIPAS năm 2021 của tỉnh Quảng Nam đạt 84,24 điểm, xếp hạng 57/63 "
        "tỉnh, thành phố trực thuộc Trung ương (tăng 3,64 điểm và giảm 4 bậc so với năm 2020)."
    )
    plan.refresh_from_db()
    assert PlanActivity.objects.filter(plan=plan, version=plan.version, part="noi-dung").exists()
    # A stale version is refused and changes nothing.
    body = section.body
    data["insert-version"] = plan.version - 1
    client.post(reverse("indices:insert_sentences", args=[plan.pk]), data)
    section.refresh_from_db()
    assert section.body == body


def test_another_drafter_may_not_insert(client, demo):
    plan = PlanFactory()
    section = SectionFactory(plan=plan)
    client.force_login(UserFactory(role="drafter", organisation=OrganisationFactory()))
    response = client.post(reverse("indices:insert_sentences", args=[plan.pk]), {"insert-section": section.pk})
    assert response.status_code == 403
