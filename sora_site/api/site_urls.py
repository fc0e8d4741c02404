from __future__ import annotations

from django.urls import path

from sora_site.api import site_views

app_name = "api_site"

urlpatterns = [
    path("settings/tokens/", site_views.tokens, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke", site_views.token_revoke, name="token_revoke"),
    path("settings/apps/", site_views.authorized_apps, name="authorized_apps"),
    path(
        "settings/apps/<int:application_id>/revoke",
        site_views.authorized_app_revoke,
        name="authorized_app_revoke",
    ),
    path("developers/apps/", site_views.developer_apps, name="developer_apps"),
    path("developers/apps/new", site_views.developer_app_new, name="developer_app_new"),
    path(
        "developers/apps/<int:application_id>/delete",
        site_views.developer_app_delete,
        name="developer_app_delete",
    ),
]
