"""「一覧で表示」: the persons a list page showed, one row each, for the access-log row of that page view. On
PostgreSQL the table is append-only in the database itself, like privacy_accesslog (migration 0006)."""

import django.db.models.deletion
from django.db import migrations, models

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION privacy_accesslogperson_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_accesslogperson is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS privacy_accesslogperson_append_only ON privacy_accesslogperson;
CREATE TRIGGER privacy_accesslogperson_append_only BEFORE UPDATE OR DELETE ON privacy_accesslogperson
    FOR EACH ROW EXECUTE FUNCTION privacy_accesslogperson_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS privacy_accesslogperson_append_only ON privacy_accesslogperson;
DROP FUNCTION IF EXISTS privacy_accesslogperson_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)  # no placeholders: RAISE uses a literal %


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0011_date_rule'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessLogPerson',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('person_id_value', models.BigIntegerField(verbose_name='対象者ID')),
                ('log', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='listed', to='privacy.accesslog', verbose_name='アクセスログ')),
            ],
            options={
                'verbose_name': '一覧で表示した対象者',
                'verbose_name_plural': '一覧で表示した対象者',
                'indexes': [models.Index(fields=['person_id_value', 'log'], name='accesslogperson_person')],
                'constraints': [models.UniqueConstraint(fields=('log', 'person_id_value'), name='accesslogperson_once')],
            },
        ),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
