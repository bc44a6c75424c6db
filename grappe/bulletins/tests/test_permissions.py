"""Who may open each page of information circulation (grappe/core/tests/permission_matrix.py).

Public news is for anyone; a bulletin sent to organisation A exists only for A's people and the staff (404
otherwise, so its existence does not leak); a draft only for the staff; writing is for the communications staff.
"""

import pytest

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
