"""Limits on password-reset e-mails, per address and per client, counted in the shared cache
(editor/common/ratelimit.py) so they hold across web processes.

Over the client's limit the form answers 429 with a message. Over an address's limit the page looks
exactly as if the e-mail went out (nothing is sent): the page never tells whether an address has an
account, nor lets anyone fill a mailbox with reset e-mails.
"""

from __future__ import annotations

import hashlib
import math

from django.conf import settings
from django.http import HttpResponseRedirect

from editor.common.ratelimit import hit


class ResetRateLimitMixin:
    """For django.contrib.auth's PasswordResetView (editor/accounts/views.py)."""

    def form_valid(self, form):
        client = self.request.META.get("REMOTE_ADDR", "") or "unknown"
        wait = hit("password-reset-client", client, settings.PASSWORD_RESET_RATE_CLIENT)
        if wait is not None:
            minutes = max(1, math.ceil(wait / 60))
            form.add_error("email", f"Too many reset requests from here. Try again in {minutes} minute"
                                 f"{'' if minutes == 1 else 's'}.")
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        address = form.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(address.encode()).hexdigest()  # no address kept in the cache
        if hit("password-reset-address", digest, settings.PASSWORD_RESET_RATE_ADDRESS) is not None:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
