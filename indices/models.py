"""Governance indices: PAPI, PAR Index, SIPAS.

The structure of an index changes between years, so every edition (index +
year) has its own component tree. Results are per unit: a province in the
national ranking, or a department or district in a province's own ranking.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from directory.models import AdministrativeUnit, Organisation


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
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=3)
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

    class Meta:
        verbose_name = _("component score")
        verbose_name_plural = _("component scores")
        constraints = [
            models.UniqueConstraint(fields=["result", "component"], name="component_score_unique"),
            models.CheckConstraint(condition=Q(score__gte=0), name="component_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.component.code}: {self.score}"
