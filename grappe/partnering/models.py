"""Partnering: opportunities and the competencies they need, introductions, declared needs, succession flags."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grappe.members.models import Capability, CertificationType, Organisation, Region

MAX_DESCRIPTION_LENGTH = 50_000


class OpportunityKind(models.TextChoices):
    PROJECT = "project", _("Project")
    TENDER = "tender", _("Call for tenders")
    CUSTOMER_REQUEST = "customer", _("Customer request")
    FUNDING_CALL = "funding", _("Funding call")
    POOLING = "pooling", _("Pooling with others (a shared initiative)")


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft — competencies to confirm")
    READY = "ready", _("Competencies confirmed")
    CLOSED = "closed", _("Closed")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me and the cluster staff")
    MEMBERS = "members", _("Published to members")


class Opportunity(models.Model):
    """Something an organisation (or the staff, for a funding call) wants to do and may need partners for."""

    initiator = models.ForeignKey(Organisation, verbose_name=_("initiator"), on_delete=models.PROTECT,
                                  related_name="opportunities")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=OpportunityKind.choices, default=OpportunityKind.PROJECT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION_LENGTH)
    required_certifications = models.ManyToManyField(CertificationType, verbose_name=_("required certifications"),
                                                     blank=True, related_name="+")
    # The materials its text names, as codes of matching.mentions.MATERIALS ("titanium"): partners whose
    # evidence or certifications name them are preferred.
    materials = models.JSONField(_("materials"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=2, choices=Region.choices, blank=True)
    budget = models.DecimalField(_("budget (CAD)"), max_digits=14, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OpportunityStatus.choices,
                              default=OpportunityStatus.DRAFT)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PRIVATE)
    # The consortium rules the initiator chose last (max size, at least one SME…), as matching.consortia.Rules.
    consortium_rules = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                                   name="opportunity_budget_not_negative"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partnering:opportunity-detail", args=[self.pk])


class NeedSource(models.TextChoices):
    INFERRED = "inferred", _("Found in the text")
    ADDED = "added", _("Added by hand")


class OpportunityNeed(models.Model):
    """A competency an opportunity needs: must-have or nice-to-have, and why Grappe thinks so."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="needs")
    capability = models.ForeignKey(Capability, verbose_name=_("competency"), on_delete=models.PROTECT,
                                   related_name="+")
    must_have = models.BooleanField(_("must-have"), default=True)
    source = models.CharField(max_length=10, choices=NeedSource.choices, default=NeedSource.INFERRED)
    triggers = models.JSONField(default=list, blank=True, help_text="the words of the text that suggested it")
    score = models.FloatField(default=0)

    class Meta:
        ordering = ["-must_have", "-score", "capability__label_fr"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "capability"], name="one_need_per_competency")]

    def __str__(self):
        return f"{self.opportunity} — {self.capability}"


class IntroductionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Introduction(models.Model):
    """The initiator asks to be introduced to a partner; contacts are shared only once the partner accepts."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="introductions")
    partner = models.ForeignKey(Organisation, verbose_name=_("partner"), on_delete=models.PROTECT,
                                related_name="introductions_received")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=IntroductionStatus.choices,
                              default=IntroductionStatus.REQUESTED)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        constraints = [
            # A double-clicked request, or two colleagues asking at once, make one introduction.
            models.UniqueConstraint(fields=["opportunity", "partner"], name="one_introduction_per_partner"),
        ]

    def __str__(self):
        return f"{self.opportunity} → {self.partner}"

    def get_absolute_url(self):
        return reverse("partnering:introduction-detail", args=[self.pk])


class IntroductionMessage(models.Model):
    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class NeedKind(models.TextChoices):
    """What a member may declare it needs: a competency (reciprocity) or something to pool with others."""

    COMPETENCY = "competency", _("A competency we lack or are interested in")
    TRAINING = "training", _("Training")
    CERTIFICATION_AUDIT = "audit", _("Certification audit")
    EQUIPMENT = "equipment", _("Equipment")
    PURCHASE = "purchase", _("Purchase")
    OTHER = "other", _("Other")


class DeclaredNeed(models.Model):
    """A need an organisation declared: it feeds reciprocity in rankings and pooling proposals to the staff."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="declared_needs")
    kind = models.CharField(_("kind"), max_length=20, choices=NeedKind.choices)
    capability = models.ForeignKey(Capability, verbose_name=_("competency"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    certification_type = models.ForeignKey(CertificationType, verbose_name=_("certification"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("still needed"), default=True)

    class Meta:
        ordering = ["kind", "-created_at"]
        verbose_name = _("declared need")
        verbose_name_plural = _("declared needs")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="competency") | models.Q(capability__isnull=False),
                name="competency_need_names_a_competency"),
            models.UniqueConstraint(fields=["organisation", "kind", "capability"],
                                    condition=models.Q(is_active=True, capability__isnull=False),
                                    name="one_active_need_per_competency"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_kind_display()}"


class SuccessionKind(models.TextChoices):
    SELL = "sell", _("The owner wishes to sell")
    SUCCESSOR = "successor", _("The owner is looking for a successor")
    MERGE = "merge", _("Open to a merger or an alliance")


class SuccessionFlag(models.Model):
    """Confidential: seen by the cluster staff only (and the organisation's own admins who raised it)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="succession_flags")
    kind = models.CharField(_("wish"), max_length=20, choices=SuccessionKind.choices)
    horizon = models.CharField(_("horizon"), max_length=100, blank=True, help_text=_("e.g. within 2 years"))
    note = models.TextField(_("note for the staff"), max_length=5000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("succession flag")
        verbose_name_plural = _("succession flags")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], condition=models.Q(is_active=True),
                                    name="one_current_succession_flag"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_kind_display()}"
