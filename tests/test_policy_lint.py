"""Project rule: who may do what is decided in the policy (yorisoi/privacy), not by role comparisons written by
hand in the apps. The scan reads every module (imports inside functions too) and fails on a comparison with a
user's role or on a role named outside the places that define staff."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "yorisoi"
ROLE_NAMES = {"DIRECTOR", "WORKER", "CLERK", "AUDITOR"}
ROLE_VALUES = {"director", "worker", "clerk", "auditor"}
# The policy itself; the staff model (its field and the is_director… properties templates read); the fictional
# demo and benchmark staff, which are created with a role.
ALLOWED = ("privacy/", "accounts/models.py", "accounts/demo.py", "partners/demo.py", "operations/",
           "reports/management/commands/bench_export.py")


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative.startswith(ALLOWED):
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


def test_no_app_decides_by_role_outside_the_policy():
    found = [f"{name}:{line}" for name, tree in _modules() for line in role_decisions(tree)]
    assert found == [], "role decisions outside privacy/policy: " + ", ".join(found)


def test_the_scan_finds_a_hand_written_role_check():
    tree = ast.parse("def f(user):\n    return user.role == Role.DIRECTOR or user.role in ('clerk',)\n"
                     "qs = Staff.objects.filter(role='worker')\n")
    assert sorted(role_decisions(tree)) == [2, 2, 2, 3]
