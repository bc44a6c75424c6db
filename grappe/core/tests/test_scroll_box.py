"""A wide table scrolls inside its own box on a phone, and that box is reached by keyboard and named for a screen
reader (axe: scrollable-region-focusable). Every such box of ours comes from one template tag, so none forgets."""

from pathlib import Path

from django.conf import settings
from django.template import Context, Template


def test_the_scroll_box_is_focusable_and_named():
    html = Template('{% load grappe %}{% scroll_box "Segments" %}<table></table>{% endscroll_box %}').render(Context())
    assert html == ('<div class="table-responsive" tabindex="0" role="region" aria-label="Segments">'
                    "<table></table></div>")


def test_the_scroll_box_escapes_its_label_and_keeps_a_test_hook():
    html = Template('{% load grappe %}{% scroll_box label testid="grid" %}x{% endscroll_box %}').render(
        Context({"label": "<b>A & B</b>"}))
    assert 'aria-label="&lt;b&gt;A &amp; B&lt;/b&gt;"' in html and 'data-testid="grid"' in html


def test_every_template_with_a_scrolling_table_uses_the_scroll_box():
    templates = [path for path in Path(settings.BASE_DIR, "grappe").rglob("*.html")]
    assert len(templates) > 50
    by_hand = [str(path) for path in templates if "table-responsive" in path.read_text()]
    assert not by_hand, f"use {{% scroll_box label %}}…{{% endscroll_box %}} instead of a bare .table-responsive: {by_hand}"
    using = [path for path in templates if "{% scroll_box " in path.read_text()]
    assert len(using) >= 20
    for path in using:
        text = path.read_text()
        assert text.count("{% scroll_box ") == text.count("{% endscroll_box %}"), path
        assert "grappe" in text.split("%}", 1)[0] or "{% load" in text and " grappe" in text, f"{path} loads grappe"
