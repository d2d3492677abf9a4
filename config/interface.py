"""Template tags of the page frame (``{% load interface %}``, base.html)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switch(context, button_class: str):
    """A button for each other interface language, posting to Django's
    ``set_language`` view and coming back to this page. Written here rather
    than in a template: it is on every page, the reply link's included, and as a
    template (loops, language lookups, an include) it cost a tenth of that page."""
    request = context["request"]
    current = get_language()
    buttons = format_html_join(
        "\n  ",
        '<button class="{}" type="submit" name="language" value="{}" lang="{}">{}</button>',
        (
            (button_class, code, code, get_language_info(code)["name_local"])
            for code, _name in settings.LANGUAGES
            if code != current
        ),
    )
    return format_html(
        '<form action="{}" method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{}">\n'
        '  <input name="next" type="hidden" value="{}">\n  {}\n</form>',
        reverse("set_language"),
        str(context.get("csrf_token", "")),
        request.get_full_path(),
        buttons,
    )
