"""The "Question editors" group: staff who keep the question bank, and nothing else.

Created by a data migration; ``editor_group_sync`` can be run again at any time (it
makes the group's permissions exactly ``EDITOR_PERMISSIONS``).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITOR_GROUP_NAME = "Question editors"

# (app_label, codename)
EDITOR_PERMISSIONS = [
    *(
        ("questions", f"{action}_{model}")
        for model in ("question", "tag", "bank")
        for action in ("add", "change", "view", "delete")
    ),
    ("questions", "view_historicalquestion"),
]


def editor_group_sync(apps=global_apps):
    """Create or correct the editors group; ``apps`` may be a migration's historical apps."""
    for app_config in apps.get_app_configs():
        if app_config.label in {"questions", "auth", "contenttypes"}:
            # Permissions are normally created after migrate; make sure they exist now.
            had_module = getattr(app_config, "models_module", None)
            app_config.models_module = had_module or True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = had_module
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=EDITOR_GROUP_NAME)
    permissions = []
    for app_label, codename in EDITOR_PERMISSIONS:
        permissions.append(
            permission_model.objects.get(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(permissions)
    return group
