"""The company's fulfilment pages under ``/fulfilment/``, and the public totals and rosters."""

from django.urls import path

from zoneportal import converters  # noqa: F401 - registers <id:…>

from . import views

app_name = "fulfilment"

urlpatterns = [
    path("", views.ledger_view, name="ledger"),
    path("account/", views.account, name="account"),
    path("offers/<id:pk>/", views.offer, name="offer"),
    path("awards/<id:pk>/acceptance/", views.acceptance, name="acceptance"),
    path("totals/", views.totals, name="totals"),
    path("rosters/", views.rosters, name="rosters"),
    path("rosters/<id:pk>/", views.roster, name="roster"),
]
