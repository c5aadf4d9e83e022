"""URLs of the policy search (namespace ``search``), inside the language prefixes."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("policies/search/", views.search, name="search"),
    path("policies/suggest/", views.suggest, name="suggest"),
]
