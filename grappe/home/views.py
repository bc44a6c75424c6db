"""The home page: the cluster in figures and the directory's search box for everyone; below them, what awaits
the signed-in person (a member's surveys, events, introductions and certifications; the staff's needs and open
surveys, the background jobs; an observer's latest brief). Reads go through each app's selectors."""

from django.shortcuts import render

from grappe.bulletins import feed
from grappe.events.selectors import participant as events
from grappe.listening.selectors import briefs, needs, surveys
from grappe.members import request_subjects, selectors
from grappe.members.models import Role
from grappe.partnering.selectors import introductions
from grappe.programs import selectors as programs

from .selectors import background_jobs

SHOWN = 5  # rows per block
FEED_SHOWN = 8  # items of the organisation's feed on the home page


def member_blocks(user) -> dict:
    """What awaits a member's person: only what they may do (the profile link and asking colleagues for their
    organisation's admins), and what those admins asked of them."""
    organisation = user.organisation
    if organisation is None:
        return {}
    return {
        "is_member_home": True,
        "feed_items": feed.feed_for(organisation, limit=FEED_SHOWN) if user.has_perm("bulletins.view_feed") else [],
        "surveys_to_answer": list(surveys.surveys_to_answer(organisation)[:SHOWN]),
        "registrations": list(events.upcoming_registrations(user)[:SHOWN]),
        "introductions_to_answer": list(introductions.introductions_awaiting_answer(user)[:SHOWN]),
        "my_expiring_certifications": list(selectors.expiring_certifications(organisation)[:SHOWN]),
        "requests_to_do": [(item, request_subjects.url_of(item))
                           for item in selectors.requests_to_do(user)[:SHOWN]],
        "may_edit_profile": user.has_perm("members.change_organisation", organisation),
        "may_ask_colleagues": user.has_perm("members.ask_colleagues", organisation),
    }


def staff_blocks(user) -> dict:
    return {
        "needs_to_answer": list(needs.needs_to_answer()[:SHOWN]),
        "open_surveys": list(surveys.open_surveys()[:SHOWN]),
        "background_jobs": background_jobs(),
    }


def observer_blocks(user) -> dict:
    return {"is_observer_home": True, "latest_brief": briefs.visible_briefs(user).first()}


def evaluator_blocks(user) -> dict:
    """An evaluator's applications still to score (to do, or a draft saved)."""
    waiting = [row for row in programs.evaluations_of(user) if row.state in (programs.TO_DO, programs.DRAFT)]
    return {"is_evaluator_home": True, "evaluations_to_do": waiting[:SHOWN], "evaluations_waiting": len(waiting)}


def home(request):
    user = request.user
    context = selectors.home_figures(user)
    if user.is_authenticated:
        if user.is_staff:
            context.update(staff_blocks(user))
        elif user.role == Role.OBSERVER:
            context.update(observer_blocks(user))
        elif user.role == Role.EVALUATOR:
            context.update(evaluator_blocks(user))
        else:
            context.update(member_blocks(user))
    return render(request, "home/home.html", context)
