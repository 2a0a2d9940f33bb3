"""The demo-data generator: fictional persons, face sheets, cases in every phase and support records.

Deterministic: each person is drawn from its own `random.Random((seed, index))`, so a seed gives the same
names, dates and texts whatever the chunk size. Dates of cases and records count back from `today`
(so that the home screen has releases in the coming week); birth dates do not depend on the day.

Places: the persons live in the center's fictional prefecture, and the agencies of their cases (referrers,
officers, custody, welfare office, hospital, facility…) are the organizations of the center's directory
(directory.py), so narratives, placements and the directory name the same places.

Scale: persons are made in chunks of rows (dicts), prepared as database values and written with one bulk
insert per table (writer.py) in one transaction per chunk, then dropped, so memory stays flat however many
persons are asked for. A forked child builds the next chunks while this process writes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import multiprocessing
import random
import resource
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from queue import Empty
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models.functions import Length

from yorisoi.accounts.models import Center, Staff
from yorisoi.cases.models import FLAG_SUGGESTIONS, Case, CaseFlag, CaseNumberCounter, PhaseTransition
from yorisoi.cases.services import own_duty_programme
from yorisoi.common.dates import format_checked
from yorisoi.partners.models import Organization
from yorisoi.partners.selectors import MIN_NAME_LENGTH
from yorisoi.people.keys import person_keys
from yorisoi.people.models import DisabilityCertificate, ExternalContact, FamilyContact, Person, PersonSearchKey
from yorisoi.people.services import derive_search_key
from yorisoi.procedures.dates import add_months
from yorisoi.records.models import Activity

from . import names, places, texts
from .directory import Agency, Directory
from .writer import BulkWriter

JST_OFFSET = dt.timedelta(hours=9)
SQLITE_CACHE_KIB = 128 * 1024
PERSON, CASE = ("person_id",), ("case_id",)  # foreign keys filled in when the chunk is written
PHASE_ORDER = ("intake", "coordinating", "temporary", "settlement", "follow_up")
# The first persons of every run get these phases, so that even a tiny demo shows every phase (and the
# first two a release in the coming week, the third and fourth an old or variant kanji in their name).
FORCED_PHASES = (*PHASE_ORDER, "closed")


class Weighted:
    """A weighted choice with precomputed cumulative weights (random.choices recomputes them each call)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs: Sequence[tuple[object, float]]):
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


SEX = Weighted([("male", 78), ("female", 20), ("other", 1), ("unknown", 1)])
PREFECTURE = Weighted([(p, w) for p, (w, _, _) in places.PREFECTURES.items()])  # real: relatives, moves
MUNICIPALITY = Weighted([(m, w) for m, (w, _, _) in places.FICTIONAL_MUNICIPALITIES.items()])
# The first persons of every run are described in detail by features.py (procedures, placements, plans…).
DETAILED_PERSONS = 16
CARE_LEVEL = Weighted([("", 30), ("na", 10), ("s1", 8), ("s2", 8), ("c1", 14), ("c2", 12), ("c3", 8),
                       ("c4", 5), ("c5", 3)])
SUPPORT_LEVEL = Weighted([("", 40), ("na", 5), ("1", 5), ("2", 15), ("3", 15), ("4", 10), ("5", 6), ("6", 4)])
PUBLIC_ASSISTANCE = Weighted([("receiving", 45), ("applying", 10), ("none", 20), ("ended", 5), ("suspended", 2),
                              ("unknown", 18)])
OFFENCE = Weighted([("theft", 45), ("fraud", 15), ("assault", 9), ("trespass", 5), ("drugs", 5), ("arson", 2),
                    ("sexual", 3), ("traffic", 4), ("property_damage", 5), ("other", 5), ("", 2)])
LATEST_PHASE = Weighted([("intake", 5), ("coordinating", 7), ("temporary", 8), ("settlement", 15),
                         ("follow_up", 20), ("closed", 45)])
CLOSED_AFTER = Weighted([("intake", 10), ("coordinating", 10), ("temporary", 8), ("settlement", 22),
                         ("follow_up", 50)])
KIND_BY_PHASE = {
    "intake": Weighted([("entrance", 45), ("exit", 25), ("follow_up", 5), ("consultation", 25)]),
    "coordinating": Weighted([("entrance", 50), ("exit", 35), ("follow_up", 5), ("consultation", 10)]),
    "temporary": Weighted([("entrance", 55), ("exit", 45)]),
    "later": Weighted([("entrance", 45), ("exit", 35), ("follow_up", 20)]),
}
REFERRAL_SOURCE = {
    "entrance": Weighted([("prosecutor", 55), ("lawyer", 25), ("police", 5), ("court", 5), ("municipality", 5),
                          ("other", 5)]),
    "exit": Weighted([("probation", 85), ("correctional", 15)]),
    "follow_up": Weighted([("other_center", 45), ("probation", 25), ("municipality", 20), ("hospital", 10)]),
    "consultation": Weighted([("municipality", 30), ("self_or_family", 25), ("hospital", 15), ("lawyer", 10),
                              ("other", 20)]),
}
JUSTICE_BY_KIND = {
    "entrance": Weighted([("suspect", 15), ("defendant", 10), ("suspended_prosecution", 40), ("not_prosecuted", 5),
                          ("suspended_sentence", 15), ("suspended_sentence_probation", 5), ("fine", 10)]),
    "exit": Weighted([("sentence_completed", 60), ("parole", 25), ("in_custody", 15)]),
    "follow_up": Weighted([("sentence_completed", 50), ("parole", 20), ("suspended_prosecution", 20),
                           ("suspended_sentence", 10)]),
    "consultation": Weighted([("", 30), ("suspended_prosecution", 25), ("sentence_completed", 20), ("fine", 10),
                              ("other", 15)]),
}
OUTCOME_EARLY = Weighted([("not_eligible", 45), ("refused", 25), ("lost_contact", 10), ("other", 20)])
OUTCOME_LATER = Weighted([("stable", 45), ("moved", 10), ("hospitalised", 8), ("died", 5), ("reoffended", 8),
                          ("refused", 8), ("lost_contact", 8), ("other", 8)])
MINUTES = {"phone": (5, 30), "interview": (30, 90), "visit": (30, 120), "accompany": (60, 240),
           "meeting": (60, 120), "liaison": (10, 30), "paperwork": (20, 90), "other": (15, 60)}
KIND_WEIGHT = {"phone": 30, "interview": 18, "visit": 14, "accompany": 10, "meeting": 8, "liaison": 12,
               "paperwork": 5, "other": 3}
# Records per phase: (fixed minimum, one more per so many days).
RECORD_PACE = {"intake": (1, 14), "coordinating": (1, 9), "temporary": (1, 90), "settlement": (1, 170),
               "follow_up": (1, 360)}


def _templates_for(phase: str) -> Weighted:
    rows = [row for row in texts.ACTIVITY_TEMPLATES if phase in row[1]]
    return Weighted([(row, KIND_WEIGHT[row[0]] / sum(1 for r in rows if r[0] == row[0])) for row in rows])


TEMPLATES_BY_PHASE = {phase: _templates_for(phase) for phase in PHASE_ORDER}
STATE_SENTENCES, NEXT_SENTENCES = tuple(texts.STATE_SENTENCES), tuple(texts.NEXT_SENTENCES)


@dataclass
class SeedStats:
    persons: int = 0
    cases: int = 0
    activities: int = 0
    rows: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process only; the wall-clock rate also depends on what else runs
    child_cpu_seconds: float = 0.0  # the child process that built the chunks, if one did

    @property
    def persons_per_second(self) -> float:
        return self.persons / self.seconds if self.seconds else 0.0

    @property
    def activities_per_second(self) -> float:
        return self.activities / self.seconds if self.seconds else 0.0


@dataclass
class _Chunk:
    """The rows of one chunk (dicts of attname → value), each child with the index of its parent in the chunk;
    the links become ids when the chunk is written."""

    persons: list[dict] = field(default_factory=list)
    family: list[tuple[int, dict]] = field(default_factory=list)
    certificates: list[tuple[int, dict]] = field(default_factory=list)
    externals: list[tuple[int, dict]] = field(default_factory=list)
    search_keys: list[tuple[int, dict]] = field(default_factory=list)
    cases: list[tuple[int, dict]] = field(default_factory=list)
    previous_cases: list[int | None] = field(default_factory=list)  # index of the case each one reopens
    transitions: list[tuple[int, dict]] = field(default_factory=list)
    flags: list[tuple[int, dict]] = field(default_factory=list)
    activities: list[tuple[int, dict]] = field(default_factory=list)
    hints: list[tuple[int, int, dict]] = field(default_factory=list)  # (person, latest case, CaseHint fields)


@dataclass
class CaseHint:
    """What features.py needs to describe one of the first persons' latest case with the apps' services: the
    places its narrative names (directory agencies) and its timeline."""

    index: int
    person_id: int
    case_id: int
    kind: str
    phase: str
    path: list[str]
    starts: list[dt.date]
    release: dt.date | None
    sex: str
    elderly: bool
    disabilities: list[str]
    home: str  # the person's building, for a placement in their own flat
    goal: str
    wish: str
    agencies: dict[str, Agency]

    def started(self, phase: str) -> dt.date | None:
        return self.starts[self.path.index(phase)] if phase in self.path else None


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def _sqlite_bulk_settings(kib: int) -> Iterator[None]:
    """SQLite settings for the bulk write, put back afterwards:

    - a larger page cache: the indexes (search keys, dates) are written in random order, and once the file
      outgrows the default 2 MiB cache every insert would re-read index pages;
    - no fsync at each chunk's commit (synchronous=OFF; the WAL checkpoint after each chunk otherwise waits
      for the disk: a third of the time on a virtual disk) and no foreign-key look-ups for each row (the
      generator gives every row existing parents; the tests keep the checks on, and check the result).
      A crash in the middle of a seed may leave the demo database unusable: delete var/ and run it again.
    Both switches are only possible outside a transaction: inside one (as in the tests) they stay as they are.
    """
    if connection.vendor != "sqlite":
        yield
        return
    pragmas = ("cache_size",) if connection.in_atomic_block else ("cache_size", "synchronous", "foreign_keys")
    with connection.cursor() as cursor:
        before = {}
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
            before[pragma] = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
        if not connection.in_atomic_block:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for pragma, value in before.items():
                cursor.execute(f"PRAGMA {pragma} = {value}")


def _at(day: dt.date, rng: random.Random, first_hour: int = 9, last_hour: int = 17) -> dt.datetime:
    """A time on `day` in office hours (Japan), as a naive UTC datetime (Japan has no summer time); the writer
    stores it as UTC."""
    r = rng.random
    return dt.datetime(day.year, day.month, day.day, first_hour + int(r() * (last_hour - first_hour + 1)),
                       5 * int(r() * 12)) - JST_OFFSET


def _landline(rng: random.Random) -> str:
    # A local number never starts with 0 after the area code, so these cannot reach anyone.
    return f"0{rng.randint(3, 99)}-0{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"


def _residence(key: str, kind: str, municipality: str) -> dict:
    """住居不定 and the 住民票 status, from their own stream (seeded by the person) so that adding them did not
    change any other generated value. 職権消除 is commoner after custody (exit support)."""
    rng = random.Random(zlib.crc32(key.encode()))
    deleted = 0.3 if kind == "exit" else 0.15
    roll = rng.random()
    status = ("deleted" if roll < deleted else "unknown" if roll < deleted + 0.1
              else "" if roll < deleted + 0.25 else "present")
    return {"no_fixed_abode": kind == "entrance" and rng.random() < 0.2, "registration_status": status,
            "registration_municipality": municipality if status in ("deleted", "present") else ""}


def _mobile(rng: random.Random) -> str:
    # Mobile numbers 0X0-0… are not allocated.
    return f"0{rng.choice('789')}0-0{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"


def _side_rng(*parts) -> random.Random:
    """A generator for the statistics fields, seeded from the row itself: drawing from the main stream would
    shift every later draw and change the rest of the demo data."""
    return random.Random("|".join(map(str, parts)))


def _disability_kinds(disabilities: list[str], birth) -> dict:
    side = _side_rng("disability", birth, *disabilities)
    return {
        "disability_intellectual": "intellectual" in disabilities,
        "disability_mental": "mental" in disabilities,
        "disability_physical": "physical" in disabilities,
        "disability_developmental": "intellectual" in disabilities and side.random() < 0.2,
        "dementia_suspected": "elderly" in disabilities and side.random() < 0.4,
        "disability_brain_injury": side.random() < 0.03,
    }


COORDINATION_FOR_KIND = {"exit": "special", "entrance": "suspect"}
SENTENCE_FOR_KIND = {"exit": ("imprisonment",), "entrance": ("suspended_prosecution", "suspended", "fine",
                                                              "suspended_probation", "not_prosecuted")}


def _statistics_fields(kind: str, release, path, referral, today) -> dict:
    """Coordination type, the actual release date (released into the placement that follows coordination) and
    the per-case justice snapshot, for the outcomes dashboard."""
    side = _side_rng("case", kind, referral, release)
    coordination = COORDINATION_FOR_KIND.get(kind, "other")
    if coordination == "special" and side.random() < 0.25:
        coordination = "general"
    released = release if release and release <= today and len(path) > 2 else None
    stage = {"exit": "inmate", "entrance": side.choice(("suspect", "defendant"))}.get(kind, "")
    sentence = side.choice(SENTENCE_FOR_KIND.get(kind, ("",)))
    disposition = {"imprisonment": "release_expiry", "suspended_prosecution": "suspended_prosecution",
                   "not_prosecuted": "not_prosecuted", "fine": "summary"}.get(sentence, "judgment" if sentence else "")
    return {"coordination_type": coordination, "actual_release_date": released, "justice_stage": stage,
            "sentence_type": sentence, "disposition": disposition,
            "disposition_date": released or (referral if kind == "entrance" else None)}


class DemoGenerator:
    def __init__(self, *, center: Center, staff: Sequence[Staff], seed: int, today: dt.date | None = None,
                 chunk_size: int = 1000, parallel: bool = True, directory: Directory | None = None,
                 detailed: int = DETAILED_PERSONS, progress: Callable[[SeedStats, int], None] | None = None,
                 records: bool = True):
        self.center = center
        self.records = records  # False: no support records (bench_search only needs persons, keys and cases)
        self.center_id = center.pk
        self.own_duty_id = own_duty_programme(center.pk).pk
        self.staff_ids = [member.pk for member in staff]
        if not self.staff_ids:
            raise ValueError("the center has no staff to assign cases to")
        self.seed = seed
        self.today = today or dt.date.today()
        self.chunk_size = max(1, chunk_size)
        self.parallel = parallel
        self.progress = progress
        self.directory = directory or Directory.load(center, center.prefecture or "みどり県")
        self.addresses = places.address_pool()  # real places: where relatives live
        self.towns: dict[str, list[tuple[str, str, str, bool]]] = {}
        for row in places.fictional_address_pool():
            self.towns.setdefault(row[1], []).append(row)
        self.detailed = detailed
        self.hints: list[CaseHint] = []
        self.case_seq = self._existing_case_numbers()
        self.writer = BulkWriter(connection)
        for model in (Person, FamilyContact, DisabilityCertificate, ExternalContact, Case, PhaseTransition, CaseFlag,
                      Activity):
            self.writer.table(model)  # built here, before a child process is forked

    # ------------------------------------------------------------------------------------------
    def run(self, persons: int) -> SeedStats:
        """Make `persons` persons in chunks. With more than one chunk, a forked child process builds the next
        chunks (names, texts, encryption: pure Python) while this process writes (the second core's work);
        the child never touches the database, and at most two chunks wait between the two."""
        stats = SeedStats()
        started, cpu_started = time.perf_counter(), time.process_time()
        starts = range(0, persons, self.chunk_size)
        children_before = _children_cpu()
        with _sqlite_bulk_settings(SQLITE_CACHE_KIB):
            chunks = self._chunks_in_child(starts, persons) if len(starts) > 1 and self.parallel else (
                self._prepare(self._build(start, persons)) for start in starts)
            for prepared in chunks:
                self._write(prepared, stats)
                stats.seconds = time.perf_counter() - started
                stats.cpu_seconds = time.process_time() - cpu_started  # this process; the child's is extra
                if self.progress:
                    self.progress(stats, persons)
            self._link_organizations()
        stats.child_cpu_seconds = _children_cpu() - children_before
        return stats

    def _link_organizations(self) -> None:
        """The records' 相手方 organization (records.services sets it on the records it writes; these rows bypass
        it): set-based, one UPDATE per organization, longest names first (organization_named_in's rule)."""
        organizations = (Organization.objects.filter(center_id=self.center_id)
                         .annotate(_name_length=Length("name")).filter(_name_length__gte=MIN_NAME_LENGTH)
                         .order_by("-_name_length", "id").values_list("pk", "name"))
        with transaction.atomic():
            for pk, name in organizations:
                (Activity.objects.filter(center_id=self.center_id, organization__isnull=True,
                                         counterpart__contains=name).update(organization_id=pk))

    def _build(self, start: int, persons: int) -> _Chunk:
        chunk = _Chunk()
        for index in range(start, min(persons, start + self.chunk_size)):
            self._person(chunk, index)
        if not self.records:
            chunk.activities.clear()
        return chunk

    def _chunks_in_child(self, starts: range, persons: int) -> Iterator[dict]:
        context = multiprocessing.get_context("fork")
        queue = context.Queue(maxsize=2)
        child = context.Process(target=self._produce, args=(queue, starts, persons), daemon=True)
        child.start()
        try:
            for _ in starts:
                while True:
                    try:
                        item = queue.get(timeout=5)
                        break
                    except Empty:
                        if not child.is_alive():
                            raise RuntimeError("the demo-data generator process stopped unexpectedly") from None
                if isinstance(item, str):
                    raise RuntimeError(f"the demo-data generator process failed: {item}")
                yield item
        finally:
            if child.is_alive():
                child.terminate()
            child.join()

    def _produce(self, queue, starts: range, persons: int) -> None:
        """In the forked child: build and prepare the chunks in order. It must not use the database."""
        try:
            for start in starts:
                queue.put(self._prepare(self._build(start, persons)))
        except Exception as error:  # reported to the parent, which raises it; demo data holds no real person
            queue.put(f"{type(error).__name__}: {error}")
        queue.close()
        queue.join_thread()

    def _existing_case_numbers(self) -> dict[int, int]:
        """The highest number in use per year (deleted cases included), or the counter's, if higher."""
        seq: dict[int, int] = dict(CaseNumberCounter.objects.filter(center=self.center).values_list("year", "last"))
        numbers = Case._base_manager.filter(center=self.center).values_list("number", flat=True)
        for number in numbers.iterator():
            year, _, n = number.partition("-")
            if year.isdigit() and n.isdigit():
                seq[int(year)] = max(seq.get(int(year), 0), int(n))
        return seq

    def _advance_case_counters(self, rows: list[list]) -> None:
        """Move cases.CaseNumberCounter past the numbers just written, so open_case continues after them."""
        position = self.writer.table(Case).positions["number"]
        highest: dict[int, int] = {}
        for row in rows:
            year, _, n = row[position].partition("-")
            highest[int(year)] = max(highest.get(int(year), 0), int(n))
        for year, last in highest.items():
            counter, _ = CaseNumberCounter.objects.get_or_create(center_id=self.center_id, year=year)
            if counter.last < last:
                CaseNumberCounter.objects.filter(pk=counter.pk, last__lt=last).update(last=last)

    def _case_number(self, year: int) -> str:
        n = self.case_seq.get(year, 0) + 1
        self.case_seq[year] = n
        return f"{year}-{n:04d}"

    # --- writing ----------------------------------------------------------------------------
    def _prepare(self, chunk: _Chunk) -> dict:
        """The chunk's rows as database values (without ids, which are given when it is written), with the
        index of each row's parent person or case in the chunk. Needs no database connection."""
        table = self.writer.table
        case_person = [p for p, _ in chunk.cases]
        return {
            "persons": table(Person).prepare(chunk.persons),
            "family": ([p for p, _ in chunk.family],
                       table(FamilyContact).prepare([r for _, r in chunk.family], later=PERSON)),
            "certificates": ([p for p, _ in chunk.certificates],
                             table(DisabilityCertificate).prepare([r for _, r in chunk.certificates], later=PERSON)),
            "externals": ([p for p, _ in chunk.externals],
                          table(ExternalContact).prepare([r for _, r in chunk.externals], later=PERSON)),
            "search_keys": ([p for p, _ in chunk.search_keys],
                            table(PersonSearchKey).prepare([r for _, r in chunk.search_keys], later=PERSON)),
            "cases": (case_person, chunk.previous_cases,
                      table(Case).prepare([r for _, r in chunk.cases], later=(*PERSON, "previous_case_id"))),
            "transitions": ([c for c, _ in chunk.transitions],
                            table(PhaseTransition).prepare([r for _, r in chunk.transitions], later=CASE)),
            "flags": ([c for c, _ in chunk.flags], table(CaseFlag).prepare([r for _, r in chunk.flags], later=CASE)),
            "activities": ([c for c, _ in chunk.activities], [case_person[c] for c, _ in chunk.activities],
                           table(Activity).prepare([r for _, r in chunk.activities], later=PERSON + CASE)),
            "hints": chunk.hints,
        }

    def _write(self, chunk: dict, stats: SeedStats) -> None:
        writer = self.writer

        def ids(model, prepared) -> list[int]:
            return writer.allocate_ids(model, len(prepared[0]))

        with transaction.atomic():
            persons = chunk["persons"]
            person_ids = ids(Person, persons)
            writer.insert(Person, persons, ids=person_ids)
            for model, key in ((FamilyContact, "family"), (DisabilityCertificate, "certificates"),
                               (ExternalContact, "externals"), (PersonSearchKey, "search_keys")):
                parents, prepared = chunk[key]
                writer.insert(model, prepared, ids=ids(model, prepared),
                              parents={"person_id": [person_ids[p] for p in parents]})
            parents, previous, cases = chunk["cases"]
            case_ids = ids(Case, cases)
            writer.insert(Case, cases, ids=case_ids, parents={
                "person_id": [person_ids[p] for p in parents],
                "previous_case_id": [None if c is None else case_ids[c] for c in previous]})
            self._advance_case_counters(cases[0])
            for model, key in ((PhaseTransition, "transitions"), (CaseFlag, "flags")):
                parents, prepared = chunk[key]
                writer.insert(model, prepared, ids=ids(model, prepared),
                              parents={"case_id": [case_ids[c] for c in parents]})
            case_parents, person_parents, activities = chunk["activities"]
            writer.insert(Activity, activities, ids=ids(Activity, activities),
                          parents={"case_id": [case_ids[c] for c in case_parents],
                                   "person_id": [person_ids[p] for p in person_parents]})
        self.hints += [CaseHint(person_id=person_ids[p], case_id=case_ids[c], **hint) for p, c, hint in chunk["hints"]]
        stats.persons += len(persons[0])
        stats.cases += len(cases[0])
        stats.activities += len(activities[0])
        with_history = len(persons[0]) + sum(len(chunk[key][-1][0]) for key in (
            "family", "certificates", "externals", "cases", "flags", "activities"))
        stats.rows += 2 * with_history + len(chunk["transitions"][-1][0])

    # --- one person ---------------------------------------------------------------------------
    def _person(self, chunk: _Chunk, index: int) -> None:
        rng = random.Random((self.seed << 32) + index)
        today = self.today
        sex = SEX.pick(rng)
        birth = self._birth_date(rng)
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        elderly = age >= 65
        family_name, family_kana = self._family_name(rng, variant=index == 2)
        given_name, given_kana = self._given_name(rng, sex, birth.year, variant=index == 3)
        aliases = ""
        if sex == "female" and rng.random() < 0.25:
            aliases = rng.choice(names.FAMILY_NAMES)[0] + given_name  # 旧姓
        elif rng.random() < 0.04:
            aliases = rng.choice(names.FAMILY_NAMES)[0] + rng.choice(names.MALE_YOUNGER)[0]  # 偽名・通称

        disabilities = [k for k, p in (("intellectual", 0.35), ("mental", 0.3), ("physical", 0.12))
                        if rng.random() < p]
        if elderly and rng.random() < 0.4:
            disabilities.append("elderly")

        # Where they live (or lived): a town of the center's fictional prefecture, like its directory.
        prefecture = self.directory.prefecture
        pool = self.towns[MUNICIPALITY.pick(rng)]
        postal, city, town, chome = pool[rng.randrange(len(pool))]
        homeless = rng.random() < 0.12
        building = ""
        if homeless:
            address = ("", "", "", "")
        else:
            if rng.random() < 0.6:
                building = f" {rng.choice(places.BUILDINGS)} {rng.randint(1, 3)}0{rng.randint(1, 8)}号室"
            if chome:
                line = f"{town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号{building}"
            else:
                banchi = rng.randint(1, 2500)
                line = f"{town}{banchi}番地" if rng.random() < 0.6 else f"{town}{banchi}-{rng.randint(1, 9)}"
                line += building
            address = (postal, prefecture, city, line)

        # The latest case decides the person's current justice status; earlier cases are closed.
        if index < len(FORCED_PHASES):
            latest_phase = FORCED_PHASES[index]
        else:
            latest_phase = LATEST_PHASE.pick(rng)
        kind_choice = KIND_BY_PHASE.get(latest_phase) or KIND_BY_PHASE["later"]
        kind = kind_choice.pick(rng)
        if index in (0, 1):  # and the first two have a release in the coming week
            kind = ("entrance", "exit")[index]
        justice_status = JUSTICE_BY_KIND[kind].pick(rng)
        offence = OFFENCE.pick(rng)
        public_assistance = PUBLIC_ASSISTANCE.pick(rng)
        wish = rng.choice(texts.WISHES).format(city=city)
        main, sub = self._staff_pair(rng, index)

        # The agencies of the case: the directory's (the same offices and officers recur across cases).
        d = self.directory
        pp = d.prosecutors[0] if rng.random() < 0.7 else rng.choice(d.prosecutors)
        po = d.probation[0] if rng.random() < 0.7 else rng.choice(d.probation)
        welfare = d.welfare_office(city)
        office = rng.choice(d.law_offices)
        if kind == "exit":
            prisons = [a for a in d.prisons if "刑務所" in a.name] or d.prisons
            custody = rng.choice(prisons)
        else:
            jails = [a for a in d.prisons if "拘置" in a.name]
            custody = rng.choice(jails) if jails and rng.random() < 0.2 else rng.choice(d.police)
        facility = self._facility(rng, elderly, disabilities, sex, urgent=index == 2)
        agencies = {"pp": pp, "po": po, "welfare": welfare, "law_office": office, "custody": custody,
                    "facility": facility, "hospital": rng.choice(d.hospitals), "consult": rng.choice(d.consult),
                    "employer": rng.choice(d.employers), "other_center": rng.choice(d.other_centers)}
        surnames = {"pros": pp.officer(rng, names.FAMILY_NAMES), "officer": po.officer(rng, names.FAMILY_NAMES),
                    "cw": welfare.officer(rng, names.FAMILY_NAMES), "lawyer": office.officer(rng, names.FAMILY_NAMES)}
        slots = {
            "city": city, "other_city": rng.choice(list(self.towns)), "elsewhere": PREFECTURE.pick(rng),
            "pp": pp.name, "po": po.name, "welfare": welfare.label,
            "pros": f"{surnames['pros']}事務官", "officer": f"{surnames['officer']}観察官",
            "cw": f"{surnames['cw']}ケースワーカー", "lawyer": f"{office.name}の{surnames['lawyer']}弁護士",
            "hospital": agencies["hospital"].name, "consult": agencies["consult"].name,
            "employer": agencies["employer"].name, "facility": facility.name, "custody": custody.name,
            "family": _relationship(rng, age)[0],
            "goal": rng.choice(texts.GOALS), "wish": f"「{wish}」",
            "offence": dict(OFFENCE_LABELS).get(offence, "事件"), "release": "近日中に釈放予定",
            "_agencies": agencies, "_surnames": surnames,
        }

        # Cases: the latest first (counting back from today), then earlier closed ones before it.
        n_cases = 1 + (rng.random() < 0.17) + (rng.random() < 0.03)
        case_specs = [self._case_timeline(rng, latest_phase, kind, end_before=today, index=index,
                                          current_since=self._current_since(index))]
        for _ in range(n_cases - 1):
            earliest = case_specs[-1]["referral"] - dt.timedelta(days=rng.randint(60, 700))
            if earliest < today - dt.timedelta(days=365 * 8):
                break
            earlier_kind = KIND_BY_PHASE["later"].pick(rng)
            case_specs.append(self._case_timeline(rng, "closed", earlier_kind, end_before=earliest, index=-1))
        latest = case_specs[0]
        if latest["release"] and latest["release"] >= today:  # still in custody, to be released soon
            justice_status = "in_custody" if kind == "exit" else rng.choice(("suspect", "defendant"))
        first_day = min(spec["referral"] for spec in case_specs)
        created = _at(first_day, rng)

        health = self._health(rng, disabilities)
        person = dict(
            center_id=self.center_id, family_name=family_name, given_name=given_name,
            family_name_kana=family_kana, given_name_kana=given_kana, aliases=aliases, sex=sex, birth_date=birth,
            phone=_mobile(rng) if rng.random() < 0.45 else "",
            postal_code=address[0], prefecture=address[1], municipality=address[2], address_line=address[3],
            return_wish=rng.choice(texts.RETURN_WISHES).format(**slots),
            **_residence(f"{family_name}{given_name}{birth}", kind, address[2]),
            care_level=CARE_LEVEL.pick(rng) if elderly else "",
            disability_support_level=SUPPORT_LEVEL.pick(rng) if disabilities else "",
            public_assistance=public_assistance,
            public_assistance_office=welfare.label if public_assistance in ("receiving", "applying") else "",
            health_conditions=health[0], medication=health[1], hospitals=health[2],
            **_disability_kinds(disabilities, birth),
            justice_status=justice_status, offence_category=offence,
            justice_details=self._justice_details(rng, offence, justice_status, latest, slots["custody"]),
            justice_agencies=f"{slots['pp']}（{slots['pros']}）、{slots['custody']}、{slots['lawyer']}",
            wishes=wish, created_by_id=main, updated_by_id=main,
            created_at=created, updated_at=created, _history_user=main,
        )
        # derive_search_key and person_keys read only the name fields; a light stand-in saves building a model.
        names_only = SimpleNamespace(family_name=family_name, given_name=given_name, family_name_kana=family_kana,
                                     given_name_kana=given_kana, aliases=aliases, phone=person["phone"])
        person["search_key"] = derive_search_key(names_only)
        p = len(chunk.persons)
        chunk.persons.append(person)
        chunk.search_keys += [(p, {"center_id": self.center_id, "kind": kind, "key": key})
                              for kind, key in person_keys(names_only)]

        self._family(chunk, rng, p, family_name, age, created, main)
        self._certificates(chunk, rng, p, disabilities, prefecture, first_day, created, main)
        self._externals(chunk, rng, p, kind, slots, case_specs[0]["phase"] != "closed", created, main)
        for n, spec in enumerate(case_specs):
            # A person's later case reopens the one before it (the next in this list, made right after it).
            previous = len(chunk.cases) + 1 if n + 1 < len(case_specs) else None
            if n == 0 and index < self.detailed:
                chunk.hints.append((p, len(chunk.cases), dict(
                    index=index, kind=spec["kind"], phase=spec["phase"], path=spec["path"], starts=spec["starts"],
                    release=spec["release"], sex=sex, elderly=elderly, disabilities=disabilities,
                    home=building.strip(), goal=slots["goal"], wish=wish, agencies=agencies)))
            self._case(chunk, rng, p, spec, slots, main, sub, previous)

    # --- parts ------------------------------------------------------------------------------------
    def _birth_date(self, rng: random.Random) -> dt.date:
        r = rng.random()
        if r < 0.02:  # 大正
            start, end = dt.date(1917, 1, 1), dt.date(1926, 12, 24)
        elif r < 0.82:  # 昭和, most born in the 1940s and 1950s
            year = int(rng.triangular(1927, 1988, 1948))
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:  # 平成
            start, end = dt.date(1989, 1, 8), dt.date(2004, 12, 31)
        return start + dt.timedelta(days=rng.randint(0, (end - start).days))

    def _family_name(self, rng: random.Random, *, variant: bool = False) -> tuple[str, str]:
        draw = rng.random()
        if draw < 0.08 or variant:
            return rng.choice(names.VARIANT_FAMILY_NAMES)
        common = rng.choice(names.FAMILY_NAMES)
        # The long tail (names.composed) from its own generator seeded by the draw: the person's other fields
        # come out of `rng` exactly as before.
        tail = random.Random(int(draw * 2**52))
        return names.composed(tail, names.SURNAME_HEADS, names.SURNAME_TAILS) if tail.random() < 0.7 else common

    def _given_name(self, rng: random.Random, sex: str, year: int, *, variant: bool = False) -> tuple[str, str]:
        female = sex == "female" or (sex in ("other", "unknown") and rng.random() < 0.5)
        draw = rng.random()
        if draw < 0.03 or variant:
            return rng.choice(names.VARIANT_FEMALE if female else names.VARIANT_MALE)
        older = year < 1960 if rng.random() < 0.85 else year >= 1960
        if female:
            common = rng.choice(names.FEMALE_OLDER if older else names.FEMALE_YOUNGER)
        else:
            common = rng.choice(names.MALE_OLDER if older else names.MALE_YOUNGER)
        tail = random.Random(int(draw * 2**52))
        if tail.random() < 0.7:
            return names.composed(tail, names.GIVEN_HEADS, names.FEMALE_TAILS if female else names.MALE_TAILS)
        return common

    def _staff_pair(self, rng: random.Random, index: int) -> tuple[int, int | None]:
        """Main and (often) sub staff: the main one in turn, so that every worker has cases."""
        main = self.staff_ids[index % len(self.staff_ids)]
        others = [pk for pk in self.staff_ids if pk != main]
        sub = rng.choice(others) if others and rng.random() < 0.7 else None
        return main, sub

    def _facility(self, rng: random.Random, elderly: bool, disabilities: list[str], sex: str, *,
                  urgent: bool = False) -> Agency:
        """A residential facility of the directory that takes the person (sex), of a kind that fits them:
        更生保護施設 and 自立準備ホーム under 更生緊急保護, lodgings and relief facilities under public
        assistance, group homes for intellectual or mental disabilities. `urgent`: under 更生緊急保護 only."""
        r = rng.random() * (0.6 if urgent else 1)
        if r < 0.45:
            kind = "rehabilitation_facility"
        elif r < 0.6:
            kind = "self_reliance_home"
        elif r < 0.8 or not (elderly or "intellectual" in disabilities or "mental" in disabilities):
            kind = "free_low_cost_lodging"
        elif elderly:
            kind = "relief_facility"
        else:
            kind = "group_home"
        pool = self.directory.residential[kind]
        fitting = [a for a in pool if a.accepts_sex in ("", "any", sex)] or pool
        return fitting[rng.randrange(len(fitting))]

    def _health(self, rng: random.Random, disabilities: list[str]) -> tuple[str, str, str]:
        if rng.random() < 0.15:
            return "", "", ""
        conditions = [rng.choice(texts.HEALTH_BY_DISABILITY[d]) for d in disabilities]
        conditions += rng.sample(texts.HEALTH_GENERAL, rng.randint(0, 2))
        if not conditions:
            return "特記事項なし", "", ""
        medication = "、".join(rng.sample(texts.MEDICATIONS, rng.randint(1, 3))) if rng.random() < 0.7 else ""
        doctor = rng.choice(names.FAMILY_NAMES)[0]
        hospitals = f"{rng.choice(self.directory.hospitals).name}（主治医 {doctor}医師）" if medication else ""
        return "、".join(conditions), medication, hospitals

    def _justice_details(self, rng: random.Random, offence: str, status: str, case: dict, custody: str) -> str:
        what = texts.OFFENCE_DETAILS.get(offence, "事件の内容は確認中。").format(
            amount=rng.randrange(200, 5000, 10), count=rng.randint(1, 9))
        if status in ("suspect", "defendant"):  # arrested (or charged) shortly before the referral
            when = case["referral"] - dt.timedelta(days=rng.randint(1, 15))
        else:  # the disposition came with the release
            when = case["release"] or case["referral"] + dt.timedelta(days=rng.randint(0, 20))
        when = min(when, self.today) if status != "in_custody" else max(when, self.today)
        # Since 2025-06-01 懲役 and 禁錮 are one sentence, 拘禁刑.
        sentence = "拘禁刑" if when >= dt.date(2025, 6, 1) else "懲役"
        how = texts.DISPOSITIONS.get(status, "").format(date=format_checked(when), sentence=sentence,
                                                        amount=rng.choice((100000, 200000, 300000, 500000)),
                                                        prison=custody)
        return what + how

    def _family(self, chunk, rng, p, family_name, age, created, user) -> None:
        count = rng.choices((0, 1, 2), cum_weights=(40, 85, 100))[0]
        for n in range(count):
            relation, older = _relationship(rng, age)
            surname = family_name if rng.random() < 0.6 else rng.choice(names.FAMILY_NAMES)[0]
            if relation in FEMALE_RELATIONS:
                pool = names.FEMALE_OLDER if older else names.FEMALE_YOUNGER
            else:
                pool = names.MALE_OLDER if older else names.MALE_YOUNGER
            if rng.random() < 0.65:  # in the same (fictional) prefecture
                prefecture, city = self.directory.prefecture, MUNICIPALITY.pick(rng)
            else:  # elsewhere in Japan: a real municipality, no street
                prefecture = PREFECTURE.pick(rng)
                city = self.addresses[prefecture][rng.randrange(len(self.addresses[prefecture]))][1]
            chunk.family.append((p, dict(
                name=f"{surname} {rng.choice(pool)[0]}", relationship=relation,
                phone=_mobile(rng) if rng.random() < 0.7 else "",
                address=f"{prefecture}{city}" if rng.random() < 0.6 else "",
                is_emergency_contact=n == 0 and rng.random() < 0.6, notes=rng.choice(texts.FAMILY_NOTES),
                created_at=created, updated_at=created, _history_user=user,
            )))

    def _certificates(self, chunk, rng, p, disabilities, prefecture, first_day, created, user) -> None:
        for disability, kind, chance in (("intellectual", "intellectual", 0.7), ("mental", "mental", 0.5),
                                         ("physical", "physical", 0.8)):
            if disability not in disabilities or rng.random() >= chance:
                continue
            issuer = prefecture
            if kind == "intellectual":
                if rng.random() < 0.15:  # issued where they lived before (grades differ by prefecture)
                    issuer = PREFECTURE.pick(rng)
                grade = rng.choice(places.intellectual_grades(issuer))
            elif kind == "mental":
                grade = str(rng.randint(1, 3))
            else:
                grade = str(rng.randint(1, 6))
            issued = first_day - dt.timedelta(days=rng.randint(30, 3650))
            renewal = None
            if kind == "mental":
                renewal = issued + dt.timedelta(days=730)
                while renewal < self.today - dt.timedelta(days=200):
                    renewal += dt.timedelta(days=730)
            elif kind == "intellectual" and rng.random() < 0.5:
                period = dt.timedelta(days=365 * rng.randint(2, 5))
                renewal = issued + period
                # a re-judgement years overdue would be 「2225日超過」 on the first screen: the demo's is the next one
                while renewal < self.today - dt.timedelta(days=200):
                    renewal += period
            chunk.certificates.append((p, dict(
                kind=kind, grade=grade, issuing_prefecture=issuer, number=f"第{rng.randint(1000, 99999)}号",
                issued_on=issued, renewal_due=renewal, created_at=created, updated_at=created,
                _history_user=user,
            )))

    def _externals(self, chunk, rng, p, kind, slots, active, created, user) -> None:
        candidates = []  # (role, agency, reference, the surname the narratives use for that officer)
        surnames = slots["_surnames"]
        if kind in ("exit", "follow_up") or rng.random() < 0.3:
            candidates.append(("probation_officer", slots["po"], f"保観第{rng.randint(100, 9999)}号",
                               surnames["officer"]))
        if kind == "entrance":
            candidates.append(("prosecutor_clerk", slots["pp"], f"検第{rng.randint(100, 9999)}号", surnames["pros"]))
            candidates.append(("lawyer", slots["_agencies"]["law_office"].name, "", surnames["lawyer"]))
        if rng.random() < 0.5:
            candidates.append(("caseworker", slots["welfare"], f"保護第{rng.randint(1000, 99999)}号", surnames["cw"]))
        if rng.random() < 0.3:
            candidates.append(("msw", slots["hospital"], "", None))
        if rng.random() < 0.4:
            candidates.append(("facility_staff", slots["facility"], "", None))
        if rng.random() < 0.2:
            candidates.append(("care_manager", slots["consult"], "", None))
        for role, agency, reference, surname in candidates:
            surname = surname or rng.choice(names.FAMILY_NAMES)[0]
            given = rng.choice(names.MALE_YOUNGER + names.FEMALE_YOUNGER)[0]
            chunk.externals.append((p, dict(
                role=role, name=f"{surname} {given}", agency=agency, phone=_landline(rng),
                agency_reference=reference, notes=rng.choice(texts.EXTERNAL_NOTES),
                active=active or rng.random() < 0.2, created_at=created, updated_at=created, _history_user=user,
            )))

    # --- cases ----------------------------------------------------------------------------------
    def _current_since(self, index: int) -> dt.date | None:
        """Fixed starts of the current phase for two of the forced cases, so that the small demo shows what is
        due: the third person's 更生緊急保護 (6 months from release) ends in 9 days, and the fifth person's
        follow-up started so that its one-month contact is due in 4 days."""
        if index == 2:
            return add_months(self.today, -6) + dt.timedelta(days=9)
        if index == 4:
            return add_months(self.today, -1) + dt.timedelta(days=4)
        return None

    def _case_timeline(self, rng: random.Random, final: str, kind: str, *, end_before: dt.date,
                       index: int, current_since: dt.date | None = None) -> dict:
        """Phases with their start dates. Open cases end today; closed ones before `end_before`; an open case
        whose current phase began on `current_since`, if given."""
        reached = CLOSED_AFTER.pick(rng) if final == "closed" else final
        if kind == "consultation" and final == "closed":
            reached = rng.choice(("intake", "coordinating"))
        path = ["intake"]
        if reached != "intake":
            path.append("coordinating")
        pre_release = kind in ("entrance", "exit")
        with_temporary = (reached == "temporary"
                          or (PHASE_ORDER.index(reached) > 2 and rng.random() < (0.7 if pre_release else 0.2)))
        for phase in ("temporary", "settlement", "follow_up"):
            if PHASE_ORDER.index(phase) <= PHASE_ORDER.index(reached) and (phase != "temporary" or with_temporary):
                path.append(phase)

        lengths = []
        for phase in path:
            if phase == "intake":
                lo, hi = {"entrance": (1, 10), "exit": (14, 90)}.get(kind, (1, 21))
            elif phase == "coordinating":
                lo, hi = {"entrance": (2, 20), "exit": (7, 60)}.get(kind, (3, 30))
            else:
                lo, hi = {"temporary": (30, 180), "settlement": (60, 400), "follow_up": (90, 900)}[phase]
            lengths.append(rng.randint(lo, hi))

        release = None
        if final == "closed":
            if path[-1] in ("intake", "coordinating"):
                lengths[-1] = min(lengths[-1], 20)
            total = sum(lengths)
            end = end_before - dt.timedelta(days=rng.randint(1, max(2, min(900, 365 * 7 - total))))
            start = end - dt.timedelta(days=total)
        else:
            # The current phase has lasted part of its usual length; early phases wait for a release to come.
            lengths[-1] = rng.randint(1, max(1, lengths[-1]))  # at least a day: no record lies in the future
            if current_since is not None:
                lengths[-1] = max(1, (self.today - current_since).days)
            if pre_release and final in ("intake", "coordinating"):
                # Suspects are released within days (勾留 lasts at most 20); prisoners' dates are known earlier.
                soon = index in (0, 1) or rng.random() < 0.4
                later = rng.randint(7, 20) if kind == "entrance" else rng.randint(7, 90)
                release = self.today + dt.timedelta(days=rng.randint(0, 6) if soon else later)
            start = self.today - dt.timedelta(days=sum(lengths))
            end = None
        starts, day = [], start
        for length in lengths:
            starts.append(day)
            day = day + dt.timedelta(days=length)
        if pre_release and release is None and len(path) > 2:
            release = starts[2]  # released into the placement that follows coordination
        elif pre_release and release is None and final == "closed":
            release = starts[-1] + dt.timedelta(days=lengths[-1]) if rng.random() < 0.5 else None
        phases = [*path, "closed"] if final == "closed" else path
        if final == "closed":
            starts.append(end)
        return {"kind": kind, "phase": final, "path": phases, "starts": starts, "referral": start, "end": end,
                "release": release, "reached": path[-1]}

    def _case(self, chunk, rng, p, spec, slots, main, sub, previous: int | None) -> None:
        kind, path, starts = spec["kind"], spec["path"], spec["starts"]
        source = REFERRAL_SOURCE[kind].pick(rng)
        agency, officer = self._referrer(rng, source, slots)
        closed = spec["phase"] == "closed"
        outcome, summary = "", ""
        if closed:
            outcome = (OUTCOME_EARLY if spec["reached"] in ("intake", "coordinating") else OUTCOME_LATER).pick(rng)
            summary = texts.CLOSURE_SUMMARIES[outcome].format(**slots)
        referral = spec["referral"]
        created = _at(referral, rng, 9, 11)
        last_change = _at(starts[-1], rng)
        release = spec["release"]
        slots["release"] = f"{format_checked(release)}に釈放予定" if release else "釈放の時期は未定"
        case = dict(
            center_id=self.center_id, number=self._case_number(referral.year), kind=kind, referral_source=source,
            referral_agency=agency, referral_officer=officer,
            referral_contact=_landline(rng) if agency else "", referral_date=referral,
            expected_release_date=release, funding_programme_id=self.own_duty_id,
            **_statistics_fields(kind, release, path, referral, self.today),
            release_place=slots["custody"] if release else "",
            start_date=starts[1] if len(path) > 1 and path[1] != "closed" else None,
            end_date=spec["end"], phase=spec["phase"], main_staff_id=main,
            sub_staff_id=sub, closure_outcome=outcome, closure_summary=summary,
            created_by_id=main, updated_by_id=main, version=len(path),
            created_at=created, updated_at=max(created, last_change), _history_user=main,
        )
        c = len(chunk.cases)
        chunk.cases.append((p, case))
        chunk.previous_cases.append(previous)

        previous = ""
        for phase, day in zip(path, starts, strict=True):
            reason = texts.TRANSITION_REASONS.get((previous, phase))
            if phase == "closed":
                reason = f"{CLOSURE_LABELS[outcome]}ため終結"
            elif reason is None:
                reason = "状況の変化により段階を変更"
            when = created if not previous else _at(day, rng)
            chunk.transitions.append((c, dict(
                from_phase=previous, to_phase=phase, changed_at=when, changed_by_id=main,
                reason=reason.format(**slots),
            )))
            previous = phase

        if rng.random() < (0.18 if not closed else 0.05):
            for label in rng.sample(FLAG_SUGGESTIONS, rng.randint(1, 2)):
                chunk.flags.append((c, dict(
                    label=label, instruction=texts.FLAG_INSTRUCTIONS.get(label, ""),
                    exclude_from_statistics=rng.random() < 0.05, active=not closed or rng.random() < 0.3,
                    created_by_id=main, created_at=created, updated_at=created, _history_user=main,
                )))

        # Support records along every phase the case went through (none after closure); the first one is
        # the referral itself, and the others of that day come after it.
        kind, text = texts.REFERRAL_RECORDS.get(source, texts.REFERRAL_RECORDS[""])
        who = f"{agency} {officer}".strip() if source != "self_or_family" else f"{slots['family']}（家族）"
        self._activity(chunk, rng, c, "intake", referral, slots, main, None,
                       fixed=(kind, who, text.format(ref_agency=agency, ref_officer=officer, **slots), created))
        if release and len(path) > 2 and path[2] in texts.RELEASE_RECORDS:
            self._activity(chunk, rng, c, path[2], release, slots, main, None, fixed=(
                "accompany", f"本人（{slots['custody']}）", texts.RELEASE_RECORDS[path[2]].format(**slots),
                _at(release, rng, 9, 11)))
        end_of = [*starts[1:], spec["end"] or self.today - dt.timedelta(days=1)]
        for phase, begin, finish in zip(path, starts, end_of, strict=False):
            if phase == "closed":
                break
            fixed, per_days = RECORD_PACE[phase]
            span = max(0, (finish - begin).days)
            count = fixed + span // per_days + (rng.random() < 0.3) - (phase == "intake")
            for _ in range(count):
                day = begin + dt.timedelta(days=int(rng.random() * (span + 1))) if span else begin
                self._activity(chunk, rng, c, phase, day, slots, main, sub, after_noon=day == referral)

    def _activity(self, chunk, rng, c, phase, day, slots, main, sub, *, fixed=None, after_noon=False) -> None:
        if fixed:
            kind, counterpart, text, occurred = fixed
            parts = [text]
        else:
            kind, _, counterpart, template = TEMPLATES_BY_PHASE[phase].pick(rng)
            parts = [template.format(**slots)]
            counterpart = counterpart.format(**slots)
            occurred = _at(day, rng, 12, 17) if after_noon else _at(day, rng)
        # The hottest loop of the generator (ten records a person): rng.random() rather than randint and choice,
        # which are several Python calls each.
        r = rng.random
        if r() < 0.35:
            parts.append(STATE_SENTENCES[int(r() * len(STATE_SENTENCES))])
        if r() < 0.35:
            parts.append(NEXT_SENTENCES[int(r() * len(NEXT_SENTENCES))])
        author = sub if sub is not None and r() < 0.25 else main
        recorded = occurred + dt.timedelta(minutes=30 + int(r() * 271))
        lo, hi = MINUTES[kind]
        chunk.activities.append((c, dict(
            center_id=self.center_id, occurred_at=occurred, kind=kind,
            counterpart=counterpart, narrative="".join(parts), minutes=lo + 5 * int(r() * ((hi - lo) // 5 + 1)),
            author_id=author, updated_by_id=author, created_at=recorded, updated_at=recorded,
            _history_user=author,
        )))

    def _referrer(self, rng: random.Random, source: str, slots: dict) -> tuple[str, str]:
        """The referring agency (as the directory names it, with its department) and officer."""
        agencies, surnames = slots["_agencies"], slots["_surnames"]
        if source == "prosecutor":
            return agencies["pp"].label, f"{surnames['pros']} 検察事務官"
        if source == "probation":
            return agencies["po"].label, f"{surnames['officer']} 保護観察官"
        if source == "police":
            custody = agencies["custody"]
            station = custody if custody.kind == "police" else rng.choice(self.directory.police)
            return station.label, f"{station.officer(rng, names.FAMILY_NAMES)} 巡査部長"
        if source == "lawyer":
            return agencies["law_office"].name, f"{surnames['lawyer']} 弁護士"
        if source == "correctional":
            custody = agencies["custody"]
            prison = custody if custody.kind == "correctional_facility" else rng.choice(self.directory.prisons)
            return prison.label, f"{prison.officer(rng, names.FAMILY_NAMES)} 福祉専門官"
        if source == "court":
            return agencies["pp"].name.replace("検察庁", "裁判所"), f"{rng.choice(names.FAMILY_NAMES)[0]} 書記官"
        if source == "municipality":
            return agencies["welfare"].label, f"{surnames['cw']} ケースワーカー"
        if source == "hospital":
            hospital = agencies["hospital"]
            return hospital.label, f"{hospital.officer(rng, names.FAMILY_NAMES)} MSW"
        if source == "other_center":
            center = agencies["other_center"]
            return center.label, f"{center.officer(rng, names.FAMILY_NAMES)} 相談員"
        if source == "self_or_family":
            return "本人・家族", ""
        return "民生委員", rng.choice(names.FAMILY_NAMES)[0]


def _relationship(rng: random.Random, age: int) -> tuple[str, bool]:
    """A relative plausible for the person's age, and whether that relative is of the older generation."""
    if age >= 65:
        relation = rng.choice(names.RELATIONSHIPS_OLDER)
        return relation, relation in ("兄", "姉", "元妻")
    if age >= 40:
        relation = rng.choice(names.RELATIONSHIPS_MIDDLE)
        return relation, relation in ("母", "父", "叔母")
    relation = rng.choice(names.RELATIONSHIPS_YOUNGER)
    return relation, relation in ("母", "父", "叔母", "祖母")


FEMALE_RELATIONS = {"長女", "妹", "姉", "姪", "元妻", "母", "叔母", "祖母", "内縁の妻"}
OFFENCE_LABELS = [("theft", "窃盗"), ("fraud", "無銭飲食"), ("assault", "傷害"), ("drugs", "覚醒剤取締法違反"),
                  ("trespass", "住居侵入"), ("arson", "放火"), ("sexual", "迷惑行為"), ("traffic", "道路交通法違反"),
                  ("property_damage", "器物損壊"), ("other", "条例違反")]
CLOSURE_LABELS = {
    "stable": "地域生活が安定した", "moved": "転居した", "hospitalised": "入院した", "died": "本人が亡くなった",
    "reoffended": "再犯があった", "refused": "本人が支援を望まなくなった", "lost_contact": "連絡が途絶えた",
    "not_eligible": "支援の対象とならなかった", "other": "家族の元で暮らすことになった",
}
