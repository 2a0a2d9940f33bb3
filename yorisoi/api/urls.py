"""/api/…: each URL carries the policy rule of its GET (the authorization matrix walks them); the rules of the other
methods are on the view (`rules`) and checked by permissions.FollowsPolicyRule."""

from django.urls import path

from . import pages, views

app_name = "api"


def _marked(view_class, actions: dict | None = None):
    view = view_class.as_view(actions) if actions else view_class.as_view()
    get_action = (actions or {}).get("get") or (actions or {}).get("post", "get")  # a POST-only URL: its action
    view._policy_rule = view_class.rules.get(get_action) or view_class.rules["*"]
    return view


def _resource(prefix: str, viewset, basename: str, *, writable: bool) -> list:
    collection = {"get": "list", **({"post": "create"} if writable else {})}
    item = {"get": "retrieve", **({"put": "update", "patch": "partial_update"} if writable else {})}
    return [
        path(f"{prefix}/", _marked(viewset, collection), name=f"{basename}-list"),
        path(f"{prefix}/<int:pk>/", _marked(viewset, item), name=f"{basename}-detail"),
    ]


urlpatterns = [
    *_resource("persons", views.PersonViewSet, "persons", writable=True),
    *_resource("cases", views.CaseViewSet, "cases", writable=True),
    *_resource("records", views.ActivityViewSet, "records", writable=True),
    *_resource("follow-ups", views.FollowUpViewSet, "follow-ups", writable=True),
    path("follow-ups/<int:pk>/complete/", _marked(views.FollowUpViewSet, {"post": "complete"}),
         name="follow-ups-complete"),
    *_resource("organizations", views.OrganizationViewSet, "organizations", writable=False),
    *_resource("meetings", views.MeetingViewSet, "meetings", writable=False),
    path("statistics/", _marked(views.StatisticsView), name="statistics"),
    path("schema/", _marked(pages.SchemaView), name="schema"),
    path("docs/", _marked(pages.DocsView), name="docs"),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
]
