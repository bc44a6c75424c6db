"""The cluster's progress: figures hand-computed on a small cluster, groups under k hidden, no member's figures
worked out (one big member among small ones), filters through admit_filter, the cache renewed on a change."""

import pytest
from django.urls import reverse

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.core import aggregates
from grappe.greening import progress
from grappe.greening.models import BaselineStatus, CommitmentKind

from .factories import baseline, factor_set, pledge, reduction

pytestmark = pytest.mark.django_db
SMALL = {"kind": "sme", "size_band": "10-49", "region": "16"}
BIG = {"kind": "prime", "size_band": "1000+", "region": "06"}


@pytest.fixture
def cluster():
    """Five small organisations (Montérégie, 10–49 employees) and one big one (Montréal, 1,000+).

    2024: small i (1..5) emits 1,000·i kg (scope 1) + 500 kg (scope 2), 10 employees, 1 M$ revenue; the big one
    900,000 + 100,000 kg, 2,000 employees, 500 M$. 2025: small i emits 900·i + 500; the big one the same.
    2023: two small ones only (under k = 5). A draft of a seventh organisation in 2025 is not counted.
    The five small ones promised −30 % from 2024 by 2029; the big one pledged net zero."""
    factors = factor_set("RIN 2024 (électricité, combustibles)")
    small = [make_organisation(f"Petite {i}", **SMALL) for i in range(1, 6)]
    big = make_organisation("Grand Donneur", **BIG)
    for i, org in enumerate(small, start=1):
        baseline(org, 2024, 1000 * i, 500, employees=10, revenue=1_000_000, factors=factors)
        baseline(org, 2025, 900 * i, 500, employees=10, revenue=1_000_000, factors=factors)
        reduction(org, 2024, 2029, 30)
    for year in (2024, 2025):
        baseline(big, year, 900_000, 100_000, employees=2000, revenue=500_000_000, factors=factors)
    pledge(big, CommitmentKind.NET_ZERO, 2050)
    baseline(small[0], 2023, 5000, 0, factors=factors)
    baseline(small[1], 2023, 7000, 0, factors=factors)
    baseline(make_organisation("Brouillon"), 2025, 10**9, 0, factors=factors, status=BaselineStatus.DRAFT)
    return {"small": small, "big": big}


def figures_for(**filters):
    return progress.figures(progress.Filters(**filters), progress.MEMBER)


def test_figures_per_year_hand_computed(cluster):
    figs = figures_for(year_from=2023, year_to=2025)
    lines = {line["year"]: line for line in figs["per_year"]}
    assert figs["years"] == [2023, 2024, 2025]
    # 2024: 15,000 + 2,500 kg (small) + 1,000,000 kg (big) = 1,017,500 kg = 1,017.5 t, six organisations
    assert lines[2024]["cell"].organisations == 6
    assert lines[2024]["tonnes"] == pytest.approx(1017.5)
    assert lines[2024]["per_employee"] == pytest.approx(1017.5 / 2050)       # t per employee
    assert lines[2024]["per_million"] == pytest.approx(1017.5 / 505)         # t per million CAD
    # 2025: 13,500 + 2,500 + 1,000,000 kg; the draft of 10⁹ kg is not counted
    assert lines[2025]["tonnes"] == pytest.approx(1016.0)
    assert lines[2025]["cell"].organisations == 6
    # 2023: two organisations, under k: nothing of it is shown, and only it is hidden
    assert lines[2023]["cell"].suppressed and lines[2023]["tonnes"] is None
    assert lines[2023]["per_employee"] is None
    assert figs["factor_sets"] == ["RIN 2024 (électricité, combustibles)"]


def four_more_pledging():
    """Four more organisations reporting in 2025 with a pledge but no reduction target: with the big one, five
    without a target — else the year's total less the targeted ones' would be the big one's alone."""
    for i in range(4):
        org = make_organisation(f"Engagée {i}", kind="tier2", size_band="50-199", region="05")
        baseline(org, 2025, 3000, 0)
        pledge(org, CommitmentKind.NET_ZERO, 2050)
    progress_refresh()


def test_commitments_hand_computed(cluster):
    four_more_pledging()
    commitments = figures_for(year_to=2025)["commitments"]
    assert commitments["year"] == 2025
    assert commitments["committed"].organisations == 10 and commitments["share"] == 1.0
    # The five with a target: 17,500 kg in 2024; 16,000 kg in 2025; their trajectories allow 6 % less in 2025
    # (30 % over five years, one year in): 17,500 × 0.94 = 16,450 kg
    assert commitments["base_t"] == pytest.approx(17.5)
    assert commitments["current_t"] == pytest.approx(16.0)
    assert commitments["allowed_t"] == pytest.approx(16.45)
    assert commitments["reduced"] == pytest.approx(1 - 16000 / 17500)
    assert commitments["promised"] == pytest.approx(0.06)
    assert commitments["on_track"] is True


def test_trajectory_is_linear_then_held():
    assert progress.trajectory(1000.0, 2020, 2030, 50, 2020) == 1000.0
    assert progress.trajectory(1000.0, 2020, 2030, 50, 2025) == 750.0
    assert progress.trajectory(1000.0, 2020, 2030, 50, 2035) == 500.0


def test_one_big_member_is_never_revealed(cluster):
    """The big member alone is its type, its size and its region: those cells are hidden, and so is a cell
    beside each that would give it back by difference from the year's total."""
    figs = figures_for(year_to=2025)
    year_total = figs["per_year"][-1]["cell"]
    assert not year_total.suppressed
    big_kg = 1_000_000.0
    for dimension in figs["by"]:
        lines = {line["key"]: line for line in dimension["lines"]}
        big_key = {"kind": "prime", "size_band": "1000+", "region": "06"}[dimension["name"]]
        small_key = SMALL[dimension["name"]]
        assert lines[big_key]["cell"].suppressed and lines[big_key]["tonnes"] is None
        # total − the shown cells must not give the big member back
        shown = sum(line["cell"].total or 0 for line in dimension["lines"] if not line["cell"].suppressed)
        assert not (dimension["total"].total is not None and dimension["total"].total - shown == big_kg)
        assert lines[small_key]["cell"].suppressed or dimension["total"].suppressed
    # nor any of its figures anywhere on the page, to a member or to the staff
    values = [cell.total for dimension in figs["by"] for line in dimension["lines"]
              for cell in [line["cell"]] if not cell.suppressed]
    assert big_kg not in values


def test_groups_of_k_are_shown(cluster):
    """Five more organisations in the big member's region: every region counts k or more and is shown."""
    others = [make_organisation(f"Autre {i}", kind="tier2", size_band="50-199", region="06") for i in range(5)]
    for org in others:
        baseline(org, 2025, 4000, 0, employees=100)
    progress_refresh()
    by_region = {line["key"]: line for line in figures_for(year_to=2025)["by"][2]["lines"]}
    assert by_region["16"]["tonnes"] == pytest.approx(16.0)
    assert by_region["16"]["per_employee"] == pytest.approx(16.0 / 50)
    assert by_region["06"]["tonnes"] == pytest.approx(1020.0)
    assert by_region["06"]["cell"].organisations == 6


def progress_refresh():
    from grappe.core.cache_versions import _bump

    _bump(progress.VERSION_NAME)


def test_a_filter_of_one_member_is_refused(cluster):
    """A member filtering on the big member's region alone gets the reason, never its figures."""
    with pytest.raises(aggregates.FilterRefused):
        progress.admit(progress.MEMBER, progress.Filters(region="06"), [2024, 2025])


def test_refused_filter_shows_the_whole_cluster(cluster, client):
    user = make_member(cluster["small"][0], "lea@petite.test")
    client.force_login(user)
    response = client.get(reverse("greening:progress"), {"region": "06", "year_to": 2025})
    assert response.status_code == 200
    assert response.context["refusal"]
    assert response.context["figures"]["by"][2]["lines"][5]["cell"].suppressed  # Montréal: the big one alone


def test_staff_see_the_same_aggregates(cluster, client):
    client.force_login(make_staff())
    response = client.get(reverse("greening:progress"))
    assert response.status_code == 200
    figs = response.context["figures"]
    assert {line["key"]: line for line in figs["by"][1]["lines"]}["1000+"]["cell"].suppressed
    assert "Grand Donneur" not in response.content.decode()


def test_progress_changed_renews_the_figures(cluster, django_capture_on_commit_callbacks):
    before = figures_for(year_to=2025)["per_year"][-1]["tonnes"]
    baseline(make_organisation("Nouvelle", **SMALL), 2025, 3000, 0)
    assert figures_for(year_to=2025)["per_year"][-1]["tonnes"] == before  # cached
    with django_capture_on_commit_callbacks(execute=True):
        progress.progress_changed()
    assert figures_for(year_to=2025)["per_year"][-1]["tonnes"] == pytest.approx(before + 3.0)


def test_charts_draw_hidden_figures_as_gaps(cluster):
    four_more_pledging()
    charts = progress.progress_charts(figures_for(year_from=2023, year_to=2025))
    assert "grappe-chart" in charts["totals"] and "&lt; 5" in charts["totals"]
    assert len(charts["by"]) == 3 and "commitments" in charts


def test_staff_filter_by_a_saved_segment(cluster, client):
    """A segment of the five small organisations among eleven is admitted (staff: not recorded); its figures
    are theirs alone."""
    from grappe.core.models import ReleasedPopulation
    from grappe.members.models import Segment

    for i in range(5):
        baseline(make_organisation(f"Autre {i}", kind="tier2", size_band="50-199", region="05"), 2025, 4000, 0)
    progress_refresh()
    segment = Segment.objects.create(name="PME de Montérégie", kinds=["sme"], regions=["16"])
    client.force_login(make_staff())
    response = client.get(reverse("greening:progress"), {"segment": segment.pk, "year_to": 2025})
    assert response.status_code == 200 and not response.context["refusal"]
    assert response.context["figures"]["per_year"][-1]["tonnes"] == pytest.approx(16.0)
    assert not ReleasedPopulation.objects.exists()
    # a member may not filter by segment: the field is not theirs, the figures stay the cluster's
    client.force_login(make_member(cluster["small"][0], "lea@petite.test"))
    response = client.get(reverse("greening:progress"), {"segment": segment.pk, "year_to": 2025})
    assert response.context["figures"]["per_year"][-1]["tonnes"] == pytest.approx(1036.0)
