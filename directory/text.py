"""Text helpers for Vietnamese: NFC normalisation, slugs and sorting."""

from __future__ import annotations

import unicodedata

from django.utils.text import slugify

# Base letters in Vietnamese alphabetical order; tones are a secondary key.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_ORDER = {letter: index for index, letter in enumerate(_ALPHABET)}
# Base letter + combining mark (breve, circumflex, horn) that make a letter of their own.
_COMPOSED = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# Tone marks: none, grave, hook, tilde, acute, dot below.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text) if text else text


def slug(text: str) -> str:
    """ASCII slug that keeps đ as d (Django's slugify drops it)."""
    return slugify(nfc(text).replace("đ", "d").replace("Đ", "D"))


def _word_key(word: str) -> tuple[list[int], list[int]]:
    primary: list[int] = []
    tones: list[int] = []
    base = ""
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
        elif unicodedata.combining(char):
            if (base, char) in _COMPOSED:
                base = _COMPOSED[(base, char)]
                primary[-1] = _ORDER[base]
        else:
            base = char
            primary.append(_ORDER.get(char, len(_ALPHABET) + ord(char)))
            tones.append(0)
    return primary, tones


def vietnamese_sort_key(text: str, *, by_given_name: bool = False) -> tuple:
    """Key that sorts Vietnamese text like ICU's Vietnamese collation.

    With ``by_given_name`` the last word (the given name) sorts first, as
    official lists of people do.
    """
    words = nfc(text or "").split()
    if by_given_name and words:
        words = [words[-1], *words[:-1]]
    primary: list[int] = []
    tones: list[int] = []
    for word in words:
        p, t = _word_key(word)
        primary.extend(p + [-1])
        tones.extend(t + [0])
    return (primary, tones)
