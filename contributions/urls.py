from django.urls import path

from . import views

app_name = "contributions"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/cho-phep-nop-muon/", views.allow_late, name="allow_late"),
    path("tep/<int:pk>/", views.file_download, name="file_download"),
    path("ke-hoach/<int:plan>/", views.board, name="board"),
    path("ke-hoach/<int:plan>/cap-nhat-yeu-cau/", views.sync, name="sync"),
    path("ke-hoach/<int:plan>/tai-lieu/", views.booklet_build, name="booklet_build"),
    path("ke-hoach/<int:plan>/tai-lieu/trang-thai/", views.booklet_status, name="booklet_status"),
    path("ke-hoach/<int:plan>/tai-lieu/tai-ve/", views.booklet_download, name="booklet_download"),
    path("ke-hoach/<int:plan>/thong-bao-ket-luan/", views.conclusion_new, name="conclusion_new"),
    path("thong-bao-ket-luan/<int:pk>/gui/", views.conclusion_send, name="conclusion_send"),
]
