"""Render a plan (or its invitations) to a file, synchronously, without Celery.

python manage.py export_plan 12 --format pdf --out ke-hoach.pdf   # an issued plan: its signed PDF as stored
python manage.py export_plan 12 --format docx --out ke-hoach.docx
python manage.py export_plan 12 --invitations --format pdf --out giay-moi.zip
python manage.py export_plan 12 --recipient quang-nam:ubnd-tp-tam-ky --out giay-moi.pdf
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conferences.models import Plan
from conferences.selectors import plan_document_for_system
from documents import services
from documents.models import DocumentKind
from workflow.selectors import issued_pdf


class Command(BaseCommand):
    help = "Render a plan with its agenda (or its Giấy mời) as PDF/A or DOCX into a file."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", choices=["pdf", "docx"], default="pdf")
        parser.add_argument("--out", required=True, help="File to write.")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--invitations", action="store_true", help="Every recipient's Giấy mời, in a ZIP.")
        target.add_argument("--recipient", metavar="CODE", help="The Giấy mời of one recipient (organisation code).")

    def handle(self, *args, plan_id, format, out, invitations, recipient, **options):
        try:
            doc = plan_document_for_system(plan_id=plan_id)
        except Plan.DoesNotExist:
            raise CommandError(f"No plan with id {plan_id}.") from None
        if recipient:
            pairs = dict((r.key, d) for r, d in services.invitation_documents(doc))
            if recipient not in pairs:
                raise CommandError(f"{recipient!r} is not a recipient of this plan; recipients: {', '.join(pairs) or 'none'}.")
            data = services.render_one(pairs[recipient], format)
        elif invitations:
            pairs = services.invitation_documents(doc)
            if not pairs:
                raise CommandError("This plan has no conference recipients to invite.")
            data = services.invitations_zip(pairs, format)
        elif format == "pdf" and (issued := issued_pdf(plan_id)) is not None:
            data = issued[1]  # an issued plan: the signed file exactly as stored
        else:
            data = services.render_one(services.plan_official_document(doc), format)
        Path(out).write_bytes(data)
        kind = DocumentKind.INVITATIONS.label if invitations else "Giấy mời" if recipient else DocumentKind.PLAN.label
        self.stdout.write(self.style.SUCCESS(f"{kind}: {len(data):,} bytes written to {out}"))
