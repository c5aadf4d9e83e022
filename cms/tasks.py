"""Celery tasks of the CMS."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="cms.tasks.publish_scheduled_pages", ignore_result=True)
def publish_scheduled_pages():
    """Publish pages whose scheduled time has come and unpublish expired ones (run by beat)."""
    call_command("publish_scheduled")
