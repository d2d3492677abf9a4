"""Review, signature and issuance of plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conferences.models import Plan, PlanState
from directory.models import Organisation, Person


def signature_image_path(instance: SignatureImage, filename: str) -> str:
    return f"signatures/{instance.organisation_id}/{filename}"


class SignatureImage(models.Model):
    """An image drawn in the visible digital signature (Decree 30/2020,
    Appendix I): the organisation's seal (red) or a signer's signature (blue),
    PNG with a transparent ground."""

    class Kind(models.TextChoices):
        SEAL = "seal", _("Seal of the organisation")
        SIGNATURE = "signature", _("Signature of a signer")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="signature_images"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("signer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signature_images",
        help_text=_("For a signature image: whose signature it is."),
    )
    image = models.ImageField(_("image (PNG, transparent ground)"), upload_to=signature_image_path)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now=True)

    class Meta:
        verbose_name = _("signature or seal image")
        verbose_name_plural = _("signature and seal images")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(kind="seal"), name="signature_image_one_seal_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["organisation", "person"], condition=models.Q(kind="signature"), name="signature_image_one_per_signer"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="seal", person__isnull=True) | models.Q(kind="signature", person__isnull=False),
                name="signature_image_person_iff_signature",
                violation_error_message=_("A signature image names its signer; a seal image names nobody."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person or self.organisation}"

    def read(self) -> bytes:
        with self.image.open("rb") as file:
            return file.read()


class Action(models.TextChoices):
    """Transitions of a plan (each writes a :class:`Transition` row)."""

    SUBMIT = "submit", _("submitted for review")
    WITHDRAW = "withdraw", _("withdrew the submission")
    FORWARD = "forward", _("passed on to the next reviewer")
    RETURN = "return", _("returned with comments")
    REOPEN = "reopen", _("took back into drafting")
    APPROVE = "approve", _("approved")
    SIGN = "sign", _("signed")
    ISSUE = "issue", _("issued")


class ReviewStep(models.Model):
    """One reviewer of a plan's ordered review chain; the last one approves."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="review_steps")
    order = models.PositiveSmallIntegerField(_("order"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="review_steps"
    )

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review chain")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="review_step_unique_order"),
            models.UniqueConstraint(fields=["plan", "reviewer"], name="review_step_unique_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.reviewer}"


class Outcome(models.TextChoices):
    PENDING = "", _("under review")
    WITHDRAWN = "withdrawn", _("withdrawn")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


class SubmittedVersion(models.Model):
    """What the drafter submitted, frozen: the printed document as it was."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="submitted_versions")
    number = models.PositiveSmallIntegerField(_("submission"))
    plan_version = models.PositiveIntegerField(_("plan version"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("time of submission"), default=timezone.now)
    sections = models.JSONField(_("sections as printed"), default=list)
    current_step = models.ForeignKey(
        ReviewStep,
        verbose_name=_("with reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer_acted = models.BooleanField(_("a reviewer acted"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True, default="")

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="submitted_version_unique_number"),
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(outcome=""), name="submitted_version_one_pending_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.number}"


class Transition(models.Model):
    """Audit row: who moved the plan from which state to which, when, with what comment."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=PlanState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=PlanState.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    version = models.ForeignKey(
        SubmittedVersion,
        verbose_name=_("submitted version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transitions",
    )

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["plan", "at"])]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.from_state} → {self.to_state} ({self.action})"


class ReviewComment(models.Model):
    """A reviewer's comment on a submitted version, on the whole plan or on one section."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="review_comments")
    version = models.ForeignKey(
        SubmittedVersion, verbose_name=_("submitted version"), on_delete=models.CASCADE, related_name="comments"
    )
    section_key = models.CharField(_("section"), max_length=40, blank=True, help_text=_("Empty: the whole plan."))
    section_title = models.CharField(_("section title"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Notification(models.Model):
    """Something happened to a plan that the recipient must act on (or know)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="notifications")
    transition = models.ForeignKey(
        Transition, verbose_name=_("transition"), null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    action_needed = models.BooleanField(_("action needed"), default=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.transition}"


def issued_file_path(instance: IssuedDocument, filename: str) -> str:
    return f"issued/plan-{instance.plan_id}/{filename}"


class IssuedDocument(models.Model):
    """The issued, digitally signed PDF of a plan, exactly as stored at issuance."""

    plan = models.OneToOneField(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="issued_document")
    number_display = models.CharField(_("number"), max_length=40)
    issue_date = models.DateField(_("issue date"))
    title = models.CharField(_("document title"), max_length=600)
    file = models.FileField(_("signed PDF"), upload_to=issued_file_path, max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    signer_name = models.CharField(_("signer"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed in the app by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("time of signing"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("time of issuance"), default=timezone.now)
    certificate_subject = models.CharField(_("certificate"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.number_display} ({self.issue_date:%d/%m/%Y})"

    @property
    def download_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]

    def read(self) -> bytes:
        with self.file.open("rb") as file:
            return file.read()
