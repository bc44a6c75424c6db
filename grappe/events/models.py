"""Matchmaking events: B2B meeting days where participants meet in short bilateral meetings at numbered tables.

An organiser (cluster staff) creates an event with its sessions (a day's morning, afternoon…: breaks and
days lie between sessions), which are cut into slots of the event's length, and its tables. People register
(a member's people with their account; guests with an email they confirm), say what they offer and seek,
and mark the slots they cannot attend. During the request phase they ask each other for meetings; the
organiser then runs the scheduler (matching/scheduler.py), which places as many of the accepted requests as
possible into slots and tables, and publishes the agendas.

The invariants that two people acting at once must not break are database constraints: a person is in at
most one live meeting per slot (MeetingSeat), a table holds at most one live meeting per slot, a request
has at most one live meeting, two organisations meet at most once, and two registrations have at most one
open request between them, whichever side asked.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least, Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grappe.core.models import Job
from grappe.members.models import Capability, Organisation, Person


class Phase(models.TextChoices):
    """Where the event stands. Each phase allows what the one before it did, and a little more."""

    DRAFT = "draft", _("Draft — not announced")
    REGISTRATION = "registration", _("Registration open")
    REQUESTS = "requests", _("Meeting requests open")
    SCHEDULING = "scheduling", _("Requests closed — scheduling")
    PUBLISHED = "published", _("Agendas published")
    FINISHED = "finished", _("Finished")


class Audience(models.TextChoices):
    MEMBERS = "members", _("Members only")
    MEMBERS_AND_GUESTS = "guests", _("Members and guests")


class Event(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    audience = models.CharField(_("who may attend"), max_length=10, choices=Audience.choices,
                                default=Audience.MEMBERS)
    phase = models.CharField(_("phase"), max_length=15, choices=Phase.choices, default=Phase.DRAFT)
    registration_opens = models.DateTimeField(_("registration opens"))
    registration_closes = models.DateTimeField(_("registration closes"))
    slot_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=25)
    max_meetings = models.PositiveSmallIntegerField(_("maximum meetings per participant"), null=True, blank=True)
    max_consecutive = models.PositiveSmallIntegerField(_("maximum meetings in a row before a break"),
                                                       null=True, blank=True)
    allow_moves = models.BooleanField(
        _("re-scheduling may move published meetings"), default=False,
        help_text=_("Off: a new run keeps every published meeting where it is and fills the free room."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-registration_opens"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=models.Q(registration_closes__gt=models.F("registration_opens")),
                                   name="event_registration_window_ordered"),
            models.CheckConstraint(condition=models.Q(slot_minutes__gte=5, slot_minutes__lte=240),
                                   name="event_slot_length_sensible"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event-detail", args=[self.pk])


class Session(models.Model):
    """A block of back-to-back slots on one day (a break or the night lies between two sessions)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))

    class Meta:
        ordering = ["date", "starts"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")), name="session_times_ordered"),
            models.UniqueConstraint(fields=["event", "date", "starts"], name="one_session_per_start"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Slot(models.Model):
    """One meeting time. `index` orders the event's slots in time; the scheduler knows slots by it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    index = models.PositiveIntegerField()
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["index"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(fields=["event", "index"], name="one_slot_per_index"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_times_ordered"),
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class Table(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("room or label"), max_length=100, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="one_table_per_number")]

    def __str__(self):
        return f"{self.number} {self.label}".strip()


class RegistrationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Email to confirm")
    PENDING = "pending", _("Awaiting validation")
    VALIDATED = "validated", _("Validated")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


def new_access_key() -> str:
    return secrets.token_urlsafe(24)


class Registration(models.Model):
    """A participant of one event: a member's person (signed in with their account) or a guest.

    A guest has no account: the link in its confirmation email (with `access_key`) opens its participation
    in the browser session, after which it uses the same pages as a member's person.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="event_registrations")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="event_registrations")
    guest_name = models.CharField(_("name"), max_length=200, blank=True)
    guest_email = models.EmailField(_("email"), blank=True)
    guest_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fr")
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.PENDING)
    offers = models.ManyToManyField(Capability, verbose_name=_("what we offer"), blank=True, related_name="+")
    seeks = models.ManyToManyField(Capability, verbose_name=_("what we seek"), blank=True, related_name="+")
    pitch = models.TextField(_("in a few words"), max_length=2000, blank=True)
    unavailable_slots = models.ManyToManyField(Slot, verbose_name=_("slots I cannot attend"), blank=True,
                                               related_name="+")
    access_key = models.CharField(max_length=64, unique=True, default=new_access_key, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], condition=models.Q(person__isnull=False),
                                    name="one_registration_per_person"),
            models.UniqueConstraint("event", Lower("guest_email"), condition=~models.Q(guest_email=""),
                                    name="one_registration_per_guest_email"),
            # A member's person, or a guest with a name and an email: never both, never neither.
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False, organisation__isnull=False, guest_email="")
                           | (models.Q(person__isnull=True, organisation__isnull=True)
                              & ~models.Q(guest_email="") & ~models.Q(guest_name=""))),
                name="registration_member_or_guest"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def is_guest(self) -> bool:
        return self.person_id is None

    @property
    def display_name(self) -> str:
        return self.guest_name if self.is_guest else self.person.full_name

    @property
    def organisation_name(self) -> str:
        return self.guest_organisation if self.is_guest else self.organisation.display_name

    @property
    def is_active(self) -> bool:
        return self.status == RegistrationStatus.VALIDATED

    @property
    def organisation_key(self) -> int:
        """Who the scheduler treats as one organisation: the member organisation, or the guest alone."""
        return self.organisation_id if self.organisation_id is not None else -self.pk


class Priority(models.IntegerChoices):
    LOW = 1, _("Nice to meet")
    NORMAL = 2, _("Want to meet")
    HIGH = 3, _("Must meet")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_REQUEST_STATUSES = [RequestStatus.PENDING, RequestStatus.ACCEPTED]


class MeetingRequest(models.Model):
    """One participant asks another for a meeting; the other accepts or declines it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="requests")
    requester = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="requests_sent")
    recipient = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="requests_received")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    recipient_priority = models.PositiveSmallIntegerField(_("priority of the other side"), choices=Priority.choices,
                                                          null=True, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.CheckConstraint(condition=~models.Q(requester=models.F("recipient")),
                                   name="meeting_request_not_to_oneself"),
            # One open request per pair, whoever asked first: asking back accepts instead (services).
            models.UniqueConstraint(Least("requester", "recipient"), Greatest("requester", "recipient"),
                                    condition=models.Q(status__in=OPEN_REQUEST_STATUSES),
                                    name="one_open_request_per_pair"),
        ]

    def __str__(self):
        return f"{self.requester} → {self.recipient}"

    @property
    def weight(self) -> int:
        """What placing this meeting is worth to the scheduler: both sides' priorities count."""
        return self.priority + (self.recipient_priority or 0)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned (not published)")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    NONE = "", _("Not recorded")
    NOTHING = "nothing", _("No follow-up")
    FOLLOW_UP = "follow_up", _("Follow-up planned")
    QUOTE = "quote", _("Quote requested")
    AGREEMENT = "agreement", _("Agreement")


LIVE_MEETING = ~models.Q(status=MeetingStatus.CANCELLED)


class Meeting(models.Model):
    """An accepted request placed in a slot at a table, by the scheduler or by hand."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    request = models.ForeignKey(MeetingRequest, on_delete=models.PROTECT, related_name="meetings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="meetings")
    table = models.ForeignKey(Table, on_delete=models.PROTECT, related_name="meetings")
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.PLANNED)
    # Registration.organisation_key of both sides, smaller first: two organisations meet at most once.
    organisation_low = models.IntegerField(editable=False)
    organisation_high = models.IntegerField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__index", "table__number"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["slot", "table"], condition=LIVE_MEETING, name="one_meeting_per_table"),
            models.UniqueConstraint(fields=["request"], condition=LIVE_MEETING, name="one_meeting_per_request"),
            models.UniqueConstraint(fields=["event", "organisation_low", "organisation_high"],
                                    condition=LIVE_MEETING, name="organisations_meet_once"),
            models.CheckConstraint(condition=models.Q(organisation_low__lt=models.F("organisation_high")),
                                   name="meeting_between_two_organisations"),
        ]

    def __str__(self):
        return f"{self.request} @ {self.slot} / {self.table}"


class MeetingSeat(models.Model):
    """One side of a meeting: it keeps a person to one meeting per slot, and its own account of the outcome."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="seats")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="+")
    live = models.BooleanField(default=True)  # the meeting's status is not CANCELLED (kept in step by services)
    happened = models.BooleanField(_("the meeting took place"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.NONE,
                               blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("meeting seat")
        verbose_name_plural = _("meeting seats")
        constraints = [
            models.UniqueConstraint(fields=["registration", "slot"], condition=models.Q(live=True),
                                    name="one_meeting_per_person_per_slot"),
            models.UniqueConstraint(fields=["meeting", "registration"], name="one_seat_per_side"),
        ]


class ScheduleRun(Job):
    """One run of the scheduler (a core Job: progress in percent), with what it proved: placed weight, upper
    bound, and why requests stayed out."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_runs")
    requests_count = models.PositiveIntegerField(default=0)
    placed_count = models.PositiveIntegerField(default=0)
    placed_weight = models.PositiveIntegerField(default=0)
    upper_bound = models.PositiveIntegerField(default=0)
    solver_status = models.CharField(max_length=10, blank=True)  # optimal / feasible / greedy
    greedy_count = models.PositiveIntegerField(default=0)
    greedy_weight = models.PositiveIntegerField(default=0)
    idle_gaps = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    # [{"request": id, "reason": code, "participant": registration id or null}] (matching.scheduler.Unplaced)
    unplaced = models.JSONField(default=list, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("scheduler run")
        verbose_name_plural = _("scheduler runs")
        constraints = [
            *Job.Meta.constraints,
            # One run at a time per event: a double click on "run" starts one.
            models.UniqueConstraint(fields=["event"], condition=models.Q(status__in=["queued", "running"]),
                                    name="one_schedule_run_at_a_time"),
        ]

    @property
    def gap(self) -> float:
        return (self.upper_bound - self.placed_weight) / self.upper_bound if self.upper_bound else 0.0


class PrintJob(Job):
    """One print run (a core Job: progress in percent): every validated participant's agenda and a sign per
    table, as one PDF made by a background task. Rendering takes about a minute for 500 participants, so the page shows the job's progress
    and then the download; an event keeps only its latest finished job (the older PDFs are deleted)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="print_jobs")
    agendas = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    pdf = models.BinaryField(null=True, blank=True, editable=False)

    class Meta(Job.Meta):
        verbose_name = _("print run")
        verbose_name_plural = _("print runs")
        constraints = [
            *Job.Meta.constraints,
            # One print run at a time per event: a double click on "print" starts one.
            models.UniqueConstraint(fields=["event"], condition=models.Q(status__in=["queued", "running"]),
                                    name="one_print_job_at_a_time"),
            models.CheckConstraint(condition=~models.Q(status="done") | models.Q(pdf__isnull=False),
                                   name="finished_print_job_has_its_pdf"),
        ]
