# ModerationItem moved here from the kalpla app. Its table keeps its name (Meta.db_table), so
# this migration only takes the model over in Django's state; the content type (and with it
# the permissions and admin log entries) moves to the new app label.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("moderationitem",)


def content_types_forward(apps, schema_editor):
    _move_content_types(apps, schema_editor, old="kalpla", new="moderation")


def content_types_backward(apps, schema_editor):
    _move_content_types(apps, schema_editor, old="moderation", new="kalpla")


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
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ModerationItem",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("object_id", models.CharField(max_length=64)),
                        ("reason", models.CharField(choices=[("toxic", "Toxic language"), ("pii", "Personal data"), ("image_unsafe", "Unsafe image"), ("image_unchecked", "Image not checked automatically"), ("reported", "Reported by a user"), ("other", "Other")], max_length=32, verbose_name="reason")),
                        ("detail", models.TextField(blank=True, verbose_name="detail")),
                        ("score", models.FloatField(blank=True, null=True, verbose_name="score")),
                        ("labels", models.JSONField(blank=True, default=list, verbose_name="labels")),
                        ("source", models.CharField(default="auto", max_length=32, verbose_name="source")),
                        ("status", models.CharField(choices=[("pending", "Waiting for review"), ("approved", "Approved"), ("rejected", "Rejected")], db_index=True, default="pending", max_length=16, verbose_name="status")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_note", models.TextField(blank=True, verbose_name="decision note")),
                        ("content_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype")),
                        ("decided_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="moderation_decisions", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "moderation item",
                        "verbose_name_plural": "moderation queue",
                        "db_table": "kalpla_moderationitem",
                        "ordering": ("status", "-created_at"),
                        "indexes": [models.Index(fields=["content_type", "object_id"], name="kalpla_mode_content_746b1c_idx")],
                        "constraints": [models.UniqueConstraint(condition=models.Q(("status", "pending")), fields=("content_type", "object_id", "reason"), name="moderation_one_pending_per_reason")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
