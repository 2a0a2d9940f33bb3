"""Indexes for the audit screens on a log of millions of rows: one center's rows newest first (the audit screen,
with or without a date range), one person's rows (「この記録を見た人」), one staff member's rows. They replace the
single-column indexes on center and person (prefixes of the new ones) and the two older person/staff indexes.

Every page view inserts into this table, so on PostgreSQL the indexes are built with CREATE INDEX CONCURRENTLY
(no write lock while they are built; hence a non-atomic migration), and the old ones are dropped only after."""

from django.conf import settings
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("privacy", "0007_access_log_chain_per_center"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="accesslog",
            index=models.Index(fields=["center_id_value", "-at", "-id"], name="accesslog_center_at"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="accesslog",
            index=models.Index(fields=["person_id_value", "-at", "-id"], name="accesslog_person_at"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="accesslog",
            index=models.Index(fields=["staff", "-at", "-id"], name="accesslog_staff_at"),
        ),
        migrations.RemoveIndex(model_name="accesslog", name="privacy_acc_person__b6dab5_idx"),
        migrations.RemoveIndex(model_name="accesslog", name="privacy_acc_staff_i_972eaa_idx"),
        migrations.AlterField(
            model_name="accesslog",
            name="center_id_value",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="センターID"),
        ),
        migrations.AlterField(
            model_name="accesslog",
            name="person_id_value",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="対象者ID"),
        ),
    ]
