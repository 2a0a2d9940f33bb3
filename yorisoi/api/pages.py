"""The pages around the API: the staff member's tokens (issue, revoke) and the documentation (Swagger UI from our
own static files, the schema)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from yorisoi.common.forms import apply_japanese_required_messages
from yorisoi.common.text import CleanFormCharField
from yorisoi.privacy.policy import rule

from . import services
from .authentication import HashedTokenAuthentication, VerifiedSessionAuthentication
from .models import ApiToken
from .permissions import FollowsPolicyRule


class TokenForm(forms.Form):
    name = CleanFormCharField(label="用途", max_length=100, help_text="例：市の統計システムとの連携")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_japanese_required_messages(self)


@rule("api.tokens")
def tokens(request):
    """Own tokens; a new one is shown once, right after it is issued."""
    may_hold = services.may_hold_token(request.user)
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST":
        if not may_hold:
            raise PermissionDenied
        if form.is_valid():
            try:
                _, issued = services.issue_token(actor=request.user, name=form.cleaned_data["name"],
                                                 request=request)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                form = TokenForm()
    own = ApiToken.objects.filter(staff=request.user)
    return render(request, "api/tokens.html", {"form": form, "issued": issued, "tokens": own,
                                               "may_hold": may_hold}, status=201 if issued else 200)


@rule("api.tokens")
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.select_related("staff"), pk=pk, staff=request.user)
    services.revoke_token(actor=request.user, token=token, request=request)
    messages.success(request, f"トークン {token.prefix}… を失効させました。")
    return redirect("api:tokens")


class _Docs:
    rules = {"*": "api.docs"}
    authentication_classes = [HashedTokenAuthentication, VerifiedSessionAuthentication]
    permission_classes = [IsAuthenticated, FollowsPolicyRule]


class SchemaView(_Docs, SpectacularAPIView):
    """The schema of this version, in Japanese: no ?lang= or ?version= to read (query values go through QueryForms)."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        generator = self.generator_class(urlconf=self.urlconf, api_version=self.api_version, patterns=self.patterns)
        return Response(generator.get_schema(request=request, public=self.serve_public),
                        headers={"Content-Disposition": 'inline; filename="yorisoi-api.yaml"'})


class DocsView(_Docs, SpectacularSwaggerSplitView):
    """Swagger UI: the page, and with ?script its start script (a file of its own, so CSP needs no inline script)."""

    title = "寄り添い API"
    template_name = "api/swagger_ui.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if "script" in request.GET:
            return Response({
                "schema_url": reverse("api:schema"),
                "settings": self._dump(spectacular_settings.SWAGGER_UI_SETTINGS),
                "oauth2_config": self._dump(spectacular_settings.SWAGGER_UI_OAUTH2_CONFIG),
                "csrf_header_name": self._get_csrf_header_name(),
                "schema_auth_names": self._dump(self._get_schema_auth_names()),
            }, template_name=self.template_name_js, content_type="application/javascript")
        return Response({
            "title": self.title,
            "swagger_ui_css": self._swagger_ui_resource("swagger-ui.css"),
            "swagger_ui_bundle": self._swagger_ui_resource("swagger-ui-bundle.js"),
            "swagger_ui_standalone": self._swagger_ui_resource("swagger-ui-standalone-preset.js"),
            "favicon_href": self._swagger_ui_favicon(),
            "script_url": reverse("api:docs") + "?script=",
        }, template_name=self.template_name)
