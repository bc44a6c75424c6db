"""What every capability shares: the audit trail, notifications, the outbox of mail, API keys and the
background-job model."""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The audit trail cannot be changed.")

    def delete(self):
        raise PermissionDenied("The audit trail cannot be changed.")


class AuditEntry(models.Model):
    """Who did what to which object, with the values before and after. Written only by services.

    An account with history cannot be deleted (PROTECT): people leave, accounts are deactivated.

    Append-only: Python refuses updates and deletes, and on PostgreSQL a trigger refuses them too
    (see migration 0002), so not even a raw SQL session of the application can rewrite history.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("object type"), max_length=80, db_index=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    target_label = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The audit trail cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit trail cannot be changed.")

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Notification(models.Model):
    """What happened, for one user: its kind and params, written as a sentence in the reader's language when it
    is read (core.notify); shown in the app (and mailed where the service says so)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=100)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.kind


class MailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Handed to the mail server")
    FAILED = "failed", _("Given up")
    # Its stream's check (grappe.core.outbox.register_stream_check) said, just before sending, that the person no
    # longer wants it (unsubscribed, consent withdrawn while it waited in the outbox).
    WITHDRAWN = "withdrawn", _("Not sent: the person no longer wants it")


class OutgoingMail(models.Model):
    """One message in the outbox: written by a service inside its transaction, sent by a background task
    after the commit (grappe.core.outbox). A message that fails is tried again at `next_attempt_at`;
    `attempts` counts the tries and `last_error` keeps why the last one failed."""

    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    # An HTML version of the body, sent beside it (a bulletin), emptied once sent like the body.
    html_body = models.TextField(_("HTML body"), blank=True)
    # Extra headers, e.g. {"List-Unsubscribe": "<https://…>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # Files sent with the message (an invitation's .ics): [{"name", "mimetype", "content" (base64)}], emptied
    # once sent like the body.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # What kind of optional mail this is ("bulletins"; empty: mail that always goes) and what its stream's check
    # needs to tell, just before sending, whether it may still go ({"person": id, "topic": "regulatory"}).
    stream = models.CharField(_("stream"), max_length=40, blank=True, default="")
    context = models.JSONField(_("stream context"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MailStatus.choices,
                              default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"),
                                name="outgoing_mail_due")]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class BouncedAddress(models.Model):
    """An address the mail server refused for good (it does not exist, the mailbox is closed): flagged for the
    staff, and skipped by bulletins and digests until the staff clear it."""

    email = models.EmailField(_("email"))
    reason = models.TextField(_("what the mail server said"), blank=True)
    bounced_at = models.DateTimeField(_("refused on"), default=timezone.now)

    class Meta:
        ordering = ["-bounced_at"]
        verbose_name = _("bounced address")
        verbose_name_plural = _("bounced addresses")
        constraints = [models.UniqueConstraint(Lower("email"), name="bounced_address_once")]

    def __str__(self):
        return self.email


class SubmittedForm(models.Model):
    """A form token already used: a double-clicked or re-sent form does its work only once."""

    token = models.UUIDField(unique=True)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")


class ApiToken(models.Model):
    """A personal key for the REST API: it acts as its user, with exactly that user's rights.

    Only a hash of the key is stored; the key itself is shown once, when it is created. Its first characters
    (`key_prefix`) stay visible so that a user can tell their keys apart. A revoked key is kept for the
    record.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What this key is for, e.g. “CRM sync”."))
    key_prefix = models.CharField(_("key starts with"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        """The stored form of a key. Keys are long and random, so plain SHA-256 protects them enough."""
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CacheVersion(models.Model):
    """A counter that names the current state of some cached content (grappe.core.cache_versions).

    In the database, not in the cache: every process reads the same value, whatever cache backend each has.
    """

    name = models.CharField(max_length=100, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} {self.value}"


class AnonymitySetting(models.Model):
    """The anonymity threshold k (grappe.core.aggregates): a figure about fewer than k distinct organisations
    is never shown to someone who may not see the rows behind it. One row; the staff change it."""

    k = models.PositiveSmallIntegerField(
        _("anonymity threshold (k)"), default=5,
        help_text=_("Figures about fewer than this many organisations are hidden."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("anonymity threshold")
        verbose_name_plural = _("anonymity thresholds")
        constraints = [
            # k = 1 would publish single organisations; more than 50 would hide almost every figure.
            models.CheckConstraint(condition=models.Q(k__gte=2, k__lte=50), name="anonymity_k_in_range"),
        ]

    def __str__(self):
        return f"k = {self.k}"


class ReleasedPopulation(models.Model):
    """A set of organisations whose figures left the staff: about one data set (`scope`), over the dates of
    the data they cover (`period_start`..`period_end`; none: all of it), to an observer or any non-staff
    viewer (a page, the API) or to every observer at once (a published brief).

    The aggregation service refuses a new filter whose population differs from one of these, over an
    overlapping period, by fewer than k organisations: comparing the two sets of figures would reveal the
    few organisations in between. The ledger is the same for every viewer: observers may pool what each saw.
    """

    scope = models.CharField(max_length=200)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    digest = models.CharField(max_length=64)
    organisations = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "period_start", "period_end", "digest"],
                                    name="released_population_once"),
            models.CheckConstraint(condition=models.Q(period_start__isnull=True, period_end__isnull=True)
                                   | models.Q(period_start__lte=models.F("period_end")),
                                   name="released_population_period_in_order"),
        ]
        indexes = [models.Index(fields=["scope", "period_end"])]

    def __str__(self):
        return f"{self.scope} {self.period_start}..{self.period_end} ({len(self.organisations)})"


class TextEmbedding(models.Model):
    """A text's sentence embedding by one model, kept so a text is encoded once (encoding is slow, some 20
    texts a second). Keyed by a hash of the text: the text itself stays where it was written (a need, an
    answer, an opportunity, a capability's name). Every app reads and writes it through core.vectors."""

    text_hash = models.CharField(max_length=64)
    model_name = models.CharField(max_length=100)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["text_hash", "model_name"], name="one_embedding_per_text")]


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    """What every long piece of work shares (an import, a theme run, a scheduler run, a print run): who
    started it, where it stands, how far it got, when its worker last gave a sign of life, and why it failed.

    A concrete job adds its own fields and table; grappe.core.jobs moves it from state to state (start, beat,
    finish, fail) and fails the jobs whose worker died (recover_stale_jobs), so none blocks the next one.
    """

    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    processed = models.PositiveIntegerField(default=0)  # progress: `processed` of `total` units of work
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)  # what it is doing now, for the progress bar
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(processed__lte=models.F("total")),
                                   name="%(app_label)s_%(class)s_progress_within_total"),
        ]

    @property
    def busy(self) -> bool:
        return self.status in UNFINISHED

    @property
    def progress_percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return 100 * self.processed // self.total if self.total else 0


class Worker(models.Model):
    """A background worker process (`manage.py db_worker`) and its last sign of life (grappe.core.workers).

    The task queue of django-tasks-db says which worker claimed a task, not whether that worker still lives: these
    rows do. A worker silent for longer than settings.GRAPPE_WORKER_LOST_SECONDS died (killed, its machine gone),
    and the tasks it was running are queued again; the staff's system page and /readyz read them too."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)  # set when it stopped on request (not when killed)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
