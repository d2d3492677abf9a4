from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import LoginView
from conferences import views as conference_views

handler400 = "config.uploads.bad_request"  # too large a request: the 413 page

urlpatterns = [
    path("", conference_views.dashboard, name="dashboard"),
    path("dang-nhap/", LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ke-hoach/", include("conferences.urls")),
    path("danh-ba/", include("directory.urls")),
    path("van-ban/", include("documents.urls")),
    path("quy-trinh/", include("workflow.urls")),
    path("chi-so/", include("indices.urls")),
    path("giay-moi/", include("invitations.urls")),
    path("tham-luan/", include("contributions.urls")),
    path("tai-khoan/", include("accounts.urls")),
    path("nhat-ky-bao-mat/", include("audit.urls")),
    # One login page, with its lockout and second factor, for the admin too.
    path("quan-tri/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("quan-tri/", admin.site.urls),
    path("", include("ops.urls")),
]

handler500 = "config.errors.server_error"
