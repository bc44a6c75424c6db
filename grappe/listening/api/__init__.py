"""The listening API: members submit needs and answer surveys; the staff read them; the staff and government
observers read the aggregated figures and briefs. One module per subject, each with its router, joined here
(grappe/api.py adds this one router).

Rights are those of the pages (grappe/listening/rules.py): a member submits and reads its own organisation's
needs and answers the surveys it is invited to (a survey it is not invited to answers 404); the staff read
everything. Government observers get 403 on needs and surveys: they see aggregated dashboards and published
briefs (api.insights).
"""

from ninja import Router

from . import insights, needs, surveys

router = Router(tags=["listening"])
router.add_router("", needs.router)
router.add_router("", surveys.router)
router.add_router("", insights.router)
