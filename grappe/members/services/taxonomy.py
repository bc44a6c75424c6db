"""The capability taxonomy (domain > capability): edit a node, load a whole taxonomy file."""

from django.db import transaction
from django.utils.translation import gettext as _

from grappe.core import audit, jobs, notify, vectors
from grappe.core.permissions import require

from ..directory_cache import bump_directory_version
from ..models import Capability, Organisation
from ..search import refresh_search_text
from .fields import apply

ENCODE_NAMES_TASK = "grappe.members.tasks.encode_capability_names_task"
TAXONOMY_FIELDS = ("parent", "code", "label_fr", "label_en", "synonyms_fr", "synonyms_en", "is_active", "position")


def save_capability_node(*, actor, data: dict, capability: Capability | None = None) -> Capability:
    """Create or edit a taxonomy node. The taxonomy has two levels: domain > capability."""
    require(actor, "members.manage_taxonomy")
    parent = data.get("parent")
    if parent is not None and parent.parent_id is not None:
        raise ValueError(_("A capability can only be placed inside a domain."))
    if capability is not None and parent is not None and capability.children.exists():
        raise ValueError(_("A domain that has capabilities cannot be moved inside another domain."))
    with transaction.atomic():
        before = audit.snapshot(capability) if capability else None
        capability = capability or Capability()
        apply(capability, data, TAXONOMY_FIELDS)
        capability.save()
        audit.record(actor, "taxonomy.changed" if before else "taxonomy.added", capability,
                     before=before, after=audit.snapshot(capability))
        jobs.enqueue(ENCODE_NAMES_TASK, capability.pk)
    if before and (before["label_fr"], before["label_en"], before["synonyms_fr"], before["synonyms_en"]) != (
            capability.label_fr, capability.label_en, capability.synonyms_fr, capability.synonyms_en):
        notify.on_commit(refresh_holders_search_text, capability)
    bump_directory_version()  # after the holders' search text is refreshed, which runs on commit too
    return capability


def refresh_holders_search_text(capability: Capability) -> None:
    for organisation in Organisation.objects.filter(capabilities__capability=capability):
        refresh_search_text(organisation)


def load_taxonomy(nodes: list[dict], *, actor=None) -> int:
    """Create or update the taxonomy from nested nodes (code, fr, en, synonyms_fr, synonyms_en, children).

    The single way a taxonomy gets in: the shipped aerospace file, a cluster's own file, or a benchmark's.
    Matching is by code, so loading twice changes nothing. Returns the number of nodes loaded.
    """
    existing = {c.code: c for c in Capability.objects.all()}
    to_create, to_update = [], []

    def visit(node: dict, parent_code: str | None, position: int) -> None:
        values = {
            "label_fr": node["fr"], "label_en": node["en"],
            "synonyms_fr": "\n".join(node.get("synonyms_fr") or []),
            "synonyms_en": "\n".join(node.get("synonyms_en") or []),
            "position": position,
        }
        capability = existing.get(node["code"])
        if capability is None:
            capability = Capability(code=node["code"], **values)
            to_create.append((capability, parent_code))
            existing[node["code"]] = capability
        else:
            for key, value in values.items():
                setattr(capability, key, value)
            to_update.append((capability, parent_code))
        for i, child in enumerate(node.get("children") or []):
            visit(child, node["code"], i)

    for i, node in enumerate(nodes):
        visit(node, None, i)
    with transaction.atomic():
        Capability.objects.bulk_create([c for c, _ in to_create], batch_size=1000)
        ids = dict(Capability.objects.values_list("code", "id"))
        changed = []
        for capability, parent_code in to_create + to_update:
            capability.parent_id = ids[parent_code] if parent_code else None
            changed.append(capability)
        Capability.objects.bulk_update(
            changed, ["parent", "label_fr", "label_en", "synonyms_fr", "synonyms_en", "position"], batch_size=1000)
        audit.record(actor, "taxonomy.loaded", None, target_label=f"{len(changed)} nodes",
                     after={"created": len(to_create), "updated": len(to_update)})
        bump_directory_version()
    return len(changed)


def encode_capability_names(capability_id: int | None = None) -> int:
    """Store the vector of every name (labels and synonyms, both languages) of a capability, or of every one in
    use, that has none, as the passages a text is compared with (core.vectors.PASSAGE), so that inference reads
    them instead of encoding. A node saved queues its own; a whole taxonomy loaded (some 3,000 names, 100 s of
    the encoder) is left to the backfill, manage.py encode_texts, so that `make demo` does not wait on it.
    Returns how many names it encoded."""
    capabilities = Capability.objects.filter(is_active=True)
    if capability_id is not None:
        capabilities = capabilities.filter(pk=capability_id)
    names = {name for capability in capabilities for name in capability.all_terms()}
    return vectors.encode_and_store(sorted(names), side=vectors.PASSAGE)
