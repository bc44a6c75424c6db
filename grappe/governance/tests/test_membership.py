"""Who sits on a body: invitations and requests answered, each person told in their language; joining an open
body at once; one membership per person, even when "join" is clicked twice at the same instant (PostgreSQL, real
connections); leaving and removal, never of a co-chair who still holds a seat; a person who leaves their
organisation loses their rights in the body at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from grappe.conftest import committed, make_member, make_staff, run_together
from grappe.core.models import AuditEntry, Notification
from grappe.core.notify import readable
from grappe.core.tests.test_concurrency import overlapping_transactions  # noqa: F401 — a fixture
from grappe.governance.models import BodyMember, MembershipState
from grappe.governance.rules import co_chairs, seat_of, sits_on
from grappe.governance.services import membership
from grappe.members.models import MembershipStatus

from .factories import co_chaired, make_body, seat

pytestmark = pytest.mark.django_db


def text_of(user, kind: str) -> str:
    """The user's first notification of this kind as they read it, in their own language."""
    with translation.override(user.language):
        return readable(Notification.objects.filter(user=user, kind=kind).order_by("pk").first()).text


def test_an_invited_person_is_told_in_their_language_and_accepts(governance_matrix):
    ctx = governance_matrix
    ctx.own_user.language = "en"
    ctx.own_user.save()
    with committed():
        member = membership.invite(actor=ctx.co_chair, body=ctx.committee, user=ctx.own_user)
    assert (member.state, member.invited_by, member.organisation) == (MembershipState.INVITED, ctx.co_chair, ctx.org_a)
    assert text_of(ctx.own_user, "governance.invited") == (
        "cochair invites you to join “Environment committee”. Accept or decline the invitation on its page.")
    assert not sits_on(ctx.own_user, ctx.committee)

    with committed():
        membership.answer_invitation(actor=ctx.own_user, member=member, accept=True)
    assert sits_on(ctx.own_user, ctx.committee)
    assert text_of(ctx.co_chair, "governance.invitation_answered") == (
        "user a accepté votre invitation à se joindre à “Comité environnement”.")
    # The invitation no longer invites: it says so when read.
    with translation.override("en"):
        notice = readable(Notification.objects.get(user=ctx.own_user, kind="governance.invited"))
    assert notice.lapsed and not notice.url
    assert [action for action, in AuditEntry.objects.order_by("pk").values_list("action")] == [
        "body.member_invited", "body.invitation_accepted"]


def test_a_declined_invitation_is_gone_and_only_the_invited_person_answers_it(governance_matrix):
    ctx = governance_matrix
    member = membership.invite(actor=ctx.staff, body=ctx.committee, user=ctx.own_user)
    with pytest.raises(PermissionDenied):
        membership.answer_invitation(actor=ctx.own_admin, member=member, accept=True)
    membership.answer_invitation(actor=ctx.own_user, member=member, accept=False)
    assert not BodyMember.objects.filter(pk=member.pk).exists()
    assert AuditEntry.objects.filter(action="body.invitation_declined").count() == 1


def test_invitations_are_refused_to_whom_they_do_not_fit(governance_matrix):
    ctx = governance_matrix
    with pytest.raises(PermissionDenied):
        membership.invite(actor=ctx.body_member, body=ctx.committee, user=ctx.own_user)
    with pytest.raises(ValidationError) as already:
        membership.invite(actor=ctx.staff, body=ctx.committee, user=ctx.body_member)
    assert already.value.code == "already_member"
    with pytest.raises(ValidationError) as observer:
        membership.invite(actor=ctx.staff, body=ctx.committee, user=ctx.observer)
    assert observer.value.code == "not_a_member_user"


def test_a_request_to_join_goes_to_the_co_chairs_who_accept_or_refuse_and_the_person_is_told(governance_matrix):
    ctx = governance_matrix
    with committed():
        asked = membership.join(actor=ctx.own_user, body=ctx.committee)
        refused = membership.join(actor=ctx.other_member, body=ctx.committee)
    assert asked.state == refused.state == MembershipState.REQUESTED
    assert not sits_on(ctx.own_user, ctx.committee)
    assert Notification.objects.filter(kind="governance.join_requested").count() == 4  # 2 requests × 2 co-chairs
    assert text_of(ctx.co_chair, "governance.join_requested").startswith("user (Alpha Usinage) demande")
    with pytest.raises(PermissionDenied):
        membership.answer_request(actor=ctx.body_member, member=asked, accept=True)

    with committed():
        membership.answer_request(actor=ctx.co_chair, member=asked, accept=True)
        membership.answer_request(actor=ctx.staff, member=refused, accept=False)
    assert sits_on(ctx.own_user, ctx.committee)
    assert not BodyMember.objects.filter(pk=refused.pk).exists()
    assert text_of(ctx.own_user, "governance.request_answered") == (
        "Votre demande d’adhésion à “Comité environnement” est acceptée : vous en êtes membre.")
    assert text_of(ctx.other_member, "governance.request_answered") == (
        "Votre demande d’adhésion à “Comité environnement” n’a pas été acceptée.")


def test_a_member_joins_an_open_body_at_once_and_a_second_join_changes_nothing(governance_matrix):
    ctx = governance_matrix
    work_stream = make_body(name="Chantier décarbonation", parent=ctx.axis, open_to_members=True)
    first = membership.join(actor=ctx.own_user, body=work_stream)
    second = membership.join(actor=ctx.own_user, body=work_stream)
    assert first.pk == second.pk and first.state == MembershipState.ACTIVE
    assert AuditEntry.objects.filter(action="body.joined").count() == 1
    # Joining again after leaving reuses the one row.
    membership.leave(actor=ctx.own_user, body=work_stream)
    again = membership.join(actor=ctx.own_user, body=work_stream)
    assert again.pk == first.pk and again.state == MembershipState.ACTIVE
    assert BodyMember.objects.filter(body=work_stream, user=ctx.own_user).count() == 1


def test_joining_accepts_ones_invitation(governance_matrix):
    ctx = governance_matrix
    membership.invite(actor=ctx.co_chair, body=ctx.committee, user=ctx.own_user)
    assert membership.join(actor=ctx.own_user, body=ctx.committee).state == MembershipState.ACTIVE


def test_a_co_chair_neither_leaves_nor_is_removed_while_holding_the_seat(governance_matrix):
    ctx = governance_matrix
    co_chair_seat = BodyMember.objects.get(body=ctx.committee, user=ctx.co_chair)
    with pytest.raises(ValidationError) as leaving:
        membership.leave(actor=ctx.co_chair, body=ctx.committee)
    assert leaving.value.code == "co_chair"
    with pytest.raises(ValidationError) as removing:
        membership.remove_member(actor=ctx.staff, member=co_chair_seat)
    assert removing.value.code == "co_chair"
    assert co_chairs(ctx.co_chair, ctx.committee)


def test_a_member_leaves_and_a_co_chair_removes_another_who_is_told(governance_matrix):
    ctx = governance_matrix
    member = membership.join(actor=ctx.own_user, body=ctx.committee)
    membership.answer_request(actor=ctx.staff, member=member, accept=True)
    membership.leave(actor=ctx.own_user, body=ctx.committee)
    assert not sits_on(ctx.own_user, ctx.committee)
    with committed():
        membership.remove_member(actor=ctx.co_chair,
                                 member=BodyMember.objects.get(body=ctx.committee, user=ctx.body_member))
    assert not sits_on(ctx.body_member, ctx.committee)
    assert text_of(ctx.body_member, "governance.removed") == "Vous n’êtes plus membre de “Comité environnement”."
    with pytest.raises(ValidationError):
        membership.leave(actor=ctx.body_member, body=ctx.committee)


def test_a_person_who_leaves_their_organisation_loses_their_rights_in_the_body_at_once(governance_matrix):
    ctx = governance_matrix
    assert seat_of(ctx.body_member, ctx.committee) is not None
    ctx.body_member.person.is_active = False  # they left organisation D
    ctx.body_member.person.save()
    assert seat_of(ctx.body_member, ctx.committee) is None
    assert not ctx.body_member.has_perm("governance.view_body_members", ctx.committee)
    # So does everyone of an organisation no longer in good standing.
    ctx.org_a.membership_status = MembershipStatus.SUSPENDED
    ctx.org_a.save()
    assert not co_chairs(ctx.co_chair, ctx.committee)
    with pytest.raises(PermissionDenied):
        membership.invite(actor=ctx.co_chair, body=ctx.committee, user=ctx.other_member)


def test_a_member_who_left_the_body_no_longer_reads_its_members(governance_matrix, client):
    ctx = governance_matrix
    client.force_login(ctx.body_member)
    detail = reverse("governance:body-detail", args=[ctx.committee.pk])
    assert "Delta Gouvernance" in client.get(detail).content.decode()
    client.post(reverse("governance:body-leave", args=[ctx.committee.pk]))
    assert client.get(detail).context["members"] is None


def test_the_invite_form_keeps_the_email_typed_when_refused(governance_matrix, client):
    ctx = governance_matrix
    client.force_login(ctx.co_chair)
    url = reverse("governance:body-invite", args=[ctx.committee.pk])
    unknown = client.post(url, {"form_token": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "email": "nobody@nowhere.test"})
    assert unknown.status_code == 200 and 'value="nobody@nowhere.test"' in unknown.content.decode()
    member = client.post(url, {"form_token": "2c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "email": ctx.body_member.email})
    assert member.status_code == 200
    assert "est déjà membre" in member.content.decode() and ctx.body_member.email in member.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("overlapping_transactions")  # each write waits after its audit entry: the race happens
def test_join_double_clicked_at_the_same_instant_makes_one_membership(org_a, staff):
    body = make_body(name="Comité innovation", open_to_members=True)
    user = make_member(org_a, "double@alpha.test")
    clicks = run_together(*[lambda: membership.join(actor=user, body=body)] * 2)
    assert not [click for click in clicks if isinstance(click, Exception)], clicks
    assert BodyMember.objects.filter(body=body, user=user).count() == 1
    assert AuditEntry.objects.filter(action="body.joined").count() == 1


def test_a_co_chair_of_another_body_does_not_learn_which_memberships_exist(org_admin, org_user, other_member,
                                                                          staff, client):
    """Another body's rows answer 404 to those who may not read its members (not 403); 403 to its own members."""
    body = co_chaired(make_body(name="Comité environnement"), staff, org_admin)
    seat(body, org_user)
    member = seat(body, other_member)
    asked = BodyMember.objects.create(body=body, user=make_member(org_user.organisation, "asks@alpha.test"),
                                      organisation=org_user.organisation, state=MembershipState.REQUESTED)
    elsewhere_chair = make_member(other_member.organisation, "chair@beta.test")
    co_chaired(make_body(name="Comité main-d’œuvre"), make_staff("chair@grappe.test"), elsewhere_chair)
    urls = [reverse("governance:request-accept", args=[asked.pk]), reverse("governance:request-refuse",
            args=[asked.pk]), reverse("governance:member-remove", args=[member.pk])]
    for person, status in ((elsewhere_chair, 404), (org_user, 403)):
        client.force_login(person)
        assert [client.post(url).status_code for url in urls] == [status] * 3
    assert BodyMember.objects.get(pk=asked.pk).state == MembershipState.REQUESTED
    assert BodyMember.objects.get(pk=member.pk).state == MembershipState.ACTIVE
    assert not AuditEntry.objects.exists()
