"""Who may open each page of information circulation (grappe/core/tests/permission_matrix.py).

Public news is for anyone; a bulletin sent to organisation A exists only for A's people and the staff (404
otherwise, so its existence does not leak); a draft only for the staff; writing is for the communications staff.
"""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from grappe.bulletins.models import Bulletin
from grappe.bulletins.services.writing import upload_image

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    PUBLIC,
    STAFF,
    STAFF_ONLY,
    PermissionMatrix,
)


class BulletinsMatrix(PermissionMatrix):
    @pytest.fixture
    def matrix(self, bulletins_matrix):
        return bulletins_matrix


class TestNewsList(BulletinsMatrix):
    url = "bulletins:list"
    expect = PUBLIC


class TestPublicBulletin(BulletinsMatrix):
    url = "bulletins:detail"
    args = staticmethod(lambda ctx: [ctx.public_bulletin.pk])
    expect = PUBLIC


class TestBulletinSentToA(BulletinsMatrix):
    url = "bulletins:detail"
    args = staticmethod(lambda ctx: [ctx.bulletin_to_a.pk])
    expect = {ANONYMOUS: 404, OTHER_MEMBER: 404, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}


class TestDraft(BulletinsMatrix):
    url = "bulletins:detail"
    args = staticmethod(lambda ctx: [ctx.draft.pk])
    expect = {ANONYMOUS: 404, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 200, OBSERVER: 404}


class TestManage(BulletinsMatrix):
    url = "bulletins:manage"
    expect = STAFF_ONLY


def test_a_programs_officer_does_not_write_bulletins(bulletins_matrix, client):
    client.force_login(bulletins_matrix.programs_officer)
    assert client.get("/fr/news/manage/").status_code == 403


def test_the_news_list_shows_each_reader_what_they_may_read(bulletins_matrix, client):
    ctx = bulletins_matrix
    client.force_login(ctx.other_member)
    page = client.get("/fr/news/").content.decode()
    assert "Salon du Bourget" in page and "Tarifs douaniers" not in page and "Brouillon" not in page
    client.force_login(ctx.own_user)
    page = client.get("/fr/news/").content.decode()
    assert "Salon du Bourget" in page and "Tarifs douaniers" in page and "Brouillon" not in page


# What a person controls of their mail, and what the staff may know ------------------------------------------
# A signed link is the authorisation: whoever holds it (signed in or not) acts for the person it names.

class SubscriptionMatrix(PermissionMatrix):
    @pytest.fixture
    def matrix(self, subscription_matrix):
        return subscription_matrix


class TestUnsubscribePage(SubscriptionMatrix):
    url = "bulletins:unsubscribe"
    args = staticmethod(lambda ctx: [ctx.unsubscribe_token])
    expect = PUBLIC


class TestUnsubscribe(SubscriptionMatrix):
    url = "bulletins:unsubscribe"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.unsubscribe_token])
    data = staticmethod(lambda ctx: {"List-Unsubscribe": "One-Click"})
    expect = PUBLIC
    writers = set(PUBLIC)
    audit_action = "mail.unsubscribed"


class TestSignedPreferencesPage(SubscriptionMatrix):
    url = "bulletins:preferences-signed"
    args = staticmethod(lambda ctx: [ctx.preferences_token])
    expect = PUBLIC


def _preferences_data(ctx):
    return {"form_token": "6f0c2d8e-7a53-4a8e-9d2b-0b8f3c1a2e11", "frequency": "weekly", "topics": ["events"]}


class TestSignedPreferences(SubscriptionMatrix):
    url = "bulletins:preferences-signed"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.preferences_token])
    data = staticmethod(_preferences_data)
    expect = dict.fromkeys(PUBLIC, 302)
    writers = set(PUBLIC)
    audit_action = "mail.preferences_changed"


MEMBERS_WITH_A_PERSON = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 404,
                         OBSERVER: 404}


class TestOwnPreferencesPage(SubscriptionMatrix):
    url = "bulletins:preferences"
    expect = MEMBERS_WITH_A_PERSON


class TestOwnPreferences(SubscriptionMatrix):
    url = "bulletins:preferences"
    method = "post"
    data = staticmethod(_preferences_data)
    expect = {**MEMBERS_WITH_A_PERSON, OTHER_MEMBER: 302, OWN_USER: 302, OWN_ADMIN: 302}
    audit_action = "mail.preferences_changed"


class TestOpenPixel(SubscriptionMatrix):
    url = "bulletins:opened"
    args = staticmethod(lambda ctx: [ctx.open_token])
    expect = PUBLIC


class TestFollowedLink(SubscriptionMatrix):
    url = "bulletins:clicked"
    args = staticmethod(lambda ctx: [ctx.click_token])
    expect = dict.fromkeys(PUBLIC, 302)


class TestBulletinStatistics(SubscriptionMatrix):
    url = "bulletins:statistics"
    args = staticmethod(lambda ctx: [ctx.bulletin_to_a.pk])
    expect = STAFF_ONLY


class TestStatisticsOverview(SubscriptionMatrix):
    url = "bulletins:statistics-overview"
    expect = STAFF_ONLY


class TestBounces(SubscriptionMatrix):
    url = "bulletins:bounces"
    expect = STAFF_ONLY


class TestBounceClear(SubscriptionMatrix):
    url = "bulletins:bounce-clear"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.bounce.pk])
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "mail.bounce_cleared"
# Writing (the communications staff): the form, its reach panel, the editor's images.

STAFF_WRITES = {**STAFF_ONLY, STAFF: 302}


def bulletin_form(ctx) -> dict:
    return {"form_token": str(uuid.uuid4()), "category": "regulatory", "title_fr": "Brouillon revu",
            "body_fr": "<p>Le texte.</p>"}


def a_png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 80, 160)).save(output, "PNG")
    return output.getvalue()


class TestWritePage(BulletinsMatrix):
    url = "bulletins:create"
    expect = STAFF_ONLY


class TestWrite(BulletinsMatrix):
    url = "bulletins:create"
    method = "post"
    data = staticmethod(bulletin_form)
    expect = STAFF_WRITES
    audit_action = "bulletin.created"


class TestEditPage(BulletinsMatrix):
    url = "bulletins:edit"
    args = staticmethod(lambda ctx: [ctx.draft.pk])
    expect = STAFF_ONLY


class TestEdit(BulletinsMatrix):
    url = "bulletins:edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.draft.pk])
    data = staticmethod(bulletin_form)
    expect = STAFF_WRITES
    audit_action = "bulletin.changed"
    effect = staticmethod(lambda ctx, pk: Bulletin.objects.get(pk=pk).title_fr)


class TestReach(BulletinsMatrix):
    url = "bulletins:reach"
    query = "category=economic&regions=06"
    expect = STAFF_ONLY


class ImagesMatrix(BulletinsMatrix):
    @pytest.fixture
    def matrix(self, bulletins_matrix, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        bulletins_matrix.image = upload_image(bulletins_matrix.staff, SimpleUploadedFile("a.png", a_png()))
        return bulletins_matrix


class TestImageUpload(ImagesMatrix):
    url = "bulletins:image-upload"
    method = "post"
    data = staticmethod(lambda ctx: {"file": SimpleUploadedFile("photo.png", a_png(), "image/png")})
    expect = {**STAFF_ONLY, STAFF: 201}
    audit_action = "bulletin.image_uploaded"


class TestImage(ImagesMatrix):
    url = "bulletins:image"
    args = staticmethod(lambda ctx: [ctx.image.key])
    expect = PUBLIC  # images appear in emails and public news


@pytest.mark.parametrize("name, method, args", [
    ("bulletins:create", "get", lambda ctx: []), ("bulletins:create", "post", lambda ctx: []),
    ("bulletins:edit", "get", lambda ctx: [ctx.draft.pk]), ("bulletins:edit", "post", lambda ctx: [ctx.draft.pk]),
    ("bulletins:reach", "get", lambda ctx: []), ("bulletins:image-upload", "post", lambda ctx: []),
])
def test_a_programs_officer_does_not_write_either(bulletins_matrix, client, name, method, args):
    ctx = bulletins_matrix
    client.force_login(ctx.programs_officer)
    data = bulletin_form(ctx) if method == "post" else {}
    assert getattr(client, method)(reverse(name, args=args(ctx)), data).status_code == 403
    assert not Bulletin.objects.filter(title_fr="Brouillon revu").exists()
