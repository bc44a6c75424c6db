"""Who may use each members page. Organisation A is the signed-in actors' own; B is the other member's."""

import uuid

from django import forms

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

from grappe.members.forms.taxonomy import CapabilityNodeForm
from grappe.members.models import (
    Capability,
    Certification,
    CertificationType,
    ColleagueRequest,
    ImportJob,
    Organisation,
    Person,
    Segment,
)
from grappe.members.services.fields import ORGANISATION_FIELDS, PERSON_FIELDS

from .api_permissions import *  # noqa: F403 — the members API's policies, declared next to its tests

# Pages of organisation A for its administrator and the staff; its other users may look (403 on acting),
# other members and observers do not learn the page exists.
ORG_ADMIN_PAGE = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 404}
ORG_ADMIN_ACTION = {**ORG_ADMIN_PAGE, OWN_ADMIN: 302, STAFF: 302}
ALL_REDIRECT = dict.fromkeys(ORG_ADMIN_PAGE, 302)


def org_a(ctx):
    return [ctx.org_a.slug]


class TestDirectory(PermissionMatrix):
    url = "members:directory"
    expect = PUBLIC


class TestDirectoryExport(PermissionMatrix):
    url = "members:directory-export"
    expect = STAFF_ONLY


class TestMyOrganisation(PermissionMatrix):
    """Redirects to one's own organisation (or to the directory when one has none)."""

    url = "members:my-organisation"
    expect = ALL_REDIRECT


class TestOrganisationCreate(PermissionMatrix):
    url = "members:organisation-create"
    expect = STAFF_ONLY


class TestOrganisationDetail(PermissionMatrix):
    url = "members:organisation-detail"
    args = staticmethod(org_a)
    expect = PUBLIC


class TestUnlistedOrganisationDetail(PermissionMatrix):
    """An organisation that asked not to be listed is seen only by the staff (and its own people)."""

    url = "members:organisation-detail"
    args = staticmethod(lambda ctx: [ctx.org_hidden.slug])
    expect = {ANONYMOUS: 404, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 200, OBSERVER: 404}


class TestOrganisationEdit(PermissionMatrix):
    url = "members:organisation-edit"
    args = staticmethod(org_a)
    expect = ORG_ADMIN_PAGE


class TestOrganisationCapabilities(PermissionMatrix):
    url = "members:organisation-capabilities"
    args = staticmethod(org_a)
    expect = ORG_ADMIN_PAGE


class TestOrganisationCapabilityRemove(PermissionMatrix):
    url = "members:organisation-capability-remove"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.org_a.slug, ctx.org_capability.pk])
    expect = ORG_ADMIN_ACTION
    audit_action = "capability.removed"


class TestCertificationCreate(PermissionMatrix):
    url = "members:certification-create"
    args = staticmethod(org_a)
    expect = ORG_ADMIN_PAGE


class TestCertificationEdit(PermissionMatrix):
    url = "members:certification-edit"
    args = staticmethod(lambda ctx: [ctx.org_a.slug, ctx.certification.pk])
    expect = ORG_ADMIN_PAGE


class TestCertificationRemove(PermissionMatrix):
    url = "members:certification-remove"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.org_a.slug, ctx.certification.pk])
    expect = ORG_ADMIN_ACTION
    audit_action = "certification.removed"


class TestOrganisationPeople(PermissionMatrix):
    url = "members:organisation-people"
    args = staticmethod(org_a)
    expect = ORG_ADMIN_PAGE


class TestPersonCreate(PermissionMatrix):
    url = "members:person-create"
    args = staticmethod(org_a)
    expect = ORG_ADMIN_PAGE


class TestPersonEdit(PermissionMatrix):
    url = "members:person-edit"
    args = staticmethod(lambda ctx: [ctx.org_a.slug, ctx.person.pk])
    expect = ORG_ADMIN_PAGE


class TestPersonInvite(PermissionMatrix):
    url = "members:person-invite"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.org_a.slug, ctx.person.pk])
    expect = ORG_ADMIN_ACTION
    audit_action = "person.invited"


class TestTaxonomy(PermissionMatrix):
    url = "members:taxonomy"
    expect = STAFF_ONLY


class TestTaxonomyCreate(PermissionMatrix):
    url = "members:taxonomy-create"
    expect = STAFF_ONLY


class TestTaxonomyEdit(PermissionMatrix):
    url = "members:taxonomy-edit"
    args = staticmethod(lambda ctx: [ctx.capability.pk])
    expect = STAFF_ONLY


class TestImportStart(PermissionMatrix):
    url = "members:import-start"
    expect = STAFF_ONLY


class TestImportDetail(PermissionMatrix):
    url = "members:import-detail"
    args = staticmethod(lambda ctx: [ctx.import_job.pk])
    expect = STAFF_ONLY


class TestImportProgress(PermissionMatrix):
    url = "members:import-progress"
    args = staticmethod(lambda ctx: [ctx.import_job.pk])
    expect = STAFF_ONLY


class TestImportErrors(PermissionMatrix):
    url = "members:import-errors"
    args = staticmethod(lambda ctx: [ctx.import_job.pk])
    expect = STAFF_ONLY


def undoable_import(ctx) -> ImportJob:
    """An import completed just now that created one organisation: undoing it deletes that organisation."""
    from django.utils import timezone

    created = Organisation.objects.create(legal_name="Delta Importée", slug="delta-importee", kind="sme")
    return ImportJob.objects.create(
        kind="organisations", original_name="delta.csv", owner=ctx.staff, status="done", step="commit",
        finished_at=timezone.now(), report={"created": [{"row": 2, "label": "Delta Importée"}],
                                            "undo": {"created": [created.pk], "updated": [], "demoted": []}})


class TestImportUndoPage(PermissionMatrix):
    url = "members:import-undo"
    args = staticmethod(lambda ctx: [undoable_import(ctx).pk])
    expect = STAFF_ONLY


class TestImportUndo(PermissionMatrix):
    url = "members:import-undo"
    method = "post"
    args = staticmethod(lambda ctx: [undoable_import(ctx).pk])
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "import.undone"


class TestSegmentList(PermissionMatrix):
    url = "members:segment-list"
    expect = STAFF_ONLY


class TestSegmentCreate(PermissionMatrix):
    url = "members:segment-create"
    expect = STAFF_ONLY


def a_segment(ctx):
    return [Segment.objects.create(name="PME en Montérégie", kinds=["sme"], regions=["16"]).pk]


class TestSegmentEdit(PermissionMatrix):
    url = "members:segment-edit"
    args = staticmethod(a_segment)
    expect = STAFF_ONLY


class TestSegmentDelete(PermissionMatrix):
    url = "members:segment-delete"
    method = "post"
    args = staticmethod(a_segment)
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "segment.deleted"


# The forms' writes: each saves through its service, and a refused one saves nothing ------------------------

def form_of(instance, fields, **changes) -> dict:
    """The form a page shows for `instance`, with `changes` typed in (empty fields left out, as a browser
    sends them) and a fresh submission token."""
    data = {**forms.model_to_dict(instance, fields), **changes, "form_token": uuid.uuid4()}
    return {name: value for name, value in data.items() if value not in (None, "")}


class TestOrganisationCreatePost(PermissionMatrix):
    url = "members:organisation-create"
    method = "post"
    data = staticmethod(lambda ctx: {"legal_name": "Delta Aéro", "kind": "sme", "city": "Laval",
                                     "region": "13", "membership_status": "active",
                                     "form_token": uuid.uuid4()})
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "organisation.created"


class TestOrganisationEditPost(PermissionMatrix):
    url = "members:organisation-edit"
    method = "post"
    args = staticmethod(org_a)
    data = staticmethod(lambda ctx: form_of(ctx.org_a, ORGANISATION_FIELDS, city="Laval"))
    expect = ORG_ADMIN_ACTION
    audit_action = "organisation.changed"
    effect = staticmethod(lambda ctx, slug: Organisation.objects.get(slug=slug).city)


class TestOrganisationCapabilitySet(PermissionMatrix):
    url = "members:organisation-capabilities"
    method = "post"
    args = staticmethod(org_a)
    data = staticmethod(lambda ctx: {"capability": ctx.capability.pk, "level": "secondary"})
    expect = ORG_ADMIN_ACTION
    audit_action = "capability.changed"  # A already holds it (core)
    effect = staticmethod(lambda ctx, slug: ctx.org_a.capabilities.get().level)


class TestCertificationCreatePost(PermissionMatrix):
    url = "members:certification-create"
    method = "post"
    args = staticmethod(org_a)
    data = staticmethod(lambda ctx: {"certification_type": CertificationType.objects.get(code="as9110").pk})
    expect = ORG_ADMIN_ACTION
    audit_action = "certification.added"


class TestCertificationEditPost(PermissionMatrix):
    url = "members:certification-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.org_a.slug, ctx.certification.pk])
    data = staticmethod(lambda ctx: form_of(ctx.certification, ["certification_type"],
                                            certificate_number="C-42"))
    expect = ORG_ADMIN_ACTION
    audit_action = "certification.changed"
    effect = staticmethod(lambda ctx, slug, pk: Certification.objects.get(pk=pk).certificate_number)


class TestPersonCreatePost(PermissionMatrix):
    url = "members:person-create"
    method = "post"
    args = staticmethod(org_a)
    data = staticmethod(lambda ctx: {"first_name": "Noé", "last_name": "Roy", "email": "noe@alpha.test",
                                     "language": "fr", "org_role": "member", "is_active": "on",
                                     "form_token": uuid.uuid4()})
    expect = ORG_ADMIN_ACTION
    audit_action = "person.added"


class TestPersonEditPost(PermissionMatrix):
    url = "members:person-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.org_a.slug, ctx.person.pk])
    data = staticmethod(lambda ctx: form_of(ctx.person, PERSON_FIELDS, title="Acheteuse"))
    expect = ORG_ADMIN_ACTION
    audit_action = "person.changed"
    effect = staticmethod(lambda ctx, slug, pk: Person.objects.get(pk=pk).title)


class TestTaxonomyCreatePost(PermissionMatrix):
    url = "members:taxonomy-create"
    method = "post"
    data = staticmethod(lambda ctx: {"parent": ctx.domain.pk, "code": "m3", "label_fr": "Usinage 3 axes",
                                     "label_en": "3-axis machining", "is_active": "on", "position": 2})
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "taxonomy.added"


class TestTaxonomyEditPost(PermissionMatrix):
    url = "members:taxonomy-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.capability.pk])
    data = staticmethod(lambda ctx: form_of(ctx.capability, CapabilityNodeForm.Meta.fields,
                                            label_en="Five-axis machining"))
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "taxonomy.changed"
    effect = staticmethod(lambda ctx, pk: Capability.objects.get(pk=pk).label_en)


class TestSegmentCreatePost(PermissionMatrix):
    url = "members:segment-create"
    method = "post"
    data = staticmethod(lambda ctx: {"name": "PME", "kinds": ["sme"], "form_token": uuid.uuid4()})
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "segment.created"


class TestSegmentEditPost(PermissionMatrix):
    url = "members:segment-edit"
    method = "post"
    args = staticmethod(a_segment)
    data = staticmethod(lambda ctx: {"name": "PME de Montérégie", "kinds": ["sme"], "regions": ["16"],
                                     "form_token": uuid.uuid4()})
    expect = {**STAFF_ONLY, STAFF: 302}
    audit_action = "segment.changed"
    effect = staticmethod(lambda ctx, pk: Segment.objects.get(pk=pk).name)


# Requests to colleagues: organisation A's admin asks, its user (the colleague asked) marks done. The staff are not
# part of it: they may see A's private side (403 on asking), not the requests of its people (404).
def a_request(ctx) -> ColleagueRequest:
    return ColleagueRequest.objects.create(organisation=ctx.org_a, asked_by=ctx.own_admin, asked_of=ctx.own_user,
                                           kind="other", note="Relire la fiche")


def request_status(ctx, pk):
    return ColleagueRequest.objects.get(pk=pk).status


class TestColleagueRequests(PermissionMatrix):
    url = "members:colleague-requests"
    args = staticmethod(org_a)
    expect = ORG_ADMIN_PAGE | {STAFF: 403}


class TestColleagueRequestAsk(PermissionMatrix):
    url = "members:colleague-requests"
    method = "post"
    args = staticmethod(org_a)
    data = staticmethod(lambda ctx: {"colleague": ctx.own_user.pk, "what": "other", "note": "Relire la fiche",
                                     "form_token": uuid.uuid4()})
    expect = {**ORG_ADMIN_ACTION, STAFF: 403}
    audit_action = "colleague_request.sent"


class TestColleagueRequestDone(PermissionMatrix):
    url = "members:colleague-request-done"
    method = "post"
    args = staticmethod(lambda ctx: [a_request(ctx).pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 302, OWN_ADMIN: 403, STAFF: 404, OBSERVER: 404}
    audit_action = "colleague_request.done"
    effect = staticmethod(request_status)


class TestColleagueRequestWithdraw(PermissionMatrix):
    url = "members:colleague-request-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [a_request(ctx).pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 404, OBSERVER: 404}
    audit_action = "colleague_request.withdrawn"
    effect = staticmethod(request_status)


class TestSetLanguage(PermissionMatrix):
    """Anyone may switch the language; it redirects back."""

    url = "set_language"
    method = "post"
    data = staticmethod(lambda ctx: {"language": "en", "next": "/fr/"})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 302, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 302, OBSERVER: 302}
    audit_action = None  # one's own preference: nothing to audit
