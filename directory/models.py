"""Administrative units, organisations, people and users.

Administrative units carry the period they are valid for: the 2025
reorganisation (1 July 2025) abolished the district tier and merged
provinces, and plans or index results from before that date keep pointing at
the old units.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .text import collation_key, fold, vietnamese_sort_key

REFORM_DATE = datetime.date(2025, 7, 1)

code_validator = RegexValidator(r"^[a-z0-9][a-z0-9:-]*$", _("Use lower-case letters without accents, digits, “-” and “:”."))


class SearchableQuerySet(models.QuerySet):
    """Fills the search columns in bulk writes too (``save()`` fills them
    for single rows). ``QuerySet.update()`` does not: save the rows instead."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.refresh_search_fields()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.refresh_search_fields()
        return super().bulk_update(objs, [*dict.fromkeys([*fields, *Searchable.SEARCH_FIELDS])], *args, **kwargs)


class Searchable(models.Model):
    """Two derived columns: ``search_text`` (accent-insensitive, see
    :func:`directory.text.fold`) and ``collation_key`` (Vietnamese
    alphabetical order in any database, see :func:`directory.text.collation_key`)."""

    SEARCH_FIELDS = ("search_text", "collation_key")

    search_text = models.TextField(editable=False, default="")
    collation_key = models.TextField(editable=False, default="")

    objects = SearchableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.SEARCH_FIELDS}
        super().save(*args, **kwargs)

    def search_sources(self) -> list[str]:
        raise NotImplementedError

    def collation_source(self) -> tuple[str, bool]:
        """The text to sort by and whether to sort by given name."""
        raise NotImplementedError

    def refresh_search_fields(self) -> None:
        self.search_text = " ".join(fold(text) for text in self.search_sources() if text)
        text, by_given_name = self.collation_source()
        self.collation_key = collation_key(text, by_given_name=by_given_name)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class UnitPeriod(models.TextChoices):
    BEFORE_2025 = "pre_2025", _("Before 1 July 2025 (three tiers)")
    FROM_2025 = "post_2025", _("From 1 July 2025 (two tiers)")


class AdministrativeUnit(Searchable):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200, help_text=_("Full name, e.g. “Tỉnh Quảng Nam”."))
    short_name = models.CharField(_("short name"), max_length=150, help_text=_("Without the type, e.g. “Quảng Nam”."))
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    division_type = models.CharField(_("type"), max_length=40, blank=True, help_text=_("tỉnh, huyện, thị xã, xã, phường…"))
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    period = models.CharField(_("period"), max_length=10, choices=UnitPeriod.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Last day of validity."))
    successors = models.ManyToManyField(
        "self", verbose_name=_("successor units"), symmetrical=False, blank=True, related_name="predecessors"
    )

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        indexes = [models.Index(fields=["level", "period"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_from__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="unit_valid_until_after_from",
                violation_error_message=_("The end of validity cannot be before its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def search_sources(self) -> list[str]:
        return [self.name, self.short_name, self.code]

    def collation_source(self) -> tuple[str, bool]:
        return self.short_name or self.name, False

    @property
    def province(self) -> AdministrativeUnit:
        """The province this unit belongs to (itself for a province); walks
        the loaded parents, so select_related them for lists."""
        unit = self
        while unit.level != UnitLevel.PROVINCE and unit.parent_id is not None:
            unit = unit.parent
        return unit

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or day <= self.valid_until)


class OrganisationKind(models.TextChoices):
    PEOPLE_COMMITTEE = "people_committee", _("People's Committee")
    PEOPLE_COUNCIL = "people_council", _("People's Council")
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    PARTY_BOARD = "party_board", _("Party board or office")
    NA_DELEGATION = "na_delegation", _("National Assembly delegation")
    FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front")
    SOCIO_POLITICAL = "socio_political", _("Socio-political organisation")
    DEPARTMENT = "department", _("Department")
    OFFICE = "office", _("Office of the People's Committee")
    VERTICAL_AGENCY = "vertical_agency", _("Vertical agency")
    ENTERPRISE = "enterprise", _("Enterprise (telecoms, post)")
    PRESS = "press", _("Press")
    MINISTRY = "ministry", _("Ministry or central body")
    INTERNATIONAL = "international", _("International organisation")
    STEERING_COMMITTEE = "steering_committee", _("Steering committee")
    SERVICE_CENTER = "service_center", _("Public service centre")
    UNIT = "unit", _("Division or unit")
    OTHER = "other", _("Other")


class Tier(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Organisation(Searchable):
    code = models.CharField(_("code"), max_length=120, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    admin_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    letterhead_parent = models.CharField(
        _("letterhead: parent line"), max_length=120, blank=True, help_text=_("e.g. “ỦY BAN NHÂN DÂN” or “UBND TỈNH QUẢNG NAM”.")
    )
    letterhead_name = models.CharField(
        _("letterhead: own line"), max_length=120, blank=True, help_text=_("e.g. “TỈNH QUẢNG NAM” or “SỞ NỘI VỤ”.")
    )
    symbol = models.CharField(_("document symbol"), max_length=20, blank=True, help_text=_("e.g. UBND, SNV."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["tier", "name"]
        indexes = [models.Index(fields=["tier", "kind"])]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="organisation_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def search_sources(self) -> list[str]:
        return [self.name, self.short_name, self.code, self.symbol, self.email]

    def collation_source(self) -> tuple[str, bool]:
        return self.name, False


class Person(Searchable):
    code = models.CharField(_("code"), max_length=120, unique=True, validators=[code_validator])
    full_name = models.CharField(_("full name"), max_length=150)
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("e.g. Phó Chủ tịch UBND tỉnh."))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="people"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.title})" if self.title else self.full_name

    @property
    def sort_key(self) -> tuple:
        """Official lists sort by given name (last word), then full name."""
        return vietnamese_sort_key(self.full_name, by_given_name=True)

    def search_sources(self) -> list[str]:
        return [self.full_name, self.title, self.code, self.email, self.phone]

    def collation_source(self) -> tuple[str, bool]:
        return self.full_name, True


class Role(models.TextChoices):
    DRAFTER = "drafter", _("Drafter (Department of Home Affairs)")
    REVIEWER = "reviewer", _("Reviewer / leader")
    CLERK = "clerk", _("Clerk / organiser")
    UNIT_OFFICE = "unit_office", _("Unit office")
    ADMIN = "admin", _("Administrator")


# Who may use the directory pages (superusers may do everything).
DIRECTORY_VIEW_ROLES = frozenset({Role.DRAFTER, Role.REVIEWER, Role.CLERK, Role.ADMIN})
DIRECTORY_EDIT_ROLES = frozenset({Role.DRAFTER, Role.CLERK, Role.ADMIN})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DRAFTER)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    person = models.OneToOneField(
        Person,
        verbose_name=_("person in the directory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        help_text=_("For leaders who review and sign."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def can_view_directory(self) -> bool:
        return self.is_active and (self.is_superuser or self.role in DIRECTORY_VIEW_ROLES)

    @property
    def can_edit_directory(self) -> bool:
        return self.is_active and (self.is_superuser or self.role in DIRECTORY_EDIT_ROLES)
