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
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}


class TestDraft(BulletinsMatrix):
    url = "bulletins:detail"
    args = staticmethod(lambda ctx: [ctx.draft.pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 200, OBSERVER: 404}


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
# Scheduling and sending (views/sending.py): the communications staff only; each write leaves its audit entry and
# changes the bulletin's status.

class SendingMatrix(PermissionMatrix):
    @pytest.fixture
    def matrix(self, sending_matrix):
        return sending_matrix


def bulletin_status(pk_attribute):
    def effect(ctx, *args):
        from grappe.bulletins.models import Bulletin

        return Bulletin.objects.get(pk=getattr(ctx, pk_attribute).pk).status
    return staticmethod(effect)


class TestStaffDetail(SendingMatrix):
    url = "bulletins:staff-detail"
    args = staticmethod(lambda ctx: [ctx.sendable.pk])
    expect = STAFF_ONLY


class TestSendProgress(SendingMatrix):
    url = "bulletins:send-progress"
    args = staticmethod(lambda ctx: [ctx.public_bulletin.pk])
    expect = STAFF_ONLY


class TestSchedule(SendingMatrix):
    url = "bulletins:schedule"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.sendable.pk])
    data = staticmethod(lambda ctx: {"when": "2099-06-01T09:30", "form_token": "7d0b2a52-8f4e-4a8c-9b51-0c5a1e2f3d4b"})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 302, OBSERVER: 403}
    audit_action = "bulletin.scheduled"
    effect = bulletin_status("sendable")


class TestUnschedule(SendingMatrix):
    url = "bulletins:unschedule"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.scheduled.pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 302, OBSERVER: 403}
    audit_action = "bulletin.unscheduled"
    effect = bulletin_status("scheduled")


class TestSendNow(SendingMatrix):
    url = "bulletins:send"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.sendable.pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 302, OBSERVER: 403}
    audit_action = "bulletin.sending_started"
    effect = bulletin_status("sendable")


class TestCancel(SendingMatrix):
    url = "bulletins:cancel"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.draft.pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 302, OBSERVER: 403}
    audit_action = "bulletin.cancelled"
    effect = bulletin_status("draft")


def test_a_refused_schedule_comes_back_with_its_reason_and_what_was_typed(sending_matrix, client):
    ctx = sending_matrix
    client.force_login(ctx.staff)
    response = client.post(f"/en/news/manage/{ctx.sendable.pk}/schedule/",
                           {"when": "2001-02-03T04:05", "form_token": "0f6f1c2e-1a53-4cda-9e40-54a1c4b1d111"})
    page = response.content.decode()
    assert response.status_code == 200 and "A schedule in the past is refused" in page
    assert 'value="2001-02-03T04:05"' in page
    ctx.sendable.refresh_from_db()
    assert ctx.sendable.status == "draft"


def test_the_staff_page_says_whom_the_bulletin_reaches_and_the_list_links_to_it(sending_matrix, client):
    ctx = sending_matrix
    client.force_login(ctx.staff)
    page = client.get(f"/en/news/manage/{ctx.sendable.pk}/").content.decode()
    assert "Every member organisation" in page
    reach = page.split('data-testid="bulletin-reach">')[1].split("</dd>")[0]
    assert "4 people in 3 organisations" in " ".join(reach.split())  # the matrix's people of A and B
    assert f"/en/news/manage/{ctx.sendable.pk}/" in client.get("/en/news/manage/").content.decode()


def test_a_programs_officer_does_not_send_bulletins(sending_matrix, client):
    client.force_login(sending_matrix.programs_officer)
    assert client.post(f"/fr/news/manage/{sending_matrix.sendable.pk}/send/").status_code == 403
# --- the member's feed and the public news feeds (fix/feed) ---

class TestMemberFeed(BulletinsMatrix):
    url = "bulletins:feed"
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 403}


class TestAtomFeed(BulletinsMatrix):
    url = "bulletins:atom"
    expect = PUBLIC


class TestRssFeed(BulletinsMatrix):
    url = "bulletins:rss"
    expect = PUBLIC


def test_the_feed_page_shows_each_member_their_own_organisation(bulletins_matrix, client):
    ctx = bulletins_matrix
    client.force_login(ctx.other_member)
    page = client.get("/fr/news/feed/").content.decode()
    assert "Salon du Bourget" in page and "Tarifs douaniers" not in page
    client.force_login(ctx.own_user)
    assert "Tarifs douaniers" in client.get("/fr/news/feed/").content.decode()


class TestBulletinListApi(BulletinsMatrix):
    url = "api:bulletins-list"
    expect = PUBLIC


class TestPublicBulletinApi(BulletinsMatrix):
    url = "api:bulletins-detail"
    args = staticmethod(lambda ctx: [ctx.public_bulletin.pk])
    expect = PUBLIC


class TestBulletinSentToAApi(BulletinsMatrix):
    url = "api:bulletins-detail"
    args = staticmethod(lambda ctx: [ctx.bulletin_to_a.pk])
    expect = {ANONYMOUS: 404, OTHER_MEMBER: 404, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}


class TestDraftApi(BulletinsMatrix):
    url = "api:bulletins-detail"
    args = staticmethod(lambda ctx: [ctx.draft.pk])
    expect = {ANONYMOUS: 404, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 404, OBSERVER: 404}


class TestFeedApi(BulletinsMatrix):
    url = "api:bulletins-feed"
    expect = {ANONYMOUS: 401, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 403}


def test_a_signed_out_reader_is_asked_to_sign_in_and_told_nothing_of_what_exists(bulletins_matrix, client):
    """A member following an email's link signed out signs in and lands on the bulletin; a number that is no
    bulletin asks the same, so that signed-out visitors learn nothing of drafts or of what was sent to whom."""
    for pk in (bulletins_matrix.bulletin_to_a.pk, bulletins_matrix.draft.pk, 999_999):
        path = f"/fr/news/{pk}/"
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].endswith(f"?next={path}")
    assert client.get(f"/fr/news/{bulletins_matrix.public_bulletin.pk}/").status_code == 200
