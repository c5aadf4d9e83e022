"""The admin home: one panel with the work waiting for the signed-in member of staff."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from zoneportal.admin_home import work_for


class WorkToDoPanel(Component):
    name = "work_to_do"
    template_name = "wagtailadmin/home/work_to_do.html"
    order = 50  # first: above Wagtail's own panels

    def __init__(self, items):
        self.items = items

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["items"] = self.items
        context["nothing_waiting"] = not any(item.waiting for item in self.items)
        return context


@hooks.register("construct_homepage_panels")
def add_work_to_do(request, panels):
    items = work_for(request.user)
    if items:
        panels.append(WorkToDoPanel(items))
