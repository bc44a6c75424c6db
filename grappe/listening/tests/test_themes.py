"""Themes found by the background run (with progress), kept across runs where the staff edited them, new texts
placed between runs, staff edits, trends and the rising alert."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grappe.conftest import committed
from grappe.core import notify, vectors
from grappe.core.models import JobStatus, Notification
from grappe.listening.models import Need, Theme, ThemeAssignment, ThemeRun
from grappe.listening.selectors import themes as theme_selectors
from grappe.listening.services import needs as need_services
from grappe.listening.services import themes as theme_services
from matching import themes as finder

from .insights_data import crowd

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(staff):
    return crowd(staff)


def run(staff) -> ThemeRun:
    started = theme_services.start_run(actor=staff)
    return ThemeRun.objects.get(pk=started.pk)  # the immediate backend ran it at the commit


def test_a_run_finds_themes_over_every_text_and_reports_progress(made, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        started = theme_services.start_run(actor=staff)
    done = ThemeRun.objects.get(pk=started.pk)
    assert done.status == JobStatus.DONE
    assert done.total == Need.objects.count() == done.processed and done.progress_percent == 100
    assert done.report["themes"] >= 2 and done.report["placed"] == done.total
    assert ThemeAssignment.objects.count() == Need.objects.count()
    assert done.model and all(t.centroid for t in Theme.objects.filter(is_active=True))
    # The subjects, in both languages, are not mixed up: no theme holds both export and workforce texts.
    export = {a.theme_id for a in ThemeAssignment.objects.filter(need__category="export")}
    workforce = {a.theme_id for a in ThemeAssignment.objects.filter(need__category="workforce")}
    assert export and not export & workforce


def test_the_progress_bar_is_polled_while_running_and_sized_by_data_attribute(made, staff, client):
    waiting = ThemeRun.objects.create(owner=staff, status=JobStatus.RUNNING, total=200, processed=50)
    client.force_login(staff)
    html = client.get(reverse("listening:staff-theme-run-progress", args=[waiting.pk])).content.decode()
    assert 'data-width-percent="25"' in html and "hx-trigger" in html and "style=" not in html
    waiting.status = JobStatus.DONE
    waiting.save()
    html = client.get(reverse("listening:staff-theme-run-progress", args=[waiting.pk])).content.decode()
    assert "hx-trigger" not in html


def test_a_second_start_while_a_run_is_queued_returns_that_run(staff):
    queued = ThemeRun.objects.create(owner=staff)
    assert theme_services.start_run(actor=staff).pk == queued.pk
    assert ThemeRun.objects.count() == 1


def test_a_run_whose_worker_died_no_longer_blocks_the_themes(made, staff, client):
    dead = ThemeRun.objects.create(owner=staff, status=JobStatus.RUNNING, total=10, processed=3)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ThemeRun.objects.filter(pk=dead.pk).update(created_at=long_ago, heartbeat_at=long_ago)

    with committed(), translation.override("en"):
        started = theme_services.start_run(actor=staff)

    assert started.pk != dead.pk and ThemeRun.objects.get(pk=started.pk).status == JobStatus.DONE
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "signs of life" in dead.error
    client.force_login(staff)
    page = client.get(reverse("listening:staff-theme-run-progress", args=[dead.pk])).content.decode()
    assert "signs of life" in page  # the staff see why the run stopped


def test_the_database_admits_one_unfinished_run(staff):
    from django.db import IntegrityError, transaction

    ThemeRun.objects.create(owner=staff, status=JobStatus.RUNNING)
    ThemeRun.objects.create(owner=staff, status=JobStatus.DONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeRun.objects.create(owner=staff)


def test_a_second_run_keeps_staff_names_and_hand_placed_texts(made, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    export_theme = ThemeAssignment.objects.filter(need__category="export").first().theme
    other = Theme.objects.filter(is_active=True).exclude(pk=export_theme.pk).first()
    theme_services.rename_theme(actor=staff, theme=export_theme, name_fr="Tarifs américains", name_en="US tariffs")
    moved = Need.objects.filter(category="workforce").first()
    theme_services.reassign(actor=staff, need=moved,
                            theme=other if other != moved.theme_assignment.theme else export_theme)
    target = ThemeAssignment.objects.get(need=moved).theme_id
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    export_theme.refresh_from_db()
    assert export_theme.is_active and export_theme.name_en == "US tariffs" and export_theme.named_by_staff
    assert ThemeAssignment.objects.filter(need__category="export", theme=export_theme).exists()
    again = ThemeAssignment.objects.get(need=moved)
    assert again.manual and again.theme_id == target


def test_a_new_need_joins_its_theme_without_a_run(made, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    org, user = made[0]
    export_themes = {a.theme for a in ThemeAssignment.objects.filter(need__category="export")}
    with django_capture_on_commit_callbacks(execute=True):
        need = need_services.submit_need(actor=user, organisation=org, category="export", language="en",
                                         text="Tariffs on our exports to the United States hurt us.", urgency="high",
                                         visibility="anonymous")
    assert ThemeAssignment.objects.get(need=need).theme in export_themes


def test_merge_then_split(made, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    themes = list(Theme.objects.filter(is_active=True))
    into, others = themes[0], themes[1:]
    total = ThemeAssignment.objects.count()
    theme_services.merge_themes(actor=staff, into=into, others=others)
    assert Theme.objects.filter(is_active=True).count() == 1
    assert ThemeAssignment.objects.filter(theme=into).count() == total
    parts = theme_services.split_theme(actor=staff, theme=into, parts=3)
    assert len(parts) == 3 and all(p.is_active for p in parts)
    assert sum(ThemeAssignment.objects.filter(theme=p).count() for p in parts) == total


def test_a_theme_rising_is_flagged_and_the_staff_told_once(made, staff):
    theme = Theme.objects.create(name_fr="Tarifs", name_en="Tariffs")
    now = timezone.now()
    for i, (org, user) in enumerate(made):
        need = Need.objects.create(organisation=org, submitted_by=user, category="export", text="tarifs",
                                   visibility="anonymous", created_at=now - datetime.timedelta(days=3))
        ThemeAssignment.objects.create(theme=theme, need=need)
        if i < 2:  # a couple of organisations raised it before
            old = Need.objects.create(organisation=org, submitted_by=user, category="export", text="tarifs",
                                      visibility="anonymous", created_at=now - datetime.timedelta(days=50))
            ThemeAssignment.objects.create(theme=theme, need=old)
    found = theme_selectors.rising_themes()
    assert [r.theme for r in found] == [theme] and found[0].last == len(made)
    theme_services.notify_rising()
    theme_services.notify_rising()
    [told] = Notification.objects.filter(user=staff)
    assert told.params["themes"] == [{"id": theme.pk, "fr": "Tarifs", "en": "Tariffs"}]


def raise_recently(theme: Theme, made) -> None:
    """Every organisation of `made` raises `theme` in the last days, none before: it rises."""
    for org, user in made:
        need = Need.objects.create(organisation=org, submitted_by=user, category="export", text="texte",
                                   visibility="anonymous", created_at=timezone.now() - datetime.timedelta(days=3))
        ThemeAssignment.objects.create(theme=theme, need=need)


def test_the_rising_themes_notice_names_each_theme_apart_in_the_readers_language(made, staff):
    costs = Theme.objects.create(name_fr="Coûts, délais", name_en="Costs, lead times")
    labour = Theme.objects.create(name_fr="Main-d’œuvre", name_en="Workforce")
    for theme in (costs, labour):
        raise_recently(theme, made)
    with translation.override("en"):
        theme_services.notify_rising()

    [told] = Notification.objects.filter(user=staff)
    first, second = told.params["themes"]  # in the order they rise
    with translation.override("fr"):
        assert notify.readable(told).text == f"Thèmes en hausse : « {first['fr']} » et « {second['fr']} »"
    with translation.override("en"):
        assert notify.readable(told).text == f"Rising themes: “{first['en']}” and “{second['en']}”"
    assert {first["fr"], second["fr"]} == {"Coûts, délais", "Main-d’œuvre"}


def test_a_theme_raised_by_fewer_than_k_organisations_is_not_rising(made, staff):
    theme = Theme.objects.create(name_fr="Rare", name_en="Rare")
    for org, user in made[:3]:
        need = Need.objects.create(organisation=org, submitted_by=user, category="other", text="rare",
                                   visibility="anonymous", created_at=timezone.now())
        ThemeAssignment.objects.create(theme=theme, need=need)
    assert theme not in [r.theme for r in theme_selectors.rising_themes()]


def test_embeddings_are_cached_by_text_hash(made, staff, settings, monkeypatch):
    class Fake:
        name = "fake-encoder"
        dim = 4

        def __init__(self):
            self.calls = 0

        def encode_text(self, text):
            self.calls += 1
            return [1.0, len(text) % 3, 0.0, 1.0]

    fake = Fake()
    monkeypatch.setitem(vectors._ENCODERS, "fake", fake)
    texts = ["un", "deux", "un"]
    first = vectors.cached_vectors(texts, "fake")
    assert first.shape == (3, 4) and fake.calls == 2
    vectors.cached_vectors(texts, "fake")
    assert fake.calls == 2


# Names (issue 11) ---------------------------------------------------------------------------------------------

@pytest.fixture
def three_themes(monkeypatch):
    """One theme per subject, each holding its French and English texts (the crowd is small enough that the
    finder's usual range of 6 themes or more splits them by language)."""
    monkeypatch.setattr(theme_services, "_find", lambda texts, vectors: finder.find_themes(texts, vectors, k=3))


def _export_theme() -> Theme:
    return ThemeAssignment.objects.filter(need__category="export").first().theme


def test_a_theme_is_named_by_a_phrase_of_its_texts_in_the_readers_language(made, staff, client, three_themes,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    supply = ThemeAssignment.objects.filter(need__category="supply_chain").first().theme
    assert supply.name_fr == "Délais de livraison du titane"  # as written, accents kept: not "delais, titane"
    assert supply.name_en == "Lead times for titanium"
    client.force_login(staff)
    for language, name in (("fr", supply.name_fr), ("en", supply.name_en)):
        with translation.override(language):
            assert supply.name == name
            page = client.get(reverse("listening:staff-theme-list")).content.decode()
        assert name in page
    with translation.override("en"):
        assert supply.name_fr not in client.get(reverse("listening:staff-theme-list")).content.decode()


def test_names_stay_across_runs_and_after_one_unrelated_text(made, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    names = {t.pk: (t.name_fr, t.name_en) for t in Theme.objects.filter(is_active=True)}
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    assert {t.pk: (t.name_fr, t.name_en) for t in Theme.objects.filter(is_active=True)} == names
    org, user = made[0]
    Need.objects.create(organisation=org, submitted_by=user, category="other",
                        text="Le stationnement des vélos devant la cafétéria est trop petit.")
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    after = {t.pk: (t.name_fr, t.name_en) for t in Theme.objects.filter(is_active=True)}
    assert all(after.get(pk) == pair for pk, pair in names.items())


def test_a_new_text_unlike_every_theme_stays_unthemed(made, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    org, user = made[0]
    with django_capture_on_commit_callbacks(execute=True):
        need = need_services.submit_need(actor=user, organisation=org, category="other", language="fr",
                                         text="Le stationnement des vélos devant la cafétéria est trop petit.",
                                         urgency="low", visibility="anonymous")
    assert not ThemeAssignment.objects.filter(need=need).exists()
    assert theme_selectors.unthemed_needs() == 1


def test_observers_see_the_public_phrase_in_their_language_and_the_staff_name_once_renamed(
        made, staff, observer, client, three_themes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)
    export = _export_theme()
    client.force_login(observer)
    french, english = export.public_names["fr"][0][0], export.public_names["en"][0][0]
    assert french != english
    for language, phrase, other in (("fr", french, english), ("en", english, french)):
        with translation.override(language):
            assert theme_selectors.public_name(export) == phrase
            page = client.get(reverse("listening:dashboard")).content.decode()
        assert phrase in page and other not in page
    theme_services.rename_theme(actor=staff, theme=export, name_fr="Tarifs américains", name_en="US tariffs")
    with django_capture_on_commit_callbacks(execute=True):
        theme_services.start_run(actor=staff)  # the staff's name survives a run, and is what observers see
    export.refresh_from_db()
    with translation.override("en"):
        assert export.name == theme_selectors.public_name(export) == "US tariffs"
    with translation.override("fr"):
        assert theme_selectors.public_name(export) == "Tarifs américains"
