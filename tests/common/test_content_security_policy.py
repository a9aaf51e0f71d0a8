"""The Content-Security-Policy header from django-csp (flowstudio/settings.py) on pages, the API and
the admin; a page's inline scripts carry the nonce its header names. The browser side (nothing
breaks, an injected script does not run) is tests/browser/test_content_security_policy.py."""

from __future__ import annotations

import re

import pytest

from tests.support.csp import directives

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/flows/", "/accounts/login/", "/api/flows/", "/api/docs/"])
def test_every_response_carries_the_policy(owner_client, path):
    policy = directives(owner_client.get(path)["Content-Security-Policy"])
    for name, value in (("default-src", "'self'"), ("object-src", "'none'"), ("frame-ancestors", "'none'"),
                        ("form-action", "'self'"), ("base-uri", "'self'")):
        assert policy[name] == value, (path, policy)
    assert "unsafe-inline" not in policy["script-src"]


def test_inline_scripts_carry_the_nonce_of_the_header(owner_client):
    response = owner_client.get("/calls/")
    nonces = set(re.findall(r'<script nonce="([^"]+)"', response.content.decode()))
    assert len(nonces) == 1
    assert directives(response["Content-Security-Policy"])["script-src"] == f"'self' 'nonce-{nonces.pop()}'"
    again = owner_client.get("/calls/")
    assert again["Content-Security-Policy"] != response["Content-Security-Policy"]  # a new nonce per response


def test_a_page_without_inline_scripts_names_no_nonce(owner_client):
    assert "nonce-" not in owner_client.get("/flows/")["Content-Security-Policy"]


def test_report_only_sends_the_same_policy_under_the_other_header(owner_client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = owner_client.get("/flows/")
    assert "Content-Security-Policy" not in response
    assert "frame-ancestors 'none'" in response["Content-Security-Policy-Report-Only"]
