from django.core.management.base import BaseCommand, CommandError

from indices.sentences import NotFound, describe_unit


class Command(BaseCommand):
    help = "Print the Vietnamese sentence stating a unit's index result (score, rank, group, change on the year before)."

    def add_arguments(self, parser):
        parser.add_argument("--index", required=True, help="PAPI, PAR, SIPAS (code or name, a prefix is enough).")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--unit", required=True, help="Province name or code, e.g. “Quảng Nam” or L-P49.")

    def handle(self, *args, index: str, year: int, unit: str, **options):
        try:
            self.stdout.write(describe_unit(index=index, year=year, unit=unit))
        except NotFound as error:
            raise CommandError(str(error)) from None
