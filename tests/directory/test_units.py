import datetime

import pytest
from django.core.management import call_command

from directory.models import AdministrativeUnit, UnitLevel, UnitPeriod
from directory.services import units_load

pytestmark = pytest.mark.django_db


def test_units_before_and_after_the_2025_reform():
    created = units_load(commune_provinces=[49])
    assert created > 0
    quang_nam = AdministrativeUnit.objects.get(code="L-P49")
    assert (quang_nam.name, quang_nam.short_name, quang_nam.period) == ("Tỉnh Quảng Nam", "Quảng Nam", UnitPeriod.BEFORE_2025)
    assert quang_nam.valid_until.isoformat() == "2025-06-30"
    # Quảng Nam merged into Đà Nẵng on 1 July 2025.
    assert [u.short_name for u in quang_nam.successors.all()] == ["Đà Nẵng"]
    da_nang = AdministrativeUnit.objects.get(code="N-P48")
    assert da_nang.period == UnitPeriod.FROM_2025 and da_nang.valid_from.isoformat() == "2025-07-01"
    assert {u.short_name for u in da_nang.predecessors.all()} == {"Quảng Nam", "Đà Nẵng"}

    assert AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, period=UnitPeriod.BEFORE_2025).count() == 63
    assert AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, period=UnitPeriod.FROM_2025).count() == 34
    tam_ky = AdministrativeUnit.objects.get(code="L-D502")
    assert (tam_ky.name, tam_ky.level, tam_ky.parent) == ("Thành phố Tam Kỳ", UnitLevel.DISTRICT, quang_nam)
    # After the reform communes hang directly under the province: two tiers.
    new_ward = AdministrativeUnit.objects.filter(code__startswith="N-W", parent=da_nang).first()
    assert new_ward is not None and new_ward.level == UnitLevel.COMMUNE
    assert not AdministrativeUnit.objects.filter(level=UnitLevel.DISTRICT, period=UnitPeriod.FROM_2025).exists()
    # Communes only for the requested province.
    assert not AdministrativeUnit.objects.filter(code__startswith="L-W", parent__parent__code="L-P58").exists()


def test_units_load_is_idempotent():
    units_load(commune_provinces=[58])
    count = AdministrativeUnit.objects.count()
    assert units_load(commune_provinces=[58]) == 0
    assert AdministrativeUnit.objects.count() == count


def test_load_units_command(capsys):
    call_command("load_units", "--communes", "87")
    assert "administrative units created" in capsys.readouterr().out
    assert AdministrativeUnit.objects.filter(code__startswith="L-W", parent__parent__code="L-P87").count() > 100


def test_communes_and_districts_link_to_their_successors():
    units_load(commune_provinces=[49])
    tan_thanh = AdministrativeUnit.objects.get(code="L-W20335")
    assert (tan_thanh.name, tan_thanh.parent.code, tan_thanh.valid_until.isoformat()) == (
        "Phường Tân Thạnh",
        "L-D502",
        "2025-06-30",
    )
    assert [(u.code, u.name, u.valid_from.isoformat()) for u in tan_thanh.successors.all()] == [
        ("N-W20335", "Phường Bàn Thạch", "2025-07-01")
    ]
    # Tam Kỳ (a district, a tier that no longer exists) → the new wards of its old wards.
    tam_ky = AdministrativeUnit.objects.get(code="L-D502")
    assert sorted(u.name for u in tam_ky.successors.all()) == [
        "Phường Bàn Thạch",
        "Phường Hương Trà",
        "Phường Quảng Phú",
        "Phường Tam Kỳ",
    ]
    assert {u.parent.code for u in tam_ky.successors.all()} == {"N-P48"}
    old_communes = AdministrativeUnit.objects.filter(code__startswith="L-W", parent__parent__code="L-P49")
    assert old_communes.count() > 200
    # Only Xã Quế Phước, absent from the package's 2025 conversion table, has no successor.
    assert list(old_communes.filter(successors__isnull=True).values_list("code", flat=True)) == ["L-W20674"]


def test_load_every_unit():
    call_command("load_units")
    counts = {
        (period, level): AdministrativeUnit.objects.filter(period=period, level=level).count()
        for period in UnitPeriod.values
        for level in UnitLevel.values
    }
    assert counts == {
        (UnitPeriod.BEFORE_2025, UnitLevel.PROVINCE): 63,
        (UnitPeriod.BEFORE_2025, UnitLevel.DISTRICT): 696,
        (UnitPeriod.BEFORE_2025, UnitLevel.COMMUNE): 10051,
        (UnitPeriod.FROM_2025, UnitLevel.PROVINCE): 34,
        (UnitPeriod.FROM_2025, UnitLevel.DISTRICT): 0,
        (UnitPeriod.FROM_2025, UnitLevel.COMMUNE): 3321,
    }
    old = AdministrativeUnit.objects.filter(period=UnitPeriod.BEFORE_2025)
    new = AdministrativeUnit.objects.filter(period=UnitPeriod.FROM_2025)
    assert set(old.values_list("valid_from", "valid_until").distinct()) == {(None, datetime.date(2025, 6, 30))}
    assert set(new.values_list("valid_from", "valid_until").distinct()) == {(datetime.date(2025, 7, 1), None)}
    # Two tiers after the reform: every new commune hangs under a new province.
    assert (
        not new.filter(level=UnitLevel.COMMUNE)
        .exclude(parent__level=UnitLevel.PROVINCE, parent__period=UnitPeriod.FROM_2025)
        .exists()
    )
    # Successors always point from the old period to the new one; only a few dissolved communes have none.
    assert not old.filter(successors__period=UnitPeriod.BEFORE_2025).exists()
    assert old.filter(level=UnitLevel.COMMUNE, successors__isnull=True).count() < 50
    assert not old.filter(level=UnitLevel.PROVINCE, successors__isnull=True).exists()
    # Searchable without accents.
    assert list(
        AdministrativeUnit.objects.filter(search_text__contains="tam ky", level=UnitLevel.DISTRICT).values_list("code", flat=True)
    ) == ["L-D502"]
