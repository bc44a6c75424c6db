"""Reads of information circulation that more than one page or endpoint needs."""

from django.db.models import Exists, OuterRef, Q, QuerySet

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
    people = {person.email.lower(): person for person in Person.objects.select_related("organisation").filter(
        email__in=[bounce.email.lower() for bounce in bounces])}
    return [(bounce, people.get(bounce.email.lower())) for bounce in bounces]
