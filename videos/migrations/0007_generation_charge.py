import datetime

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def charges_from_recent_jobs(apps, schema_editor):
    """Jobs of the last day become charges, so upgrading does not hand out a fresh quota."""
    job_model = apps.get_model("videos", "GenerationJob")
    charge_model = apps.get_model("videos", "GenerationCharge")
    since = django.utils.timezone.now() - datetime.timedelta(days=1)
    recent = job_model.objects.filter(created_at__gte=since).values_list(
        "pk", "owner_id", "created_at", "video__parent_id"
    )
    charge_model.objects.bulk_create(
        charge_model(
            user_id=owner_id,
            job_id=job_id,
            created_at=created_at,
            kind="remix" if parent_id else "new",
        )
        for job_id, owner_id, created_at, parent_id in recent.iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("videos", "0006_job_enqueue_pending"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="GenerationCharge",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("new", "New video"), ("remix", "Remix"), ("retry", "Retry")],
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "job",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="charges",
                        to="videos.generationjob",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="generation_charges",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["user", "created_at"], name="charge_user_created")
                ],
            },
        ),
        migrations.RunPython(charges_from_recent_jobs, migrations.RunPython.noop),
    ]
