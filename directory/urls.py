from django.urls import path, re_path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("to-chuc/", views.organisation_list, name="organisation_list"),
    path("to-chuc/them/", views.organisation_create, name="organisation_create"),
    path("to-chuc/tim/", views.organisation_search, name="organisation_search"),
    path("to-chuc/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("to-chuc/<int:pk>/sua/", views.organisation_update, name="organisation_update"),
    path("to-chuc/<int:pk>/xoa/", views.organisation_delete, name="organisation_delete"),
    path("nguoi/", views.person_list, name="person_list"),
    path("nguoi/them/", views.person_create, name="person_create"),
    path("nguoi/tim/", views.person_search, name="person_search"),
    path("nguoi/<int:pk>/sua/", views.person_update, name="person_update"),
    path("nguoi/<int:pk>/xoa/", views.person_delete, name="person_delete"),
    path("don-vi-hanh-chinh/", views.unit_list, name="unit_list"),
    path("don-vi-hanh-chinh/tim/", views.unit_search, name="unit_search"),
    re_path(r"^nhap/(?P<kind>to-chuc|ca-nhan)/$", views.import_upload, name="import_upload"),
    re_path(r"^nhap/(?P<kind>to-chuc|ca-nhan)/(?P<token>[\w-]+)/$", views.import_preview, name="import_preview"),
    re_path(r"^nhap/(?P<kind>to-chuc|ca-nhan)/mau\.(?P<extension>csv|xlsx)$", views.import_template, name="import_template"),
]
