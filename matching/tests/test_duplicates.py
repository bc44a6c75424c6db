"""Probable duplicates: each rule finds its pair, unrelated names make none, and 5,000 rows take little time."""

import random
import time

from matching.duplicates import (
    NAME_WITHIN,
    SAME_NAME,
    SAME_NEQ,
    SAME_POSTAL_CODE,
    SAME_WEBSITE,
    SIMILAR_NAME,
    Pair,
    Record,
    find_duplicates,
    name_key,
    website_domain,
)


def pairs_of(*records, others=None):
    return {(p.left, p.right): p.reasons for p in find_duplicates(records, others)}


def test_a_name_key_sets_aside_case_accents_punctuation_legal_forms_and_small_words():
    assert name_key("Club de golf le St-Rémi inc.") == name_key("CLUB DE GOLF LE ST-REMI") == "club golf st remi"
    assert name_key("Usinage Précision Laval Ltée") == "usinage precision laval"


def test_a_website_domain_ignores_the_scheme_www_and_the_page_but_not_shared_hosts():
    assert website_domain("https://www.Alpha.ca/contact") == website_domain("alpha.ca") == "alpha.ca"
    assert website_domain("https://www.facebook.com/alpha") == ""
    assert website_domain("") == ""


def test_the_same_name_whatever_its_case_accents_and_legal_form_is_a_pair():
    assert pairs_of(Record(1, ("Club de golf le St-Rémi",)), Record(2, ("CLUB DE GOLF LE ST-REMI INC",))) == {
        (1, 2): (SAME_NAME,)}


def test_a_name_within_a_small_edit_distance_is_a_pair():
    assert pairs_of(Record(1, ("Usinage Précision Laval",)), Record(2, ("Usinage Precison Laval",))) == {
        (1, 2): (SIMILAR_NAME,)}


def test_a_name_whose_words_are_all_in_the_other_is_a_pair():
    assert pairs_of(Record(1, ("Sourire mobile",)), Record(2, ("Sourire Mobile Mauricie",))) == {
        (1, 2): (NAME_WITHIN,)}


def test_one_word_within_a_longer_name_is_not_enough():
    assert pairs_of(Record(1, ("Alpha",)), Record(2, ("Alpha Usinage",))) == {}


def test_the_same_website_domain_is_a_pair_whatever_the_names():
    assert pairs_of(Record(1, ("Musée POP",), website="https://museepop.ca"),
                    Record(2, ("Musée québécois de culture populaire",), website="www.museepop.ca/visiter")) == {
        (1, 2): (SAME_WEBSITE,)}


def test_the_same_postal_code_with_loosely_similar_names_is_a_pair_but_not_with_unrelated_names():
    alpha = Record(1, ("Alpha",), postal_code="G8T 1A1")
    assert pairs_of(alpha, Record(2, ("Alpha Usinage",), postal_code="g8t1a1")) == {(1, 2): (SAME_POSTAL_CODE,)}
    assert pairs_of(alpha, Record(3, ("Boulangerie du coin",), postal_code="G8T 1A1")) == {}


def test_the_same_neq_is_a_pair_and_different_neqs_never_are():
    assert pairs_of(Record(1, ("Alpha",), neq="1111111111"), Record(2, ("Bravo",), neq="1111111111")) == {
        (1, 2): (SAME_NEQ,)}
    assert pairs_of(Record(1, ("Sourire mobile",), neq="1111111111"),
                    Record(2, ("Sourire mobile",), neq="2222222222")) == {}


def test_reasons_add_up():
    [pair] = find_duplicates([Record(1, ("Alpha Usinage",), website="alpha.ca", postal_code="H1A 1A1"),
                              Record(2, ("ALPHA USINAGE INC",), website="https://alpha.ca", postal_code="H1A1A1")])
    assert pair == Pair(1, 2, (SAME_WEBSITE, SAME_NAME, SAME_POSTAL_CODE))


def test_names_that_differ_by_a_short_word_or_a_number_are_different_organisations():
    assert pairs_of(Record(1, ("SIQ Industries",)), Record(2, ("MIC Industries",)), Record(3, ("Groupe A1",)),
                    Record(4, ("Groupe A2",))) == {}


def test_unrelated_names_make_no_pair():
    assert pairs_of(Record(1, ("Usinage Précision Laval",)), Record(2, ("Usinage Boréal",)),
                    Record(3, ("Centre de recherche en matériaux",))) == {}


def test_records_are_compared_with_others_when_given_any_trade_name_counting():
    rows = [Record("row 2", ("Musée québécois de culture populaire",)), Record("row 3", ("Bravo",))]
    directory = [Record(10, ("MQCP", "Musee quebecois de culture populaire")), Record(11, ("Charlie",))]

    assert pairs_of(*rows, others=directory) == {("row 2", 10): (SAME_NAME,)}


def test_a_typo_among_names_that_share_a_common_word_is_found():
    rng = random.Random(3)
    crowd = [Record(n, (f"Usinage {random_word(rng, 8)}",)) for n in range(300)]
    typo = crowd[7].names[0][:-1] + "z"

    pairs = pairs_of(*crowd, Record("new", (typo,)))

    assert pairs[(7, "new")] == (SIMILAR_NAME,)


def random_word(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length))


def random_name(rng: random.Random) -> str:
    words = [random_word(rng, rng.randint(4, 9)) for _ in range(rng.randint(1, 4))]
    return " ".join(rng.sample(["Usinage", "Groupe", "Technologies", "Aéro", "Québec", "Laval"], 1) + words)


def test_five_thousand_rows_against_three_thousand_organisations_take_well_under_ten_seconds():
    rng = random.Random(12)
    directory = [Record(n, (random_name(rng),), website=f"https://org{n}.example",
                        postal_code=f"H{n % 10}A {n:03d}"[:7]) for n in range(3000)]
    rows = [Record(f"row {n}", (random_name(rng),), postal_code=f"H{n % 10}A {n % 3000:03d}"[:7])
            for n in range(5000)]
    rows[0] = Record("row 0", (directory[42].names[0].upper(),))
    started = time.perf_counter()

    against = find_duplicates(rows, directory)
    within = find_duplicates(rows)

    elapsed = time.perf_counter() - started
    assert elapsed < 5, elapsed
    assert Pair("row 0", 42, (SAME_NAME,)) in against
    assert len(against) < 500 and len(within) < 500
