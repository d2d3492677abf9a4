from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    # Also answered by ops.middleware.HealthCheckMiddleware before host checks and redirects.
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.live, name="live"),
    path("van-hanh/loi-tac-vu/", views.failure_list, name="failure_list"),
    path("van-hanh/loi-tac-vu/<int:pk>/da-xu-ly/", views.failure_resolve, name="failure_resolve"),
    # benchmarks/replies_load.py; a 404 unless BENCHMARK_BARE_VIEW is set.
    path("van-hanh/benchmark-bare/", views.bare, name="bare"),
]
