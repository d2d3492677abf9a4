import factory

from conferences.models import (
    AgendaItem,
    BridgePoint,
    Conference,
    DistributionLine,
    ParticipantGroup,
    Plan,
    Section,
    Task,
    TaskGroup,
)
from directory.models import AdministrativeUnit, Organisation, Person, Role, UnitLevel, UnitPeriod, User


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"T-P{n}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    short_name = factory.Sequence(lambda n: f"Thử Nghiệm {n}")
    level = UnitLevel.PROVINCE
    period = UnitPeriod.BEFORE_2025


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"test:org-{n}")
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân tỉnh Thử Nghiệm {n}")
    kind = "people_committee"
    tier = "province"
    admin_unit = factory.SubFactory(AdministrativeUnitFactory)
    letterhead_parent = "ỦY BAN NHÂN DÂN"
    letterhead_name = "TỈNH THỬ NGHIỆM"
    symbol = "UBND"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    code = factory.Sequence(lambda n: f"test:person-{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    title = "Phó Chủ tịch Ủy ban nhân dân tỉnh"
    organisation = factory.SubFactory(OrganisationFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.DRAFTER
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    issuing_body = factory.SubFactory(OrganisationFactory)
    letterhead_parent = "ỦY BAN NHÂN DÂN"
    letterhead_name = "TỈNH THỬ NGHIỆM"
    place = "Thử Nghiệm"
    year = 2025
    month = 5
    subject = factory.Sequence(lambda n: f"Tổ chức Hội nghị phân tích Chỉ số PAPI số {n}")


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference

    plan = factory.SubFactory(PlanFactory)
    form = "hybrid"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    heading = factory.Sequence(lambda n: f"MỤC {n}")
    body = "- Nội dung."


class BridgePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BridgePoint

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"bp{n}")
    tier = "province"
    heading = "Điểm cầu tỉnh"


class ParticipantGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantGroup

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    tier = "province"
    text = factory.Sequence(lambda n: f"Đại diện đơn vị {n};")


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    content = factory.Sequence(lambda n: f"Nội dung chương trình {n}")
    performers = "Sở Nội vụ"


class TaskGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskGroup

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    heading = "Sở Nội vụ"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    group = factory.SubFactory(TaskGroupFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Chuẩn bị nội dung {n}.")


class DistributionLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistributionLine

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = "Lưu: VT."
