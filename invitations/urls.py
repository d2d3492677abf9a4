from django.urls import path

from . import views

app_name = "invitations"

urlpatterns = [
    path("", views.index, name="index"),
    # Organiser.
    path("ke-hoach/<int:plan_id>/", views.dashboard, name="dashboard"),
    path("ke-hoach/<int:plan_id>/nguoi-nhan/", views.recipients, name="recipients"),
    path("ke-hoach/<int:plan_id>/gui/", views.send, name="send"),
    path("ke-hoach/<int:plan_id>/thu/", views.mails, name="mails"),
    path("ke-hoach/<int:plan_id>/dai-bieu.xlsx", views.delegates_xlsx, name="delegates_xlsx"),
    path("ke-hoach/<int:plan_id>/danh-sach-ky/", views.attendance_sheet, name="attendance_sheet"),
    path("ke-hoach/<int:plan_id>/bang-ten.pdf", views.name_cards, name="name_cards"),
    path("ke-hoach/<int:plan_id>/diem-danh/", views.checkin, name="checkin"),
    path("ke-hoach/<int:plan_id>/diem-danh/so-lieu/", views.checkin_counts, name="checkin_counts"),
    path("ke-hoach/<int:plan_id>/diem-danh/quet/", views.scan, name="scan"),
    path("dai-bieu/<int:pk>/co-mat/", views.check_in, name="check_in"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/giay-moi.pdf", views.organiser_pdf, name="pdf"),
    path("<int:pk>/<slug:action>/", views.invitation_action, name="action"),
    path("thu/<int:pk>/<slug:action>/", views.mail_action, name="mail_action"),
    # Unit office, logged in.
    path("cua-toi/", views.mine, name="mine"),
    path("cua-toi/<int:pk>/", views.mine_reply, name="mine_reply"),
    path("cua-toi/<int:pk>/cap-duoi/", views.mine_cascade, name="mine_cascade"),
    path("cua-toi/<int:pk>/giay-moi.pdf", views.mine_pdf, name="mine_pdf"),
    # Reply links (no account).
    path("tra-loi/<int:pk>/<str:token>/", views.link_reply, name="link_reply"),
    path("tra-loi/<int:pk>/<str:token>/cap-duoi/", views.link_cascade, name="link_cascade"),
    path("tra-loi/<int:pk>/<str:token>/giay-moi.pdf", views.link_pdf, name="link_pdf"),
    # Outbox downloads (attachments over the size limit).
    path("tep/<str:token>/", views.outbox_file, name="outbox_file"),
]
