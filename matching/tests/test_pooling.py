"""Free-text needs alike enough to be met together: shared keywords, not the words that name the kind of need."""

from matching.pooling import shared_words, similar_texts

WELDING_FR = "Formation en soudage TIG pour deux soudeurs"
WELDING_EN = "TIG welding training (soudage)"
PAINTING = "Formation peinture aéronautique"


def test_texts_sharing_most_of_their_keywords_make_one_group_in_either_language():
    assert similar_texts([WELDING_FR, WELDING_EN, PAINTING]) == [[0, 1], [2]]


def test_the_words_of_the_kind_of_need_do_not_make_two_texts_alike():
    assert similar_texts(["Formation soudage", "Formation peinture", "Training: painting"]) == [[0], [1], [2]]


def test_texts_alike_through_another_are_in_the_same_group():
    first, second, third = "soudage tig", "tig aluminium", "aluminium anodisation"
    assert similar_texts([first, second, third]) == [[0, 1, 2]]
    assert similar_texts([first, third]) == [[0], [1]]


def test_a_text_without_a_keyword_is_in_no_group():
    assert similar_texts(["Formation", "de la 2024", WELDING_FR]) == [[2]]
    assert similar_texts([]) == []


def test_the_subject_of_a_group_is_the_words_its_texts_share_or_else_the_first_text():
    subject = shared_words([WELDING_FR, WELDING_EN])
    assert "soudage" in subject and "tig" in subject and "formation" not in subject
    assert shared_words([PAINTING, "Argon en vrac"]) == PAINTING
