"""Whether an organisation is in the directory a person finds: the organisation page asks it of the row it has
read, and must answer as the directory's own query does."""

from django.contrib.auth.models import AnonymousUser

from grappe.conftest import make_organisation
from grappe.members import selectors
from grappe.members.models import MembershipStatus


def test_an_organisation_is_in_the_directory_a_person_finds_exactly_when_the_directory_query_holds_it(staff, org_user):
    organisations = [
        make_organisation("Listed active"),
        make_organisation("Unlisted", listed_in_directory=False),
        make_organisation("Former member", membership_status=MembershipStatus.FORMER),
    ]
    for user in (AnonymousUser(), org_user, staff):
        found = set(selectors.directory_organisations(user).values_list("pk", flat=True))
        for organisation in organisations:
            assert selectors.is_in_directory(user, organisation) == (organisation.pk in found)
    assert selectors.is_in_directory(AnonymousUser(), organisations[0])
    assert not selectors.is_in_directory(AnonymousUser(), organisations[1])
    assert selectors.is_in_directory(staff, organisations[1])
