"""Every URL pattern of the project × every role, against one table
(tests/permission_table.py), and the Content-Security-Policy of every HTML
page those requests return.

- A URL pattern without an entry in the table fails ("new view without an
  entry"); an entry whose pattern is gone fails too.
- Each entry is requested as each role (tests/permission_world.py: objects of
  another province than the logged-in staff, unit A's invitation and
  contribution, …); the outcome must be the table's: a status, or the login
  page. Every request runs in a transaction that is rolled back, with the
  rate-limit counters cleared, so that the order does not matter.
- Every HTML page returned must carry a Content-Security-Policy without
  'unsafe-inline' or 'unsafe-eval', and contain no inline ``style=``, no
  ``<style>``, no ``<script>`` without the response's nonce (a script from this
  site is fine), no ``on…=`` handler and no ``javascript:`` address.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .permission_table import ADMIN_LOGIN, LOGIN, SECOND_FACTOR, TABLE, Case
from .permission_world import ROLES, build_world


def url_patterns() -> dict[str, str]:
    """Every URL pattern: full name (``namespace:name``), or the route for an unnamed one → route."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                key = (f"{namespace}:{pattern.name}" if namespace else pattern.name) if pattern.name else route
                assert key not in found, f"two URL patterns are both {key!r}"
                found[key] = route

    walk(get_resolver().url_patterns, "", None)
    return found


PATTERNS = url_patterns()


def fill(route: str, kwargs: dict) -> str:
    """The address of an unnamed pattern: ``<conv:name>`` and ``(?P<name>…)`` replaced by the values."""

    def value(match) -> str:
        return str(kwargs[match.group("name")])

    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, route)
    path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", value, path)
    return "/" + path.replace("^", "").replace("$", "")


def address(key: str, case: Case, world) -> str:
    kwargs = case.kwargs(world)
    path = reverse(key, kwargs=kwargs) if key in _named() else fill(PATTERNS[key], kwargs)
    return f"{path}?{case.query}" if case.query else path


def _named() -> set[str]:
    return {key for key in PATTERNS if "/" not in key and "$" not in key}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module, in a transaction rolled back at its end;
    each test runs in a savepoint of it."""
    private = tmp_path_factory.mktemp("matrix-private")
    with django_db_blocker.unblock(), override_settings(PRIVATE_FILES_ROOT=private):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def outcome(response) -> int | str:
    if response.status_code == 302:
        target = urlsplit(response.url)
        if target.path == resolve_url(settings.LOGIN_URL) and "next=" in target.query:
            return LOGIN
        if target.path == reverse("admin:login") and "next=" in target.query:
            return ADMIN_LOGIN
        if target.path in (reverse("accounts:verify"), reverse("accounts:enrol")):
            return SECOND_FACTOR
    return response.status_code


def request_as(client, user, case: Case, url: str):
    client.logout()
    if user is not None:
        client.force_login(user)
    cache.clear()  # rate limits (reply links, login) start from zero
    with transaction.atomic():
        try:
            if case.method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, case.data)
        finally:
            transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("key", sorted(set(PATTERNS) | set(TABLE)))
def test_permission_matrix(key, world, client, db):
    if key not in TABLE:
        pytest.fail(f"new view without an entry in tests/permission_table.py: {key!r} ({PATTERNS[key]})", pytrace=False)
    if key not in PATTERNS:
        pytest.fail(f"entry of tests/permission_table.py whose URL pattern no longer exists: {key!r}", pytrace=False)
    cases = TABLE[key] if isinstance(TABLE[key], list) else [TABLE[key]]
    problems = []
    for case in cases:
        url = address(key, case, world)
        where = f"{case.method} {url}" + (f" ({case.label})" if case.label else "")
        actual, inline = {}, {}
        for role in ROLES:
            try:
                response = request_as(client, world.users[role], case, url)
            except Exception as error:  # noqa: BLE001 - reported with the others
                actual[role] = f"{type(error).__name__}: {error}"[:200]
                continue
            actual[role] = outcome(response)
            for problem in csp_problems(response):
                inline.setdefault(problem, []).append(role)
        problems += [f"{where} as {', '.join(roles)}: {problem}" for problem, roles in inline.items()]
        wrong = {role: (case.expected[role], actual[role]) for role in ROLES if actual[role] != case.expected[role]}
        if wrong:
            problems.append(
                f"{where}: " + "; ".join(f"{role} expected {want!r}, got {got!r}" for role, (want, got) in wrong.items())
            )
    assert not problems, f"{key}:\n" + "\n".join(problems)


# --- Content-Security-Policy --------------------------------------------------------------------------------

EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def csp_problems(response) -> list[str]:
    """What a browser enforcing the response's policy would block (or what
    would need a weaker policy) on an HTML page; [] for other responses."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html") or not response.content:
        return []
    if 300 <= response.status_code < 400:
        return []
    header = response.get("Content-Security-Policy")
    if not header:
        return ["no Content-Security-Policy header"]
    problems = [f"the policy allows {word}" for word in ("'unsafe-inline'", "'unsafe-eval'") if word in header]
    directives = csp_directives(header)
    checker = InlineChecker(
        script_nonces=_nonces(directives.get("script-src", directives.get("default-src", []))),
        style_nonces=_nonces(directives.get("style-src", directives.get("default-src", []))),
    )
    checker.feed(response.content.decode(response.charset or "utf-8"))
    checker.close()
    return problems + checker.problems


def _nonces(sources: list[str]) -> set[str]:
    return {source[len("'nonce-") : -1] for source in sources if source.startswith("'nonce-")}


def _same_site(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc or parts.netloc == "testserver"


class InlineChecker(HTMLParser):
    def __init__(self, *, script_nonces: set[str], style_nonces: set[str]):
        super().__init__(convert_charrefs=True)
        self.script_nonces, self.style_nonces = script_nonces, style_nonces
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            if re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"line {line}: <{tag} {name}=…> (inline event handler)")
            elif name == "style":
                self.problems.append(f"line {line}: <{tag} style=…> (inline style)")
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"line {line}: <{tag} {name}={value!r}> (javascript: address)")
        if tag == "script":
            kind = (attributes.get("type") or "").strip().lower()
            if kind not in EXECUTABLE_SCRIPT_TYPES:
                return  # a data block (application/json…) is not run
            if "src" in attributes:
                if not _same_site(attributes["src"] or ""):
                    self.problems.append(f"line {line}: <script src={attributes['src']!r}> from another site")
            elif attributes.get("nonce") not in self.script_nonces:
                self.problems.append(f"line {line}: inline <script> without the response's nonce")
        elif tag == "style" and attributes.get("nonce") not in self.style_nonces:
            self.problems.append(f"line {line}: <style> element (style-src allows no inline style)")
        elif tag == "link" and "stylesheet" in (attributes.get("rel") or "").lower():
            if not _same_site(attributes.get("href") or ""):
                self.problems.append(f"line {line}: stylesheet {attributes.get('href')!r} from another site")


# --- The checker itself ---------------------------------------------------------------------------------------


def _page(html: str, policy: str = "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self'"):
    from django.http import HttpResponse

    response = HttpResponse(html)
    response["Content-Security-Policy"] = policy
    return response


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<p style="color:red">x</p>', "inline style"),
        ('<button onclick="go()">x</button>', "inline event handler"),
        ('<a href=" JavaScript:go()">x</a>', "javascript: address"),
        ("<script>go()</script>", "without the response's nonce"),
        ('<script nonce="other">go()</script>', "without the response's nonce"),
        ("<style>p{}</style>", "<style> element"),
        ('<script src="https://cdn.example.org/x.js"></script>', "from another site"),
        ('<link rel="stylesheet" href="//cdn.example.org/x.css">', "from another site"),
    ],
)
def test_csp_checker_finds_inline_code(html, found):
    problems = csp_problems(_page(f"<!doctype html><html><body>{html}</body></html>"))
    assert len(problems) == 1 and found in problems[0], problems


def test_csp_checker_accepts_a_clean_page():
    html = (
        '<!doctype html><html><head><link rel="stylesheet" href="/static/site.css">'
        '<script src="/static/site.js"></script><script nonce="abc">go()</script>'
        '<script type="application/json" id="data">{"a": 1}</script></head>'
        '<body><a href="/ke-hoach/" class="btn">x</a></body></html>'
    )
    assert csp_problems(_page(html)) == []
    assert csp_problems(_page(html, policy="default-src 'self' 'unsafe-inline'")) == [
        "the policy allows 'unsafe-inline'",
        "line 1: inline <script> without the response's nonce",
    ]
    response = _page(html)
    del response["Content-Security-Policy"]
    assert csp_problems(response) == ["no Content-Security-Policy header"]
