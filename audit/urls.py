from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("xuat.csv", views.export_csv, name="export_csv"),
    path("xuat.xlsx", views.export_xlsx, name="export_xlsx"),
]
