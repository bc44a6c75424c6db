"""Who may do what with matchmaking events (object-level rules, evaluated by the `rules` package).

The cluster staff organise events. An announced event (past its draft) is public, so that guests can find
it and register; a members-only event takes registrations from member users only. What a participant may do
depends on its registration (grappe/events/access.py finds the visitor's own), not on these rules: a
participant acts only on its own registration, requests and meetings, and services check that.
"""

import rules

from grappe.members.rules import is_cluster_staff, is_member_user

from .models import Audience, Phase


@rules.predicate
def is_announced(user, event) -> bool:
    return event is not None and event.phase != Phase.DRAFT


@rules.predicate
def accepts_guests(user, event) -> bool:
    return event is not None and event.audience == Audience.MEMBERS_AND_GUESTS


rules.add_perm("events.manage_event", is_cluster_staff)
rules.add_perm("events.view_event", is_announced | is_cluster_staff)
# Members register with their account; guests (no account) only where the organiser allows them.
rules.add_perm("events.register_as_member", is_member_user & is_announced)
rules.add_perm("events.register_as_guest", accepts_guests & is_announced)
