"""Inferring the competencies an opportunity needs from its free text, with the words that say so."""

import unicodedata
from pathlib import Path

import pytest
import yaml

from matching.inference import CompetencyIndex
from matching.taxonomy import Competency, competencies_from_nodes

SHIPPED_TAXONOMY = Path(__file__).resolve().parents[2] / "grappe" / "members" / "data" / "taxonomy.yaml"

SMALL_TAXONOMY = [
    {"code": "machining", "fr": "Usinage", "en": "Machining", "synonyms_en": ["machine shop"], "children": [
        {"code": "machining-5-axis", "fr": "Usinage 5 axes", "en": "5-axis machining",
         "synonyms_fr": ["fraisage 5 axes"], "synonyms_en": ["simultaneous 5-axis machining"]},
        {"code": "machining-turning", "fr": "Tournage CNC", "en": "CNC turning", "synonyms_en": ["lathe work"]},
        {"code": "machining-large", "fr": "Usinage de grandes structures", "en": "Large structure machining"},
    ]},
    {"code": "ndt", "fr": "Contrôle non destructif", "en": "Non-destructive testing", "children": [
        {"code": "ndt-ultrasonic", "fr": "Contrôle par ultrasons", "en": "Ultrasonic testing",
         "synonyms_en": ["ultrasonic inspection"]},
        {"code": "ndt-penetrant", "fr": "Ressuage", "en": "Penetrant testing"},
    ]},
    {"code": "surface", "fr": "Traitement de surface", "en": "Surface treatment", "children": [
        {"code": "surface-anodizing", "fr": "Anodisation", "en": "Anodizing", "synonyms_en": ["anodising"]},
    ]},
]


@pytest.fixture(scope="module")
def small():
    return CompetencyIndex(competencies_from_nodes(SMALL_TAXONOMY))


@pytest.fixture(scope="module")
def shipped():
    with open(SHIPPED_TAXONOMY, encoding="utf-8") as handle:
        return CompetencyIndex(competencies_from_nodes(yaml.safe_load(handle)))


def codes(inferred):
    return [item.code for item in inferred]


def test_taxonomy_nodes_become_competencies_with_their_parent():
    competencies = competencies_from_nodes(SMALL_TAXONOMY)
    five_axis = next(c for c in competencies if c.code == "machining-5-axis")
    assert five_axis == Competency("machining-5-axis", "Usinage 5 axes", "5-axis machining",
                                   ("fraisage 5 axes",), ("simultaneous 5-axis machining",), parent="machining")
    assert competencies[0].code == "machining" and competencies[0].parent is None


@pytest.mark.parametrize("text", ["usinage 5 axes", "five-axis machining", "5-axis milling", "Fraisage cinq axes"])
def test_the_same_competency_said_in_french_or_english_in_several_ways(small, text):
    assert codes(small.infer(text))[0] == "machining-5-axis"


def test_the_phrase_that_triggered_a_competency_is_shown_as_written(small):
    first = small.infer("Nous cherchons un partenaire pour de l'Usinage 5 axes de ferrures.")[0]
    assert first.code == "machining-5-axis"
    assert first.triggers == ["Usinage 5 axes"]


def test_a_phrase_found_whole_outweighs_its_words_found_apart(small):
    inferred = small.infer("usinage 5 axes")
    assert codes(inferred) == ["machining-5-axis"], "neither the domain nor 'Usinage de grandes structures'"


def test_a_name_scattered_over_two_clauses_is_not_a_mention(small):
    assert "ndt-ultrasonic" not in codes(small.infer("Contrôle des coûts, puis ultrasons pour le nettoyage."))
    assert codes(small.infer("Contrôle par ultrasons des pièces."))[0] == "ndt-ultrasonic"


def test_a_domain_gives_way_to_its_inferred_child(small):
    inferred = codes(small.infer("Contrôle non destructif par ressuage"))
    assert "ndt-penetrant" in inferred and "ndt" not in inferred


def test_rare_words_weigh_more_than_common_ones(small):
    # "machining" names four competencies, "lathe" one: the lathe work is what the text is about.
    assert codes(small.infer("machining on a lathe: lathe work"))[0] == "machining-turning"


@pytest.mark.parametrize("text", ["", "   ", "asdkjh qwpoeiru zzxv", "!!! ??? ...", "Le chat mange la souris."])
def test_empty_or_gibberish_text_infers_nothing(small, text):
    assert small.infer(text) == []


@pytest.mark.parametrize("text", [
    "We have a large order.",  # "large" names part of one competency, too little of it to infer it
    "The new US tariffs threaten our contracts… we turned down two orders last month.",
])
@pytest.mark.parametrize("taxonomy", ["small", "shipped"])
def test_words_of_the_taxonomy_that_name_no_competency_infer_nothing(taxonomy, text, request):
    """A text can share a word with the taxonomy and still mention no competency: with re-ranking on (as it
    is in Grappe), there is then nothing to re-rank, and the answer is empty rather than an error."""
    index = request.getfixturevalue(taxonomy)
    assert index.reranker.weights is not None
    assert index._read(text).known
    assert index.infer(text) == []


def test_inference_is_deterministic(shipped):
    text = "Usinage 5 axes, anodisation et contrôle par ressuage de pièces en titane."
    assert shipped.infer(text) == shipped.infer(text)


def test_a_french_call_for_tenders_infers_what_it_asks_for(shipped):
    text = ("Appel d'offres — nacelle : nous recherchons un sous-traitant pour l'usinage 5 axes de ferrures, "
            "l'anodisation sulfurique, le contrôle par ressuage des pièces finies et la peinture aéronautique "
            "des carénages. Certification AS9100 exigée.")
    inferred = shipped.infer(text)
    expected = {"machining-5-axis", "surface-anodizing", "ndt-penetrant", "surface-painting"}
    assert set(codes(inferred)[:5]) >= expected
    by_code = {item.code: item for item in inferred}
    assert by_code["machining-5-axis"].triggers == ["usinage 5 axes"]
    assert by_code["surface-anodizing"].triggers == ["anodisation sulfurique"]
    assert by_code["ndt-penetrant"].triggers == ["contrôle par ressuage"]


def test_an_english_request_infers_from_the_same_taxonomy(shipped):
    inferred = shipped.infer("The bracket is machined from titanium and must pass ultrasonic inspection.")
    assert codes(inferred)[:2] == ["ndt-ultrasonic", "machining-hard-alloys"]
    assert inferred[0].triggers == ["ultrasonic inspection"]


def test_with_no_threshold_every_competency_is_ranked(small):
    ranked = small.infer("turning", top_k=3, min_coverage=0)
    assert codes(ranked)[0] == "machining-turning"


TITANIUM_BID = {
    "fr": "Nous voulons soumissionner pour la fabrication de supports de train d'atterrissage en titane usinés 5 axes "
          "avec traitement de surface et contrôle non destructif",
    "en": "We want to bid on the manufacture of titanium landing gear brackets, 5-axis machined, with surface "
          "treatment and non-destructive testing.",
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_tender_sentence_infers_what_a_buyer_would_name_and_nothing_made_of_stray_words(shipped, language):
    inferred = {item.code: item for item in shipped.infer(TITANIUM_BID[language])}
    assert {"surface-treatment", "ndt", "machining-5-axis", "lg-landing-gear-manufacturing"} <= set(inferred)
    assert inferred["ndt"].domain and inferred["surface-treatment"].domain, "whole domains, any method will do"
    assert not inferred["machining-5-axis"].domain
    assert not {"eng-liaison", "aero-control-surfaces", "machining-gear-cutting"} & set(inferred)


def test_a_domain_named_in_the_text_is_a_domain_level_need(small):
    inferred = small.infer("Nous cherchons un partenaire en contrôle non destructif.")
    assert [(item.code, item.domain) for item in inferred] == [("ndt", True)]


def test_a_name_does_not_straddle_two_noun_groups(small):
    # "surface" then "traitement" across "et": no "Traitement de surface" read backwards.
    assert "surface" not in codes(small.infer("Contrôle de surface et traitement des données"))


def test_a_name_may_cross_a_conjunction_in_its_own_order(shipped):
    assert "machining-gear-cutting" in codes(shipped.infer("Taillage et rectification d'engrenages de précision."))


def test_common_verbs_and_proper_names_do_not_name_a_competency_on_their_own(shipped):
    assert "research-development" not in codes(shipped.infer("Partenaire recherché pour l'anodisation de pièces."))
    inferred = codes(shipped.infer("Transport Canada approved organisation seeks a partner for avionics repair."))
    assert inferred == ["mro-avionics-repair"], "no logistics transport"


def test_an_acronym_is_only_read_written_in_capitals(shipped):
    assert "software-digital" not in codes(shipped.infer("Fourniture de pièces en Ti-6Al-4V, usinage 5 axes."))


def test_a_word_inside_a_longer_mention_does_not_name_another_competency(shipped):
    assert "testing-certification" not in codes(shipped.infer("Non-destructive testing of welded joints."))


def test_what_a_process_works_on_is_not_a_need(shipped):
    inferred = codes(shipped.infer("Nickelage chimique et zinc-nickel pour des axes de train d'atterrissage."))
    assert "surface-zinc-nickel" in inferred
    assert not {"lg-landing-gear-manufacturing", "lg-landing-gear-overhaul"} & set(inferred)


def test_an_english_participle_before_a_noun_describes_the_part_and_names_no_need(shipped):
    assert "machining" not in codes(shipped.infer("CMM inspection and first article reports for machined brackets."))
    assert "casting-forging" in codes(shipped.infer("Supply of forged-quality parts for engine mounts."))


def test_a_version_number_does_not_cut_a_name(shipped):
    assert "sw-industry-4-0" in codes(shipped.infer("Funding for SMEs adopting Industry 4.0: machine monitoring."))


def test_what_a_whole_domain_works_on_is_the_need(shipped):
    inferred = codes(shipped.infer("Entretien d'un simulateur de vol complet de niveau D."))
    assert "sim-full-flight-simulators" in inferred


def test_a_word_meets_a_name_by_its_inflections_not_by_a_derivation_sharing_its_stem(shipped):
    assert "engineering-services" not in codes(shipped.infer("Engine mount fittings, forged."))
    assert "heat-treatment-carburizing" in codes(shipped.infer("Pignons cémentés et rectifiés."))


def test_words_other_mentions_explain_name_nothing_more(shipped):
    inferred = codes(shipped.infer("3-axis CNC milling and CNC turning of stainless steel parts."))
    assert {"machining-cnc-milling", "machining-turning"} <= set(inferred)
    assert "machining-mill-turn" not in inferred


# -- what a buyer asks for, and what only describes the work (issue 13, test split) ---------------------------


def test_what_is_tested_or_analysed_is_no_need(shipped):
    inferred = codes(shipped.infer("DO-160G environmental qualification testing of a cockpit display unit."))
    assert "test-environmental" in inferred and "avionics-flight-displays" not in inferred
    inferred = codes(shipped.infer("Engineering services: stress analysis and FEA of a composite wing box."))
    assert "sim-fea" in inferred
    assert not {"composites", "aero-wing"} & set(inferred), "the whole noun group after 'of' is the object"


def test_what_is_made_or_maintained_is_the_need(shipped):
    assert "propulsion-blades-discs" in codes(shipped.infer("Investment casting of nickel-based turbine blades."))


def test_a_maker_is_known_by_a_whole_word_of_making_not_by_a_stem(shipped):
    # "machine" (coordinate measuring machine) shares a stem with "machining", "product" with "production".
    assert codes(shipped.infer("CMM inspection of turbine blades.")) == ["metrology-cmm"]


def test_a_partner_or_a_service_named_before_for_is_who_is_sought(shipped):
    assert "metrology-first-article-inspection" in codes(
        shipped.infer("Penetrant testing services for first article inspection."))


def test_a_domain_named_by_one_word_qualifies_and_has_no_object(shipped):
    assert "avionics-do178c-software" in codes(shipped.infer("Certification of DO-178C Level A software."))


def test_for_brings_an_object_only_when_it_names_a_product(shipped):
    assert "sim-manufacturing-process" in codes(
        shipped.infer("Research chair call: artificial intelligence for manufacturing process simulation."))
    inferred = codes(shipped.infer("Cadmium replacement with zinc-nickel for landing gear pins."))
    assert "surface-zinc-nickel" in inferred
    assert not {"lg-landing-gear-manufacturing", "lg-landing-gear-overhaul", "landing-gear-hydraulics"} & set(inferred)


def test_who_asks_is_no_need(shipped):
    inferred = codes(shipped.infer("Engine overhaul shop requires a subcontractor for thermal spray coatings."))
    assert inferred == ["surface-thermal-spray"]
    assert "interiors-seating" not in codes(
        shipped.infer("We make aircraft seats and are looking for a laboratory for flammability testing."))
    assert "machining-5-axis" in codes(shipped.infer("Pour l'usinage 5 axes de ferrures, nous cherchons un partenaire."))


@pytest.mark.parametrize("text, code", [
    ("We require anodizing and want a quote by Friday.", "surface-anodizing"),
    ("We seek 5-axis machining capacity and require AS9100.", "machining-5-axis"),
    ("Nous recherchons un partenaire en usinage 5 axes et souhaitons un devis rapide.", "machining-5-axis"),
    ("Seeking NDT services and the supplier requires Nadcap.", "ndt"),
    ("Ultrasonic inspection of welds and the customer requires a report.", "ndt-ultrasonic"),
])
def test_what_follows_a_verb_of_asking_is_asked_for_whatever_verb_comes_later(shipped, text, code):
    assert code in codes(shipped.infer(text))


@pytest.mark.parametrize("text, code", [
    ("Anodizing of aluminium parts that the customer requires by March.", "surface-anodizing"),
    ("Usinage 5 axes de ferrures que le client souhaite recevoir en mars.", "machining-5-axis"),
    ("X-ray inspection of castings which requires Nadcap accreditation.", "ndt-radiography"),
    ("Anodizing, painting and NDT of parts that the program requires.", "ndt"),
])
def test_what_a_relative_clause_says_is_required_is_a_need(shipped, text, code):
    assert code in codes(shipped.infer(text))


def test_every_mention_is_judged_and_one_that_asks_keeps_the_need(shipped):
    inferred = codes(shipped.infer("Atelier d'usinage recherche un partenaire en usinage pour de la surcharge."))
    assert inferred == ["machining"], "the second 'usinage' is asked for; 'recherche un' is no research"
    inferred = codes(shipped.infer("Laboratoire CND recherche un fournisseur pour l'usinage d'éprouvettes."))
    assert "machining" in inferred and not any(code.startswith(("rd-", "research", "ndt")) for code in inferred)


def test_the_asker_s_own_product_named_again_is_no_need(shipped):
    assert codes(shipped.infer("An advanced air mobility start-up is looking for a partner for the battery pack and "
                               "thermal management of its eVTOL.")) == []
    assert "machining" not in codes(shipped.infer("Un atelier d'usinage qui recherche un partenaire pour la peinture."))


def test_a_step_before_or_after_the_work_is_no_need(shipped):
    inferred = codes(shipped.infer("Grenaillage de précontrainte de pièces en acier après rectification."))
    assert "surface-shot-peening" in inferred and "machining-grinding" not in inferred


def test_prior_says_a_step_only_with_to(shipped):
    assert "ndt" in codes(shipped.infer("Supplier with prior NDT experience sought for weld inspection."))
    inferred = codes(shipped.infer("Ultrasonic inspection of welds prior to heat treatment."))
    assert "ndt-ultrasonic" in inferred and not any(code.startswith("heat-treatment") for code in inferred)


def test_an_acronym_in_brackets_abbreviates_what_precedes_it(shipped):
    inferred = codes(shipped.infer("Assemblage de cartes électroniques (CMS) pour des calculateurs."))
    assert "avionics-pcb-assembly" in inferred and "eng-configuration-management" not in inferred


def test_a_word_meets_a_name_by_its_stem_in_the_name_s_language(shipped):
    # The French stemmer makes "trainer" "train", as the English one makes "training".
    inferred = codes(shipped.infer("The landing gear of our trainer aircraft needs an overhaul: wheels and brakes."))
    assert "training-workforce" not in inferred


def test_a_noun_is_no_derived_adjective_but_a_participle_is_its_process(shipped):
    assert "avionics-electronics" not in codes(shipped.infer("Inspections de phase 1 des avions-citernes."))
    assert "heat-treatment-carburizing" in codes(shipped.infer("Pignons cémentés et rectifiés."))


def test_a_decomposed_text_reads_as_its_composed_form(shipped):
    decomposed = unicodedata.normalize("NFD", "Pignons cémentés et rectifiés.")
    assert "heat-treatment-carburizing" in codes(shipped.infer(decomposed))


@pytest.mark.parametrize("join", ["-", "\u2011", " "])
def test_a_subcontractor_is_no_treatment(shipped, join):
    inferred = codes(shipped.infer(f"Sous{join}traitant en projection thermique recherché."))
    assert "surface-thermal-spray" in inferred
    assert not any(code.startswith("heat-treatment") for code in inferred)


def test_a_name_does_not_go_on_across_a_verb(shipped):
    inferred = codes(shipped.infer("Phase 1 and phase 2 inspections of the aircraft shall be performed on site."))
    assert "eng-aerodynamics" not in inferred


def test_a_name_that_negates_needs_its_negation(shipped):
    inferred = codes(shipped.infer("Cuisson en autoclave de panneaux."))
    assert "composites-autoclave" in inferred and "composites-out-of-autoclave" not in inferred


@pytest.mark.parametrize("text", ["Out-of-autoclave curing of prepreg panels.",
                                  "Non-autoclave curing of composite panels."])
def test_a_negation_before_a_name_makes_it_its_opposite(shipped, text):
    assert "composites-autoclave" not in codes(shipped.infer(text))


def test_recherche_d_un_partenaire_asks_for_a_partner(shipped):
    inferred = codes(shipped.infer("Recherche d'un fournisseur accrédité pour le ressuage fluorescent."))
    assert "ndt-penetrant" in inferred and "research-development" not in inferred


def test_the_same_words_name_one_capability_of_a_domain(shipped):
    inferred = codes(shipped.infer("The landing gear of our trainer aircraft needs an overhaul: wheels and brakes."))
    assert "lg-landing-gear-overhaul" in inferred and "lg-landing-gear-manufacturing" not in inferred


@pytest.mark.parametrize("text, code", [
    ("Strip and repaint of two ATR 72 aircraft.", "surface-paint-stripping"),
    ("Réparation structurale de gouvernes.", "aero-control-surfaces"),
    ("Révision de vérins de train et de pompes hydrauliques.", "lg-actuators"),
    ("Révision de composants hydrauliques : vérins et pompes.", "mro-component-repair"),
    ("Digital twin and artificial intelligence.", "sw-ai-data"),
    ("Modernisation d'un banc d'essais : acquisition de données et instrumentation.", "avionics-sensors-instrumentation"),
    ("Qualification of a display: vibration testing, temperature-altitude and EMC.", "test-vibration-shock"),
    ("Essais DO-160 : vibrations, température-altitude et compatibilité électromagnétique.", "test-environmental"),
    ("Prepreg layup and autoclave curing of carbon fibre panels.", "composites-prepreg-layup"),
    ("Trimming of composites and drilling of CFRP panels.", "composites-trimming-drilling"),
])
def test_buyers_common_words_are_names_of_the_shipped_taxonomy(shipped, text, code):
    assert code in codes(shipped.infer(text))


@pytest.mark.parametrize("text, code", [
    ("Automated fibre placement of prepreg tapes for a wing skin.", "composites-prepreg-layup"),
    ("Supply of prepreg material for an RTM line.", "composites-prepreg-layup"),
    ("Autoclave curing of carbon fibre prepreg panels.", "composites-prepreg-layup"),
    ("Trimming of aluminium sheet metal parts.", "composites-trimming-drilling"),
    ("Vibration analysis of rotating machinery in a plant.", "test-vibration-shock"),
    ("Vérins pneumatiques pour une ligne d'assemblage.", "lg-actuators"),
])
def test_a_material_or_a_common_word_alone_names_no_capability(shipped, text, code):
    # The labelling rule of bench/data/opportunities.csv: a process applied to prepreg panels is no layup.
    assert code not in codes(shipped.infer(text))


def test_what_a_maker_works_for_is_no_product_of_it(shipped):
    inferred = codes(shipped.infer("Gabarits d'assemblage pour une ligne de panneaux de fuselage."))
    assert "tooling-assembly-jigs" in inferred and "aero-fuselage" not in inferred
