"""The Django admin, for system operators only: superusers who have passed two-factor.

Center staff (directors included) work in yorisoi's own pages, where the policy module scopes every
query to their center; the admin sees every center, so `is_staff` alone must never open it.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


class YorisoiAdminSite(admin.AdminSite):
    site_header = "寄り添い システム管理"
    site_title = "寄り添い システム管理"
    index_title = "システム管理（システム管理者専用）"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser and user.is_verified())

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            # A logged-in user without the right is refused outright rather than shown the admin's log-in.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        # One way in for everybody: yorisoi's log-in page, with lock-out, access log and two-factor.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))

