"""The bridge between the database and the matching engine: what it reads, and that it sees every change."""

import datetime

from grappe.conftest import make_organisation
from grappe.members.models import Capability, Certification, CertificationType, MembershipStatus
from grappe.members.services import organisations as member_organisations
from grappe.members.services import taxonomy as member_taxonomy
from grappe.partnering import engine
from grappe.partnering.models import DeclaredNeed, NeedKind

from .conftest import hold


def test_inference_knows_the_capabilities_and_domains_in_use(taxonomy):
    codes = {c.code for c in engine.active_competencies()}
    assert {"machining-5-axis", "machining"} <= codes

    [first, *_] = engine.competency_index().infer("Pièces en titane usinées sur machine 5 axes")
    assert first.code == "machining-5-axis"
    [ndt] = engine.competency_index().infer("Nous cherchons de la capacité en contrôle non destructif.")
    assert (ndt.code, ndt.domain) == ("ndt", True)


def test_an_organisation_meets_a_domain_level_need_through_any_capability_under_it_as_a_partial_fit(
        taxonomy, org_a):
    hold(org_a, "ndt-ultrasonic", level="core")

    holdings = engine.candidate_for(org_a).holdings
    assert holdings["ndt"].level == "secondary", "any NDT method will do, not as surely as the method asked"
    assert engine.candidate_for(org_a).core_codes == {"ndt-ultrasonic"}, "a domain is never a core competency"


def test_a_capability_put_out_of_use_is_no_longer_inferred(taxonomy, staff):
    text = "usinage 5 axes de pièces de structure"
    assert "machining-5-axis" in [i.code for i in engine.competency_index().infer(text)]

    member_taxonomy.save_capability_node(actor=staff, capability=Capability.objects.get(code="machining-5-axis"),
                                         data={"is_active": False})

    assert "machining-5-axis" not in [i.code for i in engine.competency_index().infer(text)]


def test_the_cluster_index_holds_active_members_with_their_holdings_certifications_and_needs(taxonomy, org_admin):
    alpha = org_admin.organisation
    hold(alpha, "machining-5-axis", evidence="Pièces de train d'atterrissage")
    as9100 = CertificationType.objects.create(code="as9100d", label_fr="AS9100D", label_en="AS9100D", family="AS9100")
    Certification.objects.create(organisation=alpha, certification_type=as9100)
    DeclaredNeed.objects.create(organisation=alpha, kind=NeedKind.COMPETENCY, created_by=org_admin,
                                capability=Capability.objects.get(code="machining-turning"))
    make_organisation("Former Shop", membership_status=MembershipStatus.FORMER)

    index = engine.cluster_index()

    assert [c.name for c in index.candidates] == ["Alpha Usinage"]
    alpha_candidate = engine.candidate_for(alpha)
    assert alpha_candidate.holdings["machining-5-axis"].evidence == "Pièces de train d'atterrissage"
    assert alpha_candidate.certifications == {"as9100d"}
    assert alpha_candidate.needs == {"machining-turning"}


def test_an_expired_certification_does_not_count(taxonomy, org_a):
    as9100 = CertificationType.objects.create(code="as9100d", label_fr="AS9100D", label_en="AS9100D", family="AS9100")
    Certification.objects.create(organisation=org_a, certification_type=as9100,
                                 issued_on=datetime.date(2018, 1, 1), expires_on=datetime.date(2021, 1, 1))

    assert engine.candidate_for(org_a).certifications == frozenset()


def test_the_index_is_built_once_and_rebuilt_after_a_level_changes_in_place(taxonomy, org_admin):
    alpha = org_admin.organisation
    capability = Capability.objects.get(code="machining-5-axis")
    member_organisations.set_capability(actor=org_admin, organisation=alpha, capability=capability, level="core")
    first = engine.cluster_index()
    assert engine.cluster_index() is first, "unchanged data: the same index, not a rebuild"

    member_organisations.set_capability(actor=org_admin, organisation=alpha, capability=capability, level="secondary")

    assert engine.candidate_for(alpha).holdings["machining-5-axis"].level == "secondary"


def test_a_withdrawn_need_leaves_the_index(taxonomy, org_admin):
    alpha = org_admin.organisation
    need = DeclaredNeed.objects.create(organisation=alpha, kind=NeedKind.COMPETENCY, created_by=org_admin,
                                       capability=Capability.objects.get(code="machining-turning"))
    assert engine.candidate_for(alpha).needs == {"machining-turning"}

    need.is_active = False
    need.save()

    assert engine.candidate_for(alpha).needs == frozenset()


def test_a_prospect_is_read_alone_when_it_initiates(taxonomy):
    prospect = make_organisation("Prospect Aero", membership_status=MembershipStatus.PROSPECT)
    hold(prospect, "machining-turning")

    assert engine.candidate_for(prospect).holdings.keys() == {"machining-turning", "machining"}
    assert prospect.pk not in engine.cluster_index().row_of


def test_a_change_made_by_another_process_is_seen_through_the_directory_version(
        taxonomy, org_a, django_capture_on_commit_callbacks):
    from grappe.members.directory_cache import bump_directory_version
    from grappe.members.models import OrganisationCapability

    hold(org_a, "machining-5-axis")
    assert engine.candidate_for(org_a).holdings["machining-5-axis"].level == "core"

    # Another process changes the level (no signal reaches this one) and bumps the directory version.
    OrganisationCapability.objects.filter(organisation=org_a).update(level="secondary")
    with django_capture_on_commit_callbacks(execute=True):
        bump_directory_version()

    assert engine.candidate_for(org_a).holdings["machining-5-axis"].level == "secondary"


class _FakeSource:
    """Candidates from outside the cluster, as an app above partnering registers them."""

    def __init__(self):
        self.version = 0
        self.candidates = []

    def source(self) -> engine.CandidateSource:
        return engine.CandidateSource(
            name="test-outside", candidates=lambda: list(self.candidates), fingerprint=lambda: (self.version,),
            describe=lambda ids: {pk: engine.OutsidePartner(pk=pk, display_name="Ailleurs inc.", origin="Autre grappe",
                                                            url="/ailleurs/") for pk in ids if pk == "test:1"})


def test_outside_candidates_join_the_partner_search_not_the_clusters_own_index(taxonomy, org_a, monkeypatch):
    from django.utils import translation

    from matching.partners import Candidate

    monkeypatch.setattr(engine, "_sources", {})
    fake = _FakeSource()
    engine.register_candidate_source(fake.source())
    hold(org_a, "ndt-penetrant")
    assert [c.id for c in engine.partner_index().candidates] == [org_a.pk]

    known = engine.taxonomy_domains(["ndt-penetrant", "cold-chain-warehousing"])
    fake.candidates = [Candidate(id="test:1", name="Ailleurs inc.", kind="sme",
                                 holdings=engine.holdings_known([("ndt-penetrant", "core"),
                                                                 ("cold-chain-warehousing", "core")], known))]
    assert [c.id for c in engine.partner_index().candidates] == [org_a.pk], "same fingerprint: the index is kept"
    fake.version += 1

    assert [c.id for c in engine.partner_index().candidates] == [org_a.pk, "test:1"]
    assert [c.id for c in engine.listed_partner_index().candidates] == [org_a.pk, "test:1"]
    assert [c.id for c in engine.cluster_index().candidates] == [org_a.pk], "succession and consolidation: members"
    assert set(engine.partner_index().candidates[1].holdings) == {"ndt-penetrant", "ndt"}, \
        "an unknown code is left out; the domain of a known one is held, as for a member"
    found = engine.organisations_by_id([org_a.pk, "test:1", "test:2"])
    assert found[org_a.pk] == org_a
    with translation.override("en"):
        assert str(found["test:1"]) == "Ailleurs inc., from Autre grappe"
    assert "test:2" not in found
