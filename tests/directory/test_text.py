import datetime
import unicodedata

from conferences.formatting import date_phrase, inline_markup, place_date_line, roman
from directory.text import nfc, slug, vietnamese_sort_key


def test_slug_keeps_d_stroke():
    assert slug("Đảng ủy Khối") == "dang-uy-khoi"
    assert slug("Sở Nội vụ") == "so-noi-vu"


def test_nfc():
    decomposed = unicodedata.normalize("NFD", "Quảng Nam")
    assert decomposed != "Quảng Nam"
    assert nfc(decomposed) == "Quảng Nam"


def test_vietnamese_sort_order_by_given_name():
    names = ["Trần Văn Đức", "Nguyễn Thị An", "Lê Văn Dũng", "Phạm Thị Ánh", "Hồ Quang Bửu", "Võ Thị Ân"]
    ordered = sorted(names, key=lambda n: vietnamese_sort_key(n, by_given_name=True))
    assert ordered == ["Nguyễn Thị An", "Phạm Thị Ánh", "Võ Thị Ân", "Hồ Quang Bửu", "Lê Văn Dũng", "Trần Văn Đức"]


def test_vietnamese_alphabet_order():
    words = ["ơ", "o", "ô", "đ", "d", "ư", "u", "ă", "a", "â", "e", "ê"]
    assert sorted(words, key=vietnamese_sort_key) == ["a", "ă", "â", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư"]


def test_decree_30_dates():
    assert date_phrase(date=datetime.date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert date_phrase(date=datetime.date(2024, 6, 29)) == "ngày 29 tháng 6 năm 2024"
    assert date_phrase(date=datetime.date(2024, 2, 10)) == "ngày 10 tháng 02 năm 2024"
    assert date_phrase(date=datetime.date(2024, 12, 3)) == "ngày 03 tháng 12 năm 2024"
    assert place_date_line("Quảng Nam", date=datetime.date(2024, 5, 20)) == "Quảng Nam, ngày 20 tháng 5 năm 2024"
    draft = date_phrase(month=1, year=2024)
    assert draft.startswith("ngày ") and draft.endswith("tháng 01 năm 2024")


def test_roman():
    assert [roman(n) for n in (1, 4, 7, 9, 14)] == ["I", "IV", "VII", "IX", "XIV"]


def test_inline_markup_escapes_and_emphasises():
    assert inline_markup("**chậm nhất ngày 03/5/2024**") == "<strong>chậm nhất ngày 03/5/2024</strong>"
    assert inline_markup("(*do Chủ tịch UBND huyện mời*)") == "(<em>do Chủ tịch UBND huyện mời</em>)"
    assert inline_markup("<b onclick=x>") == "&lt;b onclick=x&gt;"
    assert inline_markup("5 * 3 = 15") == "5 * 3 = 15"
