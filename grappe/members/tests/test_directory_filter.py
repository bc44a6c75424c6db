"""The directory's capability filter: every domain then its capabilities, in the visitor's language."""

from django.utils import translation

from grappe.members.forms.directory import DirectoryFilterForm
from grappe.members.models import Capability


def filter_labels() -> list[str]:
    return [label for _pk, label in DirectoryFilterForm().fields["capability"].choices][1:]


def test_the_capability_filter_lists_each_domain_then_its_capabilities_in_the_taxonomy_order(db):
    machining = Capability.objects.create(code="d-machining", label_fr="Usinage", label_en="Machining", position=0)
    ndt = Capability.objects.create(code="d-ndt", label_fr="Essais non destructifs", label_en="NDT", position=1)
    Capability.objects.create(parent=ndt, code="ndt-penetrant", label_fr="Ressuage", label_en="Penetrant testing")
    Capability.objects.create(parent=machining, code="m-turning", label_fr="Tournage", label_en="Turning",
                              position=1)
    Capability.objects.create(parent=machining, code="m-5-axis", label_fr="Usinage 5 axes",
                              label_en="5-axis machining", position=0)
    Capability.objects.create(parent=machining, code="m-old", label_fr="Ancien", label_en="Old", is_active=False)

    with translation.override("fr"):
        assert filter_labels() == ["Usinage", "Usinage › Usinage 5 axes", "Usinage › Tournage",
                                   "Essais non destructifs", "Essais non destructifs › Ressuage"]
    with translation.override("en"):
        assert filter_labels()[:2] == ["Machining", "Machining › 5-axis machining"]


def test_a_capability_chosen_in_the_filter_is_the_capability_itself(db):
    domain = Capability.objects.create(code="d-ndt", label_fr="Essais non destructifs", label_en="NDT")
    penetrant = Capability.objects.create(parent=domain, code="ndt-penetrant", label_fr="Ressuage",
                                          label_en="Penetrant testing")
    form = DirectoryFilterForm({"capability": str(penetrant.pk)})
    assert form.is_valid() and form.cleaned_data["capability"] == penetrant
    assert not DirectoryFilterForm({"capability": "999999"}).is_valid()
