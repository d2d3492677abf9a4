"""Start a plan from an earlier one: copy every part, move the years on.

``shift_years`` moves the years a text names (“Chỉ số PAPI năm 2023”,
“ngày 31/5/2024”, “tháng 01/2024”, “2022 - 2023”) by a number of years and
leaves alone the years that belong to another document (“Quyết định số
2817/QĐ-UBND ngày 25/12/2023 … năm 2024”, “Nghị định 30/2020/NĐ-CP”), multi-year
periods and targets (“giai đoạn 2021-2025”, “đến năm 2030”) and numbers that
are not years. It says what it changed and what it kept on purpose.

``clone_plan`` copies a plan with all its parts in one transaction, shifts
its texts and dates, clears what belongs to the issued document (number,
issue date, state) and returns a checklist of what the drafter should check.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import Organisation

from .formatting import roman
from .models import (
    AgendaItem,
    BridgePoint,
    Conference,
    DistributionLine,
    LegalBasis,
    ParticipantGroup,
    Plan,
    PlanState,
    Section,
    Task,
    TaskGroup,
    TaskKind,
)
from .starters import header_fields

# ---------------------------------------------------------------------------
# Years in text
# ---------------------------------------------------------------------------


class YearAction(models.TextChoices):
    SHIFTED = "shifted", gettext_lazy("Shifted")
    KEPT = "kept", gettext_lazy("Kept")


class YearReason(models.TextChoices):
    YEAR = "year", gettext_lazy("year named in the text")
    DATE = "date", gettext_lazy("date")
    MONTH = "month", gettext_lazy("month or quarter")
    RANGE = "range", gettext_lazy("range of years")
    INDEX = "index", gettext_lazy("edition of an index")
    WEEKDAY = "weekday", gettext_lazy("day of the week of a moved date")
    REFERENCE = "reference", gettext_lazy("reference to another document")
    PERIOD = "period", gettext_lazy("multi-year period")
    TARGET = "target", gettext_lazy("target year")
    DISTANT = "distant", gettext_lazy("year far from the plan's year")
    UNCLEAR = "unclear", gettext_lazy("number that may be a year")


@dataclass(frozen=True)
class YearChange:
    """One year-bearing snippet found in a text.

    ``old`` is the snippet as written; ``new`` is what replaced it (the same
    text when kept). ``start`` is its offset in the original text.
    """

    old: str
    new: str
    action: str
    reason: str
    start: int

    @property
    def shifted(self) -> bool:
        return self.action == YearAction.SHIFTED

    @property
    def reason_label(self) -> str:
        return str(YearReason(self.reason).label)


_Y = r"(?:19|20)\d{2}"
_YEAR = rf"(?<![\d/.,])({_Y})(?!\d)"
_DAY_MONTH_YEAR = r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*" + _Y
_WORDY_DATE = r"\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+" + _Y

_DOC_TYPES = (
    "Quyết định|Nghị quyết|Nghị định|Thông tư liên tịch|Thông tư|Chỉ thị|Công văn|Văn bản|Kế hoạch|Kết luận|"
    "Thông báo|Hướng dẫn|Báo cáo|Công điện|Quy định|Quy chế|Chương trình|Đề án|Tờ trình|Giấy mời|Pháp lệnh|Luật|Lệnh"
)
# A document symbol: “2817/QĐ-UBND”, “16-NQ/TU”, “30/2020/NĐ-CP”, “#sovb/KH-UBND”.
_SYMBOL = r"(?<![\w/])(?:#\w+|\d+[A-Za-z]?)(?:-[\w&]+)*(?:/[\w&]+(?:-[\w&]+)*)+"
_REFERENCE_HEAD = re.compile(
    rf"(?:(?i:{_DOC_TYPES})\s+(?:(?i:số)\s+)?|(?i:số)\s+)?(?P<symbol>{_SYMBOL})"
    rf"(?:\s*,?\s*(?:(?i:ngày)\s+)?(?:{_DAY_MONTH_YEAR}|{_WORDY_DATE})(?!\d))?"
)
# Laws are cited by name: “Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015”.
_LAW_HEAD = re.compile(r"(?<!\w)(?:Bộ luật|Luật|Hiến pháp|Pháp lệnh)\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈÍÓÒÚÙÝ0-9])")
# After the number and date, the title of the cited document: “của UBND tỉnh ban hành Kế hoạch … năm 2024”.
_TITLE_START = re.compile(r"\s*,?\s*(?i:của|về|ban hành|phê duyệt|quy định|hướng dẫn|sửa đổi|thực hiện|triển khai|công bố)(?!\w)")
_TITLE_STOP = re.compile(r"[;\n]|\.(?=\s|$)|,\s*(?i:nhằm|để|cụ thể|đồng thời|qua đó|trên cơ sở|Ủy ban nhân dân|UBND)(?!\w)")
_TITLE_MAX = 240

_PERIOD = re.compile(rf"(?i:giai đoạn|thời kỳ|nhiệm kỳ)\s+(?:(?i:năm)\s+)?{_YEAR}\s*[-–]\s*({_Y})(?!\d)")
_TARGET = re.compile(rf"(?i:(?:định hướng|tầm nhìn)\s+)?(?i:đến|tới)\s+(?i:năm)\s+{_YEAR}|(?i:tầm nhìn)\s+{_YEAR}")
_FROM_YEAR_BEFORE = re.compile(rf"(?i:từ)\s+(?:(?i:năm)\s+)?{_Y}\s*$")
_WORDY = re.compile(rf"(?i:ngày)\s+(\d{{1,2}})\s+(?i:tháng)\s+(\d{{1,2}})\s+(?i:năm)\s+({_Y})(?!\d)")
_NUMERIC_DATE = re.compile(rf"(?<![\d/])(\d{{1,2}})(\s*[-–]\s*\d{{1,2}})?(\s*/\s*)(\d{{1,2}})(\s*/\s*)({_Y})(?![\d/])")
_QUARTER = re.compile(rf"(?i:quý)\s+(?:[IV]+|\d)\s*/\s*({_Y})(?![\d/])")
_MONTH_YEAR = re.compile(rf"(?:(?i:tháng)\s+)?(?<![\d/])(\d{{1,2}})\s*/\s*({_Y})(?![\d/])")
_YEAR_RANGE = re.compile(rf"{_YEAR}(\s*[-–]\s*)({_Y})(?![\d/])")
_SEP = r"(?:\s*,\s*|\s*[-–]\s*|\s+(?i:và|đến|tới)\s+)"
_NAMED_YEARS = re.compile(rf"(?i:năm)\s+{_Y}(?!\d)(?:{_SEP}{_Y}(?!\d))*")
_INDEX_YEAR = re.compile(rf"(?i:PAPI|PAR\s*INDEX|SIPAS|PCI|DTI|ICT\s*INDEX)\)?\s+{_YEAR}")
_BARE_YEAR = re.compile(rf"(?<![\d/.,:])({_Y})(?![\d/])")
# A weekday in brackets after the date (“31/5/2024 (Thứ 6)”), or before it (“Thứ Sáu, ngày 31/5/2024”); before
# the date only a capitalised “Thứ” with a weekday number or name counts (not “lần thứ 5, ngày …”).
_WEEKDAY_AFTER = re.compile(r"\s*\(\s*((?i:thứ)\s+(?:\d|\w+)|(?i:chủ nhật))\s*\)")
_WEEKDAY_BEFORE = re.compile(r"(?<![\w])(Thứ\s+(?:[2-7]|(?i:hai|ba|tư|năm|sáu|bảy))|(?i:chủ nhật))\s*,?\s*(?:(?i:ngày)\s+)?$")
_ANY_YEAR = re.compile(_Y)

# Monday = 0, as in ``datetime.date.weekday()``.
_WEEKDAY_WORDS = ["hai", "ba", "tư", "năm", "sáu", "bảy"]
_WEEKDAY_ALIASES = {"tư": 2, "bốn": 2, "năm": 3, "sáu": 4, "bảy": 5, "hai": 0, "ba": 1}
DISTANT_YEARS = 3
MIN_YEAR, MAX_YEAR = 1990, 2099


def _in_leap(day: int, month: int, year: int) -> int:
    """29 February in a year without it becomes 28."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return 28
    return day


def shift_date(value: datetime.date, shift: int) -> datetime.date:
    """Same day (or date and time) ``shift`` years later (29 February → 28 February)."""
    year = value.year + shift
    return value.replace(year=year, day=_in_leap(value.day, value.month, year))


def _weekday_text(weekday: int, like: str) -> str:
    """“Thứ 6”, “thứ Sáu” or “Chủ nhật”, in the style of ``like``."""
    if weekday == 6:
        text = "chủ nhật"
    elif re.search(r"\d", like):
        return re.sub(r"\d", str(weekday + 2), like)
    else:
        text = f"thứ {_WEEKDAY_WORDS[weekday]}"
    words = text.split()
    like_words = like.split()
    styled = [word.capitalize() if i < len(like_words) and like_words[i][:1].isupper() else word for i, word in enumerate(words)]
    if like.isupper():
        styled = [word.upper() for word in words]
    return " ".join(styled)


def _weekday_of(text: str) -> int | None:
    words = text.lower().split()
    if words[0] == "chủ":
        return 6
    name = words[-1]
    if name.isdigit():
        return int(name) - 2 if 2 <= int(name) <= 7 else None
    return _WEEKDAY_ALIASES.get(name)


@dataclass
class _Scan:
    text: str
    shift: int
    base_year: int | None
    taken: list[tuple[int, int]] = field(default_factory=list)
    edits: list[tuple[int, int, str]] = field(default_factory=list)
    changes: list[YearChange] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.taken)

    def take(self, start: int, end: int) -> None:
        self.taken.append((start, end))

    def distant(self, years: Iterable[int]) -> bool:
        return self.base_year is not None and any(abs(y - self.base_year) > DISTANT_YEARS for y in years)

    def keep(self, start: int, end: int, reason: str) -> None:
        self.take(start, end)
        snippet = self.text[start:end]
        self.changes.append(YearChange(snippet, snippet, YearAction.KEPT, reason, start))

    def replace(self, start: int, end: int, new: str, reason: str) -> None:
        self.take(start, end)
        old = self.text[start:end]
        if new != old:
            self.edits.append((start, end, new))
        self.changes.append(YearChange(old, new, YearAction.SHIFTED, reason, start))

    def move_years(self, start: int, end: int, reason: str) -> None:
        """Shift every four-digit year inside ``text[start:end]``, or keep them all when one is distant."""
        snippet = self.text[start:end]
        years = [int(m.group()) for m in _ANY_YEAR.finditer(snippet)]
        if self.distant(years):
            self.keep(start, end, YearReason.DISTANT)
            return
        self.replace(start, end, _ANY_YEAR.sub(lambda m: str(int(m.group()) + self.shift), snippet), reason)

    def result(self) -> tuple[str, list[YearChange]]:
        text = self.text
        for start, end, new in sorted(self.edits, reverse=True):
            text = text[:start] + new + text[end:]
        return text, sorted(self.changes, key=lambda change: change.start)

    # -- passes, in priority order -------------------------------------------------

    def references(self) -> None:
        heads = []
        for match in _REFERENCE_HEAD.finditer(self.text):
            pieces = match.group("symbol").split("/")[1:]
            if any(piece[:1].isalpha() and piece[:1].isupper() for piece in pieces):
                heads.append((match.start(), match.end(), False))
        heads += [(m.start(), m.end(), True) for m in _LAW_HEAD.finditer(self.text)]
        heads.sort()
        for i, (start, end, is_law) in enumerate(heads):
            if not self.free(start, end):
                continue
            next_head = heads[i + 1][0] if i + 1 < len(heads) else len(self.text)
            head_end = end
            if is_law or _TITLE_START.match(self.text, end):
                end = self._title_end(end, min(next_head, end + _TITLE_MAX))
            years = list(_ANY_YEAR.finditer(self.text, start, end))
            if not years:
                self.take(start, end)
                continue
            # Report the reference up to its last year; keep the whole clause untouched.
            self.keep(start, max(head_end, years[-1].end()), YearReason.REFERENCE)
            self.take(start, end)

    def _title_end(self, start: int, limit: int) -> int:
        depth = 0
        for position in range(start, limit):
            char = self.text[position]
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth < 0:
                    return position
            elif depth == 0 and _TITLE_STOP.match(self.text, position):
                return position
        return limit

    def periods_and_targets(self) -> None:
        for match in _PERIOD.finditer(self.text):
            if self.free(match.start(), match.end()):
                self.keep(match.start(), match.end(), YearReason.PERIOD)
        for match in _TARGET.finditer(self.text):
            if not self.free(match.start(), match.end()):
                continue
            if _FROM_YEAR_BEFORE.search(self.text, max(0, match.start() - 30), match.start()):
                continue  # “từ năm 2023 đến năm 2024” is a range of the plan's own years.
            self.keep(match.start(), match.end(), YearReason.TARGET)

    def wordy_dates(self) -> None:
        for match in _WORDY.finditer(self.text):
            if not self.free(match.start(), match.end()):
                continue
            day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
            if self.distant([year]):
                self.keep(match.start(), match.end(), YearReason.DISTANT)
                continue
            new_year = year + self.shift
            new_day = _in_leap(day, month, new_year)
            start_day, end_day = match.span(1)
            day_text = match.group(1) if new_day == day else f"{new_day:0{len(match.group(1))}d}"
            new = (
                self.text[match.start() : start_day]
                + day_text
                + self.text[end_day : match.start(3)]
                + str(new_year)
                + self.text[match.end(3) : match.end()]
            )
            self.replace(match.start(), match.end(), new, YearReason.DATE)
            self._weekday(match.start(), match.end(), day=new_day, month=month, year=new_year)

    def numeric_dates(self) -> None:
        for match in _NUMERIC_DATE.finditer(self.text):
            if not self.free(match.start(), match.end()):
                continue
            first, day_range, slash1, month, slash2, year = match.groups()
            day = int(day_range.strip(" -–")) if day_range else int(first)
            if not (1 <= int(month) <= 12 and 1 <= day <= 31):
                continue
            if self.distant([int(year)]):
                self.keep(match.start(), match.end(), YearReason.DISTANT)
                continue
            new_year = int(year) + self.shift
            new_day = _in_leap(day, int(month), new_year)
            if day_range:
                day_range = day_range.replace(str(day), str(new_day)) if new_day != day else day_range
            elif new_day != day:
                first = f"{new_day:0{len(first)}d}"
            new = f"{first}{day_range or ''}{slash1}{month}{slash2}{new_year}"
            self.replace(match.start(), match.end(), new, YearReason.DATE)
            if not day_range:
                self._weekday(match.start(), match.end(), day=new_day, month=int(month), year=new_year)

    def _weekday(self, start: int, end: int, *, day: int, month: int, year: int) -> None:
        """Rewrite the weekday written next to a moved date so that it stays true."""
        match = _WEEKDAY_AFTER.match(self.text, end) or _WEEKDAY_BEFORE.search(self.text, max(0, start - 30), start)
        if not match or not self.free(match.start(1), match.end(1)):
            return
        try:
            weekday = datetime.date(year, month, day).weekday()
        except ValueError:
            return
        old = match.group(1)
        if _weekday_of(old) == weekday:
            return
        self.replace(match.start(1), match.end(1), _weekday_text(weekday, old), YearReason.WEEKDAY)

    def months(self) -> None:
        for match in _QUARTER.finditer(self.text):
            if self.free(match.start(), match.end()):
                self.move_years(match.start(), match.end(), YearReason.MONTH)
        for match in _MONTH_YEAR.finditer(self.text):
            if self.free(match.start(), match.end()) and 1 <= int(match.group(1)) <= 12:
                self.move_years(match.start(), match.end(), YearReason.MONTH)

    def named_years(self) -> None:
        for match in _NAMED_YEARS.finditer(self.text):
            if not self.free(match.start(), match.end()):
                continue
            years = [int(m.group()) for m in _ANY_YEAR.finditer(match.group())]
            spread = re.search(rf"({_Y})\s*[-–]\s*({_Y})", match.group())
            if spread and int(spread.group(2)) - int(spread.group(1)) > 1:
                self.keep(match.start(), match.end(), YearReason.PERIOD)
            elif len(years) == 1:
                self.move_years(match.start(), match.end(), YearReason.YEAR)
            else:
                self.move_years(match.start(), match.end(), YearReason.RANGE)

    def ranges(self) -> None:
        for match in _YEAR_RANGE.finditer(self.text):
            if not self.free(match.start(), match.end()):
                continue
            if int(match.group(3)) - int(match.group(1)) > 1:
                self.keep(match.start(), match.end(), YearReason.PERIOD)
            else:
                self.move_years(match.start(), match.end(), YearReason.RANGE)

    def index_editions(self) -> None:
        for match in _INDEX_YEAR.finditer(self.text):
            if self.free(match.start(), match.end()):
                self.move_years(match.start(), match.end(), YearReason.INDEX)

    def bare_years(self) -> None:
        for match in _BARE_YEAR.finditer(self.text):
            if self.free(match.start(), match.end()):
                self.keep(match.start(), match.end(), YearReason.UNCLEAR)


def shift_years(text: str, shift: int, *, base_year: int | None = None) -> tuple[str, list[YearChange]]:
    """Move the years named in ``text`` by ``shift`` years.

    Shifted: “năm 2023”, dates (“31/5/2024”, “ngày 08 tháng 5 năm 2024”,
    “11-15/7/2022”, 29 February becoming 28 when needed, a weekday written
    after the date following it), months and quarters (“tháng 01/2024”,
    “quý II/2024”), two-year ranges (“2022 - 2023”) and index editions
    (“PAR INDEX 2021”).

    Kept, and reported: references to other documents with their number,
    date and title (“Quyết định số 2817/QĐ-UBND ngày 25/12/2023 của … năm
    2024”, “Nghị định 30/2020/NĐ-CP”), periods (“giai đoạn 2021-2025”),
    targets (“đến năm 2030”), years further than three years from
    ``base_year`` when it is given, and other four-digit numbers that look
    like years. Other numbers (scores, counts, codes) are not touched.
    """
    if not text or shift == 0:
        return text, []
    scan = _Scan(text=text, shift=shift, base_year=base_year)
    scan.references()
    scan.periods_and_targets()
    scan.wordy_dates()
    scan.numeric_dates()
    scan.months()
    scan.named_years()
    scan.ranges()
    scan.index_editions()
    scan.bare_years()
    return scan.result()


# ---------------------------------------------------------------------------
# Cloning a plan
# ---------------------------------------------------------------------------


class ChecklistKind(models.TextChoices):
    REVIEW = "review", gettext_lazy("To check")
    KEPT = "kept", gettext_lazy("Kept as written")
    SHIFTED = "shifted", gettext_lazy("Moved to the new year")


@dataclass(frozen=True)
class ChecklistItem:
    """One thing for the drafter to look at in the new plan.

    ``part`` names where it is (“Mục II.1”, “Trích yếu”), ``text`` says what
    to check, both translated when the item is made. ``anchor`` is
    ``"<model name>:<pk>"`` of the new object concerned (``"plan:12"``,
    ``"section:40"``, ``"task:7"``) so that a page can link to its editor.
    """

    kind: str
    part: str
    text: str
    anchor: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "part": self.part, "text": self.text, "anchor": self.anchor}


@dataclass
class CloneResult:
    plan: Plan
    checklist: list[ChecklistItem]

    def items(self, kind: str) -> list[ChecklistItem]:
        return [item for item in self.checklist if item.kind == kind]


_FIGURES = re.compile(r"\d+,\d+\s*(?i:điểm)|(?i:xếp hạng|xếp thứ)\s+\d+(?:\s*/\s*\d+)?|\d+\s*/\s*63(?!\d)")
_KIND_ORDER = {ChecklistKind.REVIEW: 0, ChecklistKind.KEPT: 1, ChecklistKind.SHIFTED: 2}


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _moved(old: str | None, new: str | None) -> str:
    return " " + _("Moved from %(old)s.") % {"old": old} if old != new else ""


def _weekend_warning(day: datetime.date) -> str:
    if day.weekday() < 5:
        return ""
    return " " + _("%(date)s is a %(weekday)s.") % {"date": _day(day), "weekday": WEEKDAYS[day.weekday()]}


def _copy(obj: models.Model, **overrides) -> models.Model:
    """An unsaved copy of ``obj`` with ``overrides`` (attribute names: ``plan_id``…)."""
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    values.update(overrides)
    return type(obj)(**values)


def _copy_m2m(model: type[models.Model], field_name: str, new_by_old: dict[int, models.Model]) -> None:
    """Copy the links of an M2M field from the old rows to their copies, in two queries."""
    m2m = model._meta.get_field(field_name)
    through = m2m.remote_field.through
    own, other = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    links = through.objects.filter(**{f"{own}__in": list(new_by_old)}).order_by("pk").values_list(own, other)
    through.objects.bulk_create([through(**{own: new_by_old[old].pk, other: target}) for old, target in links])


def _numbers(rows: list, top: Callable[[int], str] = str) -> dict[int, str]:
    """Printed numbers of a tree of rows ordered by ``order``: ``top(i)`` for the top level, ``"II.1"`` below."""
    children = defaultdict(list)
    for row in sorted(rows, key=lambda r: r.order):
        children[row.parent_id].append(row)
    numbers: dict[int, str] = {}

    def walk(parent_id: int | None, prefix: str) -> None:
        for i, row in enumerate(children.get(parent_id, []), start=1):
            numbers[row.pk] = f"{prefix}.{i}" if prefix else top(i)
            walk(row.pk, numbers[row.pk])

    walk(None, "")
    return numbers


class _Cloner:
    def __init__(self, source: Plan, *, target_year: int, user, issuing_body: Organisation | None) -> None:
        self.source = source
        self.target_year = target_year
        self.shift = target_year - source.year
        self.user = user
        self.issuing_body = issuing_body
        self.changed_body = issuing_body is not None and issuing_body.pk != source.issuing_body_id
        self.notes: list[tuple[str, str, str, models.Model]] = []

    # -- checklist ---------------------------------------------------------

    def note(self, kind: str, part: str, text: str, obj: models.Model) -> None:
        self.notes.append((kind, part, text, obj))

    def shift_fields(self, obj: models.Model, names: Iterable[str], part: str) -> None:
        """Shift the years of text fields of ``obj`` in place and note every change."""
        for name in names:
            new, changes = shift_years(getattr(obj, name), self.shift, base_year=self.source.year)
            setattr(obj, name, new)
            for change in changes:
                if change.shifted:
                    text = _("“%(old)s” changed to “%(new)s”.") % {"old": change.old, "new": change.new}
                    self.note(ChecklistKind.SHIFTED, part, text, obj)
                else:
                    text = _("“%(old)s” kept as written (%(reason)s).") % {"old": change.old, "reason": change.reason_label}
                    self.note(ChecklistKind.KEPT, part, text, obj)
            if _FIGURES.search(new):
                self.note(
                    ChecklistKind.REVIEW,
                    part,
                    _("Contains scores or rankings of the earlier plan: update them or remove them."),
                    obj,
                )

    def checklist(self) -> list[ChecklistItem]:
        items = [
            ChecklistItem(kind=kind, part=part, text=text, anchor=f"{obj._meta.model_name}:{obj.pk}")
            for kind, part, text, obj in self.notes
        ]
        return sorted(items, key=lambda item: _KIND_ORDER[item.kind])

    # -- dates ---------------------------------------------------------------

    def date(self, value: datetime.date | None) -> datetime.date | None:
        return shift_date(value, self.shift) if value else None

    def moment(self, value: datetime.datetime | None) -> datetime.datetime | None:
        if value is None:
            return None
        # Move the local wall-clock time: 08:00 in Vietnam stays 08:00.
        return shift_date(timezone.localtime(value) if timezone.is_aware(value) else value, self.shift)

    # -- parts ---------------------------------------------------------------

    def run(self) -> CloneResult:
        plan = self.plan()
        self.legal_bases(plan)
        self.sections(plan)
        conference_day = self.conference(plan)
        points = self.bridge_points(plan)
        self.participants(plan, points)
        self.agenda(plan)
        self.tasks(plan, conference_day)
        self.distribution(plan)
        self.signature(plan)
        return CloneResult(plan=plan, checklist=self.checklist())

    def plan(self) -> Plan:
        source = self.source
        plan = _copy(
            source,
            key=None,
            number=None,
            issue_date=None,
            state=PlanState.DRAFT,
            replaces_id=None,
            year=self.target_year,
            created_by_id=getattr(self.user, "pk", None),
        )
        if self.changed_body:
            for name, value in header_fields(self.issuing_body).items():
                setattr(plan, name, value)
            plan.issuing_body = self.issuing_body
        self.shift_fields(plan, ["subject"], _("Subject"))
        self.shift_fields(plan, ["preamble"], _("Preamble"))
        self.shift_fields(plan, ["budget_source"], _("Budget source"))
        self.shift_fields(plan, ["closing"], _("Closing paragraph"))
        self.shift_fields(plan, ["agenda_title", "agenda_subject"], _("Agenda title"))
        plan.save()
        if self.changed_body:
            self.note(
                ChecklistKind.REVIEW,
                _("Header"),
                _("The issuing body changed: check the letterhead, the place and the signature block."),
                plan,
            )
        return plan

    def legal_bases(self, plan: Plan) -> None:
        rows = [_copy(row, plan_id=plan.pk) for row in LegalBasis.objects.filter(plan=self.source).order_by("order")]
        LegalBasis.objects.bulk_create(rows)
        for i, row in enumerate(rows, start=1):
            self.note(
                ChecklistKind.REVIEW,
                _("Legal basis %(number)s") % {"number": i},
                _("Copied unchanged: check that it still applies in %(year)s or replace it with the current document.")
                % {"year": self.target_year},
                row,
            )

    def _tree(self, model, rows: list, numbers: dict[int, str], label: str, fields: list[str], plan: Plan) -> dict:
        """Copy a tree of rows: texts shifted in document order, then one insert per level; returns copies by old pk."""
        children = defaultdict(list)
        for row in sorted(rows, key=lambda r: r.order):
            children[row.parent_id].append(row)
        copies: dict[int, models.Model] = {}

        def prepare(parent_id: int | None) -> None:
            for row in children.get(parent_id, []):
                copies[row.pk] = _copy(row, plan_id=plan.pk, parent_id=None)
                self.shift_fields(copies[row.pk], fields, label % {"number": numbers[row.pk]})
                prepare(row.pk)

        prepare(None)
        level = children.get(None, [])
        while level:
            for row in level:
                if row.parent_id is not None:
                    copies[row.pk].parent_id = copies[row.parent_id].pk
            model.objects.bulk_create([copies[row.pk] for row in level])
            level = [child for row in level for child in children.get(row.pk, [])]
        return copies

    def sections(self, plan: Plan) -> None:
        rows = list(Section.objects.filter(plan=self.source))
        self._tree(Section, rows, _numbers(rows, roman), _("Section %(number)s"), ["heading", "body"], plan)

    def conference(self, plan: Plan) -> datetime.date | None:
        source = Conference.objects.filter(plan=self.source).first()
        if source is None:
            return None
        conference = _copy(
            source,
            plan_id=plan.pk,
            starts_at=self.moment(source.starts_at),
            ends_at=self.moment(source.ends_at),
            date_from=self.date(source.date_from),
            date_to=self.date(source.date_to),
        )
        part = _("Conference")
        self.shift_fields(conference, ["time_text", "chair_text"], part)
        conference.save()
        if conference.starts_at:
            old, new = timezone.localtime(source.starts_at), timezone.localtime(conference.starts_at)
            day = new.date()
            old_text, new_text = old.strftime("%H:%M %d/%m/%Y"), new.strftime("%H:%M %d/%m/%Y")
            text = _("Confirm the date and time of the conference: %(date)s.") % {"date": new_text}
        elif conference.date_from:
            day = conference.date_from
            old_text = " – ".join(_day(d) for d in (source.date_from, source.date_to) if d)
            new_text = " – ".join(_day(d) for d in (conference.date_from, conference.date_to) if d)
            text = _("Confirm the dates of the conference: %(dates)s.") % {"dates": new_text}
        else:
            day = old_text = new_text = None
            text = _("The earlier plan gives no date for the conference: set the date and time.")
        text += _moved(old_text, new_text)
        if day is not None and (conference.starts_at or conference.date_from == conference.date_to):
            text += _weekend_warning(day)
        self.note(ChecklistKind.REVIEW, part, text, conference)
        return day

    def bridge_points(self, plan: Plan) -> dict[int, BridgePoint]:
        rows = list(BridgePoint.objects.filter(plan=self.source).order_by("order"))
        copies = []
        for i, row in enumerate(rows, start=1):
            new = _copy(row, plan_id=plan.pk)
            self.shift_fields(new, ["heading", "host_text", "place"], _("Bridge point %(number)s") % {"number": i})
            copies.append(new)
        BridgePoint.objects.bulk_create(copies)
        return {old.pk: new for old, new in zip(rows, copies, strict=True)}

    def participants(self, plan: Plan, points: dict[int, BridgePoint]) -> None:
        rows = list(ParticipantGroup.objects.filter(plan=self.source).order_by("order"))
        copies = []
        for i, row in enumerate(rows, start=1):
            point = points.get(row.bridge_point_id)
            new = _copy(row, plan_id=plan.pk, bridge_point_id=point.pk if point else None)
            self.shift_fields(new, ["text"], _("Participant line %(number)s") % {"number": i})
            copies.append(new)
        ParticipantGroup.objects.bulk_create(copies)
        _copy_m2m(ParticipantGroup, "organisations", {old.pk: new for old, new in zip(rows, copies, strict=True)})

    def agenda(self, plan: Plan) -> None:
        rows = list(AgendaItem.objects.filter(plan=self.source))
        copies = self._tree(AgendaItem, rows, _numbers(rows), _("Agenda row %(number)s"), ["content", "performers"], plan)
        _copy_m2m(AgendaItem, "performer_organisations", copies)
        _copy_m2m(AgendaItem, "performer_people", copies)

    def tasks(self, plan: Plan, conference_day: datetime.date | None) -> None:
        groups = list(TaskGroup.objects.filter(plan=self.source).order_by("order"))
        group_copies = []
        for i, group in enumerate(groups, start=1):
            new = _copy(group, plan_id=plan.pk)
            self.shift_fields(new, ["heading", "intro", "note"], _("Task group %(number)s") % {"number": i})
            group_copies.append(new)
        TaskGroup.objects.bulk_create(group_copies)
        groups_by_old = {old.pk: new for old, new in zip(groups, group_copies, strict=True)}
        number_of_group = {group.pk: i for i, group in enumerate(groups, start=1)}
        _copy_m2m(TaskGroup, "assignees", groups_by_old)

        rows = list(Task.objects.filter(group__plan=self.source).order_by("group__order", "order"))
        positions: dict[int, int] = defaultdict(int)
        copies, deadlines = [], []
        for row in rows:
            positions[row.group_id] += 1
            part = _("Task %(number)s") % {"number": f"{number_of_group[row.group_id]}.{positions[row.group_id]}"}
            new = _copy(row, group_id=groups_by_old[row.group_id].pk, deadline=self.date(row.deadline))
            self.shift_fields(new, ["text"], part)
            copies.append(new)
            if row.deadline:
                deadlines.append((part, row, new))
        Task.objects.bulk_create(copies)
        task_copies = {old.pk: new for old, new in zip(rows, copies, strict=True)}
        _copy_m2m(Task, "assignees", task_copies)
        _copy_m2m(Task, "coordinators", task_copies)
        for part, row, new in deadlines:
            text = _("Confirm the deadline: %(date)s.") % {"date": _day(new.deadline)}
            text += _moved(_day(row.deadline), _day(new.deadline))
            if conference_day and new.kind == TaskKind.PREPARATION and new.deadline > conference_day:
                text += " " + _("It falls after the conference (%(date)s).") % {"date": _day(conference_day)}
            self.note(ChecklistKind.REVIEW, part, text, new)

    def distribution(self, plan: Plan) -> None:
        rows = list(DistributionLine.objects.filter(plan=self.source).order_by("order"))
        copies = []
        for i, row in enumerate(rows, start=1):
            new = _copy(row, plan_id=plan.pk)
            self.shift_fields(new, ["text"], _("Distribution line %(number)s") % {"number": i})
            copies.append(new)
        DistributionLine.objects.bulk_create(copies)

    def signature(self, plan: Plan) -> None:
        name = plan.signer.full_name if plan.signer_id else plan.signer_name
        if name:
            text = _("Confirm who signs: %(name)s (%(title)s).") % {"name": name, "title": plan.signer_title or "—"}
        else:
            text = _("The earlier plan names no signer: choose who signs.")
        self.note(ChecklistKind.REVIEW, _("Signature"), text, plan)


@transaction.atomic
def clone_plan(source: Plan, *, target_year: int, user, issuing_body: Organisation | None = None) -> CloneResult:
    """Copy ``source`` with every part into a new draft for ``target_year``.

    Texts and dates move by ``target_year - source.year`` years
    (``shift_years``; 29 February becomes 28); legal bases are copied as
    written. Number, issue date and import key are cleared, the state is
    draft, ``created_by`` is ``user``; the month is kept. With another
    ``issuing_body`` the header is taken from it. The checklist lists what
    to review first (legal bases, conference date, deadlines, signer), then
    what was kept as written, then what was moved.
    """
    if not MIN_YEAR <= target_year <= MAX_YEAR:
        raise ValueError(f"target_year must be between {MIN_YEAR} and {MAX_YEAR}, not {target_year}")
    return _Cloner(source, target_year=target_year, user=user, issuing_body=issuing_body).run()
