from django.urls import path, re_path

from . import views

app_name = "inbox"
urlpatterns = [
    path("", views.index, name="index"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/token/", views.feed_token, name="feed_token"),
    path("feed/revoke/", views.feed_revoke, name="feed_revoke"),
    # token_urlsafe(32): 43 characters of [A-Za-z0-9_-]; a little room either way, nothing else matches.
    re_path(r"^feed/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$", views.feed_ics, name="feed"),
]
