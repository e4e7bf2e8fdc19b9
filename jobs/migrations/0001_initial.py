# ProcessingJob moved here from the kalpla app. Its table keeps its name (Meta.db_table), so
# this migration only takes the model over in Django's state; the content type (and with it
# the permissions and admin log entries) moves to the new app label.

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("processingjob",)


def content_types_forward(apps, schema_editor):
    _move_content_types(apps, schema_editor, old="kalpla", new="jobs")


def content_types_backward(apps, schema_editor):
    _move_content_types(apps, schema_editor, old="jobs", new="kalpla")


def _move_content_types(apps, schema_editor, *, old, new):
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            ContentType.objects.using(db).filter(app_label=old, model=model).update(
                app_label=new
            )
    CurrentContentType.objects.clear_cache()


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("kalpla", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProcessingJob",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(db_index=True, max_length=64, verbose_name="kind")),
                        ("key", models.CharField(max_length=255, unique=True, verbose_name="idempotency key")),
                        ("object_id", models.CharField(blank=True, max_length=64)),
                        ("params", models.JSONField(blank=True, default=dict, verbose_name="parameters")),
                        ("result", models.JSONField(blank=True, default=dict, verbose_name="result")),
                        ("status", models.CharField(choices=[("pending", "Pending"), ("running", "Running"), ("succeeded", "Succeeded"), ("failed", "Failed")], db_index=True, default="pending", max_length=16, verbose_name="status")),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="attempts")),
                        ("error", models.TextField(blank=True, verbose_name="error")),
                        ("external_id", models.CharField(blank=True, max_length=255, verbose_name="external id")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("content_type", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype")),
                    ],
                    options={
                        "verbose_name": "processing job",
                        "verbose_name_plural": "processing jobs",
                        "db_table": "kalpla_processingjob",
                        "ordering": ("-created_at",),
                        "indexes": [models.Index(fields=["content_type", "object_id", "kind"], name="kalpla_proc_content_9042ff_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
