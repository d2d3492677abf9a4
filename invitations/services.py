"""Writes of the invitations app: recipients, issuance (number, render, sign,
mail), replies, the tier cascade and the organiser's manual actions.

Issuance runs in a Celery task (:func:`issue_and_send`, ``documents`` queue):
numbers are taken from the GM register of the inviting body in the
transaction that stores them, the Giấy mời are rendered in batches by
:func:`documents.rendering.render_pdfs`, signed, stored, and each is mailed
through the outbox with an idempotency key, so running the task again
numbers, renders and sends nothing twice.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from conferences.models import BridgePoint, Plan, PlanState
from conferences.selectors import PlanDocument, plan_document_for_system
from config.compiled import CompiledQuery, Prepared
from directory.models import Organisation, OrganisationKind
from documents import content
from documents.recipients import plan_recipients
from registers.services import take_number

from . import outbox, tokens
from .models import Campaign, Delegate, Invitation, IssueJob, JobState, MailState, Reply, ReplyChannel

logger = logging.getLogger(__name__)

RENDER_BATCH = 50


class InvitationError(Exception):
    """An action the state of the invitation does not allow (shown to the user)."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


# --- Campaign and recipients ---------------------------------------------------------


def can_invite(plan: Plan) -> bool:
    """Invitations go out for an issued plan with a conference."""
    return plan.state == PlanState.ISSUED and getattr(plan, "conference", None) is not None


def campaign_for(plan: Plan) -> Campaign:
    campaign, _ = Campaign.objects.get_or_create(plan=plan)
    return campaign


def lower_tier_points(doc: PlanDocument) -> set[int]:
    """Bridge points whose participants are invited by the unit that hosts them
    (“do Ủy ban nhân dân cấp huyện mời”)."""
    points = set()
    for block in doc.participant_blocks:
        point = block.bridge_point
        if point is not None and (point.invited_by_lower_tier or any(line.invited_by_lower_tier for line in block.lines)):
            points.add(point.pk)
    return points


def build_recipients(campaign: Campaign) -> int:
    """Invitations for the units the plan's participant groups name and the
    hosts of its bridge points; units already on the list are kept as they
    are. E-mail and phone come from the directory. Returns how many were added."""
    doc = plan_document_for_system(plan_id=campaign.plan_id)
    recipients = plan_recipients(doc)
    organisations = Organisation.objects.in_bulk([r.key for r in recipients], field_name="code")
    points = {point.key: point for point in doc.plan.bridge_points.all()}
    cascading = lower_tier_points(doc)
    existing = set(campaign.invitations.values_list("organisation_id", flat=True))
    rows = []
    for recipient in recipients:
        organisation = organisations.get(recipient.key)
        if organisation is None or organisation.pk in existing:
            continue
        point = points.get(recipient.bridge_point_key)
        rows.append(
            Invitation(
                campaign=campaign,
                organisation=organisation,
                inviter=doc.plan.issuing_body,
                bridge_point=point,
                point_host=organisation if recipient.hosts_point else (point.host if point else None),
                tier=organisation.tier,
                name=recipient.name,
                venue=recipient.venue,
                email=organisation.email,
                phone=organisation.phone,
                quota=campaign.default_quota,
                hosts_point=recipient.hosts_point,
                invites_lower_tier=recipient.hosts_point and point is not None and point.pk in cascading,
            )
        )
    Invitation.objects.bulk_create(rows)
    return len(rows)


def add_recipient(
    campaign: Campaign, *, organisation: Organisation, bridge_point: BridgePoint | None, email: str = "", quota=None
) -> Invitation:
    if campaign.invitations.filter(organisation=organisation).exists():
        raise InvitationError(_("This unit is already on the list."))
    venue = ""
    if bridge_point is not None:
        venue = nfc(bridge_point.place or bridge_point.host_text or bridge_point.heading)
        venue = venue[:1].upper() + venue[1:]
    return Invitation.objects.create(
        campaign=campaign,
        organisation=organisation,
        inviter=campaign.plan.issuing_body,
        bridge_point=bridge_point,
        point_host=bridge_point.host if bridge_point else None,
        tier=organisation.tier,
        name=organisation.name,
        venue=venue,
        email=email or organisation.email,
        phone=organisation.phone,
        quota=quota if quota is not None else campaign.default_quota,
    )


def remove_recipient(invitation: Invitation) -> None:
    if invitation.is_issued:
        raise InvitationError(_("An issued invitation cannot be removed; cancel its mail instead."))
    invitation.delete()


# --- Issuance ------------------------------------------------------------------------


def recipient_of(invitation: Invitation) -> content.Recipient:
    return content.Recipient(
        name=invitation.name,
        bridge_point=invitation.bridge_point.heading if invitation.bridge_point else "",
        venue=invitation.venue,
        key=invitation.organisation.code,
        hosts_point=invitation.hosts_point,
        bridge_point_key=invitation.bridge_point.key if invitation.bridge_point else "",
    )


def issuer_of(invitation: Invitation, plan: Plan) -> content.Issuer | None:
    """``None`` for the plan's issuing body; the inviting unit in the cascade."""
    inviter = invitation.inviter
    if inviter.pk == plan.issuing_body_id:
        return None
    unit = inviter.admin_unit
    return content.Issuer(
        name=inviter.name,
        letterhead_parent=inviter.letterhead_parent or "ỦY BAN NHÂN DÂN",
        letterhead_name=inviter.letterhead_name or (unit.name.upper() if unit else inviter.name.upper()),
        symbol=inviter.symbol or "UBND",
        place=unit.short_name if unit else plan.place,
        signature=content.Signature(titles=tuple(invitation.signer_titles), name=invitation.signer_name),
    )


def invitation_document(doc: PlanDocument, invitation: Invitation) -> content.OfficialDocument:
    return content.invitation_content(
        doc,
        recipient_of(invitation),
        number=invitation.number,
        issue_date=invitation.issue_date,
        issuer=issuer_of(invitation, doc.plan),
        reply_url=tokens.reply_url(invitation),
    )


def sign(data: bytes, invitation: Invitation, plan: Plan) -> bytes:
    """Sign a Giấy mời as an issued plan is signed: by the plan's signer for
    the issuing body, by the signer the inviting unit named in the cascade."""
    from workflow.signing import sign_pdf

    if invitation.inviter_id == plan.issuing_body_id:
        signer_name, signer_title = plan.signer_name, plan.signer_title
    else:
        signer_name, signer_title = invitation.signer_name, (invitation.signer_titles or [""])[-1]
    return sign_pdf(
        data,
        organisation=invitation.inviter,
        signer_name=signer_name,
        signer_title=signer_title,
        reason=f"Giấy mời số {invitation.number_display}",
    )


def request_issue(campaign: Campaign, invitation_ids: Sequence[int] | None = None) -> IssueJob:
    """Record an issuance job; its task is sent when the current transaction
    commits (a job for all invitations still waiting to start is reused)."""
    if invitation_ids is None:
        waiting = campaign.issue_jobs.filter(state=JobState.QUEUED, invitation_ids__isnull=True).first()
        if waiting is not None:
            return waiting
    return _queue_job(campaign.pk, list(invitation_ids) if invitation_ids is not None else None)


def _queue_job(campaign_id: int, invitation_ids: list[int] | None, *, fan_out: bool = True) -> IssueJob:
    from config.tasks import dispatch

    from .tasks import issue_invitations_task

    job = IssueJob.objects.create(campaign_id=campaign_id, invitation_ids=invitation_ids, fan_out=fan_out)
    dispatch(issue_invitations_task, job.pk)
    return job


def run_issue_job(job_id: int) -> dict:
    """The worker's side of an :class:`IssueJob`: claim it, do it, record the outcome."""
    from config import jobs

    if not jobs.claim(IssueJob, job_id, attempts=F("attempts") + 1):
        return {"job": job_id, "skipped": True}
    job = IssueJob.objects.get(pk=job_id)
    try:
        result = issue_and_send(
            job.campaign_id, job.invitation_ids, fan_out=job.fan_out, heartbeat=lambda: jobs.heartbeat(IssueJob, job_id)
        )
    except Exception as error:
        logger.exception("Issuing the invitations of job %s failed", job_id)
        IssueJob.objects.filter(pk=job_id).update(
            state=JobState.FAILED, error=f"{type(error).__name__}: {error}"[:2000], updated_at=timezone.now()
        )
        raise
    done = {"state": JobState.DONE, "result": result, "updated_at": timezone.now()}
    IssueJob.objects.filter(pk=job_id, state=JobState.RUNNING).update(**done)
    return result


def _number_pending(campaign: Campaign, invitation_ids, today: datetime.date) -> int:
    with transaction.atomic():
        pending = campaign.invitations.select_for_update(of=("self",)).filter(number__isnull=True).select_related("inviter")
        if invitation_ids is not None:
            pending = pending.filter(pk__in=invitation_ids)
        count = 0
        for invitation in pending.order_by("parent_id", "id"):
            invitation.number = take_number(issuing_body=invitation.inviter, type_code="GM", year=today.year)
            invitation.year, invitation.issue_date = today.year, today
            invitation.save(update_fields=["number", "year", "issue_date"])
            count += 1
        return count


def _file_name(invitation: Invitation) -> str:
    name = slugify(invitation.name.replace("đ", "d").replace("Đ", "D"))[:60] or "don-vi"
    return f"giay-moi-{invitation.number:02d}-{name}.pdf"


def issue_and_send(
    campaign_id: int, invitation_ids: Sequence[int] | None = None, *, fan_out: bool = True, heartbeat=None
) -> dict:
    """Number, render, sign and mail the campaign's invitations not yet done
    (or only ``invitation_ids``). Safe to run again at any point.

    With ``fan_out``, more than one batch to render is split into one task per
    batch (after numbering, which is quick), so that several worker processes
    render and sign at once."""
    from documents.rendering import render_pdfs

    campaign = Campaign.objects.select_related("plan").get(pk=campaign_id)
    if not can_invite(campaign.plan):
        raise InvitationError("The plan is not issued or has no conference.")
    numbered = _number_pending(campaign, invitation_ids, timezone.localdate())
    doc = plan_document_for_system(plan_id=campaign.plan_id)
    todo = campaign.invitations.filter(number__isnull=False).select_related(
        "inviter__admin_unit", "organisation", "bridge_point", "campaign__plan__conference"
    )
    if invitation_ids is not None:
        todo = todo.filter(pk__in=invitation_ids)
    unrendered = list(todo.filter(pdf="").order_by("parent_id", "id"))
    if fan_out and len(unrendered) > RENDER_BATCH:
        batches = [unrendered[i : i + RENDER_BATCH] for i in range(0, len(unrendered), RENDER_BATCH)]
        with transaction.atomic():
            for batch in batches:
                _queue_job(campaign_id, [invitation.pk for invitation in batch], fan_out=False)
        return {"numbered": numbered, "rendered": 0, "queued": 0, "batches": len(batches)}
    rendered = queued = 0
    for start in range(0, len(unrendered), RENDER_BATCH):
        chunk = unrendered[start : start + RENDER_BATCH]
        files = render_pdfs([invitation_document(doc, invitation) for invitation in chunk], batch_size=RENDER_BATCH)
        for invitation, data in zip(chunk, files, strict=True):
            signed = sign(data, invitation, doc.plan)
            invitation.pdf.save(_file_name(invitation), ContentFile(signed), save=False)
            invitation.pdf_sha256 = hashlib.sha256(signed).hexdigest()
            stored = {"pdf": invitation.pdf.name, "pdf_sha256": invitation.pdf_sha256}
            if Invitation.objects.filter(pk=invitation.pk, pdf="").update(**stored):
                rendered += 1
            else:  # another job stored this one's file first: keep one file
                invitation.pdf.storage.delete(invitation.pdf.name)
            if heartbeat:
                heartbeat()
        queued += _queue_invitation_mails(doc, [i.pk for i in chunk])
    queued += _queue_invitation_mails(doc, list(todo.values_list("pk", flat=True)))
    return {"numbered": numbered, "rendered": rendered, "queued": queued}


def _queue_invitation_mails(doc: PlanDocument, invitation_ids: list[int]) -> int:
    """Mail each issued Giấy mời that has an address and no mail yet (once: idempotency key)."""
    count = 0
    waiting = Invitation.objects.filter(
        pk__in=invitation_ids, mail__isnull=True, delivered_by_hand_at__isnull=True, number__isnull=False
    ).exclude(Q(email="") | Q(pdf=""))
    for invitation in waiting.select_related("inviter", "campaign"):
        with transaction.atomic():
            mail = queue_invitation_mail(doc, invitation)
            Invitation.objects.filter(pk=invitation.pk).update(mail=mail)
        count += 1
    return count


def _mail_context(doc: PlanDocument, invitation: Invitation) -> dict:
    deadline = invitation.campaign.reply_deadline
    return {
        "invitation": invitation,
        "conference": content.conference_name(doc.plan),
        "time": content.conference_time(doc.plan.conference),
        "reply_url": tokens.reply_url(invitation),
        "deadline": timezone.localtime(deadline) if deadline else None,
        "inviter": invitation.inviter.name,
    }


def queue_invitation_mail(doc: PlanDocument, invitation: Invitation, *, key_suffix: str = "", user=None):
    with translation.override(settings.LANGUAGE_CODE):
        context = _mail_context(doc, invitation)
        subject = _("Invitation no. %(number)s: %(conference)s") % {
            "number": invitation.number_display,
            "conference": context["conference"],
        }
        body = render_to_string("invitations/mail/invitation.txt", context)
    return outbox.queue_mail(
        invitation.email,
        subject,
        body,
        attachments=[outbox.Attachment(_file_name(invitation), content_type="application/pdf", stored_name=invitation.pdf.name)],
        related=invitation,
        idempotency_key=f"invitation:{invitation.pk}:giay-moi{key_suffix}",
        created_by=user,
    )


# --- Organiser's manual actions ---------------------------------------------------------


def resend_invitation(invitation: Invitation, *, user) -> None:
    """Mail the issued Giấy mời again (to the address on the invitation now)."""
    if not invitation.pdf or not invitation.email:
        raise InvitationError(_("Only an issued invitation with an e-mail address can be sent."))
    if invitation.mail and invitation.mail.state in (MailState.QUEUED, MailState.SENDING, MailState.RETRY):
        raise InvitationError(_("The invitation's mail is still on its way."))
    doc = plan_document_for_system(plan_id=invitation.campaign.plan_id)
    with transaction.atomic():
        count = outbox.OutgoingMail.objects.filter(outbox.mails_for(invitation)).count()
        mail = queue_invitation_mail(doc, invitation, key_suffix=f":{count + 1}", user=user)
        Invitation.objects.filter(pk=invitation.pk).update(mail=mail)


def mark_delivered_by_hand(invitation: Invitation, *, user) -> None:
    if not invitation.is_issued:
        raise InvitationError(_("Issue the invitation before delivering it."))
    with transaction.atomic():
        if invitation.mail_id:
            outbox.cancel(invitation.mail)
        Invitation.objects.filter(pk=invitation.pk).update(delivered_by_hand_at=timezone.now())


def reopen_reply(invitation: Invitation, reopened: bool = True) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(reply_reopened=reopened)


def update_recipient(invitation: Invitation, *, name: str, venue: str, email: str, phone: str, quota) -> None:
    fields = {"email": email, "phone": phone, "quota": quota}
    if not invitation.is_issued:  # printed texts are fixed once issued
        fields.update(name=nfc(name), venue=nfc(venue))
    Invitation.objects.filter(pk=invitation.pk).update(**fields)


# --- Replies ------------------------------------------------------------------------------


def reply_open(invitation: Invitation, now=None) -> bool:
    return _open(invitation.reply_reopened, invitation.campaign.reply_deadline, now)


def _open(reopened: bool, deadline, now=None) -> bool:
    return reopened or deadline is None or (now or timezone.now()) <= deadline


def note_opened(invitation: Invitation) -> None:
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=timezone.now())


@dataclass(frozen=True)
class DelegateEntry:
    full_name: str
    title: str = ""


# What decides on a reply, read with the invitation row locked (compiled once: every
# unit's reply runs it).
_LOCKED_REPLY_STATE = CompiledQuery(
    lambda pk: (
        Invitation.objects.select_for_update(of=("self",))
        .filter(pk=pk)
        .order_by()
        .values_list("quota", "hosts_point", "reply_reopened", "campaign__reply_deadline")
    )
)


def save_reply(
    invitation: Invitation,
    *,
    attending: bool,
    delegate_count: int,
    delegates: Sequence[DelegateEntry] = (),
    contact_name: str = "",
    contact_phone: str = "",
    connection_tested: bool | None = None,
    over_quota_reason: str = "",
    note: str = "",
    channel: str = ReplyChannel.ONLINE,
    user=None,
    locked: bool = False,
) -> None:
    """Store the answer (replacing an earlier one). The invitation row is
    locked, so concurrent answers to one invitation apply one after the other
    (``locked``: the caller's transaction holds the lock already, the
    invitation and its campaign read with it: the reply link's POST)."""
    if not attending:
        delegate_count, delegates, over_quota_reason = 0, (), ""
    entries = [DelegateEntry(nfc(d.full_name), nfc(d.title)) for d in delegates if nfc(d.full_name)]
    if locked and connection.get_autocommit():
        raise transaction.TransactionManagementError("save_reply(locked=True) runs in the transaction holding the lock.")
    with transaction.atomic(savepoint=not locked):
        # Only the invitation row is locked, not its campaign: replies to the other
        # invitations of the campaign go on. What decides is read once the lock is
        # held (the organiser may have closed the reply or changed the quota), as
        # values: no instances to build on the request every unit makes.
        if locked:
            quota, hosts_point = invitation.quota, invitation.hosts_point
            reopened, deadline = invitation.reply_reopened, invitation.campaign.reply_deadline
        else:
            state = _LOCKED_REPLY_STATE.first(invitation.pk)
            if state is None:
                raise Invitation.DoesNotExist
            quota, hosts_point, reopened, deadline = state
        if channel == ReplyChannel.ONLINE and not _open(reopened, deadline):
            raise InvitationError(_("The reply deadline has passed; ask the organiser to reopen the reply."))
        if quota is not None and delegate_count > quota and not over_quota_reason.strip():
            raise InvitationError(_("Give a reason for more delegates than the quota."))
        fields = {
            "attending": attending,
            "delegate_count": max(delegate_count, len(entries)),
            "over_quota_reason": nfc(over_quota_reason),
            "contact_name": nfc(contact_name),
            "contact_phone": nfc(contact_phone),
            "connection_tested": connection_tested if hosts_point else None,
            "note": nfc(note),
            "channel": channel,
            "entered_by": user if user is not None and user.is_authenticated else None,
        }
        if connection.vendor == "postgresql":
            changed = _write_reply_postgresql(invitation.pk, fields, entries)
        else:
            # A changed reply is one UPDATE (no read first).
            changed = Reply.objects.filter(invitation_id=invitation.pk).update(
                **fields, revision=F("revision") + 1, updated_at=timezone.now()
            )
            _replace_delegates(invitation.pk, entries)
        if not changed:  # the first reply
            Reply.objects.create(invitation_id=invitation.pk, **fields)


_REPLY_FIELDS = (
    "attending",
    "delegate_count",
    "over_quota_reason",
    "contact_name",
    "contact_phone",
    "connection_tested",
    "note",
    "channel",
    "entered_by",
)


@functools.cache
def _reply_write_statement() -> Prepared:
    """The statement of :func:`_write_reply_postgresql`, prepared once per connection:
    the delegates go in as arrays, so its text is the same for any number of them."""
    assignments = ", ".join(f"{_qn(Reply._meta.get_field(name).column)} = %s" for name in _REPLY_FIELDS)
    # Built from the model's own column names and a placeholder per value: no user text.
    return Prepared(
        f"""
        WITH reply AS (
            UPDATE invitations_reply SET {assignments}, revision = revision + 1, updated_at = %s
            WHERE invitation_id = %s RETURNING 1
        ), old AS (
            DELETE FROM invitations_delegate WHERE invitation_id = %s
            RETURNING full_name, checked_in_at, checked_in_by_id
        ), kept AS (
            SELECT DISTINCT ON (full_name) full_name, checked_in_at, checked_in_by_id
            FROM old WHERE checked_in_at IS NOT NULL
        ), added AS (
            INSERT INTO invitations_delegate
                (search_text, collation_key, invitation_id, "order", full_name, title, checked_in_at, checked_in_by_id)
            SELECT new.search_text, new.collation_key, %s, new.position, new.full_name, new.title,
                   kept.checked_in_at, kept.checked_in_by_id
            FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) WITH ORDINALITY
                 AS new (search_text, collation_key, full_name, title, position)
            LEFT JOIN kept ON kept.full_name = new.full_name
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM reply)
        """  # noqa: S608
    )


def _write_reply_postgresql(invitation_id: int, fields: dict, entries: list[DelegateEntry]) -> int:
    """The reply's update and its delegates replaced in one statement (one round
    trip instead of three: every unit posts its reply in conference week,
    benchmarks/replies_load.py). The invitation row is locked by the caller, so
    the statement's snapshot already holds every earlier reply to it. A
    delegate who keeps their name keeps their check-in. The number of replies
    updated (0: there is none yet)."""
    params = [
        Reply._meta.get_field(name).get_db_prep_save(getattr(fields[name], "pk", fields[name]), connection)
        for name in _REPLY_FIELDS
    ]
    params += [Reply._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection), invitation_id, invitation_id]
    columns = ([], [], [], [])
    for order, entry in enumerate(entries, start=1):
        delegate = Delegate(invitation_id=invitation_id, order=order, full_name=entry.full_name, title=entry.title)
        delegate.refresh_search_fields()
        values = (delegate.search_text, delegate.collation_key, entry.full_name, entry.title)
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    params += [invitation_id, *columns]
    with connection.cursor() as cursor:
        _reply_write_statement().execute(cursor, params)
        return cursor.fetchone()[0]


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


CHECKED_IN_AT = Delegate._meta.get_field("checked_in_at")


def _from_db(field, value):
    """A value read by raw SQL as the ORM would give it (SQLite returns the
    check-in time as text in UTC: read as it is, it moved by the time zone)."""
    column = field.get_col(field.model._meta.db_table)
    for converter in [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]:
        value = converter(value, column, connection)
    return value


def _replace_delegates(invitation_id: int, entries: list[DelegateEntry]) -> None:
    """Rows in order; a delegate who keeps their name keeps their check-in."""
    # One statement deletes the rows and gives back their check-ins (Django's delete
    # would read them first: a round trip more on every reply). Delegate rows have no
    # relations pointing at them nor delete signals, so Django's delete is this DELETE too.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM invitations_delegate WHERE invitation_id = %s RETURNING full_name, checked_in_at, checked_in_by_id",
            [invitation_id],
        )
        checked_in = {name: (_from_db(CHECKED_IN_AT, at), by) for name, at, by in cursor.fetchall() if at is not None}
    rows = []
    for order, entry in enumerate(entries, start=1):
        at, by = checked_in.get(entry.full_name, (None, None))
        rows.append(
            Delegate(
                invitation_id=invitation_id,
                order=order,
                full_name=entry.full_name,
                title=entry.title,
                checked_in_at=at,
                checked_in_by_id=by,
            )
        )
    Delegate.objects.bulk_create(rows)


# --- Tier cascade --------------------------------------------------------------------------


def cascade_candidates(invitation: Invitation):
    """Units a bridge-point host may invite: its own units in the directory
    (organisations under it) and the People's Committees of the
    administrative units under its own (its communes)."""
    host = invitation.organisation
    condition = Q(parent=host)
    if host.admin_unit_id:
        condition |= Q(admin_unit__parent_id=host.admin_unit_id, kind=OrganisationKind.PEOPLE_COMMITTEE)
    return (
        Organisation.objects.filter(condition, is_active=True)
        .exclude(pk=host.pk)
        .select_related("admin_unit")
        .order_by("tier", "collation_key")
    )


def invite_lower_tier(
    parent: Invitation,
    organisations: Sequence[Organisation],
    *,
    signer_name: str,
    signer_title: str,
    on_behalf_of: str = "ỦY BAN NHÂN DÂN",
    emails: dict[int, str] | None = None,
    user=None,
) -> list[Invitation]:
    """The host of a bridge point invites its own units to it: invitations
    under its name and GM register, issued and mailed by the issuance job."""
    if not parent.invites_lower_tier or not parent.is_issued:
        raise InvitationError(_("This invitation does not ask to invite a lower tier."))
    if not reply_open(parent):
        raise InvitationError(_("The reply deadline has passed."))
    allowed = set(cascade_candidates(parent).values_list("pk", flat=True))
    if any(organisation.pk not in allowed for organisation in organisations):
        raise InvitationError(_("A unit outside your own lower tier was chosen."))
    titles = [f"TM. {nfc(on_behalf_of)}"] if on_behalf_of.strip() else []
    titles.append(nfc(signer_title).upper())
    emails = emails or {}
    created = []
    with transaction.atomic():
        taken = set(parent.campaign.invitations.values_list("organisation_id", flat=True))
        for organisation in organisations:
            if organisation.pk in taken:
                continue
            created.append(
                Invitation.objects.create(
                    campaign=parent.campaign,
                    organisation=organisation,
                    inviter=parent.organisation,
                    parent=parent,
                    bridge_point=parent.bridge_point,
                    point_host=parent.organisation,
                    tier=organisation.tier,
                    name=organisation.name,
                    venue=parent.venue,
                    email=emails.get(organisation.pk) or organisation.email,
                    phone=organisation.phone,
                    signer_name=nfc(signer_name),
                    signer_titles=titles,
                )
            )
        if created:
            request_issue(parent.campaign, [invitation.pk for invitation in created])
    return created


# --- Check-in ----------------------------------------------------------------------------


def check_in(delegate: Delegate, *, user, present: bool = True) -> Delegate:
    if present:
        Delegate.objects.filter(pk=delegate.pk, checked_in_at__isnull=True).update(
            checked_in_at=timezone.now(), checked_in_by=user
        )
    else:
        Delegate.objects.filter(pk=delegate.pk).update(checked_in_at=None, checked_in_by=None)
    delegate.refresh_from_db(fields=["checked_in_at", "checked_in_by"])
    return delegate


def add_walk_in(invitation: Invitation, *, full_name: str, title: str, user) -> Delegate:
    """A delegate who comes without being named in the reply, checked in at once."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        order = (locked.delegates.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        delegate = Delegate(
            invitation=locked,
            order=order,
            full_name=nfc(full_name),
            title=nfc(title),
            checked_in_at=timezone.now(),
            checked_in_by=user,
        )
        delegate.save()
    return delegate
