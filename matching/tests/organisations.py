"""A short way to write the organisations of the partnering tests."""

from matching.partners import CORE, SECONDARY, Candidate, Holding

# The members' size bands (grappe.members.models.SizeBand), smallest first.
SIZE_BANDS = ("1-9", "10-49", "50-199", "200-499", "500-999", "1000+")


def org(id, kind="sme", core=(), secondary=(), size_band="10-49", region="06", certifications=(), needs=(),
        competitor_of=()) -> Candidate:
    holdings = {code: Holding(code, CORE, f"{id} does {code}") for code in core}
    holdings.update({code: Holding(code, SECONDARY, f"{id} also does {code}") for code in secondary})
    return Candidate(id=id, name=f"Organisation {id}", kind=kind, size_band=size_band, region=region,
                     holdings=holdings, certifications=frozenset(certifications), needs=frozenset(needs),
                     competitor_of=frozenset(competitor_of))
