"""Clean what drafters type before it is stored.

Plan texts are plain text with the two inline marks of the seeds
(``**bold**``, ``*italic*``); they are escaped when shown. Markup pasted into
the editor (from a web page or a hostile user) is removed here, so no script,
no inline handler and no tag is ever stored.
"""

from __future__ import annotations

import html
import unicodedata

import nh3


def clean_text(value: str) -> str:
    """Plain text without any HTML: tags are dropped (script and style with
    their content), entities decoded, Unicode NFC, line ends normalised."""
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for _ in range(5):  # entity-encoded markup (“&lt;script&gt;”) decodes to markup: clean again
        if "<" not in value and "&" not in value:
            break
        cleaned = html.unescape(nh3.clean(value, tags=set(), clean_content_tags={"script", "style"}, attributes={}))
        if cleaned == value:
            break
        value = cleaned
    return unicodedata.normalize("NFC", value).strip()
