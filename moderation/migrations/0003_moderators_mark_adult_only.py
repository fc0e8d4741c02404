"""Let the Moderators group mark and clear videos as adult-only from the video admin: those
actions require change permission on videos (and seeing the list, view permission)."""

from django.db import migrations

MODERATORS = "Moderators"
CODENAMES = ["view_video", "change_video"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make the videos app's exist now.
    app_config = apps.get_app_config("videos")
    app_config.models_module = True  # the migration state's stub has none; the function needs one
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    perms = Permission.objects.filter(content_type__app_label="videos", codename__in=CODENAMES)
    group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=MODERATORS).first()
    if group is not None:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="videos", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_moderators_permissions_audit_guard"),
        ("videos", "0003_video_adult_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
