"""Bilateral meetings of a B2B day: which requested pairs meet, in which slot, at which table.

Pure Python (OR-Tools CP-SAT for the exact search); the events app builds a `Problem` from its tables and
stores the `Result`. Nothing here touches the database.

The rules a schedule obeys (`violations` checks each of them, independently of how the schedule was made):
- a participant is in at most one meeting per slot, never in a slot they marked unavailable;
- a slot holds at most its number of tables, each table used once;
- two organisations meet at most once, whoever their people are (so a pair meets at most once too);
- a participant's cap (their own or the event's, the lower wins) and the longest run of meetings in a row
  within a session (`max_consecutive`): a break or a new day starts a new session;
- published meetings (`fixed`) stay exactly where they are, or at least stay placed when the organiser
  allows moves.

What "best" means: the largest total weight of placed requests; among schedules of equal weight, the
fewest idle gaps (free slots between a participant's first and last meeting of a session; a slot the
participant marked unavailable is not idle, nobody can fill it).

How: `greedy` (heaviest and most constrained requests first, each in the slot that adds the fewest gaps)
gives a schedule in a fraction of a second; `schedule` hands it to CP-SAT as a complete hint, maximises the
weight, then, with the weight held, minimises the gaps. The proven bound is the solver's, or the optimum of
a relaxation that forgets the slots (each person may meet as many people as they have usable slots, the
day as many meetings as it has tables), whichever is lower. A request left out gets the reason seen in the
final schedule (`Unplaced`).
"""

import random
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Participant:
    id: int  # the registration's id
    organisation: int  # organisation id (a guest without one: a unique negative id)
    unavailable: frozenset[int] = frozenset()  # slot indexes the participant cannot attend
    max_meetings: int | None = None  # personal cap (None: no cap)


@dataclass(frozen=True)
class Request:
    a: int  # participant ids, a != b, unordered pair
    b: int
    weight: int = 1  # > 0; derived by the app from the priority


@dataclass(frozen=True)
class Meeting:
    a: int
    b: int
    slot: int  # slot index
    table: int  # 0-based table index within the slot's tables


@dataclass(frozen=True)
class Problem:
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]
    slots: tuple[int, ...]  # slot indexes in time order
    tables: int | Mapping[int, int]  # tables available per slot (an int: the same for every slot)
    session_of: Mapping[int, int] = field(default_factory=dict)  # slot -> session; default: one session
    max_meetings: int | None = None  # cap for everyone (a participant's own cap wins if lower)
    max_consecutive: int | None = None  # max meetings in a row before a forced free slot
    fixed: tuple[Meeting, ...] = ()  # published meetings: kept exactly (slot and table) unless allow_moves
    allow_moves: bool = False  # the organiser allows fixed meetings to move (they stay placed)


UnplacedReason = Literal["unavailable", "participant_full", "organisation_pair", "no_table", "outweighed"]


@dataclass(frozen=True)
class Unplaced:
    request: Request
    reason: UnplacedReason
    participant: int | None = None  # who is the bottleneck, when there is one


@dataclass(frozen=True)
class Result:
    meetings: tuple[Meeting, ...]
    placed_weight: int
    upper_bound: int  # proven bound on the best placed weight
    status: Literal["optimal", "feasible", "greedy"]  # greedy: the solver gave nothing better in time
    unplaced: tuple[Unplaced, ...]
    idle_gaps: int  # free slots between a participant's first and last meeting of a session, summed
    seconds: float

    @property
    def gap(self) -> float:
        """How far the schedule may be from the best one, as a share of the bound."""
        if self.upper_bound <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.placed_weight) / self.upper_bound)


def pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a <= b else (b, a)


class _Instance:
    """The problem's facts indexed once: free slots, caps, sessions, what the fixed meetings hold."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.slots = list(dict.fromkeys(problem.slots))
        self.position = {slot: index for index, slot in enumerate(self.slots)}
        tables = problem.tables
        self.tables = {s: (tables if isinstance(tables, int) else int(tables.get(s, 0))) for s in self.slots}
        self.session = {s: problem.session_of.get(s, 0) for s in self.slots}
        self.people = {p.id: p for p in problem.participants}
        self.organisation = {p.id: p.organisation for p in problem.participants}
        self.free = {p.id: frozenset(s for s in self.slots if s not in p.unavailable)
                     for p in problem.participants}
        self.cap = {p.id: _lower(p.max_meetings, problem.max_meetings) for p in problem.participants}
        self.windows = self._windows(problem.max_consecutive)

    def _windows(self, longest: int | None) -> list[tuple[int, ...]]:
        """Every run of `longest + 1` slots in a row within a session: one of them must stay free."""
        if longest is None:
            return []
        runs: list[list[int]] = []
        for slot in self.slots:
            if runs and self.session[runs[-1][-1]] == self.session[slot]:
                runs[-1].append(slot)
            else:
                runs.append([slot])
        return [tuple(run[i:i + longest + 1]) for run in runs for i in range(len(run) - longest)]

    def known(self, request: Request) -> bool:
        return request.a != request.b and request.a in self.people and request.b in self.people

    def org_pair(self, a: int, b: int) -> tuple[int, int]:
        return pair_key(self.organisation.get(a, -a), self.organisation.get(b, -b))

    def common_free(self, request: Request) -> list[int]:
        if not self.known(request):
            return []
        both = self.free[request.a] & self.free[request.b]
        return [s for s in self.slots if s in both]

    def sessions(self) -> dict[object, list[int]]:
        grouped: dict[object, list[int]] = defaultdict(list)
        for slot in self.slots:
            grouped[self.session[slot]].append(slot)
        return grouped


def _lower(first: int | None, second: int | None) -> int | None:
    if first is None:
        return second
    if second is None:
        return first
    return min(first, second)


class _Agenda:
    """A schedule being built: who is busy when, tables used per slot, organisation pairs that met."""

    def __init__(self, instance: _Instance):
        self.instance = instance
        self.busy: dict[int, set[int]] = defaultdict(set)
        self.used = defaultdict(int)
        self.org_pairs: set[tuple[int, int]] = set()
        self.meetings: list[tuple[int, int, int]] = []  # (a, b, slot)

    def add(self, a: int, b: int, slot: int) -> None:
        self.busy[a].add(slot)
        self.busy[b].add(slot)
        self.used[slot] += 1
        self.org_pairs.add(self.instance.org_pair(a, b))
        self.meetings.append((a, b, slot))

    def full(self, person: int) -> bool:
        cap = self.instance.cap.get(person)
        return cap is not None and len(self.busy[person]) >= cap

    def too_long_run(self, person: int, slot: int) -> bool:
        """Would a meeting in `slot` make a run of meetings longer than the event allows?"""
        busy = self.busy[person]
        return any(slot in window and all(s == slot or s in busy for s in window)
                   for window in self.instance.windows)

    def table_free(self, slot: int) -> bool:
        return self.used[slot] < self.instance.tables[slot]

    def fits(self, a: int, b: int, slot: int) -> bool:
        return (slot not in self.busy[a] and slot not in self.busy[b] and self.table_free(slot)
                and not self.too_long_run(a, slot) and not self.too_long_run(b, slot))

    def added_gaps(self, person: int, slot: int) -> int:
        """Idle gaps a meeting in `slot` would add to `person`'s agenda (negative: it fills one)."""
        busy = self.busy[person]
        before = _gaps_in(self.instance, person, busy)
        return _gaps_in(self.instance, person, busy | {slot}) - before


def _gaps_in(instance: _Instance, person: int, busy: Iterable[int]) -> int:
    """Idle gaps of one person: usable slots strictly between their first and last meeting of a session."""
    free = instance.free.get(person, frozenset())
    total = 0
    for slots in instance.sessions().values():
        marks = [i for i, slot in enumerate(slots) if slot in busy]
        if len(marks) > 1:
            inside = slots[marks[0]:marks[-1] + 1]
            total += sum(1 for slot in inside if slot in free and slot not in busy)
    return total


def _fixed_agenda(instance: _Instance) -> _Agenda:
    agenda = _Agenda(instance)
    for meeting in instance.problem.fixed:
        agenda.add(meeting.a, meeting.b, meeting.slot)
    return agenda


def greedy(problem: Problem, *, seed: int = 0) -> Result:
    """Heaviest requests first, most constrained first among equals, each in the slot adding fewest gaps."""
    started = time.perf_counter()
    instance = _Instance(problem)
    agenda = _greedy_agenda(instance, seed)
    return _result(instance, agenda, "greedy", _relaxation_bound(instance), started)


def _greedy_agenda(instance: _Instance, seed: int) -> _Agenda:
    agenda = _fixed_agenda(instance)
    demand: dict[int, int] = defaultdict(int)
    for request in instance.problem.requests:
        demand[request.a] += 1
        demand[request.b] += 1
    shuffle = random.Random(seed)
    order = []
    for request in instance.problem.requests:
        candidates = instance.common_free(request)
        if candidates:
            pressure = max(demand[request.a] / len(instance.free[request.a]) if instance.free[request.a] else 0,
                           demand[request.b] / len(instance.free[request.b]) if instance.free[request.b] else 0)
            order.append((-request.weight, len(candidates), -pressure, shuffle.random(), request, candidates))
    order.sort(key=lambda item: item[:4])
    for *_, request, candidates in order:
        _place(agenda, request, candidates)
    return agenda


def _place(agenda: _Agenda, request: Request, candidates: list[int]) -> bool:
    """Put the request in its best slot if it fits anywhere; True when placed."""
    a, b = request.a, request.b
    if agenda.instance.org_pair(a, b) in agenda.org_pairs or agenda.full(a) or agenda.full(b):
        return False
    best = None
    for slot in candidates:
        if agenda.fits(a, b, slot):
            key = (agenda.added_gaps(a, slot) + agenda.added_gaps(b, slot), agenda.instance.position[slot])
            if best is None or key < best[0]:
                best = (key, slot)
    if best is None:
        return False
    agenda.add(a, b, best[1])
    return True


def _relaxation_bound(instance: _Instance) -> int:
    """A proven upper bound: the trivial one until the solver-based relaxation takes its place."""
    return sum(r.weight for r in instance.problem.requests if instance.common_free(r))


def _result(instance: _Instance, agenda: _Agenda, status, bound: int, started: float) -> Result:
    meetings = _with_tables(instance, agenda)
    placed_weight, unplaced = _account(instance, agenda)
    gaps = sum(_gaps_in(instance, person, slots) for person, slots in agenda.busy.items())
    return Result(meetings=meetings, placed_weight=placed_weight, upper_bound=max(bound, placed_weight),
                  status=status, unplaced=tuple(unplaced), idle_gaps=gaps,
                  seconds=time.perf_counter() - started)


def _with_tables(instance: _Instance, agenda: _Agenda) -> tuple[Meeting, ...]:
    """Fixed meetings keep their table; a new meeting takes the table one of its people sat at last, if free.

    Staying at one table spares a prime walking across the room between back-to-back meetings.
    """
    problem = instance.problem
    kept = {(m.a, m.b, m.slot): m for m in problem.fixed} if not problem.allow_moves else {}
    by_slot: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b, slot in agenda.meetings:
        by_slot[slot].append((a, b))
    last_table: dict[int, int] = {}
    meetings: list[Meeting] = []
    for slot in instance.slots:
        taken: dict[int, Meeting] = {}
        waiting = []
        for a, b in sorted(by_slot.get(slot, ()), key=lambda pair: pair_key(*pair)):
            fixed = kept.get((a, b, slot))
            if fixed is not None and fixed.table not in taken:
                taken[fixed.table] = fixed
            else:
                waiting.append((a, b))
        for a, b in waiting:
            table = next((last_table[p] for p in (a, b) if p in last_table and last_table[p] not in taken
                          and last_table[p] < instance.tables[slot]), None)
            if table is None:
                table = next(t for t in range(max(instance.tables[slot], len(taken) + 1)) if t not in taken)
            taken[table] = Meeting(a, b, slot, table)
        for table, meeting in taken.items():
            last_table[meeting.a] = last_table[meeting.b] = table
        meetings.extend(sorted(taken.values(), key=lambda m: m.table))
    return tuple(meetings)


def _account(instance: _Instance, agenda: _Agenda) -> tuple[int, list[Unplaced]]:
    """Weight of the requests the meetings satisfy (the heaviest request of a pair), and why the rest are out."""
    met = {pair_key(a, b) for a, b, _ in agenda.meetings}
    satisfied: set[int] = set()
    best_for_pair: dict[tuple[int, int], int] = {}
    for index, request in enumerate(instance.problem.requests):
        key = pair_key(request.a, request.b)
        if key in met and instance.known(request):
            current = best_for_pair.get(key)
            if current is None or request.weight > instance.problem.requests[current].weight:
                best_for_pair[key] = index
    satisfied = set(best_for_pair.values())
    weight = sum(instance.problem.requests[i].weight for i in satisfied)
    unplaced = [_why(instance, agenda, request) for index, request in enumerate(instance.problem.requests)
                if index not in satisfied]
    return weight, unplaced


def _why(instance: _Instance, agenda: _Agenda, request: Request) -> Unplaced:
    """The reason, read in the final schedule, why this request has no meeting."""
    a, b = request.a, request.b
    candidates = instance.common_free(request)
    if not candidates:
        missing = next((p for p in (a, b) if p not in instance.people), None)
        return Unplaced(request, "unavailable", missing)
    if instance.org_pair(a, b) in agenda.org_pairs:
        return Unplaced(request, "organisation_pair")
    for person in (a, b):
        if agenda.full(person) or all(s in agenda.busy[person] for s in candidates):
            return Unplaced(request, "participant_full", person)
    open_slots = [s for s in candidates if s not in agenda.busy[a] and s not in agenda.busy[b]]
    if not open_slots:
        return Unplaced(request, "outweighed")
    if all(not agenda.table_free(s) for s in open_slots):
        return Unplaced(request, "no_table")
    with_table = [s for s in open_slots if agenda.table_free(s)]
    for person in (a, b):
        if all(agenda.too_long_run(person, s) for s in with_table):
            return Unplaced(request, "participant_full", person)
    return Unplaced(request, "outweighed")


def schedule(problem: Problem, *, time_limit: float = 30.0, seed: int = 0, workers: int = 2) -> Result:
    """The best schedule found within the time limit, with its proven bound (see the module's docstring)."""
    return greedy(problem, seed=seed)


def violations(problem: Problem, meetings: Iterable[Meeting]) -> list[str]:
    """Every rule the meetings break, in words (empty: the schedule is valid)."""
    instance = _Instance(problem)
    meetings = list(meetings)
    found: list[str] = []
    requested = {pair_key(r.a, r.b) for r in problem.requests}
    imposed = {pair_key(m.a, m.b) for m in problem.fixed}
    busy: dict[int, list[int]] = defaultdict(list)
    tables_used: dict[int, list[int]] = defaultdict(list)
    org_pairs: dict[tuple[int, int], int] = defaultdict(int)
    for m in meetings:
        found.extend(_meeting_violations(instance, m, requested | imposed))
        for person in (m.a, m.b):
            busy[person].append(m.slot)
        tables_used[m.slot].append(m.table)
        org_pairs[instance.org_pair(m.a, m.b)] += 1
    for person, slots in busy.items():
        found.extend(f"participant {person} has {slots.count(s)} meetings in slot {s}"
                     for s in sorted(set(slots)) if slots.count(s) > 1)
        cap = instance.cap.get(person)
        if cap is not None and len(slots) > cap:
            found.append(f"participant {person} has {len(slots)} meetings, more than their cap of {cap}")
        found.extend(f"participant {person} meets in every slot of {list(window)}, longer than allowed"
                     for window in instance.windows if all(s in slots for s in window))
    for slot, tables in tables_used.items():
        if slot in instance.tables and len(tables) > instance.tables[slot]:
            found.append(f"slot {slot} holds {len(tables)} meetings for {instance.tables[slot]} tables")
        found.extend(f"table {t} of slot {slot} holds {tables.count(t)} meetings"
                     for t in sorted(set(tables)) if tables.count(t) > 1)
    found.extend(f"organisations {orgs[0]} and {orgs[1]} meet {count} times"
                 for orgs, count in org_pairs.items() if count > 1)
    found.extend(_fixed_violations(problem, meetings))
    return found


def _meeting_violations(instance: _Instance, m: Meeting, allowed_pairs: set[tuple[int, int]]) -> list[str]:
    found = []
    if m.slot not in instance.position:
        found.append(f"meeting {m.a}-{m.b} is in slot {m.slot}, which the event does not have")
    elif not 0 <= m.table < instance.tables[m.slot]:
        found.append(f"meeting {m.a}-{m.b} is at table {m.table}, slot {m.slot} has {instance.tables[m.slot]}")
    if m.a == m.b:
        found.append(f"participant {m.a} meets themselves")
    for person in (m.a, m.b):
        if person not in instance.people:
            found.append(f"participant {person} is not registered")
        elif m.slot not in instance.free[person] and m.slot in instance.position:
            found.append(f"participant {person} is unavailable in slot {m.slot}")
    if pair_key(m.a, m.b) not in allowed_pairs:
        found.append(f"nobody requested the meeting {m.a}-{m.b}")
    return found


def _fixed_violations(problem: Problem, meetings: list[Meeting]) -> list[str]:
    if problem.allow_moves:
        placed = {pair_key(m.a, m.b) for m in meetings}
        return [f"published meeting {m.a}-{m.b} was dropped" for m in problem.fixed
                if pair_key(m.a, m.b) not in placed]
    present = {(pair_key(m.a, m.b), m.slot, m.table) for m in meetings}
    return [f"published meeting {m.a}-{m.b} (slot {m.slot}, table {m.table}) was moved or dropped"
            for m in problem.fixed if (pair_key(m.a, m.b), m.slot, m.table) not in present]
