"""Staff see confidential data, so they cannot use Grappe without a second factor."""

import pytest
from django.urls import reverse

from grappe.conftest import PASSWORD
from grappe.members.models import Role, User


@pytest.fixture
def staff_without_totp(db):
    return User.objects.create_user("new-staff@grappe.test", PASSWORD, role=Role.STAFF_PROGRAMS)


def test_staff_without_authenticator_is_sent_to_set_one_up(client, staff_without_totp):
    client.force_login(staff_without_totp)
    response = client.get(reverse("members:directory"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_may_still_sign_out_and_reach_the_set_up_pages(client, staff_without_totp):
    client.force_login(staff_without_totp)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_with_authenticator_goes_through(client, staff):
    client.force_login(staff)
    assert client.get(reverse("members:directory")).status_code == 200


def test_members_are_not_required_a_second_factor(client, org_user):
    client.force_login(org_user)
    assert client.get(reverse("members:directory")).status_code == 200


def test_the_requirement_can_be_lifted_for_a_demo(client, staff_without_totp, settings):
    settings.GRAPPE_STAFF_MFA_REQUIRED = False
    client.force_login(staff_without_totp)
    assert client.get(reverse("members:directory")).status_code == 200
