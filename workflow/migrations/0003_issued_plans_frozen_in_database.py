"""PostgreSQL refuses any change of an issued plan, its parts and its agenda.

Row triggers on the plan table (UPDATE, DELETE of an issued row) and on every
table holding a part of a plan (INSERT, UPDATE, DELETE of a row whose plan is
issued, before or after the change), including the many-to-many tables. The
error is SQLSTATE 23001 (restrict_violation): Django raises IntegrityError.
SQLite keeps the checks of the models (conferences.models.FrozenWhenIssued).
"""

from django.db import migrations

PLAN_TABLE = "conferences_plan"

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION workflow_refuse_issued_plan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'plan % is issued and cannot be changed', OLD.id USING ERRCODE = 'restrict_violation';
END $$;

CREATE OR REPLACE FUNCTION workflow_refuse_issued_part() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    key_column text := TG_ARGV[0];  -- column of the row that leads to the plan
    plan_query text := TG_ARGV[1];  -- '' when it is the plan id, else a query giving the plan id for $1
    row_key text;
    plan_key bigint;
BEGIN
    FOREACH row_key IN ARRAY ARRAY[
        CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) ->> key_column END,
        CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) ->> key_column END
    ] LOOP
        CONTINUE WHEN row_key IS NULL;
        IF plan_query = '' THEN
            plan_key := row_key::bigint;
        ELSE
            EXECUTE plan_query INTO plan_key USING row_key::bigint;
        END IF;
        IF EXISTS (SELECT 1 FROM {PLAN_TABLE} WHERE id = plan_key AND state = 'issued') THEN
            RAISE EXCEPTION 'plan % is issued: its parts cannot be changed', plan_key USING ERRCODE = 'restrict_violation';
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
"""

# Models holding a part of a plan: (model, column, query from that column's value to the plan id).
PARTS = [
    ("LegalBasis", "plan_id", ""),
    ("Section", "plan_id", ""),
    ("Conference", "plan_id", ""),
    ("BridgePoint", "plan_id", ""),
    ("ParticipantGroup", "plan_id", ""),
    ("AgendaItem", "plan_id", ""),
    ("TaskGroup", "plan_id", ""),
    ("DistributionLine", "plan_id", ""),
    ("Task", "group_id", "SELECT plan_id FROM conferences_taskgroup WHERE id = $1"),
]
# Many-to-many tables: (model, field, column of the owner, query from the owner to the plan id).
LINKS = [
    ("ParticipantGroup", "organisations", "participantgroup_id", "SELECT plan_id FROM conferences_participantgroup WHERE id = $1"),
    ("AgendaItem", "performer_organisations", "agendaitem_id", "SELECT plan_id FROM conferences_agendaitem WHERE id = $1"),
    ("AgendaItem", "performer_people", "agendaitem_id", "SELECT plan_id FROM conferences_agendaitem WHERE id = $1"),
    ("TaskGroup", "assignees", "taskgroup_id", "SELECT plan_id FROM conferences_taskgroup WHERE id = $1"),
    (
        "Task",
        "assignees",
        "task_id",
        "SELECT g.plan_id FROM conferences_task t JOIN conferences_taskgroup g ON g.id = t.group_id WHERE t.id = $1",
    ),
    (
        "Task",
        "coordinators",
        "task_id",
        "SELECT g.plan_id FROM conferences_task t JOIN conferences_taskgroup g ON g.id = t.group_id WHERE t.id = $1",
    ),
]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _tables(apps):
    for model_name, column, query in PARTS:
        yield apps.get_model("conferences", model_name)._meta.db_table, column, query
    for model_name, field, column, query in LINKS:
        through = apps.get_model("conferences", model_name)._meta.get_field(field).remote_field.through
        yield through._meta.db_table, column, query


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)
    schema_editor.execute(
        f"CREATE TRIGGER workflow_issued_plan_frozen BEFORE UPDATE OR DELETE ON {PLAN_TABLE} "
        "FOR EACH ROW WHEN (OLD.state = 'issued') EXECUTE FUNCTION workflow_refuse_issued_plan()"
    )
    for table, column, query in _tables(apps):
        schema_editor.execute(
            f"CREATE TRIGGER workflow_issued_part_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION workflow_refuse_issued_part({_quote(column)}, {_quote(query)})"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS workflow_issued_plan_frozen ON {PLAN_TABLE}")
    for table, _, _ in _tables(apps):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS workflow_issued_part_frozen ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS workflow_refuse_issued_part(); DROP FUNCTION IF EXISTS workflow_refuse_issued_plan();")


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_review_and_issuance"),
        ("conferences", "0004_plan_replaces"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
