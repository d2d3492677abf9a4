"""Review, signature and issuance of plans."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

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
