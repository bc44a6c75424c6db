"""manage.py encode_texts: the backfill of stored vectors, for every kind of text, safe to run again."""

from io import StringIO

import pytest
from django.core.management import call_command

from grappe.core import vectors
from grappe.partnering.models import Opportunity

pytestmark = pytest.mark.django_db


def test_the_backfill_encodes_opportunities_and_capability_names_once(fake_encoder, org_admin, capability):
    opportunity = Opportunity.objects.create(initiator=org_admin.organisation, created_by=org_admin, title="T",
                                             description="Usinage 5 axes de ferrures en titane")
    out = StringIO()

    call_command("encode_texts", stdout=out)
    encoded = fake_encoder.calls
    call_command("encode_texts", stdout=StringIO())

    assert list(vectors.stored_vectors([opportunity.description])) == [opportunity.description]
    names = capability.all_terms()
    assert set(vectors.stored_vectors(names, side=vectors.PASSAGE)) == set(names)
    assert fake_encoder.calls == encoded, "run again, it encodes nothing more"
    assert "opportunities: 1 texts encoded" in out.getvalue()


def test_without_an_encoder_it_says_so(settings):
    settings.GRAPPE_THEME_ENCODER = "none"
    out = StringIO()

    call_command("encode_texts", stdout=out)

    assert "No sentence encoder" in out.getvalue()
