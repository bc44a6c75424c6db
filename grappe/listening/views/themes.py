"""The staff's theme pages: the themes found (with their trend and rising alerts), a run with its progress,
and the edits — rename (FR/EN), merge, split, move a text to another theme."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.permissions import require

from ..forms.themes import ReassignForm, ThemeMergeForm, ThemeRenameForm, ThemeSplitForm
from ..models import Answer, Need, Theme, ThemeRun
from ..selectors import dashboards
from ..selectors.themes import public_name, recent_items, unthemed_needs
from ..services import themes
from .common import staff_page


def _active_themes():
    return Theme.objects.filter(is_active=True).order_by("name_fr")


@staff_page
def theme_list(request):
    require(request.user, "listening.manage_themes")
    overview = dashboards.overview(dashboards.STAFF)
    trend = dashboards.all_themes(dashboards.STAFF)
    run = ThemeRun.objects.order_by("-created_at").first()
    return render(request, "listening/staff_theme_list.html", {
        "trend": trend, "lines": trend["lines"], "overview": overview, "run": run,
        "themes": _active_themes(), "merge_form": ThemeMergeForm(themes=_active_themes()),
        "unthemed": unthemed_needs(),
    })


@staff_page
@require_POST
def theme_run(request):
    themes.start_run(actor=request.user)
    messages.success(request, _("Theme computation started: this page shows its progress."))
    return redirect("listening:staff-theme-list")


@staff_page
def theme_run_progress(request, pk):
    """The progress bar, polled by htmx while the run is queued or running."""
    run = get_object_or_404(ThemeRun, pk=pk)
    return render(request, "listening/_theme_run.html", {"run": run})


@staff_page
def theme_detail(request, pk):
    theme = get_object_or_404(Theme, pk=pk)
    require(request.user, "listening.manage_themes", theme)
    form = ThemeRenameForm(request.POST or None, initial={"name_fr": theme.name_fr, "name_en": theme.name_en})
    if request.method == "POST" and form.is_valid():
        themes.rename_theme(actor=request.user, theme=theme, **form.cleaned_data)
        messages.success(request, _("Theme renamed. Later computations keep this name."))
        return redirect("listening:staff-theme-detail", pk=theme.pk)
    history = dashboards.theme_history(theme, dashboards.STAFF)
    return render(request, "listening/staff_theme_detail.html", {
        "theme": theme, "form": form, "history": history, "public_name": public_name(theme),
        "trend_lines": [history["line"]] if history["line"] else [], "items": recent_items(theme),
        "themes": _active_themes(), "split_form": ThemeSplitForm(),
    })


@staff_page
@require_POST
def theme_split(request, pk):
    theme = get_object_or_404(Theme, pk=pk)
    form = ThemeSplitForm(request.POST)
    if form.is_valid():
        parts = themes.split_theme(actor=request.user, theme=theme, parts=form.cleaned_data["parts"])
        if len(parts) > 1:
            messages.success(request, _("Theme split: the new themes are in the list."))
        else:
            messages.error(request, _("This theme has too few texts to split, or no computation was run yet."))
    return redirect("listening:staff-theme-detail", pk=theme.pk)


@staff_page
@require_POST
def theme_merge(request):
    require(request.user, "listening.manage_themes")
    form = ThemeMergeForm(request.POST, themes=_active_themes())
    if form.is_valid() and len(set(form.cleaned_data["themes"]) | {form.cleaned_data["into"]}) > 1:
        into = Theme.objects.get(pk=form.cleaned_data["into"])
        others = list(Theme.objects.filter(pk__in=form.cleaned_data["themes"]))
        themes.merge_themes(actor=request.user, into=into, others=others)
        messages.success(request, _("Themes merged into “%(name)s”.") % {"name": into.name})
        return redirect("listening:staff-theme-detail", pk=into.pk)
    messages.error(request, _("Choose at least two themes to merge and the one to keep."))
    return redirect("listening:staff-theme-list")


@staff_page
@require_POST
def theme_reassign(request):
    require(request.user, "listening.manage_themes")
    form = ReassignForm(request.POST, themes=_active_themes())
    if not form.is_valid():
        messages.error(request, _("Choose the theme to move this text to."))
        return redirect("listening:staff-theme-list")
    theme = Theme.objects.get(pk=form.cleaned_data["theme"])
    if form.cleaned_data["kind"] == "need":
        themes.reassign(actor=request.user, need=get_object_or_404(Need, pk=form.cleaned_data["item"]), theme=theme)
    else:
        themes.reassign(actor=request.user, answer=get_object_or_404(Answer, pk=form.cleaned_data["item"]),
                        theme=theme)
    messages.success(request, _("Moved to “%(name)s”. Later computations leave it there.") % {"name": theme.name})
    back = request.POST.get("back", "")
    if back.isdigit():
        return redirect("listening:staff-theme-detail", pk=int(back))
    return redirect("listening:staff-theme-list")
