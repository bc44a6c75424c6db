"""The government brief a staff member would forward: page 1 is an executive summary (the three findings that
matter, each with its figures, in the brief's language, never resting on a group under k), the same findings
head the page and the workbook, quotes are about the theme they are shown under and say a complaint once, and
the trend chart draws no floating dots."""

import pytest
from django.utils import timezone

from grappe.listening.models import Need, Theme, ThemeAssignment
from grappe.listening.selectors import briefs as brief_selectors
from grappe.listening.services import themes as theme_services

from .insights_data import crowd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lexical_themes(settings):
    settings.GRAPPE_THEME_ENCODER = "none"


@pytest.fixture
def made(staff, django_capture_on_commit_callbacks):
    organisations = crowd(staff)
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    return organisations


def test_a_quote_is_about_its_theme_and_a_repeated_complaint_shows_once(made, staff):
    theme = Theme.objects.create(name_fr="transport, commun, employes", name_en="transit",
                                 keywords=["transport", "commun", "employes", "usine"])
    texts = [
        "Le transport en commun vers notre usine est insuffisant pour nos employés. C'est urgent pour nous.",
        "LE TRANSPORT  en commun vers notre usine est insuffisant pour nos employes. Cela touche 20 % du chiffre.",
        "Les délais de livraison du titane dépassent maintenant 40 semaines.",
        "Public transit to our plant is too scarce for our employees.",
        "Nos employés n'ont aucun autobus le soir: le transport manque.",
    ]
    now = timezone.now()
    for (org, user), text in zip(made[:5], texts, strict=True):
        need = Need.objects.create(organisation=org, submitted_by=user, category="infrastructure", text=text,
                                   visibility="named", created_at=now)
        ThemeAssignment.objects.create(theme=theme, need=need, score=0.9 if "titane" in text else 0.5)
    today = timezone.localdate()
    quotes = brief_selectors.theme_quotes([theme.pk], today.replace(day=1), today)[theme.pk]
    assert not any("titane" in quote for quote in quotes), "a misplaced text is not quoted under the theme"
    assert sum(quote.lower().startswith("le transport") for quote in quotes) == 1
    assert len(quotes) == 3 and any("employees" in quote for quote in quotes)
