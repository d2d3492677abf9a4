from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("ma-xac-thuc/", views.verify, name="verify"),
    path("dang-ky-xac-thuc/", views.enrol, name="enrol"),
    path("ma-du-phong/", views.backup_codes, name="backup_codes"),
    path("bao-mat/", views.security, name="security"),
    path("bao-mat/them-thiet-bi/", views.add_device, name="add_device"),
    path("bao-mat/xoa-thiet-bi/", views.remove_device, name="remove_device"),
    path("bao-mat/tao-ma-du-phong/", views.regenerate_codes, name="regenerate_codes"),
    path("bao-mat/doi-mat-khau/", views.change_password, name="change_password"),
]
