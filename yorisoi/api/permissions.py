"""The API's permission is the policy: each API view names its rules (view_rules.RULES) per action, exactly as
pages carry @rule; a role the rule does not admit is refused with a DENIED row in the access log."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from yorisoi.privacy.policy import RULES, account_in_force, deny_unless
from yorisoi.privacy.policy.areas import may_use_api


def rule_name(view, request) -> str:
    rules = getattr(view, "rules", None) or {}
    action = getattr(view, "action", None)
    if action is None:  # a method the URL does not map (a GET of a POST-only URL): its own action's rule, then 405
        mapped = list((getattr(view, "action_map", None) or {}).values())
        action = mapped[0] if mapped else request.method.lower()
    name = rules.get(action) or rules.get("*")
    if name is None:
        raise ValueError(f"{type(view).__name__} names no rule for {action}")
    return name


class FollowsPolicyRule(BasePermission):
    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False  # 401 (NotAuthenticated) with the token challenge
        name = rule_name(view, request)
        user = request.user
        deny_unless(request, RULES[name].admits(user) and account_in_force(user) and may_use_api(user), section=name)
        return True
