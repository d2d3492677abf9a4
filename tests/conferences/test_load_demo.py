import io

from django.apps import apps
from django.core.management import call_command

from directory.models import User

PROJECT_APPS = ["directory", "conferences", "indices", "invitations", "registers", "workflow", "contributions"]


def row_counts() -> dict[str, int]:
    counts = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            counts[model._meta.label] = model.objects.count()
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                counts[through._meta.label] = through.objects.count()
    return counts


def test_load_demo_twice_changes_nothing(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = row_counts()
    passwords = dict(User.objects.values_list("username", "password"))
    call_command("load_demo", stdout=io.StringIO())
    assert row_counts() == first
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert first["conferences.Plan"] == 5
    assert first["directory.User"] == 6  # one per role, and the Director of Home Affairs who reviews first
    assert first["workflow.IssuedDocument"] == 2  # seeds 000 and 002, issued and signed once


def test_load_demo_prints_the_logins(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    for username in ("soanthao", "lanhdao", "giamdoc", "vanthu", "donvi", "quantri"):
        assert username in text
    assert "HoiNghi@2026" in text


def test_demo_users_can_log_in(client, db):
    call_command("load_demo", stdout=io.StringIO())
    for username in ("soanthao", "lanhdao", "giamdoc", "vanthu", "donvi", "quantri"):
        assert client.login(username=username, password="HoiNghi@2026"), username
        client.logout()
