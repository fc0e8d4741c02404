from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from sora_site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("cameos.urls")),
    path("", include("videos.urls")),
    path("", include("feed.urls")),
]
