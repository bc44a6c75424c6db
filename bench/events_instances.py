"""Synthetic B2B meeting days for the scheduler's benchmark, shaped like the cluster's real ones.

What makes them realistic rather than uniform:
- a few primes (several buyers each) receive many more requests than SMEs: a request's target is drawn
  by popularity, a prime's people being 15 to 40 times as popular as an SME's;
- organisations send several people (primes 3-5, large suppliers 2-3, SMEs 1-2), and a few guests come
  alone (an organisation of their own, with a negative id as the events app gives them);
- 10-20 % of each person's slots are unavailable, mostly in blocks (arriving late, leaving early, a
  half-day elsewhere), sometimes a single slot (a call to take);
- priorities: high (weight 3) 20 %, normal (2) 50 %, low (1) 30 %, and a tenth of the requests mutual (+1);
- the days are split into sessions (mornings and afternoons) by the lunch break.

    generate(participants=500, requests=5000, days=2, slots_per_day=16, tables=60, seed=1) -> Problem
"""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.scheduler import Participant, Problem, Request

PRIME_SHARE = 0.04  # of the organisations
LARGE_SHARE = 0.16
GUEST_SHARE = 0.05  # of the participants


def generate(participants: int = 500, requests: int = 5000, days: int = 2, slots_per_day: int = 16,
             tables: int = 60, seed: int = 1, max_meetings: int | None = None,
             max_consecutive: int | None = None) -> Problem:
    rng = random.Random(seed)
    slots = tuple(range(days * slots_per_day))
    half = slots_per_day // 2
    session_of = {s: s // half if half else 0 for s in slots}
    people, popularity = _people(rng, participants, slots, slots_per_day)
    return Problem(participants=tuple(people), requests=_requests(rng, people, popularity, requests),
                   slots=slots, tables=tables, session_of=session_of, max_meetings=max_meetings,
                   max_consecutive=max_consecutive)


def _people(rng: random.Random, count: int, slots: tuple[int, ...], slots_per_day: int):
    people, popularity = [], []
    organisation = 0
    guests = int(count * GUEST_SHARE)
    while len(people) < count - guests:
        organisation += 1
        roll = rng.random()
        if roll < PRIME_SHARE:
            size, weight = rng.randint(3, 5), rng.uniform(15, 40)
        elif roll < PRIME_SHARE + LARGE_SHARE:
            size, weight = rng.randint(2, 3), rng.uniform(2, 5)
        else:
            size, weight = rng.randint(1, 2), 1.0
        for _ in range(min(size, count - guests - len(people))):
            people.append(Participant(len(people) + 1, organisation, _unavailable(rng, slots, slots_per_day)))
            popularity.append(weight * rng.uniform(0.7, 1.3))
    while len(people) < count:
        guest = len(people) + 1
        people.append(Participant(guest, -guest, _unavailable(rng, slots, slots_per_day)))
        popularity.append(rng.uniform(0.5, 1.5))
    return people, popularity


def _unavailable(rng: random.Random, slots: tuple[int, ...], slots_per_day: int) -> frozenset[int]:
    """10-20 % of the slots, mostly one block at the start or the end of a day, sometimes scattered."""
    wanted = round(len(slots) * rng.uniform(0.10, 0.20))
    taken: set[int] = set()
    if rng.random() < 0.7:
        day = rng.randrange(len(slots) // slots_per_day)
        start = day * slots_per_day + (0 if rng.random() < 0.5 else slots_per_day - wanted)
        taken.update(range(max(start, day * slots_per_day), min(start + wanted, (day + 1) * slots_per_day)))
    while len(taken) < wanted:
        taken.add(rng.choice(slots))
    return frozenset(taken)


def _requests(rng: random.Random, people: list[Participant], popularity: list[float], count: int):
    """Requests from anyone to someone popular, never to a colleague, a pair asked once."""
    seen: set[tuple[int, int]] = set()
    made = []
    ids = [p.id for p in people]
    while len(made) < count:
        sender = rng.choice(people)
        target = people[rng.choices(range(len(ids)), weights=popularity)[0]]
        key = (min(sender.id, target.id), max(sender.id, target.id))
        if sender.organisation == target.organisation or key in seen:
            continue
        seen.add(key)
        weight = rng.choices((3, 2, 1), weights=(20, 50, 30))[0] + (1 if rng.random() < 0.1 else 0)
        made.append(Request(sender.id, target.id, weight))
    return tuple(made)
