"""Create the staff groups, their rights, and the moderation workflow for site content.

Editors may add and change pages under the home page but not publish them; approvers may
publish. The workflow ("an editor submits, an approver publishes") covers the whole site.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from policies.roles import (
    APPLICATION_REVIEWERS,
    ENTERPRISE_VERIFIERS,
    POLICY_APPROVERS,
    POLICY_EDITORS,
    WORKFLOW_NAME,
)

PAGE_RIGHTS = {
    POLICY_EDITORS: ["add_page", "change_page"],
    POLICY_APPROVERS: ["add_page", "change_page", "publish_page", "unlock_page", "lock_page"],
}
COLLECTION_RIGHTS = {
    POLICY_EDITORS: ["add_document", "change_document", "choose_document",
                     "add_image", "change_image", "choose_image"],
    POLICY_APPROVERS: ["add_document", "change_document", "choose_document", "delete_document",
                       "add_image", "change_image", "choose_image", "delete_image"],
}
MODEL_RIGHTS = {
    POLICY_EDITORS: [("cms", "add_newscategory"), ("cms", "change_newscategory")],
    POLICY_APPROVERS: [
        ("cms", "add_newscategory"), ("cms", "change_newscategory"),
        ("policies", "add_department"), ("policies", "change_department"),
    ],
    APPLICATION_REVIEWERS: [],
    ENTERPRISE_VERIFIERS: [],
}


def ensure_permissions(apps):
    """Permissions are normally created after migrate; rights below need them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    home = Page.objects.filter(depth=2).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).first()

    groups = {}
    for name, rights in MODEL_RIGHTS.items():
        group, _created = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(access_admin)
        for app_label, codename in rights:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )

    for name, codenames in PAGE_RIGHTS.items():
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=groups[name], page=home, permission=permission
            )

    for name, codenames in COLLECTION_RIGHTS.items():
        for codename in codenames:
            app_label = "wagtaildocs" if codename.endswith("document") else "wagtailimages"
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            GroupCollectionPermission.objects.get_or_create(
                group=groups[name], collection=root_collection, permission=permission
            )

    task_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(
        name="政策审核发布 Approval by policy approvers", content_type=task_type, active=True
    )
    task.groups.set([groups[POLICY_APPROVERS]])
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0002_departments_and_index"),
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
