"""One plan's complete record for archiving (``manage.py export_plan_record``).

Everything the project stores for a plan is collected by following, from the
plan, every relation that points at it and onwards (its parts, review chain,
submitted versions, comments, transitions, notifications, issued document,
rendered files, invitation campaigns with their Giấy mời, replies and
delegates, contribution requests with their files, booklets, improvement
tasks and progress reports…), so a model added later is archived without
touching this module. Mail of the outbox related to any of those rows (or
sent for a Giấy mời) is added with its attachments. Rows of the directory
(organisations, people, administrative units, users: no password) and
content types that the record points at are listed as references.

The record is::

    record.json     the data: plan summary, objects by model, references
    files/…         every stored file (issued signed PDF, rendered files,
                    Giấy mời, contribution uploads and their PDFs, booklets,
                    attachments), named files/<app.model>/<pk>/<field>/<name>
    manifest.json   every file of the record (record.json included) with its
                    size and SHA-256, where it came from, and the SHA-256 the
                    database stored for it when there is one
    SHA256SUMS      the same checksums for ``sha256sum -c``

Other plans (the one this plan replaces or concludes, and the reverse) are
named in the summary, not included: export them on their own.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

FORMAT = "hoi-nghi-cchc/plan-record/1"
# Apps whose rows are references (pointed at), never part of a plan's record.
REFERENCE_APPS = {"directory", "contenttypes", "auth"}
SKIPPED_APPS = {"admin", "sessions"}
# Only these fields of a user are exported (never the password hash).
USER_FIELDS = ("username", "first_name", "last_name", "email", "role", "organisation", "person", "is_active")
# Fields that hold the SHA-256 the app stored for a file field.
STORED_SHA256 = {"file": "sha256"}


@dataclass
class ArchivedFile:
    path: str  # inside the record
    data: bytes
    source: dict


@dataclass
class PlanRecord:
    plan: models.Model
    objects: dict[type[models.Model], dict] = field(default_factory=lambda: defaultdict(dict))
    references: dict[type[models.Model], set] = field(default_factory=lambda: defaultdict(set))
    files: list[ArchivedFile] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    mismatched: list[dict] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f"missing file {m['stored_name']} ({m['model']} {m['pk']} {m['field']})" for m in self.missing] + [
            f"SHA-256 of {m['stored_name']} differs from the one stored ({m['model']} {m['pk']})" for m in self.mismatched
        ]


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _reverse_relations(model: type[models.Model]):
    plan_model = apps.get_model("conferences", "Plan")
    for relation in model._meta.related_objects:
        related = relation.related_model
        if relation.many_to_many or related is plan_model:
            continue
        if related._meta.app_label in REFERENCE_APPS | SKIPPED_APPS:
            continue
        yield relation


def _follow(record: PlanRecord, model: type[models.Model], pks: set, skip: tuple = ()) -> None:
    """Add to the record every row pointing (transitively) at the given rows."""
    pending = [(model, set(pks))]
    while pending:
        model, pks = pending.pop()
        for relation in _reverse_relations(model):
            related = relation.related_model
            if related in skip:
                continue
            rows = related._base_manager.filter(**{f"{relation.field.name}__in": pks}).order_by("pk")
            new = {row.pk: row for row in rows if row.pk not in record.objects[related]}
            if new:
                record.objects[related].update(new)
                pending.append((related, set(new)))


def collect(plan) -> PlanRecord:
    """Every row that belongs to ``plan``, by following the relations that point at it."""
    record = PlanRecord(plan=plan)
    record.objects[type(plan)][plan.pk] = plan
    _follow(record, type(plan), {plan.pk})
    _collect_mail(record)
    _collect_references(record)
    return record


def _collect_mail(record: PlanRecord) -> None:
    """Outbox mails related to a row of the record (generic relation) or sent
    for one (a foreign key to the mail), and their attachments."""
    if not apps.is_installed("invitations"):
        return
    mail_model = apps.get_model("invitations", "OutgoingMail")
    mail_ids: set = set()
    for model, rows in list(record.objects.items()):
        content_type = ContentType.objects.get_for_model(model)
        mail_ids.update(
            mail_model._base_manager.filter(related_type=content_type, related_id__in=[str(pk) for pk in rows]).values_list(
                "pk", flat=True
            )
        )
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model is mail_model:
                mail_ids.update(getattr(row, fk.attname) for row in rows.values() if getattr(row, fk.attname))
    for mail in mail_model._base_manager.filter(pk__in=mail_ids).order_by("pk"):
        record.objects[mail_model][mail.pk] = mail
    # Attachments; a resend is a mail of its own relation, already found above or not part of the record.
    _follow(record, mail_model, mail_ids, skip=(mail_model,))


def _collect_references(record: PlanRecord) -> None:
    for model, rows in record.objects.items():
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model._meta.app_label in REFERENCE_APPS:
                record.references[fk.related_model].update(
                    getattr(row, fk.attname) for row in rows.values() if getattr(row, fk.attname) is not None
                )
        for m2m in model._meta.many_to_many:
            if m2m.related_model._meta.app_label in REFERENCE_APPS:
                through = m2m.remote_field.through
                source = m2m.m2m_field_name()
                target = m2m.m2m_reverse_field_name()
                record.references[m2m.related_model].update(
                    through._base_manager.filter(**{f"{source}__in": list(rows)}).values_list(f"{target}_id", flat=True)
                )
    # A person's or a user's organisation, and a user's person, are references too.
    user_model = apps.get_model("directory", "User") if apps.is_installed("directory") else None
    for model in list(record.references):
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model._meta.app_label == "directory" and fk.related_model is not model:
                if model is user_model and fk.name not in USER_FIELDS:
                    continue
                ids = model._base_manager.filter(pk__in=record.references[model]).values_list(fk.attname, flat=True)
                record.references[fk.related_model].update(i for i in ids if i is not None)


def _serialize(rows, fields=None) -> list[dict]:
    items = serializers.serialize("python", rows, fields=fields)
    return [{"pk": item["pk"], "fields": item["fields"]} for item in items]


def _summary(plan) -> dict:
    plan_model = type(plan)
    issued = None
    if apps.is_installed("workflow"):
        document = apps.get_model("workflow", "IssuedDocument")._base_manager.filter(plan=plan).first()
        if document:
            issued = {
                "number": document.number_display,
                "issue_date": document.issue_date,
                "title": document.title,
                "sha256": document.sha256,
                "signer": document.signer_name,
                "signed_at": document.signed_at,
            }
    return {
        "id": plan.pk,
        "key": plan.key,
        "kind": plan.kind,
        "state": plan.state,
        "title": str(plan),
        "year": plan.year,
        "issued": issued,
        "replaces": plan.replaces_id,
        "replaced_by": list(plan_model._base_manager.filter(replaces=plan).values_list("pk", flat=True)),
        "concludes": plan.concludes_id,
        "concluded_by": list(plan_model._base_manager.filter(concludes=plan).values_list("pk", flat=True)),
    }


def _files(record: PlanRecord) -> None:
    for model, rows in record.objects.items():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for row in rows.values():
            for file_field in file_fields:
                stored = getattr(row, file_field.attname)
                fieldfile = getattr(row, file_field.name)
                if not stored:
                    continue
                source = {"model": _label(model), "pk": row.pk, "field": file_field.name, "stored_name": str(stored)}
                try:
                    with fieldfile.open("rb") as handle:
                        data = handle.read()
                except (FileNotFoundError, OSError):
                    record.missing.append(source)
                    continue
                name = PurePosixPath(str(stored)).name
                path = f"files/{_label(model)}/{row.pk}/{file_field.name}/{name}"
                sha_field = STORED_SHA256.get(file_field.name)
                stored_sha = getattr(row, sha_field, "") if sha_field and hasattr(row, sha_field) else ""
                if stored_sha:
                    source["stored_sha256"] = stored_sha
                    if hashlib.sha256(data).hexdigest() != stored_sha:
                        record.mismatched.append(source)
                record.files.append(ArchivedFile(path=path, data=data, source=source))


def build(plan) -> tuple[dict[str, bytes], PlanRecord]:
    """The files of the record (name → bytes) and what was collected."""
    record = collect(plan)
    _files(record)
    user_model = apps.get_model("directory", "User") if apps.is_installed("directory") else None
    data = {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "plan": _summary(plan),
        "objects": {
            _label(model): _serialize(sorted(rows.values(), key=lambda row: row.pk))
            for model, rows in sorted(record.objects.items(), key=lambda item: _label(item[0]))
            if rows
        },
        "references": {
            _label(model): _serialize(
                model._base_manager.filter(pk__in=pks).order_by("pk"), fields=USER_FIELDS if model is user_model else None
            )
            for model, pks in sorted(record.references.items(), key=lambda item: _label(item[0]))
            if pks
        },
        "missing_files": record.missing,
    }
    contents = {"record.json": json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()}
    for archived in record.files:
        contents[archived.path] = archived.data
    sources = {archived.path: archived.source for archived in record.files}
    entries = [
        {"path": path, "size": len(body), "sha256": hashlib.sha256(body).hexdigest(), **sources.get(path, {})}
        for path, body in contents.items()
    ]
    contents["manifest.json"] = json.dumps(
        {"format": FORMAT, "plan": plan.pk, "files": entries}, ensure_ascii=False, indent=1
    ).encode()
    contents["SHA256SUMS"] = "".join(f"{e['sha256']}  {e['path']}\n" for e in entries).encode()
    return contents, record


def default_name(plan) -> str:
    return f"plan-{plan.pk}-record-{datetime.date.today():%Y%m%d}.zip"


def write_zip(contents: dict[str, bytes], target) -> None:
    """``target``: a path or a binary file object."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, body in contents.items():
            archive.writestr(path, body)


def write_folder(contents: dict[str, bytes], folder: Path) -> None:
    for path, body in contents.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
