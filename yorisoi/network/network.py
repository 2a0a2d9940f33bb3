"""The network map: the center in the middle, municipalities as clusters on a circle around it, each
organization a dot in its municipality's cluster (coloured by kind group, grouped by kind), lines weighted
by the number of cases the center shared with the organization in a period (and its outreach contacts),
and curved lines between two organizations that worked on the same case.

A joint case of an organization is a case the user may open where, in the period, the organization
- was the person's placement (a stay overlapping the period),
- was asked to take the person (受入照会),
- was asked for a service (つなぎ, from its request until it ended or failed),
- is named in the counterpart of a support record (相手方: the organization's name appears in the text), or
  was the facility of a follow-up done in the period,
- referred the case (the case's 依頼元機関 contains the organization's name, referral date in the period),
- was the responsible office of a procedure of the case worked on in the period (手続き).
Contacts that name no case are counted as contacts: outreach (周知啓発), vacancy calls (空き確認),
consultations and meetings (相談支援・会議), pre-consultations (事前相談, for staff who see justice data), and
provisions and receipts of personal data (情報提供・受領, within the ledger's person scope).
A line's weight is joint cases + contacts.

The layout is computed here and drawn as inline SVG by the template (no JavaScript, prints as is); the
same numbers are given as a table under the picture.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Q
from django.db.models.functions import Coalesce

from yorisoi.disclosure import selectors as disclosure_selectors
from yorisoi.intake.selectors import consultations_for, pre_consultations_for
from yorisoi.partners import selectors as partner_selectors
from yorisoi.partners.models import KindGroup, Organization
from yorisoi.placements import selectors
from yorisoi.placements.models import VacancyReport
from yorisoi.privacy import policy
from yorisoi.procedures.models import CaseProcedure, FollowUp

MIN_RING = 300  # smallest distance of the municipality clusters from the center (grows with the clusters)
STEP = 26  # distance between the rings of dots inside a cluster (and about the distance between dots)
NAMED_STEP = 50  # the same when the dots carry names (fewer dots, longer labels)
MIN_VIEW = 900  # a small network is not blown up beyond this
MARGIN = 150  # room around the circle of clusters for their labels
MAX_NODES = 120  # more would be unreadable; the table lists every organization
MAX_PAIR_EDGES = 40  # the strongest links between organizations; the table lists them all
NAME_LABEL_LIMIT = 25  # up to this many dots carry their short name, beyond that their number

SOURCES = [
    ("placement", "居所"),
    ("inquiry", "受入照会"),
    ("connection", "つなぎ"),
    ("record", "支援記録"),
    ("referral", "依頼元"),
    ("procedure", "手続き"),
]
CONTACT_SOURCES = [
    ("outreach", "周知啓発"),
    ("call", "空き確認"),
    ("consultation", "相談・会議"),
    ("provision", "情報提供・受領"),
]

GROUP_COLOURS = {
    KindGroup.JUSTICE: "#6b3fa0",
    KindGroup.GOVERNMENT: "#1d5f8c",
    KindGroup.WELFARE: "#1e6b3a",
    KindGroup.MEDICAL: "#b42318",
    KindGroup.EMPLOYMENT: "#8a5a00",
    KindGroup.RESIDENTIAL: "#c2410c",
    KindGroup.OTHER: "#52606d",
}
UNKNOWN_PLACE = "所在地未登録"


@dataclass
class Node:
    organization: Organization
    number: int = 0
    cases: dict = field(default_factory=lambda: {key: set() for key, _ in SOURCES})
    contacts: dict = field(default_factory=lambda: {key: 0 for key, _ in CONTACT_SOURCES})
    x: float = 0.0
    y: float = 0.0
    r: float = 6.0
    label_x: float = 0.0
    label_y: float = 0.0
    anchor: str = "start"
    drawn: bool = False

    @property
    def joint_cases(self) -> set:
        return set().union(*self.cases.values())

    @property
    def outreach(self) -> int:
        return self.contacts["outreach"]

    @property
    def contact_total(self) -> int:
        return sum(self.contacts.values())

    @property
    def weight(self) -> int:
        return len(self.joint_cases) + self.contact_total

    @property
    def counts(self) -> list[int]:
        return [len(self.cases[key]) for key, _ in SOURCES]

    @property
    def contact_counts(self) -> list[int]:
        return [self.contacts[key] for key, _ in CONTACT_SOURCES]

    @property
    def case_breakdown(self) -> list[tuple[str, int]]:
        """(label, cases) of the sources that have any: 「居所 2・受入照会 3」 under the total."""
        return [(label, len(self.cases[key])) for key, label in SOURCES if self.cases[key]]

    @property
    def contact_breakdown(self) -> list[tuple[str, int]]:
        return [(label, self.contacts[key]) for key, label in CONTACT_SOURCES if self.contacts[key]]

    @property
    def colour(self) -> str:
        return GROUP_COLOURS.get(self.organization.kind.group, GROUP_COLOURS[KindGroup.OTHER])

    @property
    def short_name(self) -> str:
        name = self.organization.name
        return name if len(name) <= 13 else name[:12] + "…"

    @property
    def municipality(self) -> str:
        return self.organization.municipality or UNKNOWN_PLACE

    @property
    def line_width(self) -> float:
        return round(1 + 1.3 * math.sqrt(self.weight), 1) if self.weight else 0


@dataclass
class Pair:
    a: Node
    b: Node
    cases: int
    path: str = ""

    @property
    def line_width(self) -> float:
        return round(1 + 1.2 * math.sqrt(self.cases), 1)


@dataclass
class Cluster:
    name: str
    prefecture: str
    nodes: list[Node]
    x: float = 0.0
    y: float = 0.0
    radius: float = 0.0
    label_x: float = 0.0
    label_y: float = 0.0
    anchor: str = "middle"


@dataclass
class NetworkMap:
    date_from: dt.date
    date_to: dt.date
    nodes: list[Node]  # every organization with a relation in the period (or all, if asked), by weight
    clusters: list[Cluster]
    pairs: list[Pair]
    hidden_nodes: int
    with_names: bool = True  # dots labelled with short names (few dots) or with their table numbers
    width: int = 2 * (MIN_RING + MARGIN)
    height: int = 2 * (MIN_RING + MARGIN)
    center_x: float = MIN_RING + MARGIN
    center_y: float = MIN_RING + MARGIN
    view_x: float = 0.0  # the drawing's bounding box, so the picture has no empty border
    view_y: float = 0.0

    @property
    def drawn_nodes(self) -> list[Node]:
        return [n for n in self.nodes if n.drawn]

    @property
    def drawn_pairs(self) -> list[Pair]:
        return [p for p in self.pairs if p.path]

    @property
    def legend(self) -> list[tuple[str, str]]:
        present = {n.organization.kind.group for n in self.nodes}
        return [(GROUP_COLOURS[g], KindGroup(g).label) for g in KindGroup.values if g in present]

    @property
    def hidden_pairs(self) -> int:
        return len(self.pairs) - len(self.drawn_pairs)

    @property
    def total_cases(self) -> int:
        return len(set().union(*(n.joint_cases for n in self.nodes))) if self.nodes else 0


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _name_matcher(organizations: list[Organization]):
    """text → organizations whose name occurs in it (the longest names win over names they contain)."""
    keys = [(_key(o.name), o) for o in organizations if len(_key(o.name)) >= 3]

    def match(text: str) -> list[Organization]:
        text = _key(text)
        found = [(k, o) for k, o in keys if k in text]
        return [o for k, o in found if not any(k != other and k in other for other, _o in found)]

    return match


def build(*, user, date_from: dt.date, date_to: dt.date, group: str = "", show_all: bool = False) -> NetworkMap:
    """Collect the relations of the period (a fixed number of queries) and lay them out."""
    organizations = {o.pk: o for o in partner_selectors.organizations_for(user).select_related("kind")}
    nodes: dict[int, Node] = {}

    def node(org_id: int) -> Node | None:
        org = organizations.get(org_id)
        if org is None:
            return None
        return nodes.setdefault(org_id, Node(org))

    def add(source: str, rows) -> None:
        for org_id, case_id in rows:
            if (n := node(org_id)) is not None:
                n.cases[source].add(case_id)

    add("placement", selectors.placements_for(user).filter(organization__isnull=False, entered_on__lte=date_to)
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=date_from))
        .values_list("organization_id", "case_id"))
    add("inquiry", selectors.inquiries_for(user).filter(organization__isnull=False,
                                                        inquired_at__date__gte=date_from,
                                                        inquired_at__date__lte=date_to)
        .values_list("organization_id", "case_id"))
    add("connection", selectors.connections_for(user).filter(organization__isnull=False, requested_on__lte=date_to)
        .annotate(until=Coalesce("ended_on", "failed_on")).filter(Q(until__isnull=True) | Q(until__gte=date_from))
        .values_list("organization_id", "case_id"))
    match = _name_matcher(list(organizations.values()))
    records = (policy.activities_for(user).filter(occurred_at__date__gte=date_from, occurred_at__date__lte=date_to)
               .exclude(counterpart="").values_list("counterpart", "case_id").distinct())
    by_text: dict[str, list[Organization]] = {}
    for text, case_id in records:
        for org in by_text.setdefault(text, match(text)):
            node(org.pk).cases["record"].add(case_id)
    referrals = (policy.cases_for(user).filter(referral_date__gte=date_from, referral_date__lte=date_to)
                 .exclude(referral_agency="").values_list("referral_agency", "pk"))
    for text, case_id in referrals:
        for org in match(text):
            node(org.pk).cases["referral"].add(case_id)
    add("record", FollowUp.objects.filter(case__in=policy.cases_for(user), organization__isnull=False,
                                          done_on__gte=date_from, done_on__lte=date_to)
        .values_list("organization_id", "case_id"))
    add("procedure", CaseProcedure.objects.filter(case__in=policy.cases_for(user), organization__isnull=False,
                                                  started_on__isnull=False, started_on__lte=date_to)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gte=date_from))
        .values_list("organization_id", "case_id"))

    def count(source: str, org_ids) -> None:
        for org_id in org_ids:
            if org_id and (n := node(org_id)) is not None:
                n.contacts[source] += 1

    count("outreach", partner_selectors.outreach_for(user).filter(held_on__gte=date_from, held_on__lte=date_to)
          .values_list("organizations", flat=True))
    count("call", policy.of_center(VacancyReport, user).filter(reported_at__date__gte=date_from,
                                                               reported_at__date__lte=date_to)
          .values_list("organization_id", flat=True))
    count("consultation", consultations_for(user).filter(consulted_on__gte=date_from, consulted_on__lte=date_to)
          .values_list("organization_id", flat=True))
    count("consultation", pre_consultations_for(user).filter(consulted_on__gte=date_from, consulted_on__lte=date_to)
          .values_list("organization_id", flat=True))
    count("provision", disclosure_selectors.records_for(user).filter(provided_on__gte=date_from,
                                                                     provided_on__lte=date_to)
          .values_list("recipient_id", flat=True))
    count("provision", disclosure_selectors.receipts_for(user).filter(received_on__gte=date_from,
                                                                      received_on__lte=date_to)
          .values_list("provider_id", flat=True))

    if show_all:
        for org in organizations.values():
            if org.active:
                node(org.pk)
    chosen = [n for n in nodes.values() if (show_all or n.weight) and (not group or n.organization.kind.group == group)]
    chosen.sort(key=lambda n: (-n.weight, n.organization.kind.sort_order, n.organization.name_kana,
                               n.organization.pk))
    for number, n in enumerate(chosen, start=1):
        n.number = number
    pairs = _pairs(chosen)
    network = NetworkMap(date_from=date_from, date_to=date_to, nodes=chosen, clusters=[], pairs=pairs,
                         hidden_nodes=max(len(chosen) - MAX_NODES, 0))
    _layout(network, center_prefecture=getattr(user.center, "prefecture", ""))
    return network


def _pairs(chosen: list[Node]) -> list[Pair]:
    by_case: dict[int, list[Node]] = defaultdict(list)
    for n in chosen:
        for case_id in n.joint_cases:
            by_case[case_id].append(n)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in by_case.values():
        for a, b in combinations(sorted(members, key=lambda n: n.number), 2):
            shared[(a.number, b.number)] += 1
    index = {n.number: n for n in chosen}
    pairs = [Pair(index[a], index[b], count) for (a, b), count in shared.items()]
    pairs.sort(key=lambda p: (-p.cases, p.a.number, p.b.number))
    return pairs


# --- layout ------------------------------------------------------------------------------------------------


def _layout(network: NetworkMap, *, center_prefecture: str) -> None:
    """Clusters on a circle (each given an arc as wide as it needs), dots on rings inside each cluster."""
    drawn = network.nodes[:MAX_NODES]
    groups: dict[str, list[Node]] = defaultdict(list)
    for n in drawn:
        n.drawn = True
        groups[n.municipality].append(n)

    def cluster_order(item):
        name, members = item
        prefecture = members[0].organization.prefecture
        return (name == UNKNOWN_PLACE, prefecture != center_prefecture, prefecture, name)

    # Inside a cluster the organizations of one kind sit next to each other; the busiest kind in the middle.
    clusters = [Cluster(name, members[0].organization.prefecture,
                        sorted(members, key=lambda n: (n.organization.kind.sort_order, -n.weight, n.number)))
                for name, members in sorted(groups.items(), key=cluster_order)]
    network.clusters = clusters
    network.with_names = len(drawn) <= NAME_LABEL_LIMIT
    if not clusters:
        return
    rings = {c.name: _rings(len(c.nodes)) for c in clusters}
    step = NAMED_STEP if network.with_names else STEP
    for c in clusters:
        c.radius = 14.0 + step * (len(rings[c.name]) - 1)
    needs = [2 * c.radius + 70 for c in clusters]  # the cluster and room for its neighbours' labels
    ring = max(MIN_RING, sum(needs) / (2 * math.pi))
    size = round(2 * (ring + max(c.radius for c in clusters) + MARGIN))
    network.width = network.height = size
    cx = cy = network.center_x = network.center_y = size / 2
    angle = -math.pi / 2  # the first cluster at the top, then clockwise
    for cluster, need in zip(clusters, needs, strict=True):
        span = 2 * math.pi * need / sum(needs)
        middle = angle + span / 2
        angle += span
        cluster.x, cluster.y = cx + ring * math.cos(middle), cy + ring * math.sin(middle)
        _place_nodes(cluster, rings[cluster.name], middle, step)
        distance = ring + cluster.radius + 18
        cluster.label_x = cx + distance * math.cos(middle)
        cluster.label_y = cy + distance * math.sin(middle) + (6 if math.sin(middle) > -0.3 else 0)
        if math.sin(middle) > 0.3:
            cluster.label_y += 10
        cluster.anchor = _anchor(middle)
        for n in cluster.nodes:
            n.label_x, n.label_y, n.anchor = _node_label(n, cluster)
    for pair in network.pairs[:MAX_PAIR_EDGES]:
        if pair.a.drawn and pair.b.drawn:
            pair.path = _curve(pair.a, pair.b, cx, cy)
    _fit(network)


def _fit(network: NetworkMap) -> None:
    """Shrink the view box to what is drawn (text widths estimated: a Japanese character is about 1em)."""
    xs, ys = [network.center_x - 40, network.center_x + 40], [network.center_y - 40, network.center_y + 40]
    for c in network.clusters:
        xs += [c.x - c.radius, c.x + c.radius]
        ys += [c.y - c.radius, c.y + c.radius, c.label_y - 18, c.label_y + 6]
        width = 17 * (len(c.name) + 4)
        left = {"start": 0, "end": width, "middle": width / 2}[c.anchor]
        xs += [c.label_x - left, c.label_x - left + width]
        for n in c.nodes:
            text = 12 * (len(n.short_name) if network.with_names else 2)
            start = {"start": 0, "end": text, "middle": text / 2}[n.anchor]
            xs += [n.label_x - start, n.label_x - start + text]
    pad = 16
    left, top, right, bottom = min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad
    grow_x, grow_y = max(MIN_VIEW - (right - left), 0) / 2, max(MIN_VIEW * 0.8 - (bottom - top), 0) / 2
    network.view_x, network.view_y = round(left - grow_x), round(top - grow_y)
    network.width, network.height = round(right - left + 2 * grow_x), round(bottom - top + 2 * grow_y)


def _rings(count: int) -> list[int]:
    """How many dots go on each ring: 1 in the middle, then 6, 12, 18…"""
    rings, left, k = [], count, 0
    while left > 0:
        take = 1 if k == 0 else 6 * k
        rings.append(min(take, left))
        left -= take
        k += 1
    return rings


def _place_nodes(cluster: Cluster, rings: list[int], facing: float, step: float) -> None:
    nodes = iter(cluster.nodes)
    for k, count in enumerate(rings):
        offset = 0.5 if k % 2 else 0.0  # stagger the rings so that dots do not line up
        for i in range(count):
            n = next(nodes)
            theta = facing + math.pi + 2 * math.pi * (i + offset) / count  # start on the side facing the center
            n.x = round(cluster.x + k * step * math.cos(theta), 1)
            n.y = round(cluster.y + k * step * math.sin(theta), 1)
            n.r = round(min(4 + 1.6 * math.sqrt(n.weight), 11), 1) if n.weight else 4


def _anchor(theta: float) -> str:
    c = math.cos(theta)
    return "start" if c > 0.3 else "end" if c < -0.3 else "middle"


def _node_label(n: Node, cluster: Cluster) -> tuple[float, float, str]:
    """Beside the dot, away from its cluster's middle (the middle dot: below it; a cluster's only dot: beside it
    on the side away from the center, where no line arrives)."""
    if (n.x, n.y) == (round(cluster.x, 1), round(cluster.y, 1)):
        if len(cluster.nodes) == 1:
            anchor = cluster.anchor if cluster.anchor != "middle" else "start"
            return round(n.x + (n.r + 4) * (1 if anchor == "start" else -1), 1), round(n.y + 4, 1), anchor
        return n.x, round(n.y + n.r + 11, 1), "middle"
    theta = math.atan2(n.y - cluster.y, n.x - cluster.x)
    anchor = _anchor(theta)
    dx = {"start": n.r + 2, "end": -(n.r + 2), "middle": 0}[anchor]
    dy = 4 if anchor != "middle" else (n.r + 11 if math.sin(theta) > 0 else -(n.r + 3))
    return round(n.x + dx, 1), round(n.y + dy, 1), anchor


def _curve(a: Node, b: Node, cx: float, cy: float) -> str:
    """A quadratic curve from a to b bending toward the center, so it does not hide the center's lines. Between
    clusters facing each other across the center the straight line would run over two of the center's lines:
    that curve bends sideways instead, around the center."""
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    length = math.hypot(b.x - a.x, b.y - a.y)
    if math.hypot(cx - mx, cy - my) > 0.35 * length:
        qx, qy = mx + (cx - mx) * 0.45, my + (cy - my) * 0.45
    else:
        qx, qy = mx - (b.y - a.y) * 0.4, my + (b.x - a.x) * 0.4
    return f"M{a.x},{a.y} Q{round(qx, 1)},{round(qy, 1)} {b.x},{b.y}"
