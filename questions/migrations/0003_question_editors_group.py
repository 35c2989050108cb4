from django.db import migrations


def create_editor_group(apps, schema_editor):
    from questions.admin_editors import editor_group_sync

    editor_group_sync(apps)


def remove_editor_group(apps, schema_editor):
    from questions.admin_editors import EDITOR_GROUP_NAME

    apps.get_model("auth", "Group").objects.filter(name=EDITOR_GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("questions", "0002_attempt_reviewed"),
    ]

    operations = [migrations.RunPython(create_editor_group, remove_editor_group)]
