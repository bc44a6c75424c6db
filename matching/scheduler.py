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

How: `greedy` takes the weight classes from the heaviest and, within one, the request with the fewest open
slots first (DSATUR's rule), then tries to fit each leftover request by re-matching one person's meetings
to slots; it gives a schedule in about a second. `schedule` also solves the linear relaxation of the full
model (one boolean per request and common free slot) with HiGHS: its optimum is a proven bound, and its
solution, rounded and filled the same way, is usually a schedule that reaches it. When it does not, CP-SAT
starts from the better of the two as a complete hint and maximises the weight. With the weight held, the
gaps are minimised by CP-SAT on models of up to `GAP_MODEL_LIMIT` booleans, and by moves and swaps
(`_tidy`) on every schedule. The bound reported is the lowest of the relaxation without slots (each person
meets at most as many people as they have room for, the day holds at most as many meetings as it has
tables, two organisations meet once), the linear relaxation and CP-SAT's own. A request left out gets the
reason read in the final schedule (`Unplaced`).
"""

import heapq
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


# Above this many booleans the gaps are left to `_tidy`: the gap model triples the size, and the weight
# solve alone uses the time.
GAP_MODEL_LIMIT = 40_000
WEIGHT_SHARE = 0.6  # of the time limit for the weight; the rest (and what the weight left) for the gaps

# unavailable: no slot both are free in; organisation_pair: their organisations already meet;
# participant_cap: one has reached their maximum of meetings; participant_busy: one is in another meeting in
# every common free slot; both_busy: in each common free slot one or the other is; no_table: every slot still
# open to both has its tables taken; too_many_in_a_row: one would exceed the longest run of meetings;
# outweighed: none of these, it lost to requests worth more.
UnplacedReason = Literal["unavailable", "organisation_pair", "participant_cap", "participant_busy",
                         "both_busy", "no_table", "too_many_in_a_row", "outweighed"]


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
        self.windows_of: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for window in self.windows:
            for slot in window:
                self.windows_of[slot].append(window)
        self.by_session: dict[object, list[int]] = defaultdict(list)
        for slot in self.slots:
            self.by_session[self.session[slot]].append(slot)

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
        self.meetings: dict[tuple[int, int, int], None] = {}  # (a, b, slot), in the order they came
        self.at: dict[tuple[int, int], tuple[int, int, int]] = {}  # (person, slot) -> their meeting
        self.fixed: set[tuple[int, int, int]] = set()  # meetings that stay where they are

    def add(self, a: int, b: int, slot: int) -> None:
        self.busy[a].add(slot)
        self.busy[b].add(slot)
        self.used[slot] += 1
        self.org_pairs.add(self.instance.org_pair(a, b))
        self.meetings[a, b, slot] = None
        self.at[a, slot] = self.at[b, slot] = (a, b, slot)

    def pairs(self) -> set[tuple[int, int]]:
        return {pair_key(a, b) for a, b, _ in self.meetings}

    def remove(self, a: int, b: int, slot: int) -> None:
        self.busy[a].discard(slot)
        self.busy[b].discard(slot)
        self.used[slot] -= 1
        self.org_pairs.discard(self.instance.org_pair(a, b))
        del self.meetings[a, b, slot]
        del self.at[a, slot], self.at[b, slot]

    def full(self, person: int) -> bool:
        cap = self.instance.cap.get(person)
        return cap is not None and len(self.busy[person]) >= cap

    def too_long_run(self, person: int, slot: int) -> bool:
        """Would a meeting in `slot` make (or, if it is there, does it make) a run longer than allowed?"""
        busy = self.busy[person]
        return any(all(s == slot or s in busy for s in window) for window in self.instance.windows_of[slot])

    def table_free(self, slot: int) -> bool:
        return self.used[slot] < self.instance.tables[slot]

    def fits(self, a: int, b: int, slot: int) -> bool:
        return (slot not in self.busy[a] and slot not in self.busy[b] and self.table_free(slot)
                and not self.too_long_run(a, slot) and not self.too_long_run(b, slot))

    def added_gaps(self, person: int, slot: int) -> int:
        """Idle gaps a meeting in `slot` would add to `person`'s agenda (negative: it fills one)."""
        busy = self.busy[person]
        session = self.instance.by_session[self.instance.session[slot]]
        free = self.instance.free[person]
        return _session_gaps(session, free, busy | {slot}) - _session_gaps(session, free, busy)


def _gaps_in(instance: _Instance, person: int, busy: Iterable[int]) -> int:
    """Idle gaps of one person: usable slots strictly between their first and last meeting of a session."""
    free = instance.free.get(person, frozenset())
    busy = set(busy)
    return sum(_session_gaps(slots, free, busy) for slots in instance.by_session.values())


def _session_gaps(slots: list[int], free: frozenset[int], busy: set[int]) -> int:
    marks = [i for i, slot in enumerate(slots) if slot in busy]
    if len(marks) < 2:
        return 0
    return sum(1 for slot in slots[marks[0]:marks[-1] + 1] if slot in free and slot not in busy)


def _fixed_agenda(instance: _Instance) -> _Agenda:
    agenda = _Agenda(instance)
    for meeting in instance.problem.fixed:
        agenda.add(meeting.a, meeting.b, meeting.slot)
    agenda.fixed = set(agenda.meetings)
    return agenda


def greedy(problem: Problem, *, seed: int = 0) -> Result:
    """Heaviest requests first, most constrained first among equals, each in the slot adding fewest gaps."""
    started = time.perf_counter()
    instance = _Instance(problem)
    agenda = _greedy_agenda(instance, seed)
    bound = _relaxation_bound(instance, _items(instance))
    return _result(instance, agenda, "greedy", bound, started)


def _greedy_agenda(instance: _Instance, seed: int) -> _Agenda:
    """Weight classes from the heaviest; within one, the request with the fewest slots left goes first."""
    agenda = _fixed_agenda(instance)
    items = [item for item in _items(instance) if not item.must]
    shuffle = random.Random(seed)
    ties = [shuffle.random() for _ in items]
    by_weight: dict[int, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        by_weight[item.request.weight].append(index)
    for weight in sorted(by_weight, reverse=True):
        _Filling(agenda, items, by_weight[weight], ties).run()
    for item in sorted(items, key=lambda item: -item.request.weight):
        _place(agenda, item.request, item.candidates) or _place_by_moving(agenda, item)
    return agenda


class _Filling:
    """One weight class placed most-constrained-first (DSATUR's rule for colouring graphs): a lazy heap of
    (slots still open, tie) that is refreshed for the requests a placement touches."""

    def __init__(self, agenda: _Agenda, items: list["_Item"], indexes: list[int], ties: list[float]):
        self.agenda, self.items, self.ties = agenda, items, ties
        self.pending = set(indexes)
        self.of_person: dict[int, set[int]] = defaultdict(set)
        self.of_orgs: dict[tuple[int, int], set[int]] = defaultdict(set)
        self.interest: dict[tuple[int, int], int] = defaultdict(int)  # (person, slot) -> pending requests
        for index in indexes:
            request = items[index].request
            for person in (request.a, request.b):
                self.of_person[person].add(index)
                for slot in items[index].candidates:
                    self.interest[person, slot] += 1
            self.of_orgs[agenda.instance.org_pair(request.a, request.b)].add(index)
        self.heap: list[tuple[int, float, int]] = []
        self.version: dict[int, int] = {}
        for index in indexes:
            self._push(index)

    def _open(self, index: int) -> list[int]:
        agenda, request = self.agenda, self.items[index].request
        a, b = request.a, request.b
        if agenda.instance.org_pair(a, b) in agenda.org_pairs or agenda.full(a) or agenda.full(b):
            return []
        return [slot for slot in self.items[index].candidates if agenda.fits(a, b, slot)]

    def _push(self, index: int) -> None:
        self.version[index] = self.version.get(index, 0) + 1
        heapq.heappush(self.heap, (len(self._open(index)), self.ties[index], index, self.version[index]))

    def _leave(self, index: int) -> None:
        self.pending.discard(index)
        request = self.items[index].request
        for person in (request.a, request.b):
            self.of_person[person].discard(index)
            for slot in self.items[index].candidates:
                self.interest[person, slot] -= 1

    def run(self) -> None:
        while self.heap:
            _, _, index, version = heapq.heappop(self.heap)
            if index not in self.pending or version != self.version[index]:
                continue
            self._leave(index)
            slots = self._open(index)
            if not slots:
                continue
            request = self.items[index].request
            slot = min(slots, key=lambda s: self._cost(request, s))
            table_was_last = self.agenda.used[slot] + 1 >= self.agenda.instance.tables[slot]
            self.agenda.add(request.a, request.b, slot)
            touched = self.of_person[request.a] | self.of_person[request.b] | self.of_orgs[
                self.agenda.instance.org_pair(request.a, request.b)]
            for other in (self.pending if table_was_last else touched & self.pending):
                self._push(other)

    def _cost(self, request: Request, slot: int) -> tuple:
        """The slot the other requests of these two people want least, then the one adding fewest gaps."""
        agenda, (a, b) = self.agenda, (request.a, request.b)
        wanted = self.interest[a, slot] + self.interest[b, slot]
        return wanted, agenda.added_gaps(a, slot) + agenda.added_gaps(b, slot), agenda.instance.position[slot]


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


def _place_by_moving(agenda: _Agenda, item: "_Item") -> bool:
    """Make room for the request by moving the other meetings of one of its two people to other slots.

    Which of that person's meetings goes in which slot is a bipartite matching (their meetings, the slots
    where both sides of each are free); an augmenting path from the new request (Kuhn's algorithm) moves
    as few of them as it can. The other people in those meetings do not move.
    """
    a, b = item.request.a, item.request.b
    instance = agenda.instance
    if item.must or instance.org_pair(a, b) in agenda.org_pairs or agenda.full(a) or agenda.full(b):
        return False
    return any(_rematch(agenda, pivot, item.request) for pivot in (a, b))


def _rematch(agenda: _Agenda, pivot: int, request: Request) -> bool:
    instance = agenda.instance
    own = {slot: agenda.at[pivot, slot] for slot in agenda.busy[pivot]}
    if any(meeting in agenda.fixed for meeting in own.values()):
        return False
    new = (request.a, request.b, None)
    meetings = list(own.values()) + [new]

    def slots_for(meeting) -> list[int]:
        other = meeting[1] if meeting[0] == pivot else meeting[0]
        return [s for s in instance.slots if s in instance.free[pivot] and s in instance.free[other]
                and (s not in agenda.busy[other] or s == meeting[2])
                and (s in own or agenda.table_free(s))]

    holder = {slot: meeting for slot, meeting in own.items()}

    def augment(meeting, seen: set[int]) -> bool:
        for slot in slots_for(meeting):
            if slot in seen:
                continue
            seen.add(slot)
            if slot not in holder or augment(holder[slot], seen):
                holder[slot] = meeting
                return True
        return False

    if not augment(new, set()):
        return False
    moved = [(slot, m) for slot, m in holder.items() if m[2] != slot]
    for _, m in moved:
        if m[2] is not None:
            agenda.remove(*m)
    for slot, m in moved:
        agenda.add(m[0], m[1], slot)
    people = {p for _, m in moved for p in m[:2]}
    if not any(agenda.too_long_run(p, s) for p in people for s in agenda.busy[p]):
        return True
    for slot, m in moved:
        agenda.remove(m[0], m[1], slot)
    for _, m in moved:
        if m[2] is not None:
            agenda.add(*m)
    return False


def _tidy(agenda: _Agenda, rounds: int = 2) -> None:
    """Fewer idle gaps, the same people meeting: move a meeting to another slot, or swap the slots of two
    meetings of one person, whenever that lowers the gaps of the people concerned."""
    instance = agenda.instance

    def gaps(*people: int) -> int:
        return sum(_gaps_in(instance, p, agenda.busy[p]) for p in people)

    for _ in range(rounds):
        changed = False
        for meeting in list(agenda.meetings):
            if meeting in agenda.fixed or meeting not in agenda.meetings:
                continue
            changed |= _tidy_move(agenda, meeting, gaps) or _tidy_swap(agenda, meeting, gaps)
        if not changed:
            return


def _tidy_move(agenda: _Agenda, meeting: tuple[int, int, int], gaps) -> bool:
    a, b, slot = meeting
    before = gaps(a, b)
    agenda.remove(*meeting)
    best = None
    for target in agenda.instance.common_free(Request(a, b)):
        if target != slot and agenda.fits(a, b, target):
            agenda.add(a, b, target)
            after = gaps(a, b)
            agenda.remove(a, b, target)
            if after < before and (best is None or after < best[0]):
                best = (after, target)
    agenda.add(a, b, best[1] if best else slot)
    return best is not None


def _tidy_swap(agenda: _Agenda, meeting: tuple[int, int, int], gaps) -> bool:
    a, b, slot = meeting
    for person, partner in ((a, b), (b, a)):
        for other_slot in sorted(agenda.busy[person], key=agenda.instance.position.get):
            other = agenda.at[person, other_slot]
            if other == meeting or other in agenda.fixed:
                continue
            third = other[1] if other[0] == person else other[0]
            if not (other_slot in agenda.instance.free[partner] and slot in agenda.instance.free[third]
                    and other_slot not in agenda.busy[partner] and slot not in agenda.busy[third]):
                continue
            before = gaps(person, partner, third)
            agenda.remove(*meeting)
            agenda.remove(*other)
            agenda.add(a, b, other_slot)
            agenda.add(other[0], other[1], slot)
            if gaps(person, partner, third) < before and not any(
                    agenda.too_long_run(p, s) for p in (person, partner, third) for s in agenda.busy[p]):
                return True
            agenda.remove(a, b, other_slot)
            agenda.remove(other[0], other[1], slot)
            agenda.add(*meeting)
            agenda.add(*other)
    return False


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
    kept = {(m.a, m.b, m.slot): m for m in problem.fixed}  # moves allowed: kept if it stayed in its slot
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
    """Weight of the requests the meetings satisfy (a pair's heaviest), and why the rest are out."""
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
        if agenda.full(person):
            return Unplaced(request, "participant_cap", person)
    for person in (a, b):
        if all(s in agenda.busy[person] for s in candidates):
            return Unplaced(request, "participant_busy", person)
    open_slots = [s for s in candidates if s not in agenda.busy[a] and s not in agenda.busy[b]]
    if not open_slots:
        return Unplaced(request, "both_busy")
    if all(not agenda.table_free(s) for s in open_slots):
        return Unplaced(request, "no_table")
    with_table = [s for s in open_slots if agenda.table_free(s)]
    for person in (a, b):
        if all(agenda.too_long_run(person, s) for s in with_table):
            return Unplaced(request, "too_many_in_a_row", person)
    return Unplaced(request, "outweighed")


def schedule(problem: Problem, *, time_limit: float = 30.0, seed: int = 0, workers: int = 2) -> Result:
    """The best schedule found within the time limit, with its proven bound (see the module's docstring).

    `time_limit` bounds the whole call in seconds. The solver's share of it is counted in CP-SAT's
    deterministic time (about a second each on an idle core), so the same problem and seed give the same
    schedule on every run; only a machine too busy to do that work in time cuts a solve short.
    """
    started = time.perf_counter()
    instance = _Instance(problem)
    items = _items(instance)
    fixed = _fixed_weight(instance, items)
    solver = _Solver(instance, items, _Budget(time_limit, seed, workers, started))
    start = _greedy_agenda(instance, seed)
    greedy_weight = _account(instance, start)[0]
    bound = _relaxation_bound(instance, items)
    linear = solver.linear_relaxation() if greedy_weight < bound else None
    if linear is not None:
        bound = min(bound, fixed + int(linear[0] + 1e-6))
        rounded = solver.rounded(linear[1])
        kept = all(pair_key(i.request.a, i.request.b) in rounded.pairs() for i in items if i.must)
        if kept and _account(instance, rounded)[0] > greedy_weight:
            start = rounded
    start_weight = _account(instance, start)[0]
    solved = solver.solve(start, bound - fixed, start_weight - fixed)
    agenda, proven = start, start_weight >= bound
    if solved is not None:
        agenda, solver_bound, proven = solved
        bound = min(bound, solver_bound + fixed)
        for item in items:
            if not item.must:
                _place(agenda, item.request, item.candidates)
    _tidy(agenda)
    placed = _account(instance, agenda)[0]
    status = "optimal" if proven or placed >= bound else "feasible" if placed > greedy_weight else "greedy"
    return _result(instance, agenda, status, bound, started)


@dataclass(frozen=True)
class _Item:
    """What the solver places: a request (the heaviest of its pair) or, when moves are allowed, a published
    meeting, which must stay placed (`must`) and would rather stay at home."""

    request: Request
    candidates: list[int]
    must: bool = False
    home: int | None = None


def _items(instance: _Instance) -> list[_Item]:
    """The requests still open once the fixed meetings are in (or, moves allowed, with them to place)."""
    problem = instance.problem
    fixed_pairs = {pair_key(m.a, m.b) for m in problem.fixed}
    fixed_orgs = {instance.org_pair(m.a, m.b) for m in problem.fixed}
    heaviest: dict[tuple[int, int], Request] = {}
    for request in problem.requests:
        key = pair_key(request.a, request.b)
        if key in fixed_pairs or instance.org_pair(request.a, request.b) in fixed_orgs:
            continue
        if key not in heaviest or request.weight > heaviest[key].weight:
            heaviest[key] = request
    items = [_Item(r, c) for r in heaviest.values() if (c := instance.common_free(r))]
    if problem.allow_moves:
        for m in problem.fixed:
            request = Request(m.a, m.b, 0)
            candidates = sorted(set(instance.common_free(request)) | {m.slot}, key=instance.position.get)
            items.append(_Item(request, [s for s in candidates if s in instance.position], True, m.slot))
    return items


def _fixed_weight(instance: _Instance, items: list[_Item]) -> int:
    """Weight the fixed meetings already satisfy: it is in every schedule, whatever the solver does."""
    agenda = _fixed_agenda(instance)
    return _account(instance, agenda)[0]


class _Budget:
    """The solver's parameters, and how the time limit is shared between its solves.

    Each solve is bounded in CP-SAT's deterministic time, so that it does the same work, and so gives the
    same schedule, on every run; the wall clock (`deadline`) only cuts a solve the machine is too busy to
    finish in time, and then the result may differ from one run to the next.
    """

    def __init__(self, time_limit: float, seed: int, workers: int, started: float):
        self.time_limit, self.seed, self.workers = time_limit, seed, workers
        self.deadline = started + time_limit
        self.spent = 0.0

    def left(self) -> float:
        return max(0.0, self.time_limit - self.spent)

    def solver(self, limit: float):
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        parameters = solver.parameters
        parameters.max_deterministic_time = max(limit, 0.01)
        parameters.max_time_in_seconds = max(self.deadline - time.perf_counter(), 0.1)
        parameters.num_workers = max(1, self.workers)
        parameters.interleave_search = True  # the only deterministic parallel search of CP-SAT
        parameters.random_seed = self.seed
        return solver


def _fixed_load(instance: _Instance, items: list[_Item]):
    """Per person: meetings the fixed ones give them and slots they take; per slot: tables left."""
    moving = instance.problem.allow_moves
    count: dict[int, int] = defaultdict(int)
    busy: dict[int, set[int]] = defaultdict(set)
    tables = dict(instance.tables)
    for m in instance.problem.fixed:
        for person in (m.a, m.b):
            count[person] += 1
            if not moving:
                busy[person].add(m.slot)
        if not moving and m.slot in tables:
            tables[m.slot] -= 1
    return count, busy, tables


def _room(instance: _Instance, person: int) -> int:
    """How many meetings a person can have at most (fixed ones included): cap, usable slots, rest breaks."""
    free = instance.free.get(person, frozenset())
    longest = instance.problem.max_consecutive
    most = 0
    for slots in instance.by_session.values():
        run = 0
        for slot in slots + [None]:
            if slot is not None and slot in free:
                run += 1
                continue
            most += run if longest is None else run - run // (longest + 1)
            run = 0
    cap = instance.cap.get(person)
    return most if cap is None else min(cap, most)


def _relaxation_bound(instance: _Instance, items: list[_Item]) -> int:
    """An upper bound that forgets the slots: each person meets at most as many people as they have room
    for, the day holds at most as many meetings as it has tables (and pairs of people free at once), two
    organisations meet once. Its linear relaxation, solved by HiGHS (exactly, so the bound is the same on
    every run), bounds the real problem's best weight."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    count, _, tables = _fixed_load(instance, items)
    open_items = [item for item in items if not item.must]
    fixed = _fixed_weight(instance, items)
    if not open_items:
        return fixed
    rows: list[list[int]] = []
    limits: list[float] = []
    by_person: dict[int, list[int]] = defaultdict(list)
    by_orgs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for column, item in enumerate(open_items):
        by_person[item.request.a].append(column)
        by_person[item.request.b].append(column)
        by_orgs[instance.org_pair(item.request.a, item.request.b)].append(column)
    for person, columns in by_person.items():
        room = max(0, _room(instance, person) - count[person])
        if len(columns) > room:
            rows.append(columns)
            limits.append(room)
    for columns in by_orgs.values():
        if len(columns) > 1:
            rows.append(columns)
            limits.append(1)
    free_at = {s: sum(1 for f in instance.free.values() if s in f) for s in instance.slots}
    musts = sum(1 for item in items if item.must)
    rows.append(list(range(len(open_items))))
    limits.append(max(0, sum(max(0, min(tables[s], free_at[s] // 2)) for s in instance.slots) - musts))
    indices = [column for row in rows for column in row]
    pointers = [0]
    for row in rows:
        pointers.append(pointers[-1] + len(row))
    matrix = csr_matrix(([1.0] * len(indices), indices, pointers), shape=(len(rows), len(open_items)))
    weights = [-float(item.request.weight) for item in open_items]
    solved = linprog(weights, A_ub=matrix, b_ub=limits, bounds=(0, 1), method="highs")
    if solved.status != 0:
        return fixed + sum(item.request.weight for item in open_items)
    return fixed + int(-solved.fun + 1e-6)


class _Solver:
    """CP-SAT: one boolean per (item, slot where both people are free and a table may be); the weight
    first, then, the weight held, the fewest idle gaps (and, moves allowed, the fewest moved meetings)."""

    def __init__(self, instance: _Instance, items: list[_Item], budget: _Budget):
        from ortools.sat.python import cp_model

        self.cp_model = cp_model
        self.instance, self.items, self.budget = instance, items, budget
        self.model = None  # built only when the solver is needed (`_build`)
        self.count, self.busy, self.tables = _fixed_load(instance, items)
        self.x: dict[tuple[int, int], int] = {}  # (item index, slot) -> column of its boolean
        self.of_person_slot: dict[tuple[int, int], list[int]] = defaultdict(list)  # -> columns of x
        self._variables()
        self.rows = self._rows()

    def _build(self) -> None:
        self.model = self.cp_model.CpModel()
        self.variables = [self.model.NewBoolVar("") for _ in self.x]
        for row in self.rows:
            self._add(row)

    def _variables(self) -> None:
        for index, item in enumerate(self.items):
            a, b = item.request.a, item.request.b
            for slot in item.candidates:
                if slot in self.busy[a] or slot in self.busy[b] or self.tables[slot] <= 0:
                    continue
                column = len(self.x)
                self.x[index, slot] = column
                self.of_person_slot[a, slot].append(column)
                self.of_person_slot[b, slot].append(column)

    def _add(self, row: tuple[list[int], int, bool]) -> None:
        columns, limit, exact = row
        variables = [self.variables[c] for c in columns]
        if exact:
            self.model.AddExactlyOne(variables)
        elif limit == 1:
            self.model.AddAtMostOne(variables)
        else:
            self.model.Add(sum(variables) <= limit)

    def _rows(self) -> list[tuple[list[int], int, bool]]:
        """The constraints as (variable positions, at most, exactly one?): CP-SAT's and the LP's."""
        instance, rows = self.instance, []
        of_item: dict[int, list[int]] = defaultdict(list)
        of_slot: dict[int, list[int]] = defaultdict(list)
        of_person: dict[int, list[int]] = defaultdict(list)
        for column, (index, slot) in enumerate(self.x):
            of_item[index].append(column)
            of_slot[slot].append(column)
        by_orgs: dict[tuple[int, int], list[int]] = defaultdict(list)
        for index, item in enumerate(self.items):
            a, b = item.request.a, item.request.b
            by_orgs[instance.org_pair(a, b)].extend(of_item[index])
            of_person[a].extend(of_item[index])
            of_person[b].extend(of_item[index])
            if item.must:
                rows.append((of_item[index], 1, True))
        rows += [(columns, 1, False) for columns in by_orgs.values() if len(columns) > 1]
        rows += [(columns, 1, False) for columns in self.of_person_slot.values() if len(columns) > 1]
        rows += [(columns, self.tables[slot], False) for slot, columns in of_slot.items()
                 if len(columns) > self.tables[slot]]
        for person, columns in of_person.items():
            cap = instance.cap.get(person)
            if cap is not None and len(columns) > cap - self.count[person]:
                rows.append((columns, max(0, cap - self.count[person]), False))
        longest = instance.problem.max_consecutive
        for person in of_person if longest is not None else ():
            for window in instance.windows:
                fixed = sum(1 for s in window if s in self.busy[person])
                columns = [c for s in window for c in self.of_person_slot.get((person, s), ())]
                if fixed + len({s for s in window if (person, s) in self.of_person_slot}) > longest:
                    rows.append((columns, longest - fixed, False))
        return rows

    def linear_relaxation(self):
        """(optimum, value of each x) of the model's linear relaxation, by HiGHS; None if it failed.

        Its optimum bounds the weight (often more tightly than the relaxation without slots), and on these
        problems its solution is nearly integral: rounded, it is a schedule close to the best one.
        """
        import numpy as np
        from scipy.optimize import linprog
        from scipy.sparse import csr_matrix

        if not self.x:
            return None
        rows = self.rows
        indices = [c for columns, _, _ in rows for c in columns]
        pointers = np.cumsum([0] + [len(columns) for columns, _, _ in rows])
        matrix = csr_matrix((np.ones(len(indices)), indices, pointers), shape=(len(rows), len(self.x)))
        exact = [r for r, (_, _, equal) in enumerate(rows) if equal]
        upper = [r for r, (_, _, equal) in enumerate(rows) if not equal]
        weights = [0.0 if self.items[i].must else -float(self.items[i].request.weight) for i, _ in self.x]
        solved = linprog(weights, A_ub=matrix[upper] if upper else None,
                         b_ub=[rows[r][1] for r in upper] if upper else None,
                         A_eq=matrix[exact] if exact else None, b_eq=[1.0] * len(exact) if exact else None,
                         bounds=(0, 1), method="highs")
        if solved.status != 0:
            return None
        return -solved.fun, solved.x

    def rounded(self, values) -> _Agenda:
        """The relaxation's solution made a schedule: meetings by decreasing value where they still fit,
        then every request that fits anywhere, heaviest first, moving others when that makes room."""
        agenda = self._empty_agenda()
        keys = list(self.x)
        weight = [self.items[index].request.weight for index, _ in keys]
        order = sorted(range(len(keys)), key=lambda c: (-values[c], -weight[c], c))
        for column in order:
            if values[column] < 1e-6:
                break
            item = self.items[keys[column][0]]
            a, b = item.request.a, item.request.b
            if (self.instance.org_pair(a, b) not in agenda.org_pairs and not agenda.full(a)
                    and not agenda.full(b) and agenda.fits(a, b, keys[column][1])):
                agenda.add(a, b, keys[column][1])
        for item in sorted(self.items, key=lambda item: (not item.must, -item.request.weight)):
            _place(agenda, item.request, item.candidates) or _place_by_moving(agenda, item)
        return agenda

    def _empty_agenda(self) -> _Agenda:
        """The fixed meetings, unless they may move: then the solver places them too."""
        return _Agenda(self.instance) if self.instance.problem.allow_moves else _fixed_agenda(self.instance)

    def _hint(self, agenda: _Agenda) -> None:
        placed = {(pair_key(a, b), slot) for a, b, slot in agenda.meetings}
        self.model.ClearHints()
        for (index, slot), column in self.x.items():
            request = self.items[index].request
            self.model.AddHint(self.variables[column], (pair_key(request.a, request.b), slot) in placed)

    def _weight(self):
        return sum(self.items[i].request.weight * self.variables[c] for (i, _), c in self.x.items()
                   if not self.items[i].must)

    def solve(self, start: _Agenda, bound: int, start_weight: int):
        """(agenda, proven bound of the items' weight, proven optimal), or None if nothing was found.

        `bound` (proven elsewhere) caps the weight, so that the solver stops as soon as it reaches it; when
        the start already does, only the gaps are left to improve.
        """
        cp_model = self.cp_model
        if not self.x or (start_weight >= bound and len(self.x) > GAP_MODEL_LIMIT):
            return None
        self._build()
        weight = self._weight()
        self.model.Add(weight <= bound)
        found, solver_bound, proven, agenda = start_weight, bound, start_weight >= bound, start
        if not proven:
            self._hint(start)
            self.model.Maximize(weight)
            solver = self.budget.solver(self.budget.time_limit * WEIGHT_SHARE)
            status = solver.Solve(self.model)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return None
            self.budget.spent += solver.deterministic_time
            found = int(round(solver.ObjectiveValue()))
            solver_bound = min(bound, int(solver.BestObjectiveBound() + 1e-6))
            proven = status == cp_model.OPTIMAL or found >= bound
            agenda = self._agenda(solver)
        polished = self._fewer_gaps(agenda, weight, found) if len(self.x) <= GAP_MODEL_LIMIT else None
        return polished or agenda, solver_bound, proven

    def _agenda(self, solver) -> _Agenda:
        agenda = self._empty_agenda()
        for (index, slot), column in self.x.items():
            if solver.BooleanValue(self.variables[column]):
                request = self.items[index].request
                agenda.add(request.a, request.b, slot)
        return agenda

    def _fewer_gaps(self, agenda: _Agenda, weight, found: int) -> _Agenda | None:
        """With the weight held at what was found, the fewest idle gaps (then the fewest moves)."""
        left = self.budget.left()
        if left < 0.05 * self.budget.time_limit or self.budget.deadline - time.perf_counter() < 0.5:
            return None
        model = self.model
        model.Add(weight >= found)
        self._hint(agenda)
        gaps = self._gap_terms()
        moves = [1 - self.variables[self.x[i, item.home]] if (i, item.home) in self.x else 1
                 for i, item in enumerate(self.items) if item.must]
        model.Minimize(sum(gaps) + (len(gaps) + 1) * sum(moves))
        solver = self.budget.solver(left)
        status = solver.Solve(model)
        if status not in (self.cp_model.OPTIMAL, self.cp_model.FEASIBLE):
            return None
        return self._agenda(solver)

    def _gap_terms(self) -> list:
        """One boolean per person and usable slot that is idle: a meeting before it and after it in the
        session, none in it. "Before" and "after" only need to be at least what the meetings force."""
        model, instance = self.model, self.instance
        people = {p for (p, _) in self.of_person_slot} | set(self.busy)
        idle = []
        for person in sorted(people):
            for slots in instance.by_session.values():
                busy = [self._busy(person, s) for s in slots]
                if sum(1 for b in busy if b is not None) < 2:
                    continue
                before = self._reach(busy)
                after = self._reach(busy[::-1])[::-1]
                for k, slot in enumerate(slots):
                    usable = slot in instance.free.get(person, ())
                    if usable and before[k] is not None and after[k] is not None:
                        if isinstance(busy[k], int):
                            continue
                        gap = model.NewBoolVar("")
                        model.Add(gap >= before[k] + after[k] - (busy[k] if busy[k] is not None else 0) - 1)
                        idle.append(gap)
        return idle

    def _busy(self, person: int, slot: int):
        """1 if a fixed meeting holds the person then, else the sum of their booleans (None: nothing can)."""
        if slot in self.busy[person]:
            return 1
        columns = self.of_person_slot.get((person, slot))
        return sum(self.variables[c] for c in columns) if columns else None

    def _reach(self, busy: list) -> list:
        """For each slot, a boolean that is 1 when some meeting comes strictly earlier (None: none can)."""
        reach, previous = [], None
        for k in range(len(busy)):
            if k == 0 or (previous is None and busy[k - 1] is None):
                reach.append(None)
                continue
            var = self.model.NewBoolVar("")
            if previous is not None:
                self.model.AddImplication(previous, var)
            if busy[k - 1] is not None:
                self.model.Add(var >= busy[k - 1])
            reach.append(var)
            previous = var
        return reach


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
        found.append(f"meeting {m.a}-{m.b} is at table {m.table}, "
                     f"slot {m.slot} has {instance.tables[m.slot]}")
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
