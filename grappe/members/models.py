"""Who belongs to the cluster: accounts, organisations, people, the capability taxonomy, certifications."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grappe.core.models import Job, JobStatus

from .address import CoordinateField, MrcField, PostalCodeField


def in_language(fr: str, en: str) -> str:
    """The French or English text for the active language, falling back to the other one."""
    if (get_language() or "fr").startswith("en"):
        return en or fr
    return fr or en


class Role(models.TextChoices):
    """A user's cluster-wide role. Member users get their rights from their organisation (Person.org_role)."""

    MEMBER = "member", _("Member user")
    STAFF_ADMIN = "staff_admin", _("Cluster staff — administrator")
    STAFF_PROGRAMS = "staff_programs", _("Cluster staff — programs officer")
    STAFF_COMMUNICATIONS = "staff_communications", _("Cluster staff — communications")
    EVALUATOR = "evaluator", _("Program evaluator")
    OBSERVER = "observer", _("Government observer")


STAFF_ROLES = {Role.STAFF_ADMIN, Role.STAFF_PROGRAMS, Role.STAFF_COMMUNICATIONS}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(role=Role.STAFF_ADMIN, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Signs in with its email; the language it chose is used for pages and mail."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fr")
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        """Cluster staff may use the Django admin back office."""
        return self.is_active and (self.role in STAFF_ROLES or self.is_superuser)

    @property
    def is_cluster_staff(self) -> bool:
        return self.is_staff

    @property
    def organisation(self):
        """The organisation this user currently acts for, or None."""
        person = getattr(self, "person", None)
        return person.organisation if person is not None and person.is_active else None


class OrganisationKind(models.TextChoices):
    PRIME = "prime", _("Prime / OEM")
    TIER1 = "tier1", _("Tier 1 supplier")
    TIER2 = "tier2", _("Tier 2 supplier")
    TIER3 = "tier3", _("Tier 3 supplier")
    SME = "sme", _("SME")
    MRO = "mro", _("MRO")
    UNIVERSITY = "university", _("University")
    COLLEGE = "college", _("College")
    RESEARCH_CENTRE = "research", _("Research centre")
    SERVICE_FIRM = "services", _("Service firm")
    OTHER = "other", _("Other")


class SizeBand(models.TextChoices):
    MICRO = "1-9", _("1–9 employees")
    SMALL = "10-49", _("10–49 employees")
    MEDIUM = "50-199", _("50–199 employees")
    LARGE = "200-499", _("200–499 employees")
    VERY_LARGE = "500-999", _("500–999 employees")
    HUGE = "1000+", _("1,000 employees or more")


class Region(models.TextChoices):
    """Quebec's administrative regions, plus one for members based elsewhere."""

    BAS_SAINT_LAURENT = "01", "Bas-Saint-Laurent"
    SAGUENAY = "02", "Saguenay–Lac-Saint-Jean"
    CAPITALE_NATIONALE = "03", "Capitale-Nationale"
    MAURICIE = "04", "Mauricie"
    ESTRIE = "05", "Estrie"
    MONTREAL = "06", "Montréal"
    OUTAOUAIS = "07", "Outaouais"
    ABITIBI = "08", "Abitibi-Témiscamingue"
    COTE_NORD = "09", "Côte-Nord"
    NORD_DU_QUEBEC = "10", "Nord-du-Québec"
    GASPESIE = "11", "Gaspésie–Îles-de-la-Madeleine"
    CHAUDIERE_APPALACHES = "12", "Chaudière-Appalaches"
    LAVAL = "13", "Laval"
    LANAUDIERE = "14", "Lanaudière"
    LAURENTIDES = "15", "Laurentides"
    MONTEREGIE = "16", "Montérégie"
    CENTRE_DU_QUEBEC = "17", "Centre-du-Québec"
    OUTSIDE = "99", _("Outside Quebec")


class Province(models.TextChoices):
    """Canada's provinces and territories, by their Canada Post codes; Quebec first, then Ontario."""

    QUEBEC = "QC", _("Quebec")
    ONTARIO = "ON", _("Ontario")
    ALBERTA = "AB", _("Alberta")
    BRITISH_COLUMBIA = "BC", _("British Columbia")
    PRINCE_EDWARD_ISLAND = "PE", _("Prince Edward Island")
    MANITOBA = "MB", _("Manitoba")
    NEW_BRUNSWICK = "NB", _("New Brunswick")
    NOVA_SCOTIA = "NS", _("Nova Scotia")
    NUNAVUT = "NU", _("Nunavut")
    NEWFOUNDLAND_AND_LABRADOR = "NL", _("Newfoundland and Labrador")
    SASKATCHEWAN = "SK", _("Saskatchewan")
    NORTHWEST_TERRITORIES = "NT", _("Northwest Territories")
    YUKON = "YT", _("Yukon")


class MembershipStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active member")
    SUSPENDED = "suspended", _("Suspended")
    FORMER = "former", _("Former member")


neq_validator = RegexValidator(r"^\d{10}$", _("A Quebec business number (NEQ) has exactly 10 digits."))


class Organisation(models.Model):
    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    slug = models.SlugField(_("address in the directory"), max_length=220, unique=True)
    neq = models.CharField(
        _("business number (NEQ)"), max_length=10, unique=True, null=True, blank=True, validators=[neq_validator]
    )
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, blank=True)
    # The postal address is a business address: members and staff see it; the public sees city and region.
    street_address = models.CharField(_("street address"), max_length=255, blank=True,
                                      help_text=_("Number, street and suite: 1234, rue Principale, bureau 200."))
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices, blank=True)
    postal_code = PostalCodeField(_("postal code"), blank=True)
    mrc = MrcField(_("MRC"), blank=True,
                   help_text=_("Regional county municipality (or equivalent territory, such as Laval or the "
                               "Longueuil agglomeration)."))
    region = models.CharField(_("region"), max_length=2, choices=Region.choices, blank=True)
    latitude = CoordinateField(_("latitude"), bound=90, null=True, blank=True,
                               help_text=_("In decimal degrees: 45.5017 for Montréal."))
    longitude = CoordinateField(_("longitude"), bound=180, null=True, blank=True,
                                help_text=_("In decimal degrees, negative in the Americas: -73.5673 for Montréal."))
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("general email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    membership_status = models.CharField(
        _("membership status"), max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    membership_ends = models.DateField(_("membership ends"), null=True, blank=True)
    listed_in_directory = models.BooleanField(_("listed in the public directory"), default=True)
    # Accent- and case-folded words of names, descriptions and capabilities (labels and synonyms in both
    # languages), rebuilt by members.search.refresh_search_text whenever one of them changes.
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(membership_ends__isnull=True)
                | models.Q(member_since__isnull=True)
                | models.Q(membership_ends__gte=models.F("member_since")),
                name="organisation_membership_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="organisation_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="organisation_longitude_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="organisation_coordinates_together",
                violation_error_message=_("Give both the latitude and the longitude, or neither."),
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "region", "size_band"]),
            # The directory lists active, listed members by name: its count and pages read this index alone.
            models.Index(fields=["membership_status", "listed_in_directory", "legal_name"],
                         name="organisation_directory_order"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def description(self) -> str:
        return in_language(self.description_fr, self.description_en)

    @property
    def is_member(self) -> bool:
        return self.membership_status == MembershipStatus.ACTIVE

    def get_absolute_url(self):
        return reverse("members:organisation-detail", args=[self.slug])


class OrgRole(models.TextChoices):
    ADMIN = "admin", _("Organisation administrator")
    MEMBER = "member", _("Member user")


class Person(models.Model):
    """Someone who works for a member organisation. May or may not have an account (user)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fr")
    org_role = models.CharField(_("role in the organisation"), max_length=10, choices=OrgRole.choices,
                                default=OrgRole.MEMBER)
    is_primary_contact = models.BooleanField(_("primary contact"), default=False)
    consent_directory = models.BooleanField(_("agrees to be listed as a contact for members"), default=False)
    consent_communications = models.BooleanField(_("agrees to receive the cluster's communications"),
                                                 default=False)
    is_active = models.BooleanField(_("still works there"), default=True)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_email_ci_unique"),
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(is_primary_contact=True),
                name="one_primary_contact_per_organisation",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Capability(models.Model):
    """A node of the bilingual capability taxonomy: a domain (no parent) or a capability inside one."""

    parent = models.ForeignKey(
        "self", verbose_name=_("domain"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.SlugField(_("code"), max_length=80, unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    synonyms_fr = models.TextField(_("synonyms (French)"), blank=True, help_text=_("One per line."))
    synonyms_en = models.TextField(_("synonyms (English)"), blank=True, help_text=_("One per line."))
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "label_fr"]
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="capability_not_own_parent"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.label_fr, self.label_en)

    @property
    def is_domain(self) -> bool:
        return self.parent_id is None

    def synonym_list(self, language: str) -> list[str]:
        text = self.synonyms_fr if language == "fr" else self.synonyms_en
        return [s.strip() for s in text.splitlines() if s.strip()]

    def all_terms(self) -> list[str]:
        """Every way to say this capability, in both languages."""
        return [self.label_fr, self.label_en, *self.synonym_list("fr"), *self.synonym_list("en")]


class CapabilityLevel(models.TextChoices):
    CORE = "core", _("Core")
    SECONDARY = "secondary", _("Secondary")


class OrganisationCapability(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="capabilities")
    capability = models.ForeignKey(Capability, verbose_name=_("capability"), on_delete=models.PROTECT,
                                   related_name="holders")
    level = models.CharField(_("level"), max_length=10, choices=CapabilityLevel.choices,
                             default=CapabilityLevel.CORE)
    evidence = models.CharField(_("evidence"), max_length=500, blank=True,
                                help_text=_("A project, a customer, equipment… that shows it."))

    class Meta:
        ordering = ["capability__position", "capability__label_fr"]
        verbose_name = _("organisation capability")
        verbose_name_plural = _("organisation capabilities")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "capability"], name="one_level_per_capability"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.capability} ({self.get_level_display()})"


class CertificationType(models.Model):
    """A certification a member can hold: AS9100, ISO 14001, one Nadcap commodity…"""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    family = models.CharField(_("family"), max_length=60, help_text=_("AS9100, Nadcap, ISO…"))

    class Meta:
        ordering = ["family", "label_fr"]
        verbose_name = _("certification type")
        verbose_name_plural = _("certification types")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.label_fr, self.label_en)


# Admins of an organisation are reminded this many days before one of its certifications expires.
REMINDER_DAYS_BEFORE_EXPIRY = 60


class Certification(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="certifications")
    certification_type = models.ForeignKey(CertificationType, verbose_name=_("certification"),
                                           on_delete=models.PROTECT, related_name="holders")
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=300, blank=True)
    reminder_sent_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["certification_type__family", "certification_type__label_fr"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "certification_type"],
                                    name="one_certificate_per_type"),
            models.CheckConstraint(
                condition=models.Q(issued_on__isnull=True) | models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gt=models.F("issued_on")),
                name="certification_expires_after_issue",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.certification_type}"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", _("Organisations")
    PEOPLE = "people", _("People")


class ImportStatus(models.TextChoices):
    """Where a file stands on its journey, as the pages say it (ImportJob.stage: derived, not stored)."""

    READING = "reading", _("Reading the file")
    UPLOADED = "uploaded", _("Uploaded — map the columns")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked — ready to import")
    INVALID = "invalid", _("Errors found — nothing imported")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed — nothing imported")
    UNDONE = "undone", _("Undone")


class ImportStep(models.TextChoices):
    READ = "read", _("Reading the file")
    CHECK = "check", _("Checking the rows")
    COMMIT = "commit", _("Importing")


BUSY_STAGES = {ImportStep.READ: ImportStatus.READING, ImportStep.CHECK: ImportStatus.CHECKING,
               ImportStep.COMMIT: ImportStatus.IMPORTING}


class ImportJob(Job):
    """One spreadsheet on its way in: mapping, dry run with a per-row report, then all-or-nothing commit.

    Each step is a run of the core Job: `step` says which one the job's status is about (progress in rows),
    and `stage` puts the two together as the pages show them. `total` is the file's number of rows."""

    kind = models.CharField(_("what it contains"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="target field -> file column")
    # What staff chose beyond the mapping, which the dry run and the commit both follow: the values of new
    # organisations, how updates treat current values, the decisions on probable duplicates, the fixes of
    # grouped errors (see services/imports/options.py).
    options = models.JSONField(default=dict, blank=True)
    step = models.CharField(max_length=10, choices=ImportStep.choices, default=ImportStep.READ)
    report = models.JSONField(default=dict)
    # The first distinct values of each column, shown beside the mapping: {column: [value, …]}.
    samples = models.JSONField(default=dict, blank=True)
    # Every error of the last check or commit (up to plan.ERROR_LIST_MAX), for the spreadsheet staff download;
    # the report keeps the first ones only. Deferred by the pages that do not need it.
    error_list = models.JSONField(default=list, blank=True)
    # The earlier import of a file with the same columns whose mapping and options this one started from.
    mapping_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # An import undone from its report (services/imports/undo.py): when, and by whom. Undone once, for good.
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("undone by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta(Job.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.original_name} ({self.get_kind_display()})"

    @property
    def stage(self) -> str:
        if self.undone_at is not None:
            return ImportStatus.UNDONE
        if self.status == JobStatus.FAILED:
            return ImportStatus.FAILED
        if self.busy:
            return BUSY_STAGES[self.step]
        if self.step == ImportStep.READ:
            return ImportStatus.UPLOADED
        if self.report.get("errors_total") and not self.report.get("skip_invalid_rows"):
            return ImportStatus.INVALID
        return ImportStatus.CHECKED if self.step == ImportStep.CHECK else ImportStatus.DONE

    def get_stage_display(self) -> str:
        return ImportStatus(self.stage).label


class Segment(models.Model):
    """A saved description of a set of organisations, e.g. "SMEs in Montérégie with 5-axis machining".

    Surveys, bulletins, program calls and dashboards target or filter by segments, all through
    members.segments.organisations_in. Within a criterion any listed value matches; across criteria all must
    match; an empty criterion does not filter. Committees join the criteria once governance has them (see
    members.segments.FILTERS).
    """

    name = models.CharField(_("name"), max_length=150)
    kinds = models.JSONField(_("types"), default=list, blank=True)
    size_bands = models.JSONField(_("sizes"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    membership_statuses = models.JSONField(_("membership statuses"), default=list, blank=True)
    capabilities = models.ManyToManyField(Capability, verbose_name=_("capabilities"), blank=True,
                                          related_name="segments")
    certification_types = models.ManyToManyField(CertificationType, verbose_name=_("certifications"),
                                                 blank=True, related_name="segments")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.name


class RequestKind(models.TextChoices):
    """What an organisation's admin may ask a colleague to do (members.request_subjects: about what, and where)."""

    SURVEY = "survey", _("Answer a survey")
    EVENT_PROFILE = "event_profile", _("Update your profile for an event")
    CONSORTIUM_SHARE = "consortium_share", _("Confirm a consortium share")
    DIRECTORY_PROFILE = "directory_profile", _("Keep the directory profile up to date")
    OTHER = "other", _("Something else")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ColleagueRequest(models.Model):
    """Something an organisation's admin asked a colleague (a person of the same organisation with an account) to
    do: the colleague sees it on their home page until they mark it done or the admin withdraws it.

    The subject (a survey, an event, a consortium share) belongs to an app above members: it is kept as its id
    and its name in both languages as they were when asked, and members.request_subjects says where to act."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="colleague_requests")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT,
                                 related_name="colleague_requests_sent")
    asked_of = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("colleague"), on_delete=models.CASCADE,
                                 related_name="colleague_requests")
    kind = models.CharField(_("what to do"), max_length=20, choices=RequestKind.choices)
    subject_id = models.PositiveIntegerField(null=True, blank=True)
    subject_fr = models.CharField(max_length=300, blank=True)
    subject_en = models.CharField(max_length=300, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    due_on = models.DateField(_("due by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request to a colleague")
        verbose_name_plural = _("requests to colleagues")
        constraints = [
            models.CheckConstraint(condition=models.Q(status="open", closed_at__isnull=True)
                                   | (~models.Q(status="open") & models.Q(closed_at__isnull=False)),
                                   name="colleague_request_closed_when_not_open"),
            models.CheckConstraint(condition=~models.Q(asked_by=models.F("asked_of")),
                                   name="colleague_request_not_to_oneself"),
        ]
        indexes = [models.Index(fields=["asked_of", "status"], name="colleague_request_inbox")]

    def __str__(self):
        return f"{self.get_kind_display()}{f' — {self.subject}' if self.subject else ''}"

    @property
    def subject(self) -> str:
        return in_language(self.subject_fr, self.subject_en)

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN
