"""The dispatcher in-process: claiming, send slots, the last checks, outcomes, completion.

The worker-process versions of these (real Redis, real workers, the sandbox) are in test_worker.py;
these pin the rules down one by one and count the SQL queries.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editor.calls.hooks import SendLater
from editor.calls.models import Call, CallStatus
from editor.campaigns import clock
from editor.campaigns.models import Campaign, CampaignContact, CampaignPacing, CampaignStatus, ContactStatus
from editor.campaigns.services.campaigns import campaign_pause, campaign_start
from editor.campaigns.services.dispatch import campaign_precheck, campaigns_tick, reconcile
from editor.campaigns.services.dnc import dnc_add
from tests.campaigns.conftest import make_campaign, us_numbers

pytestmark = pytest.mark.django_db
C = ContactStatus


@pytest.fixture(autouse=True)
def _tick_settings(settings):
    settings.CAMPAIGN_TICK_SECONDS = 5.0
    settings.CAMPAIGN_BATCH = 500
    settings.CAMPAIGN_MAX_IN_FLIGHT = 1000


def tick(capture) -> list:
    """Run one tick; return the on_commit callbacks it registered (the enqueues), not run."""
    with capture(execute=False) as callbacks:
        campaigns_tick()
    return callbacks


def running(team, version, credential, **fields):
    return make_campaign(team, version, credential, start=True, **fields)


def finish(call: Call, status: str, **extra) -> None:
    Call.objects.filter(pk=call.pk).update(status=status, finished_at=clock.now(), **extra)


def test_it_claims_due_contacts_creates_calls_and_enqueues_them_on_commit(
        team, version, credential, django_capture_on_commit_callbacks):
    campaign = running(team, version, credential, numbers=us_numbers(3))
    callbacks = tick(django_capture_on_commit_callbacks)

    calls = list(Call.objects.filter(campaign_link__contact__campaign=campaign).order_by("id"))
    assert [c.number for c in calls] == us_numbers(3)
    assert len(callbacks) == 1  # one on_commit that publishes every call of the batch
    for call in calls:
        contact = call.campaign_link.contact
        assert (contact.status, contact.attempts, contact.last_call_id) == (C.CALLING, 1, call.pk)
        assert call.status == CallStatus.QUEUED
        assert call.request_payload["auth_token"] == "REDACTED"
        assert call.request_payload["flow"][0]["number"] == call.number
        assert call.request_payload["flow"][1]["text"] == "Hello Ada, this is your reminder."
    assert tick(django_capture_on_commit_callbacks) == []  # nothing left to claim


def test_it_spaces_send_slots_in_the_database_and_fills_only_the_next_ticks(
        team, version, credential, django_capture_on_commit_callbacks):
    campaign = running(team, version, credential, numbers=us_numbers(40), calls_per_minute=60)
    tick(django_capture_on_commit_callbacks)
    first = list(Call.objects.order_by("not_before").values_list("not_before", flat=True))
    assert len(first) == 10  # a 5 s tick fills two ticks ahead: 10 s at one call a second
    gaps = {(b - a).total_seconds() for a, b in zip(first, first[1:], strict=False)}
    assert gaps == {1.0}
    pacing = CampaignPacing.objects.get(pk=campaign.pk)
    assert pacing.next_slot_at == first[-1] + timedelta(seconds=1)

    tick(django_capture_on_commit_callbacks)  # the horizon is full: nothing more yet
    assert Call.objects.count() == 10
    CampaignPacing.objects.filter(pk=campaign.pk).update(next_slot_at=clock.real_now())
    tick(django_capture_on_commit_callbacks)
    assert Call.objects.count() == 20


def test_it_gives_a_late_call_a_fresh_slot_when_sending(team, version, credential, django_capture_on_commit_callbacks):
    campaign = running(team, version, credential, numbers=us_numbers(20), calls_per_minute=60)
    tick(django_capture_on_commit_callbacks)  # ten slots, one a second
    late, on_time = Call.objects.order_by("not_before")[:2]
    Call.objects.filter(pk=late.pk).update(not_before=clock.real_now() - timedelta(seconds=5))
    late.refresh_from_db()

    verdict = campaign_precheck(late)  # the next free slot is ten seconds away: back to the queue
    assert isinstance(verdict, SendLater)
    cursor = CampaignPacing.objects.get(pk=campaign.pk).next_slot_at
    assert verdict.not_before == cursor - timedelta(seconds=1) > on_time.not_before

    Call.objects.filter(pk=on_time.pk).update(not_before=clock.real_now() - timedelta(milliseconds=300))
    on_time.refresh_from_db()
    assert campaign_precheck(on_time) is None  # within half a spacing of its slot: post now

    soon = clock.real_now() + timedelta(milliseconds=400)
    CampaignPacing.objects.filter(pk=campaign.pk).update(next_slot_at=soon)
    assert campaign_precheck(late) is None  # a fresh slot a moment away: the worker waits for it
    assert clock.real_now() >= soon
    assert CampaignPacing.objects.get(pk=campaign.pk).next_slot_at == soon + timedelta(seconds=1)


def test_it_skips_a_queued_call_of_a_paused_campaign_and_keeps_the_contact_waiting(
        team, version, credential, django_capture_on_commit_callbacks):
    campaign = running(team, version, credential, numbers=us_numbers(1))
    tick(django_capture_on_commit_callbacks)
    call = Call.objects.get()
    campaign_pause(campaign=campaign)

    assert "paused" in campaign_precheck(call)
    contact = CampaignContact.objects.get()
    assert (contact.status, contact.attempts) == (C.PENDING, 0)


def test_it_skips_a_number_put_on_the_do_not_call_list_after_it_was_claimed(
        team, version, credential, django_capture_on_commit_callbacks):
    running(team, version, credential, numbers=us_numbers(2))
    tick(django_capture_on_commit_callbacks)
    call = Call.objects.order_by("id").first()
    dnc_add(team=team, number=call.number)

    assert "do-not-call" in campaign_precheck(call)
    assert CampaignContact.objects.get(number=call.number).status == C.DO_NOT_CALL


def test_it_claims_only_contacts_whose_local_window_is_open(
        team, version, credential, django_capture_on_commit_callbacks, moved_clock):
    upload_numbers = ["+12125551001", "+13105551002", "+81312345678", "+79161234567"]  # NY, LA, Tokyo, Russia
    campaign = running(team, version, credential, numbers=upload_numbers, timezone="Europe/Moscow",
                       window_start=time(9), window_end=time(17), weekdays=list(range(7)))
    moved_clock.set_now(datetime(2026, 6, 10, 14, 0, tzinfo=UTC))  # NY 10:00, LA 07:00, Tokyo 23:00, Moscow 17:00
    tick(django_capture_on_commit_callbacks)
    assert list(Call.objects.values_list("number", flat=True)) == ["+12125551001"]

    moved_clock.set_now(datetime(2026, 6, 10, 10, 0, tzinfo=UTC))  # Moscow 13:00 (the several-zone number)
    tick(django_capture_on_commit_callbacks)
    assert set(Call.objects.values_list("number", flat=True)) == {"+12125551001", "+79161234567"}
    call = Call.objects.get(number="+79161234567")
    moved_clock.set_now(datetime(2026, 6, 10, 15, 0, tzinfo=UTC))  # 18:00 in Moscow when it is sent
    assert "Outside the calling window (Wed 18:00 in Europe/Moscow)" in campaign_precheck(call)
    assert CampaignContact.objects.get(number=call.number).status == C.PENDING
    assert campaign.pk


def test_it_records_outcomes_and_retries_only_failed_calls_after_the_delay(
        team, version, credential, django_capture_on_commit_callbacks, moved_clock):
    running(team, version, credential, numbers=us_numbers(4), max_attempts=2, retry_delay_seconds=600)
    tick(django_capture_on_commit_callbacks)
    accepted, failed, unknown, refused = Call.objects.order_by("id")
    finish(accepted, CallStatus.ACCEPTED)
    finish(failed, CallStatus.FAILED, response_status=400)
    finish(unknown, CallStatus.UNKNOWN)
    finish(refused, CallStatus.FAILED, response_status=401)
    moved_clock.set_now(datetime(2026, 6, 10, 12, 0, tzinfo=UTC))
    reconcile(now=clock.now())

    contacts = {c.number: c for c in CampaignContact.objects.all()}
    assert contacts[accepted.number].status == C.ACCEPTED
    assert contacts[unknown.number].status == C.UNKNOWN  # never retried
    waiting = contacts[failed.number]
    assert (waiting.status, waiting.attempts) == (C.PENDING, 1)
    assert abs((waiting.next_attempt_at - clock.now()).total_seconds() - 600) < 5
    assert (contacts[refused.number].status, contacts[refused.number].attempts) == (C.PENDING, 0)

    tick(django_capture_on_commit_callbacks)  # the 401 contact is due again, the failed one is not
    assert Call.objects.filter(number=failed.number).count() == 1
    moved_clock.advance(timedelta(seconds=601))
    tick(django_capture_on_commit_callbacks)
    second = Call.objects.filter(number=failed.number).order_by("-id").first()
    assert second.pk != failed.pk and second.idempotency_key != failed.idempotency_key
    finish(second, CallStatus.FAILED, response_status=400)
    reconcile(now=clock.now())
    contact = CampaignContact.objects.get(number=failed.number)
    assert (contact.status, contact.attempts) == (C.FAILED, 2)


def test_it_completes_a_campaign_when_every_contact_is_final(team, version, credential,
                                                             django_capture_on_commit_callbacks):
    campaign = running(team, version, credential, numbers=us_numbers(2))
    tick(django_capture_on_commit_callbacks)
    for call in Call.objects.all():
        finish(call, CallStatus.ACCEPTED)
    tick(django_capture_on_commit_callbacks)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.status_reason) == (CampaignStatus.COMPLETED, "Every contact was called.")


def test_it_stops_at_the_end_time(team, version, credential, django_capture_on_commit_callbacks, moved_clock):
    end = clock.now() + timedelta(hours=1)
    campaign = running(team, version, credential, numbers=us_numbers(3), ends_at=end, calls_per_minute=0)
    moved_clock.advance(timedelta(hours=2))
    tick(django_capture_on_commit_callbacks)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.status_reason) == (CampaignStatus.COMPLETED, "The end time was reached.")
    assert set(CampaignContact.objects.values_list("status", flat=True)) == {C.NOT_CALLED}
    assert not Call.objects.exists()


def test_it_pauses_a_campaign_whose_credential_samespace_refused(team, version, credential,
                                                                 django_capture_on_commit_callbacks):
    from editor.calls.hooks import credential_rejected
    from editor.calls.models import Credential

    campaign = running(team, version, credential, numbers=us_numbers(1))
    Credential.objects.filter(pk=credential.pk).update(rejected_at=clock.now())
    credential.refresh_from_db()
    credential_rejected.send(sender=Credential, credential=credential)  # what call_place sends on a 401
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
    assert "refused the auth token of the credential “Sandbox” (401" in campaign.status_reason


def test_it_uses_a_constant_number_of_queries_per_tick_whatever_the_batch(
        team, version, credential, django_capture_on_commit_callbacks):
    counts = []
    for size in (5, 50):
        running(team, version, credential, numbers=us_numbers(size, start=1000 + len(counts) * 100))
        with CaptureQueriesContext(connection) as queries:
            tick(django_capture_on_commit_callbacks)
        counts.append(len(queries))
        Campaign.objects.all().delete()  # the next size starts from the same state
    assert counts[0] == counts[1], counts


@pytest.mark.django_db(transaction=True)
def test_it_installs_the_tick_in_django_celery_beat(settings):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from flowstudio.celery import app

    DatabaseScheduler(app=app)
    tick_task = PeriodicTask.objects.get(name="campaigns-tick")
    assert tick_task.task == "editor.tasks.campaigns_tick"
    assert tick_task.interval.every == settings.CAMPAIGN_TICK_SECONDS
    DatabaseScheduler(app=app)  # idempotent
    assert PeriodicTask.objects.filter(name="campaigns-tick").count() == 1


def test_it_starts_scheduled_campaigns_when_their_time_comes(team, version, credential, moved_clock,
                                                             django_capture_on_commit_callbacks):
    campaign = make_campaign(team, version, credential, numbers=us_numbers(1),
                             starts_at=clock.now() + timedelta(minutes=30))
    campaign = campaign_start(campaign=campaign)
    tick(django_capture_on_commit_callbacks)
    assert campaign.status == CampaignStatus.SCHEDULED and not Call.objects.exists()
    moved_clock.advance(timedelta(minutes=31))
    tick(django_capture_on_commit_callbacks)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING and Call.objects.count() == 1
