"""Submitted versions: the reviewer sees what changed, section by section."""

from __future__ import annotations

import re

from django.urls import reverse

from conferences.models import Section
from tests.conftest import page_text
from workflow import services
from workflow.versions import inline_diff, section_diffs


def test_inline_diff_marks_only_the_changed_words():
    html = inline_diff("Hội nghị tổ chức vào ngày 31/5/2024.", "Hội nghị tổ chức vào sáng ngày 07/6/2024.")
    assert str(html) == "Hội nghị tổ chức vào <ins>sáng </ins>ngày <del>31/5/2024.</del><ins>07/6/2024.</ins>"
    assert "&lt;b&gt;" in str(inline_diff("a", "<b>"))  # user text is escaped


def test_section_diffs_align_sections_by_heading():
    old = [{"key": "s:A", "title": "I. A", "paragraphs": ["x"]}, {"key": "s:B", "title": "II. B", "paragraphs": ["y"]}]
    new = [{"key": "s:B", "title": "I. B", "paragraphs": ["y"]}, {"key": "s:C", "title": "II. C", "paragraphs": ["z"]}]
    assert [(d.key, d.status) for d in section_diffs(old, new)] == [("s:A", "removed"), ("s:B", "changed"), ("s:C", "added")]
    same = section_diffs(new, new)
    assert [d.status for d in same] == ["same", "same"]


def test_the_diff_shows_a_changed_sentence_between_two_submissions(client, world):
    users = world.users
    plan = world.submitted()
    services.return_plan(plan, user=users["reviewer"], comment="Nêu rõ địa phương.")
    services.reopen(plan, user=users["drafter"])
    section = Section.objects.get(plan=plan, order=1)
    section.body = "- Đánh giá kết quả Chỉ số PAPI năm 2025 của tỉnh Thử Nghiệm."
    section.save()
    services.submit(plan, user=users["drafter"])

    client.force_login(users["reviewer"])
    response = client.get(reverse("workflow:version", args=[plan.pk, 2]))
    assert response.status_code == 200
    html = response.content.decode()
    changed = re.findall(r'<section class="card mb-3 version-section version-section-changed"[^>]*data-section="([^"]+)"', html)
    assert changed == ["s:MỤC ĐÍCH, YÊU CẦU"]  # only the section with the new sentence
    assert "- Đánh giá kết quả Chỉ số PAPI năm <del>2025.</del><ins>2025 của tỉnh Thử Nghiệm.</ins>" in html
    text = page_text(html)
    assert "So với lần trình 1: 1 mục thay đổi" in text
    assert "Nêu rõ địa phương." in text  # the comments of the previous submission, beside the diff

    # The first submission has nothing to compare with.
    first = client.get(reverse("workflow:version", args=[plan.pk, 1])).content.decode()
    assert "<del>" not in first and "<ins>" not in first
    assert "- Đánh giá kết quả Chỉ số PAPI năm 2025." in first


def test_section_comments_show_under_their_section(client, world):
    plan = world.submitted()
    client.force_login(world.users["reviewer"])
    response = client.post(
        reverse("workflow:comment", args=[plan.pk]),
        {"section": "s:KINH PHÍ", "text": "Ghi rõ nguồn kinh phí.", "next": reverse("workflow:version", args=[plan.pk, 1])},
    )
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    budget = html[html.index('data-section="s:KINH PHÍ"') :]
    budget = budget[: budget.index("</section>")]
    assert "Ghi rõ nguồn kinh phí." in budget
    # An empty comment keeps the form, with the section chosen.
    response = client.post(reverse("workflow:comment", args=[plan.pk]), {"section": "s:KINH PHÍ", "text": " "})
    assert response.status_code == 400
    assert '<option value="s:KINH PHÍ" selected>' in response.content.decode()
