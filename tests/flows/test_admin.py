"""The admin's flow page says what is wrong with a flow (or that nothing is) without a deprecation
warning: format_html() without arguments is deprecated in Django 5.x and an error in 6.0."""

from __future__ import annotations

import warnings

import pytest
from django.utils.deprecation import RemovedInDjango60Warning

pytestmark = pytest.mark.django_db


def test_a_valid_flow_says_no_problems_without_a_warning(admin_client, flow):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango60Warning)
        response = admin_client.get(f"/admin/flows/flow/{flow.pk}/change/")
    assert response.status_code == 200
    assert b"<strong>No problems found.</strong>" in response.content


def test_a_broken_flow_lists_its_problems(admin_client, broken_flow):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango60Warning)
        response = admin_client.get(f"/admin/flows/flow/{broken_flow.pk}/change/")
    assert response.status_code == 200
    assert b"<th>What is wrong</th>" in response.content and b"dangling_next_step" in response.content
