"""Response headers shared by every page."""

from django.utils.cache import add_never_cache_headers


class NoStoreForAuthenticatedMiddleware:
    """Every response to a logged-in user may carry personal data: no browser or proxy may keep a copy
    (`Cache-Control: no-store, private`, also on redirects and error pages). Static files never get here
    (whitenoise answers them first). A response that already says no-store keeps its own header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
