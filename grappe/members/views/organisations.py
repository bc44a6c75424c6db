"""An organisation's pages: profile, capabilities, certifications, people. Thin: parse, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for

from .. import directory_cache, selectors
from ..address import mrc_names
from ..forms.organisations import CertificationForm, OrganisationCapabilityForm, OrganisationForm
from ..forms.people import PersonForm
from ..models import Certification, OrganisationCapability, Person
from ..services import certifications, organisations
from ..services import people as people_services


def detail(request, slug):
    user = request.user
    with directory_cache.pinned_version():  # read before the organisation: see directory_cache
        organisation = selectors.visible_organisation(user, slug, with_details=False)
        # The part everyone sees is rendered without the request, once per version and language.
        profile = directory_cache.organisation_profile(organisation, lambda: render_to_string(
            "members/_organisation_profile.html",
            {"organisation": organisation, "capabilities": selectors.profile_capabilities(organisation)}))
        # Each permission is asked once: a signed-in member's checks read its person and organisation.
        show_member_details = user.has_perm("members.view_member_details")
        can_edit = user.has_perm("members.change_organisation", organisation)
        member_details = _member_details(organisation, user, can_edit) if show_member_details else {}
    context = {
        "organisation": organisation,
        "profile": profile,
        "show_member_details": show_member_details,
        "member_details": member_details,
        "can_edit": can_edit,
        "can_manage_people": user.has_perm("members.manage_people", organisation),
    }
    return render(request, "members/organisation_detail.html", context)


def _member_details(organisation, user, can_edit: bool) -> dict[str, str]:
    """The address, contacts and certifications a member sees, rendered without the request. Another
    organisation's member sees consenting contacts and cannot edit: theirs is kept (directory_cache)."""
    def render_details():
        context = {"organisation": organisation, "can_edit": can_edit,
                   "contacts": selectors.visible_contacts(organisation, user),
                   "certifications": selectors.organisation_certifications(organisation)}
        return {"contacts": render_to_string("members/_organisation_contacts.html", context),
                "certifications": render_to_string("members/_organisation_certifications.html", context)}
    if can_edit or user.has_perm("members.view_organisation_private", organisation):
        return render_details()
    return directory_cache.member_details(organisation, render_details)


@login_required
def my_organisation(request):
    organisation = request.user.organisation
    if organisation is None:
        messages.info(request, _("Your account is not attached to a member organisation."))
        return redirect("members:directory")
    return redirect(organisation)


@page_for("members.add_organisation")
def create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def work():
            organisation = organisations.create_organisation(actor=request.user, data=form.cleaned_data)
            messages.success(request, _("%(name)s was added.") % {"name": organisation})
            return organisation.get_absolute_url()
        return redirect(submit_once(form.cleaned_data["form_token"], work))
    return render(request, "members/organisation_form.html", {"form": form, "mrc_names": mrc_names()})


@login_required
def edit(request, slug):
    organisation = selectors.organisation_for(request.user, slug, "members.change_organisation")
    can_manage = request.user.has_perm("members.add_organisation")
    form = OrganisationForm(request.POST or None, instance=organisation, can_manage_membership=can_manage)
    if request.method == "POST" and form.is_valid():
        organisations.update_organisation(actor=request.user, organisation=organisation, data=form.cleaned_data)
        messages.success(request, _("The profile was saved."))
        return redirect(organisation)
    return render(request, "members/organisation_form.html",
                  {"form": form, "organisation": organisation, "mrc_names": mrc_names()})


@login_required
def capabilities(request, slug):
    organisation = selectors.organisation_for(request.user, slug, "members.change_organisation")
    form = OrganisationCapabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisations.set_capability(actor=request.user, organisation=organisation, capability=data["capability"],
                                level=data["level"], evidence=data["evidence"])
        messages.success(request, _("%(capability)s is on your profile.") % {"capability": data["capability"]})
        return redirect("members:organisation-capabilities", slug=slug)
    items = organisation.capabilities.select_related("capability__parent")
    return render(request, "members/organisation_capabilities.html",
                  {"organisation": organisation, "form": form, "items": items})


@login_required
@require_POST
def capability_remove(request, slug, pk):
    organisation = selectors.organisation_for(request.user, slug, "members.change_organisation")
    item = get_object_or_404(OrganisationCapability, pk=pk, organisation=organisation)
    organisations.remove_capability(actor=request.user, item=item)
    messages.success(request, _("%(capability)s was removed.") % {"capability": item.capability})
    return redirect("members:organisation-capabilities", slug=slug)


@login_required
def certification_edit(request, slug, pk=None):
    organisation = selectors.organisation_for(request.user, slug, "members.change_organisation")
    certification = get_object_or_404(Certification, pk=pk, organisation=organisation) if pk else None
    form = CertificationForm(request.POST or None, instance=certification)
    if not certification:
        taken = organisation.certifications.values_list("certification_type", flat=True)
        form.fields["certification_type"].queryset = form.fields["certification_type"].queryset.exclude(pk__in=taken)
    if request.method == "POST" and form.is_valid():
        certifications.save_certification(actor=request.user, organisation=organisation, data=form.cleaned_data,
                                    certification=certification)
        messages.success(request, _("The certification was saved."))
        return redirect(organisation)
    return render(request, "members/certification_form.html",
                  {"form": form, "organisation": organisation, "certification": certification})


@login_required
@require_POST
def certification_remove(request, slug, pk):
    organisation = selectors.organisation_for(request.user, slug, "members.change_organisation")
    certification = get_object_or_404(Certification, pk=pk, organisation=organisation)
    certifications.remove_certification(actor=request.user, certification=certification)
    messages.success(request, _("The certification was removed."))
    return redirect(organisation)


@login_required
def people(request, slug):
    organisation = selectors.organisation_for(request.user, slug, "members.manage_people")
    return render(request, "members/organisation_people.html",
                  {"organisation": organisation, "people": organisation.people.select_related("user")})


@login_required
def person_edit(request, slug, pk=None):
    organisation = selectors.organisation_for(request.user, slug, "members.manage_people")
    person = get_object_or_404(Person, pk=pk, organisation=organisation) if pk else None
    form = PersonForm(request.POST or None, instance=person, actor=request.user)
    if request.method == "POST" and form.is_valid():
        def work():
            people_services.save_person(actor=request.user, organisation=organisation, data=form.cleaned_data,
                                 person=person)
            messages.success(request, _("%(name)s was saved.") % {"name": form.instance.full_name})
            return reverse("members:organisation-people", args=[organisation.slug])
        return redirect(submit_once(form.cleaned_data["form_token"], work))
    return render(request, "members/person_form.html",
                  {"form": form, "organisation": organisation, "person": person})


@login_required
@require_POST
def person_invite(request, slug, pk):
    organisation = selectors.organisation_for(request.user, slug, "members.manage_people")
    person = get_object_or_404(Person, pk=pk, organisation=organisation)
    try:
        user = people_services.invite_person(actor=request.user, person=person, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("An invitation was sent to %(email)s.") % {"email": user.email})
    return redirect("members:organisation-people", slug=slug)
