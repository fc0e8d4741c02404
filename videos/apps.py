from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"

    def ready(self) -> None:
        from accounts.services import (
            register_user_data_exporter,
            register_user_delete_listener,
            register_user_media_collector,
        )
        from cameos.services import register_video_deleter, register_video_resolver
        from videos import hooks

        register_user_media_collector(hooks.user_media)
        register_user_data_exporter("videos", hooks.user_videos_export)
        register_user_delete_listener(hooks.user_remixes_uncount)
        register_video_resolver(hooks.appearance_cards)
        register_video_deleter(hooks.appearance_video_delete)
