"""The outbox's last word on a bulletin's or a digest's email (grappe.core.outbox.register_stream_check).

A big bulletin waits hours in the throttled outbox; a person who unsubscribes or withdraws consent meanwhile must
not receive it. Each such email is queued with the stream "bulletins" and a context {"person": id, "topic": …}:
the bulletin's category (or "notice", which membership requires and always goes), or "digest". Just before
sending, the outbox asks `may_still_go`: a consenting, active person who has not left the bulletin's category
still gets it (a digest: a consenting, active person who has not left the digests; what it carries was chosen
by their topics when it was built); anyone else's email is withdrawn unsent.
"""

from grappe.members.models import Person

from .models import REQUIRED_CATEGORIES, Topic, Unsubscription

STREAM = "bulletins"
DIGEST = "digest"


def context_of(person_id: int, topic: str) -> dict:
    return {"person": person_id, "topic": topic}


def may_still_go(context: dict) -> bool:
    topic = context.get("topic")
    if topic in REQUIRED_CATEGORIES:
        return True
    person = Person.objects.filter(pk=context.get("person")).values("is_active", "consent_communications").first()
    if person is None or not person["is_active"] or not person["consent_communications"]:
        return False
    if topic == DIGEST:
        topic = Topic.DIGEST  # what a digest carries was chosen by the person's topics when it was built
    return not Unsubscription.objects.filter(person_id=context["person"], topic=topic).exists()
