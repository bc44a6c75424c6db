"""Shared governance: the cluster's strategic axes, committees and work streams, their meetings (agenda, the record
kept during the meeting, minutes, action items) and the resolutions put to a vote.

A body (Body: an axis, a committee or a work stream) is co-chaired by one staff member and one person of a member
organisation, both members of the body (BodyMember rows with a chair seat). A meeting has an agenda of items; during
the meeting a co-chair records attendance, notes per item, decisions, action items and recusals. The minutes are
generated from that record as a frozen, versioned document (Minutes): once approved a version never changes, a
correction is a new version.

A resolution is put to a body or to the whole membership. One organisation, one vote: a Vote row per organisation
(open ballot), or, in a secret ballot, a Participation row (that the organisation voted) apart from a SecretBallot row
(what was voted: no voter, no time, a random key), which nothing joins back. The electorate is frozen when the vote is
published (Elector rows); proxies (Proxy) pass an organisation's vote to another one.

The invariants are database constraints wherever one fits: one membership per person and body, one co-chair per seat,
one vote or participation per organisation and resolution, one proxy per grantor, no proxy to oneself, a closing time
after the opening, a quorum between 0 and 100 %, one minutes version in progress per meeting.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from grappe.members.models import Organisation, in_language

DEFAULT_TIME_ZONE = "America/Montreal"


class BodyKind(models.TextChoices):
    AXIS = "axis", _("Strategic axis")
    COMMITTEE = "committee", _("Committee")
    WORK_STREAM = "work_stream", _("Work stream")


class Body(models.Model):
    """A strategic axis, a committee or a work stream. Committees and work streams may sit under an axis."""

    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    parent = models.ForeignKey("self", verbose_name=_("strategic axis"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    mandate_fr = models.TextField(_("mandate (French)"), blank=True)
    mandate_en = models.TextField(_("mandate (English)"), blank=True)
    # The language its meetings are held in: its minutes are written in it first, the other one offered.
    language = models.CharField(_("working language"), max_length=2, choices=settings.LANGUAGES, default="fr")
    # Open: a member's person joins at once. Otherwise they ask, and a co-chair or the staff accept.
    open_to_members = models.BooleanField(_("members join without approval"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "name_fr"]
        verbose_name = _("governance body")
        verbose_name_plural = _("governance bodies")
        constraints = [
            models.CheckConstraint(condition=Q(parent__isnull=True) | ~Q(parent=F("pk")), name="body_not_own_parent"),
            models.CheckConstraint(condition=Q(parent__isnull=True) | ~Q(kind="axis"), name="axis_has_no_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_fr, self.name_en)

    @property
    def mandate(self) -> str:
        return in_language(self.mandate_fr, self.mandate_en)


class MembershipState(models.TextChoices):
    INVITED = "invited", _("Invited")
    REQUESTED = "requested", _("Asked to join")
    ACTIVE = "active", _("Member")
    LEFT = "left", _("Left")


class ChairSeat(models.TextChoices):
    STAFF = "staff", _("Staff co-chair")
    INDUSTRY = "industry", _("Industry co-chair")


class BodyMember(models.Model):
    """A person's place in a body. A member organisation's person sits for `organisation` and keeps their rights
    only while they still act for it (grappe/governance/rules.py): leaving the organisation ends them at once.
    Staff sit for the cluster (no organisation)."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                             related_name="governance_seats")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=MembershipState.choices,
                             default=MembershipState.ACTIVE)
    chair_seat = models.CharField(_("co-chair"), max_length=10, choices=ChairSeat.choices, null=True, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["body", "chair_seat", "created_at"]
        verbose_name = _("body member")
        verbose_name_plural = _("body members")
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], name="one_membership_per_body_and_person"),
            models.UniqueConstraint(fields=["body", "chair_seat"], condition=Q(chair_seat__isnull=False),
                                    name="one_co_chair_per_seat"),
            # A co-chair is a member of the body: the seat goes with an active membership.
            models.CheckConstraint(condition=Q(chair_seat__isnull=True) | Q(state="active"),
                                   name="co_chair_is_an_active_member"),
            models.CheckConstraint(condition=~Q(chair_seat="industry") | Q(organisation__isnull=False),
                                   name="industry_co_chair_sits_for_an_organisation"),
            models.CheckConstraint(condition=~Q(chair_seat="staff") | Q(organisation__isnull=True),
                                   name="staff_co_chair_sits_for_the_cluster"),
        ]

    def __str__(self):
        return f"{self.user} — {self.body}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """A meeting of a body. `sequence` counts the changes sent in invitations (the .ics SEQUENCE), `uid` names it
    in every calendar."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start")]

    def __str__(self):
        return self.title or str(self.body)


class AgendaItem(models.Model):
    """An item of a meeting's agenda, and what was noted on it during the meeting."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    presenter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("presenter"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=15,
                                                        validators=[MinValueValidator(1), MaxValueValidator(600)])
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="item_lasts_a_minute")]

    def __str__(self):
        return self.title


class AgendaDocument(models.Model):
    """A document attached to an agenda item (read by the body's members before the meeting)."""

    item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE,
                             related_name="documents")
    file = models.FileField(upload_to="governance/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "uploaded_at"]
        verbose_name = _("agenda document")
        verbose_name_plural = _("agenda documents")

    def __str__(self):
        return self.original_name


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                             related_name="+")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_person")]


class Recusal(models.Model):
    """A person's conflict of interest on an item, declared by them or recorded by a co-chair: minuted, and they
    do not vote on the item's resolutions."""

    item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE,
                             related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                             related_name="+")
    reason = models.CharField(_("conflict of interest"), max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="one_recusal_per_item_and_person")]


class Decision(models.Model):
    """A decision taken on an agenda item, as the minutes will state it."""

    item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE,
                             related_name="decisions")
    text = models.TextField(_("decision"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "created_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")


class ActionItem(models.Model):
    """Something a person undertook to do at a meeting, followed until done (owners are reminded)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="actions")
    item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="governance_actions")
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [models.CheckConstraint(
            condition=Q(status="done", done_at__isnull=False) | Q(status="open", done_at__isnull=True),
            name="action_done_has_its_time")]


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATED = "circulated", _("Circulated for comments")
    APPROVED = "approved", _("Approved")
    # A circulated version corrected before its approval: kept with the comments it received, replaced by the
    # next version (grappe/governance/services/minutes.py).
    SUPERSEDED = "superseded", _("Replaced before approval")


class Minutes(models.Model):
    """A version of a meeting's minutes: the meeting's record frozen when generated (`content`: plain values and
    codes, see grappe/governance/minutes_record.py; the labels are written in the reader's language). An approved
    version never changes; a correction is the next version, circulated and approved in turn.

    Never changed once approved, at three levels: the services refuse it (a Conflict), `save` refuses it here
    (whatever code calls it: the admin, a shell, a later service), and on PostgreSQL a trigger refuses any UPDATE
    or DELETE of an approved row (migration 0004), so that `QuerySet.update`, raw SQL and bulk writes are refused
    too; SQLite (the demo's database) has the first two. Only the references to the people who generated or
    approved it may still be emptied, when an account is deleted (SET_NULL): the names the content froze stay."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT,
                                related_name="minutes")
    version = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField(editable=False)
    status = models.CharField(_("status"), max_length=12, choices=MinutesStatus.choices,
                              default=MinutesStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    circulated_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["meeting", "-version"]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="one_minutes_per_version"),
            models.UniqueConstraint(fields=["meeting"], condition=Q(status__in=["draft", "circulated"]),
                                    name="one_minutes_in_progress_per_meeting"),
            models.CheckConstraint(condition=~Q(status="approved") | Q(approved_at__isnull=False),
                                   name="approved_minutes_have_their_time"),
        ]

    def __str__(self):
        return f"{self.meeting} — {self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None and Minutes.objects.filter(pk=self.pk, status=MinutesStatus.APPROVED).exists():
            raise ApprovedMinutesError(f"version {self.version} of these minutes is approved: it never changes")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Minutes.objects.filter(pk=self.pk, status=MinutesStatus.APPROVED).exists():
            raise ApprovedMinutesError(f"version {self.version} of these minutes is approved: it is kept")
        return super().delete(*args, **kwargs)


class ApprovedMinutesError(Exception):
    """An approved version of the minutes was about to change: a defect of the caller, never a user's error (the
    services refuse it first, with a message)."""


class MinutesComment(models.Model):
    minutes = models.ForeignKey(Minutes, verbose_name=_("minutes"), on_delete=models.CASCADE,
                                related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["minutes", "created_at", "pk"]
        verbose_name = _("comment on minutes")
        verbose_name_plural = _("comments on minutes")


# The most proxies one organisation may hold on a resolution: more would make one organisation the meeting.
MAX_PROXIES = 50


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Simple majority (more than half)")
    TWO_THIRDS = "two_thirds", _("Two thirds")
    UNANIMITY = "unanimity", _("Unanimity")


class Resolution(models.Model):
    """A resolution put to a vote: to a body's member organisations, or to the whole membership (`body` empty).

    Published, it freezes its electorate (Elector rows) and takes votes between `opens_at` and `closes_at`; at
    closing the votes are counted once into `results` (counts per option, turnout, quorum, outcome)."""

    body = models.ForeignKey(Body, verbose_name=_("body"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="resolutions")
    item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="resolutions")
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    quorum_percent = models.DecimalField(_("quorum (% of member organisations)"), max_digits=5, decimal_places=2,
                                         validators=[MinValueValidator(0), MaxValueValidator(100)])
    majority = models.CharField(_("majority"), max_length=12, choices=Majority.choices, default=Majority.SIMPLE)
    secret = models.BooleanField(_("secret ballot"), default=False)
    max_proxies = models.PositiveSmallIntegerField(_("proxies one organisation may hold"), default=1,
                                                   validators=[MaxValueValidator(MAX_PROXIES)])
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True)
    results = models.JSONField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="resolution_closes_after_opening"),
            models.CheckConstraint(condition=Q(quorum_percent__gte=0, quorum_percent__lte=100),
                                   name="resolution_quorum_is_a_percentage"),
            models.CheckConstraint(condition=Q(counted_at__isnull=True) | Q(published_at__isnull=False),
                                   name="resolution_counted_once_published"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_fr, self.title_en)

    @property
    def text(self) -> str:
        return in_language(self.text_fr, self.text_en)


class ResolutionOption(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    label_fr = models.CharField(_("option (French)"), max_length=200)
    label_en = models.CharField(_("option (English)"), max_length=200)
    # An abstention is counted in the turnout (and the quorum), not among the votes the majority is taken on.
    is_abstention = models.BooleanField(_("abstention"), default=False)

    class Meta:
        ordering = ["resolution", "position", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["resolution", "position"], name="one_option_per_position")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.label_fr, self.label_en)


class Elector(models.Model):
    """An organisation that may vote on a resolution, frozen when the resolution is published (the quorum's
    denominator). It votes only while still a member in good standing."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="electors")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electors")
        constraints = [models.UniqueConstraint(fields=["resolution", "organisation"], name="one_elector_per_organisation")]


class Proxy(models.Model):
    """An organisation's vote on a resolution entrusted to another organisation, whose authorised people cast it.
    Never to itself (a constraint); no chains nor more than `Resolution.max_proxies` per holder (the service, under
    the resolution's lock)."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="proxies")
    grantor = models.ForeignKey(Organisation, verbose_name=_("organisation giving its proxy"),
                                on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(Organisation, verbose_name=_("organisation holding the proxy"),
                               on_delete=models.PROTECT, related_name="+")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(fields=["resolution", "grantor"], name="one_proxy_per_grantor"),
            models.CheckConstraint(condition=~Q(grantor=F("holder")), name="no_proxy_to_oneself"),
        ]


class Vote(models.Model):
    """An organisation's vote in an open ballot: one per organisation (a constraint), changed until closing."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(ResolutionOption, on_delete=models.PROTECT, related_name="votes")
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_proxy = models.BooleanField(default=False)
    cast_at = models.DateTimeField()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["resolution", "organisation"],
                                               name="one_vote_per_organisation")]


class Participation(models.Model):
    """That an organisation voted in a secret ballot, never what: one per organisation (a constraint). No time is
    kept, so that nothing orders it against the ballots."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["resolution", "organisation"],
                                               name="one_participation_per_organisation")]


class SecretBallot(models.Model):
    """What was voted in a secret ballot: no voter, no time, a random key (so neither the key's order nor a
    timestamp joins it to a Participation). Counted at closing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="ballots")
    option = models.ForeignKey(ResolutionOption, on_delete=models.PROTECT, related_name="ballots")

    class Meta:
        verbose_name = _("secret ballot")
        verbose_name_plural = _("secret ballots")
