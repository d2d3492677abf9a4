from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("ke-hoach/<int:pk>/chuyen/<slug:slug>/", views.transition, name="transition"),
    path("ke-hoach/<int:pk>/nguoi-duyet/", views.review_chain, name="review_chain"),
    path("ke-hoach/<int:pk>/y-kien/", views.add_comment, name="comment"),
    path("ke-hoach/<int:pk>/lan-trinh/<int:number>/", views.version_detail, name="version"),
    path("ke-hoach/<int:pk>/ban-phat-hanh/", views.issued_download, name="issued_download"),
    path("ke-hoach/<int:pk>/dinh-chinh/", views.start_correction, name="correction"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("kiem-tra-chu-ky/", views.verify, name="verify"),
]
