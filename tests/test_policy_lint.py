"""Project rule: who may do what is decided in the policy (yorisoi/privacy), not by role comparisons or center
filters written by hand in the apps. The scan reads every module and fails on a comparison with a user's role or
on a role named outside the places that define staff, and on a query narrowed to the acting user's center outside
privacy/policy."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "yorisoi"
ROLE_NAMES = {"DIRECTOR", "WORKER", "CLERK", "AUDITOR"}
ROLE_VALUES = {"director", "worker", "clerk", "auditor"}
# The policy itself; the staff model (its field and the is_director… properties templates read); the fictional
# demo and benchmark staff, which are created with a role.
ALLOWED = ("privacy/", "accounts/models.py", "accounts/demo.py", "partners/demo.py", "operations/",
           "reports/management/commands/bench_export.py")


def _modules(allowed=ALLOWED):
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative.startswith(allowed):
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def role_decisions(tree: ast.AST) -> list[int]:
    """Lines that decide by role: `Role.DIRECTOR`…, `x.role == …`, `… in ("director", …)`, role=/role__in= filters."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ROLE_NAMES and getattr(node.value, "id", "") == "Role":
            lines.append(node.lineno)
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Attribute) and o.attr == "role" for o in operands):
                lines.append(node.lineno)
            elif any(isinstance(o, ast.Constant) and o.value in ROLE_VALUES for o in operands):
                lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg in ("role", "role__in"):
            lines.append(node.value.lineno)
    return lines


# A line that compares another kind of role (an agency officer's position on the face sheet, say) says so.
NOT_A_STAFF_ROLE = "# not a staff role"


def _marked(name: str, line: int) -> bool:
    return NOT_A_STAFF_ROLE in (ROOT / name).read_text(encoding="utf-8").splitlines()[line - 1]


def test_no_app_decides_by_role_outside_the_policy():
    found = [f"{name}:{line}" for name, tree in _modules() for line in role_decisions(tree)
             if not _marked(name, line)]
    assert found == [], "role decisions outside privacy/policy: " + ", ".join(found)


def test_the_scan_finds_a_hand_written_role_check():
    tree = ast.parse("def f(user):\n    return user.role == Role.DIRECTOR or user.role in ('clerk',)\n"
                     "qs = Staff.objects.filter(role='worker')\n")
    assert sorted(role_decisions(tree)) == [2, 2, 2, 3]


# --- center filters ---------------------------------------------------------------------------------------
# A query narrowed to "the user's center" is written as policy.of_center(Model, user) (or shared_or_of_center),
# never as .filter(center_id=user.center_id): one place decides what a user without a center gets (nothing).
CENTER_KEYWORDS = ("center", "center_id")
QUERY_METHODS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "first", "exists"}


def _is_users_center(value: ast.AST) -> bool:
    """`x.center` / `x.center_id` / `request.user.center_id`: the center of the acting user (or of any object)."""
    return isinstance(value, ast.Attribute) and value.attr in CENTER_KEYWORDS


def center_filters(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        is_query = (isinstance(func, ast.Attribute) and func.attr in QUERY_METHODS) or \
                   (isinstance(func, ast.Name) and func.id == "Q")
        if not is_query:
            continue
        for keyword in node.keywords:
            name = keyword.arg or ""
            if (name in CENTER_KEYWORDS or name.endswith(("__center", "__center_id"))) \
                    and _is_users_center(keyword.value) and _names_a_user(keyword.value):
                lines.append(keyword.value.lineno)
    return lines


def _names_a_user(value: ast.Attribute) -> bool:
    """The attribute is read off the acting user: `user.…`, `actor.…`, `request.user.…`, `self.user.…`."""
    inner = value.value
    if isinstance(inner, ast.Name):
        return inner.id in {"user", "actor", "staff", "request_user"}
    return isinstance(inner, ast.Attribute) and inner.attr in {"user", "actor"}


def test_no_app_filters_by_the_users_center_by_hand():
    found = [f"{name}:{line}" for name, tree in _modules(allowed=("privacy/policy/",))
             for line in center_filters(tree)]
    assert found == [], "center filters written by hand (use policy.of_center): " + ", ".join(found)


def test_the_scan_finds_a_hand_written_center_filter():
    tree = ast.parse("qs = Case.objects.filter(center_id=request.user.center_id, closed=False)\n"
                     "row = Org.objects.get(pk=1, center=actor.center)\n"
                     "q = Q(center_id=user.center_id) | Q(center__isnull=True)\n"
                     "case = Case(center_id=actor.center_id)\n"  # a new row takes the actor's center: allowed
                     "same = Case.objects.filter(center_id=person.center_id)\n")  # another object's center: allowed
    assert sorted(center_filters(tree)) == [1, 2, 3]
