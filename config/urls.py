from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from conferences import views as conference_views

urlpatterns = [
    path("", conference_views.dashboard, name="dashboard"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ke-hoach/", include("conferences.urls")),
    path("danh-ba/", include("directory.urls")),
    path("van-ban/", include("documents.urls")),
    path("quy-trinh/", include("workflow.urls")),
    path("chi-so/", include("indices.urls")),
    path("giay-moi/", include("invitations.urls")),
    path("tham-luan/", include("contributions.urls")),
    path("quan-tri/", admin.site.urls),
    path("", include("ops.urls")),
]
