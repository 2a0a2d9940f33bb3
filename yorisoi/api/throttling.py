from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class StaffRateThrottle(UserRateThrottle):
    """Requests per staff member (YORISOI_API_RATE, e.g. "600/hour"), read when the request comes, so a setting
    changed for a test or by the operator applies."""

    def get_rate(self):
        return getattr(settings, "YORISOI_API_RATE", "600/hour")
