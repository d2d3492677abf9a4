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
