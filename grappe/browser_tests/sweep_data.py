"""Real rows for the sweep: the demo generator's activity around the permission matrix's small cluster.

The matrix's objects (test_permissions.py) give every page its arguments; on their own most lists would be
empty, and an empty page hides the defects of a full one (wide tables, long names, charts). So before the sweep
the demo generator adds a small cluster with its activity: members' needs and surveys with answers, the themes
found in them, a published B2B day whose schedule holds the matrix's own people (the generator registers the
people with an account first), and a published brief. Organisation A, the matrix's "own", is asked to answer
the open surveys (its opportunity and introduction come from the matrix), so its member and admin see rows too.
The demo program adds a closed call (scored, decided, partly paid) and an open one, which every member's list
of open calls shows with its eligibility, organisation A's included; A starts a draft to the open call, and the
programs pages that take an object (program, call, application) are swept with these.
"""

import datetime
from decimal import Decimal

from django.test.utils import override_settings
from django.utils import timezone

DEMO_ORGANISATIONS = 24
DEMO_PEOPLE = 72
DEMO_NEEDS = 160


def seed_demo_activity(ctx) -> None:
    from grappe.events.demo_data import generate_event
    from grappe.listening.demo_data import generate_listening
    from grappe.listening.models import Invitation, Survey, SurveyStatus, ThemeRun
    from grappe.listening.services import briefs
    from grappe.listening.services import themes as theme_services
    from grappe.members import demo_data
    from grappe.members.models import Capability, RequestKind
    from grappe.members.services import colleague_requests
    from grappe.members.services.taxonomy import load_taxonomy
    from grappe.members.taxonomy_file import read_taxonomy
    from grappe.programs.demo_data import generate_programs
    from grappe.programs.models import CallStatus
    from grappe.programs.services import applications
    from grappe.programs.tests.factories import make_call

    if not Capability.objects.filter(parent__isnull=False).exclude(pk=ctx.capability.pk).exists():
        load_taxonomy(read_taxonomy())
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                           GRAPPE_THEME_ENCODER="none"):
        demo_data.generate_cluster(organisations=DEMO_ORGANISATIONS, people=DEMO_PEOPLE, seed=2026)
        generate_listening(seed=2026, needs=DEMO_NEEDS)
        theme_services.execute_run(ThemeRun.objects.create().pk)
        generate_event(seed=2026, time_limit=2)  # a schedule, not the best one: the sweep reads pages
        for survey in Survey.objects.filter(status=SurveyStatus.OPEN):
            Invitation.objects.get_or_create(survey=survey, organisation=ctx.org_a,
                                             defaults={"sent_at": timezone.now()})
        # What A's admin asked of A's user: the user's home and the admin's requests page show real rows.
        survey = Survey.objects.filter(status=SurveyStatus.OPEN).first()
        if survey is not None:
            colleague_requests.ask(actor=ctx.own_admin, organisation=ctx.org_a, colleague=ctx.own_user,
                                   kind=RequestKind.SURVEY, subject_id=survey.pk, note="La section 2 est pour toi.",
                                   due_on=timezone.localdate() + datetime.timedelta(days=14))
        colleague_requests.ask(actor=ctx.own_admin, organisation=ctx.org_a, colleague=ctx.own_user,
                               kind=RequestKind.OTHER, note="Envoyer le certificat d'assurance à jour.")
        today = timezone.localdate()
        brief = briefs.create_brief(actor=ctx.staff, period_start=today - datetime.timedelta(days=365),
                                    period_end=today, language="fr")
        briefs.publish_brief(actor=ctx.staff, brief=brief)
        # A decided, partly paid closed call and an open one; A's draft to the open call. The programs pages
        # that take an object read these (the programs matrix's own objects are not in this cluster).
        demo = generate_programs(seed=2026)
        if demo is not None:
            ctx.program, ctx.call = demo.program, demo.open_call
            ctx.draft_call = make_call(demo.program, status=CallStatus.DRAFT, title_fr="Appel en préparation",
                                       title_en="Call in preparation")
            ctx.application = applications.start_application(
                actor=ctx.own_user, call=demo.open_call,
                data={"title": "Réduction du bruit des nacelles par revêtements acoustiques",
                      "summary": "Des revêtements absorbants imprimés en 3D pour les nacelles de turboréacteurs.",
                      "amount_requested": Decimal("150000.00"), "total_cost": Decimal("400000.00")})
