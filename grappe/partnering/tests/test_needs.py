"""A member's declared needs and its confidential succession wish: services, pages, and who sees what."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from grappe.core import notify
from grappe.core.models import AuditEntry, Notification
from grappe.core.tests.test_concurrency import no_errors, overlapping_transactions, run_together  # noqa: F401
from grappe.members.models import CertificationType

from ..models import DeclaredNeed, NeedKind, SuccessionFlag, SuccessionKind
from ..services.needs import declare_need, withdraw_need
from ..services.succession import raise_succession_flag, withdraw_succession_flag


def needs_url(organisation=None):
    url = reverse("partnering:declared-needs")
    return f"{url}?organisation={organisation.slug}" if organisation else url


def succession_url(organisation=None):
    url = reverse("partnering:succession")
    return f"{url}?organisation={organisation.slug}" if organisation else url


def actions(action):
    return AuditEntry.objects.filter(action=action).count()


# Declared needs: services ------------------------------------------------------------------------


def test_an_admin_declares_a_competency_need_and_it_is_audited(org_admin, org_a, capability):
    need = declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.COMPETENCY, capability=capability)
    assert need.is_active and need.capability == capability and need.created_by == org_admin
    entry = AuditEntry.objects.get(action="need.declared")
    assert entry.actor == org_admin and entry.target_id == str(need.pk)


def test_declaring_the_same_competency_twice_updates_the_one_active_need(org_admin, org_a, capability):
    first = declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.COMPETENCY, capability=capability)
    second = declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.COMPETENCY, capability=capability,
                          description="for the next engine programme")
    assert second.pk == first.pk
    assert DeclaredNeed.objects.filter(organisation=org_a, is_active=True).count() == 1
    assert DeclaredNeed.objects.get().description == "for the next engine programme"
    assert actions("need.changed") == 1


def test_the_same_free_text_need_twice_is_one_need(org_admin, org_a):
    declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.TRAINING, description="Formation soudage TIG")
    declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.TRAINING, description="formation  Soudage TIG ")
    assert DeclaredNeed.objects.filter(organisation=org_a).count() == 1


def test_a_need_names_only_what_its_kind_is_about(org_admin, org_a, capability):
    as9100 = CertificationType.objects.get(code="as9100")
    need = declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.CERTIFICATION_AUDIT,
                        capability=capability, certification_type=as9100)
    assert need.capability is None and need.certification_type == as9100


@pytest.mark.parametrize("who", ["org_user", "other_member", "observer"])
def test_only_the_organisations_admins_and_the_staff_declare_its_needs(who, request, org_a, capability, staff):
    with pytest.raises(PermissionDenied):
        declare_need(actor=request.getfixturevalue(who), organisation=org_a, kind=NeedKind.COMPETENCY,
                     capability=capability)
    declare_need(actor=staff, organisation=org_a, kind=NeedKind.COMPETENCY, capability=capability)
    assert DeclaredNeed.objects.filter(organisation=org_a).count() == 1


def test_the_database_allows_one_active_need_per_competency(org_admin, org_a, capability):
    declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.COMPETENCY, capability=capability)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclaredNeed.objects.create(organisation=org_a, kind=NeedKind.COMPETENCY, capability=capability,
                                    created_by=org_admin)


def test_the_database_refuses_a_competency_need_without_a_competency(org_admin, org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclaredNeed.objects.create(organisation=org_a, kind=NeedKind.COMPETENCY, created_by=org_admin)


def test_a_withdrawn_need_is_kept_inactive_and_can_be_declared_again(org_admin, org_a, capability, other_member):
    need = declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.COMPETENCY, capability=capability)
    with pytest.raises(PermissionDenied):
        withdraw_need(actor=other_member, need=need)
    withdraw_need(actor=org_admin, need=need)
    withdraw_need(actor=org_admin, need=need)  # a double click
    need.refresh_from_db()
    assert not need.is_active and actions("need.withdrawn") == 1
    again = declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.COMPETENCY, capability=capability)
    assert again.pk != need.pk and again.is_active


# Declared needs: pages ---------------------------------------------------------------------------


def test_the_admin_sees_the_needs_and_the_form(client, org_admin, org_a, capability):
    declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.TRAINING, description="Formation soudage TIG")
    client.force_login(org_admin)
    response = client.get(needs_url())
    assert response.status_code == 200
    assert "Formation soudage TIG" in response.text and response.context["can_manage"]
    assert 'name="kind"' in response.text


def test_a_plain_user_sees_the_needs_but_may_not_declare(client, org_admin, org_user, org_a):
    declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.EQUIPMENT, description="Tomographe")
    client.force_login(org_user)
    response = client.get(needs_url())
    assert "Tomographe" in response.text and 'name="kind"' not in response.text
    posted = client.post(needs_url(), {"kind": NeedKind.EQUIPMENT, "description": "Four", "form_token": uuid.uuid4()})
    assert posted.status_code == 403
    assert DeclaredNeed.objects.count() == 1


def test_another_member_never_sees_an_organisations_needs(client, org_admin, org_a, other_member, org_b):
    declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.PURCHASE, description="Achat groupé d'argon")
    client.force_login(other_member)
    assert client.get(needs_url(org_a)).status_code == 404
    own = client.get(needs_url())
    assert own.status_code == 200 and own.context["organisation"] == org_b and "argon" not in own.text
    need = DeclaredNeed.objects.get()
    assert client.post(reverse("partnering:declared-need-remove", args=[need.pk])).status_code == 404
    assert "argon" not in client.get(org_a.get_absolute_url()).text


def test_declaring_through_the_page_once_whatever_the_clicks(client, org_admin, capability):
    client.force_login(org_admin)
    data = {"kind": NeedKind.TRAINING, "description": "Formation Nadcap", "form_token": uuid.uuid4()}
    first = client.post(needs_url(), data)
    second = client.post(needs_url(), data)
    assert first.status_code == second.status_code == 302
    assert DeclaredNeed.objects.filter(description="Formation Nadcap").count() == 1


@pytest.mark.parametrize("data, field", [
    ({"kind": NeedKind.COMPETENCY}, "capability"),
    ({"kind": NeedKind.CERTIFICATION_AUDIT}, "certification_type"),
    ({"kind": NeedKind.PURCHASE, "description": "  "}, "description"),
])
def test_a_need_must_say_what_is_needed(client, org_admin, data, field):
    client.force_login(org_admin)
    response = client.post(needs_url(), {**data, "form_token": uuid.uuid4()})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not DeclaredNeed.objects.exists()


def test_the_admin_withdraws_a_need_from_the_page(client, org_admin, org_a, capability):
    need = declare_need(actor=org_admin, organisation=org_a, kind=NeedKind.COMPETENCY, capability=capability)
    client.force_login(org_admin)
    response = client.post(reverse("partnering:declared-need-remove", args=[need.pk]))
    assert response.status_code == 302 and response.url == needs_url()
    need.refresh_from_db()
    assert not need.is_active


def test_the_staff_manage_a_members_needs_by_naming_it(client, staff, org_a, capability):
    client.force_login(staff)
    assert client.get(needs_url()).url == reverse("partnering:staff-pooling")
    response = client.post(needs_url(org_a), {"kind": NeedKind.COMPETENCY, "capability": capability.pk,
                                              "form_token": uuid.uuid4()})
    assert response.url == needs_url(org_a)
    assert DeclaredNeed.objects.get().organisation == org_a


# Succession flags: services ----------------------------------------------------------------------


def test_raising_a_flag_is_audited_and_tells_every_staff_member(org_admin, org_a, staff, other_member,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        flag = raise_succession_flag(actor=org_admin, organisation=org_a, kind=SuccessionKind.SELL,
                                     horizon="within 2 years", note="Retiring")
    assert flag.is_active and actions("succession.raised") == 1
    notice = Notification.objects.get()
    assert notice.user == staff and org_a.display_name in notify.readable(notice).text
    with translation.override(staff.language):  # the link opens the page in the staff member's language
        assert notice.url == reverse("partnering:staff-succession")


def test_raising_again_changes_the_one_current_flag_without_a_new_notice(org_admin, org_a, staff,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = raise_succession_flag(actor=org_admin, organisation=org_a, kind=SuccessionKind.SELL)
        second = raise_succession_flag(actor=org_admin, organisation=org_a, kind=SuccessionKind.MERGE, note="Or ally")
    assert first.pk == second.pk and SuccessionFlag.objects.get().kind == SuccessionKind.MERGE
    assert actions("succession.changed") == 1 and Notification.objects.count() == 1


def test_the_database_allows_one_current_flag_per_organisation(org_admin, org_a):
    raise_succession_flag(actor=org_admin, organisation=org_a, kind=SuccessionKind.SELL)
    with pytest.raises(IntegrityError), transaction.atomic():
        SuccessionFlag.objects.create(organisation=org_a, kind=SuccessionKind.SUCCESSOR, created_by=org_admin)


def test_a_withdrawn_flag_makes_room_for_a_new_one(org_admin, org_a):
    flag = raise_succession_flag(actor=org_admin, organisation=org_a, kind=SuccessionKind.SELL)
    withdraw_succession_flag(actor=org_admin, flag=flag)
    withdraw_succession_flag(actor=org_admin, flag=flag)
    assert actions("succession.withdrawn") == 1
    new = raise_succession_flag(actor=org_admin, organisation=org_a, kind=SuccessionKind.SUCCESSOR)
    assert new.pk != flag.pk and SuccessionFlag.objects.filter(is_active=True).get() == new


@pytest.mark.parametrize("who", ["org_user", "other_member", "observer"])
def test_only_the_organisations_admins_and_the_staff_raise_or_withdraw_its_flag(who, request, org_a, org_admin,
                                                                                staff):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        raise_succession_flag(actor=actor, organisation=org_a, kind=SuccessionKind.SELL)
    flag = raise_succession_flag(actor=staff, organisation=org_a, kind=SuccessionKind.SELL)
    with pytest.raises(PermissionDenied):
        withdraw_succession_flag(actor=actor, flag=flag)


# Succession flags: pages and confidentiality ----------------------------------------------------


def test_the_admin_raises_changes_and_withdraws_the_wish_from_the_page(client, org_admin, org_a, staff,
                                                                       django_capture_on_commit_callbacks):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(succession_url(), {"kind": SuccessionKind.SUCCESSOR, "horizon": "5 ans",
                                                  "note": "Pas de relève familiale"})
    assert response.status_code == 302
    page = client.get(succession_url())
    assert "Pas de relève familiale" in page.text and page.context["flag"].horizon == "5 ans"
    client.post(succession_url(), {"withdraw": "1"})
    assert not SuccessionFlag.objects.filter(is_active=True).exists()
    assert Notification.objects.filter(user=staff).count() == 1


@pytest.mark.parametrize("who", ["org_user", "other_member", "observer"])
def test_nobody_else_learns_of_a_succession_wish(who, request, client, org_admin, org_a):
    raise_succession_flag(actor=org_admin, organisation=org_a, kind=SuccessionKind.SELL, note="Secret de famille")
    client.force_login(request.getfixturevalue(who))
    # A's own members know the page (403: it is for the admins); anyone else does not learn it exists (404).
    refused = 403 if who == "org_user" else 404
    response = client.get(succession_url(org_a))
    assert response.status_code == refused and "Secret de famille" not in response.text
    own = client.get(succession_url())  # the other member's admin has its own page, without A's wish
    assert own.status_code == {"other_member": 200, "org_user": 403}.get(who, 404)
    assert "Secret de famille" not in own.text
    assert client.post(succession_url(org_a), {"withdraw": "1"}).status_code == refused
    assert SuccessionFlag.objects.get().is_active
    for page in (org_a.get_absolute_url(), reverse("home:home"), reverse("core:notifications")):
        assert "Secret de famille" not in client.get(page).text
    assert not Notification.objects.exclude(user__role__startswith="staff").exists()


def test_the_staff_see_a_members_wish_by_naming_it(client, staff, org_admin, org_a):
    raise_succession_flag(actor=org_admin, organisation=org_a, kind=SuccessionKind.SELL, note="Secret de famille")
    client.force_login(staff)
    assert client.get(succession_url()).url == reverse("partnering:staff-succession")
    assert "Secret de famille" in client.get(succession_url(org_a)).text


def test_the_api_has_no_way_to_succession_flags(client, staff):
    client.force_login(staff)
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert "succession" not in schema.text.lower()


# Two people acting at once (PostgreSQL: SQLite serialises writers; see grappe/core/tests/test_concurrency.py)

def at_once(test):
    """Real threads and transactions, each service transaction held open so that the race always happens."""
    for mark in (pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"),
                 pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("overlapping_transactions")):
        test = mark(test)
    return test


@pytest.mark.parametrize("kind, subject", [(NeedKind.COMPETENCY, "capability"), (NeedKind.TRAINING, "text")])
@at_once
def test_the_same_need_declared_twice_at_once_is_one_need(kind, subject, org_admin, staff, org_a, capability):
    fields = {"capability": capability} if subject == "capability" else {"description": "Formation soudage"}

    def declare(actor):
        return lambda: declare_need(actor=actor, organisation=org_a, kind=kind, **fields)

    outcomes = run_together(declare(org_admin), declare(staff))

    no_errors(outcomes)
    assert outcomes[0].pk == outcomes[1].pk
    assert DeclaredNeed.objects.count() == 1 and actions("need.declared") == 1


@at_once
def test_two_flags_raised_at_once_make_one_current_flag(org_admin, staff, org_a):
    outcomes = run_together(
        lambda: raise_succession_flag(actor=org_admin, organisation=org_a, kind=SuccessionKind.SELL),
        lambda: raise_succession_flag(actor=staff, organisation=org_a, kind=SuccessionKind.MERGE))

    no_errors(outcomes)
    assert SuccessionFlag.objects.count() == 1
    assert actions("succession.raised") == 1 and actions("succession.changed") == 1
    assert Notification.objects.filter(user=staff).count() == 1


@pytest.mark.django_db
def test_the_certification_to_be_audited_for_is_picked_from_a_searchable_list():
    from ..forms.needs import DeclaredNeedForm

    assert CertificationType.objects.count() > 15, "the shipped certifications make a long list"
    assert "data-searchable" in str(DeclaredNeedForm()["certification_type"])
