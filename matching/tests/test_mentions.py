"""The materials and certifications a text names, read apart from the competencies it needs."""

from matching.mentions import certifications, materials


def test_materials_are_found_in_french_and_english_each_once_in_order():
    text = "Usinage de pièces en titane (Ti-6Al-4V) et en Inconel 718; titanium brackets, carbon fibre skins."
    assert [m.code for m in materials(text)] == ["titanium", "inconel", "carbon-fibre"]


def test_a_longer_material_name_hides_the_shorter_one_inside_it():
    assert [m.code for m in materials("Panneaux en aluminium-lithium et acier inoxydable")] == [
        "aluminium-lithium", "stainless-steel"]


def test_certifications_are_read_as_grappe_certification_codes():
    text = "Fournisseur certifié AS9100, accrédité Nadcap, inscrit au PMC; ITAR registration required."
    assert [c.code for c in certifications(text)] == ["as9100", "nadcap", "cgp", "itar"]


def test_a_text_without_them_names_none():
    assert materials("Peinture de carénages") == [] and certifications("Peinture de carénages") == []


def test_the_first_look_never_skips_a_text_that_names_a_material():
    from matching.mentions import MATERIALS, may_name_materials

    for names in MATERIALS.values():
        for name in names:
            plain = name.replace("s?", "s").replace("?", "")
            for written in (plain, plain.upper(), plain.replace(" ", "-"), plain.title().replace(" ", "/")):
                text = f"Pièces en {written} pour Safran"
                if materials(text):
                    assert may_name_materials(["Peinture", text, ""]) == [1], written


def test_the_first_look_skips_texts_without_a_material():
    from matching.mentions import may_name_materials

    assert may_name_materials(["Peinture de carénages", "Usinage 5 axes", ""]) == []
