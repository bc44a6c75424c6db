"""One way of writing dates per language: templates name the formats of grappe/formats/ ("SHORT_DATE_FORMAT",
"WEEKDAY_DATE_FORMAT"…) and never spell one ("l j F Y" reads "samedi 5 décembre 2026" in French but "Saturday 5
December 2026" in English, a second English format beside "December 5, 2026")."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from grappe.formats.en import formats as english
from grappe.formats.fr import formats as french

GRAPPE = Path(settings.BASE_DIR) / "grappe"
# A date or time filter with a quoted argument, and the {% now %} tag.
FORMATTED = re.compile(r"""\|\s*(?:date|time)\s*:\s*(["'])(?P<filter>.*?)\1|\{%\s*now\s+(["'])(?P<now>.*?)\3""")
FORMAT_NAME = re.compile(r"[A-Z_]+_FORMAT")


def templates():
    return sorted(path for path in GRAPPE.rglob("templates/**/*") if path.suffix in (".html", ".txt", ".xml"))


def test_no_template_spells_a_date_format_it_names_one_of_every_language():
    spelled = []
    for path in templates():
        for match in FORMATTED.finditer(path.read_text()):
            name = match.group("filter") if match.group("filter") is not None else match.group("now")
            if not (FORMAT_NAME.fullmatch(name) and hasattr(french, name) and hasattr(english, name)):
                spelled.append(f"{path.relative_to(GRAPPE)}: {match.group(0)}")
    assert len(templates()) > 100
    assert not spelled, "name a format of grappe/formats/ (both languages) instead:\n" + "\n".join(spelled)


SATURDAY = datetime.date(2026, 12, 5)
AFTERNOON = datetime.datetime(2026, 12, 5, 14, 15)


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", {"DATE_FORMAT": "5 décembre 2026", "WEEKDAY_DATE_FORMAT": "samedi 5 décembre 2026",
            "SHORT_DATE_FORMAT": "2026-12-05", "DATETIME_FORMAT": "5 décembre 2026, 14:15",
            "SHORT_DATETIME_FORMAT": "2026-12-05 14:15", "TIME_FORMAT": "14:15", "WEEKDAY_TIME_FORMAT": "sam 14:15"}),
    ("en", {"DATE_FORMAT": "December 5, 2026", "WEEKDAY_DATE_FORMAT": "Saturday, December 5, 2026",
            "SHORT_DATE_FORMAT": "2026-12-05", "DATETIME_FORMAT": "December 5, 2026, 14:15",
            "SHORT_DATETIME_FORMAT": "2026-12-05 14:15", "TIME_FORMAT": "14:15", "WEEKDAY_TIME_FORMAT": "Sat 14:15"}),
])
def test_a_date_reads_one_way_per_language_month_in_words_and_a_24_hour_clock(language, expected):
    with translation.override(language):
        rendered = {name: Template(f'{{{{ when|date:"{name}" }}}}').render(Context({"when": AFTERNOON}))
                    for name in expected}
        assert Template("{{ when }}").render(Context({"when": SATURDAY})) == expected["DATE_FORMAT"]
    assert rendered == expected
    long_dates = [rendered[name] for name in ("DATE_FORMAT", "WEEKDAY_DATE_FORMAT", "DATETIME_FORMAT")]
    assert all(expected["DATE_FORMAT"] in text for text in long_dates), "the weekday and the time add to the date"
