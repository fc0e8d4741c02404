from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "feed"

    def ready(self) -> None:
        from feed.services import remix_count_add
        from videos.services.remix import register_remix_count_listener

        register_remix_count_listener(remix_count_add)
