"""Greening: each member's yearly emissions baseline, its commitments, the shared initiatives it joins, and the
cluster's progress in aggregate.

A baseline (Baseline) is one organisation's year: activity data by source (ActivityLine: m³ of natural gas, L of
diesel, kg of a refrigerant leaked, kWh of electricity in a province…) turned into kg CO2e with the published
emission factors the staff maintain (EmissionFactor, grouped in a FactorSet with its source and year), plus optional
scope 3 figures by category (Scope3Line). Every quantity is a Decimal with its unit explicit; emissions are kg CO2e.
A baseline remembers the factor set it was computed with: changing factors recomputes past baselines only when the
staff say so (services/factors.py), and every report names the set it used.

Commitments (Commitment) are a target (a % reduction from a base year by a target year) or a pledge (ISO 14001,
SBTi, net zero). A shared initiative (Initiative: a pooled solar purchase, a recycling route, a composite-scrap
program) is a pooling opportunity of Partnering, with the organisations that joined it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from grappe.core.models import Job
from grappe.members.models import Organisation
from grappe.partnering.models import Opportunity


class Unit(models.TextChoices):
    CUBIC_METRE = "m3", _("m³")
    LITRE = "L", _("L")
    KILOGRAM = "kg", _("kg")
    KILOWATT_HOUR = "kWh", _("kWh")


class Scope(models.IntegerChoices):
    DIRECT = 1, _("Scope 1 — direct emissions")
    ENERGY = 2, _("Scope 2 — purchased energy")


class SourceKind(models.TextChoices):
    """A source of emissions, its scope and the unit its activity is measured in."""

    NATURAL_GAS = "natural_gas", _("Natural gas")
    PROPANE = "propane", _("Propane")
    DIESEL = "diesel", _("Diesel")
    GASOLINE = "gasoline", _("Gasoline")
    JET_FUEL = "jet_fuel", _("Jet fuel")
    REFRIGERANT = "refrigerant", _("Refrigerant leaked")  # the variant names the gas: R-410A, R-134a…
    ELECTRICITY = "electricity", _("Electricity")          # the variant names the province: QC, ON…


SOURCE_SCOPE = {SourceKind.ELECTRICITY: Scope.ENERGY}  # every other source is scope 1
SOURCE_UNIT = {
    SourceKind.NATURAL_GAS: Unit.CUBIC_METRE, SourceKind.PROPANE: Unit.LITRE, SourceKind.DIESEL: Unit.LITRE,
    SourceKind.GASOLINE: Unit.LITRE, SourceKind.JET_FUEL: Unit.LITRE, SourceKind.REFRIGERANT: Unit.KILOGRAM,
    SourceKind.ELECTRICITY: Unit.KILOWATT_HOUR,
}


class FactorSet(models.Model):
    """A set of emission factors as published in one edition (ECCC's National Inventory Report of a year, IPCC
    AR5 or AR6 global warming potentials). One is current: new baselines are computed with it."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("edition year"))
    source = models.TextField(_("sources"))
    is_current = models.BooleanField(_("current"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("emission factor set")
        verbose_name_plural = _("emission factor sets")
        constraints = [models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True),
                                               name="one_current_factor_set")]

    def __str__(self):
        return self.name


class EmissionFactor(models.Model):
    """kg CO2e per unit of activity for one source (and variant: a province, a refrigerant), with its reference."""

    factor_set = models.ForeignKey(FactorSet, on_delete=models.CASCADE, related_name="factors")
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    variant = models.CharField(_("province or gas"), max_length=20, blank=True)
    unit = models.CharField(_("unit"), max_length=5, choices=Unit.choices)
    kg_co2e_per_unit = models.DecimalField(_("kg CO2e per unit"), max_digits=14, decimal_places=6)
    reference = models.CharField(_("reference"), max_length=300)

    class Meta:
        ordering = ["source_kind", "variant"]
        verbose_name = _("emission factor")
        verbose_name_plural = _("emission factors")
        constraints = [
            models.UniqueConstraint(fields=["factor_set", "source_kind", "variant"], name="one_factor_per_source"),
            models.CheckConstraint(condition=Q(kg_co2e_per_unit__gte=0), name="factor_not_negative"),
        ]

    def __str__(self):
        return f"{self.source_kind} {self.variant}: {self.kg_co2e_per_unit} kg CO2e/{self.unit}"


class BaselineStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Reported")


class Baseline(models.Model):
    """One organisation's emissions of one year. Its totals are computed from its lines (services/baselines.py)
    with `factor_set`, and kept so that dashboards never recompute them."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="emission_baselines")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    employees = models.PositiveIntegerField(_("employees (full-time equivalent)"), null=True, blank=True)
    revenue = models.DecimalField(_("revenue (CAD)"), max_digits=16, decimal_places=2, null=True, blank=True)
    factor_set = models.ForeignKey(FactorSet, on_delete=models.PROTECT, related_name="baselines")
    scope1_kg = models.DecimalField(_("scope 1 (kg CO2e)"), max_digits=18, decimal_places=3, default=Decimal(0))
    scope2_kg = models.DecimalField(_("scope 2 (kg CO2e)"), max_digits=18, decimal_places=3, default=Decimal(0))
    scope3_kg = models.DecimalField(_("scope 3 (kg CO2e)"), max_digits=18, decimal_places=3, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=BaselineStatus.choices,
                              default=BaselineStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "-year"]
        verbose_name = _("emissions baseline")
        verbose_name_plural = _("emissions baselines")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_baseline_per_organisation_and_year"),
            models.CheckConstraint(condition=Q(scope1_kg__gte=0, scope2_kg__gte=0), name="baseline_not_negative"),
            models.CheckConstraint(condition=Q(revenue__isnull=True) | Q(revenue__gt=0), name="revenue_positive"),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.organisation} {self.year}"

    @property
    def total_kg(self) -> Decimal:
        """Scopes 1 and 2: what commitments and the cluster's progress count (scope 3 is optional)."""
        return self.scope1_kg + self.scope2_kg


class ActivityLine(models.Model):
    """A quantity of one source in a baseline, and the kg CO2e it comes to with the baseline's factor set."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="lines")
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    variant = models.CharField(_("province or gas"), max_length=20, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=5, choices=Unit.choices)
    kg_co2e = models.DecimalField(_("kg CO2e"), max_digits=18, decimal_places=3)
    # A quantity far above what a member could use (services/baselines.py says how far) is kept only once the
    # person confirmed it.
    confirmed_unusual = models.BooleanField(default=False)

    class Meta:
        ordering = ["source_kind", "variant"]
        verbose_name = _("activity line")
        verbose_name_plural = _("activity lines")
        constraints = [
            models.UniqueConstraint(fields=["baseline", "source_kind", "variant"], name="one_line_per_source"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="quantity_not_negative"),
        ]

    @property
    def scope(self) -> int:
        return SOURCE_SCOPE.get(self.source_kind, Scope.DIRECT)


class Scope3Category(models.IntegerChoices):
    """The fifteen categories of the GHG Protocol's scope 3 standard."""

    PURCHASED_GOODS = 1, _("Purchased goods and services")
    CAPITAL_GOODS = 2, _("Capital goods")
    FUEL_ENERGY = 3, _("Fuel- and energy-related activities")
    UPSTREAM_TRANSPORT = 4, _("Upstream transportation and distribution")
    WASTE = 5, _("Waste generated in operations")
    BUSINESS_TRAVEL = 6, _("Business travel")
    COMMUTING = 7, _("Employee commuting")
    UPSTREAM_LEASED = 8, _("Upstream leased assets")
    DOWNSTREAM_TRANSPORT = 9, _("Downstream transportation and distribution")
    PROCESSING = 10, _("Processing of sold products")
    USE_OF_PRODUCTS = 11, _("Use of sold products")
    END_OF_LIFE = 12, _("End-of-life treatment of sold products")
    DOWNSTREAM_LEASED = 13, _("Downstream leased assets")
    FRANCHISES = 14, _("Franchises")
    INVESTMENTS = 15, _("Investments")


class Scope3Line(models.Model):
    """A scope 3 figure the member estimated itself, in kg CO2e."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="scope3_lines")
    category = models.PositiveSmallIntegerField(_("category"), choices=Scope3Category.choices)
    kg_co2e = models.DecimalField(_("kg CO2e"), max_digits=18, decimal_places=3)
    method = models.CharField(_("how it was estimated"), max_length=300, blank=True)

    class Meta:
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["baseline", "category"], name="one_scope3_line_per_category"),
            models.CheckConstraint(condition=Q(kg_co2e__gte=0), name="scope3_not_negative"),
        ]


class CommitmentKind(models.TextChoices):
    REDUCTION = "reduction", _("Reduction target")
    ISO_14001 = "iso14001", _("ISO 14001 certification")
    SBTI = "sbti", _("Science Based Targets initiative")
    NET_ZERO = "net_zero", _("Net zero")


class Commitment(models.Model):
    """A member's commitment: a reduction of its scope 1 and 2 emissions by `reduction_percent` from `base_year`
    by `target_year`, or a pledge (ISO 14001, SBTi, net zero) by `target_year`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="emission_commitments")
    kind = models.CharField(_("kind"), max_length=10, choices=CommitmentKind.choices)
    base_year = models.PositiveSmallIntegerField(_("base year"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    reduction_percent = models.DecimalField(_("reduction (%)"), max_digits=5, decimal_places=2, null=True,
                                            blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target_year"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="reduction") | Q(base_year__isnull=False, reduction_percent__isnull=False),
                name="reduction_has_base_year_and_percent"),
            models.CheckConstraint(condition=Q(reduction_percent__isnull=True)
                                   | Q(reduction_percent__gt=0, reduction_percent__lte=100),
                                   name="reduction_percent_in_range"),
            models.CheckConstraint(condition=Q(base_year__isnull=True) | Q(target_year__gt=F("base_year")),
                                   name="target_after_base_year"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_kind_display()} {self.target_year}"


class InitiativeTheme(models.TextChoices):
    ENERGY = "energy", _("Renewable energy")
    WASTE = "waste", _("Waste and recycling")
    MATERIALS = "materials", _("Materials and scrap")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Other")


class Initiative(models.Model):
    """A shared greening initiative: a pooling opportunity of Partnering (its title, description, initiator,
    visibility live there) with its theme, the reduction hoped for, and who joined."""

    opportunity = models.OneToOneField(Opportunity, on_delete=models.PROTECT, related_name="greening_initiative")
    theme = models.CharField(_("theme"), max_length=10, choices=InitiativeTheme.choices)
    expected_reduction_kg = models.DecimalField(_("expected reduction (kg CO2e a year)"), max_digits=16,
                                                decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("shared initiative")
        verbose_name_plural = _("shared initiatives")

    def __str__(self):
        return self.opportunity.title


class InitiativeParticipant(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    joined_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [models.UniqueConstraint(fields=["initiative", "organisation"], name="join_initiative_once")]


class RecomputeJob(Job):
    """Computing past baselines again with a factor set, as the staff asked (services/factors.py), with
    progress: over thousands of organisations it is long. One unfinished run per factor set."""

    factor_set = models.ForeignKey(FactorSet, on_delete=models.CASCADE, related_name="recompute_jobs")
    years = models.JSONField(default=list, blank=True)  # the years recomputed; empty: every year
    recomputed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)  # baselines with a source the set has no factor for

    class Meta(Job.Meta):
        verbose_name = _("baseline recomputation")
        verbose_name_plural = _("baseline recomputations")
        constraints = [
            *Job.Meta.constraints,
            models.UniqueConstraint(fields=["factor_set"], condition=Q(status__in=["queued", "running"]),
                                    name="one_unfinished_recompute_per_factor_set"),
        ]
