"""Cooperation between clusters: this Grappe instance's partnerships with other instances, and what travels
between them over ActivityPub (W3C), each request signed with HTTP Message Signatures (RFC 9421, Ed25519).

- `InstanceKey`: this instance's own key pair (one row). Its public half is published in the actor document;
  partners check every request from us against it.
- `Partner`: another cluster's instance, entered by our staff (its address, its name and its key's fingerprint
  seen and approved). A partnership is active when both sides approved (each side's approval travels as a
  `Follow`); either side suspends or revokes it at once, which stops all exchange both ways and hides what
  was received from it.
- `SharedItem`: a local item (an opportunity, a declared need, a labour availability, a public event, a
  capability profile) its organisation (or the staff, for an event) chose to share with partner clusters. Off
  by default: no row, nothing travels.
- `OutgoingActivity`: the outbox, one row per activity and partner, delivered by a background task with
  exponential back-off; `ReceivedActivity`: the inbox's record of every activity taken in, keyed by its id,
  so that an activity delivered twice is acted on once.
- `RemoteItem`: an item received from a partner (its latest version), shown to our members marked with its
  cluster's name; a withdrawal at the origin (a `Delete`) marks it withdrawn.
- `Interest`: a member's interest in an item of another cluster. It travels to the origin cluster's staff,
  who make the introduction with both sides' consent. The same table holds our members' interests (sent)
  and the partners' members' interests in our items (received).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grappe.members.models import Organisation


class InstanceKey(models.Model):
    """This instance's Ed25519 key pair, made once (`keys.instance_key`). One row: the constraint holds it."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    private_key = models.TextField(editable=False)  # PEM, PKCS#8; never leaves the instance
    public_key = models.TextField(editable=False)  # PEM, SubjectPublicKeyInfo
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(singleton=True), name="federation_one_instance_key")]


class ItemKind(models.TextChoices):
    """What may travel to a partner cluster, each kind chosen per partner by the staff."""

    OPPORTUNITY = "opportunity", _("Opportunities")
    DECLARED_NEED = "need", _("Declared needs")
    AVAILABILITY = "availability", _("Staff availabilities")
    EVENT = "event", _("Public events")
    PROFILE = "profile", _("Capability profiles")


# One item of each kind, as a page names it ("an opportunity" where `ItemKind` names the list, "opportunities").
ITEM_NAMES = {
    ItemKind.OPPORTUNITY: _("Opportunity"), ItemKind.DECLARED_NEED: _("Declared need"),
    ItemKind.AVAILABILITY: _("Staff availability"), ItemKind.EVENT: _("Public event"),
    ItemKind.PROFILE: _("Capability profile"),
}


class PartnerStatus(models.TextChoices):
    WAITING = "waiting", _("Approved by us, waiting for them")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class Partner(models.Model):
    """Another cluster's Grappe instance. Created when our staff approve its address after seeing its name and
    its key's fingerprint; active once its own approval (its `Follow`) reached us."""

    actor_url = models.URLField(_("address"), max_length=500, unique=True)
    inbox_url = models.URLField(max_length=500)
    name = models.CharField(_("name"), max_length=200)
    public_key = models.TextField()  # PEM of its Ed25519 public key, as approved
    fingerprint = models.CharField(_("key fingerprint"), max_length=100)  # SHA-256 of the raw key, hex
    status = models.CharField(_("status"), max_length=10, choices=PartnerStatus.choices,
                              default=PartnerStatus.WAITING)
    kinds = models.JSONField(_("what may travel to them"), default=list, blank=True,
                             help_text="ItemKind values our members' shared items may travel to this partner as")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)
    they_approved_at = models.DateTimeField(null=True, blank=True)  # their Follow reached us
    # Each side decides for itself; `status` is what follows from both (services.partnerships.settle): our
    # suspension, or their Block (they suspended or revoked us; their Undo or a new Follow lifts it).
    suspended_by_us = models.BooleanField(default=False)
    they_blocked_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField(null=True, blank=True)  # last suspension, resumption or revocation

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner cluster")
        verbose_name_plural = _("partner clusters")

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == PartnerStatus.ACTIVE


class SharedItem(models.Model):
    """A local item marked as shareable with partner clusters. `object_id` is the item's primary key in its own
    app's table (the kind says which); the organisation is the one whose item it is (none for an event, which
    the staff share)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    object_id = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="federation_shared_once")]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up")
    HALTED = "halted", _("Stopped: the partnership is suspended or revoked")


class OutgoingActivity(models.Model):
    """One activity for one partner. Delivered in order of creation by `services.delivery`, retried with
    exponential back-off; the partner's inbox stores it once, keyed by `activity_id`, however many times it
    arrives."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="outbox")
    activity_id = models.URLField(max_length=500)
    activity_type = models.CharField(max_length=20)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(auto_now_add=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "activity_id"], name="federation_sent_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="federation_outbox_due"),
                   # Delivery reads a partner's oldest pending row (its next to go) from this index.
                   models.Index(fields=["partner", "status", "id"], name="federation_outbox_order")]


class ReceivedActivity(models.Model):
    """Every activity the inbox took in, once: the unique id makes a second delivery a no-op."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="received")
    activity_id = models.URLField(max_length=500, unique=True)
    activity_type = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True)


class RemoteItem(models.Model):
    """The latest version of an item a partner shared with us. Shown to our members while the partnership is
    active and the item not withdrawn; `data` holds the fields as received (already free of contacts and
    confidential fields at the origin), `title` and `summary` what lists show."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="items")
    object_url = models.URLField(max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    data = models.JSONField(default=dict)
    published_at = models.DateTimeField(null=True, blank=True)  # at the origin
    updated_at = models.DateTimeField(null=True, blank=True)  # at the origin: an older update is ignored
    received_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["partner", "object_url"], name="federation_item_once")]
        indexes = [models.Index(fields=["kind", "withdrawn_at"], name="federation_item_kind")]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language when the origin sent it in each (a declared need's `nameMap`), the
        title as received otherwise."""
        names = self.data.get("nameMap") if isinstance(self.data, dict) else None
        name = names.get((get_language() or "fr")[:2]) if isinstance(names, dict) else None
        return name if isinstance(name, str) and name.strip() else self.title

    @property
    def kind_name(self) -> str:
        """What one item of its kind is called ("Opportunity")."""
        return str(ITEM_NAMES.get(self.kind, self.get_kind_display()))


class InterestStatus(models.TextChoices):
    SENT = "sent", _("Sent to the other cluster")
    RECEIVED = "received", _("Waiting for the staff")
    ASKED = "asked", _("Waiting for the member's consent")
    INTRODUCED = "introduced", _("Introduction made")
    DECLINED = "declined", _("Declined")


class Interest(models.Model):
    """A member's interest in another cluster's item. Sent: `remote_item` and our `organisation` (and the person
    who expressed it) are set. Received: `shared_item` is ours, `partner` says whose member is interested, and
    `remote_organisation` / `remote_contact` hold what that member chose to give."""

    activity_id = models.URLField(max_length=500, unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="interests")
    remote_item = models.ForeignKey(RemoteItem, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="interests")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    shared_item = models.ForeignKey(SharedItem, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="interests")
    remote_organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    remote_contact = models.JSONField(default=dict, blank=True)  # name, email, given with consent
    message = models.TextField(_("message"), max_length=3000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=InterestStatus.choices)
    answer = models.JSONField(default=dict, blank=True)  # the introduction as it came back (contact, message)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One interest per organisation and remote item: a double click sends one.
            models.UniqueConstraint(fields=["organisation", "remote_item"], condition=Q(remote_item__isnull=False),
                                    name="federation_interest_once"),
            models.CheckConstraint(condition=Q(remote_item__isnull=True) | Q(organisation__isnull=False),
                                   name="federation_sent_interest_has_organisation"),
        ]
