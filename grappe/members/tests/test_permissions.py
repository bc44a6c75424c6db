"""Who may use each members page. Organisation A is the signed-in actors' own; B is the other member's."""

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


class TestSegmentList(PermissionMatrix):
    url = "members:segment-list"
    expect = STAFF_ONLY


class TestSegmentCreate(PermissionMatrix):
    url = "members:segment-create"
    expect = STAFF_ONLY


def a_segment(ctx):
    from grappe.members.models import Segment

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
