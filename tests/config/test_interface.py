"""The language switch on every page (config.interface)."""

from __future__ import annotations

import re
import unicodedata

from django.urls import reverse


def _switch(html: str) -> str:
    return re.search(r'<form action="/i18n/setlang/" method="post">.*?</form>', html, re.S).group(0)


def test_the_switch_offers_the_other_language_and_comes_back_to_the_page(client, db):
    page = client.get(reverse("login") + '?next=/x"><script>')
    form = _switch(page.content.decode())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert len(token) == 64
    assert '<input name="next" type="hidden" value="/dang-nhap/?next=/x%22%3E%3Cscript%3E">' in form
    assert form.count("<button") == 1
    button = '<button class="btn btn-sm btn-outline-light" type="submit" name="language" value="en" lang="en">English</button>'
    assert button in form
    # Posting it (with the page's token) switches to English and comes back.
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = client.get(reverse("login")).content.decode()
    switch = unicodedata.normalize("NFC", _switch(english))  # Django's own name of the language
    assert 'value="vi" lang="vi">Tiếng Việt</button>' in switch and 'value="en"' not in switch
