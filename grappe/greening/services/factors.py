"""The staff's emission factors: reading a factor file (the shipped data and the staff's uploads share one CSV
format), publishing a set, making a set current, and computing past baselines again with a set.

Making a set current changes what *new* baselines are computed with, never a past one: a past baseline keeps the
set it was computed with until the staff ask for a recomputation (`start_recompute`), which runs as a core job
with progress because it may cover thousands of organisations and years.
"""

import csv
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grappe.core import audit, jobs
from grappe.core.permissions import require
from grappe.core.spreadsheets import without_csv_text_mark

from .. import selectors
from ..models import SOURCE_UNIT, ActivityLine, Baseline, EmissionFactor, FactorSet, RecomputeJob, SourceKind
from ..progress import progress_changed
from ..sources import PROVINCES, WITH_VARIANT
from .baselines import computed_lines

COLUMNS = ("source_kind", "variant", "unit", "kg_co2e_per_unit", "reference")
META = ("name", "year", "source")
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "factors_2021.csv"
MAX_FACTOR = Decimal("99999999")  # the column holds 14 digits, 6 of them decimals
RECOMPUTE_CHUNK = 200


@dataclass
class FactorFile:
    """A factor file read: its set's name, year and sources (from its `# name:` comment lines), its rows, and
    one error per refused line ("Line 7: …"). Nothing is published unless `errors` is empty."""

    meta: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_factor_file(text: str) -> FactorFile:
    """Read a factor CSV: `# key: value` comment lines, then a header with COLUMNS, then one factor a line."""
    found = FactorFile()
    lines = text.lstrip("\ufeff").splitlines()
    body = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            key, _sep, value = line[1:].partition(":")
            if key.strip() in META and value.strip():
                found.meta[key.strip()] = value.strip()
        elif line.strip():
            body.append((number, line))
    if not body:
        found.errors.append(_("The file has no factors."))
        return found
    header = [cell.strip() for cell in next(csv.reader([body[0][1]]))]
    if tuple(header) != COLUMNS:
        found.errors.append(_("Line %(line)s: the columns must be %(columns)s.") % {
            "line": body[0][0], "columns": ", ".join(COLUMNS)})
        return found
    seen: set[tuple[str, str]] = set()
    for number, line in body[1:]:
        cells = [without_csv_text_mark(cell.strip()) for cell in next(csv.reader([line]))]
        row, error = _row(cells, seen)
        if error:
            found.errors.append(_("Line %(line)s: %(error)s") % {"line": number, "error": error})
        else:
            found.rows.append(row)
    if not found.rows and not found.errors:
        found.errors.append(_("The file has no factors."))
    return found


def _row(cells: list[str], seen: set) -> tuple[dict | None, str]:
    if len(cells) != len(COLUMNS):
        return None, _("expected %(count)s cells, found %(found)s.") % {"count": len(COLUMNS), "found": len(cells)}
    kind, variant, unit, value, reference = cells
    if kind not in SourceKind.values:
        return None, _("unknown source “%(kind)s” (one of %(kinds)s).") % {
            "kind": kind, "kinds": ", ".join(SourceKind.values)}
    expected = SOURCE_UNIT[kind]
    if unit != expected:
        return None, _("%(source)s is measured in %(unit)s, not “%(given)s”.") % {
            "source": SourceKind(kind).label, "unit": expected.label, "given": unit}
    if kind in WITH_VARIANT and not variant:
        return None, _("%(source)s needs a province or a gas.") % {"source": SourceKind(kind).label}
    if kind not in WITH_VARIANT and variant:
        return None, _("%(source)s takes no province or gas.") % {"source": SourceKind(kind).label}
    if kind == SourceKind.ELECTRICITY and variant not in PROVINCES:
        return None, _("unknown province “%(code)s” (one of %(codes)s).") % {
            "code": variant, "codes": ", ".join(PROVINCES)}
    if len(variant) > 20:
        return None, _("the gas name is longer than 20 characters.")
    try:
        factor = Decimal(value)
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": value}
    if not factor.is_finite() or factor < 0 or factor > MAX_FACTOR:
        return None, _("the factor must be a number between 0 and %(max)s.") % {"max": MAX_FACTOR}
    if not reference or len(reference) > 300:
        return None, _("every factor needs its reference (document, table, year), at most 300 characters.")
    if (kind, variant) in seen:
        return None, _("a second factor for %(source)s %(variant)s.") % {
            "source": SourceKind(kind).label, "variant": variant}
    seen.add((kind, variant))
    return {"source_kind": kind, "variant": variant, "unit": unit,
            "kg_co2e_per_unit": factor.quantize(Decimal("0.000001")), "reference": reference}, ""


def publish(actor, *, name: str, year: int, source: str, rows: list[dict], make_current: bool = False) -> FactorSet:
    """Publish a set of factors (rows as read by `read_factor_file`), current at once if asked."""
    require(actor, "greening.manage_factors")
    if not rows:
        raise ValidationError(_("The file has no factors."))
    return _create(actor, name=name, year=year, source=source, rows=rows, make_current=make_current)


def _create(actor, *, name, year, source, rows, make_current) -> FactorSet:
    with transaction.atomic():
        factor_set = FactorSet.objects.create(name=name, year=year, source=source, created_by=actor)
        EmissionFactor.objects.bulk_create(EmissionFactor(factor_set=factor_set, **row) for row in rows)
        if make_current:
            _set_current(factor_set)
        audit.record(actor, "factors.published", factor_set,
                     after={"factors": len(rows), "year": year, "current": make_current})
    return factor_set


def _set_current(factor_set: FactorSet) -> None:
    FactorSet.objects.filter(is_current=True).exclude(pk=factor_set.pk).update(is_current=False)
    FactorSet.objects.filter(pk=factor_set.pk).update(is_current=True)
    factor_set.is_current = True


def make_current(actor, factor_set: FactorSet) -> FactorSet:
    """New baselines are computed with this set from now on. Past baselines keep theirs."""
    require(actor, "greening.manage_factors")
    with transaction.atomic():
        before = selectors.current_factor_set()
        _set_current(factor_set)
        audit.record(actor, "factors.made_current", factor_set,
                     before={"current": before.name if before else None}, after={"current": factor_set.name})
    return factor_set


def load_file(path: Path = SHIPPED, *, current: bool = True) -> tuple[FactorSet, bool]:
    """Publish a shipped factor file (setup, demo, `manage.py load_emission_factors`), once: a set of the same
    name and year is returned as it is. Returns (set, created). Refuses a file with errors, all of them said."""
    found = read_factor_file(path.read_text(encoding="utf-8"))
    if found.errors:
        raise ValidationError(found.errors)
    missing = [key for key in META if key not in found.meta]
    if missing:
        raise ValidationError(_("The file does not say its %(keys)s (“# name: …” lines).") % {
            "keys": ", ".join(missing)})
    existing = FactorSet.objects.filter(name=found.meta["name"], year=int(found.meta["year"])).first()
    if existing:
        return existing, False
    make = current or not FactorSet.objects.filter(is_current=True).exists()
    return _create(None, name=found.meta["name"], year=int(found.meta["year"]), source=found.meta["source"],
                   rows=found.rows, make_current=make), True


# Recomputing past baselines ------------------------------------------------------------------------------------

def start_recompute(actor, factor_set: FactorSet, years: list[int] | None = None) -> RecomputeJob:
    """Queue the recomputation of the baselines of `years` (every year when empty) with `factor_set`; while one
    is queued or running for the set, it is returned instead."""
    require(actor, "greening.manage_factors")
    return jobs.start_once(RecomputeJob, actor=actor, action="baseline.recomputed", target=factor_set,
                           task="grappe.greening.tasks.recompute_task", args=(sorted(set(years or [])),),
                           factor_set=factor_set)


def execute_recompute(job_id: int, years: list[int]) -> RecomputeJob:
    """Compute the baselines again, a chunk a transaction, beating between chunks. A baseline with a source the
    set has no factor for keeps its figures and its set (counted in `skipped`)."""
    job = RecomputeJob.objects.select_related("factor_set").get(pk=job_id)
    if not jobs.start(job):
        return job
    baselines = Baseline.objects.filter(year__in=years) if years else Baseline.objects.all()
    ids = list(baselines.order_by("pk").values_list("pk", flat=True))
    factors = selectors.factor_table(job.factor_set)
    recomputed = skipped = 0
    try:
        jobs.beat(job, 0, len(ids), years=years)
        for start in range(0, len(ids), RECOMPUTE_CHUNK):
            with transaction.atomic():
                chunk = list(Baseline.objects.filter(pk__in=ids[start:start + RECOMPUTE_CHUNK]).select_for_update()
                             .prefetch_related("lines"))
                done = _recompute(chunk, job.factor_set, factors)
                recomputed, skipped = recomputed + done, skipped + len(chunk) - done
                jobs.beat(job, min(start + RECOMPUTE_CHUNK, len(ids)), recomputed=recomputed, skipped=skipped)
                progress_changed()  # the figures follow each chunk as it commits
        jobs.finish(job, recomputed=recomputed, skipped=skipped)
    except jobs.JobLost:
        return RecomputeJob.objects.get(pk=job.pk)
    except Exception as error:
        jobs.fail(job, str(error))
        raise
    return job


def _recompute(baselines: list[Baseline], factor_set: FactorSet, factors: dict) -> int:
    """Compute `baselines` again with `factors` in a few statements; returns how many were (a baseline with a
    source the set lacks is left as it was)."""
    lines, changed = [], []
    for baseline in baselines:
        own = list(baseline.lines.all())
        if any((line.source_kind, line.variant) not in factors for line in own):
            continue
        computed, totals = computed_lines(own, factors)
        lines += computed
        baseline.factor_set, baseline.scope1_kg, baseline.scope2_kg = factor_set, totals[1], totals[2]
        changed.append(baseline)
    ActivityLine.objects.bulk_update(lines, ["kg_co2e"])
    Baseline.objects.bulk_update(changed, ["factor_set", "scope1_kg", "scope2_kg"])
    return len(changed)
