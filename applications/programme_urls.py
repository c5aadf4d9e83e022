"""Every programme (申报项目) at a glance, under ``/programmes/``: public."""

from django.urls import path

from . import public_views

app_name = "programmes"

urlpatterns = [
    path("", public_views.programme_list, name="list"),
]
