"""What the engine reads in a text: folded words, their positions, and stems in French and English."""

import threading

from matching.text import fold, keys, stem, words


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Contrôle non-destructif") == "controle non destructif"
    assert fold("Œuvre d'ÉLÉVATION") == "oeuvre d elevation"
    assert fold("") == "" and fold(None) == ""


def test_words_keep_where_they_stand_in_the_original_text():
    text = "L’usinage 5-axes"
    found = words(text)
    assert [w.folded for w in found] == ["l", "usinage", "5", "axes"]
    assert [text[w.start:w.end] for w in found] == ["L", "usinage", "5", "axes"]
    assert found[0].is_stop_word and not found[1].is_stop_word


def test_french_stemming_meets_plural_and_accented_forms():
    assert stem("usinages", "fr") == stem("usinage", "fr")
    assert stem(fold("contrôles"), "fr") == stem("controle", "fr")
    assert stem("peintures", "fr") == stem("peinture", "fr")


def test_english_stemming_meets_inflected_forms():
    assert stem("machining", "en") == stem("machined", "en") == stem("machine", "en")
    assert stem("studies", "en") == stem("study", "en")
    assert stem("inspections", "en") == stem("inspection", "en")


def test_spelled_out_numbers_become_digits_in_both_languages():
    assert stem("five", "en") == stem("cinq", "fr") == stem("5", "en") == "5"


def test_a_word_of_unknown_language_keeps_both_stems():
    assert keys("studies") == ("stud", "studi")
    assert keys("studies", "en") == ("studi",)
    # An English word meets the French label of the same root through its English stem.
    assert keys("toxicologiques", "fr")[0] in keys("toxicological")


def test_threads_stemming_at_the_same_time_get_the_stems_a_lone_thread_gets():
    vocabulary = [(word, language) for word in ("usinages", "contrôles", "inspections", "anodisation", "studies",
                                                 "traitements", "machining", "peintures", "rectification")
                  for language in ("fr", "en")]
    uncached = stem.__wrapped__
    expected = {item: uncached(*item) for item in vocabulary}
    wrong, crashes = [], []

    def stem_repeatedly():
        try:
            for _round in range(1000):
                wrong.extend(item for item in vocabulary if uncached(*item) != expected[item])
        except Exception as error:  # noqa: BLE001 — a crash in a thread must fail the test, not vanish
            crashes.append(error)

    threads = [threading.Thread(target=stem_repeatedly) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not crashes and not wrong
