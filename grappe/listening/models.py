"""Listening: members' needs, pulse surveys and their answers, and the themes both are grouped into.

Confidentiality lives in the data: each need carries the visibility its organisation chose, and every answer
belongs to one organisation's single response. Answers keep a snapshot of the question as it was worded when
they were given, so a survey edited afterwards still reads its old answers; an answered question is retired,
never deleted (the database refuses: Answer.question is PROTECT).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grappe.core.models import Job
from grappe.members.models import Organisation, in_language

MAX_NEED_LENGTH = 5000
MAX_TEXT_ANSWER_LENGTH = 5000


# Needs ------------------------------------------------------------------------------------------------------

class NeedCategory(models.TextChoices):
    WORKFORCE = "workforce", _("Workforce")
    EXPORT = "export", pgettext_lazy("need category", "Export")
    FINANCING = "financing", _("Financing")
    REGULATION = "regulation", _("Regulation")
    SUPPLY_CHAIN = "supply_chain", _("Supply chain")
    INNOVATION = "innovation", _("Innovation")
    ENVIRONMENT = "environment", _("Environment")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    OTHER = "other", pgettext_lazy("need category", "Other")


class Urgency(models.TextChoices):
    LOW = "low", _("Can wait")
    MEDIUM = "medium", _("Within months")
    HIGH = "high", _("Urgent")


class NeedVisibility(models.TextChoices):
    """Who may learn of a need beyond its own organisation. The member chooses; nothing widens it later.

    "named" is the stored value of the quotable choice: the text may be quoted in a published brief, scrubbed of
    the organisation's name and contact details (selectors.briefs.theme_quotes); the name is never published."""

    STAFF_ONLY = "staff", _("The cluster staff only")
    ANONYMOUS = "anonymous", _("Anonymous: only in aggregate figures")
    NAMED = "named", _("Quotable: the cluster may quote it in its briefs, without our name")


class NeedStatus(models.TextChoices):
    NEW = "new", _("Received")
    IN_PROGRESS = "in_progress", _("Being worked on")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("need status", "Closed")


class Need(models.Model):
    """Something a member organisation needs, said in its own words, at any time."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="listening_needs")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=NeedCategory.choices)
    # Stored exactly as typed or pasted (any script); templates escape it.
    text = models.TextField(_("the need, in your words"), max_length=MAX_NEED_LENGTH)
    language = models.CharField(_("language of the text"), max_length=2, choices=settings.LANGUAGES, default="fr")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    visibility = models.CharField(_("who may see it"), max_length=10, choices=NeedVisibility.choices,
                                  default=NeedVisibility.ANONYMOUS)
    status = models.CharField(_("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.NEW)
    # What the cluster did with it: written by the staff, read by the organisation's people.
    response = models.TextField(_("the cluster's response"), max_length=MAX_NEED_LENGTH, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    # The form token it came with: a double-submitted form makes one need (grappe.core.idempotency).
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(condition=models.Q(text__regex=r"\S"), name="need_text_not_blank"),
            models.CheckConstraint(
                condition=models.Q(response="") | models.Q(responded_at__isnull=False),
                name="need_response_is_dated"),
        ]
        indexes = [
            models.Index(fields=["organisation", "-created_at"]),
            models.Index(fields=["category", "created_at"]),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_category_display()} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("listening:staff-need-detail", args=[self.pk])


# Surveys ----------------------------------------------------------------------------------------------------

class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", pgettext_lazy("survey status", "Closed")


class Survey(models.Model):
    """A pulse survey: bilingual questions sent to the organisations of a target, one response each."""

    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    intro_fr = models.TextField(_("introduction (French)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True,
                                     help_text=_("Answers are accepted until then. Empty: until closed by hand."))
    # Who is invited: the segment's organisations (members.segments.organisations_in); empty, every active member.
    target_segment = models.ForeignKey("members.Segment", verbose_name=_("sent to"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="surveys",
                                       help_text=_("A saved segment of organisations. Empty: every active member."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True) | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_it_opens"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_fr, self.title_en)

    @property
    def intro(self) -> str:
        return in_language(self.intro_fr, self.intro_en)

    def accepts_answers(self, now=None) -> bool:
        """Open, and within its dates: the only time a response may be written."""
        now = now or timezone.now()
        return (self.status == SurveyStatus.OPEN and (self.opens_at is None or self.opens_at <= now)
                and (self.closes_at is None or now < self.closes_at))

    def get_absolute_url(self):
        return reverse("listening:survey-answer", args=[self.pk])


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Agreement scale (1 to 5)")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")


# The five points of the Likert scale, stored as "1"…"5".
LIKERT_POINTS = [
    ("1", _("Strongly disagree")), ("2", _("Disagree")), ("3", _("Neither agree nor disagree")),
    ("4", _("Agree")), ("5", _("Strongly agree")),
]


class Question(models.Model):
    """One question of a survey. Choices are [{"value", "fr", "en"}]; answers store the value.

    Branching: when `show_if_question` is set, the question is asked (and required) only when that earlier
    question's answer equals (or, for several choices, includes) `show_if_value`.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    wording_fr = models.TextField(_("question (French)"), max_length=1000)
    wording_en = models.TextField(_("question (English)"), max_length=1000)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    show_if_question = models.ForeignKey("self", verbose_name=_("show only if the answer to"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="dependents")
    show_if_value = models.CharField(_("is"), max_length=100, blank=True)
    # An answered question is never deleted: removing it retires it, and its answers stay readable.
    retired = models.BooleanField(_("retired"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(condition=~models.Q(show_if_question=models.F("id")),
                                   name="question_not_conditional_on_itself"),
            models.CheckConstraint(
                condition=models.Q(show_if_question__isnull=True, show_if_value="")
                | models.Q(show_if_question__isnull=False) & ~models.Q(show_if_value=""),
                name="question_branch_names_question_and_value"),
        ]

    def __str__(self):
        return self.wording

    @property
    def wording(self) -> str:
        return in_language(self.wording_fr, self.wording_en)

    def choice_list(self) -> list[tuple[str, str]]:
        """(value, label in the active language) of each choice; the Likert scale's five points."""
        if self.kind == QuestionKind.LIKERT:
            return [(value, str(label)) for value, label in LIKERT_POINTS]
        return [(c["value"], in_language(c.get("fr", ""), c.get("en", ""))) for c in self.choices]

    def snapshot(self) -> dict:
        """The question as the person answering it read it: kept with each answer."""
        return {"kind": self.kind, "wording_fr": self.wording_fr, "wording_en": self.wording_en,
                "choices": self.choices if self.kind != QuestionKind.LIKERT else
                [{"value": v, "fr": v, "en": v} for v, _label in LIKERT_POINTS]}


class Invitation(models.Model):
    """An organisation asked to answer a survey: the organisations that may answer are exactly these."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="survey_invitations")
    sent_at = models.DateTimeField(_("invited"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__legal_name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["survey", "organisation"], name="one_invitation_per_organisation"),
        ]

    def __str__(self):
        return f"{self.survey} → {self.organisation}"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Response(models.Model):
    """An organisation's one answer to a survey, shared by its people and editable until the survey closes.

    `revision` grows with every save; each answer records the revision that last changed it, so a colleague's
    save that started from an older revision does not silently overwrite what changed since.
    """

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="survey_responses")
    status = models.CharField(_("status"), max_length=10, choices=ResponseStatus.choices,
                              default=ResponseStatus.DRAFT)
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    last_edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "organisation"], name="one_response_per_organisation"),
            models.CheckConstraint(
                condition=~models.Q(status="submitted") | models.Q(submitted_at__isnull=False),
                name="submitted_response_is_dated"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.survey}"


class Answer(models.Model):
    """One question's answer within a response. `value` is a string, a list of strings (several choices) or
    a number; `question_snapshot` is the question as it read when this answer was given."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    question_snapshot = models.JSONField(default=dict)
    revision = models.PositiveIntegerField(default=0)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
        ]

    def __str__(self):
        return f"{self.response} — {self.question_id}"

    @property
    def wording(self) -> str:
        """The question as it was asked when this answer was given."""
        return in_language(self.question_snapshot.get("wording_fr", ""), self.question_snapshot.get("wording_en", ""))

    def display(self) -> str:
        """The answer in words (choice labels of the snapshot, in the active language)."""
        labels = {c["value"]: in_language(c.get("fr", ""), c.get("en", ""))
                  for c in self.question_snapshot.get("choices", [])}
        if isinstance(self.value, list):
            return ", ".join(labels.get(v, str(v)) for v in self.value)
        if self.value is None:
            return ""
        return labels.get(self.value, str(self.value)) if isinstance(self.value, str) else str(self.value)


# Themes -----------------------------------------------------------------------------------------------------

class ThemeRun(Job):
    """One computation of themes over the needs and free-text answers (a core Job: progress in texts)."""

    report = models.JSONField(default=dict, blank=True)
    # The fitted space (matching.themes.ThemeModel.dumps) that places texts arriving after the run.
    model = models.BinaryField(null=True, blank=True, editable=False)
    encoder = models.CharField(max_length=100, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("theme computation")
        verbose_name_plural = _("theme computations")
        constraints = [
            *Job.Meta.constraints,
            # One run at a time: the index on a constant admits one unfinished row, so two clicks on "find
            # the themes" at once make one run (services.themes.start_run returns the other click's).
            models.UniqueConstraint(models.Value(True), condition=models.Q(status__in=["queued", "running"]),
                                    name="one_theme_run_at_a_time"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} — {self.get_status_display()}"


class Theme(models.Model):
    """A subject members raise, found in the free text or made by the staff. Its name in each language is a
    phrase of its texts in that language, as they write it (matching.themes.name_phrases), kept from run to
    run while the theme holds mostly the same texts; a name the staff edited (`named_by_staff`) is never
    replaced by a computation. The automatic name and `keywords` come from every text, staff-only needs
    included: they are the staff's; observers see `selectors.themes.public_name`."""

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    keywords = models.JSONField(default=list, blank=True)
    # The names shown outside the staff, per language ("fr", "en"), best first, as [phrase, organisations]:
    # phrases of the texts observers may know of (staff-only needs left out), each written by that many
    # organisations (selectors.themes.public_name shows the first written by at least k).
    public_names = models.JSONField(default=dict, blank=True)
    named_by_staff = models.BooleanField(default=False)
    found_by = models.ForeignKey(ThemeRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="themes")
    # Its centre in the space of the run that placed its texts (float32 bytes): a new text goes to the nearest.
    centroid = models.BinaryField(null=True, blank=True, editable=False)
    # The month (YYYY-MM) the staff were last told it is rising, so they are told once per month.
    alerted_month = models.CharField(max_length=7, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_fr, self.name_en)


class ThemeAssignment(models.Model):
    """A need or a free-text answer placed in a theme (one theme each). `manual` marks a staff's choice,
    which the theme finder keeps."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="assignments")
    need = models.OneToOneField(Need, null=True, blank=True, on_delete=models.CASCADE, related_name="theme_assignment")
    answer = models.OneToOneField(Answer, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="theme_assignment")
    manual = models.BooleanField(default=False)
    score = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("theme assignment")
        verbose_name_plural = _("theme assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(need__isnull=False, answer__isnull=True)
                | models.Q(need__isnull=True, answer__isnull=False),
                name="theme_assignment_of_one_need_or_answer"),
        ]

    def __str__(self):
        return f"{self.theme} ← {self.need_id or self.answer_id}"


# Government briefs ------------------------------------------------------------------------------------------

class BriefStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Brief(models.Model):
    """A brief for government over a period: figures (all through the aggregation service), quotes members
    allowed, and the staff's recommendations. Published, its figures and files are frozen: it never changes."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fr")
    status = models.CharField(_("status"), max_length=10, choices=BriefStatus.choices, default=BriefStatus.DRAFT)
    recommendations = models.TextField(_("recommendations"), blank=True)
    figures = models.JSONField(default=dict, blank=True, editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    xlsx = models.BinaryField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("government brief")
        verbose_name_plural = _("government briefs")
        constraints = [
            models.CheckConstraint(condition=models.Q(period_start__lte=models.F("period_end")),
                                   name="brief_period_in_order"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False, pdf__isnull=False,
                                                              xlsx__isnull=False),
                name="published_brief_is_frozen"),
        ]

    def __str__(self):
        return _("Brief %(start)s – %(end)s (%(language)s)") % {
            "start": self.period_start, "end": self.period_end, "language": self.language}

    @property
    def is_published(self) -> bool:
        return self.status == BriefStatus.PUBLISHED
