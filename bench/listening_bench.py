"""Listening at the size of issue 5: dashboards, theme extraction and the government brief.

Builds (once; `--rebuild` starts again) its own PostgreSQL database with 2,000 organisations
(`members.demo_data.generate_cluster`, as `manage.py generate_demo` does), 10 surveys sent to every
organisation with 20,000 answers (400 responses of 5 questions each: Likert, one choice, several choices,
number, free text), 10,000 free-text needs over twelve months (French and English sentences combined from
templates per category: an opening, a subject, a detail and a consequence) and three saved segments. Then
measures:

- theme extraction: the background task (`run_themes_task`, immediate backend) over every need and free-text
  answer, lexical finder (`--encoder e5` adds sentence embeddings, cached in TextEmbedding: the first run
  encodes every text, some 20 a second, later runs read them back);
- dashboards: the staff's and an observer's pages (overview with segments, each survey's results) and the API,
  through a real server: gunicorn with the production settings (DJANGO_DEBUG=0, bench/settings.py; 3 workers) on
  loopback at 20 concurrent clients, driven by bench/directory.py's client runner (`Server`, `run_clients`;
  sessions as a sign-in makes them, the staff's with its second factor) — p95 with the cache warm in every
  worker, with the CPU per request of gunicorn's processes, PostgreSQL's backends and the client; and the cold
  cost after a write bumped the version, in this process (Django's test client) and through the server;
- the brief: figures (one click), then the PDF and the XLSX.

    .venv/bin/python bench/listening_bench.py [--rebuild] [--encoder e5] [--concurrency 20] [--requests 1000]
        (LISTENING_DATABASE_URL to move it)

Prints `FIGURE | what | measured | target | met/MISSED | details` lines.
"""

import argparse
import datetime
import os
import random
import subprocess
import sys
import threading
import time

from common import ROOT, figure, load_average, percentile

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/grappe_bench_listening"
ORGANISATIONS, PEOPLE = 2000, 4000
SURVEYS, RESPONSES_PER_SURVEY, NEEDS = 10, 400, 10_000
DASHBOARD_TARGET_MS, THEMES_TARGET_S, FILE_TARGET_S = 200, 60, 5
RECOMPUTE_TARGET_S = 30  # ours, not the issue's: figures stale for at most this long after a write
STAFF_EMAIL, OBSERVER_EMAIL = "bench-staff@grappe.test", "bench-observer@grappe.test"

# (category, [(French, English) subjects]) — combined with openings, details and consequences below.
SUBJECTS = {
    "workforce": [("recruter des machinistes CNC qualifiés", "hire qualified CNC machinists"),
                  ("trouver des soudeurs certifiés", "find certified welders"),
                  ("remplacer nos techniciens qui partent à la retraite", "replace our retiring technicians"),
                  ("former nos inspecteurs qualité", "train our quality inspectors")],
    "export": [("faire face aux tarifs douaniers américains", "cope with US customs tariffs"),
               ("percer le marché européen", "enter the European market"),
               ("obtenir la certification EASA pour exporter", "obtain EASA certification to export")],
    "financing": [("financer notre fonds de roulement", "finance our working capital"),
                  ("recevoir à temps les crédits d'impôt RS&DE", "receive SR&ED tax credits on time"),
                  ("financer une nouvelle ligne d'usinage", "finance a new machining line")],
    "regulation": [("s'enregistrer au Programme des marchandises contrôlées", "register with the Controlled Goods Program"),
                   ("respecter les exigences ITAR", "meet ITAR requirements"),
                   ("suivre les nouvelles normes de cybersécurité", "follow the new cybersecurity standards")],
    "supply_chain": [("obtenir du titane en moins de 40 semaines", "get titanium in under 40 weeks"),
                     ("trouver des fournisseurs de pièces forgées", "find forging suppliers"),
                     ("réduire les retards de livraison des composants", "reduce component delivery delays")],
    "innovation": [("numériser notre atelier", "digitise our shop floor"),
                   ("trouver un partenaire de recherche en fabrication additive", "find a research partner in additive manufacturing"),
                   ("automatiser l'inspection des pièces", "automate part inspection")],
    "environment": [("mesurer notre bilan carbone", "measure our carbon footprint"),
                    ("réduire nos rejets de solvants", "reduce our solvent emissions"),
                    ("recycler les copeaux de titane", "recycle titanium chips")],
    "infrastructure": [("améliorer le transport en commun vers l'usine", "improve public transit to the plant"),
                       ("trouver des logements abordables pour nos employés", "find affordable housing for our employees")],
    "other": [("rencontrer d'autres PME de la grappe", "meet other SMEs of the cluster")],
}
OPENINGS = [("Nous avons du mal à", "We struggle to"), ("Il nous faut de l'aide pour", "We need help to"),
            ("Notre priorité cette année est de", "Our priority this year is to"),
            ("Nous n'arrivons pas à", "We cannot manage to")]
DETAILS = [("depuis le début de l'année", "since the start of the year"), ("pour notre usine de {city}", "for our plant in {city}"),
           ("avec nos {n} employés", "with our {n} employees"), ("malgré plusieurs tentatives", "despite several attempts")]
CONSEQUENCES = [("Cela retarde nos livraisons.", "This delays our deliveries."),
                ("Nous avons refusé {n} commandes.", "We turned down {n} orders."),
                ("Cela menace notre croissance.", "It threatens our growth."), ("", "")]
CITIES = ["Mirabel", "Longueuil", "Saint-Laurent", "Granby", "Sherbrooke", "Trois-Rivières", "Boucherville"]


def need_text(rng: random.Random, category: str, english: bool) -> str:
    side = 1 if english else 0
    subject = rng.choice(SUBJECTS[category])[side]
    opening, detail, consequence = (rng.choice(OPENINGS)[side], rng.choice(DETAILS)[side],
                                    rng.choice(CONSEQUENCES)[side])
    values = {"city": rng.choice(CITIES), "n": rng.randrange(3, 300)}
    return f"{opening} {subject} {detail.format(**values)}. {consequence.format(**values)}".strip()


# Data -----------------------------------------------------------------------------------------------------------

def ensure_database(url: str, rebuild: bool) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from prepare import ensure_database as create

    create(url, rebuild)


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def build(rng: random.Random) -> None:
    """The cluster, accounts, segments, needs and surveys (skipped when the needs are there)."""
    from django.db import transaction
    from django.utils import timezone

    from grappe.listening.models import (
        Answer, Invitation, Need, Question, QuestionKind, Response, ResponseStatus, Survey, SurveyStatus,
    )
    from grappe.members.demo_data import generate_cluster
    from grappe.members.models import Organisation, Person, Role, Segment, User

    if Need.objects.count() >= NEEDS:
        return
    started = time.perf_counter()
    if not Organisation.objects.exists():
        generate_cluster(organisations=ORGANISATIONS, people=PEOPLE, seed=2026)
    staff = User.objects.filter(email=STAFF_EMAIL).first() or User.objects.create_user(
        STAFF_EMAIL, "bench", role=Role.STAFF_ADMIN, full_name="Bench staff")
    if not User.objects.filter(email=OBSERVER_EMAIL).exists():
        User.objects.create_user(OBSERVER_EMAIL, "bench", role=Role.OBSERVER, full_name="Bench observer")
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    speakers = {}
    with transaction.atomic():
        for person in Person.objects.filter(organisation_id__in=organisations).order_by("organisation_id", "pk"):
            if person.organisation_id in speakers:
                continue
            if person.user_id is None:
                person.user = User.objects.create_user(f"bench-speaker-{person.pk}@grappe.test", None,
                                                       full_name=str(person))
                person.save(update_fields=["user"])
            speakers[person.organisation_id] = person.user_id
        now = timezone.now()
        categories = list(SUBJECTS)
        weights = [4, 3, 2, 2, 3, 2, 1, 1, 1]
        needs = []
        for _ in range(NEEDS):
            org = rng.choice(list(speakers))
            category = rng.choices(categories, weights)[0]
            english = rng.random() < 0.35
            needs.append(Need(organisation_id=org, submitted_by_id=speakers[org], category=category,
                              text=need_text(rng, category, english), language="en" if english else "fr",
                              urgency=rng.choice(["low", "medium", "medium", "high"]),
                              visibility=rng.choice(["staff", "anonymous", "anonymous", "named"]),
                              created_at=now - datetime.timedelta(days=rng.randrange(365), minutes=rng.randrange(1440))))
        Need.objects.bulk_create(needs, batch_size=2000)
        for n in range(SURVEYS):
            survey = Survey.objects.create(title_fr=f"Pouls {n + 1}", title_en=f"Pulse {n + 1}", created_by=staff,
                                           status=SurveyStatus.CLOSED if n < SURVEYS - 2 else SurveyStatus.OPEN)
            questions = [
                Question.objects.create(survey=survey, position=1, kind=QuestionKind.LIKERT, wording_fr="Difficile ?",
                                        wording_en="Hard?"),
                Question.objects.create(survey=survey, position=2, kind=QuestionKind.SINGLE, wording_fr="Exportez ?",
                                        wording_en="Export?", choices=[{"value": "oui", "fr": "Oui", "en": "Yes"},
                                                                       {"value": "non", "fr": "Non", "en": "No"}]),
                Question.objects.create(survey=survey, position=3, kind=QuestionKind.MULTIPLE, wording_fr="Métiers ?",
                                        wording_en="Trades?", choices=[{"value": v, "fr": v, "en": v} for v in
                                                                       ("machinistes", "soudeurs", "ingenieurs")]),
                Question.objects.create(survey=survey, position=4, kind=QuestionKind.NUMBER, wording_fr="Postes ?",
                                        wording_en="Positions?"),
                Question.objects.create(survey=survey, position=5, kind=QuestionKind.TEXT, wording_fr="Priorité ?",
                                        wording_en="Priority?"),
            ]
            Invitation.objects.bulk_create([Invitation(survey=survey, organisation_id=o, sent_at=now)
                                            for o in organisations], batch_size=2000)
            answering = rng.sample(list(speakers), RESPONSES_PER_SURVEY)
            responses = Response.objects.bulk_create([
                Response(survey=survey, organisation_id=o, status=ResponseStatus.SUBMITTED, submitted_by_id=speakers[o],
                         submitted_at=now - datetime.timedelta(days=rng.randrange(300))) for o in answering])
            answers = []
            for response in responses:
                category = rng.choice(categories)
                values = [str(rng.randint(1, 5)), rng.choice(["oui", "non"]),
                          rng.sample(["machinistes", "soudeurs", "ingenieurs"], rng.randint(1, 3)), rng.randrange(0, 40),
                          need_text(rng, category, rng.random() < 0.35)]
                answers += [Answer(response=response, question=q, value=v, question_snapshot=q.snapshot(),
                                   answered_by_id=response.submitted_by_id) for q, v in zip(questions, values)]
            Answer.objects.bulk_create(answers, batch_size=2000)
        for name, regions in (("Montérégie", ["16"]), ("Montréal et Laval", ["06", "13"]), ("Laurentides", ["15"])):
            Segment.objects.get_or_create(name=name, defaults={"regions": regions})
    print(f"Built the listening data in {time.perf_counter() - started:.0f} s.", flush=True)


# Figures --------------------------------------------------------------------------------------------------------

def bench_themes() -> bool:
    from grappe.listening.services import themes as theme_services
    from grappe.listening.models import Need, ThemeRun
    from grappe.members.models import User

    staff = User.objects.get(email=STAFF_EMAIL)
    from django.db.models import Q

    ThemeRun.objects.filter(Q(status="queued") | Q(status="running")).update(status="failed")
    started = time.perf_counter()
    run = theme_services.start_run(actor=staff)  # immediate backend: the task runs at the commit
    elapsed = time.perf_counter() - started
    run.refresh_from_db()
    report = run.report
    detail = (f"{run.total} texts ({Need.objects.count()} needs + free-text answers), {report.get('themes')} "
              f"themes, encoder {run.encoder or 'none (lexical)'}, status {run.status}, progress "
              f"{run.progress_percent}%: clustering {report.get('clustering_seconds')} s, storing "
              f"{report.get('storing_seconds')} s; the task then recomputed the dashboards, "
              f"{elapsed - report.get('seconds', 0):.1f} s more; {load_average()}")
    return figure("listening theme extraction (background task)", report.get("seconds", elapsed), "s",
                  THEMES_TARGET_S, detail)


def timed_get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return elapsed


def load_pairs(server, pairs: list, *, concurrency: int, requests: int) -> "LoadResult":
    """`concurrency` clients asking the (path, headers) of `pairs` in turn, `requests` in all (bench/directory.py's
    `load`, each address with its own session)."""
    import itertools

    from directory import LoadResult, fetch, run_clients

    result, lock, counter = LoadResult(), threading.Lock(), itertools.count()

    def client():
        while (n := next(counter)) < requests:
            path, headers = pairs[n % len(pairs)]
            started = time.perf_counter()
            status, _body = fetch(server.port, "GET", path, headers, timeout=300)  # a cold overview: seconds
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    result.latencies.append(elapsed)
                else:
                    result.failures.append(status)

    return run_clients(server, client, concurrency, result)


def bench_dashboards(args) -> bool:
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from directory import Server, describe, session_headers
    from grappe.core import cache_versions
    from grappe.listening.selectors import dashboards, insights_cache
    from grappe.members.models import User

    users = {email: User.objects.get(email=email) for email in (STAFF_EMAIL, OBSERVER_EMAIL)}
    sessions = {email: session_headers(user) for email, user in users.items()}
    def addresses(who: str) -> list[str]:
        """The overview and the results of each survey `who` has figures of (an observer: the closed ones)."""
        surveys = sorted(dashboards.dashboard_surveys(who).values_list("pk", flat=True))
        with translation.override("fr"):
            return ([reverse("listening:dashboard"), reverse("api:listening-dashboard")]
                    + [reverse("listening:dashboard-survey", args=[pk]) for pk in surveys]
                    + [reverse("api:listening-dashboard-survey", args=[pk]) for pk in surveys])

    urls = addresses(dashboards.STAFF)
    pairs = [(url, sessions[STAFF_EMAIL]) for url in urls]
    pairs += [(url, sessions[OBSERVER_EMAIL]) for url in addresses(dashboards.OBSERVER)]
    # A write bumps the version; the background task that follows it recomputes the figures (dashboards.warm).
    cache_versions._bump(insights_cache.VERSION_NAME)
    started = time.perf_counter()
    dashboards.warm()
    recompute = time.perf_counter() - started
    # Unwarmed (a reader before the task finished): the overview computed in the request, in this process.
    observer = Client()
    observer.force_login(users[OBSERVER_EMAIL])
    observer.get(urls[0])  # the process's first request (templates, session)
    cache_versions._bump(insights_cache.VERSION_NAME)
    cold = timed_get(observer, urls[0])
    with Server(args.workers, threads=1) as server:
        # The same through the server, in a worker whose cache does not hold it (each process has its own
        # cache unless REDIS_URL is set: there the background task's figures do not reach gunicorn's workers).
        cache_versions._bump(insights_cache.VERSION_NAME)
        cold_server = load_pairs(server, [(urls[0], sessions[OBSERVER_EMAIL])], concurrency=1, requests=1)
        cold_server_ms = cold_server.latencies[0] if cold_server.latencies else float("nan")
        # Warm: every address for both audiences, enough times for each worker to have computed each once.
        started = time.perf_counter()
        warm_up = load_pairs(server, pairs, concurrency=args.concurrency, requests=args.warm_up_passes * len(pairs))
        print(f"warm-up: {len(warm_up.latencies)} requests in {time.perf_counter() - started:.0f} s (each of the "
              f"{args.workers} workers computes the figures it is asked first), max {max(warm_up.latencies):.0f} ms; "
              f"{load_average()}", flush=True)
        result = load_pairs(server, pairs, concurrency=args.concurrency, requests=args.requests)
    if result.failures or not result.latencies:
        print(f"FAILED | listening dashboard | {len(result.failures)} requests failed with "
              f"{sorted(set(result.failures))}")
        return False
    detail = (f"staff and observer; overview with 3 segments, each survey's results (the staff 10, the observer the "
              f"{(len(pairs) - len(urls)) // 2 - 1} closed), pages and API ({len(pairs)} addresses); "
              f"{describe(result, args)}")
    met = figure("listening dashboard p95", percentile(result.latencies, 95), "ms", DASHBOARD_TARGET_MS, detail)
    met &= figure("listening dashboards recomputed in the background after a write", recompute, "s",
                  RECOMPUTE_TARGET_S, f"both languages, staff and observer, 3 segments, 10 surveys; an overview "
                  f"asked before it finished costs {cold:.0f} ms once in process, {cold_server_ms:.0f} ms through "
                  f"gunicorn (once per worker without REDIS_URL); {load_average()}")
    return met


def bench_brief() -> bool:
    from django.utils import timezone

    from grappe.listening import documents
    from grappe.listening.services import briefs as brief_services
    from grappe.members.models import User

    staff = User.objects.get(email=STAFF_EMAIL)
    today = timezone.localdate()
    started = time.perf_counter()
    brief = brief_services.create_brief(actor=staff, period_start=today - datetime.timedelta(days=364),
                                        period_end=today, language="fr")
    made = time.perf_counter() - started
    started = time.perf_counter()
    pdf = documents.render_brief_pdf(brief)
    pdf_s = time.perf_counter() - started
    started = time.perf_counter()
    xlsx = documents.render_brief_xlsx(brief)
    xlsx_s = time.perf_counter() - started
    quotes = sum(len(line["quotes"]) for line in brief.figures["themes"]["lines"])
    brief.delete()
    met = figure("listening brief figures (the one click)", made, "s", FILE_TARGET_S,
                 f"12 months, {len(brief.figures['themes']['lines'])} top themes, {quotes} quotes; {load_average()}")
    met &= figure("listening brief PDF (WeasyPrint)", pdf_s, "s", FILE_TARGET_S, f"{len(pdf) // 1024} KiB")
    met &= figure("listening brief XLSX (openpyxl)", xlsx_s, "s", FILE_TARGET_S, f"{len(xlsx) // 1024} KiB")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--concurrency", type=int, default=20, help="dashboard clients at once")
    parser.add_argument("--requests", type=int, default=1000, help="dashboard requests measured")
    parser.add_argument("--warm-up-passes", type=int, default=10,
                        help="times every dashboard address is asked before measuring")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--parts", default="themes,dashboards,brief",
                        help="which figures, comma-separated (themes, dashboards, brief)")
    parser.set_defaults(threads=1)  # gunicorn's sync workers, one request at a time each (bench/directory.py's)
    parser.add_argument("--encoder", default="none", help='"none" (lexical themes) or "e5" (sentence embeddings)')
    args = parser.parse_args()
    # Its own database (not bench/prepare.py's 5,000-organisation one, which the other benchmarks share).
    os.environ["DATABASE_URL"] = os.environ.get("LISTENING_DATABASE_URL", DATABASE_URL)
    os.environ["GRAPPE_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    ensure_database(os.environ["DATABASE_URL"], args.rebuild)
    manage("migrate", "-v0")
    manage("load_taxonomy")
    from common import setup_django

    setup_django()
    from django.conf import settings

    settings.GRAPPE_THEME_ENCODER = args.encoder
    build(random.Random(2026))
    parts, met = args.parts.split(","), True
    if "themes" in parts:
        met &= bench_themes()
    if "dashboards" in parts:
        met &= bench_dashboards(args)
    if "brief" in parts:
        met &= bench_brief()
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
