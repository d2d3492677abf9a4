"""One plan's complete record for archiving: data as JSON, every file, SHA-256 manifest.

python manage.py export_plan_record 12                         # ./plan-12-record-<date>.zip
python manage.py export_plan_record 12 --output /archive/       # /archive/plan-12-record-<date>.zip
python manage.py export_plan_record 12 --output ke-hoach-12.zip
python manage.py export_plan_record 12 --output ke-hoach-12/ --folder   # unpacked, same layout

What the record holds: documents/archive.py.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conferences.models import Plan
from documents import archive


class Command(BaseCommand):
    help = "Export one plan's complete record (data as JSON, every file, SHA-256 manifest) for archiving; a zip by default."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument(
            "--output",
            "-o",
            default=".",
            help="A .zip file, or a folder that receives plan-<id>-record-<date>.zip (default: the current folder).",
        )
        parser.add_argument("--folder", action="store_true", help="Write the record unpacked into the --output folder.")

    def handle(self, *args, plan_id, output, folder, **options):
        plan = Plan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"No plan with id {plan_id}.")
        contents, record = archive.build(plan)
        output = Path(output)
        if folder:
            if output.exists() and any(output.iterdir()):
                raise CommandError(f"{output} is not empty.")
            target = output
            archive.write_folder(contents, target)
        else:
            target = output if output.suffix.lower() == ".zip" else output / archive.default_name(plan)
            target.parent.mkdir(parents=True, exist_ok=True)
            archive.write_zip(contents, target)
        rows = sum(len(rows) for rows in record.objects.values())
        self.stdout.write(f"{target}: {rows} rows, {len(record.files)} files")
        if record.problems:
            raise CommandError(
                "The record was written but is incomplete or inconsistent:\n" + "\n".join(f"  {p}" for p in record.problems)
            )
