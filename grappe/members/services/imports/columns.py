"""Which Grappe field a column of the file may fill, and the column names that suggest it."""

import functools
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...models import ImportKind, Organisation, Person
from ...search import fold


@dataclass(frozen=True)
class Target:
    """A Grappe field a column of the file may fill, with the column names that suggest it."""

    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    label: str = ""  # for fields that are not the model's own


ORGANISATION_TARGETS = (
    # Grappe's own identifier (the directory address), which the directory export carries: the surest key.
    Target("grappe_id", aliases=("Grappe ID", "ID Grappe", "Identifiant Grappe", "Identifiant dans Grappe"),
           label=gettext_lazy("Grappe ID")),
    Target("legal_name", True, ("Raison sociale", "Nom légal", "Dénomination sociale", "Nom de l'entreprise",
                                "Nom de l'organisation", "Entreprise", "Organisation", "Organization", "Société",
                                "Compagnie", "Nom", "Legal name", "Company", "Company name", "Organisation name",
                                "Organization name", "Name")),
    Target("trade_name", aliases=("Nom commercial", "Nom d'usage", "Trade name", "Operating name", "DBA")),
    Target("neq", aliases=("NEQ", "No NEQ", "Numéro NEQ", "Numéro d'entreprise", "Numéro d'entreprise du Québec",
                           "Business number", "Quebec enterprise number")),
    Target("kind", aliases=("Type", "Type d'organisation", "Catégorie", "Kind", "Category", "Organisation type",
                            "Organization type")),
    Target("size_band", aliases=("Taille", "Effectif", "Employés", "Nombre d'employés", "Size", "Size band",
                                 "Employees", "Headcount")),
    Target("street_address", aliases=("Adresse", "Adresse civique", "Adresse postale", "Adresse de l'entreprise",
                                      "Rue", "No et rue", "Numéro et rue", "Address", "Street", "Street address",
                                      "Address line 1", "Mailing address")),
    Target("city", aliases=("Ville", "Municipalité", "City", "Town")),
    Target("province", aliases=("Province", "Prov", "Province / territoire", "Province or territory")),
    Target("postal_code", aliases=("Code postal", "CP", "C.P.", "Postal code", "Postcode")),
    Target("mrc", aliases=("MRC", "Municipalité régionale de comté", "MRC / TE", "Territoire équivalent",
                           "Regional county municipality", "RCM")),
    Target("region", aliases=("Région", "Région administrative", "Region", "Administrative region")),
    Target("latitude", aliases=("Latitude", "Lat")),
    Target("longitude", aliases=("Longitude", "Long", "Lng", "Lon")),
    Target("website", aliases=("Site web", "Site Internet", "Site", "Website", "Web", "URL")),
    Target("email", aliases=("Courriel", "Courriel général", "Adresse courriel", "Email", "E-mail",
                             "General email")),
    Target("phone", aliases=("Téléphone", "Tél", "Phone", "Telephone")),
    Target("description_fr", aliases=("Description", "Description FR", "Description française",
                                      "Description en français", "French description")),
    Target("description_en", aliases=("Description EN", "Description anglaise", "Description en anglais",
                                      "English description")),
    Target("membership_status", aliases=("Statut", "Statut de membre", "Adhésion", "Statut d'adhésion",
                                         "Status", "Membership status", "Membership")),
    Target("member_since", aliases=("Membre depuis", "Date d'adhésion", "Member since", "Joined")),
    Target("membership_ends", aliases=("Fin d'adhésion", "Fin de l'adhésion", "Membership ends",
                                       "Membership end")),
    Target("listed_in_directory", aliases=("Répertoire", "Dans le répertoire", "Publié", "Listed",
                                           "Listed in directory", "In directory")),
)

PEOPLE_TARGETS = (
    Target("first_name", True, ("Prénom", "First name", "Given name", "Firstname")),
    Target("last_name", True, ("Nom", "Nom de famille", "Last name", "Surname", "Family name", "Lastname")),
    Target("email", True, ("Courriel", "Adresse courriel", "Email", "E-mail", "Email address")),
    Target("organisation_neq", aliases=("NEQ", "NEQ de l'entreprise", "NEQ de l'organisation", "Numéro d'entreprise",
                                        "Organisation NEQ", "Organization NEQ", "Company NEQ"),
           label=gettext_lazy("organisation's NEQ")),
    Target("organisation_name", aliases=("Entreprise", "Organisation", "Organization", "Employeur", "Société",
                                         "Compagnie", "Raison sociale", "Nom de l'entreprise", "Company",
                                         "Company name", "Employer", "Organisation name", "Organization name"),
           label=gettext_lazy("organisation's name")),
    Target("title", aliases=("Titre", "Poste", "Fonction", "Titre du poste", "Title", "Job title", "Position")),
    Target("phone", aliases=("Téléphone", "Tél", "Cellulaire", "Phone", "Telephone", "Mobile")),
    Target("language", aliases=("Langue", "Langue de correspondance", "Language", "Preferred language")),
    Target("org_role", aliases=("Rôle", "Rôle dans l'organisation", "Role")),
    Target("is_primary_contact", aliases=("Contact principal", "Personne contact", "Primary contact",
                                          "Main contact")),
    Target("consent_directory", aliases=("Consentement répertoire", "Visible aux membres", "Consent directory",
                                         "Directory consent")),
    Target("consent_communications", aliases=("Consentement communications", "Infolettre",
                                              "Consent communications", "Newsletter")),
    Target("is_active", aliases=("Actif", "En poste", "Active")),
)

TARGETS = {ImportKind.ORGANISATIONS: ORGANISATION_TARGETS, ImportKind.PEOPLE: PEOPLE_TARGETS}
MODELS = {ImportKind.ORGANISATIONS: Organisation, ImportKind.PEOPLE: Person}


def target_label(kind: str, name: str) -> str:
    target = next(t for t in TARGETS[kind] if t.name == name)
    return str(target.label or MODELS[kind]._meta.get_field(name).verbose_name)


@functools.cache
def _column_aliases(kind: str) -> dict[str, str]:
    """Folded column name -> field: the field's own name and labels in both languages, then our aliases."""
    aliases = {}
    for target in TARGETS[kind]:
        aliases[fold(target.name)] = target.name
        for language in ("fr", "en"):
            with translation.override(language):
                aliases[fold(target_label(kind, target.name))] = target.name
    for target in TARGETS[kind]:
        aliases.update({fold(alias): target.name for alias in target.aliases})
    return aliases


def suggest_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """Field -> column, for the columns whose names we recognise ("Raison sociale", "Legal name"…)."""
    aliases = _column_aliases(kind)
    mapping = {}
    for header in headers:
        name = aliases.get(fold(header))
        if header and name and name not in mapping:
            mapping[name] = header
    return mapping


def missing_columns(kind: str, mapping: dict[str, str]) -> list[str]:
    """The labels of the required fields no column is mapped to."""
    missing = [target_label(kind, t.name) for t in TARGETS[kind] if t.required and not mapping.get(t.name)]
    if kind == ImportKind.PEOPLE and not (mapping.get("organisation_neq") or mapping.get("organisation_name")):
        missing.append(_("organisation (its NEQ or its name)"))
    return missing


def unmapped_columns(headers: list[str], mapping: dict[str, str]) -> list[str]:
    """The file's named columns that no field is mapped to: the import leaves them out, and says so."""
    used = set(mapping.values())
    return [header for header in headers if header and header not in used]
