"""THE permission matrix: every URL pattern of the project → the request to
make and the expected outcome for each role (tests/test_permission_matrix.py).

Roles (columns): anonymous, unit_a / unit_b (unit offices; the invitation,
contribution and task are unit A's), drafter (Sở Nội vụ of ANOTHER province
than the plans'), reviewer (a leader of another province, in no review
chain), signer (the plans' designated signer), clerk (Văn phòng UBND of
another province), admin (superuser). See tests/permission_world.py.

Notation: ``get(kwargs, default, **roles)`` / ``post(...)``: ``default`` is the
status of every logged-in role not named; anonymous is ``LOGIN`` (302 to the
login page) unless named. Groups: ``units`` (unit_a, unit_b), ``staff``
(drafter, reviewer, signer, clerk, admin), ``leaders`` (reviewer, signer),
``editors`` (drafter, clerk, admin: the directory). A group is applied
before single roles, so ``get(k, 403, staff=200, clerk=403)`` reads as it
says. Allowed POSTs are made with empty or minimal data and rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from .permission_world import ROLES

LOGIN = "login"  # 302 to the login page, with ?next=
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page
HEALTHZ = 200 if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL else 503
SECOND_FACTOR = "2fa"  # 302 to the code step or the enrolment of two-factor authentication

GROUPS = {
    "units": ("unit_a", "unit_b"),
    "staff": ("drafter", "reviewer", "signer", "clerk", "admin"),
    "leaders": ("reviewer", "signer"),
    "editors": ("drafter", "clerk", "admin"),
    "readers": ("drafter", "reviewer", "signer", "clerk", "admin"),
    "everyone": ROLES,
}


@dataclass
class Case:
    method: str
    kwargs: Callable  # world → URL kwargs
    expected: dict  # role → status (int) or LOGIN / ADMIN_LOGIN
    data: dict = field(default_factory=dict)
    label: str = ""
    query: str = ""


def _expected(default, roles: dict) -> dict:
    expected = {role: default for role in ROLES}
    expected["anonymous"] = LOGIN
    for name, status in roles.items():
        if name in GROUPS:
            for role in GROUPS[name]:
                expected[role] = status
    for name, status in roles.items():
        if name not in GROUPS:
            assert name in ROLES, f"unknown role {name!r}"
            expected[name] = status
    return expected


def get(kwargs, default, *, label="", query="", **roles) -> Case:
    return Case("GET", kwargs, _expected(default, roles), label=label, query=query)


def post(kwargs, default, *, data=None, label="", **roles) -> Case:
    return Case("POST", kwargs, _expected(default, roles), data=data or {}, label=label)


def NONE(w):  # noqa: N802 - reads as a constant in the table
    return {}


def pk(name: str, key: str = "pk", **extra):
    """URL kwargs ``{key: world.<name>.pk, **extra}``."""
    return lambda w: {key: getattr(w, name).pk, **extra}


LINK = lambda w: {"pk": w.invitation_a.pk, "token": w.token_a}  # noqa: E731
BAD_LINK = lambda w: {"pk": w.invitation_a.pk, "token": w.token_a[:-4] + "AAAA"}  # noqa: E731
PLAN_P1_DRAFT = "draft of province 1 (another unit's)"
OWN_DRAFT = "draft of the drafter's own unit"

TABLE: dict[str, Case | list[Case]] = {
    # --- Site -----------------------------------------------------------------------------------
    "dashboard": get(NONE, 200),
    "login": get(NONE, 302, anonymous=200),  # signed-in users go on to the dashboard
    "logout": post(NONE, 302, anonymous=302),
    "set_language": post(NONE, 302, anonymous=302, data={"language": "en"}),
    # --- Account security (2FA): every signed-in user, for their own account ----------------------------
    "accounts:verify": get(NONE, 302, units=SECOND_FACTOR, drafter=SECOND_FACTOR),  # verified: on; no device: enrol
    "accounts:enrol": get(NONE, 302, units=200, drafter=200),  # a first device without re-auth; others re-authenticate
    "accounts:backup_codes": get(NONE, 302),  # nothing to show: back to the security page
    "accounts:security": get(NONE, 200),
    "accounts:add_device": post(NONE, 400, label="no password or code"),
    "accounts:remove_device": post(NONE, 400, label="no device chosen"),
    "accounts:regenerate_codes": post(NONE, 400, units=403, drafter=403, label="no app: no backup codes"),
    "accounts:change_password": post(NONE, 400, label="empty form"),
    # --- Security audit log: administrators only ----------------------------------------------------------
    "audit:list": get(NONE, 403, admin=200),
    "audit:export_csv": get(NONE, 403, admin=200),
    "audit:export_xlsx": get(NONE, 403, admin=200),
    # --- Operations: public health checks for the load balancer; task failures for administrators ----------
    # /healthz: the same answer for everyone, no login. It reports 503 while no worker heartbeat is
    # fresh; the test settings run tasks in-process, which counts as healthy.
    "ops:healthz": get(NONE, HEALTHZ, anonymous=HEALTHZ),
    "ops:live": get(NONE, 200, anonymous=200),
    "ops:failure_list": get(NONE, 403, admin=200),
    "ops:failure_resolve": post(pk("task_failure"), 403, admin=302),
    "ops:bare": get(NONE, 404, anonymous=404),  # only with BENCHMARK_BARE_VIEW (benchmarks/replies_load.py)
    # --- Plans ------------------------------------------------------------------------------------
    "conferences:plan_list": get(NONE, 200),
    "conferences:plan_new": [
        get(NONE, 403, drafter=200),
        post(NONE, 403, drafter=200, label="empty form: shown again"),
    ],
    "conferences:plan_detail": [
        get(pk("issued"), 200, label="issued plan"),
        get(pk("draft"), 200, units=404, label=PLAN_P1_DRAFT),  # unit offices see issued plans only
    ],
    "conferences:plan_edit_start": [
        get(pk("draft"), 403, units=404, label=PLAN_P1_DRAFT),
        get(pk("own_draft"), 403, units=404, drafter=200, label=OWN_DRAFT),
        get(pk("issued"), 403, label="issued plan"),
    ],
    "conferences:plan_edit": [
        get(pk("draft", part="noi-dung"), 403, units=404, label=PLAN_P1_DRAFT),
        get(pk("own_draft", part="noi-dung"), 403, units=404, drafter=200, label=OWN_DRAFT),
        post(pk("draft", part="noi-dung"), 403, units=404, label=PLAN_P1_DRAFT + ": save"),
    ],
    # --- Directory: drafters, clerks, administrators edit; reviewers read; unit offices nothing ----------------
    "directory:index": get(NONE, 403, readers=302),
    "directory:organisation_list": get(NONE, 403, readers=200),
    "directory:organisation_create": get(NONE, 403, editors=200),
    "directory:organisation_search": get(NONE, 403, readers=200),
    "directory:organisation_detail": get(pk("unit_a"), 403, readers=200),
    "directory:organisation_update": get(pk("unit_a"), 403, editors=200),
    "directory:organisation_delete": [
        get(pk("unit_a"), 403, editors=200),
        post(pk("unit_a"), 403, editors=409, label="referenced: refused"),
    ],
    "directory:person_list": get(NONE, 403, readers=200),
    "directory:person_create": get(NONE, 403, editors=200),
    "directory:person_search": get(NONE, 403, readers=200),
    "directory:person_update": get(pk("vice_chairman"), 403, editors=200),
    "directory:person_delete": get(pk("vice_chairman"), 403, editors=200),
    "directory:unit_list": get(NONE, 403, readers=200),
    "directory:unit_search": get(NONE, 403, readers=200),
    "directory:import_upload": get(lambda w: {"kind": "to-chuc"}, 403, editors=200),
    "directory:import_preview": get(lambda w: {"kind": "to-chuc", "token": "khong-co"}, 403, editors=302),
    "directory:import_template": get(lambda w: {"kind": "ca-nhan", "extension": "csv"}, 403, editors=200),
    # --- Documents panel: staff ask for renderings; whoever sees the plan polls and downloads -------------
    "documents:render": post(lambda w: {"plan_id": w.issued.pk, "kind": "plan", "file_format": "pdf"}, 302, units=403),
    "documents:status": [
        get(pk("rendered"), 200, label="of the issued plan"),
        get(pk("rendered_draft"), 200, units=404, label="of a draft: not for unit offices"),
    ],
    "documents:download": [
        get(pk("rendered"), 200, label="of the issued plan"),
        get(pk("rendered_draft"), 200, units=404, label="of a draft: not for unit offices"),
    ],
    # --- Workflow ---------------------------------------------------------------------------------------
    "workflow:transition": [
        post(lambda w: {"pk": w.approved.pk, "slug": "ky"}, 403, units=404, signer=400, label="sign: the signer (no password)"),
        post(lambda w: {"pk": w.signed.pk, "slug": "ban-hanh"}, 403, units=404, label="issue: only a clerk of the issuing body"),
        post(lambda w: {"pk": w.submitted.pk, "slug": "tra-lai"}, 403, units=404, label="return: only the current reviewer"),
        post(lambda w: {"pk": w.submitted.pk, "slug": "phe-duyet"}, 403, units=404, label="approve: not the signer's turn"),
        post(lambda w: {"pk": w.draft.pk, "slug": "nop"}, 403, units=404, label=PLAN_P1_DRAFT),
        post(lambda w: {"pk": w.own_draft.pk, "slug": "nop"}, 403, units=404, drafter=400, label=OWN_DRAFT + " (no chain)"),
        post(lambda w: {"pk": w.issued.pk, "slug": "khong-co"}, 404, label="unknown action"),
    ],
    "workflow:review_chain": [
        get(pk("draft"), 403, units=404, label=PLAN_P1_DRAFT),
        get(pk("own_draft"), 403, units=404, drafter=200, label=OWN_DRAFT),
    ],
    "workflow:comment": post(pk("submitted"), 403, units=404, signer=400),  # reviewers of the chain only
    "workflow:version": get(pk("submitted", number=1), 200, units=404),
    "workflow:issued_download": get(pk("issued"), 200),
    "workflow:correction": post(pk("issued"), 403),  # a drafter of the drafting unit only
    "workflow:notifications": get(NONE, 200),
    "workflow:verify": get(NONE, 200),
    # --- Indices: staff read; drafters import; administrators edit structures; unit offices report --------------
    "indices:home": get(NONE, 403, readers=200),
    "indices:edition_create": get(NONE, 403, admin=200),
    "indices:edition_table": get(pk("edition"), 403, readers=200),
    "indices:edition_structure": [
        get(pk("edition"), 403, readers=200),
        post(pk("edition"), 403, admin=200, label="edit: administrators (empty formset)"),
    ],
    "indices:import_upload": get(pk("edition"), 403, drafter=200, admin=200),
    "indices:import_preview": get(pk("edition", token="khong-co"), 403, drafter=302, admin=302),
    "indices:import_template": get(pk("edition", extension="xlsx"), 403, drafter=200, admin=200),
    "indices:unit_profile": get(lambda w: {"unit": w.province.pk, "index": "papi"}, 403, readers=200),
    "indices:improvement_new": get(lambda w: {"unit": w.province.pk, "index": "papi"}, 403, drafter=200),
    "indices:compare": get(NONE, 403, readers=200),
    "indices:responsibilities": [
        get(pk("province", "province"), 403, readers=200),
        post(pk("province", "province"), 403, drafter=200, admin=200, label="edit: drafters and administrators (empty form)"),
    ],
    "indices:insert_sentences": [
        post(pk("draft", "plan"), 403, anonymous=403, label=PLAN_P1_DRAFT),
        post(pk("own_draft", "plan"), 403, anonymous=403, drafter=302, label=OWN_DRAFT + " (empty form)"),
    ],
    "indices:progress_dashboard": get(NONE, 200),
    "indices:progress_report": get(pk("task", "task"), 403, unit_a=200),
    "indices:progress_attachment": get(pk("report"), 200, unit_b=403),
    "indices:progress_export": get(lambda w: {"extension": "xlsx"}, 403, readers=200),
    # --- Invitations: the organiser's pages ---------------------------------------------------------------
    "invitations:index": get(NONE, 403, units=302, clerk=200, admin=200),  # unit offices go to their own list
    "invitations:dashboard": get(pk("issued", "plan_id"), 403, admin=200),
    "invitations:recipients": get(pk("issued", "plan_id"), 403, admin=200),
    "invitations:send": post(pk("issued", "plan_id"), 403, admin=302),
    "invitations:mails": get(pk("issued", "plan_id"), 403, admin=200),
    "invitations:delegates_xlsx": get(pk("issued", "plan_id"), 403, admin=200),
    "invitations:attendance_sheet": get(pk("issued", "plan_id"), 403, admin=200),
    "invitations:name_cards": get(pk("issued", "plan_id"), 403, admin=200),
    "invitations:checkin": get(pk("issued", "plan_id"), 403, admin=200),
    "invitations:checkin_counts": get(pk("issued", "plan_id"), 403, admin=200),
    "invitations:scan": get(pk("issued", "plan_id"), 403, admin=200),
    "invitations:check_in": post(pk("delegate_a"), 403, admin=302),
    "invitations:detail": get(pk("invitation_a"), 403, admin=200),
    "invitations:pdf": get(pk("invitation_a"), 403, admin=200),
    "invitations:action": post(pk("invitation_a", action="by_hand"), 403, admin=302),
    "invitations:mail_action": post(pk("mail_a", action="cancel"), 403, admin=302),
    # --- Invitations: the unit office's own, and the reply links (no account) -------------------------------
    "invitations:mine": get(NONE, 403, units=200),
    "invitations:mine_reply": get(pk("invitation_a"), 403, unit_a=200, unit_b=404),
    "invitations:mine_cascade": get(pk("invitation_a"), 403, unit_a=200, unit_b=404),
    "invitations:mine_pdf": get(pk("invitation_a"), 403, unit_a=200, unit_b=404),
    "invitations:link_reply": [
        get(LINK, 200, anonymous=200, label="valid link: whoever holds it"),
        get(BAD_LINK, 403, anonymous=403, label="tampered link"),
    ],
    "invitations:link_cascade": [
        get(LINK, 200, anonymous=200, label="valid link"),
        get(BAD_LINK, 403, anonymous=403, label="tampered link"),
    ],
    "invitations:link_pdf": [
        get(LINK, 200, anonymous=200, label="valid link"),
        get(BAD_LINK, 403, anonymous=403, label="tampered link"),
    ],
    "invitations:outbox_file": [
        get(lambda w: {"token": w.attachment_token}, 200, anonymous=200, label="signed download link"),
        get(lambda w: {"token": "khong-hop-le"}, 404, anonymous=404, label="bad token"),
    ],
    # --- Contributions: organisers are the drafting unit's drafters, the issuing body's clerks, superusers ----------
    "contributions:request_list": get(NONE, 200, leaders=403),
    "contributions:request_detail": get(pk("contribution"), 403, unit_a=200, admin=200),
    "contributions:allow_late": post(pk("contribution"), 403, admin=302),
    "contributions:file_download": get(pk("contribution_file"), 403, unit_a=200, admin=200),
    "contributions:board": get(pk("issued", "plan"), 403, admin=200),
    "contributions:sync": post(pk("issued", "plan"), 403, admin=302),
    "contributions:booklet_build": post(pk("issued", "plan"), 403, admin=302),
    "contributions:booklet_status": get(pk("issued", "plan"), 200),  # staff, and the units taking part in an issued plan
    "contributions:booklet_download": get(pk("issued", "plan"), 200),
    "contributions:conclusion_new": post(pk("issued", "plan"), 403),  # a drafter of the drafting unit only
    "contributions:conclusion_send": post(pk("conclusion"), 403, admin=302),
}

# --- Django admin (/quan-tri/): staff users only; everyone else is sent to the admin's login page -------------


def admin(default=200, **roles) -> dict:
    """Expected statuses of an admin page: the superuser gets ``default``,
    every other role (and anonymous) the admin's login page. The admin needs a
    verified second factor from everyone: users without one (unit offices and
    drafters have none in the world) are sent to the code step first."""
    no_device = {"units": SECOND_FACTOR, "drafter": SECOND_FACTOR}
    return _expected(ADMIN_LOGIN, {"anonymous": ADMIN_LOGIN, **no_device, "admin": default, **roles})


def admin_get(kwargs, default=200, *, label="", **roles) -> Case:
    return Case("GET", kwargs, admin(default, **roles), label=label)


def first(label: str):
    """The first object of a model (``app_label.model_name``) in the world."""

    def find(w):
        from django.apps import apps

        obj = apps.get_model(label).objects.order_by("pk").first()
        assert obj is not None, f"the world has no {label} to open in the admin"
        return obj

    return find


# Every model registered in the admin → what the superuser gets for
# changelist / add / change / history / delete (default 200) and the old
# ``<object_id>/`` address (302 to the change page), on the model's first
# object in the world. Records are added by the application only (403), and
# the parts of an issued plan are frozen (delete: 403).
RECORD = {"add": 403, "delete": 403}
FROZEN = {"delete": 403}  # the first object belongs to the issued plan

ADMIN_MODELS: dict[str, dict] = {
    "ops.taskfailure": {"add": 403},  # recorded by the workers only
    # Security records: the audit log is append-only, axes' logs are written by logins only.
    "audit.auditevent": RECORD,
    "axes.accessattempt": {"add": 403},  # deleting an attempt unlocks
    "axes.accessfailurelog": {"add": 403},
    "axes.accesslog": {"add": 403},
    "otp_static.staticdevice": {},
    "otp_totp.totpdevice": {},
    "auth.group": {},
    "directory.administrativeunit": {},
    "directory.organisation": {},
    "directory.person": {},
    "directory.user": {},
    "conferences.plan": FROZEN,
    "conferences.section": {},
    "conferences.conference": FROZEN,
    "conferences.bridgepoint": FROZEN,
    "conferences.participantgroup": FROZEN,
    "conferences.agendaitem": {},
    "conferences.taskgroup": FROZEN,
    "conferences.task": FROZEN,
    "conferences.legalbasis": {},
    "conferences.distributionline": FROZEN,
    "conferences.planactivity": {"add": 403},
    "indices.index": {},
    "indices.edition": {},
    "indices.component": {},
    "indices.result": {},
    "indices.componentscore": {},
    "indices.fieldresponsibility": {},
    "indices.improvementtask": {},
    "indices.progressreport": {},
    "documents.renderedfile": {},
    "registers.registercounter": {"add": 403},
    "workflow.signatureimage": {},
    "workflow.transition": RECORD,
    "workflow.submittedversion": RECORD,
    "workflow.issueddocument": RECORD,
    "workflow.reviewstep": {},
    "workflow.reviewcomment": RECORD,
    "workflow.notification": RECORD,
    "contributions.contributionrequest": {},
    "contributions.booklet": {},
    "contributions.conclusionsending": {},
}


def _admin_model_entries() -> dict[str, Case]:
    entries = {}
    for label, overrides in ADMIN_MODELS.items():
        app_label, model_name = label.split(".")
        prefix = f"admin:{app_label}_{model_name}"

        def obj(w, label=label):
            return {"object_id": first(label)(w).pk}

        entries[f"{prefix}_changelist"] = admin_get(NONE, overrides.get("changelist", 200))
        entries[f"{prefix}_add"] = admin_get(NONE, overrides.get("add", 200))
        entries[f"{prefix}_change"] = admin_get(obj, overrides.get("change", 200))
        entries[f"{prefix}_history"] = admin_get(obj, overrides.get("history", 200))
        entries[f"{prefix}_delete"] = admin_get(obj, overrides.get("delete", 200))
        entries[f"quan-tri/{app_label}/{model_name}/<path:object_id>/"] = admin_get(obj, overrides.get("redirect", 302))
    return entries


TABLE.update(
    {
        "admin:index": admin_get(NONE),
        # The admin's own login page is replaced by a redirect to the one login page (with its
        # lockout and second factor): "quan-tri/login/" comes first and shadows "admin:login".
        "admin:login": admin_get(NONE, 302, anonymous=302, leaders=302, clerk=302),
        "quan-tri/login/": admin_get(NONE, 302, anonymous=302, leaders=302, clerk=302),
        # To the admin index, then its login; without a verified second factor no POST reaches the admin.
        "admin:logout": Case("POST", NONE, _expected(302, {"anonymous": 302, "units": 403, "drafter": 403})),
        "admin:otp_totp_totpdevice_config": admin_get(lambda w: {"pk": first("otp_totp.totpdevice")(w).pk}),
        "admin:otp_totp_totpdevice_qrcode": admin_get(lambda w: {"pk": first("otp_totp.totpdevice")(w).pk}),
        "admin:password_change": admin_get(NONE),
        "admin:password_change_done": admin_get(NONE),
        "admin:autocomplete": admin_get(NONE, 403, label="no model named"),
        "admin:jsi18n": admin_get(NONE),
        "admin:view_on_site": admin_get(
            lambda w: {"content_type_id": _content_type(w.issued), "object_id": w.issued.pk},
            404,
            label="plans have no public address",
        ),
        "admin:app_list": admin_get(lambda w: {"app_label": "directory"}),
        "admin:auth_user_password_change": admin_get(lambda w: {"id": w.users["drafter"].pk}),
        "quan-tri/(?P<url>.*)$": admin_get(lambda w: {"url": "khong-co/"}, 404, label="unknown admin address"),
        **_admin_model_entries(),
    }
)


def _content_type(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk
