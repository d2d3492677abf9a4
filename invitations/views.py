"""Pages of the invitations app.

- Organiser (clerk, administrator): recipients, sending, the dashboard, the
  outbox, an invitation's page (manual actions, a reply received by phone or
  on paper), exports, check-in.
- Unit office (logged in): its own invitations, the reply page, the tier cascade.
- Anyone with a reply link (no account): the reply page of that invitation
  only; links are signed, expire after the conference and are rate-limited.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from conferences.models import Plan, PlanState
from conferences.widgets import resolve_picker_labels
from config.compiled import CompiledQuery
from documents import content

from . import exports, forms, outbox, permissions, ratelimit, selectors, services, tokens
from .models import Campaign, Delegate, Invitation, MailState, OutgoingMail, ReplyChannel

PAGE_SIZE = 50
BAD_LINKS_PER_10_MINUTES = 20


# --- Helpers ---------------------------------------------------------------------------


def _organiser_plan(request, plan_id: int) -> tuple[Plan, Campaign]:
    permissions.require_organiser(request.user)
    plan = get_object_or_404(Plan.objects.select_related("conference", "issuing_body"), pk=plan_id)
    permissions.require_organiser(request.user, plan)
    if getattr(plan, "conference", None) is None:
        raise Http404
    return plan, services.campaign_for(plan)


def _organiser_invitation(request, pk: int) -> Invitation:
    permissions.require_organiser(request.user)
    invitation = get_object_or_404(
        Invitation.objects.select_related(
            "campaign__plan__conference", "organisation", "inviter", "bridge_point", "mail", "parent__organisation"
        ),
        pk=pk,
    )
    permissions.require_organiser(request.user, invitation.campaign.plan)
    return invitation


def _next(request) -> str:
    """The posted ``next`` address, if it stays on this site."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if target and allowed else ""


def _back_to(invitation: Invitation):
    return redirect("invitations:detail", pk=invitation.pk)


# --- Organiser: plans, recipients, sending -------------------------------------------------


@login_required
def index(request):
    if permissions.is_unit_office(request.user):
        return redirect("invitations:mine")
    permissions.require_organiser(request.user)
    plans = (
        permissions.organised_plans(request.user, Plan.objects.filter(state=PlanState.ISSUED, conference__isnull=False))
        .select_related("issuing_body", "conference", "invitation_campaign")
        .order_by("-year", "-issue_date", "-id")
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "invitations/index.html", {"page": page})


@login_required
def recipients(request, plan_id: int):
    plan, campaign = _organiser_plan(request, plan_id)
    settings_form = forms.CampaignForm(instance=campaign)
    add_form = forms.AddRecipientForm(plan=plan)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings":
            settings_form = forms.CampaignForm(request.POST, instance=campaign)
            if settings_form.is_valid():
                settings_form.save()
                messages.success(request, _("Settings saved."))
                return redirect("invitations:recipients", plan_id=plan.pk)
        elif action == "build":
            if not services.can_invite(plan):
                messages.error(request, _("Invitations are sent for an issued plan only."))
            else:
                added = services.build_recipients(campaign)
                messages.success(request, _("%(count)s units added from the plan's participants.") % {"count": added})
            return redirect("invitations:recipients", plan_id=plan.pk)
        elif action == "add":
            add_form = forms.AddRecipientForm(request.POST, plan=plan)
            if add_form.is_valid():
                try:
                    services.add_recipient(campaign, **add_form.cleaned_data)
                except services.InvitationError as error:
                    add_form.add_error("organisation", str(error))
                else:
                    messages.success(request, _("Unit added."))
                    return redirect("invitations:recipients", plan_id=plan.pk)
        else:
            raise Http404
    resolve_picker_labels([add_form])
    rows = selectors.invitation_rows(campaign, state=request.GET.get("state", ""), query=request.GET.get("q", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "invitations/recipients.html",
        {
            "plan": plan,
            "campaign": campaign,
            "settings_form": settings_form,
            "add_form": add_form,
            "page": page,
            "missing": list(selectors.missing_addresses(campaign)[:200]),
            "pending": campaign.invitations.filter(number__isnull=True).count(),
            "can_invite": services.can_invite(plan),
        },
    )


@login_required
@require_POST
def send(request, plan_id: int):
    plan, campaign = _organiser_plan(request, plan_id)
    if not services.can_invite(plan):
        messages.error(request, _("Invitations are sent for an issued plan only."))
    elif campaign.reply_deadline is None:
        messages.error(request, _("Set the reply deadline first."))
    elif not campaign.invitations.exists():
        messages.error(request, _("The list of recipients is empty."))
    else:
        with transaction.atomic():
            services.request_issue(campaign)
        messages.success(request, _("The invitations are being numbered, signed and sent; this page shows their progress."))
    return redirect("invitations:dashboard", plan_id=plan.pk)


@login_required
def dashboard(request, plan_id: int):
    plan, campaign = _organiser_plan(request, plan_id)
    state = request.GET.get("state", "")
    query = request.GET.get("q", "")
    page = Paginator(selectors.invitation_rows(campaign, state=state, query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "invitations/dashboard.html",
        {
            "plan": plan,
            "campaign": campaign,
            "board": selectors.dashboard(campaign),
            "non_responders": list(selectors.non_responders(campaign)[:200]),
            "page": page,
            "state": state,
            "query": query,
            "query_string": query_string.urlencode(),
            "states": [
                ("", _("All")),
                ("sent", _("Sent")),
                ("waiting", _("On the way")),
                ("failed", _("Failed")),
                ("no_address", _("No e-mail")),
                ("yes", _("Attending")),
                ("no", _("Not attending")),
                ("no_reply", _("No reply")),
                ("draft", _("Not issued")),
            ],
        },
    )


@login_required
def mails(request, plan_id: int):
    plan, campaign = _organiser_plan(request, plan_id)
    state = request.GET.get("state", "")
    rows = selectors.campaign_mails(campaign, state=state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    invitations = Invitation.objects.in_bulk([mail.related_id for mail in page])
    for mail in page:
        mail.invitation = invitations.get(mail.related_id)
    return render(
        request,
        "invitations/mails.html",
        {"plan": plan, "campaign": campaign, "page": page, "state": state, "states": MailState.choices},
    )


@login_required
@require_POST
def mail_action(request, pk: int, action: str):
    permissions.require_organiser(request.user)
    mail = get_object_or_404(OutgoingMail, pk=pk)
    permissions.require_organiser(request.user, _plan_of(mail))
    if action == "cancel":
        if outbox.cancel(mail):
            messages.success(request, _("The mail is cancelled."))
        else:
            messages.error(request, _("Only a mail that waits can be cancelled."))
    elif action == "resend":
        if not mail.can_resend:
            messages.error(request, _("The mail is still on its way."))
        else:
            copy = outbox.resend(mail, user=request.user)
            if isinstance(mail.related, Invitation):
                Invitation.objects.filter(pk=mail.related_id).update(mail=copy)
            messages.success(request, _("The mail is queued again."))
    else:
        raise Http404
    return redirect(_next(request) or "invitations:index")


def _plan_of(mail: OutgoingMail) -> Plan | None:
    """The plan a mail is about (a Giấy mời, a campaign's reminder, a
    contribution request, a conclusion notice), or None."""
    related = mail.related
    if isinstance(related, Invitation):
        return related.campaign.plan
    if isinstance(related, Plan):
        return related
    return getattr(related, "plan", None)


# --- Organiser: one invitation ----------------------------------------------------------------


@login_required
def detail(request, pk: int):
    invitation = _organiser_invitation(request, pk)
    reply = getattr(invitation, "reply", None)
    form, formset = _reply_forms(request, invitation, organiser=True)
    if request.method == "POST" and request.POST.get("action") == "reply":
        saved = _save_reply(request, invitation, form, formset, user=request.user)
        if saved:
            messages.success(request, _("The reply is recorded."))
            return _back_to(invitation)
    recipient_form = forms.RecipientForm(instance=invitation)
    if request.method == "POST" and request.POST.get("action") == "recipient":
        recipient_form = forms.RecipientForm(request.POST, instance=invitation)
        if recipient_form.is_valid():
            data = recipient_form.cleaned_data
            services.update_recipient(
                invitation,
                name=data.get("name", invitation.name),
                venue=data.get("venue", invitation.venue),
                email=data["email"],
                phone=data["phone"],
                quota=data["quota"],
            )
            messages.success(request, _("Saved."))
            return _back_to(invitation)
    mails_sent = OutgoingMail.objects.filter(outbox.mails_for(invitation)).order_by("-created_at", "-id")
    return render(
        request,
        "invitations/detail.html",
        {
            "invitation": invitation,
            "plan": invitation.campaign.plan,
            "reply": reply,
            "form": form,
            "formset": formset,
            "recipient_form": recipient_form,
            "mails": mails_sent,
            "delegates": list(invitation.delegates.order_by("order")),
            "cascaded": list(invitation.cascaded.select_related("organisation", "mail", "reply").order_by("id")),
            "reply_path": tokens.reply_path(invitation) if invitation.is_issued else "",
            "open": services.reply_open(invitation),
        },
    )


@login_required
@require_POST
def invitation_action(request, pk: int, action: str):
    invitation = _organiser_invitation(request, pk)
    try:
        if action == "resend":
            services.resend_invitation(invitation, user=request.user)
            messages.success(request, _("The invitation is queued again."))
        elif action == "by_hand":
            services.mark_delivered_by_hand(invitation, user=request.user)
            messages.success(request, _("Marked as delivered by hand."))
        elif action == "reopen":
            services.reopen_reply(invitation, not invitation.reply_reopened)
            messages.success(request, _("Reply reopened.") if not invitation.reply_reopened else _("Reply closed again."))
        elif action == "remove":
            plan_id = invitation.campaign.plan_id
            services.remove_recipient(invitation)
            messages.success(request, _("Unit removed from the list."))
            return redirect("invitations:recipients", plan_id=plan_id)
        else:
            raise Http404
    except services.InvitationError as error:
        messages.error(request, str(error))
    return _back_to(invitation)


def _pdf_response(invitation: Invitation):
    if not invitation.pdf:
        raise Http404
    return FileResponse(
        invitation.pdf.open("rb"),
        as_attachment=True,
        filename=invitation.pdf.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )


@login_required
@require_GET
def organiser_pdf(request, pk: int):
    return _pdf_response(_organiser_invitation(request, pk))


# --- Replies: by link or as the unit's office ----------------------------------------------------


@dataclass
class Access:
    """How the reply pages were reached: a signed link or a unit office account."""

    invitation: Invitation
    token: str = ""
    # The invitation row is locked in the request's transaction (a reply posted by link).
    locked: bool = False

    def url(self, name: str) -> str:
        if self.token:
            return reverse(f"invitations:link_{name}", args=[self.invitation.pk, self.token])
        return reverse(f"invitations:mine_{name}", args=[self.invitation.pk])


def _link_error(request, kind: str, status: int = 403):
    return render(request, "invitations/link_error.html", {"kind": kind}, status=status)


def _by_link(view, *, reply_on_get: bool = False):
    """Check the link (rate limit, signature, invitation, expiry) before the view
    (``reply_on_get``: a GET shows the reply, read with the invitation)."""

    def wrapped(request, pk: int, token: str, *args, **kwargs):
        ip = ratelimit.client_ip(request)
        if ratelimit.over(f"bad-link:{ip}", limit=BAD_LINKS_PER_10_MINUTES, window=600):
            return _link_error(request, "limited", status=429)
        if not ratelimit.allow(f"link:{pk}", limit=settings.REPLY_LINK_HITS_PER_MINUTE, window=60):
            return _link_error(request, "limited", status=429)
        # A GET shows the reply and the inviting body. A reply posted is saved in one
        # transaction with the link check, which locks the invitation row: one query
        # less than locking it again to save (services.save_reply).
        related = ("inviter", "reply") if reply_on_get and request.method == "GET" else ()
        lock = reply_on_get and request.method == "POST"
        try:
            with transaction.atomic() if lock else nullcontext():
                invitation = tokens.check_token(
                    pk, token, related=related, for_update=lock, with_delegates=reply_on_get and request.method == "GET"
                )
                return view(request, Access(invitation, token, locked=lock), *args, **kwargs)
        except tokens.TokenError as error:
            ratelimit.allow(f"bad-link:{ip}", limit=BAD_LINKS_PER_10_MINUTES, window=600)
            return _link_error(request, error.kind, status=410 if error.kind == "expired" else 403)

    return wrapped


def _as_unit(view):
    """The invitation must be addressed to the logged-in unit office's own unit."""

    @login_required
    def wrapped(request, pk: int, *args, **kwargs):
        if not permissions.is_unit_office(request.user):
            raise PermissionDenied
        invitation = get_object_or_404(
            Invitation.objects.select_related(
                "campaign__plan__conference", "campaign__plan__issuing_body", "organisation", "inviter"
            ),
            pk=pk,
            organisation_id=request.user.organisation_id,
            number__isnull=False,
        )
        return view(request, Access(invitation), *args, **kwargs)

    return wrapped


def _reply_forms(request, invitation: Invitation, *, organiser: bool = False, delegates: list | None = None):
    """The reply form and the delegate rows: bound to the POST, or filled with the current reply
    (``delegates``: the invitation's delegates in order, when the caller has them already)."""
    posted = request.method == "POST" and request.POST.get("action") == "reply"
    if posted:  # a bound form does not use the current reply: no query for it
        return forms.ReplyForm(request.POST, invitation=invitation, organiser=organiser), forms.delegate_formset(
            request.POST, invitation=invitation
        )
    reply = getattr(invitation, "reply", None)
    if delegates is None:
        delegates = list(invitation.delegates.order_by("order"))
    initial_delegates = [{"full_name": d.full_name, "title": d.title} for d in delegates]
    initial = {}
    if reply is not None:
        initial = {
            "attending": "yes" if reply.attending else "no",
            "delegate_count": reply.delegate_count or None,
            "over_quota_reason": reply.over_quota_reason,
            "contact_name": reply.contact_name,
            "contact_phone": reply.contact_phone,
            "connection_tested": bool(reply.connection_tested),
            "note": reply.note,
            "channel": reply.channel if reply.channel != ReplyChannel.ONLINE else ReplyChannel.PHONE,
        }
    form = forms.ReplyForm(None, initial=initial, invitation=invitation, organiser=organiser)
    formset = forms.delegate_formset(None, invitation=invitation, initial=initial_delegates)
    return form, formset


def _save_reply(request, invitation: Invitation, form, formset, *, user=None, locked: bool = False) -> bool:
    if not (form.is_valid() and formset.is_valid()):
        return False
    data = form.cleaned_data
    named = formset.named() if data["attending"] else []
    count = data.get("delegate_count") or 0
    if data["attending"] and len(named) > count:
        form.add_error("delegate_count", _("More names than delegates: give the number of delegates."))
        return False
    try:
        services.save_reply(
            invitation,
            attending=data["attending"],
            delegate_count=count,
            delegates=[services.DelegateEntry(d["full_name"], d.get("title", "")) for d in named],
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            connection_tested=data.get("connection_tested"),
            over_quota_reason=data.get("over_quota_reason", ""),
            note=data.get("note", ""),
            channel=data.get("channel") or ReplyChannel.ONLINE,
            user=user,
            locked=locked,
        )
    except services.InvitationError as error:
        form.add_error(None, str(error))
        return False
    return True


_DELEGATES = CompiledQuery(
    lambda pk: Delegate.objects.filter(invitation_id=pk).order_by("order").only("invitation_id", "order", "full_name", "title")
)


def _delegates(invitation: Invitation) -> list[Delegate]:
    """The named delegates in order, with what the reply pages show of them
    (read with the link check on PostgreSQL)."""
    delegates = tokens.delegates_of(invitation)
    return delegates if delegates is not None else _DELEGATES.run(invitation.pk)


def reply_page(request, access: Access):
    invitation = access.invitation
    services.note_opened(invitation)
    open_ = services.reply_open(invitation)
    delegates = _delegates(invitation) if request.method != "POST" else None
    form, formset = _reply_forms(request, invitation, delegates=delegates)
    if request.method == "POST":
        if not open_:
            messages.error(request, _("The reply deadline has passed; ask the organiser to reopen the reply."))
            return redirect(access.url("reply"))
        if _save_reply(request, invitation, form, formset, user=request.user, locked=access.locked):
            messages.success(request, _("Thank you: your reply is recorded. You may change it until the deadline."))
            return redirect(access.url("reply"))
    plan = invitation.campaign.plan
    return render(
        request,
        "invitations/reply.html",
        {
            "access": access,
            "invitation": invitation,
            "plan": plan,
            "conference_name": content.conference_name(plan),
            "conference_time": content.conference_time(plan.conference),
            "reply": getattr(invitation, "reply", None),
            "delegates": delegates if delegates is not None else _delegates(invitation),
            "form": form,
            "formset": formset,
            "open": open_,
            "deadline": invitation.campaign.reply_deadline,
            "invited_below": invitation.cascaded.count() if invitation.invites_lower_tier else 0,
        },
    )


def cascade_page(request, access: Access):
    invitation = access.invitation
    if not invitation.invites_lower_tier:
        raise Http404
    candidates = services.cascade_candidates(invitation)
    form = forms.CascadeForm(
        request.POST or None, candidates=candidates.exclude(pk__in=invitation.campaign.invitations.values("organisation_id"))
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.invite_lower_tier(
                invitation,
                list(form.cleaned_data["units"]),
                signer_name=form.cleaned_data["signer_name"],
                signer_title=form.cleaned_data["signer_title"],
                on_behalf_of=form.cleaned_data["on_behalf_of"],
                user=request.user,
            )
        except services.InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(count)s invitations are being issued and sent.") % {"count": len(created)})
            return redirect(access.url("cascade"))
    invited = invitation.cascaded.select_related("organisation", "mail", "reply").order_by("id")
    return render(
        request,
        "invitations/cascade.html",
        {"access": access, "invitation": invitation, "form": form, "invited": invited, "open": services.reply_open(invitation)},
    )


def own_pdf(request, access: Access):
    return _pdf_response(access.invitation)


link_reply = _by_link(reply_page, reply_on_get=True)
link_cascade = _by_link(cascade_page)
link_pdf = _by_link(own_pdf)
mine_reply = _as_unit(reply_page)
mine_cascade = _as_unit(cascade_page)
mine_pdf = _as_unit(own_pdf)


@login_required
def mine(request):
    if not permissions.is_unit_office(request.user):
        raise PermissionDenied
    page = Paginator(selectors.unit_invitations(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "invitations/mine.html", {"page": page})


# --- Exports and check-in --------------------------------------------------------------------------


@login_required
def delegates_xlsx(request, plan_id: int):
    plan, campaign = _organiser_plan(request, plan_id)
    data = exports.delegates_workbook(plan, selectors.sorted_delegates(campaign))
    return _download(data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"dai-bieu-{plan.pk}.xlsx")


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def attendance_sheet(request, plan_id: int):
    plan, campaign = _organiser_plan(request, plan_id)
    return render(
        request,
        "invitations/attendance_sheet.html",
        {"plan": plan, "conference_name": content.conference_name(plan), "delegates": selectors.sorted_delegates(campaign)},
    )


@login_required
def name_cards(request, plan_id: int):
    plan, campaign = _organiser_plan(request, plan_id)
    return _download(
        exports.name_cards_pdf(plan, selectors.sorted_delegates(campaign)), "application/pdf", f"bang-ten-{plan.pk}.pdf"
    )


@login_required
def checkin(request, plan_id: int):
    plan, campaign = _organiser_plan(request, plan_id)
    search = forms.CheckinSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    found = list(selectors.search_delegates(campaign, query)[:50]) if query else []
    walk_in = forms.WalkInForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and walk_in.is_valid():
        data = walk_in.cleaned_data
        delegate = services.add_walk_in(data["invitation"], full_name=data["full_name"], title=data["title"], user=request.user)
        messages.success(request, _("%(name)s is checked in.") % {"name": delegate.full_name})
        return redirect(f"{reverse('invitations:checkin', args=[plan.pk])}?q={delegate.full_name}")
    return render(
        request,
        "invitations/checkin.html",
        {
            "plan": plan,
            "search": search,
            "query": query,
            "found": found,
            "counts": selectors.checkin_counts(campaign),
            "walk_in": walk_in,
        },
    )


@login_required
@require_GET
def checkin_counts(request, plan_id: int):
    _plan, campaign = _organiser_plan(request, plan_id)
    return JsonResponse(selectors.checkin_counts(campaign))


@login_required
@require_POST
def check_in(request, pk: int):
    permissions.require_organiser(request.user)
    delegate = get_object_or_404(Delegate.objects.select_related("invitation__campaign__plan"), pk=pk)
    permissions.require_organiser(request.user, delegate.invitation.campaign.plan)
    present = request.POST.get("present", "1") == "1"
    services.check_in(delegate, user=request.user, present=present)
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse(
            {
                "id": delegate.pk,
                "present": delegate.checked_in_at is not None,
                "time": timezone.localtime(delegate.checked_in_at).strftime("%H:%M") if delegate.checked_in_at else "",
                "counts": selectors.checkin_counts(delegate.invitation.campaign),
            }
        )
    return redirect(_next(request) or reverse("invitations:checkin", args=[delegate.invitation.campaign.plan_id]))


@login_required
def scan(request, plan_id: int):
    plan, campaign = _organiser_plan(request, plan_id)
    if request.method == "POST":
        return JsonResponse(_scanned(campaign, request.POST.get("code", ""), request.user))
    return render(request, "invitations/scan.html", {"plan": plan, "counts": selectors.checkin_counts(campaign)})


def _scanned(campaign: Campaign, code: str, user) -> dict:
    """A scanned QR code: a delegate's name card (checked in at once) or a
    Giấy mời's reply link (its delegates listed to check in)."""
    delegate_id = exports.read_card_code(code)
    if delegate_id is not None:
        delegate = Delegate.objects.filter(pk=delegate_id, invitation__campaign=campaign).select_related("invitation").first()
        if delegate is None:
            return {"ok": False, "message": _("This name card is for another conference.")}
        services.check_in(delegate, user=user)
        return {
            "ok": True,
            "message": _("%(name)s is checked in.") % {"name": delegate.full_name},
            "delegates": [_delegate_json(delegate)],
        }
    invitation = _invitation_from_link(code)
    if invitation is None or invitation.campaign_id != campaign.pk:
        return {"ok": False, "message": _("This code is not a Giấy mời or name card of this conference.")}
    delegates = [_delegate_json(d) for d in invitation.delegates.order_by("order")]
    return {"ok": True, "message": invitation.name, "delegates": delegates}


def _delegate_json(delegate: Delegate) -> dict:
    return {
        "id": delegate.pk,
        "name": delegate.full_name,
        "title": delegate.title,
        "present": delegate.checked_in_at is not None,
        "url": reverse("invitations:check_in", args=[delegate.pk]),
    }


def _invitation_from_link(code: str) -> Invitation | None:
    try:
        match = resolve(urlsplit(code.strip()).path)
    except Resolver404:
        return None
    if match.url_name != "link_reply":
        return None
    try:
        return tokens.check_token(match.kwargs["pk"], match.kwargs["token"])
    except tokens.TokenError:
        return None


# --- Outbox files ----------------------------------------------------------------------------------


@require_GET
def outbox_file(request, token: str):
    attachment = outbox.read_attachment_link(token)
    if attachment is None:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename, content_type=attachment.content_type
    )
