"""The register (sổ văn bản) of an issuing body: one counter per document
type and year. Numbers restart at 1 each 1 January (Decree 30/2020, art. 15)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation


class RegisterCounter(models.Model):
    issuing_body = models.ForeignKey(Organisation, verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="+")
    type_code = models.CharField(_("type code"), max_length=10, help_text=_("KH for plans, GM for invitations…"))
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number taken"), default=0)

    class Meta:
        verbose_name = _("register counter")
        verbose_name_plural = _("register counters")
        constraints = [
            models.UniqueConstraint(fields=["issuing_body", "type_code", "year"], name="register_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.issuing_body} {self.type_code} {self.year}: {self.last_number}"
