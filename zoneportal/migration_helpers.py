"""Helpers for data migrations (given the historical ``apps``; never the real models)."""


def move_content_types(apps, old_app: str, new_app: str, models: list[str]) -> None:
    """Point the content types (and so the permissions and admin log) of moved models to
    their new app. A fresh database has none yet: Django creates them after migrating."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in models:
        old = content_type.objects.filter(app_label=old_app, model=model).first()
        if old is None:
            continue
        if content_type.objects.filter(app_label=new_app, model=model).exists():
            old.delete()
            continue
        old.app_label = new_app
        old.save(update_fields=["app_label"])
