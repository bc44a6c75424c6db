"""What the members API reads and writes (ninja schemas), with who may see each part.

An organisation shows three layers, like its page: public fields for everyone (its city and region, not its
street address); `member_details` (email, phone, postal address and coordinates, certifications, contacts) for
members and staff; `private` (NEQ, membership) for its own people and the staff.
A layer the caller may not see is left out of the response altogether, not sent empty.
"""

import datetime

from ninja import Field, Schema
from pydantic import model_serializer

from grappe.core.api_schemas import InputSchema

from .. import selectors
from ..models import CapabilityLevel, MembershipStatus, OrganisationKind, OrgRole, Province, Region, SizeBand

# Member-only layers; each is None when the caller may not see it, and then omitted.
LAYERS = ("member_details", "private")
MEMBER_LAYER = "Members and cluster staff only."
PRIVATE_LAYER = "The organisation's own people and cluster staff only."


def _user(context) -> object:
    return context["request"].user


# The taxonomy and certification types ------------------------------------------------------------

class CapabilityOut(Schema):
    code: str
    label_fr: str
    label_en: str
    synonyms_fr: list[str]
    synonyms_en: list[str]
    parent: str | None = Field(description="Code of the domain; null for a domain itself.")

    @staticmethod
    def resolve_synonyms_fr(capability) -> list[str]:
        return capability.synonym_list("fr")

    @staticmethod
    def resolve_synonyms_en(capability) -> list[str]:
        return capability.synonym_list("en")

    @staticmethod
    def resolve_parent(capability) -> str | None:
        return capability.parent.code if capability.parent_id else None


class CertificationTypeOut(Schema):
    code: str
    label_fr: str
    label_en: str
    family: str


# An organisation ---------------------------------------------------------------------------------

class OrganisationCapabilityOut(Schema):
    code: str = Field(alias="capability.code")
    label_fr: str = Field(alias="capability.label_fr")
    label_en: str = Field(alias="capability.label_en")
    domain: str | None = Field(description="Code of the capability's domain.")
    level: CapabilityLevel
    evidence: str

    @staticmethod
    def resolve_domain(item) -> str | None:
        return item.capability.parent.code if item.capability.parent_id else None


class CertificationOut(Schema):
    code: str = Field(alias="certification_type.code")
    label_fr: str = Field(alias="certification_type.label_fr")
    label_en: str = Field(alias="certification_type.label_en")
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    is_expired: bool


class ContactOut(Schema):
    full_name: str
    title: str
    email: str
    phone: str


class MemberDetails(Schema):
    email: str
    phone: str
    street_address: str
    province: Province | None = Field(description="Null when unknown.")
    postal_code: str = Field(description="Canadian, as A1A 1A1; empty when unknown.")
    mrc: str = Field(description="Regional county municipality or equivalent territory.")
    latitude: float | None = Field(description="Decimal degrees; null when unknown.")
    longitude: float | None = Field(description="Decimal degrees; null when unknown.")
    certifications: list[CertificationOut]

    @staticmethod
    def resolve_province(organisation) -> str | None:
        return organisation.province or None


class MemberDetailsWithContacts(MemberDetails):
    contacts: list[ContactOut] = Field(description="The people who agreed to be contacted by members.")

    @staticmethod
    def resolve_contacts(organisation, context) -> list:
        return list(selectors.visible_contacts(organisation, _user(context)))


class PrivateDetails(Schema):
    neq: str | None
    membership_status: MembershipStatus
    member_since: datetime.date | None
    membership_ends: datetime.date | None
    listed_in_directory: bool


class OrganisationBase(Schema):
    slug: str
    legal_name: str
    trade_name: str
    kind: OrganisationKind
    size_band: SizeBand | None = Field(description="Null when unknown.")
    city: str
    region: Region | None = Field(description="Null when unknown.")
    website: str
    description_fr: str
    description_en: str
    member_details: MemberDetails | None = Field(None, description=MEMBER_LAYER)
    private: PrivateDetails | None = Field(None, description=PRIVATE_LAYER)

    @staticmethod
    def resolve_size_band(organisation) -> str | None:
        return organisation.size_band or None

    @staticmethod
    def resolve_region(organisation) -> str | None:
        return organisation.region or None

    @staticmethod
    def resolve_member_details(organisation, context):
        return organisation if _user(context).has_perm("members.view_member_details") else None

    @staticmethod
    def resolve_private(organisation, context):
        user = _user(context)
        return organisation if user.has_perm("members.view_organisation_private", organisation) else None

    @model_serializer(mode="wrap")
    def _omit_hidden_layers(self, serialize):
        data = serialize(self)
        for layer in LAYERS:
            if data.get(layer) is None:
                data.pop(layer, None)
        return data


class OrganisationSummary(OrganisationBase):
    """A directory entry."""

    core_capabilities: list[str] = Field(description="Codes of the organisation's core capabilities.")

    @staticmethod
    def resolve_core_capabilities(organisation) -> list[str]:
        return [item.capability.code for item in organisation.core_capabilities]


class OrganisationDetail(OrganisationBase):
    """An organisation's profile."""

    capabilities: list[OrganisationCapabilityOut]
    member_details: MemberDetailsWithContacts | None = Field(None, description=MEMBER_LAYER)


class OrganisationIn(InputSchema):
    """The editable profile: for the organisation's admins and the staff; membership for the staff only."""

    legal_name: str
    trade_name: str
    neq: str | None = Field(None, description="Quebec business number: exactly 10 digits.")
    kind: OrganisationKind
    size_band: SizeBand | None = None
    street_address: str = ""
    city: str
    province: Province | None = None
    postal_code: str = Field("", description="Canadian postal code; any case, with or without its space.")
    mrc: str = ""
    region: Region | None = None
    latitude: float | None = Field(None, ge=-90, le=90, description="Give it with the longitude, or neither.")
    longitude: float | None = Field(None, ge=-180, le=180)
    website: str
    email: str
    phone: str
    description_fr: str
    description_en: str
    membership_status: MembershipStatus
    member_since: datetime.date | None = None
    membership_ends: datetime.date | None = None
    listed_in_directory: bool


class CapabilityDeclaration(InputSchema):
    level: CapabilityLevel = CapabilityLevel.CORE
    evidence: str = Field("", max_length=500, description="A project, a customer, equipment… that shows it.")


# People ------------------------------------------------------------------------------------------

class PersonOut(Schema):
    id: int
    organisation: str = Field(alias="organisation.slug")
    first_name: str
    last_name: str
    title: str
    email: str
    phone: str
    org_role: OrgRole
    is_primary_contact: bool
    is_active: bool


class DirectoryQuery(Schema):
    """The directory's filters, by code: the same ones as the directory page."""

    q: str = Field("", max_length=200, description="Free text, accent- and case-insensitive, FR or EN.")
    kind: OrganisationKind | None = None
    region: Region | None = None
    size: SizeBand | None = None
    capability: str | None = Field(None, description="Capability or domain code.")
    certification: str | None = Field(None, description="Certification type code.")
