"""The full-text index of the directory (PostgreSQL only) and the certifications members commonly hold."""

from django.db import migrations

SEARCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS members_organisation_search_gin ON members_organisation "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
)

NADCAP_COMMODITIES = [
    ("chemical-processing", "Traitements chimiques", "Chemical Processing"),
    ("coatings", "Revêtements", "Coatings"),
    ("composites", "Composites", "Composites"),
    ("conventional-machining", "Usinage conventionnel (procédé spécial)", "Conventional Machining as a Special Process"),
    ("elastomer-seals", "Joints élastomères", "Elastomer Seals"),
    ("electronics", "Électronique", "Electronics"),
    ("fluids-distribution", "Distribution de fluides", "Fluids Distribution"),
    ("heat-treating", "Traitement thermique", "Heat Treating"),
    ("materials-testing", "Laboratoires d'essais des matériaux", "Materials Testing Laboratories"),
    ("measurement-inspection", "Mesure et inspection", "Measurement & Inspection"),
    ("metallic-materials", "Fabrication de matériaux métalliques", "Metallic Materials Manufacturing"),
    ("nonconventional-machining", "Usinage non conventionnel et traitement de surface",
     "Nonconventional Machining and Surface Enhancement"),
    ("ndt", "Essais non destructifs", "Nondestructive Testing"),
    ("sealants", "Produits d'étanchéité", "Sealants"),
    ("welding", "Soudage", "Welding"),
]

CERTIFICATION_TYPES = [
    ("as9100", "AS9100", "AS9100 — Systèmes de management de la qualité (aérospatiale)",
     "AS9100 — Quality management systems (aerospace)"),
    ("as9110", "AS9100", "AS9110 — Organismes de maintenance", "AS9110 — Maintenance organisations"),
    ("as9120", "AS9100", "AS9120 — Distributeurs", "AS9120 — Distributors"),
    ("iso-9001", "ISO", "ISO 9001 — Management de la qualité", "ISO 9001 — Quality management"),
    ("iso-14001", "ISO", "ISO 14001 — Management environnemental", "ISO 14001 — Environmental management"),
    ("iso-45001", "ISO", "ISO 45001 — Santé et sécurité au travail", "ISO 45001 — Occupational health and safety"),
    ("iso-27001", "ISO", "ISO/IEC 27001 — Sécurité de l'information", "ISO/IEC 27001 — Information security"),
    ("cgp", "Government", "Programme des marchandises contrôlées (PMC)", "Controlled Goods Program (CGP)"),
    ("itar", "Government", "Enregistrement ITAR", "ITAR registration"),
    ("tc-amo", "Airworthiness", "Transports Canada — OMA (organisme de maintenance agréé)",
     "Transport Canada — AMO (approved maintenance organisation)"),
    ("tc-design", "Airworthiness", "Transports Canada — organisme de conception (DAO)",
     "Transport Canada — design approval organisation (DAO)"),
    ("easa-145", "Airworthiness", "AESA Partie 145", "EASA Part 145"),
    ("faa-145", "Airworthiness", "FAA Partie 145", "FAA Part 145 repair station"),
    ("cmmc", "Cybersecurity", "CMMC — Certification de maturité en cybersécurité",
     "CMMC — Cybersecurity Maturity Model Certification"),
] + [
    (f"nadcap-{code}", "Nadcap", f"Nadcap — {fr}", f"Nadcap — {en}") for code, fr, en in NADCAP_COMMODITIES
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_INDEX)
    CertificationType = apps.get_model("members", "CertificationType")
    for code, family, fr, en in CERTIFICATION_TYPES:
        CertificationType.objects.update_or_create(code=code, defaults={"family": family, "label_fr": fr, "label_en": en})


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS members_organisation_search_gin")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
