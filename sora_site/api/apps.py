from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sora_site.api"
    label = "api"
    verbose_name = "Public API"
