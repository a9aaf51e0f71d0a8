"""The forms of the account pages (the team page's member forms); the sign-in and password pages
use Django's own forms, given the site's look by ``bootstrap()`` (editor/common/forms.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from editor.accounts.models import Membership, Role
from editor.common.forms import SiteForm

ROLE_CHOICE_ERROR = "Choose owner, editor or viewer."


class MemberAddForm(SiteForm):
    identifier = forms.CharField(
        label="Username or e-mail",
        max_length=254,
        widget=forms.TextInput(attrs={"placeholder": "jane or jane@example.com", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        choices=Role.choices, initial=Role.EDITOR, error_messages={"invalid_choice": ROLE_CHOICE_ERROR}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "add-%s")
        super().__init__(*args, **kwargs)


class RoleForm(SiteForm):
    """The role select of one member's row (its ids and label name the member)."""

    role = forms.ChoiceField(
        choices=Role.choices,
        error_messages={"invalid_choice": ROLE_CHOICE_ERROR, "required": ROLE_CHOICE_ERROR},
        widget=forms.Select(attrs={"class": "form-select-sm w-auto"}),
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"role-{membership.pk}-%s")
        kwargs.setdefault("initial", {"role": membership.role})
        super().__init__(*args, **kwargs)
        self.fields["role"].label = f"Role of {membership.user.get_username()}"
