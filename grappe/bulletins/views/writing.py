"""Writing a bulletin (communications staff): the form with its editor and its live reach, the editor's image upload,
and the images themselves (served to anyone: they appear in emails and public news). Thin: parse, call
services/writing.py or targeting, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grappe.core.errors import reason
from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for

from .. import targeting
from ..forms.bulletins import BulletinForm, TargetForm
from ..models import Bulletin, BulletinImage
from ..services import writing

IMAGE_CACHE_SECONDS = 365 * 24 * 3600  # an image's key is never reused: its content never changes


def _form_page(request, form, bulletin=None):
    return render(request, "bulletins/bulletin_form.html", {
        "form": form, "bulletin": bulletin, "reach": _reach_of(form) if form.is_bound else None})


def _save(request, form, save):
    """Run `save` once per form token; a refusal goes back beside the fields, all that was typed kept."""
    def work():
        return reverse("bulletins:staff-detail", args=[save().pk])
    try:
        url = submit_once(form.cleaned_data["form_token"], work)
    except ValidationError as error:
        if hasattr(error, "error_dict") and all(name in form.fields or name == "__all__"
                                                for name in error.error_dict):
            form.add_error(None, error)
        else:
            form.add_error(None, error.messages)
        return None
    messages.success(request, _("The bulletin is saved."))
    return redirect(url)


@page_for("bulletins.manage_bulletins")
def bulletin_create(request):
    form = BulletinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, lambda: writing.create_bulletin(request.user, **form.saved()))
        if saved:
            return saved
    return _form_page(request, form)


@page_for("bulletins.manage_bulletins")
def bulletin_edit(request, pk):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    if bulletin.status not in writing.EDITABLE:
        messages.error(request, _("This bulletin is %(status)s: it can no longer be changed.")
                       % {"status": bulletin.get_status_display().lower()})
        return redirect("bulletins:staff-detail", pk=bulletin.pk)
    form = BulletinForm(request.POST or None, bulletin=bulletin, initial=BulletinForm.initial_for(bulletin))
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, lambda: writing.update_bulletin(request.user, bulletin, **form.saved()))
        if saved:
            return saved
    return _form_page(request, form, bulletin)


def _reach_of(form) -> dict:
    """Whom the target of a bound form reaches, or the criterion that left nobody."""
    if not form.is_valid() and any(name in form.errors for name in TargetForm.base_fields):
        return {"invalid": True}
    target = targeting.Target.from_form(form.cleaned_data)
    emptied = targeting.first_emptying(target)
    if emptied:
        return {"emptied": emptied}
    return {"figures": targeting.reach(form.cleaned_data["category"], target)}


@require_GET
@page_for("bulletins.manage_bulletins")
def bulletin_reach(request):
    """The reach panel, for the target fields as they are now in the form (htmx)."""
    return render(request, "bulletins/_reach.html", {"reach": _reach_of(TargetForm(request.GET))})


@require_POST
@page_for("bulletins.manage_bulletins")
def image_upload(request):
    """An image for the editor: JSON with its address, or the reason it was refused (400)."""
    try:
        image = writing.upload_image(request.user, request.FILES.get("file"))
    except ValidationError as error:
        return JsonResponse({"error": reason(error)}, status=400)
    return JsonResponse({"url": reverse("bulletins:image", args=[image.key]), "width": image.width,
                         "height": image.height}, status=201)


@require_GET
def image(request, key):
    """A bulletin's image, to anyone (emails and public news show it), never sniffed as anything else."""
    stored = get_object_or_404(BulletinImage, key=key)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{stored.key}.{stored.extension}"'
    patch_cache_control(response, public=True, max_age=IMAGE_CACHE_SECONDS, immutable=True)
    return response
