"""The team page: owners add members by username or e-mail, change roles and remove them."""

from __future__ import annotations

import pytest

from editor.accounts import services as team_services
from editor.accounts.models import Membership, Role
from editor.common.errors import PermissionDenied
from tests.support.pages import rendered_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(django_user_model):
    return django_user_model.objects.create_user(username="nina", email="Nina@Example.com", password="pw")


def _roles(team) -> dict:
    return dict(team.memberships.values_list("user__username", "role"))


def _as(client, user):
    client.force_login(user)
    return client


def test_it_goes_straight_to_the_only_team(client, owner, team):
    response = _as(client, owner).get("/teams/")
    assert response.status_code == 302 and response["Location"] == "/teams/alpha/"


def test_it_lists_several_teams(client, owner, other_team):
    Membership.objects.create(team=other_team, user=owner, role=Role.VIEWER)
    html = _as(client, owner).get("/teams/").content.decode()
    assert "Alpha" in html and "Bravo" in html and "/teams/bravo/" in html


def test_it_shows_members_and_the_add_form_to_owners(client, owner, editor_user, viewer):
    html = _as(client, owner).get("/teams/alpha/").content.decode()
    for name in ("olivia", "eddie", "vera"):
        assert f'data-member="{name}"' in html
    assert "Add a member" in html and 'name="role"' in html and "Last owner" in html


@pytest.mark.parametrize("role_fixture", ["editor_user", "viewer"])
def test_it_shows_members_read_only_to_others(client, request, owner, role_fixture):
    user = request.getfixturevalue(role_fixture)
    html = _as(client, user).get("/teams/alpha/").content.decode()
    assert 'data-member="olivia"' in html
    assert "Add a member" not in html and "/members/" not in html


def test_it_hides_another_team_from_outsiders(client, outsider, owner, team):
    client = _as(client, outsider)
    membership = Membership.objects.get(user=owner)
    assert client.get("/teams/alpha/").status_code == 404
    assert client.post("/teams/alpha/members/add/", {"identifier": "oscar", "role": "owner"}).status_code == 404
    assert client.post(f"/teams/alpha/members/{membership.pk}/role/", {"role": "viewer"}).status_code == 404
    assert client.post(f"/teams/alpha/members/{membership.pk}/remove/").status_code == 404
    assert _roles(team) == {"olivia": "owner"}


def test_it_adds_a_member_by_username(client, owner, newcomer, team):
    response = _as(client, owner).post(
        "/teams/alpha/members/add/", {"identifier": "NINA", "role": "viewer"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/teams/alpha/"
    assert "nina joined Alpha as viewer." in response.content.decode()
    assert _roles(team)["nina"] == "viewer"


def test_it_adds_a_member_by_email(client, owner, newcomer, team):
    _as(client, owner).post("/teams/alpha/members/add/", {"identifier": " nina@example.com ", "role": "editor"})
    assert _roles(team)["nina"] == "editor"


@pytest.mark.parametrize(
    "identifier,message",
    [("ghost", "There is no account named ghost"), ("olivia", "olivia is already a member of Alpha"), ("", "required")],
)
def test_it_explains_why_a_member_cannot_be_added(client, owner, team, identifier, message):
    response = _as(client, owner).post("/teams/alpha/members/add/", {"identifier": identifier, "role": "editor"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _roles(team) == {"olivia": "owner"}


def test_it_shows_every_add_error_beside_its_field_at_once(client, owner, team):
    response = _as(client, owner).post("/teams/alpha/members/add/", {"identifier": "", "role": "admin"})
    assert response.status_code == 400
    html = response.content.decode()
    identifier, role = rendered_field(html, "add-identifier"), rendered_field(html, "add-role")
    assert identifier.invalid and identifier.label == "Username or e-mail"
    assert identifier.errors == "This field is required."
    assert role.invalid and role.label == "Role" and role.errors == "Choose owner, editor or viewer."
    assert "identifier:" not in html and "role:" not in html
    assert _roles(team) == {"olivia": "owner"}


def test_it_keeps_what_was_typed_when_the_service_refuses_it(client, owner, team):
    response = _as(client, owner).post("/teams/alpha/members/add/", {"identifier": "ghost", "role": "viewer"})
    assert response.status_code == 400
    html = response.content.decode()
    identifier = rendered_field(html, "add-identifier")
    assert identifier.invalid and identifier.value == "ghost"
    assert identifier.errors.startswith("There is no account named ghost.")
    assert rendered_field(html, "add-role").value == ["viewer"]


def test_it_refuses_an_email_shared_by_several_accounts(owner, team, django_user_model):
    django_user_model.objects.create_user(username="a", email="same@example.com")
    django_user_model.objects.create_user(username="b", email="same@example.com")
    with pytest.raises(team_services.MemberError, match="Several accounts"):
        team_services.member_add(team=team, actor=owner, identifier="same@example.com", role="editor")


def test_it_changes_a_role(client, owner, editor_user, team):
    membership = Membership.objects.get(user=editor_user)
    response = _as(client, owner).post(f"/teams/alpha/members/{membership.pk}/role/", {"role": "owner"}, follow=True)
    assert "eddie is now owner." in response.content.decode()
    assert _roles(team)["eddie"] == "owner"


def test_it_refuses_an_unknown_role_beside_that_members_select(client, owner, editor_user, team):
    membership = Membership.objects.get(user=editor_user)
    response = _as(client, owner).post(f"/teams/alpha/members/{membership.pk}/role/", {"role": "admin"})
    assert response.status_code == 400
    html = response.content.decode()
    select = rendered_field(html, f"role-{membership.pk}-role")
    assert select.invalid and select.label == "Role of eddie" and select.errors == "Choose owner, editor or viewer."
    mine = rendered_field(html, f"role-{Membership.objects.get(user=owner).pk}-role")
    assert not mine.invalid and mine.errors == "" and mine.value == ["owner"]
    assert _roles(team)["eddie"] == "editor"


def test_it_removes_a_member(client, owner, editor_user, team):
    membership = Membership.objects.get(user=editor_user)
    response = _as(client, owner).post(f"/teams/alpha/members/{membership.pk}/remove/", follow=True)
    assert "eddie was removed from Alpha." in response.content.decode()
    assert "eddie" not in _roles(team)


def test_it_keeps_the_last_owner(client, owner, editor_user, team):
    mine = Membership.objects.get(user=owner)
    client = _as(client, owner)
    response = client.post(f"/teams/alpha/members/{mine.pk}/remove/", follow=True)
    assert "A team needs at least one owner" in response.content.decode()
    response = client.post(f"/teams/alpha/members/{mine.pk}/role/", {"role": "editor"})
    assert response.status_code == 400
    select = rendered_field(response.content.decode(), f"role-{mine.pk}-role")
    assert select.invalid and select.errors.startswith("A team needs at least one owner")
    assert select.value == ["editor"]  # what was chosen stays chosen
    assert _roles(team)["olivia"] == "owner"


def test_it_lets_an_owner_leave_when_another_owner_remains(client, owner, editor_user, team):
    Membership.objects.filter(user=editor_user).update(role=Role.OWNER)
    mine = Membership.objects.get(user=owner)
    response = _as(client, owner).post(f"/teams/alpha/members/{mine.pk}/remove/", follow=True)
    assert "You left Alpha." in response.content.decode()
    assert _roles(team) == {"eddie": "owner"}


@pytest.mark.parametrize("role_fixture", ["editor_user", "viewer"])
def test_it_lets_only_owners_manage_members(client, request, owner, editor_user, viewer, newcomer, team, role_fixture):
    client = _as(client, request.getfixturevalue(role_fixture))
    before = _roles(team)
    target = Membership.objects.get(user=owner)
    assert client.post("/teams/alpha/members/add/", {"identifier": "nina", "role": "owner"}).status_code == 403
    assert client.post(f"/teams/alpha/members/{target.pk}/role/", {"role": "viewer"}).status_code == 403
    assert client.post(f"/teams/alpha/members/{target.pk}/remove/").status_code == 403
    assert _roles(team) == before


def test_it_refuses_a_membership_of_another_team(client, owner, outsider):
    theirs = Membership.objects.get(user=outsider)
    client = _as(client, owner)
    assert client.post(f"/teams/alpha/members/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"/teams/alpha/members/{theirs.pk}/role/", {"role": "viewer"}).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk, role="owner").exists()


def test_it_checks_the_owner_in_the_service_too(editor_user, viewer, team):
    membership = Membership.objects.get(user=viewer)
    with pytest.raises(PermissionDenied):
        team_services.member_change_role(membership=membership, actor=editor_user, role="owner")
    with pytest.raises(PermissionDenied):
        team_services.member_remove(membership=membership, actor=editor_user)


def test_it_needs_a_signed_in_user(client, team):
    response = client.get("/teams/alpha/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
