"""Text helpers for Vietnamese: NFC normalisation, slugs and sorting."""

from __future__ import annotations

import unicodedata

from django.utils.text import slugify

# Digits, then base letters in Vietnamese alphabetical order (with the
# foreign letters f, j, w, z where ICU puts them); tones are a secondary key.
_ALPHABET = "0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_ORDER = {letter: index for index, letter in enumerate(_ALPHABET)}
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
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


def collation_key(text: str, *, by_given_name: bool = False) -> str:
    """:func:`vietnamese_sort_key` as a string of ASCII digits and letters.

    Stored in a column, it lets the database sort Vietnamese names (any
    collation orders such strings like bytes): a word end is ``0``, a letter
    ``1`` and two base-36 digits, any other character ``2`` and four; then
    ``0`` and one digit per tone.
    """
    primary, tones = vietnamese_sort_key(text, by_given_name=by_given_name)
    parts = []
    for value in primary:
        if value < 0:
            parts.append("0")
        elif value < len(_ALPHABET):
            parts.append("1" + _base36(value, 2))
        else:
            parts.append("2" + _base36(value - len(_ALPHABET), 4))
    parts.append("0")
    parts.extend(str(tone) for tone in tones)
    return "".join(parts)


def _base36(value: int, width: int) -> str:
    """Fixed-width base 36 (36**4 exceeds the largest code point)."""
    digits = ""
    for _ in range(width):
        value, digit = divmod(value, 36)
        digits = _BASE36[digit] + digits
    return digits


def fold(text: str) -> str:
    """Accent-insensitive form for searching: lower case, tones and other
    diacritics removed, đ → d, whitespace collapsed (“Sở Nội vụ” → “so noi vu”)."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).lower().split())


def search_words(query: str) -> list[str]:
    """The folded words of a search query (every one must match)."""
    return fold(query).split()
