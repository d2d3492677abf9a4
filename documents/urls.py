from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("ke-hoach/<int:plan_id>/<slug:kind>/<slug:file_format>/", views.request_rendering, name="render"),
    path("<int:pk>/trang-thai/", views.rendering_status, name="status"),
    path("<int:pk>/tai-ve/", views.download, name="download"),
]
