"""Writes of the contributions app: one function per action.

- :func:`sync_requests` makes the plan's requests match what it asks for
  (agenda items and tasks of kind contribution); run when the plan is
  issued (:mod:`contributions.signals`), by the organiser's button, and by
  the demo data;
- :func:`upload` stores a new version of a unit's contribution;
- :func:`allow_late` lets a unit upload after the deadline;
- :func:`request_booklet` queues the materials booklet (built by
  :func:`contributions.booklet.build`);
- :func:`send_due_reminders` (Celery beat) reminds units before the deadline;
- :func:`send_conclusion` e-mails the issued conclusion notice to the units.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import AgendaItem, AgendaKind, Plan, PlanKind, PlanState, Task, TaskKind
from directory.models import Tier
from directory.text import fold

from . import filetypes, mail, permissions
from .models import Booklet, BookletState, ConclusionSending, ContributionFile, ContributionRequest

STALE_AFTER = timedelta(minutes=30)  # a booklet job older than this may be queued again


def max_upload_bytes() -> int:
    return int(getattr(settings, "CONTRIBUTION_MAX_BYTES", 20 * 1024 * 1024))


def reminder_days() -> int:
    return int(getattr(settings, "CONTRIBUTION_REMINDER_DAYS", 3))


# --- Requests from the plan ----------------------------------------------------------


@dataclass
class Wanted:
    organisation_id: int
    agenda_item: AgendaItem | None
    task: Task | None
    topic: str
    position: int
    deadline: datetime.date | None = None


@dataclass
class SyncResult:
    created: list[ContributionRequest] = field(default_factory=list)
    updated: int = 0
    cancelled: int = 0
    mailed: int = 0


def _agenda_in_order(plan: Plan) -> list[AgendaItem]:
    items = list(AgendaItem.objects.filter(plan=plan).prefetch_related("performer_organisations__admin_unit"))
    children: dict[int | None, list[AgendaItem]] = {}
    for item in sorted(items, key=lambda i: i.order):
        children.setdefault(item.parent_id, []).append(item)
    ordered = []
    for item in children.get(None, []):
        ordered.append(item)
        ordered += children.get(item.pk, [])
    return ordered


_ABBREVIATIONS = {"ubnd": "uy ban nhan dan", "tp": "thanh pho", "vp": "van phong", "vpubnd": "van phong uy ban nhan dan"}
_TYPE_PREFIXES = ("uy ban nhan dan ", "so ", "van phong ")


def _words(text: str) -> str:
    """Folded words only (no accents, punctuation or case), abbreviations spelt out."""
    words = re.sub(r"[^0-9a-z]+", " ", fold(text)).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def _name_keys(organisation) -> set[str]:
    """Ways a text may name the organisation: its names, its name without the
    kind of body and the province (“Thông tin và Truyền thông”), the name of
    its district or commune (“Đại Lộc”)."""
    keys = {_words(organisation.name), _words(organisation.short_name)}
    core = _words(organisation.name)
    for prefix in _TYPE_PREFIXES:
        core = core.removeprefix(prefix)
    unit = organisation.admin_unit
    if unit is not None:
        core = core.removesuffix(" " + _words(unit.name))
        if organisation.tier in (Tier.DISTRICT, Tier.COMMUNE):
            keys.add(_words(unit.short_name))
    core = core.split(" tinh ")[0]  # “Sở Tư pháp tỉnh …” is written “Sở Tư pháp”
    if f"{core} " not in _TYPE_PREFIXES:  # never a bare “Ủy ban nhân dân”
        keys.add(core)
    return {key for key in keys if key}


def _named_at(organisation, text: str) -> int:
    """Where ``text`` first names the organisation (after every other place when it does not)."""
    padded = f" {_words(text)} "
    found = [padded.find(f" {key} ") for key in _name_keys(organisation)]
    found = [position for position in found if position >= 0]
    return min(found) if found else len(padded)


def _in_text_order(organisations, text: str) -> list:
    """The organisations in the order the text names them (an agenda row's performers, a task)."""
    return sorted(organisations, key=lambda o: (_named_at(o, text), o.name))


def wanted_requests(plan: Plan) -> list[Wanted]:
    """What the plan asks for, in agenda order: one request per unit
    performing an agenda item of kind contribution, then one per unit
    assigned a task of kind contribution that has no such agenda item.
    A unit's deadline is that of its contribution task, else the earliest
    deadline of the plan's contribution tasks assigned to no unit in
    particular (“Các sở, ngành… chậm nhất ngày 03/5/2024”), else a few
    days before the conference."""
    wanted: list[Wanted] = []
    position = 0
    for item in _agenda_in_order(plan):
        if item.kind != AgendaKind.CONTRIBUTION:
            continue
        for organisation in _in_text_order(item.performer_organisations.all(), item.performers):
            position += 1
            wanted.append(Wanted(organisation.pk, item, None, item.content or item.performers, position * 10))

    tasks = (
        Task.objects.filter(group__plan=plan, kind=TaskKind.CONTRIBUTION)
        .select_related("group")
        .prefetch_related("assignees__admin_unit", "group__assignees__admin_unit")
        .order_by("group__order", "order")
    )
    own_deadline: dict[int, datetime.date] = {}
    collective: list[datetime.date] = []
    from_agenda = {w.organisation_id for w in wanted}
    for task in tasks:
        assignees = _in_text_order(list(task.assignees.all()) or list(task.group.assignees.all()), task.text)
        if not assignees and task.deadline:
            collective.append(task.deadline)
        for organisation in assignees:
            if task.deadline:
                own_deadline[organisation.pk] = min(own_deadline.get(organisation.pk, task.deadline), task.deadline)
            if organisation.pk in from_agenda:
                continue
            position += 1
            wanted.append(Wanted(organisation.pk, None, task, task.text, position * 10))
    fallback = min(collective) if collective else _before_conference(plan)
    for row in wanted:
        row.deadline = own_deadline.get(row.organisation_id, fallback)
    return wanted


def _before_conference(plan: Plan) -> datetime.date | None:
    """Without any deadline in the plan: ``CONTRIBUTION_DEFAULT_LEAD_DAYS`` (5) days before the conference."""
    from .conclusions import conference_date

    day = conference_date(plan)
    return day - timedelta(days=int(getattr(settings, "CONTRIBUTION_DEFAULT_LEAD_DAYS", 5))) if day else None


@transaction.atomic
def sync_requests(plan: Plan, *, user=None, notify: bool | None = None) -> SyncResult:
    """Create, update or withdraw the plan's requests to match :func:`wanted_requests`.

    Withdrawn requests keep their files. ``notify`` (default: when the plan
    is issued) e-mails the request to each unit not told yet."""
    if plan.kind == PlanKind.CONCLUSION:
        return SyncResult()
    Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).first()
    existing = {
        (r.organisation_id, r.agenda_item_id, None if r.agenda_item_id else r.task_id): r
        for r in ContributionRequest.objects.filter(plan=plan)
    }
    result = SyncResult()
    seen = set()
    for row in wanted_requests(plan):
        key = (row.organisation_id, row.agenda_item.pk if row.agenda_item else None, None if row.agenda_item else row.task.pk)
        seen.add(key)
        request = existing.get(key)
        if request is None:
            request = ContributionRequest.objects.create(
                plan=plan,
                organisation_id=row.organisation_id,
                agenda_item=row.agenda_item,
                task=row.task,
                topic=row.topic,
                position=row.position,
                deadline=row.deadline,
            )
            result.created.append(request)
            continue
        values = {"topic": row.topic, "position": row.position, "deadline": row.deadline, "cancelled_at": None}
        if any(getattr(request, name) != value for name, value in values.items()):
            ContributionRequest.objects.filter(pk=request.pk).update(**values)
            result.updated += 1
    gone = [r.pk for key, r in existing.items() if key not in seen and r.cancelled_at is None]
    result.cancelled = ContributionRequest.objects.filter(pk__in=gone).update(cancelled_at=timezone.now())
    if notify is None:
        notify = plan.state == PlanState.ISSUED
    if notify:
        result.mailed = notify_units(plan, user=user)
    return result


def notify_units(plan: Plan, *, user=None) -> int:
    """E-mail every open request not e-mailed yet (through the outbox)."""
    requests = list(
        ContributionRequest.objects.filter(plan=plan, cancelled_at__isnull=True, notified_at__isnull=True).select_related(
            "organisation", "plan__issuing_body"
        )
    )
    addresses = mail.unit_addresses({r.organisation_id for r in requests})
    sent = [r.pk for r in requests if mail.queue_request(r, addresses.get(r.organisation_id, []), user=user)]
    ContributionRequest.objects.filter(pk__in=sent).update(notified_at=timezone.now())
    return len(sent)


# --- Uploads --------------------------------------------------------------------------


def read_upload(uploaded) -> bytes:
    """The bytes of an uploaded file, refusing it when over the size limit."""
    limit = max_upload_bytes()
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(_too_large(limit), code="too_large")
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_too_large(limit), code="too_large")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def _too_large(limit: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}


def upload(request: ContributionRequest, *, user, data: bytes, name: str, now=None) -> ContributionFile:
    """Store a new version of the unit's contribution (type checked by content)."""
    if not permissions.may_upload(user, request):
        raise PermissionDenied
    if len(data) > max_upload_bytes():
        raise ValidationError(_too_large(max_upload_bytes()), code="too_large")
    kind = filetypes.check(data)
    now = now or timezone.now()
    today = timezone.localdate(now)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        request = ContributionRequest.objects.select_for_update().get(pk=request.pk)
        if not request.accepts_upload(today):
            if request.is_cancelled:
                raise ValidationError(_("This contribution is no longer requested."), code="cancelled")
            raise ValidationError(
                _("The deadline (%(day)s) has passed: ask the organiser for permission to upload late.")
                % {"day": request.deadline.strftime("%d/%m/%Y")},
                code="late",
            )
        version = (request.files.aggregate(last=Max("version"))["last"] or 0) + 1
        stored = ContributionFile(
            request=request,
            version=version,
            original_name=(name or "")[:255],
            file_type=kind,
            size=len(data),
            sha256=digest,
            uploaded_by=user,
            uploaded_at=now,
            late=request.past_deadline(today),
        )
        stored.file.save(f"v{version}-{digest[:12]}.{kind}", ContentFile(data), save=False)
        try:
            stored.save()
        except BaseException:
            stored.file.storage.delete(stored.file.name)
            raise
    return stored


@transaction.atomic
def allow_late(request: ContributionRequest, *, user, until: datetime.date) -> ContributionRequest:
    """The organiser lets the unit upload (again) until ``until``."""
    if not permissions.is_organiser(user, request.plan):
        raise PermissionDenied
    if until < timezone.localdate():
        raise ValidationError(_("The date cannot be in the past."), code="past")
    ContributionRequest.objects.filter(pk=request.pk).update(
        late_until=until, late_allowed_by=user, late_allowed_at=timezone.now()
    )
    request.refresh_from_db()
    return request


# --- Reminders ------------------------------------------------------------------------


def send_due_reminders(today: datetime.date | None = None) -> int:
    """One reminder per request and deadline, from ``CONTRIBUTION_REMINDER_DAYS``
    before the deadline, to units that have uploaded nothing yet."""
    today = today or timezone.localdate()
    due = (
        ContributionRequest.objects.filter(
            cancelled_at__isnull=True,
            files__isnull=True,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=reminder_days()),
        )
        .select_related("organisation", "plan__issuing_body")
        .order_by("deadline", "id")
    )
    due = list(due)
    addresses = mail.unit_addresses({r.organisation_id for r in due})
    count = 0
    with transaction.atomic():
        for request in due:
            count += mail.queue_reminder(request, addresses.get(request.organisation_id, []))
    return count


# --- Booklet --------------------------------------------------------------------------


def request_booklet(plan: Plan, *, user) -> Booklet:
    """Queue the booklet build (on commit) unless one is under way."""
    from config.tasks import dispatch

    from .tasks import build_booklet_task

    if not permissions.is_organiser(user, plan):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        booklet, _created = Booklet.objects.select_for_update().get_or_create(plan=plan)
        if booklet.is_busy and booklet.requested_at and now - booklet.requested_at < STALE_AFTER:
            return booklet
        booklet.state, booklet.progress, booklet.error, booklet.step = BookletState.QUEUED, 0, "", ""
        booklet.requested_by, booklet.requested_at = user, now
        booklet.save()
        dispatch(build_booklet_task, booklet.pk)
    return booklet


# --- Conclusions ----------------------------------------------------------------------


def conclusion_recipients(conclusion: Plan) -> list:
    """Units that receive the conclusion notice: those it assigns tasks to or
    names in Nơi nhận, and those that took part in the conference it concludes."""
    from directory.models import Organisation

    from .selectors import participant_ids

    ids = participant_ids(conclusion)
    ids |= set(conclusion.distribution_lines.exclude(organisation=None).values_list("organisation_id", flat=True))
    if conclusion.concludes_id:
        ids |= participant_ids(conclusion.concludes)
    ids.discard(conclusion.issuing_body_id)
    return list(Organisation.objects.filter(pk__in=ids).order_by("tier", "name"))


def issued_pdf(plan: Plan) -> tuple[str, bytes]:
    """The PDF of a plan as issued: the signed file the workflow stored, or
    (without one) the plan rendered now. ``(file name, bytes)``."""
    issued = getattr(plan, "issued_document", None)
    if issued is not None and issued.file:
        with issued.file.open("rb") as stored:
            return issued.file.name.rsplit("/", 1)[-1], stored.read()
    from conferences.selectors import plan_document_for_system
    from documents import services as documents

    data = documents.render_one(documents.plan_official_document(plan_document_for_system(plan_id=plan.pk)), "pdf")
    return f"{plan.type_code.lower()}-{plan.pk}.pdf", data


def send_conclusion(conclusion: Plan, *, user=None, check: bool = True) -> ConclusionSending:
    """E-mail the issued notice, with its PDF, to every recipient unit (once)."""
    from invitations.outbox import Attachment

    if conclusion.kind != PlanKind.CONCLUSION or conclusion.state != PlanState.ISSUED:
        raise ValidationError(_("Only an issued conclusion notice can be sent."), code="not_issued")
    if check and not permissions.may_send_conclusion(user, conclusion):
        raise PermissionDenied
    existing = ConclusionSending.objects.filter(plan=conclusion).first()
    if existing is not None:
        return existing
    name, data = issued_pdf(conclusion)
    attachment = Attachment(filename=name, content=data, content_type="application/pdf")
    organisations = conclusion_recipients(conclusion)
    addresses = mail.unit_addresses([o.pk for o in organisations])
    with transaction.atomic():
        sending, created = ConclusionSending.objects.get_or_create(plan=conclusion, defaults={"sent_by": user})
        if not created:
            return sending
        for organisation in organisations:
            if mail.queue_conclusion(conclusion, organisation, addresses.get(organisation.pk, []), attachment, user=user):
                sending.recipients.append(organisation.name)
            else:
                sending.without_address.append(organisation.name)
        sending.save(update_fields=["recipients", "without_address"])
    return sending
