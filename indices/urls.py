from django.urls import path, re_path

from . import views

app_name = "indices"

urlpatterns = [
    path("", views.home, name="home"),
    path("bang/moi/", views.edition_create, name="edition_create"),
    path("bang/<int:pk>/", views.edition_table, name="edition_table"),
    path("bang/<int:pk>/cau-truc/", views.edition_structure, name="edition_structure"),
    path("bang/<int:pk>/nhap/", views.import_upload, name="import_upload"),
    path("bang/<int:pk>/nhap/<str:token>/", views.import_preview, name="import_preview"),
    re_path(r"^bang/(?P<pk>\d+)/mau\.(?P<extension>csv|xlsx)$", views.import_template, name="import_template"),
    path("don-vi/<int:unit>/<slug:index>/", views.unit_profile, name="unit_profile"),
    path("don-vi/<int:unit>/<slug:index>/cai-thien/", views.improvement_new, name="improvement_new"),
    path("so-sanh/", views.compare, name="compare"),
    path("phan-cong/<int:province>/", views.responsibilities, name="responsibilities"),
    path("ke-hoach/<int:plan>/chen-nhan-dinh/", views.insert_sentences, name="insert_sentences"),
    path("tien-do/", views.progress_dashboard, name="progress_dashboard"),
    path("tien-do/nhiem-vu/<int:task>/", views.progress_report, name="progress_report"),
    path("tien-do/bao-cao/<int:pk>/tep/", views.progress_attachment, name="progress_attachment"),
    re_path(r"^tien-do/xuat\.(?P<extension>xlsx|pdf)$", views.progress_export, name="progress_export"),
]
