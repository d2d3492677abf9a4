"""Reading and checking directory imports (organisations, people) from CSV
or XLSX files.

Pure functions: nothing here reads or writes the database. The caller passes
what exists (``existing`` rows keyed on code, the codes a file may refer to)
and gets back an :class:`ImportPlan` saying, row by row, what would be
created, updated or left unchanged, or every error found. A plan with errors
must import nothing (``services.organisations_import`` / ``people_import``).

File format: the first row names the columns (the ``key`` of each
:class:`Column`); every other non-empty row is one organisation or person.
An optional column that is absent leaves that field as it is; a column that
is present but empty clears it.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Organisation, OrganisationKind, Person, Tier
from .text import fold, nfc

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX file is a zip: refuse archives that would expand beyond this.
MAX_XLSX_EXPANDED_BYTES = 60 * 1024 * 1024
XLSX_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

TRUE_WORDS = {"1", "true", "yes", "x", "co", "dang hoat dong", "active"}
FALSE_WORDS = {"0", "false", "no", "khong", "ngung hoat dong", "inactive"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (type, size, encoding, columns)."""


@dataclass(frozen=True)
class Column:
    key: str
    model_field: str
    required: bool = False
    help: str = ""
    title: str = ""  # shown instead of the model field's name (columns that are no model field)

    def label(self, model) -> str:
        if self.title:
            return str(self.title)
        return str(model._meta.get_field(self.model_field).verbose_name)


ORGANISATION_COLUMNS = (
    Column("code", "code", True, gettext_lazy("Unique key, e.g. quang-nam:so-noi-vu. A row with an existing code updates it.")),
    Column("name", "name", True, gettext_lazy("Full name, e.g. Sở Nội vụ tỉnh Quảng Nam.")),
    Column("short_name", "short_name"),
    Column("kind", "kind", True, gettext_lazy("One of the kind codes or names listed below.")),
    Column("tier", "tier", True, gettext_lazy("central, province, district or commune (or their names).")),
    Column("admin_unit", "admin_unit", False, gettext_lazy("Code of an administrative unit, e.g. L-P49 (see the list).")),
    Column("parent", "parent", False, gettext_lazy("Code of the parent organisation, in the directory or in this file.")),
    Column("email", "email"),
    Column("phone", "phone"),
    Column("letterhead_parent", "letterhead_parent"),
    Column("letterhead_name", "letterhead_name"),
    Column("symbol", "symbol"),
    Column("is_active", "is_active", False, gettext_lazy("1 or empty: active; 0: no longer active.")),
)

PERSON_COLUMNS = (
    Column(
        "code", "code", True, gettext_lazy("Unique key, e.g. quang-nam:ho-quang-buu. A row with an existing code updates it.")
    ),
    Column("full_name", "full_name", True),
    Column("title", "title"),
    Column("organisation", "organisation", True, gettext_lazy("Code of an organisation already in the directory.")),
    Column("email", "email"),
    Column("phone", "phone"),
    Column("is_active", "is_active", False, gettext_lazy("1 or empty: active; 0: no longer active.")),
)


@dataclass
class Table:
    """The cells of a file as text, by column key, with the row number a
    spreadsheet shows (the header is row 1)."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    ignored_columns: list[str] = field(default_factory=list)

    def to_data(self) -> dict:
        """A compact JSON-serialisable form (kept in the session between preview and confirm)."""
        return {
            "columns": self.columns,
            "rows": [[number, [values.get(key, "") for key in self.columns]] for number, values in self.rows],
            "ignored": self.ignored_columns,
        }

    @classmethod
    def from_data(cls, data: Mapping) -> Table:
        columns = list(data["columns"])
        return cls(
            columns=columns,
            rows=[(int(number), dict(zip(columns, cells, strict=True))) for number, cells in data["rows"]],
            ignored_columns=list(data.get("ignored", [])),
        )

    def values(self, key: str) -> set[str]:
        return {values[key] for _, values in self.rows if values.get(key)}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class RowChange:
    row: int
    code: str
    name: str
    action: str
    values: dict
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (column, before, after)


@dataclass
class ImportPlan:
    changes: list[RowChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def has_changes(self) -> bool:
        return any(change.action != UNCHANGED for change in self.changes)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))


def counts(plan: ImportPlan) -> dict[str, int]:
    """Rows to create, update and leave unchanged (for the preview)."""
    return {action: plan.count(action) for action in (CREATE, UPDATE, UNCHANGED)}


# Reading files ---------------------------------------------------------------


def read_table(data: bytes, columns: Iterable[Column]) -> Table:
    """Read a CSV (UTF-8, with or without BOM, comma or semicolon) or XLSX
    file, recognised by its content, not its name."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)})
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        grid = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old Excel files (.xls) are not supported: save the file as .xlsx or CSV (UTF-8)."))
    else:
        grid = _csv_rows(data)
    return _table(grid, list(columns))


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    if b"\x00" in data:
        raise ImportFileError(_("The file is neither a CSV text file nor an XLSX workbook."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file is not encoded in UTF-8: save it as “CSV UTF-8”.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None
    return [(number, record) for number, record in enumerate(records, start=1)]


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    not_xlsx = _("The file is neither a CSV text file nor an XLSX workbook.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ImportFileError(not_xlsx) from None
    if not all(part in names for part in XLSX_REQUIRED_PARTS):
        raise ImportFileError(not_xlsx)
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise ImportFileError(_("The workbook is too large once uncompressed."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(max_row=MAX_ROWS + 2, values_only=True), start=1)
        ]
        workbook.close()
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportFileError(_("The XLSX workbook is damaged or cannot be read.")) from None
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _table(grid: list[tuple[int, list[str]]], columns: list[Column]) -> Table:
    grid = [(number, [nfc(cell).strip() for cell in cells]) for number, cells in grid]
    grid = [(number, cells) for number, cells in grid if any(cells)]
    if not grid:
        raise ImportFileError(_("The file is empty."))
    header_number, header = grid[0]
    keys = [cell.lower() for cell in header]
    known = {column.key for column in columns}
    duplicated = sorted({key for key in keys if key and keys.count(key) > 1})
    if duplicated:
        raise ImportFileError(_("Column repeated in the header: %(columns)s.") % {"columns": ", ".join(duplicated)})
    missing = [column.key for column in columns if column.required and column.key not in keys]
    if missing:
        raise ImportFileError(
            _("Required column missing: %(columns)s. The first row must name the columns, as in the template.")
            % {"columns": ", ".join(missing)}
        )
    rows = [
        (number, {key: (cells[index] if index < len(cells) else "") for index, key in enumerate(keys) if key in known})
        for number, cells in grid[1:]
    ]
    if not rows:
        raise ImportFileError(_("The file has a header but no data rows."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(limit)s rows: split it.") % {"limit": MAX_ROWS})
    present = [column.key for column in columns if column.key in keys]
    return Table(columns=present, rows=rows, ignored_columns=[key for key in keys if key and key not in known])


# Checking rows ---------------------------------------------------------------


def _choice_lookup(choices) -> dict[str, str]:
    """Folded code or name (Vietnamese or English) → code, so that a choice
    may be written either way, in any case, with or without accents."""
    lookup = {}
    for language in ("en", "vi"):
        with translation.override(language):
            lookup.update({fold(str(label)): code for code, label in choices.choices})
    lookup.update({code: code for code in choices.values})
    return lookup


def _clean_field(model, name: str, value: str) -> str:
    """The model field's own validation (length, blank, code format)."""
    return model._meta.get_field(name).clean(value, None)


def _check_scalars(
    plan: ImportPlan, model, row: int, values: dict[str, str], columns: Iterable[Column], skip: set[str]
) -> dict[str, object]:
    """Validate the plain text columns of a row; returns the clean values."""
    clean: dict[str, object] = {}
    for column in columns:
        if column.key not in values or column.key in skip:
            continue
        value = values[column.key]
        if column.required and not value:
            plan.error(row, column.key, _("This column is required."))
            continue
        if column.key == "is_active":
            flag = fold(value)
            if flag and flag not in TRUE_WORDS | FALSE_WORDS:
                plan.error(row, column.key, _("Write 1 (active) or 0 (no longer active), not “%(value)s”.") % {"value": value})
            else:
                clean[column.key] = flag not in FALSE_WORDS
            continue
        if column.key == "email" and value:
            try:
                validate_email(value)
            except ValidationError:
                plan.error(row, column.key, _("“%(value)s” is not a valid e-mail address.") % {"value": value})
                continue
        try:
            clean[column.key] = _clean_field(model, column.model_field, value)
        except ValidationError as error:
            for message in error.messages:
                plan.error(row, column.key, message)
    return clean


def _diff(plan: ImportPlan, row: int, code: str, name: str, clean: dict, before: Mapping | None, columns) -> None:
    clean = {column.key: clean[column.key] for column in columns if column.key in clean}  # in the file's column order
    if before is None:
        shown = [
            (key, "", _shown(value)) for key, value in clean.items() if key not in ("code", "name", "full_name") and value != ""
        ]
        plan.changes.append(RowChange(row, code, name, CREATE, clean, shown))
        return
    changes = [(key, _shown(before.get(key)), _shown(value)) for key, value in clean.items() if before.get(key) != value]
    plan.changes.append(RowChange(row, code, name, UPDATE if changes else UNCHANGED, clean, changes))


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def _duplicate(plan: ImportPlan, seen: dict[str, int], row: int, code: str) -> bool:
    if code and code in seen:
        plan.error(row, "code", _("Code “%(code)s” already appears on row %(row)s.") % {"code": code, "row": seen[code]})
        return True
    seen.setdefault(code, row)
    return False


def check_organisations(table: Table, *, existing: Mapping[str, Mapping], unit_codes: set[str]) -> ImportPlan:
    """Check an organisation file against the directory.

    ``existing``: every organisation in the directory, code → field values,
    with ``parent`` and ``admin_unit`` as codes ("" when none) and
    ``is_active`` a bool. ``unit_codes``: the administrative unit codes that
    exist (at least those the file names).
    """
    plan = ImportPlan(ignored_columns=table.ignored_columns)
    file_codes = table.values("code")
    seen: dict[str, int] = {}
    parents = {code: values.get("parent", "") for code, values in existing.items()}
    lookups = {"kind": _choice_lookup(OrganisationKind), "tier": _choice_lookup(Tier)}
    checked: list[tuple[int, str, dict]] = []
    for row, values in table.rows:
        errors_before = len(plan.errors)
        clean = _check_scalars(
            plan, Organisation, row, values, ORGANISATION_COLUMNS, skip={"kind", "tier", "admin_unit", "parent"}
        )
        code = values["code"]
        if _duplicate(plan, seen, row, code):
            continue
        for key, lookup in lookups.items():
            value = values[key]
            if not value:
                plan.error(row, key, _("This column is required."))
            elif (choice := lookup.get(value, lookup.get(fold(value)))) is None:
                plan.error(row, key, _("“%(value)s” is not one of the allowed values.") % {"value": value})
            else:
                clean[key] = choice
        if "admin_unit" in values:
            unit = values["admin_unit"]
            if unit and unit not in unit_codes:
                plan.error(row, "admin_unit", _("No administrative unit has the code “%(code)s”.") % {"code": unit})
            clean["admin_unit"] = unit
        if "parent" in values:
            parent = values["parent"]
            if parent and parent == code:
                plan.error(row, "parent", _("An organisation cannot be its own parent."))
            elif parent and parent not in existing and parent not in file_codes:
                plan.error(
                    row,
                    "parent",
                    _("No organisation has the code “%(code)s”, in the directory or in this file.") % {"code": parent},
                )
            clean["parent"] = parent
            parents[code] = parent
        if len(plan.errors) == errors_before:
            checked.append((row, code, clean))
    for row, code, clean in checked:
        cycle = _cycle(code, parents)
        if cycle:
            plan.error(row, "parent", _("The parents form a loop: %(loop)s.") % {"loop": " → ".join(cycle)})
        else:
            _diff(plan, row, code, clean["name"], clean, existing.get(code), ORGANISATION_COLUMNS)
    plan.errors.sort(key=lambda error: error.row)
    return plan


def _cycle(code: str, parents: Mapping[str, str]) -> list[str]:
    path = [code]
    current = parents.get(code, "")
    while current:
        if current == code:
            return [*path, code]
        if current in path:
            return []  # a loop further up, reported on its own rows
        path.append(current)
        current = parents.get(current, "")
    return []


def check_people(table: Table, *, existing: Mapping[str, Mapping], organisation_codes: set[str]) -> ImportPlan:
    """Check a people file against the directory. ``existing``: code →
    field values with ``organisation`` as a code; ``organisation_codes``: the
    organisation codes that exist (at least those the file names)."""
    plan = ImportPlan(ignored_columns=table.ignored_columns)
    seen: dict[str, int] = {}
    for row, values in table.rows:
        errors_before = len(plan.errors)
        clean = _check_scalars(plan, Person, row, values, PERSON_COLUMNS, skip={"organisation"})
        code = values["code"]
        if _duplicate(plan, seen, row, code):
            continue
        organisation = values["organisation"]
        if not organisation:
            plan.error(row, "organisation", _("This column is required."))
        elif organisation not in organisation_codes:
            plan.error(row, "organisation", _("No organisation has the code “%(code)s”.") % {"code": organisation})
        clean["organisation"] = organisation
        if len(plan.errors) == errors_before:
            _diff(plan, row, code, clean["full_name"], clean, existing.get(code), PERSON_COLUMNS)
    return plan


def column_guide(columns: Iterable[Column], model) -> list[dict]:
    """For the import page and the template's guide sheet."""
    return [{"key": c.key, "label": c.label(model), "required": c.required, "help": str(c.help)} for c in columns]


# Template files ------------------------------------------------------------------


def csv_template(columns: Iterable[Column]) -> bytes:
    """The header row, UTF-8 with a BOM (so that Excel shows Vietnamese right)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.key for column in columns])
    return "\ufeff".encode() + buffer.getvalue().encode()


def xlsx_template(columns: Iterable[Column], model, *, choices: Mapping[str, Iterable[tuple[str, str]]] = ()) -> bytes:
    """A workbook: the header row on the first sheet (the one read back),
    and a guide sheet describing every column and the allowed values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = list(columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Data")[:31]
    sheet.append([column.key for column in columns])
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.key) + 4)
        for row in range(2, 502):  # codes and phone numbers stay text (leading zeros)
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet(_("Guide")[:31])
    guide.append([_("Column"), _("Meaning"), _("Required"), _("Notes")])
    for entry in column_guide(columns, model):
        guide.append([entry["key"], entry["label"], _("yes") if entry["required"] else "", entry["help"]])
    for key, values in dict(choices).items():
        guide.append([])
        guide.append([_("Allowed values of the column %(column)s") % {"column": key}])
        for code, label in values:
            guide.append([code, str(label)])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (20, 36, 10, 70), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
