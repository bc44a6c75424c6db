"""The events API, split by audience like the pages: participant.py (announced events, and a member's own
participation) and organiser.py (the cluster staff's scheduler runs and meetings). grappe/api.py adds this
router, which joins the two."""

from ninja import Router

from . import organiser, participant

router = Router()
router.add_router("", participant.router)
router.add_router("", organiser.router)
