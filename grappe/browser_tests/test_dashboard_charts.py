"""The dashboards read well on a phone and on a desktop: every chart's text is drawn at 12 CSS px or more as
the browser shows it, at 390 px and 1280 px wide, the page never scrolls sideways, and axe finds nothing
serious (a table wider than the phone scrolls in a region a keyboard reaches).

A chart is an SVG image (grappe.core.charts): the text size a reader sees is the size the SVG gives its text
times the scale at which the image is drawn (its rendered width over its viewBox's width). The test opens the
very SVG the <picture> chose (currentSrc) in a page of its own, reads every visible text's computed font size
there, and scales it by the image's width in the dashboard.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from grappe.listening.models import Need, SurveyStatus, Theme
from grappe.listening.services import themes as theme_services
from grappe.listening.tests.insights_data import answered_survey, crowd
from grappe.members.models import Segment

from .helpers import url

pytestmark = pytest.mark.browser

SMALLEST_PX = 12
WIDTHS = (390, 1280)
SCREENSHOTS = Path(os.environ.get("GRAPPE_SWEEP_DIR", Path(settings.BASE_DIR) / "var" / "sweep")) / "charts"

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SERIOUS_VIOLATIONS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ' ' + v.nodes[0].html.slice(0, 80))"""

# For each chart: the drawing the page shows (its width chose it), which SVG it is, and how wide it is drawn.
IMAGES = """() => [...document.querySelectorAll('figure.grappe-chart')]
  .map(figure => [...figure.querySelectorAll('img')].filter(img => img.getBoundingClientRect().width > 0)
  .map(img => ({src: img.currentSrc, width: img.getBoundingClientRect().width, alt: img.alt})))"""

# In the SVG's own page: its viewBox width and the computed font size of every text a reader sees.
TEXTS = """() => {
  const svg = document.querySelector('svg');
  return {viewBox: svg.viewBox.baseVal.width, texts: [...svg.querySelectorAll('text')]
    .filter(t => { const s = getComputedStyle(t), b = t.getBBox();
      return t.textContent.trim() && s.display !== 'none' && s.visibility !== 'hidden' && b.width > 0; })
    .map(t => ({text: t.textContent.trim(), size: parseFloat(getComputedStyle(t).fontSize)}))};
}"""


@pytest.fixture
def dashboards(transactional_db, settings, staff, observer, django_capture_on_commit_callbacks):
    """Twelve organisations raising needs for six months, a subject only a few raise in some months (hidden
    there), a segment of half of them, themes found, and a closed survey they answered."""
    settings.GRAPPE_THEME_ENCODER = "none"
    made = crowd(staff, months=6)
    now = timezone.now()
    energy = "Le coût de l'électricité et du gaz naturel pèse sur nos fours de traitement."
    for m, raising in enumerate((7, 3, 8, 2, 6, 9)):
        for org, user in made[:raising]:
            Need.objects.create(organisation=org, submitted_by=user, category="infrastructure", language="fr",
                                text=energy,
                                visibility="anonymous", urgency="medium",
                                created_at=now - datetime.timedelta(days=31 * m + 3))
    for i, (org, _user) in enumerate(made):
        org.region = "01" if i < 6 else "06"
        org.save()
    Segment.objects.create(name="Montérégie", regions=["01"])
    survey = answered_survey(staff, made, answering=12, status=SurveyStatus.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    return {"staff": staff, "observer": observer, "survey": survey}


def too_small(page, image) -> list[str]:
    """The texts of one chart image drawn below SMALLEST_PX as the dashboard shows it."""
    svg_page = page.context.new_page()
    try:
        svg_page.goto(image["src"])
        drawn = svg_page.evaluate(TEXTS)
    finally:
        svg_page.close()
    scale = image["width"] / drawn["viewBox"]
    assert drawn["texts"], f"no text in the chart {image['alt'][:60]}"
    return [f"{t['text']!r} at {t['size'] * scale:.1f} px" for t in drawn["texts"]
            if t["size"] * scale < SMALLEST_PX - 0.05]


def check_charts(page, path: str, name: str, charts: int, whole_page: bool = True) -> None:
    """At each width: `charts` charts or more, each showing one drawing whose text reads at 12 px or more;
    with `whole_page`, a page that does not scroll sideways and that axe finds nothing serious in. A
    screenshot of each, to look at."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path)
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        shown = page.evaluate(IMAGES)
        assert len(shown) >= charts and all(len(images) == 1 for images in shown), (width, shown)
        small = {image["alt"][:50]: found for (image,) in shown if (found := too_small(page, image))}
        assert not small, f"at {width} px: {small}"
        if not whole_page:
            continue
        sideways = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
        assert sideways[0] <= sideways[1], f"at {width} px the page is {sideways[0]} px wide"
        # A table wider than a phone scrolls in a region a keyboard reaches (scrollable-region-focusable).
        page.evaluate(AXE)
        assert page.evaluate(SERIOUS_VIOLATIONS) == [], f"axe at {width} px"


@pytest.mark.parametrize("role", ["staff", "observer"])
def test_dashboard_charts_read_at_12_px_and_the_page_never_scrolls_sideways(page, sign_in, dashboards, role):
    sign_in(dashboards[role])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Themes over time, needs by category and by urgency, and the segment's needs by category.
    check_charts(page, url("listening:dashboard"), f"{role}-dashboard", charts=4)
    # A chart per question with figures: the Likert scale and the single choice.
    check_charts(page, url("listening:dashboard-survey", dashboards["survey"].pk), f"{role}-survey", charts=2)


def test_the_staff_theme_charts_read_at_12_px_in_a_full_and_in_a_partial_column(page, sign_in, dashboards):
    sign_in(dashboards["staff"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    check_charts(page, url("listening:staff-theme-list"), "staff-themes", charts=1, whole_page=False)
    theme = Theme.objects.filter(is_active=True).order_by("pk").first()
    check_charts(page, url("listening:staff-theme-detail", theme.pk), "staff-theme", charts=1,
                 whole_page=False)
