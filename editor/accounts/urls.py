"""Account and team pages. The auth views keep Django's URL names (login, logout,
password_reset_confirm ...) so that Django's own code and e-mails can reverse them."""

from django.urls import path

from editor.accounts import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/settings/", views.account_settings, name="account_settings"),
    path("accounts/settings/token/", views.token_regenerate, name="token_regenerate"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path("teams/<slug:slug>/members/add/", views.member_add, name="member_add"),
    path("teams/<slug:slug>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("teams/<slug:slug>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
]
