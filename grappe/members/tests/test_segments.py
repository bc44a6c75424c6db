"""Segments: the organisations a description matches, how it reads in both languages, the staff's pages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from grappe.conftest import make_organisation
from grappe.core.models import AuditEntry
from grappe.members import segments
from grappe.members.models import (
    Capability,
    Certification,
    CertificationType,
    MembershipStatus,
    OrganisationCapability,
    Segment,
)
from grappe.members.services import segments as segment_services


@pytest.fixture
def cluster(db):
    machining = Capability.objects.create(code="usinage", label_fr="Usinage", label_en="Machining")
    five_axis = Capability.objects.create(parent=machining, code="usinage-5-axes", label_fr="Usinage 5 axes",
                                          label_en="5-axis machining")
    turning = Capability.objects.create(parent=machining, code="tournage", label_fr="Tournage",
                                        label_en="Turning")
    orgs = {
        "sme_mont_5ax": make_organisation("A", kind="sme", region="16", size_band="10-49"),
        "sme_mont_turn": make_organisation("B", kind="sme", region="16", size_band="50-199"),
        "sme_mtl_5ax": make_organisation("C", kind="sme", region="06"),
        "tier2_mont_both": make_organisation("D", kind="tier2", region="16"),
        "former_sme_mont_5ax": make_organisation("E", kind="sme", region="16",
                                                 membership_status=MembershipStatus.FORMER),
    }
    for key, org in orgs.items():
        if "5ax" in key or "both" in key:
            OrganisationCapability.objects.create(organisation=org, capability=five_axis)
        if "turn" in key or "both" in key:
            OrganisationCapability.objects.create(organisation=org, capability=turning)
    as9100 = CertificationType.objects.get(code="as9100")
    Certification.objects.create(organisation=orgs["sme_mont_5ax"], certification_type=as9100)
    return {"orgs": orgs, "machining": machining, "five_axis": five_axis, "as9100": as9100}


def names(queryset):
    return sorted(o.legal_name for o in queryset)


def test_criteria_combine_any_within_and_all_across(cluster):
    criteria = segments.Criteria(kinds=("sme",), regions=("16",), capabilities=(cluster["five_axis"].pk,))
    assert names(segments.organisations_in(criteria)) == ["A", "E"]
    active = segments.Criteria(kinds=("sme", "tier2"), regions=("16",), membership_statuses=("active",))
    assert names(segments.organisations_in(active)) == ["A", "B", "D"]
    assert names(segments.organisations_in(segments.Criteria())) == ["A", "B", "C", "D", "E"]


def test_a_domain_stands_for_its_capabilities_and_each_organisation_is_listed_once(cluster):
    criteria = segments.Criteria(capabilities=(cluster["machining"].pk, cluster["five_axis"].pk))
    result = segments.organisations_in(criteria)
    assert names(result) == ["A", "B", "C", "D", "E"]
    assert result.count() == 5  # D holds two of them: still one row


def test_certification_and_size(cluster):
    certified = segments.Criteria(certification_types=(cluster["as9100"].pk,))
    assert names(segments.organisations_in(certified)) == ["A"]
    assert names(segments.organisations_in(segments.Criteria(size_bands=("10-49", "50-199")))) == ["A", "B"]


def test_saved_and_unsaved_criteria_match_the_same_organisations(cluster, staff):
    data = {"name": "PME 5 axes en Montérégie", "kinds": ["sme"], "regions": ["16"],
            "capabilities": [cluster["five_axis"].pk], "membership_statuses": ["active"]}
    segment = segment_services.save_segment(actor=staff, data=data)
    assert names(segments.organisations_in(segment)) == ["A"]
    assert names(segments.organisations_in(segments.Criteria.from_form(data))) == ["A"]


def test_the_description_reads_in_both_languages(cluster):
    criteria = segments.Criteria(kinds=("sme",), regions=("16",), capabilities=(cluster["five_axis"].pk,))
    with translation.override("en"):
        assert segments.describe(criteria) == "SMEs in Montérégie with 5-axis machining"
    with translation.override("fr"):
        assert "Montérégie" in segments.describe(criteria)
        assert "Usinage 5 axes" in segments.describe(criteria)
    many = segments.Criteria(kinds=("sme", "tier2"), regions=("16", "05"), membership_statuses=("active",))
    with translation.override("en"):
        assert segments.describe(many) == "SMEs or tier 2 suppliers in Montérégie or Estrie — active members"
        assert segments.describe(segments.Criteria()) == "Organisations"


def test_saving_changing_and_deleting_are_audited(cluster, staff):
    segment = segment_services.save_segment(actor=staff, data={"name": "Montérégie", "regions": ["16"]})
    segment_services.save_segment(actor=staff, segment=segment, data={"name": "Montérégie", "regions": ["16", "05"],
                                                              "certification_types": [cluster["as9100"].pk]})
    segment_services.save_segment(actor=staff, segment=segment, data={"name": "Montérégie", "regions": ["05", "16"],
                                                              "certification_types": [cluster["as9100"].pk]})
    segment_services.delete_segment(actor=staff, segment=Segment.objects.get(pk=segment.pk))
    actions = list(AuditEntry.objects.filter(target_type="members.segment").order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["segment.created", "segment.changed", "segment.deleted"]  # no change, no entry
    changed = AuditEntry.objects.get(action="segment.changed")
    assert changed.after["certification_types"] == [cluster["as9100"].pk]


def test_only_staff_manage_segments(cluster, org_admin):
    with pytest.raises(PermissionDenied):
        segment_services.save_segment(actor=org_admin, data={"name": "x"})


def test_the_staff_create_a_segment_and_see_its_live_count(cluster, staff, client):
    client.force_login(staff)
    form = client.get(reverse("members:segment-create"))
    token = form.context["form"]["form_token"].value()
    data = {"name": "PME Montérégie", "kinds": ["sme"], "regions": ["16"], "form_token": token}
    preview = client.post(reverse("members:segment-create"), {**data, "preview": "1"})
    assert "3 organisations" in preview.content.decode() and not Segment.objects.exists()
    response = client.post(reverse("members:segment-create"), data)
    assert response.status_code == 302
    client.post(reverse("members:segment-create"), data)  # a double click
    assert Segment.objects.count() == 1
    listing = client.get(reverse("members:segment-list")).content.decode()
    assert "PME Montérégie" in listing and "Montérégie" in listing
    assert ">3</td>" in listing  # A, B and E (a former member: no status criterion)
    segment = Segment.objects.get()
    edit = client.get(reverse("members:segment-edit", args=[segment.pk]))
    assert edit.context["form"].initial["regions"] == ["16"]
    client.post(reverse("members:segment-delete", args=[segment.pk]))
    assert not Segment.objects.exists()
