"""URLs of the matching pages (namespace ``matching``), inside the language prefixes."""

from django.urls import path

from . import match_views

app_name = "matching"

urlpatterns = [
    path("enterprise/matches/", match_views.my_matches, name="my_matches"),
    path("policies/match/", match_views.calculator, name="calculator"),
]
