"""The fields a service copies from a form's (or an import row's) data onto an organisation or a person:
the forms, the admin and the import name them from here, so that a field is written only where a service
writes it."""

ORGANISATION_FIELDS = (
    "legal_name", "trade_name", "neq", "kind", "size_band", "street_address", "city", "province", "postal_code",
    "mrc", "region", "latitude", "longitude", "website", "email", "phone",
    "description_fr", "description_en", "membership_status", "member_since", "membership_ends",
    "listed_in_directory",
)
PERSON_FIELDS = (
    "first_name", "last_name", "title", "email", "phone", "language", "org_role", "is_primary_contact",
    "consent_directory", "consent_communications", "is_active",
)


def apply(instance, data: dict, fields) -> None:
    """Set on `instance` those of `fields` that `data` has."""
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
