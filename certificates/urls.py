"""Certificate URLs: the public check and the company's downloads (both under i18n prefixes)."""

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_start, name="verify_start"),
    path("verify/<str:number>", views.verify, name="verify"),
    path("enterprise/certificates/", views.mine, name="mine"),
    path("enterprise/certificates/<str:number>.pdf", views.download, name="download"),
]
