"""Government programs the cluster administers: a funder's envelope, its calls, the applications (alone or as a
consortium), their evaluation, the decisions, and the money committed and paid out.

A program (a funder's envelope, in CAD) opens calls; an organisation applies to a call, alone or with partners
(ConsortiumMember rows, the lead among them, whose shares of the work and of the budget add up to 100 %);
evaluators, assigned to applications they have no conflict with, score each criterion of the call's grid; the
staff decide, commit funds from the envelope and record the disbursements at each milestone.

The invariants are database constraints wherever one fits: amounts are positive Decimals with two places, the
money committed never exceeds the envelope and the money paid never exceeds what was committed (running totals
kept on Program and Commitment under a row lock by services/budget.py, and checked by the database), one
application per lead organisation and call (a double-clicked submit makes one), one consortium row per
organisation, one assignment per evaluator and application, one score per criterion.
"""

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grappe.members.models import CertificationType, Organisation, in_language

# Money: CAD, two decimals, never a float.
MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}
CENT = Decimal("0.01")
DEFAULT_TIME_ZONE = "America/Montreal"


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(name)s” is not a time zone (e.g. America/Montreal)."), params={"name": name},
                              code="time_zone")


def positive(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__gt": 0}), name=name)


def percent(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 100}), name=name)


class Program(models.Model):
    """A funder's envelope and its rules. `committed` and `disbursed` are running totals that only
    services/budget.py writes, under a lock on this row; the database refuses any total above the envelope."""

    funder = models.CharField(_("funder"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    envelope = models.DecimalField(_("envelope (CAD)"), **MONEY)
    rules_fr = models.TextField(_("rules (French)"), blank=True)
    rules_en = models.TextField(_("rules (English)"), blank=True)
    committed = models.DecimalField(_("committed (CAD)"), default=Decimal("0.00"), editable=False, **MONEY)
    disbursed = models.DecimalField(_("disbursed (CAD)"), default=Decimal("0.00"), editable=False, **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            positive("envelope", "program_envelope_positive"),
            models.CheckConstraint(condition=Q(committed__gte=0, committed__lte=F("envelope")),
                                   name="program_committed_within_envelope"),
            models.CheckConstraint(condition=Q(disbursed__gte=0, disbursed__lte=F("committed")),
                                   name="program_disbursed_within_committed"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_fr, self.name_en)

    @property
    def rules(self) -> str:
        return in_language(self.rules_fr, self.rules_en)

    @property
    def remaining(self) -> Decimal:
        """What may still be committed."""
        return self.envelope - self.committed

    def get_absolute_url(self):
        return reverse("programs:program-detail", args=[self.pk])


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft — not published")
    PUBLISHED = "published", pgettext_lazy("a call", "Published")
    CLOSED = "closed", pgettext_lazy("a call", "Closed")


class DocumentKind(models.TextChoices):
    """The documents a call may require of an application."""

    BUSINESS_PLAN = "business_plan", _("Business plan")
    PROJECT_BUDGET = "budget", _("Detailed project budget")
    FINANCIAL_STATEMENTS = "financial_statements", _("Financial statements")
    QUOTES = "quotes", _("Suppliers' quotes")
    SUPPORT_LETTERS = "support_letters", _("Letters of support")
    CONSORTIUM_AGREEMENT = "consortium_agreement", _("Consortium agreement")
    OTHER = "other", _("Other document")


class Call(models.Model):
    """A call for applications within a program, with its window (in its own time zone), who may apply, how
    much may be asked, what must be attached and how applications are scored.

    Eligibility reads like a segment's criteria (members.segments): within a list any value matches; an empty
    list does not filter; every listed certification is required."""

    program = models.ForeignKey(Program,
                                verbose_name=_("program"), on_delete=models.PROTECT, related_name="calls")
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes (deadline)"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE,
                                 validators=[validate_time_zone],
                                 help_text=_("The deadline is read in this time zone (e.g. America/Montreal)."))
    status = models.CharField(_("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT)
    eligible_kinds = models.JSONField(_("eligible member types"), default=list, blank=True)
    eligible_size_bands = models.JSONField(_("eligible sizes"), default=list, blank=True)
    eligible_regions = models.JSONField(_("eligible regions"), default=list, blank=True)
    required_certifications = models.ManyToManyField(
        CertificationType, verbose_name=_("required certifications"), blank=True, related_name="+")
    requires_good_standing = models.BooleanField(
        _("membership in good standing required"), default=True,
        help_text=_("An active member whose membership has not ended."))
    max_amount = models.DecimalField(_("maximum amount (CAD)"), null=True, blank=True, **MONEY)
    max_share_of_cost = models.DecimalField(
        _("maximum share of the project cost (%)"), null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))], **PERCENT)
    required_documents = models.JSONField(_("required documents"), default=list, blank=True)
    passing_score = models.DecimalField(_("passing score"), max_digits=7, decimal_places=2, null=True, blank=True,
                                        help_text=_("The weighted score an application needs to be recommended."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="call_window_ordered"),
            models.CheckConstraint(condition=Q(max_amount__isnull=True) | Q(max_amount__gt=0),
                                   name="call_max_amount_positive"),
            models.CheckConstraint(
                condition=Q(max_share_of_cost__isnull=True) | Q(max_share_of_cost__gt=0, max_share_of_cost__lte=100),
                name="call_max_share_is_a_percentage"),
            models.CheckConstraint(condition=Q(passing_score__isnull=True) | Q(passing_score__gte=0),
                                   name="call_passing_score_not_negative"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_fr, self.title_en)

    @property
    def text(self) -> str:
        return in_language(self.text_fr, self.text_en)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_open(self, now) -> bool:
        """Published and taking applications at `now` (the server's time)."""
        return self.status == CallStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    def get_absolute_url(self):
        return reverse("programs:call-detail", args=[self.pk])


class Criterion(models.Model):
    """A line of a call's evaluation grid: scored from 0 to `max_score`, counted with its weight."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria")
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=Decimal("1.00"))
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            positive("weight", "criterion_weight_positive"),
            positive("max_score", "criterion_max_score_positive"),
            models.UniqueConstraint(fields=["call", "name_fr"], name="one_criterion_per_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_fr, self.name_en)


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    UNDER_REVIEW = "under_review", _("Under review")
    FUNDED = "funded", _("Funded")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses an applicant may still change the application in.
EDITABLE_STATUSES = (ApplicationStatus.DRAFT,)
# Statuses that have been through a submission (submitted_at is set).
SUBMITTED_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE,
                      ApplicationStatus.UNDER_REVIEW, ApplicationStatus.FUNDED, ApplicationStatus.DECLINED)


class Application(models.Model):
    """An organisation's application to a call, alone (no consortium rows) or as the lead of a consortium (one
    ConsortiumMember row per organisation, its own included). One per lead organisation and call."""

    call = models.ForeignKey(Call,
                             verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    lead = models.ForeignKey(Organisation, verbose_name=_("lead organisation"), on_delete=models.PROTECT,
                             related_name="program_applications")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=10_000, blank=True)
    amount_requested = models.DecimalField(_("amount requested (CAD)"), **MONEY)
    total_cost = models.DecimalField(_("total project cost (CAD)"), **MONEY)
    status = models.CharField(_("status"), max_length=15, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The eligibility computed from the call's rules at submission: [reason, …] (empty: eligible). Staff may
    # override it; the override keeps its reason.
    eligibility_reasons = models.JSONField(_("eligibility reasons"), default=list, blank=True, editable=False)
    eligibility_override_reason = models.TextField(_("reason for the manual decision on eligibility"),
                                                   blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            # A double-clicked "apply" or two colleagues starting at once make one application.
            models.UniqueConstraint(fields=["call", "lead"], name="one_application_per_lead_and_call"),
            positive("amount_requested", "application_amount_positive"),
            positive("total_cost", "application_total_cost_positive"),
            models.CheckConstraint(condition=Q(amount_requested__lte=F("total_cost")),
                                   name="application_amount_within_cost"),
            models.CheckConstraint(
                condition=Q(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
                | Q(submitted_at__isnull=False),
                name="application_submitted_has_date"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def leverage(self) -> Decimal:
        """Total project cost per dollar asked."""
        return (self.total_cost / self.amount_requested).quantize(CENT)

    def get_absolute_url(self):
        return reverse("programs:application-detail", args=[self.pk])


class ConsortiumMember(models.Model):
    """An organisation of a consortium application (the lead included), with its shares of the work and of the
    budget, and when one of its people confirmed them."""

    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="consortium")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="program_consortia")
    share_of_work = models.DecimalField(_("share of the work (%)"), **PERCENT)
    share_of_budget = models.DecimalField(_("share of the budget (%)"), **PERCENT)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                     verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        constraints = [
            models.UniqueConstraint(fields=["application", "organisation"], name="one_consortium_row_per_organisation"),
            percent("share_of_work", "consortium_work_share_is_a_percentage"),
            percent("share_of_budget", "consortium_budget_share_is_a_percentage"),
            models.CheckConstraint(condition=Q(confirmed_at__isnull=True) | Q(confirmed_by__isnull=False),
                                   name="consortium_confirmation_signed"),
        ]

    def __str__(self):
        return f"{self.application} — {self.organisation}"


class ApplicationVersion(models.Model):
    """A submitted application as it stood when the staff reopened it, kept readable."""

    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"), help_text="the application and its consortium as they were submitted")
    submitted_at = models.DateTimeField(_("submitted"))
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reopened by"),
                                    on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(_("reopened"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    # The documents it was submitted with: frozen, never deleted (a later draft may only withdraw them).
    documents = models.ManyToManyField("ApplicationDocument", verbose_name=_("documents"), blank=True,
                                       related_name="versions")

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("application version")
        verbose_name_plural = _("application versions")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="one_application_version_per_number"),
            models.CheckConstraint(condition=~Q(reason=""), name="application_version_reopened_with_reason"),
        ]

    def __str__(self):
        return f"{self.application} v{self.number}"


class ConflictDeclaration(models.Model):
    """An evaluator declares a conflict of interest with an organisation: never assigned to its applications."""

    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL,
                                  verbose_name=_("evaluator"), on_delete=models.CASCADE,
                                  related_name="program_conflicts")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        ordering = ["-declared_at"]
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["evaluator", "organisation"], name="one_conflict_per_organisation"),
        ]

    def __str__(self):
        return f"{self.evaluator} ↔ {self.organisation}"


class Recommendation(models.TextChoices):
    FUND = "fund", _("Fund")
    DO_NOT_FUND = "do_not_fund", _("Do not fund")


class EvaluatorAssignment(models.Model):
    """An evaluator asked to score an application; `submitted_at` once its scores are in."""

    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="assignments")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL,
                                  verbose_name=_("evaluator"), on_delete=models.PROTECT,
                                  related_name="program_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"),
                                    on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    recommendation = models.CharField(_("recommendation"), max_length=12, choices=Recommendation.choices,
                                      blank=True)
    submitted_at = models.DateTimeField(_("scores submitted"), null=True, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("evaluator assignment")
        verbose_name_plural = _("evaluator assignments")
        constraints = [
            models.UniqueConstraint(fields=["application", "evaluator"], name="one_assignment_per_evaluator"),
            models.CheckConstraint(condition=Q(submitted_at__isnull=True) | ~Q(recommendation=""),
                                   name="assignment_submitted_with_recommendation"),
        ]

    def __str__(self):
        return f"{self.application} — {self.evaluator}"


class Score(models.Model):
    """One evaluator's score of one criterion, with its comment (the service checks it is within the
    criterion's maximum: a check constraint cannot read another table)."""

    assignment = models.ForeignKey(EvaluatorAssignment, verbose_name=_("evaluation"),
                                   on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"),
                                  on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), max_length=5000, blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class Outcome(models.TextChoices):
    FUNDED = "funded", _("Funded")
    DECLINED = "declined", _("Declined")


class Decision(models.Model):
    """The committee's decision on an application; a funded one says how much was granted."""

    application = models.OneToOneField(Application, verbose_name=_("application"),
                                       on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    amount = models.DecimalField(_("amount granted (CAD)"), null=True, blank=True, **MONEY)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    # A funded project's summary, once the staff publish it, is what government observers may read of it
    # (services/reporting.py): never a declined one's.
    summary_published_at = models.DateTimeField(_("summary published"), null=True, blank=True, editable=False)
    summary_published_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                             verbose_name=_("summary published by"), null=True, blank=True, editable=False,
                                             on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=Outcome.FUNDED, amount__gt=0) | Q(outcome=Outcome.DECLINED, amount__isnull=True),
                name="decision_funded_has_amount"),
            models.CheckConstraint(
                condition=Q(summary_published_at__isnull=True)
                | Q(outcome=Outcome.FUNDED, summary_published_by__isnull=False),
                name="decision_published_summary_is_funded"),
        ]

    def __str__(self):
        return f"{self.application}: {self.get_outcome_display()}"


class Commitment(models.Model):
    """Money of the program's envelope set aside for a funded application. `disbursed` is the running total of
    its disbursements, kept by services/budget.py; the database refuses one above the amount committed."""

    program = models.ForeignKey(Program, verbose_name=_("program"),
                                on_delete=models.PROTECT, related_name="commitments")
    application = models.OneToOneField(Application, verbose_name=_("application"),
                                       on_delete=models.PROTECT, related_name="commitment")
    amount = models.DecimalField(_("amount committed (CAD)"), **MONEY)
    disbursed = models.DecimalField(_("disbursed (CAD)"), default=Decimal("0.00"), editable=False, **MONEY)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("committed by"),
                                     on_delete=models.PROTECT, related_name="+")
    committed_at = models.DateTimeField(_("committed"), auto_now_add=True)

    class Meta:
        ordering = ["-committed_at"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            positive("amount", "commitment_amount_positive"),
            models.CheckConstraint(condition=Q(disbursed__gte=0, disbursed__lte=F("amount")),
                                   name="commitment_disbursed_within_amount"),
        ]

    def __str__(self):
        return f"{self.application}: {self.amount} $"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.disbursed


class Disbursement(models.Model):
    """A payment against a commitment, at one of its milestones (services/budget.pay_milestone, the one way to
    pay: a staff payment and an approved claim alike)."""

    commitment = models.ForeignKey(Commitment, verbose_name=_("commitment"),
                                   on_delete=models.PROTECT, related_name="disbursements")
    milestone = models.ForeignKey("Milestone", on_delete=models.PROTECT, related_name="disbursements",
                                  verbose_name=_("milestone"))
    amount = models.DecimalField(_("amount paid (CAD)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [positive("amount", "disbursement_amount_positive")]

    def __str__(self):
        return f"{self.milestone}: {self.amount} $"


class DocumentType(models.TextChoices):
    """What an application's document may be, read from its content (core.filetypes), never from its name."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"


def document_path(document: "ApplicationDocument", filename: str) -> str:
    """Where a document is stored: under the default storage (MEDIA_ROOT, which no URL serves), in a name of our
    own: the sender's file name never becomes a path. `filename` is the one the service gave the file."""
    return f"programs/applications/{document.application_id}/{filename}"


class DocumentQuerySet(models.QuerySet):
    def current(self) -> "DocumentQuerySet":
        """The documents of the application as it stands now (not those withdrawn from it)."""
        return self.filter(withdrawn_at__isnull=True)


class ApplicationDocument(models.Model):
    """A file attached to an application: a kind the call may require, its type read from its content, kept
    where no URL reaches it and served only to those who may read the application (views/documents.py)."""

    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=25, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=5, choices=DocumentType.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    # The organisation the sender acted for: a partner's people may remove what their organisation sent.
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("sent"), auto_now_add=True)
    # Removed from the current draft while an earlier, submitted version keeps it (its file stays).
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["application", "kind", "uploaded_at", "pk"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        constraints = [
            positive("size", "application_document_not_empty"),
            models.CheckConstraint(condition=Q(content_type__in=DocumentType.values),
                                   name="application_document_known_type"),
        ]

    def __str__(self):
        return self.original_name


class Milestone(models.Model):
    """A stage of a funded project the staff set on its commitment: what is due by when, and how much of the
    commitment it releases. `paid` is the running total of its disbursements (services/budget.pay_milestone,
    under the budget's locks); the sum of a commitment's milestones never exceeds it (checked under the same locks)."""

    commitment = models.ForeignKey(Commitment, verbose_name=_("commitment"),
                                   on_delete=models.PROTECT, related_name="milestones")
    name = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount (CAD)"), **MONEY)
    paid = models.DecimalField(_("paid (CAD)"), default=Decimal("0.00"), editable=False, **MONEY)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            positive("amount", "milestone_amount_positive"),
            models.CheckConstraint(condition=Q(paid__gte=0, paid__lte=F("amount")),
                                   name="milestone_paid_within_amount"),
            models.UniqueConstraint(fields=["commitment", "name"], name="one_milestone_per_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def remaining(self) -> Decimal:
        """What may still be claimed at this milestone."""
        return self.amount - self.paid


class ProgressReport(models.Model):
    """What the lead's people report at a milestone (text only; kept, never changed)."""

    milestone = models.ForeignKey(Milestone, verbose_name=_("milestone"),
                                  on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(_("progress report"), max_length=10_000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="progress_report_not_empty")]

    def __str__(self):
        return f"{self.milestone} — {self.submitted_at:%Y-%m-%d}"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved — paid")
    SENT_BACK = "sent_back", _("Sent back")


class Claim(models.Model):
    """The lead's claim for money at a milestone, with its progress report. The staff approve it (one
    disbursement, through services/budget.py) or send it back with a reason. One claim awaits review per
    milestone at a time."""

    milestone = models.ForeignKey(Milestone, verbose_name=_("milestone"),
                                  on_delete=models.PROTECT, related_name="claims")
    report = models.OneToOneField(ProgressReport, verbose_name=_("progress report"),
                                  on_delete=models.PROTECT, related_name="claim")
    amount = models.DecimalField(_("amount claimed (CAD)"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                    verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    disbursement = models.OneToOneField(Disbursement, verbose_name=_("disbursement"), null=True, blank=True,
                                        on_delete=models.PROTECT,
                                        related_name="claim")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            positive("amount", "claim_amount_positive"),
            models.UniqueConstraint(fields=["milestone"], condition=Q(status="pending"),
                                    name="one_pending_claim_per_milestone"),
            models.CheckConstraint(condition=~Q(status="approved") | Q(disbursement__isnull=False),
                                   name="claim_approved_is_paid"),
            models.CheckConstraint(condition=~Q(status="sent_back") | ~Q(reason=""),
                                   name="claim_sent_back_with_reason"),
            models.CheckConstraint(condition=Q(status="pending") | Q(reviewed_by__isnull=False),
                                   name="claim_reviewed_is_signed"),
        ]

    def __str__(self):
        return f"{self.milestone}: {self.amount} $"
