"""The teen daily cap counts distinct videos watched, not videos served (issue 19).

`FeedDay.served` (videos served to the page) becomes `FeedDay.watched` (distinct videos watched
that day), with one `FeedDayVideo` row per counted video. The old served counts meant something
else and are dropped rather than renamed: a teen starts the day of the upgrade with today's full
allowance under the new rule.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feed", "0001_initial"),
        ("videos", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="feedday", name="feed_day_served_positive"),
        migrations.RemoveField(model_name="feedday", name="served"),
        migrations.AddField(
            model_name="feedday",
            name="watched",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name="feedday",
            constraint=models.CheckConstraint(
                condition=models.Q(("watched__gte", 0)), name="feed_day_watched_positive"
            ),
        ),
        migrations.CreateModel(
            name="FeedDayVideo",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "feed_day",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="videos",
                        to="feed.feedday",
                    ),
                ),
                (
                    "video",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="videos.video",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("feed_day", "video"), name="feed_day_video_once"
                    )
                ],
            },
        ),
    ]
