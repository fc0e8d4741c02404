from django.urls import path, re_path

from accounts import views
from sora_site.core.converters import HandleConverter

app_name = "accounts"

urlpatterns = [
    # /@handle is the public profile; the trailing slash is optional.
    re_path(rf"^@(?P<handle>{HandleConverter.regex})/?$", views.profile, name="profile"),
    # Avatar files have server-made random names that are never reused: cacheable forever.
    re_path(r"^avatars/(?P<name>[0-9a-f]{32}\.webp)$", views.avatar, name="avatar"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/profile/", views.settings_profile, name="settings_profile"),
    path("settings/export/", views.settings_export, name="settings_export"),
    path("settings/invites/", views.settings_invites, name="settings_invites"),
    path("waitlist/", views.waitlist, name="waitlist"),
    path("settings/delete/", views.settings_delete, name="settings_delete"),
    path("notifications/", views.notifications, name="notifications"),
]
