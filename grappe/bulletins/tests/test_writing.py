"""Writing a bulletin: the communications staff write and target it; what they write is cleaned; a target that
reaches nobody is refused with the criterion that emptied it; a sent bulletin is final."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from grappe.bulletins.models import Bulletin, BulletinStatus, Category
from grappe.bulletins.services.writing import create_bulletin, update_bulletin
from grappe.core.models import AuditEntry
from grappe.members.models import Region

from .factories import make_bulletin

pytestmark = pytest.mark.django_db


def fields(**changes) -> dict:
    return {"category": Category.REGULATORY, "title_fr": "Nouvelles normes", "body_fr": "<p>Ce qui change.</p>",
            "title_en": "", "body_en": "", "summary_fr": "", "summary_en": "", "is_public": False,
            **changes}


def test_the_staff_write_a_bulletin_in_one_language(bulletins_matrix):
    ctx = bulletins_matrix
    bulletin = create_bulletin(ctx.staff, **fields(capabilities=[ctx.capability], regions=["06"]))
    assert bulletin.status == BulletinStatus.DRAFT and bulletin.created_by == ctx.staff
    assert bulletin.summary_fr == "Ce qui change." and bulletin.summary_en == ""
    assert list(bulletin.capabilities.all()) == [ctx.capability] and bulletin.regions == ["06"]
    entries = AuditEntry.objects.filter(target_id=str(bulletin.pk))
    assert [entry.action for entry in entries] == ["bulletin.created"]
    assert entries[0].after["capabilities"] == [ctx.capability.pk]


def test_what_is_written_is_cleaned_when_saved(bulletins_matrix):
    bulletin = create_bulletin(bulletins_matrix.staff, **fields(
        body_fr='<p onclick="x()">Texte <script>alert(1)</script><a href="javascript:alert(1)">lien</a>'
                '<img src="https://tracker.example/p.gif"></p>'))
    assert bulletin.body_fr == "<p>Texte <a rel=\"noopener noreferrer\">lien</a></p>"


def test_a_programs_officer_does_not_write(bulletins_matrix):
    with pytest.raises(PermissionDenied):
        create_bulletin(bulletins_matrix.programs_officer, **fields())
    assert not AuditEntry.objects.filter(action="bulletin.created").exists()


def test_a_bulletin_needs_one_complete_language(bulletins_matrix):
    with pytest.raises(ValidationError) as refused:
        create_bulletin(bulletins_matrix.staff, **fields(title_fr="", body_fr="", title_en="News", body_en=""))
    assert "body_en" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        create_bulletin(bulletins_matrix.staff, **fields(title_fr="", body_fr="<p><script>x</script></p>"))
    assert "title_fr" in refused.value.message_dict


def test_a_target_that_reaches_nobody_is_refused_with_its_criterion(bulletins_matrix):
    ctx = bulletins_matrix
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        create_bulletin(ctx.staff, **fields(capabilities=[ctx.capability], regions=[Region.NORD_DU_QUEBEC]))
    assert "the regions" in refused.value.message_dict["__all__"][0]
    assert not Bulletin.objects.filter(title_fr="Nouvelles normes").exists()
    assert not AuditEntry.objects.filter(action="bulletin.created").exists()


def test_one_link_at_most(bulletins_matrix):
    ctx = bulletins_matrix
    with pytest.raises(ValidationError) as refused:  # checked before anything is looked up or saved
        create_bulletin(ctx.staff, **fields(call=object(), event=object()))
    assert "call" in refused.value.message_dict


def test_an_edit_records_what_changed(bulletins_matrix):
    ctx = bulletins_matrix
    bulletin = update_bulletin(ctx.staff, ctx.draft, **fields(title_fr="Brouillon revu"))
    assert bulletin.title_fr == "Brouillon revu" and bulletin.status == BulletinStatus.DRAFT
    entry = AuditEntry.objects.get(action="bulletin.changed")
    assert entry.before["title_fr"] == "Brouillon" and entry.after["title_fr"] == "Brouillon revu"


def test_a_scheduled_bulletin_stays_scheduled(bulletins_matrix):
    bulletin = make_bulletin(status=BulletinStatus.SCHEDULED)
    when = bulletin.scheduled_for
    bulletin = update_bulletin(bulletins_matrix.staff, bulletin, **fields(title_fr="Revu"))
    assert bulletin.status == BulletinStatus.SCHEDULED and bulletin.scheduled_for == when


def test_a_sent_bulletin_cannot_be_edited(bulletins_matrix):
    ctx = bulletins_matrix
    with pytest.raises(ValidationError):
        update_bulletin(ctx.staff, ctx.bulletin_to_a, **fields(title_fr="Réécrit"))
    ctx.bulletin_to_a.refresh_from_db()
    assert ctx.bulletin_to_a.title_fr != "Réécrit"
    assert not AuditEntry.objects.filter(action="bulletin.changed").exists()


def test_a_bulletin_links_to_an_open_call_and_the_form_offers_only_open_ones(bulletins_matrix):
    from grappe.bulletins.forms.bulletins import BulletinForm
    from grappe.programs.models import CallStatus
    from grappe.programs.tests.factories import make_call, make_program

    ctx = bulletins_matrix
    program = make_program(ctx.staff)
    open_call = make_call(program)
    draft_call = make_call(program, title_fr="Appel en préparation", status=CallStatus.DRAFT)
    offered = list(BulletinForm().fields["call"].queryset)
    assert open_call in offered and draft_call not in offered
    bulletin = create_bulletin(ctx.staff, **fields(call=open_call))
    assert bulletin.call == open_call
