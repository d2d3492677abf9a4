from django.urls import path

from . import views, views_editor

app_name = "conferences"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("moi/", views_editor.plan_new, name="plan_new"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/sua/", views_editor.plan_edit, name="plan_edit_start"),
    path("<int:pk>/sua/<slug:part>/", views_editor.plan_edit, name="plan_edit"),
]
