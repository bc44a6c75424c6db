"""The members API: organisations and their capabilities, people, the taxonomy, certification types.

It shows and changes exactly what the pages do: rows come from `selectors`, writes go through `services`, and
rights are the `rules` permissions of `request.user` (grappe.core.api_auth says who that is). As on the pages,
an organisation the caller may not see answers 404, one it may see but not change answers 403.
"""

from django.db.models import F, Prefetch
from django.db.models.functions import Coalesce
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from ninja.patch_dict import PatchDict

from grappe.core.api_auth import PUBLIC_ENDPOINT
from grappe.core.api_errors import invalid
from grappe.core.api_schemas import answers
from grappe.core.paging import ApiPagination

from .. import selectors
from ..forms.organisations import OrganisationForm
from ..models import Capability, Certification, CertificationType, OrganisationCapability
from ..services import fields, organisations
from .schemas import (
    CapabilityDeclaration,
    CapabilityOut,
    CertificationTypeOut,
    DirectoryQuery,
    OrganisationCapabilityOut,
    OrganisationDetail,
    OrganisationIn,
    OrganisationSummary,
    PersonOut,
)

router = Router()
MEMBERSHIP_FIELDS = {"membership_status", "member_since", "membership_ends"}


def _by_code(queryset, code: str | None, parameter: str):
    if not code:
        return None
    found = queryset.filter(code=code).first()
    if found is None:
        raise invalid(["query", parameter], _("Unknown code: %(code)s.") % {"code": code})
    return found


def _form_errors(form) -> ValidationError:
    """A Django form's errors in the API's 422 format, one entry per message, in the caller's language."""
    errors = []
    for field, messages in form.errors.items():
        loc = ["body", "payload"] + ([] if field == "__all__" else [field])
        errors.extend({"type": "value_error", "loc": loc, "msg": message} for message in messages)
    return ValidationError(errors)


# Organisations ------------------------------------------------------------------------------------

@router.get("/organisations", response=answers(list[OrganisationSummary], 422), **PUBLIC_ENDPOINT,
            url_name="organisation-list", tags=["organisations"], summary="Search the directory")
@paginate(ApiPagination)
def list_organisations(request, filters: Query[DirectoryQuery]):
    """The directory, with its filters. Everyone sees listed active members; members also get contacts and
    certifications; staff see every organisation."""
    filters = {
        **filters.dict(),
        "capability": _by_code(Capability.objects.filter(is_active=True), filters.capability, "capability"),
        "certification": _by_code(CertificationType.objects.all(), filters.certification, "certification"),
    }
    queryset = selectors.filter_directory(selectors.directory_organisations(request.user), filters)
    queryset = selectors.with_card_details(queryset)
    if request.user.has_perm("members.view_member_details"):
        queryset = queryset.prefetch_related(
            Prefetch("certifications", queryset=Certification.objects.select_related("certification_type")))
    return queryset


@router.get("/organisations/{slug}", response=answers(OrganisationDetail, 404), **PUBLIC_ENDPOINT,
            url_name="organisation-detail", tags=["organisations"], summary="An organisation's profile")
def get_organisation(request, slug: str):
    return selectors.visible_organisation(request.user, slug)


@router.patch("/organisations/{slug}", response=answers(OrganisationDetail, 403, 404, 422),
              url_name="organisation-update",
              tags=["organisations"], summary="Change an organisation's profile")
def update_organisation(request, slug: str, payload: PatchDict[OrganisationIn]):
    """Send only the fields to change. The organisation's admins and the staff may; membership fields are
    the staff's. The same checks as the profile form apply (422 with one message per problem)."""
    organisation = selectors.organisation_for(request.user, slug, "members.change_organisation")
    can_manage_membership = request.user.has_perm("members.add_organisation")
    if not can_manage_membership and MEMBERSHIP_FIELDS & set(payload):
        raise HttpError(403, _("Only the cluster staff may change the membership."))
    data = {**model_to_dict(organisation, fields=fields.ORGANISATION_FIELDS), **payload}
    form = OrganisationForm(data, instance=organisation, can_manage_membership=can_manage_membership)
    del form.fields["form_token"]  # a PATCH states the result, so sending it twice is harmless
    if not form.is_valid():
        raise _form_errors(form)
    organisations.update_organisation(actor=request.user, organisation=organisation, data=form.cleaned_data)
    return selectors.organisation_detail(slug)


# An organisation's capabilities -------------------------------------------------------------------

@router.get("/organisations/{slug}/capabilities", response=answers(list[OrganisationCapabilityOut], 404),
            **PUBLIC_ENDPOINT,
            url_name="organisation-capability-list", tags=["organisations"],
            summary="An organisation's capabilities")
def list_organisation_capabilities(request, slug: str):
    return selectors.visible_organisation(request.user, slug).capabilities.all()


@router.put("/organisations/{slug}/capabilities/{code}",
            response=answers(OrganisationCapabilityOut, 403, 404, 422),
            url_name="organisation-capability-set", tags=["organisations"],
            summary="Declare a capability (or change its level)")
def set_organisation_capability(request, slug: str, code: str, payload: CapabilityDeclaration):
    organisation = selectors.organisation_for(request.user, slug, "members.change_organisation")
    capability = get_object_or_404(Capability.objects.select_related("parent"), code=code)
    if not capability.is_active:
        raise invalid(["path", "code"], _("This capability is no longer in use."))
    try:
        return organisations.set_capability(actor=request.user, organisation=organisation, capability=capability,
                                       level=payload.level, evidence=payload.evidence)
    except ValueError as error:  # a domain, not a capability
        raise invalid(["path", "code"], str(error)) from None


@router.delete("/organisations/{slug}/capabilities/{code}", response=answers({204: None}, 403, 404),
               url_name="organisation-capability-remove", tags=["organisations"],
               summary="Remove a capability")
def remove_organisation_capability(request, slug: str, code: str):
    organisation = selectors.organisation_for(request.user, slug, "members.change_organisation")
    item = get_object_or_404(OrganisationCapability.objects.select_related("organisation", "capability"),
                             organisation=organisation, capability__code=code)
    organisations.remove_capability(actor=request.user, item=item)
    return Status(204, None)


# People -------------------------------------------------------------------------------------------

@router.get("/people", response=answers(list[PersonOut], 422), url_name="person-list", tags=["people"],
            summary="People the caller may see")
@paginate(ApiPagination)
def list_people(request, organisation: str | None = None):
    """Staff see everyone (filter by `organisation=<slug>`); a member sees its own organisation's people."""
    people = selectors.people_of(request.user).select_related("organisation").order_by(
        "last_name", "first_name", "pk")
    if organisation:
        people = people.filter(organisation__slug=organisation)
    return people


# Reference data -----------------------------------------------------------------------------------

@router.get("/capabilities", response=answers(list[CapabilityOut], 422), **PUBLIC_ENDPOINT,
            url_name="capability-list", tags=["reference"], summary="The capability taxonomy")
@paginate(ApiPagination)
def list_capabilities(request):
    """Each domain followed by its capabilities, in both languages, with their synonyms."""
    domain_position, domain_id = Coalesce("parent__position", "position"), Coalesce("parent_id", "id")
    return Capability.objects.filter(is_active=True).select_related("parent").order_by(
        domain_position, domain_id, F("parent").asc(nulls_first=True), "position", "pk")


@router.get("/certification-types", response=answers(list[CertificationTypeOut], 422), **PUBLIC_ENDPOINT,
            url_name="certification-type-list", tags=["reference"], summary="Certification types")
@paginate(ApiPagination)
def list_certification_types(request):
    return CertificationType.objects.all()
