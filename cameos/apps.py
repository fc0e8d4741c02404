from django.apps import AppConfig


class CameosConfig(AppConfig):
    name = "cameos"

    def ready(self) -> None:
        from accounts.services import register_user_media_collector
        from cameos.services import user_cameo_media

        # Account deletion removes the cameo files; the data export includes them.
        register_user_media_collector(user_cameo_media)
