"""Plans (KẾ HOẠCH) and everything they contain.

A plan holds exactly what a seed plan holds: header, subject, legal bases,
preamble, a tree of numbered sections, the conference with its bridge points,
participant lines, the agenda, task groups with tasks, budget, closing,
distribution list and signature block. Texts are stored as written (NFC);
numbers of sections, subsections and agenda rows are computed from order.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation, Person, Tier


class PlanKind(models.TextChoices):
    CONFERENCE = "conference", _("Index-analysis conference plan")
    SUMMARY_CONFERENCE = "summary_conference", _("Summary conference plan")
    IMPROVEMENT = "improvement", _("Improvement plan")
    CONCLUSION = "conclusion", _("Conclusion notice")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved")
    SIGNED = "signed", _("Signed")
    ISSUED = "issued", _("Issued")


class SigningMode(models.TextChoices):
    NONE = "", _("(none)")
    KT = "KT", "KT."
    Q = "Q", "Q."
    TL = "TL", "TL."
    TUQ = "TUQ", "TUQ."


# Printed document type per type code (Decree 30/2020, Appendix III).
DOCUMENT_TYPE_NAMES = {"KH": "KẾ HOẠCH", "TB": "THÔNG BÁO"}


class IssuedPlanError(PermissionDenied):
    """An issued plan, its parts and its agenda never change (a correction is
    a new plan that replaces it). Raised by saves, deletes and queryset
    updates; the database refuses the same (workflow migration 0003)."""

    def __init__(self, message: str = "An issued plan cannot be changed; issue a correction that replaces it."):
        super().__init__(message)


class FrozenWhenIssuedQuerySet(models.QuerySet):
    """Refuses bulk changes of rows that belong to an issued plan
    (``plan_state_lookup`` leads from a row to its plan's state). New rows
    (``bulk_create``) of an issued plan are refused by the database trigger
    (PostgreSQL) and by ``save()``."""

    plan_state_lookup = "plan__state"

    def _refuse_if_issued(self) -> None:
        if self.filter(**{self.plan_state_lookup: PlanState.ISSUED}).exists():
            raise IssuedPlanError()

    def update(self, **kwargs):
        self._refuse_if_issued()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_issued()
        return super().delete()

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        self.filter(pk__in=[obj.pk for obj in objs])._refuse_if_issued()
        return super().bulk_update(objs, fields, *args, **kwargs)


class PlanQuerySet(FrozenWhenIssuedQuerySet):
    plan_state_lookup = "state"


class TaskQuerySet(FrozenWhenIssuedQuerySet):
    plan_state_lookup = "group__plan__state"


class FrozenWhenIssued(models.Model):
    """A part of a plan: saving or deleting it is refused once the plan is issued."""

    plan_path = ("plan",)

    objects = FrozenWhenIssuedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refuse_if_issued()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_issued()
        return super().delete(*args, **kwargs)

    def _plan_state(self) -> str | None:
        obj = self
        for name in self.plan_path:
            field = obj._meta.get_field(name)
            if field.is_cached(obj):
                obj = getattr(obj, name)
                continue
            pk = getattr(obj, field.attname)
            if pk is None:
                return None
            lookup = "__".join(self.plan_path[self.plan_path.index(name) + 1 :] + ("state",))
            return field.related_model.objects.filter(pk=pk).values_list(lookup, flat=True).first()
        return obj.state

    def refuse_if_issued(self) -> None:
        if self._plan_state() == PlanState.ISSUED:
            raise IssuedPlanError()


class Plan(models.Model):
    key = models.SlugField(
        _("import key"), max_length=60, unique=True, null=True, blank=True, help_text=_("Set for imported or demo plans.")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=PlanKind.choices, default=PlanKind.CONFERENCE)
    state = models.CharField(_("state"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT)

    # Header.
    issuing_body = models.ForeignKey(
        Organisation, verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="issued_plans"
    )
    letterhead_parent = models.CharField(_("letterhead: parent line"), max_length=120, blank=True)
    letterhead_name = models.CharField(_("letterhead: own line"), max_length=120)
    type_code = models.CharField(_("type code"), max_length=10, default="KH")
    symbol = models.CharField(_("issuing body symbol"), max_length=20, default="UBND")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, help_text=_("Assigned at issuance."))
    place = models.CharField(_("place"), max_length=100)
    issue_date = models.DateField(_("issue date"), null=True, blank=True, help_text=_("Assigned at issuance."))
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("Year of the document (of the register once issued)."))
    month = models.PositiveSmallIntegerField(
        _("expected month"), null=True, blank=True, help_text=_("Month printed in a draft's date line before issuance.")
    )

    subject = models.TextField(_("subject (trích yếu)"), help_text=_("Line breaks are kept when printed."))
    preamble = models.TextField(_("preamble"), blank=True)
    closing = models.TextField(_("closing paragraph"), blank=True)
    budget_source = models.TextField(_("budget source"), blank=True)

    participants_heading_marker = models.CharField(
        _("marker of participant group headings"),
        max_length=10,
        choices=[("number", "1. 2. 3."), ("star", "*")],
        default="number",
    )

    agenda_attached = models.BooleanField(_("agenda attached"), default=False)
    agenda_title = models.CharField(_("agenda title"), max_length=100, default="CHƯƠNG TRÌNH", blank=True)
    agenda_subject = models.TextField(_("agenda subject"), blank=True)

    # Signature block: “TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name”.
    sign_on_behalf_of = models.CharField(_("on behalf of (TM.)"), max_length=120, blank=True)
    sign_for_mode = models.CharField(_("signing mode"), max_length=4, choices=SigningMode.choices, blank=True)
    sign_for_title = models.CharField(_("signing for (title)"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    signer = models.ForeignKey(
        Person, verbose_name=_("signer"), null=True, blank=True, on_delete=models.PROTECT, related_name="signed_plans"
    )
    signer_name = models.CharField(_("signer's name as printed"), max_length=150, blank=True)

    drafting_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("drafting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafted_plans",
        help_text=_("The unit whose drafters edit the plan (usually the Department of Home Affairs)."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    concludes = models.ForeignKey(
        "self",
        verbose_name=_("concludes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conclusions",
        help_text=_("For a conclusion notice (THÔNG BÁO): the plan of the conference it concludes."),
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text=_("The issued plan this plan corrects and replaces."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "-created_at"]
        indexes = [models.Index(fields=["state", "year"]), models.Index(fields=["kind", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_body", "type_code", "year", "number"],
                condition=Q(number__isnull=False),
                name="plan_unique_number_per_body_type_year",
                violation_error_message=_("This number is already used by another document of this body, type and year."),
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(issue_date__isnull=False),
                name="plan_number_needs_issue_date",
                violation_error_message=_("A numbered document needs an issue date."),
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="plan_month_range",
                violation_error_message=_("The month must be between 1 and 12."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_one_line}"

    def save(self, *args, **kwargs):
        if getattr(self, "_loaded_state", None) == PlanState.ISSUED:
            raise IssuedPlanError()
        super().save(*args, **kwargs)
        self._loaded_state = self.state

    def delete(self, *args, **kwargs):
        if getattr(self, "_loaded_state", None) == PlanState.ISSUED:
            raise IssuedPlanError()
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        plan = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        plan._loaded_state = plan.__dict__.get("state")
        return plan

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded_state = self.__dict__.get("state")

    @property
    def subject_one_line(self) -> str:
        return " ".join(self.subject.split())

    @property
    def document_type_name(self) -> str:
        """The document type as printed above the subject: “KẾ HOẠCH”, “THÔNG BÁO”."""
        return DOCUMENT_TYPE_NAMES.get(self.type_code, DOCUMENT_TYPE_NAMES["KH"])

    @property
    def document_symbol(self) -> str:
        """“KH-UBND”."""
        return f"{self.type_code}-{self.symbol}" if self.symbol else self.type_code

    @property
    def number_display(self) -> str:
        """“05/KH-UBND” once issued; “…/KH-UBND” before."""
        if self.number is None:
            return f"/{self.document_symbol}"
        return f"{self.number:02d}/{self.document_symbol}"


class LegalBasis(FrozenWhenIssued):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="legal_bases")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="legal_basis_unique_order")]

    def __str__(self) -> str:
        return self.text[:80]


class SectionContent(models.TextChoices):
    NONE = "", _("Text only")
    PARTICIPANTS = "participants", _("Participants")
    TASKS = "tasks", _("Tasks")
    BUDGET = "budget", _("Budget source")


class Section(FrozenWhenIssued):
    """A numbered part of the plan (I, II…) or a subsection (1, 2…)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    order = models.PositiveSmallIntegerField(_("order"))
    heading = models.CharField(_("heading"), max_length=300)
    run_in = models.BooleanField(_("body starts on the heading line"), default=False)
    body = models.TextField(_("body"), blank=True)
    content = models.CharField(_("structured content"), max_length=20, choices=SectionContent.choices, blank=True, default="")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "parent_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], condition=Q(parent__isnull=True), name="section_unique_top_order"),
            models.UniqueConstraint(
                fields=["parent", "order"], condition=Q(parent__isnull=False), name="section_unique_child_order"
            ),
        ]

    def __str__(self) -> str:
        return self.heading


class ConferenceForm(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Conference(FrozenWhenIssued):
    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="conference")
    form = models.CharField(_("form"), max_length=20, choices=ConferenceForm.choices, default=ConferenceForm.IN_PERSON)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    date_from = models.DateField(_("from (date range)"), null=True, blank=True)
    date_to = models.DateField(_("to (date range)"), null=True, blank=True)
    time_text = models.CharField(_("time as written"), max_length=300, blank=True)
    chair = models.ForeignKey(
        Person, verbose_name=_("chair"), null=True, blank=True, on_delete=models.PROTECT, related_name="chaired_conferences"
    )
    chair_text = models.CharField(_("chair as written"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="conference_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(date_to__isnull=True) | Q(date_from__isnull=True) | Q(date_to__gte=F("date_from")),
                name="conference_range_end_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.plan)


class BridgeMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class BridgePoint(FrozenWhenIssued):
    """A place delegates attend from (điểm cầu): the provincial hall, a district room…"""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bridge_points")
    order = models.PositiveSmallIntegerField(_("order"))
    key = models.SlugField(_("key"), max_length=40)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    heading = models.CharField(_("heading as written"), max_length=300)
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("host unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_bridge_points",
    )
    host_text = models.CharField(_("host as written"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=BridgeMode.choices, default=BridgeMode.IN_PERSON)
    expected_delegates = models.PositiveIntegerField(_("expected delegates"), null=True, blank=True)
    per_unit = models.BooleanField(_("one point at each unit of the tier"), default=False)
    invited_by_lower_tier = models.BooleanField(_("invited by the lower tier"), default=False)

    class Meta:
        verbose_name = _("bridge point")
        verbose_name_plural = _("bridge points")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="bridge_point_unique_order"),
            models.UniqueConstraint(fields=["plan", "key"], name="bridge_point_unique_key"),
        ]

    def __str__(self) -> str:
        return self.heading


class ParticipantGroup(FrozenWhenIssued):
    """One participant line as written (“- Thường trực Tỉnh ủy;”)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="participant_groups")
    bridge_point = models.ForeignKey(
        BridgePoint,
        verbose_name=_("bridge point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="participant_groups",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    marker = models.CharField(_("marker"), max_length=4, blank=True, default="-")
    text = models.TextField(_("line as written"))
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations covered"), blank=True, related_name="participant_groups"
    )
    invited_by_lower_tier = models.BooleanField(_("invited by the lower tier"), default=False)
    is_chair = models.BooleanField(_("chairs the conference"), default=False)

    class Meta:
        verbose_name = _("participant group")
        verbose_name_plural = _("participant groups")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="participant_unique_order")]

    def __str__(self) -> str:
        return self.text[:80]


class AgendaKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    REPORT = "report", _("Report")
    CONTRIBUTION = "contribution", _("Contribution")
    BREAK = "break", _("Break")
    DISCUSSION = "discussion", _("Discussion")
    DIRECTION = "direction", _("Direction")
    CONCLUSION = "conclusion", _("Conclusion")
    CLOSING = "closing", _("Closing")
    OTHER = "other", _("Other")


class AgendaItem(FrozenWhenIssued):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="agenda_items")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    order = models.PositiveSmallIntegerField(_("order"))
    marker = models.CharField(_("marker"), max_length=4, blank=True)
    content = models.TextField(_("content"), blank=True)
    performers = models.TextField(_("performers as written"), blank=True, help_text=_("One performer per line."))
    performer_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("performing organisations"), blank=True, related_name="agenda_items"
    )
    performer_people = models.ManyToManyField(
        Person, verbose_name=_("performing people"), blank=True, related_name="agenda_items"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgendaKind.choices, default=AgendaKind.OTHER)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    speaking_limit_minutes = models.PositiveSmallIntegerField(_("speaking limit (minutes)"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["plan", "parent_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"],
                condition=Q(parent__isnull=True),
                name="agenda_unique_top_order",
                violation_error_message=_("Two agenda items cannot have the same order."),
            ),
            models.UniqueConstraint(
                fields=["parent", "order"],
                condition=Q(parent__isnull=False),
                name="agenda_unique_child_order",
                violation_error_message=_("Two sub-items of one item cannot have the same order."),
            ),
        ]

    def __str__(self) -> str:
        return (self.content or self.performers)[:80]


class TaskGroup(FrozenWhenIssued):
    """A numbered group of tasks for one unit or several (“1. Sở Nội vụ”)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    order = models.PositiveSmallIntegerField(_("order"))
    heading = models.CharField(_("heading"), max_length=400)
    run_in = models.BooleanField(_("text starts on the heading line"), default=False)
    intro = models.TextField(_("introduction"), blank=True)
    note = models.TextField(_("note after the tasks"), blank=True)
    assignees = models.ManyToManyField(Organisation, verbose_name=_("assigned units"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="task_group_unique_order")]

    def __str__(self) -> str:
        return self.heading


class TaskKind(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    CONTRIBUTION = "contribution", _("Contribution (tham luận)")
    ATTENDANCE = "attendance", _("Attendance")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


class Task(FrozenWhenIssued):
    plan_path = ("group", "plan")

    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("order"))
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    marker = models.CharField(_("marker"), max_length=4, blank=True, default="-")
    text = models.TextField(_("text"))
    assignees = models.ManyToManyField(Organisation, verbose_name=_("assigned units"), blank=True, related_name="assigned_tasks")
    coordinators = models.ManyToManyField(
        Organisation, verbose_name=_("coordinating units"), blank=True, related_name="coordinated_tasks"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices, default=TaskKind.PREPARATION)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["group", "order"]
        constraints = [models.UniqueConstraint(fields=["group", "order"], name="task_unique_order")]

    def __str__(self) -> str:
        return self.text[:80]


class DistributionLine(FrozenWhenIssued):
    """One line of “Nơi nhận:”, punctuation as written."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="distribution_lines")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("text"), max_length=400)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("distribution line")
        verbose_name_plural = _("distribution list (Nơi nhận)")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="distribution_unique_order")]

    def __str__(self) -> str:
        return self.text


class PlanActivity(models.Model):
    """One saved change of a plan: who changed which part, and what."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    version = models.PositiveIntegerField(_("version after the change"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=20)
    part = models.CharField(_("part"), max_length=30, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)

    class Meta:
        verbose_name = _("plan activity")
        verbose_name_plural = _("plan activities")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["plan", "version"])]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version} {self.action} {self.part}"

    def get_part_label(self) -> str:
        from .editing import PARTS

        part = PARTS.get(self.part)
        return str(part.label) if part else self.get_action_display()

    def get_action_display(self) -> str:
        return str(ACTIVITY_ACTIONS.get(self.action, self.action))


ACTIVITY_ACTIONS = {
    "create": _("created"),
    "clone": _("copied from an earlier plan"),
    "edit": _("edited"),
}
