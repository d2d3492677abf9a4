"""Redis down as the cache: the rate limits (reply links, logins) fail open,
so a unit office can still reply and staff can still log in; the lockout of
a username (django-axes, in the database) still applies."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import cache

from invitations import services, tokens
from invitations.models import Invitation, Reply
from tests.factories import UserFactory
from tests.invitations.conftest import build_conference
from tests.invitations.test_replies import _reply_data

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dead_redis_cache(settings):
    """The cache on a Redis address where nothing listens: every cache call fails to connect."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever redis-py raises: it is down
        cache.get("anything")
    return settings


def test_a_reply_through_the_link_is_stored_while_the_cache_is_down(
    client, tmp_path, django_capture_on_commit_callbacks, dead_redis_cache
):
    dead_redis_cache.MEDIA_ROOT = tmp_path / "media"
    setup = build_conference(hall_units=1, districts=0)
    services.build_recipients(setup.campaign)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_and_send(setup.campaign.pk)
    invitation = Invitation.objects.filter(campaign=setup.campaign).first()
    url = tokens.reply_path(invitation)
    assert client.get(url).status_code == 200
    assert client.post(url, _reply_data()).status_code == 302
    assert Reply.objects.get(invitation=invitation).delegate_count == 2


def test_login_works_and_the_lockout_still_applies_while_the_cache_is_down(client, dead_redis_cache):
    UserFactory(username="soanthao", role="drafter")
    response = client.post("/dang-nhap/", {"username": "soanthao", "password": "secret-pass-123"})
    assert response.status_code == 302
    client.logout()
    statuses = [client.post("/dang-nhap/", {"username": "soanthao", "password": f"sai-{i}"}).status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]

