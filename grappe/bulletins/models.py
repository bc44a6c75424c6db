"""Information circulation: bulletins written by the staff and sent to the members they concern, each person's
mail preferences, and what reached whom.

A bulletin (Bulletin) is written in French and/or English and targeted by the members' own data: a saved segment,
types, sizes, regions, capabilities, certifications, and the committees or axes the organisation sits on. When it
is sent, its audience is frozen (Audience: one row per organisation, which the member's feed reads), and every
person it reaches gets one Delivery row — unique per bulletin and person, so a bulletin sent twice (a double click,
a retried task) reaches each person once. A delivery is mailed at once or kept for the person's daily or weekly
digest (MailPreference). A person who withdrew consent for communications (members.Person.consent_communications)
or unsubscribed from a topic (Unsubscription) receives nothing of it, except what membership requires (notices to
members: legal notices, general assemblies, votes).

Opens and clicks are recorded per delivery so that each is counted once, and shown only in aggregate (through
grappe.core.aggregates), never per person.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grappe.core.models import Job
from grappe.events.models import Event
from grappe.governance.models import Body, Resolution
from grappe.members.models import Capability, CertificationType, Organisation, Person, Segment, in_language
from grappe.programs.models import Call


class Category(models.TextChoices):
    REGULATORY = "regulatory", _("Regulatory watch")
    POLITICAL = "political", _("Political watch")
    ECONOMIC = "economic", _("Economic watch")
    EVENTS = "events", _("Events")
    CALLS = "calls", _("Calls for applications")
    COMMITTEES = "committees", _("Committee news")
    # What membership requires (legal notices, general assemblies, votes): sent whatever a person's consent or
    # unsubscriptions, and never offered as a topic to leave.
    NOTICE = "notice", _("Notice to members")


REQUIRED_CATEGORIES = frozenset({Category.NOTICE})


class Topic(models.TextChoices):
    """What a person may stop receiving: each optional category of bulletin, and the updates of their own
    organisation's feed (calls, events, minutes, surveys) that a digest carries."""

    REGULATORY = Category.REGULATORY.value, Category.REGULATORY.label
    POLITICAL = Category.POLITICAL.value, Category.POLITICAL.label
    ECONOMIC = Category.ECONOMIC.value, Category.ECONOMIC.label
    EVENTS = Category.EVENTS.value, Category.EVENTS.label
    CALLS = Category.CALLS.value, Category.CALLS.label
    COMMITTEES = Category.COMMITTEES.value, Category.COMMITTEES.label
    UPDATES = "updates", _("Your organisation's updates in digests")
    # The digests themselves (their one-click unsubscribe): a person who chose a digest gets optional bulletins
    # only through it, so once they leave it no optional bulletin is mailed to them (notices to members still are;
    # choosing "each bulletin as it is sent" again brings bulletins back).
    DIGEST = "digest", _("Digests")


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class Bulletin(models.Model):
    """A piece of news for the members it concerns. Its bodies are HTML cleaned by grappe/bulletins/html.py
    before they are stored: nothing in them runs, loads from elsewhere or breaks the page."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_fr = models.CharField(_("summary (French)"), max_length=400, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=400, blank=True)
    body_fr = models.TextField(_("text (French)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    # Public: once sent, shown on the public site and in the Atom and RSS feeds.
    is_public = models.BooleanField(_("public"), default=False)

    # The target: every criterion given must match (within one, any value); none given: every active member.
    segment = models.ForeignKey(Segment, verbose_name=_("saved segment"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    kinds = models.JSONField(_("types"), default=list, blank=True)
    size_bands = models.JSONField(_("sizes"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    capabilities = models.ManyToManyField(Capability, verbose_name=_("capabilities"), blank=True, related_name="+")
    certification_types = models.ManyToManyField(CertificationType, verbose_name=_("certifications"), blank=True,
                                                 related_name="+")
    # Organisations with a person sitting on one of these bodies (an axis stands for its committees too).
    bodies = models.ManyToManyField(Body, verbose_name=_("committees or axes"), blank=True, related_name="+")

    # What the bulletin carries a button to (one at most).
    call = models.ForeignKey(Call, verbose_name=_("call for applications"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    event = models.ForeignKey(Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    resolution = models.ForeignKey(Resolution, verbose_name=_("vote"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    status = models.CharField(_("status"), max_length=10, choices=BulletinStatus.choices,
                              default=BulletinStatus.DRAFT)
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at", "-created_at", "-id"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.CheckConstraint(condition=~Q(title_fr="", title_en=""), name="bulletin_has_a_title"),
            models.CheckConstraint(condition=~Q(status="scheduled") | Q(scheduled_for__isnull=False),
                                   name="scheduled_bulletin_has_a_time"),
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False),
                                   name="sent_bulletin_has_a_time"),
            models.CheckConstraint(
                condition=(Q(call__isnull=True, event__isnull=True) | Q(call__isnull=True, resolution__isnull=True)
                           | Q(event__isnull=True, resolution__isnull=True)),
                name="bulletin_links_to_one_thing_at_most"),
        ]
        indexes = [models.Index(fields=["status", "scheduled_for"]),
                   models.Index(fields=["is_public", "sent_at"])]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_fr, self.title_en)

    @property
    def summary(self) -> str:
        return in_language(self.summary_fr, self.summary_en)

    @property
    def body(self) -> str:
        return in_language(self.body_fr, self.body_en)

    @property
    def languages(self) -> list[str]:
        return [code for code, title in (("fr", self.title_fr), ("en", self.title_en)) if title]

    @property
    def is_required(self) -> bool:
        return self.category in REQUIRED_CATEGORIES


def image_path(image: "BulletinImage", filename: str) -> str:
    return f"bulletins/images/{image.key}.{image.extension}"


class BulletinImage(models.Model):
    """An image placed in a bulletin, uploaded by the staff: checked to be an image, re-encoded (no script, no
    metadata survives), stored under a random name and served by Grappe itself, so a bulletin never loads an
    image from elsewhere."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to=image_path)
    extension = models.CharField(max_length=5)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin image")
        verbose_name_plural = _("bulletin images")

    def __str__(self):
        return str(self.key)


class Audience(models.Model):
    """An organisation a sent bulletin was targeted to: frozen when it is sent, read by the member's feed."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="audience")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bulletin", "organisation"], name="bulletin_audience_once")]
        indexes = [models.Index(fields=["organisation", "bulletin"])]


class Channel(models.TextChoices):
    IMMEDIATE = "immediate", _("By email at once")
    DIGEST = "digest", _("In a digest")


class Delivery(models.Model):
    """One bulletin to one person. Unique: however many times a bulletin is sent, each person gets it once."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="bulletin_deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    mailed_at = models.DateTimeField(null=True, blank=True)  # queued in the outbox (alone or in a digest)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["bulletin", "person"], name="one_delivery_per_person")]
        indexes = [models.Index(fields=["person"], condition=Q(channel="digest", mailed_at__isnull=True),
                                name="delivery_awaiting_digest")]

    def __str__(self):
        return f"{self.bulletin_id} → {self.person_id}"


class LinkClick(models.Model):
    """A link of a bulletin followed from its email, once per delivery and link (counted, never shown per
    person)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="clicks")
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["delivery", "url"], name="one_click_per_delivery_and_link")]


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Each bulletin as it is sent")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")


class MailPreference(models.Model):
    """How a person wants the cluster's mail. No row: each bulletin as it is sent."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mail_preference")
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.IMMEDIATE)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self):
        return f"{self.person_id}: {self.frequency}"


class Unsubscription(models.Model):
    """A topic a person asked not to receive (from a one-click link or their preferences), honoured at once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="unsubscriptions")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        constraints = [models.UniqueConstraint(fields=["person", "topic"], name="unsubscribed_once_per_topic")]

    def __str__(self):
        return f"{self.person_id} ✕ {self.topic}"


class SendJob(Job):
    """Sending one bulletin: resolving its recipients, writing the deliveries and queueing the mail, with
    progress. One unfinished job per bulletin."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="send_jobs")
    # Its outcome as figures, put into words when shown (in the reader's language, not the worker's):
    # {"outcome": "sent", "people": 1234} or {"outcome": "cancelled"}.
    report = models.JSONField(default=dict, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("bulletin sending")
        verbose_name_plural = _("bulletin sendings")
        constraints = [
            *Job.Meta.constraints,
            models.UniqueConstraint(fields=["bulletin"], condition=Q(status__in=["queued", "running"]),
                                    name="one_unfinished_send_per_bulletin"),
        ]


class DigestJob(Job):
    """Building the daily or weekly digests of everyone who chose them, with progress. One unfinished run per
    frequency."""

    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    # Its outcome as figures: {"mailed": digests mailed, "due": people due}.
    report = models.JSONField(default=dict, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("digest run")
        verbose_name_plural = _("digest runs")
        constraints = [
            *Job.Meta.constraints,
            models.UniqueConstraint(fields=["frequency"], condition=Q(status__in=["queued", "running"]),
                                    name="one_unfinished_digest_run_per_frequency"),
        ]
