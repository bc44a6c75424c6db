"""Grappe's matching engine: pure Python and numpy/scipy, no Django, tested alone.

- `matching.text`: folding, words, French and English stems.
- `matching.taxonomy`: competencies read from taxonomy nodes.
- `matching.inference`: which competencies a free text needs, and the words that say so.
- `matching.partners`: organisations as partnering sees them, and `PartnerIndex`, their matrices built once.
- `matching.gap`: what an opportunity needs that its initiator lacks; go alone or find partners.
- `matching.ranking`: partners ranked by what they bring, what they get back and how much they compete.
- `matching.consortia`: minimal teams covering the gap under rules, solved exactly with HiGHS.
"""
