"""Sentence vectors: a text is encoded once, by the background task its writing queues, and stored; theme runs
read the stored vectors and never encode; an encoder missing or failing leaves lexical themes and a note to
the staff, never an error."""

import pytest
from django.urls import reverse
from django.utils import translation

from grappe.core import vectors
from grappe.core.models import JobStatus, TextEmbedding
from grappe.listening.models import ThemeRun
from grappe.listening.services import needs as need_services
from grappe.listening.services import themes as theme_services
from matching import embeddings

from .insights_data import crowd

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(fake_encoder_in_use):
    """The fake encoder; the tasks that texts queue run when the test's on-commit callbacks are executed."""
    return fake_encoder_in_use


def _run(staff, django_capture_on_commit_callbacks) -> ThemeRun:
    with django_capture_on_commit_callbacks(execute=True):
        started = theme_services.start_run(actor=staff)
    return ThemeRun.objects.get(pk=started.pk)


def _submit(org, user, text):
    return need_services.submit_need(actor=user, organisation=org, category="export", language="en", text=text,
                                     urgency="high", visibility="anonymous")


def test_a_written_need_is_encoded_by_its_task_and_the_run_reads_the_stored_vectors(
        staff, fake, django_capture_on_commit_callbacks):
    made = crowd(staff)
    theme_services.encode_new_texts(every_text=True)  # the backfill (manage.py encode_texts)
    org, user = made[0]
    with django_capture_on_commit_callbacks(execute=True):
        _submit(org, user, "Tariffs on our exports to the United States hurt us.")
    assert TextEmbedding.objects.filter(model_name="fake-encoder",
                                        text_hash=vectors.text_hash(
                                            "Tariffs on our exports to the United States hurt us.")).exists()
    fake.broken = True  # any encoding from here on would fail the test's expectations below
    run = _run(staff, django_capture_on_commit_callbacks)
    assert run.status == JobStatus.DONE and run.encoder == "fake-encoder"
    assert "encoder_note" not in run.report


def test_the_backfill_encodes_each_text_once(staff, fake):
    crowd(staff, organisations=2, months=1)
    first = theme_services.encode_new_texts(every_text=True)
    assert first == fake.calls > 0
    assert theme_services.encode_new_texts(every_text=True) == 0 and fake.calls == first


def test_a_failing_encoder_leaves_lexical_themes_and_a_note_to_the_staff(
        staff, fake, client, django_capture_on_commit_callbacks):
    made = crowd(staff)
    fake.broken = True
    org, user = made[0]
    with django_capture_on_commit_callbacks(execute=True):
        _submit(org, user, "Tariffs on our exports hurt us.")  # its task fails to encode: no error
    run = _run(staff, django_capture_on_commit_callbacks)
    assert run.status == JobStatus.DONE and run.encoder == "" and run.report["encoder_note"] == "failed"
    assert run.report["themes"] > 0
    with django_capture_on_commit_callbacks(execute=True):
        _submit(org, user, "Tariffs on our exports to Mexico hurt us too.")  # placed lexically, no error
    client.force_login(staff)
    page = client.get(reverse("listening:staff-theme-list"))
    with translation.override(page.headers["Content-Language"]):
        note = translation.gettext("The sentence encoder could not be used: these themes were found from the "
                                   "words alone, and French and English texts on one subject may fall apart.")
    assert page.status_code == 200 and note.split(":")[0] in page.content.decode()


def test_a_missing_encoder_leaves_lexical_themes_and_a_note(staff, settings, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    settings.GRAPPE_THEME_ENCODER = "e5"
    monkeypatch.setattr(embeddings, "available", lambda name: False)
    crowd(staff, organisations=4, months=1)
    run = _run(staff, django_capture_on_commit_callbacks)
    assert run.status == JobStatus.DONE and run.report["encoder_note"] == "missing"


def test_no_note_when_the_staff_chose_lexical_themes(staff, settings, django_capture_on_commit_callbacks):
    settings.GRAPPE_THEME_ENCODER = "none"
    crowd(staff, organisations=4, months=1)
    run = _run(staff, django_capture_on_commit_callbacks)
    assert run.status == JobStatus.DONE and "encoder_note" not in run.report


def test_theme_names_stay_the_same_across_two_runs_on_the_same_stored_vectors(
        staff, fake, django_capture_on_commit_callbacks):
    from grappe.listening.models import Theme

    crowd(staff)
    theme_services.encode_new_texts(every_text=True)

    def names():
        themes = Theme.objects.filter(is_active=True)
        return sorted((theme.name_fr, theme.name_en) for theme in themes)

    first = _run(staff, django_capture_on_commit_callbacks)
    named = names()
    second = _run(staff, django_capture_on_commit_callbacks)
    assert first.encoder == second.encoder == "fake-encoder", "both runs read the stored vectors"
    assert len(named) > 1
    assert names() == named, "the same texts give the same names, run after run"
    assert all(fr and en for fr, en in named)
