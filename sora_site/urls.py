from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from oauth2_provider.urls import base_urlpatterns as oauth2_base_urls

from accounts import views as accounts_views
from sora_site import views
from sora_site.admin_login import admin_login
from videos.verify_views import verify_check_page, verify_page

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # The installable web app (sora_site/pwa.py): the worker at the root so its scope is "/".
    path("manifest.webmanifest", views.web_manifest, name="web-manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline, name="offline"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("verify", verify_page, name="verify"),
    path("verify/<uuid:check_id>", verify_check_page, name="verify-check"),
    # Before admin's own login: sign-in goes through allauth's rate limits (admin_login.py).
    path(f"{settings.ADMIN_URL}login/", admin_login, name="admin-login"),
    path(settings.ADMIN_URL, admin.site.urls),
    # Before allauth's own: the same signup, with invite codes (accounts/invites.py).
    path("accounts/signup/", accounts_views.signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("cameos.urls")),
    path("", include("videos.urls")),
    path("", include("feed.urls")),
    path("", include("moderation.urls")),
    # Public API (issue 10): endpoints, schema and docs; the OAuth2 server; its HTML pages.
    path("api/", include("sora_site.api.urls")),
    # OpenAI-compatible Videos API (issue 22): the same services, tokens and rules as /api/v1/.
    path("v1/", include("sora_site.api.openai_compat.urls")),
    path("oauth/", include((oauth2_base_urls, "oauth2_provider"))),
    path("", include("sora_site.api.site_urls")),
]
