from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from sora_site import pwa
from sora_site.health import run_checks


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people land in their feed; visitors see what the site is."""
    if request.user.is_authenticated:
        return redirect("feed:feed")
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


# --- The installable web app (sora_site/pwa.py) ----------------------------------------------


@cache_control(public=True, max_age=300)
@require_GET
def web_manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(pwa.manifest(), content_type="application/manifest+json")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """At the root, so its scope is the whole site; revalidated on every update check."""
    source = render_to_string("pwa/sw.js", pwa.service_worker_context())
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when a page cannot be fetched (it stores it signed out)."""
    return render(request, "pwa/offline.html")


@cache_control(public=True, max_age=3600)
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages without an icon link (JSON, media)."""
    return redirect(static(f"{pwa.ICON_DIR}/favicon.ico"))
