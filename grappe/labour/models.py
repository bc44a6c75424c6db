"""Labour sharing: a member with idle skilled staff lends them, for a period and at cost, to a member short of hands.

A lender posts an availability (Availability: skills, how many people, when, where, the hourly rate at cost, the
clearances the work needs) without naming anyone; a borrower posts a need (Need) with the same fields, and sees the
availabilities that match it. A loan (Loan) is requested on an availability for some of its people and part of
its period; both sides accept its agreement (a PDF in French and English whose fingerprint each acceptance
records); the lender then names the employees (LoanEmployee), and the borrower sees their name, role and work
contact, and nothing before both accepted. Hours are recorded each month (LoanHours).

The capacity of an availability is never double-booked: on any day, the people of its loans that hold capacity
(requested, agreed, active) never exceed the people it posted. The services check it with the availability's row
locked, and on PostgreSQL constraint triggers check it again at the end of each statement (not deferred to the
commit), whatever writes: on every written loan (migration 0002) and on every change of an availability's people
or period (migration 0003).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from grappe.members.models import Capability, Organisation, Person, Region


class WorkMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("On site or remote")


class Clearance(models.TextChoices):
    """The Government of Canada's security screening levels a work may require."""

    NONE = "none", _("None")
    RELIABILITY = "reliability", _("Reliability status")
    SECRET = "secret", _("Secret")
    TOP_SECRET = "top_secret", _("Top secret")


class PostStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")  # the period is over, or the borrower found its people


class Post(models.Model):
    """What an availability and a need both say: skills, people, period, place, mode, requirements."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    skills = models.ManyToManyField(Capability, verbose_name=_("skills"), related_name="+")
    people = models.PositiveSmallIntegerField(_("number of people"))
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    region = models.CharField(_("region"), max_length=2, choices=Region.choices)
    location = models.CharField(_("place"), max_length=200, blank=True)
    mode = models.CharField(_("on site or remote"), max_length=10, choices=WorkMode.choices,
                            default=WorkMode.ON_SITE)
    clearance = models.CharField(_("security clearance"), max_length=15, choices=Clearance.choices,
                                 default=Clearance.NONE)
    controlled_goods = models.BooleanField(_("Controlled Goods Program registration"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["start", "-created_at"]

    def __str__(self):
        return self.title


class Availability(Post):
    """Skilled people a member can lend, unnamed, at cost."""

    # CAD per hour, at cost: wages and charges only, which the lender confirms (at_cost_confirmed).
    hourly_rate = models.DecimalField(_("rate at cost (CAD per hour)"), max_digits=8, decimal_places=2)
    at_cost_confirmed = models.BooleanField(_("the rate covers wages and charges only"), default=False)

    class Meta(Post.Meta):
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="availability_has_people"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="availability_period_in_order"),
            models.CheckConstraint(condition=Q(hourly_rate__gt=0), name="availability_rate_positive"),
            models.CheckConstraint(condition=Q(at_cost_confirmed=True), name="availability_rate_at_cost"),
        ]


class Need(Post):
    """Skilled people a member is short of."""

    max_hourly_rate = models.DecimalField(_("highest rate (CAD per hour)"), max_digits=8, decimal_places=2,
                                          null=True, blank=True)

    class Meta(Post.Meta):
        verbose_name = _("staffing need")
        verbose_name_plural = _("staffing needs")
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="need_has_people"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="need_period_in_order"),
            models.CheckConstraint(condition=Q(max_hourly_rate__isnull=True) | Q(max_hourly_rate__gt=0),
                                   name="need_rate_positive"),
        ]


class LoanStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")      # the borrower asked; the agreement awaits both acceptances
    AGREED = "agreed", _("Agreement accepted")    # both accepted the agreement
    ENDED = "ended", _("Ended")
    REFUSED = "refused", _("Refused")             # the lender said no
    CANCELLED = "cancelled", _("Cancelled")       # the borrower withdrew before both accepted


# The loans that hold an availability's capacity.
HOLDING_CAPACITY = (LoanStatus.REQUESTED, LoanStatus.AGREED)


class Loan(models.Model):
    """Some people of an availability lent to a borrower for a period, at a rate."""

    availability = models.ForeignKey(Availability, verbose_name=_("availability"), on_delete=models.PROTECT,
                                     related_name="loans")
    borrower = models.ForeignKey(Organisation, verbose_name=_("borrower"), on_delete=models.PROTECT,
                                 related_name="+")
    need = models.ForeignKey(Need, verbose_name=_("need"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="loans")
    people = models.PositiveSmallIntegerField(_("number of people"))
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    hourly_rate = models.DecimalField(_("rate at cost (CAD per hour)"), max_digits=8, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Each side's acceptance of the agreement, and the fingerprint (SHA-256) of the PDF it accepted: a change of
    # terms makes a new agreement, which both accept again.
    agreement_sha256 = models.CharField(max_length=64, blank=True)
    lender_accepted_at = models.DateTimeField(null=True, blank=True)
    lender_accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    borrower_accepted_at = models.DateTimeField(null=True, blank=True)
    borrower_accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    # The agreement both sides accepted, kept as it was (French and English PDFs): SHA-256 of the French bytes
    # then the English ones is agreement_sha256. Written when the loan becomes agreed (and when an extension
    # both sides accepted changes its terms); the agreed or ended loan's page serves these copies.
    agreement_pdf_fr = models.BinaryField(null=True, blank=True, editable=False)
    agreement_pdf_en = models.BinaryField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("loan of staff")
        verbose_name_plural = _("loans of staff")
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="loan_has_people"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="loan_period_in_order"),
            models.CheckConstraint(condition=Q(hourly_rate__gt=0), name="loan_rate_positive"),
            models.CheckConstraint(
                condition=~Q(status="agreed") | Q(lender_accepted_at__isnull=False, borrower_accepted_at__isnull=False),
                name="agreed_loan_accepted_by_both"),
        ]
        indexes = [models.Index(fields=["availability", "status"])]

    def __str__(self):
        return f"{self.availability} → {self.borrower}"

    @property
    def accepted_by_both(self) -> bool:
        return self.lender_accepted_at is not None and self.borrower_accepted_at is not None


class LoanEmployee(models.Model):
    """An employee lent: named by the lender once both sides accepted the agreement. The borrower sees their name,
    role and work contact, nothing more; the employee is told and sees what was shared."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="employees")
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="loans")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=150)
    work_email = models.EmailField(_("work email"))
    work_phone = models.CharField(_("work phone"), max_length=40, blank=True)
    told_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employee lent")
        verbose_name_plural = _("employees lent")
        constraints = [models.UniqueConstraint(fields=["loan", "work_email"], name="employee_once_per_loan")]

    def __str__(self):
        return self.name


class LoanHours(models.Model):
    """The hours worked in one month of a loan (all its people together)."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="hours")
    month = models.DateField(_("month"))  # its first day
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month"]
        verbose_name = _("hours of a month")
        verbose_name_plural = _("hours")
        constraints = [
            models.UniqueConstraint(fields=["loan", "month"], name="hours_once_per_loan_and_month"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.loan_id} {self.month:%Y-%m}: {self.hours}"
