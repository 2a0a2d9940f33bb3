"""Indexes for the audit screens on a log of millions of rows: one center's rows newest first (the audit screen,
with or without a date range), one center's rows of one action (拒否, 緊急閲覧, エクスポート: rare, so a scan by
time alone would read the whole log), one person's rows (「この記録を見た人」), one staff member's rows. They replace
the single-column indexes on center, person and staff (prefixes of the new ones), the two older person/staff
indexes, and the text-pattern index PostgreSQL kept beside the unique index of row_hash (never searched with LIKE;
the unique index itself stays, now declared as a constraint of the same name).

Every page view inserts into this table, so on PostgreSQL the indexes are built with CREATE INDEX CONCURRENTLY
(no write lock while they are built; hence a non-atomic migration), and the old ones are dropped only after."""

from django.conf import settings
import django.db.models.deletion
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)


def _drop_row_hash_like_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    AccessLog = apps.get_model("privacy", "AccessLog")
    name = schema_editor._create_index_name(AccessLog._meta.db_table, ["row_hash"], suffix="_like")
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")


def _restore_row_hash_like_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    AccessLog = apps.get_model("privacy", "AccessLog")
    table = AccessLog._meta.db_table
    name = schema_editor._create_index_name(table, ["row_hash"], suffix="_like")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {schema_editor.quote_name(name)} "
                          f"ON {schema_editor.quote_name(table)} (row_hash varchar_pattern_ops)")


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
            index=models.Index(fields=["center_id_value", "action", "-at", "-id"], name="accesslog_center_action_at"),
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
            migrations.AlterField(
            model_name="accesslog",
            name="staff",
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="職員"),
        ),
        # The unique index stays as it is (PostgreSQL named it privacy_accesslog_row_hash_key, as the constraint is
        # named now); only the state changes, and the LIKE index goes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="accesslog", name="row_hash",
                                      field=models.CharField(max_length=64)),
                migrations.AddConstraint(
                    model_name="accesslog",
                    constraint=models.UniqueConstraint(fields=("row_hash",), name="privacy_accesslog_row_hash_key"),
                ),
            ],
            database_operations=[migrations.RunPython(_drop_row_hash_like_index, _restore_row_hash_like_index)],
        ),
    ]
