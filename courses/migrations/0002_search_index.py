"""GIN index for catalogue search, on PostgreSQL only.

The indexed expression is built by Django from the same ``SearchVector`` the search service
filters with, so the two stay identical. SQLite gets nothing: its search is a plain
case-insensitive match.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "course_search_document_gin"


def _index() -> GinIndex:
    return GinIndex(SearchVector("search_document", config="simple"), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("courses", "Course"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("courses", "Course"), _index())


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
