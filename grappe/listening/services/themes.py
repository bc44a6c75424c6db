"""Writes of listening's themes: the run that finds them (a background job), new texts placed between runs,
the staff's edits, and the staff's alert of rising themes. Reads (names outside the staff, rising themes,
trends) are in selectors.themes.

- `start_run` / `execute_run`: a ThemeRun (queued → running → done) re-finds the themes over every text, with
  progress the staff's page polls; `execute_run` is the job's work (tasks.run_themes_task). Staff edits
  survive it: a text the staff placed by hand (`manual`) stays in its theme, and a theme the staff named keeps
  its name (a new theme that mostly holds an old theme's texts *is* that theme: same row, same name, same
  history). A theme is named by a phrase of its texts in each language (matching.themes.name_phrases); a
  theme that holds much the same texts as before (NAME_KEPT_JACCARD) keeps its name, so names do not change
  from run to run while the texts do not.
- `assign_new_texts`: texts that arrived since the run go to the nearest theme's centre, in the run's space;
  a text far from every theme (matching.themes.MIN_SIMILARITY) stays unthemed rather than join an unrelated one.
- `rename_theme`, `merge_themes`, `split_theme`, `reassign`: the staff's edits (audited; texts moved by the
  staff become `manual`).
- `refresh_public_names`: the phrases a theme is called by outside the staff (selectors.themes.public_name),
  recomputed after every run, new text and edit.
- `notify_rising`: the staff are told once a month per theme which themes are rising
  (selectors.themes.rising_themes).

Embeddings: when the setting GRAPPE_THEME_ENCODER names an installed encoder of matching.embeddings ("e5";
"auto", the default, takes it when its package is installed, "none" never), every text's vector is stored by
grappe.core.vectors (by text hash and model name: a text written twice is encoded once) through
`encode_new_texts`, the background task a new need or answer queues; runs and placements read the stored vectors. An encoder missing
or failing leaves the themes lexical, and the run's report says so to the staff (`encoder_note`).
"""

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grappe.core import aggregates, audit, jobs, notify, vectors
from grappe.core.permissions import require
from grappe.members.selectors import staff_users
from matching import embeddings
from matching import themes as finder

from ..models import (
    Answer,
    Need,
    NeedVisibility,
    QuestionKind,
    ResponseStatus,
    Theme,
    ThemeAssignment,
    ThemeRun,
)
from ..selectors import insights_cache
from ..selectors.themes import NAME_KEYWORDS, Rising, latest_run, rising_themes

logger = logging.getLogger(__name__)
SAVE_CHUNK = 1000
K_SAMPLE = 3000          # texts the number of themes is chosen on, when there are more
# A theme found again keeps its automatic name when its texts and those it had overlap this much (Jaccard:
# shared texts over the texts of either): a few texts more or less do not rename it.
NAME_KEPT_JACCARD = 0.5
PUBLIC_NAMES = 5         # phrases kept per language for observers (the first written by k organisations shows)


# Texts --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One text themes are found in: a need or a free-text answer of a submitted response."""

    kind: str                 # "need" or "answer"
    pk: int
    organisation_id: int
    text: str

    @property
    def key(self) -> tuple[str, int]:
        return self.kind, self.pk


def items(*, unassigned_only: bool = False) -> list[Item]:
    """Every need (staff-only ones too: themes are the staff's tool) and free-text answer, oldest first."""
    needs = Need.objects.order_by("pk")
    answers = Answer.objects.filter(response__status=ResponseStatus.SUBMITTED, question__kind=QuestionKind.TEXT,
                                    question__retired=False).exclude(value=None).exclude(value="").order_by("pk")
    if unassigned_only:
        needs = needs.filter(theme_assignment__isnull=True)
        answers = answers.filter(theme_assignment__isnull=True)
    found = [Item("need", pk, org, text) for pk, org, text in needs.values_list("pk", "organisation_id", "text")]
    found += [Item("answer", pk, org, str(value)) for pk, org, value in
              answers.values_list("pk", "response__organisation_id", "value")]
    return found


def _assignments() -> dict[tuple[str, int], ThemeAssignment]:
    return {("need", a.need_id) if a.need_id else ("answer", a.answer_id): a
            for a in ThemeAssignment.objects.all()}


# Embeddings ---------------------------------------------------------------------------------------------------

def encode_new_texts(*, every_text: bool = False) -> int:
    """Encode and store the vector of every text not themed yet that has none (the texts written since the
    last run; all of them before a first run), so that runs and placements never wait on the encoder; with
    `every_text`, of every text (the backfill: manage.py encode_texts). Returns how many texts it encoded; an
    encoder missing or failing encodes none (themes stay lexical)."""
    if vectors.encoder_name() is None:
        return 0
    return vectors.encode_and_store([item.text for item in items(unassigned_only=not every_text)])


def _vectors_or_none(texts: Sequence[str], name: str, progress=None):
    """The texts' vectors, or None when the encoder fails (logged): callers fall back to lexical themes."""
    try:
        return vectors.cached_vectors(texts, name, progress=progress)
    except Exception:
        logger.exception("the sentence encoder %s failed: lexical themes instead", name)
        return None


# The run ------------------------------------------------------------------------------------------------------

def start_run(*, actor) -> ThemeRun:
    """Queue a computation of the themes, one at a time: while a run is queued or running, it is returned. The
    model's unique constraint admits one unfinished run, so two clicks at once make one run; a run whose worker
    died is failed first (jobs.start_once), so it does not block the themes for good."""
    require(actor, "listening.manage_themes")
    return jobs.start_once(ThemeRun, actor=actor, action="themes.run_requested",
                           task="grappe.listening.tasks.run_themes_task")


def _progress(run: ThemeRun, processed: int) -> None:
    jobs.beat(run, processed)


def execute_run(run_id: int) -> ThemeRun:
    """Find the themes over every text and store them, keeping the staff's edits. A run that recovery failed
    meanwhile (jobs.JobLost) stores nothing: a newer run may be under way."""
    run = ThemeRun.objects.get(pk=run_id)
    if not jobs.start(run):
        return run
    try:
        _run(run, items())
    except jobs.JobLost:
        logger.warning("theme run %s was failed as stale while it worked; its themes are dropped", run.pk)
        return ThemeRun.objects.get(pk=run.pk)
    except Exception as error:
        jobs.fail(run, str(error))
        raise
    insights_cache.bump()
    notify_rising()
    return run


def _run(run: ThemeRun, found: list[Item]) -> None:
    """Progress: encoding takes the first 60 % when an encoder is used, clustering to 80 %, saving the rest."""
    started = time.perf_counter()
    jobs.beat(run, 0, len(found))
    texts = [item.text for item in found]
    name = vectors.encoder_name()
    found_vectors = None
    if name and texts:
        found_vectors = _vectors_or_none(texts, name, progress=lambda done, total: _progress(run, int(0.6 * done)))
        run.encoder = vectors.encoder(name).name if found_vectors is not None else ""
    # The staff are told when they asked for sentence embeddings and the themes are lexical all the same.
    lexical_anyway = vectors.encoder_wanted() and texts and not run.encoder
    note = {"encoder_note": "failed" if name else "missing"} if lexical_anyway else {}
    clustering = time.perf_counter()
    result = _find(texts, found_vectors) if texts else None
    found_in = time.perf_counter() - clustering
    with transaction.atomic():
        # Written first: it locks the run's row, and a run failed as stale meanwhile stops here (JobLost).
        _progress(run, int(0.8 * len(found)))
        summary = _store(run, found, result) if result else {"themes": 0, "texts": 0}
        refresh_public_names()
        jobs.finish(run, model=result.model.dumps() if result else None, encoder=run.encoder, report={
            **summary, **note, "silhouette": result.silhouette if result else None, "encoder": run.encoder,
            "clustering_seconds": round(found_in, 2),
            "storing_seconds": round(time.perf_counter() - clustering - found_in, 2),
            "seconds": round(time.perf_counter() - started, 2)})


def _find(texts: list[str], vectors) -> finder.ThemeResult:
    """The themes of every text. Over many texts the number of themes is chosen on a sample (the silhouette
    of each candidate k costs a clustering of everything), then every text is clustered once with it."""
    if len(texts) <= K_SAMPLE:
        return finder.find_themes(texts, vectors)
    rng = np.random.default_rng(finder.DEFAULT_SEED)
    sample = np.sort(rng.choice(len(texts), K_SAMPLE, replace=False))
    probe = finder.find_themes([texts[i] for i in sample], None if vectors is None else vectors[sample])
    return finder.find_themes(texts, vectors, k=max(1, len(probe.themes)))


def _store(run: ThemeRun, found: list[Item], result: finder.ThemeResult) -> dict:
    """Match the clusters found with the themes there were, then rewrite the automatic assignments."""
    existing = _assignments()
    manual = {key: a.theme_id for key, a in existing.items() if a.manual}
    previous = {key: a.theme_id for key, a in existing.items()}
    clusters = _match_clusters(found, result, previous)
    members = _members(found, result, manual, clusters)
    themes = {}
    for cluster in result.themes:
        theme = clusters.get(cluster.id) or Theme(found_by=run)
        if not (theme.named_by_staff or _keeps_name(theme, previous, members[cluster.id])):
            theme.name_fr, theme.name_en = _names(cluster)
        theme.keywords, theme.found_by, theme.is_active = cluster.keywords, run, True
        theme.save()
        themes[cluster.id] = theme
    kept = {t.pk for t in themes.values()} | set(manual.values())
    Theme.objects.filter(is_active=True).exclude(pk__in=kept).update(is_active=False)
    ThemeAssignment.objects.filter(manual=False).delete()
    centroids = result.model.centroids
    fresh = []
    for index, (item, label) in enumerate(zip(found, result.labels)):
        if item.key in manual or label is None:
            continue
        score = float(result.points[index] @ centroids[label])
        fresh.append(ThemeAssignment(theme=themes[label], score=score, **{item.kind: _stub(item)}))
        if len(fresh) % SAVE_CHUNK == 0:
            _progress(run, int(0.8 * len(found) + 0.2 * index))
    ThemeAssignment.objects.bulk_create(fresh, batch_size=SAVE_CHUNK)
    _store_centroids(result.points, found, {t.pk: t for t in Theme.objects.filter(pk__in=kept)})
    return {"themes": len(kept), "texts": len(found), "placed": len(fresh) + len(manual),
            "unplaced": sum(label is None for label in result.labels)}


def _stub(item: Item):
    return Need(pk=item.pk) if item.kind == "need" else Answer(pk=item.pk)


def _match_clusters(found, result, previous) -> dict[int, Theme]:
    """Cluster id → the active theme whose texts it mostly took (each theme at most once, best overlaps first;
    a theme matches when at least a third of its texts or of the cluster's are shared)."""
    overlap = Counter()
    for item, label in zip(found, result.labels):
        if label is not None and item.key in previous:
            overlap[(label, previous[item.key])] += 1
    theme_sizes = Counter(previous.values())
    active = {t.pk: t for t in Theme.objects.filter(is_active=True, pk__in=theme_sizes)}
    matched, used = {}, set()
    for (label, theme_id), shared in overlap.most_common():
        if label in matched or theme_id in used or theme_id not in active:
            continue
        if shared * 3 >= min(result.themes[label].size, theme_sizes[theme_id]):
            matched[label] = active[theme_id]
            used.add(theme_id)
    return matched


def _members(found, result, manual, clusters) -> dict[int, set]:
    """Cluster id → the keys of the texts its theme will hold: those placed in it, and the texts the staff put
    by hand in the theme it was matched with."""
    members = {cluster.id: set() for cluster in result.themes}
    for item, label in zip(found, result.labels):
        if label is not None and item.key not in manual:
            members[label].add(item.key)
    by_theme = {theme.pk: label for label, theme in clusters.items()}
    for key, theme_id in manual.items():
        if theme_id in by_theme:
            members[by_theme[theme_id]].add(key)
    return members


def _keeps_name(theme: Theme, previous: dict, members: set) -> bool:
    """Whether a theme found again keeps its automatic name: it holds much the same texts as before. A name
    made of loose words (the first keywords, before names were phrases) is always made again."""
    if theme.pk is None or not theme.name_fr or theme.name_fr == ", ".join(theme.keywords[:NAME_KEYWORDS]):
        return False
    had = {key for key, theme_id in previous.items() if theme_id == theme.pk}
    union = had | members
    return bool(union) and len(had & members) / len(union) >= NAME_KEPT_JACCARD


def _names(cluster: finder.Theme) -> tuple[str, str]:
    """(French, English) names of a theme found: the phrase of its texts in each language, else the phrase of
    the other language (a theme raised only in English is named in English for everyone), else its words."""
    fallback = ", ".join(cluster.keywords[:NAME_KEYWORDS])
    french, english = cluster.names.get("fr"), cluster.names.get("en")
    if not (french or english or fallback):
        with translation.override("fr"):
            french = _("Unnamed theme")
        with translation.override("en"):
            english = _("Unnamed theme")
    return (french or english or fallback)[:200], (english or french or fallback)[:200]


def _store_centroids(points: np.ndarray, found: list[Item], themes: dict[int, Theme]) -> None:
    """Each theme's centre: the mean of its texts' vectors (manual ones included), unit length."""
    where = {item.key: index for index, item in enumerate(found)}
    members: dict[int, list[int]] = {}
    for key, assignment in _assignments().items():
        if key in where and assignment.theme_id in themes:
            members.setdefault(assignment.theme_id, []).append(where[key])
    for theme_id, theme in themes.items():
        rows = members.get(theme_id)
        theme.centroid = _unit(points[rows].mean(axis=0)).astype(np.float32).tobytes() if rows else None
        theme.save(update_fields=["centroid"])


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


# What observers see -------------------------------------------------------------------------------------------

def _public_texts():
    """(organisation, text, theme) of the themed texts observers may know of: needs not kept for the staff,
    free-text answers of submitted responses."""
    needs = (Need.objects.filter(theme_assignment__theme__is_active=True)
             .exclude(visibility=NeedVisibility.STAFF_ONLY)
             .values_list("organisation_id", "text", "theme_assignment__theme_id"))
    answers = (Answer.objects.filter(theme_assignment__theme__is_active=True,
                                     response__status=ResponseStatus.SUBMITTED)
               .values_list("response__organisation_id", "value", "theme_assignment__theme_id"))
    yield from needs.iterator(2000)
    yield from ((org, str(value), theme) for org, value, theme in answers.iterator(2000))


def refresh_public_names() -> bool:
    """Each active theme's `public_names`: per language, the phrases that name it best
    (matching.themes.name_phrases) among the texts observers may know of only, each kept when at least k
    organisations wrote it in the theme. Reads every such text: run after a run, new texts and the staff's
    edits. True when a theme's names changed."""
    k = aggregates.current_k()
    organisations, texts, labels = [], [], []
    themes = list(Theme.objects.filter(is_active=True).order_by("pk"))
    index = {theme.pk: position for position, theme in enumerate(themes)}
    for organisation, text, theme_id in _public_texts():
        organisations.append(organisation)
        texts.append(text)
        labels.append(index.get(theme_id))
    phrases = finder.name_phrases(texts, labels, len(themes), limit=50)
    changed = False
    for theme, by_language in zip(themes, phrases):
        public = {}
        for language, found in by_language.items():
            written = [[phrase.text, len({organisations[i] for i in phrase.texts})] for phrase in found]
            public[language] = [pair for pair in written if pair[1] >= k][:PUBLIC_NAMES]
        public = {language: names for language, names in public.items() if names}
        if public != theme.public_names:
            theme.public_names = public
            theme.save(update_fields=["public_names"])
            changed = True
    return changed


# Between runs -------------------------------------------------------------------------------------------------

def texts_changed() -> None:
    """A need or a response arrived: the figures are computed again, the new texts join their themes."""
    insights_cache.bump()
    jobs.enqueue("grappe.listening.tasks.assign_new_texts_task")


def _space(run: ThemeRun) -> finder.ThemeModel:
    return finder.ThemeModel.loads(bytes(run.model))


def _points(run: ThemeRun, model: finder.ThemeModel, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    found = None
    if model.uses_embeddings:
        name = next((n for n in embeddings.ENCODERS if embeddings.available(n) and
                     embeddings.ENCODERS[n][0].name == run.encoder), None)
        if name is None:
            return np.zeros((len(texts), 0)), np.zeros(len(texts), dtype=bool)
        found = _vectors_or_none(texts, name)
        if found is None:
            return np.zeros((len(texts), 0)), np.zeros(len(texts), dtype=bool)
    return model.vectors(texts, found)


def assign_new_texts() -> int:
    """Place the texts that arrived since the last run in the nearest theme (by its centre), and refresh what
    observers see of the themes (a submitted answer may also have been edited). Returns how many texts were
    placed; none before a first run."""
    run = latest_run()
    themes = [t for t in Theme.objects.filter(is_active=True).exclude(centroid=None)]
    if run is None or not themes:
        return 0
    placed = _place(run, themes, items(unassigned_only=True))
    if refresh_public_names() or placed:
        insights_cache.bump()
    if placed:
        notify_rising()
    return placed


def _place(run: ThemeRun, themes: list[Theme], new: list[Item]) -> int:
    if not new:
        return 0
    points, placed = _points(run, _space(run), [item.text for item in new])
    if not points.shape[1]:
        return 0
    centres = np.stack([np.frombuffer(bytes(t.centroid), dtype=np.float32) for t in themes])
    if centres.shape[1] != points.shape[1]:
        return 0
    similarity = points @ centres.T
    best = similarity.argmax(axis=1)
    rows = [ThemeAssignment(theme=themes[b], score=float(similarity[i, b]), **{item.kind: _stub(item)})
            for i, (item, b) in enumerate(zip(new, best))
            if placed[i] and similarity[i, b] >= finder.MIN_SIMILARITY]
    ThemeAssignment.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _refresh_centroids(theme_ids: Sequence[int]) -> None:
    """After a staff edit: the edited themes' centres from their texts, in the last run's space."""
    run = latest_run()
    if run is None:
        return
    model = _space(run)
    wanted = set(theme_ids)
    by_theme: dict[int, list[str]] = {}
    for a in ThemeAssignment.objects.filter(theme_id__in=wanted).select_related("need", "answer"):
        by_theme.setdefault(a.theme_id, []).append(a.need.text if a.need_id else str(a.answer.value))
    for theme in Theme.objects.filter(pk__in=wanted):
        texts = by_theme.get(theme.pk, [])
        points, placed = _points(run, model, texts) if texts else (np.zeros((0, 0)), np.zeros(0, dtype=bool))
        theme.centroid = (_unit(points[placed].mean(axis=0)).astype(np.float32).tobytes()
                          if placed.any() else None)
        theme.save(update_fields=["centroid"])


# Staff edits --------------------------------------------------------------------------------------------------

def rename_theme(*, actor, theme: Theme, name_fr: str, name_en: str) -> Theme:
    """Name a theme in both languages; later runs keep the name."""
    require(actor, "listening.manage_themes", theme)
    with transaction.atomic():
        before = audit.snapshot(theme, exclude=("centroid",))
        theme.name_fr, theme.name_en, theme.named_by_staff = name_fr.strip(), name_en.strip(), True
        theme.save(update_fields=["name_fr", "name_en", "named_by_staff", "updated_at"])
        audit.record(actor, "theme.renamed", theme, before=before, after=audit.snapshot(theme, exclude=("centroid",)))
        insights_cache.bump()
    return theme


def merge_themes(*, actor, into: Theme, others: Sequence[Theme]) -> Theme:
    """Make several themes one: their texts go to `into` (as the staff's choice), the others stop being used."""
    require(actor, "listening.manage_themes", into)
    others = [t for t in others if t.pk != into.pk]
    with transaction.atomic():
        moved = ThemeAssignment.objects.filter(theme__in=others).update(theme=into, manual=True)
        Theme.objects.filter(pk__in=[t.pk for t in others]).update(is_active=False, centroid=None)
        audit.record(actor, "theme.merged", into, after={"into": into.pk, "merged": [t.pk for t in others],
                                                          "texts": moved})
        _refresh_centroids([into.pk])
        refresh_public_names()
        insights_cache.bump()
    return into


def split_theme(*, actor, theme: Theme, parts: int = 2) -> list[Theme]:
    """Cut a theme in `parts` by what its texts say (k-means on them, matching.themes.split_theme). The first
    part stays the theme; the others are new themes named by their words. Texts moved become manual."""
    require(actor, "listening.manage_themes", theme)
    run = latest_run()
    assignments = list(ThemeAssignment.objects.filter(theme=theme).select_related("need", "answer").order_by("pk"))
    if run is None or len(assignments) < parts:
        return [theme]
    texts = [a.need.text if a.need_id else str(a.answer.value) for a in assignments]
    model = _space(run)
    points, _placed = _points(run, model, texts)
    whole = finder.ThemeResult([0] * len(texts), [finder.Theme(0, len(texts), [], [])], model, points, None)
    result = finder.split_theme(whole, texts, 0, parts)
    with transaction.atomic():
        made = {}
        keep = result.labels[0]
        for cluster in result.themes:
            if cluster.id == keep:
                made[cluster.id] = theme
            else:
                name_fr, name_en = _names(cluster)
                made[cluster.id] = Theme.objects.create(name_fr=name_fr, name_en=name_en,
                                                        keywords=cluster.keywords, found_by=theme.found_by)
        for assignment, label in zip(assignments, result.labels):
            target = made.get(label, theme) if label is not None else theme
            if target.pk != theme.pk:
                assignment.theme, assignment.manual = target, True
                assignment.save(update_fields=["theme", "manual"])
        audit.record(actor, "theme.split", theme, after={"parts": [t.pk for t in made.values()]})
        _refresh_centroids([t.pk for t in made.values()])
        refresh_public_names()
        insights_cache.bump()
    return list(made.values())


def reassign(*, actor, need: Need | None = None, answer: Answer | None = None, theme: Theme) -> ThemeAssignment:
    """Put one text in a theme, by hand: later runs leave it there."""
    require(actor, "listening.manage_themes", theme)
    with transaction.atomic():
        lookup = {"need": need} if need is not None else {"answer": answer}
        current = ThemeAssignment.objects.select_for_update().filter(**lookup).first()
        before = current.theme_id if current else None
        if current is None:
            current = ThemeAssignment(theme=theme, manual=True, **lookup)
        current.theme, current.manual = theme, True
        current.save()
        audit.record(actor, "theme.reassigned", current, after={"from": before, "to": theme.pk})
        _refresh_centroids([pk for pk in (before, theme.pk) if pk])
        refresh_public_names()
        insights_cache.bump()
    return current


# Alerts -------------------------------------------------------------------------------------------------------

def notify_rising() -> list[Rising]:
    """Tell the staff, once a month per theme, which themes are rising."""
    month = timezone.localdate().isoformat()[:7]
    found = rising_themes(include_staff_only=True)
    fresh = [r for r in found if r.theme.alerted_month != month]
    if fresh:
        Theme.objects.filter(pk__in=[r.theme.pk for r in fresh]).update(alerted_month=month)
        themes = [{"id": r.theme.pk, "fr": r.theme.name_fr, "en": r.theme.name_en} for r in fresh]
        notify.send(staff_users(), "listening.rising_themes", {"themes": themes},
                    reverse("listening:staff-theme-list"))
    return found

