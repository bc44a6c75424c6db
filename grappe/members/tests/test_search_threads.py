"""Searches that run at the same time (threaded server, htmx typing) each get their own words' stems."""

import threading

from grappe.members.search import query_stems

QUERIES = ["intelligence artificielle", "usinage 5 axes", "traitement thermique", "ISO 14001",
           "composites avancés", "contrôle non destructif", "landing gear overhaul"]


def test_concurrent_searches_get_the_stems_a_lone_search_gets():
    expected = {query: query_stems(query) for query in QUERIES}
    wrong, crashes = [], []

    def search_repeatedly():
        try:
            for _round in range(1500):
                for query in QUERIES:
                    if query_stems(query) != expected[query]:
                        wrong.append(query)
        except Exception as error:  # noqa: BLE001 — a crash in a thread must fail the test, not vanish
            crashes.append(error)

    threads = [threading.Thread(target=search_repeatedly) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not crashes and not wrong
