"""The events pages on a phone and on a desktop: nothing scrolls sideways at 390 px or lies over another
control, and the organiser's meeting grid shows every table of a large room (the time column and the table
numbers kept in view while the grid scrolls inside its own box)."""

import pytest
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.events.models import Phase, RegistrationStatus, RequestStatus
from grappe.events.tests.factories import make_event, make_request, place, register
from grappe.members.models import Capability, OrganisationCapability

from .helpers import url
from .test_sweep import OVERLAPS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}
TABLES = 20
WIDTHS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def big_room(transactional_db):
    """An event of 20 tables whose requests are closed (the longest phase name), three participants who
    registered with a long-named organisation, and two meetings at the far ends of the room."""
    staff = make_staff()
    machining = Capability.objects.create(code="m", label_fr="Usinage", label_en="Machining")
    five_axis = Capability.objects.create(parent=machining, code="m5", label_fr="Usinage 5 axes",
                                          label_en="5-axis machining")
    event = make_event(staff, phase=Phase.SCHEDULING, slots=4, tables=TABLES,
                       title="Journée B2B de la chaîne d'approvisionnement aérospatiale")
    names = ("Alpha Usinage et Traitements de Surface Laurentides", "Bravo Composites", "Charlie Aéro")
    people = [register(event, make_member(make_organisation(name, neq=f"{n}" * 10), f"user{n}@org.test"))
              for n, name in enumerate(names, start=1)]
    # what the first offers starts from its directory profile (an unfolded domain), what it seeks is folded
    OrganisationCapability.objects.create(organisation=people[0].organisation, capability=five_axis)
    register(event, make_member(make_organisation("Delta Essais", neq="4444444444"), "user4@org.test"),
             RegistrationStatus.PENDING)
    place(make_request(people[0], people[1], RequestStatus.ACCEPTED), slot_index=0, table_number=1)
    place(make_request(people[0], people[2], RequestStatus.ACCEPTED), slot_index=1, table_number=TABLES)
    return event, staff, people


def reads_well_on_a_phone(page, path: str) -> None:
    page.set_viewport_size(PHONE)
    assert page.goto(path).status == 200
    width = page.evaluate(WIDTHS)
    assert width[0] <= width[1], f"{path} scrolls sideways: {width[0]} px wide in {width[1]} px"
    assert page.evaluate(OVERLAPS) == [], f"{path}: controls lie over each other"


def test_the_organisers_events_pages_do_not_scroll_sideways_on_a_phone(page, sign_in, big_room):
    event, staff, _people = big_room
    sign_in(staff)
    pages = (("events:event-list", ()), ("events:organiser-events", ()),
             ("events:organiser-event", (event.pk,)), ("events:organiser-registrations", (event.pk,)))
    for name, args in pages:
        for language in ("fr", "en"):
            reads_well_on_a_phone(page, url(name, *args, language=language))
    # a wide table scrolls inside its own box, which the keyboard can reach and a screen reader names
    region = page.get_by_role("region", name="Registrations")
    expect(region).to_have_attribute("tabindex", "0")


def test_a_participants_pages_do_not_scroll_sideways_or_overlap(page, sign_in, big_room):
    event, _staff, people = big_room
    sign_in(people[0].person.user)
    for name in ("events:event-list", "events:my-registration", "events:request-list", "events:agenda"):
        reads_well_on_a_phone(page, url(name, *(() if name == "events:event-list" else (event.pk,))))
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.goto(url("events:my-registration", event.pk)).status == 200
    assert page.evaluate(OVERLAPS) == []  # a folded list of capabilities lies over nothing


def test_the_meeting_grid_shows_every_table_and_says_how_many(page, sign_in, big_room):
    event, staff, _people = big_room
    sign_in(staff)
    page.goto(url("events:organiser-schedule", event.pk))

    expect(page.get_by_text(f"{TABLES} tables")).to_be_visible()
    heads = page.get_by_test_id("table-head")
    expect(heads).to_have_count(TABLES)
    grid = page.get_by_test_id("schedule-scroll")
    expect(grid).to_have_attribute("tabindex", "0")
    width = page.evaluate(WIDTHS)
    assert width[0] <= width[1]  # the page itself does not scroll: the grid does, inside its box
    for index in range(TABLES):
        heads.nth(index).scroll_into_view_if_needed()
        expect(heads.nth(index)).to_be_in_viewport()
        expect(page.get_by_role("columnheader", name="Heure")).to_be_in_viewport()  # the time column stays
    expect(page.get_by_test_id("slot-time").first).to_be_in_viewport()
    # the keyboard scrolls it too
    grid.evaluate("box => box.scrollLeft = 0")
    grid.focus()
    page.keyboard.press("End")
    for _ in range(40):
        page.keyboard.press("ArrowRight")
    assert grid.evaluate("box => box.scrollLeft") > 0


def test_the_capability_checklist_narrows_as_one_types_and_comes_back_when_cleared(page, sign_in, big_room):
    event, _staff, people = big_room
    coating = Capability.objects.create(code="c", label_fr="Traitements de surface", label_en="Surface treatment")
    Capability.objects.create(parent=coating, code="c1", label_fr="Anodisation", label_en="Anodizing")
    Capability.objects.create(parent=coating, code="c2", label_fr="Peinture aéronautique", label_en="Aircraft painting")
    sign_in(people[0].person.user)
    assert page.goto(url("events:my-registration", event.pk)).status == 200
    seeks = page.get_by_role("group", name="Ce que nous recherchons")
    box = seeks.get_by_role("searchbox", name="Filtrer la liste")
    painting = seeks.get_by_text("Peinture aéronautique")
    anodizing = seeks.get_by_text("Anodisation")
    five_axis = seeks.get_by_text("Usinage 5 axes")
    expect(painting).to_be_hidden()  # folded: what it seeks starts closed

    box.fill("peinture aero")  # accents aside, every word
    expect(painting).to_be_visible()
    expect(anodizing).to_be_hidden()
    expect(five_axis).to_be_hidden()
    expect(seeks.get_by_role("status")).to_have_text("Options affichées : 1")
    box.press("Enter")  # filtering does not send the form
    expect(box).to_have_value("peinture aero")

    box.fill("")
    expect(painting).to_be_hidden()  # folded again, as it was
    seeks.get_by_text("Traitements de surface").click()
    expect(anodizing).to_be_visible()
