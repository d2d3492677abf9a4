from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from indices.models import Component, Edition, Result

pytestmark = pytest.mark.django_db


def test_seed_002_figures_are_index_results(demo):
    par = Result.objects.select_related("edition__index", "admin_unit").get(
        edition__index__code="par-index", edition__year=2021, admin_unit__code="L-P49"
    )
    assert (par.total, par.rank, par.out_of, par.group, par.rank_change) == (Decimal("86.570"), 33, 63, "B", 9)
    sipas = Result.objects.get(edition__index__code="sipas", edition__year=2021, admin_unit__code="L-P49")
    assert (sipas.total, sipas.rank, sipas.out_of, sipas.total_change, sipas.rank_change) == (
        Decimal("84.240"),
        57,
        63,
        Decimal("3.640"),
        -4,
    )
    assert Component.objects.filter(edition__index__code="sipas", edition__year=2021).count() == 5
    papi = Edition.objects.get(index__code="papi", year=2020)
    assert list(papi.results.order_by("rank").values_list("admin_unit__short_name", "total")[:3]) == [
        ("Quảng Ninh", Decimal("48.881")),
        ("Đồng Tháp", Decimal("46.961")),
        ("Thái Nguyên", Decimal("46.471")),
    ]
    assert papi.components.count() == 8
    assert {c.max_score for c in papi.components.all()} == {Decimal("10.000")}


def test_result_constraints(demo):
    par = Result.objects.get(edition__index__code="par-index", edition__year=2021, admin_unit__code="L-P49")
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.create(edition=par.edition, admin_unit=par.admin_unit, total=Decimal("50"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.create(edition=par.edition, organisation=None, admin_unit=None, total=Decimal("50"))
    par.rank = 64
    with pytest.raises(IntegrityError), transaction.atomic():
        par.save(update_fields=["rank"])
