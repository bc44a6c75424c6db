"""Reads of information circulation that more than one page or endpoint needs."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from grappe.members.models import Person

from .models import Audience, Bulletin, BulletinStatus


def sent() -> QuerySet:
    return Bulletin.objects.filter(status=BulletinStatus.SENT).order_by("-sent_at", "-pk")


def public_bulletins() -> QuerySet:
    """What anyone may read: public bulletins once sent, newest first."""
    return sent().filter(is_public=True)


def bulletins_for(user) -> QuerySet:
    """The sent bulletins a user may read: every one for the staff; the public ones and those sent to their
    organisation for a member's person; the public ones for anyone else."""
    if user.is_authenticated and user.is_cluster_staff:
        return sent()
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    if organisation is None or not user.has_perm("bulletins.view_feed"):
        return public_bulletins()
    addressed = Audience.objects.filter(bulletin=OuterRef("pk"), organisation=organisation)
    return sent().filter(Q(is_public=True) | Exists(addressed))


def staff_bulletins() -> QuerySet:
    """Every bulletin, drafts first, for the staff's list."""
    return Bulletin.objects.select_related("created_by").order_by("-updated_at", "-pk")


def bounces_with_people(bounces) -> list[tuple]:
    """Each refused address with the person who has it (None when nobody does any more) and their
    organisation, in one query."""
    bounces = list(bounces)
    people = {person.email.lower(): person for person in Person.objects.select_related("organisation")
              .annotate(address=Lower("email")).filter(address__in=[bounce.email.lower() for bounce in bounces])}
    return [(bounce, people.get(bounce.email.lower())) for bounce in bounces]
def target_in_words(bulletin: Bulletin) -> str:
    """The bulletin's target as the staff read it: "SMEs in Montérégie with 5-axis machining, in the saved segment
    “Suppliers”, sitting on: Environment committee"; "Every member organisation" when it sets no criterion."""
    from django.utils.translation import gettext as _

    from grappe.members.segments import Criteria, describe

    from .targeting import Target

    target = Target.of(bulletin)
    criteria = Criteria(kinds=target.kinds, size_bands=target.size_bands, regions=target.regions,
                        capabilities=target.capabilities, certification_types=target.certification_types)
    parts = [describe(criteria)] if criteria != Criteria() else []
    if target.segment is not None:
        parts.append(_("in the saved segment “%(name)s”") % {"name": target.segment.name})
    if target.bodies:
        parts.append(_("sitting on: %(bodies)s") % {"bodies": ", ".join(str(body) for body in bulletin.bodies.all())})
    return ", ".join(parts) if parts else _("Every member organisation")


def last_send_job(bulletin: Bulletin):
    """The bulletin's latest sending job (its progress), or None."""
    return bulletin.send_jobs.order_by("-created_at", "-pk").first()
