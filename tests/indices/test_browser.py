"""The profile page's charts in headless Chromium."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from directory.models import AdministrativeUnit
from indices.models import ComponentScore, Result
from indices.sentences import vn_number
from tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def short_timeouts(page):
    page.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return live_server.url


def canvas_ink(page, selector: str) -> int:
    """How many pixels of the canvas are painted (not transparent)."""
    return page.eval_on_selector(
        selector,
        """canvas => { const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                       let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""",
    )


def test_profile_charts_render_and_tables_match_the_data(page, demo_site, tmp_path):
    errors = []
    # Script errors and CSP refusals (the favicon's 404 is not ours to check here).
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None)
    log_in(page, demo_site, "lanhdao")  # with the leader's two-factor code
    quang_nam = AdministrativeUnit.objects.get(code="L-P49")
    page.goto(f"{demo_site}/chi-so/don-vi/{quang_nam.pk}/par-index/?nam=2021")

    charts = page.locator("figure.chart")
    expect(charts).to_have_count(3)  # score trend, rank trend, components
    expect(page.locator("figure.chart[data-drawn='1']")).to_have_count(3)
    for i in range(3):
        assert canvas_ink(page, f":nth-match(figure.chart canvas, {i + 1})") > 500
    assert not errors, errors

    shot = page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)
    from PIL import Image

    image = Image.open(io.BytesIO(shot)).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # not a blank page

    # The trend table holds the unit's results, year by year.
    results = Result.objects.filter(admin_unit=quang_nam, edition__index__code="par-index").order_by("edition__year")
    trend = page.locator(f"#trend-{quang_nam.pk} tbody tr")
    expect(trend).to_have_count(results.count())
    for row, result in zip(trend.all(), results, strict=True):
        cells = row.locator("th, td").all_inner_texts()
        assert cells[0].strip() == str(result.edition.year)
        if result.total is not None:
            assert cells[1].startswith(vn_number(result.total))
            assert row.locator("td").first.get_attribute("data-value") == str(result.total)
        else:
            assert row.locator("td").first.get_attribute("data-value") == ""
        assert cells[2].strip().startswith(f"{result.rank}/{result.out_of}")

    # The components table: the unit's score of each field as stored.
    result = results.get(edition__year=2021)
    scores = dict(ComponentScore.objects.filter(result=result, component__parent=None).values_list("component__code", "score"))
    rows = page.locator("#components-table tbody tr")
    expect(rows).to_have_count(len(scores))
    for row in rows.all():
        header = row.locator("th").inner_text()
        code = header.split(".")[0]
        assert row.locator("td").nth(1).inner_text().strip() == vn_number(scores[code])
        assert row.locator("td").nth(1).get_attribute("data-value") == str(scores[code])
