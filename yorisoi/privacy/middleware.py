"""Turns a `BreakGlassRequired` raised by any view (through get_person_or_404 / get_case_or_404) into the
break-the-glass page, so the policy itself never renders a page."""

from .policy import BreakGlassRequired
from .views import break_glass_page


class BreakGlassMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BreakGlassRequired):
            return break_glass_page(request, exception)
        return None
