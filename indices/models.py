"""Governance indices: PAPI, PAR Index, SIPAS.

The structure of an index changes between years, so every edition (index +
year) has its own component tree. Results are per unit: a province in the
national ranking, or a department or district in a province's own ranking.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from directory.models import AdministrativeUnit, Organisation, UnitPeriod


class ScoreUnit(models.TextChoices):
    POINTS = "points", _("Points")
    PERCENT = "percent", _("Percent")


class Index(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    full_name = models.CharField(_("full name"), max_length=300, blank=True)
    score_unit = models.CharField(_("score unit"), max_length=10, choices=ScoreUnit.choices)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("index")
        verbose_name_plural = _("indices")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


LAST_YEAR_OF_OLD_UNITS = 2024


def threshold_group(grouping: dict, max_total: Decimal | None, total: Decimal | None) -> str:
    """The group of ``total`` when ``grouping`` sets thresholds (percentages
    of ``max_total``, highest first); "" otherwise."""
    if total is None or not max_total or grouping.get("method") != "thresholds":
        return ""
    percent = Decimal(total) * 100 / max_total
    for label, minimum in grouping.get("groups", []):
        if percent >= Decimal(str(minimum)):
            return label
    return ""


class EditionScope(models.TextChoices):
    NATIONAL = "national", _("National ranking of provinces")
    PROVINCIAL = "provincial", _("A province's own ranking of its departments and districts")


class Edition(models.Model):
    index = models.ForeignKey(Index, verbose_name=_("index"), on_delete=models.PROTECT, related_name="editions")
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("scope"), max_length=20, choices=EditionScope.choices, default=EditionScope.NATIONAL)
    owner_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province ranking its own units"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    max_total = models.DecimalField(_("maximum total"), max_digits=7, decimal_places=3, null=True, blank=True)
    source = models.CharField(_("source"), max_length=400, blank=True, help_text=_("Decision or report that published it."))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    grouping = models.JSONField(
        _("groups"),
        default=dict,
        blank=True,
        help_text=_(
            'How results are grouped: {"method": "thresholds", "groups": [["A", 90], ["B", 80]]} (lowest percentage of the '
            'maximum for each group, highest first), {"method": "quartiles", "groups": ["…", "…", "…", "…"]}, or empty.'
        ),
    )
    structure_is_sample = models.BooleanField(
        _("sample structure"),
        default=False,
        help_text=_("The components or their maximum points are sample values to be checked against the published methodology."),
    )

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["index", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["index", "year"], condition=Q(scope="national"), name="edition_unique_national_year"),
            models.UniqueConstraint(
                fields=["index", "year", "owner_unit"], condition=Q(scope="provincial"), name="edition_unique_provincial_year"
            ),
            models.CheckConstraint(
                condition=Q(scope="national", owner_unit__isnull=True) | Q(scope="provincial", owner_unit__isnull=False),
                name="edition_owner_matches_scope",
                violation_error_message=_("A province's own ranking needs its province; a national one must not have one."),
            ),
        ]

    def __str__(self) -> str:
        if self.owner_unit_id:
            return f"{self.index} {self.year} ({self.owner_unit})"
        return f"{self.index} {self.year}"

    @property
    def unit_period(self) -> str:
        """Results up to 2024 are for the 63 provinces before the 2025
        reorganisation; later ones for the 34 provinces after it."""
        return UnitPeriod.BEFORE_2025 if self.year <= LAST_YEAR_OF_OLD_UNITS else UnitPeriod.FROM_2025

    def group_for(self, total: Decimal | None) -> str:
        """The group of a total under threshold grouping ("" otherwise)."""
        return threshold_group(self.grouping, self.max_total, total)

    @property
    def group_labels(self) -> list[str]:
        groups = self.grouping.get("groups", [])
        return [group[0] if isinstance(group, list | tuple) else group for group in groups]


class ComponentLevel(models.TextChoices):
    DIMENSION = "dimension", _("Dimension / field")
    SUB_DIMENSION = "sub_dimension", _("Sub-dimension / criterion")
    INDICATOR = "indicator", _("Indicator / sub-criterion")


class Component(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="components")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 1, 1.2, 1.2.3"))
    name = models.CharField(_("name"), max_length=400)
    level = models.CharField(_("level"), max_length=20, choices=ComponentLevel.choices)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=3, null=True, blank=True)
    key = models.SlugField(
        _("field key"),
        max_length=60,
        blank=True,
        help_text=_("Stable across years (e.g. thu-tuc-hanh-chinh): links the component to last year's and to a department."),
    )

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["edition", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="component_unique_code"),
            models.CheckConstraint(condition=Q(max_score__isnull=True) | Q(max_score__gt=0), name="component_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Result(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="results")
    admin_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="index_results",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="index_results",
    )
    total = models.DecimalField(
        _("total"), max_digits=7, decimal_places=3, null=True, blank=True, help_text=_("Empty when only the rank was published.")
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    out_of = models.PositiveSmallIntegerField(_("out of"), null=True, blank=True)
    group = models.CharField(_("group"), max_length=20, blank=True)
    total_change = models.DecimalField(
        _("change of total on the previous year (as published)"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    rank_change = models.SmallIntegerField(
        _("places gained on the previous year (as published)"),
        null=True,
        blank=True,
        help_text=_("Negative when places were lost."),
    )
    is_sample = models.BooleanField(
        _("sample figures"), default=False, help_text=_("Made up for the demonstration, not published figures.")
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["edition", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(admin_unit__isnull=False, organisation__isnull=True)
                | Q(admin_unit__isnull=True, organisation__isnull=False),
                name="result_exactly_one_unit",
                violation_error_message=_("A result belongs to exactly one unit or organisation."),
            ),
            models.UniqueConstraint(fields=["edition", "admin_unit"], name="result_unique_admin_unit"),
            models.UniqueConstraint(fields=["edition", "organisation"], name="result_unique_organisation"),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1), name="result_rank_positive"),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(out_of__isnull=True) | Q(rank__lte=F("out_of")),
                name="result_rank_within_out_of",
                violation_error_message=_("The rank cannot exceed the number of units ranked."),
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="result_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.edition}: {self.unit_name} {self.total}"

    @property
    def unit_name(self) -> str:
        return str(self.admin_unit or self.organisation)


class ComponentScore(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="component_scores")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=3)
    is_sample = models.BooleanField(_("sample figure"), default=False)

    class Meta:
        verbose_name = _("component score")
        verbose_name_plural = _("component scores")
        constraints = [
            models.UniqueConstraint(fields=["result", "component"], name="component_score_unique"),
            models.CheckConstraint(condition=Q(score__gte=0), name="component_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.component.code}: {self.score}"


class FieldResponsibility(models.Model):
    """Which department of a province answers for a field of an index
    (e.g. PAR Index, administrative procedures → Office of the People's
    Committee): improvement plans assign the tasks of a weak component to it."""

    province = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("province"), on_delete=models.CASCADE, related_name="index_responsibilities"
    )
    index = models.ForeignKey(Index, verbose_name=_("index"), on_delete=models.CASCADE, related_name="responsibilities")
    field_key = models.SlugField(_("field key"), max_length=60)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="index_responsibilities"
    )

    class Meta:
        verbose_name = _("field responsibility")
        verbose_name_plural = _("field responsibilities")
        ordering = ["province", "index", "field_key"]
        constraints = [
            models.UniqueConstraint(fields=["province", "index", "field_key"], name="responsibility_unique_field"),
        ]

    def __str__(self) -> str:
        return f"{self.index} {self.field_key}: {self.organisation}"


class ImprovementTask(models.Model):
    """The index component a task of an improvement plan answers for."""

    task = models.OneToOneField("conferences.Task", on_delete=models.CASCADE, related_name="improvement")
    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.PROTECT, related_name="improvement_tasks")
    component = models.ForeignKey(
        Component, verbose_name=_("component"), on_delete=models.PROTECT, related_name="improvement_tasks"
    )
    lost_points = models.DecimalField(_("points lost"), max_digits=7, decimal_places=3)

    class Meta:
        verbose_name = _("improvement task")
        verbose_name_plural = _("improvement tasks")

    def __str__(self) -> str:
        return f"{self.component}: {self.lost_points}"


def progress_upload_path(instance, filename: str) -> str:
    return f"tien-do/{instance.period:%Y-%m}/{filename}"


class ProgressReport(models.Model):
    """A unit's monthly report on one task of an improvement plan."""

    task = models.ForeignKey("conferences.Task", on_delete=models.CASCADE, related_name="progress_reports")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    period = models.DateField(_("month"), help_text=_("First day of the month reported on."))
    text = models.TextField(_("what was done"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    attachment = models.FileField(_("attachment"), upload_to=progress_upload_path, blank=True, max_length=300)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["task", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["task", "organisation", "period"], name="progress_one_report_per_month"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.period:%m/%Y}: {self.percent}%"
