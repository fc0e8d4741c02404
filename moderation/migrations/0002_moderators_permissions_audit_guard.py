"""Grant the Moderators group its permissions, and make the audit log append-only in
PostgreSQL itself (a trigger refuses UPDATE and DELETE; other databases rely on the model)."""

from django.db import migrations

MODERATORS = "Moderators"
# Moderators decide through services (admin actions); "change" is what those actions require.
FULL = ["case", "appeal"]
VIEW_ONLY = [
    "report", "moderationaction", "moderationdecisionrecord", "contentrestriction",
    "accountstanding", "auditlogentry",
]

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION moderation_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'moderation_auditlogentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS moderation_auditlog_append_only ON moderation_auditlogentry;
CREATE TRIGGER moderation_auditlog_append_only
    BEFORE UPDATE OR DELETE ON moderation_auditlogentry
    FOR EACH ROW EXECUTE FUNCTION moderation_auditlog_refuse_change();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS moderation_auditlog_append_only ON moderation_auditlogentry;
DROP FUNCTION IF EXISTS moderation_auditlog_refuse_change();
"""


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make this app's exist now.
    app_config = apps.get_app_config("moderation")
    app_config.models_module = True  # the migration state's stub has none; the function needs one
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    codenames = [f"{verb}_{m}" for m in FULL for verb in ("view", "change")]
    codenames += [f"view_{m}" for m in VIEW_ONLY]
    perms = Permission.objects.filter(content_type__app_label="moderation", codename__in=codenames)
    group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=MODERATORS).first()
    if group is not None:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="moderation")
        )


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)  # no placeholders: "%" is plpgsql's


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("accounts", "0002_moderators_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
