"""Campaigns on real parts: Celery worker processes and beat on Redis, the sandbox on a live server,
PostgreSQL; the clock moved through the database for every process.

Timings are read from the sandbox's recorded request times, never from how long the test took.
"""

from __future__ import annotations

import copy
import os
import signal
import subprocess
from collections import Counter
from datetime import UTC, datetime, time, timedelta

import pytest
from django.conf import settings as django_settings
from django.utils.dateparse import parse_datetime

from editor.calls.models import Call, CallStatus
from editor.campaigns import clock
from editor.campaigns.models import Campaign, CampaignContact, CampaignStatus, ContactStatus
from editor.campaigns.services.campaigns import campaign_pause, campaign_resume, campaign_start
from editor.campaigns.services.dnc import dnc_add
from tests.campaigns.conftest import (
    FLOW,
    TICK,
    Runtime,
    final_contacts,
    free_port,
    make_campaign,
    make_version,
    us_numbers,
    wait_for,
)

pytestmark = [pytest.mark.slow]
C = ContactStatus


def received(sandbox_requests, numbers: list[str]) -> list[dict]:
    wanted = set(numbers)
    return [r for r in sandbox_requests() if r["number"] in wanted]


def times_of(requests: list[dict]) -> list[datetime]:
    return sorted(parse_datetime(r["received_at"]) for r in requests)


def statuses(campaign) -> Counter:
    return Counter(CampaignContact.objects.filter(campaign=campaign).values_list("status", flat=True))


def start(team, version, credential, numbers, **fields):
    campaign = make_campaign(team, version, credential, numbers=numbers, **fields)
    return campaign_start(campaign=campaign)


def test_it_calls_a_500_contact_campaign_once_per_number(runtime, live_team, live_version, live_credential,
                                                         sandbox_requests):
    numbers = us_numbers(500, start=2000)
    campaign = start(live_team, live_version, live_credential, numbers)
    final_contacts(campaign, timeout=150)

    log = received(sandbox_requests, numbers)
    assert Counter(r["number"] for r in log) == Counter(numbers)  # each number exactly once
    assert all(r["status"] == 200 for r in log)
    assert statuses(campaign) == {C.ACCEPTED: 500}
    assert Call.objects.filter(campaign_link__contact__campaign=campaign).count() == 500


def test_it_finishes_every_contact_when_the_workers_are_killed_mid_post(
        runtime, live_team, live_version, live_credential, sandbox_requests, settings):
    settings.SANDBOX_SLOW_SECONDS = 3  # under the workers' 4 s read timeout: the kill lands first
    numbers = us_numbers(30, start=3000) + ["+12125550555"]  # ...0555: the sandbox answers slowly
    campaign = start(live_team, live_version, live_credential, numbers, calls_per_minute=240)
    wait_for(lambda: any(r["number"] == "+12125550555" and r["status"] is None for r in sandbox_requests()),
             timeout=30, what="the slow POST to be in flight")
    for worker in list(runtime.workers):
        if worker.proc.poll() is None:
            os.killpg(worker.proc.pid, signal.SIGKILL)  # the main process and its children, mid-POST
            worker.proc.wait(timeout=10)
    slow = Call.objects.get(number="+12125550555", campaign_link__contact__campaign=campaign)
    assert slow.status == CallStatus.SENDING
    runtime.start_worker()  # a new worker takes over (and one more to keep the session's two)
    runtime.start_worker()

    final_contacts(campaign, timeout=90)
    log = received(sandbox_requests, numbers)
    counts = Counter(r["number"] for r in log)
    assert max(counts.values()) == 1  # max_attempts 3, yet nobody twice
    final = statuses(campaign)
    assert sum(final.values()) == 31 and set(final) <= {C.ACCEPTED, C.UNKNOWN}
    # Every accepted contact was received; one the kill caught between "sending" and the sandbox is
    # unknown, never posted again (it may have been placed), so it may be missing from the log.
    by_number = dict(CampaignContact.objects.filter(campaign=campaign).values_list("number", "status"))
    assert {n for n, s in by_number.items() if s == C.ACCEPTED} <= set(counts)
    assert all(by_number[n] == C.UNKNOWN for n in set(numbers) - set(counts))
    slow_contact = CampaignContact.objects.get(campaign=campaign, number="+12125550555")
    assert slow_contact.status == C.UNKNOWN  # may have been placed: final, never retried


def test_it_resumes_and_completes_after_redis_restarts(runtime, live_team, live_version, live_credential,
                                                       sandbox_requests, tmp_path, settings):
    """Redis dies (no persistence) while calls wait in it and one is being posted: the waiting messages are
    lost, the worker reconnects (and survives acknowledging the posted call's message from the dead
    connection: flowstudio/celery_fixes.py), the reaper queues the lost calls again and the campaign
    completes, each number called once.

    Every step waits on a condition read from the database, Redis or the worker's log, never on how long
    something took, so a slow machine only makes it take longer."""
    import redis

    runtime.stop_beat()  # only this test's beat and worker, on the private Redis, dispatch its campaign
    port = free_port()
    queue = "campaign-redis-test"
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    broker = redis.Redis(port=port)

    def redis_up() -> subprocess.Popen:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: _pings(broker), timeout=60, interval=0.1, what="the private redis-server")
        return proc

    def campaign_calls(status: str):
        return Call.objects.filter(campaign_link__contact__campaign=campaign, status=status)

    def calls_wait_in_redis() -> bool:
        """Some calls were placed, the slow one is being posted, and Redis holds the messages of others
        (queued or held by the worker)."""
        if campaign_calls(CallStatus.ACCEPTED).count() < 8 or not campaign_calls(CallStatus.QUEUED).exists():
            return False
        if not campaign_calls(CallStatus.SENDING).filter(number=slow).exists():
            return False
        messages = [*broker.lrange(queue, 0, -1), *broker.hvals("unacked")]
        return any(b"editor.tasks.place_call" in m for m in messages)

    redis_proc = redis_up()
    rt = Runtime(f"redis://127.0.0.1:{port}/0", queue, tmp_path)
    try:
        worker = rt.start_worker()
        rt.start_beat()
        settings.SANDBOX_SLOW_SECONDS = 3  # under the workers' 4 s read timeout: it is answered, late
        slow = "+12125550555"  # ...0555: the sandbox answers slowly
        numbers = us_numbers(40, start=4000)
        numbers[11] = slow
        campaign = start(live_team, live_version, live_credential, numbers, calls_per_minute=240)
        wait_for(calls_wait_in_redis, timeout=120, interval=0.1, what="calls placed and others waiting in Redis")
        lost_before = worker.text().count("Connection to broker lost")
        redis_proc.terminate()  # messages waiting in Redis are lost with it (no persistence)
        redis_proc.wait(timeout=30)
        # Once the worker knows, it drops what it held (editor's celery_fixes.py): what is still queued in
        # the database now has no message anywhere until the reaper runs again.
        wait_for(lambda: worker.text().count("Connection to broker lost") > lost_before, timeout=60,
                 interval=0.1, what="the worker to see the broker go")
        lost = dict(campaign_calls(CallStatus.QUEUED).values_list("pk", "number"))
        assert lost, "no call lost its message: the restart showed nothing"
        redis_proc = redis_up()

        final_contacts(campaign, timeout=180)
        log = received(sandbox_requests, numbers)
        assert Counter(r["number"] for r in log) == Counter(numbers)
        assert statuses(campaign) == {C.ACCEPTED: 40}
        again = Call.objects.filter(pk__in=lost)
        assert {(c.status, c.attempt_count) for c in again} == {(CallStatus.ACCEPTED, 1)}
    finally:
        rt.stop()
        redis_proc.terminate()
        redis_proc.wait(timeout=30)
        runtime.start_beat()


def _pings(client) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def test_it_keeps_the_pace_across_two_workers(runtime, live_team, live_version, live_credential, sandbox_requests):
    assert sum(1 for w in runtime.workers if w.proc.poll() is None) >= 2
    logs_before = [len(w.text()) for w in runtime.workers]
    numbers = us_numbers(45, start=5000)
    campaign = start(live_team, live_version, live_credential, numbers, calls_per_minute=120)
    final_contacts(campaign, timeout=90)

    moments = times_of(received(sandbox_requests, numbers))
    assert len(moments) == 45
    share = 120 * 10 / 60  # 20 calls per 10 seconds
    busiest = max(sum(1 for m in moments if start <= m < start + timedelta(seconds=10)) for start in moments)
    assert busiest <= share + 1, f"{busiest} requests in one 10 s window"
    assert (moments[-1] - moments[0]).total_seconds() >= 44 * 0.5 * 0.95
    posted_by = [w.text()[n:].count("editor.tasks.place_call") for w, n in zip(runtime.workers, logs_before,
                                                                                strict=False)]
    assert sum(1 for n in posted_by if n) >= 2, f"one worker did everything: {posted_by}"


def test_it_sends_nothing_after_a_pause_and_continues_after_resume(
        runtime, live_team, live_version, live_credential, sandbox_requests):
    numbers = us_numbers(40, start=6000)
    campaign = start(live_team, live_version, live_credential, numbers, calls_per_minute=240)
    wait_for(lambda: len(received(sandbox_requests, numbers)) >= 5, timeout=30, what="the first calls")
    campaign = campaign_pause(campaign=campaign)
    paused_at = campaign.status_changed_at  # the clock is not moved in this test: real time
    beat_before = runtime.beat.text().count("campaigns-tick")

    def quiet() -> bool:
        calls = Call.objects.filter(campaign_link__contact__campaign=campaign)
        open_calls = calls.filter(status__in=(CallStatus.QUEUED, CallStatus.SENDING)).exists()
        ticks = runtime.beat.text().count("campaigns-tick") - beat_before
        return not open_calls and ticks >= 3

    wait_for(quiet, timeout=30, what="queued calls to be skipped and three ticks to pass")
    late = [r for r in received(sandbox_requests, numbers)
            if parse_datetime(r["received_at"]) > paused_at + timedelta(seconds=TICK)]
    assert late == []
    called_while_paused = len(received(sandbox_requests, numbers))
    assert called_while_paused < 40
    skipped = Call.objects.filter(campaign_link__contact__campaign=campaign, status=CallStatus.SKIPPED)
    assert all("paused" in call.error for call in skipped)

    campaign_resume(campaign=campaign)
    final_contacts(campaign, timeout=60)
    assert Counter(r["number"] for r in received(sandbox_requests, numbers)) == Counter(numbers)
    assert statuses(campaign) == {C.ACCEPTED: 40}


def test_it_calls_in_the_callees_window_on_a_daylight_saving_day(
        runtime, live_team, live_version, live_credential, sandbox_requests, moved_clock):
    new_york = us_numbers(3, start=7000, area="212")
    tokyo = ["+81312347001", "+81312347002"]
    # Sunday 2026-03-08, New York's spring-forward day: 13:30 UTC is 09:30 EDT (it would be 08:30 in EST).
    moved_clock.set_now(datetime(2026, 3, 8, 13, 30, tzinfo=UTC))
    campaign = start(live_team, live_version, live_credential, new_york + tokyo, timezone="UTC",
                     window_start=time(9), window_end=time(17), weekdays=list(range(7)))
    wait_for(lambda: statuses(campaign)[C.ACCEPTED] == 3, timeout=30, what="the New York calls")
    ticks = runtime.beat.text().count("campaigns-tick")
    wait_for(lambda: runtime.beat.text().count("campaigns-tick") >= ticks + 2, timeout=10, what="two more ticks")
    assert received(sandbox_requests, tokyo) == []  # 22:30 in Tokyo
    assert statuses(campaign)[C.PENDING] == 2

    # Across midnight: a 21:00-02:00 window that belongs to the day it starts (Monday in Tokyo).
    from editor.campaigns.services.campaigns import campaign_update

    campaign_pause(campaign=campaign)
    campaign_update(campaign=campaign, window_start=time(21), window_end=time(2), weekdays=[0])
    moved_clock.set_now(datetime(2026, 3, 9, 16, 30, tzinfo=UTC))  # Tuesday 01:30 in Tokyo: Monday's window
    campaign_resume(campaign=campaign)
    final_contacts(campaign, timeout=30)
    assert Counter(r["number"] for r in received(sandbox_requests, new_york + tokyo)) == Counter(new_york + tokyo)


def test_it_never_calls_a_number_added_to_do_not_call_mid_campaign(
        runtime, live_team, live_version, live_credential, sandbox_requests):
    numbers = us_numbers(24, start=8000)
    campaign = start(live_team, live_version, live_credential, numbers, calls_per_minute=240)
    wait_for(lambda: len(received(sandbox_requests, numbers)) >= 3, timeout=30, what="the first calls")
    claimed = CampaignContact.objects.filter(campaign=campaign, status=C.CALLING,
                                             last_call__status=CallStatus.QUEUED).order_by("-id").first()
    blocked = [numbers[-1]] + ([claimed.number] if claimed else [])  # one waiting, one already queued
    for number in blocked:
        dnc_add(team=live_team, number=number)

    final_contacts(campaign, timeout=60)
    called = Counter(r["number"] for r in received(sandbox_requests, numbers))
    assert not set(blocked) & set(called)
    assert set(called) == set(numbers) - set(blocked) and max(called.values()) == 1
    assert statuses(campaign) == {C.ACCEPTED: 24 - len(blocked), C.DO_NOT_CALL: len(blocked)}


def test_it_pauses_on_401_and_says_why(runtime, live_team, live_version, live_credential, sandbox_requests):
    from editor.calls.services.credentials import credential_update

    credential_update(credential=live_credential, auth_token="not-the-sandbox-token")
    numbers = us_numbers(20, start=9000)
    campaign = start(live_team, live_version, live_credential, numbers, calls_per_minute=240)
    wait_for(lambda: Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.PAUSED, timeout=30,
             what="the campaign to pause")
    campaign.refresh_from_db()
    assert "refused the auth token" in campaign.status_reason and "401" in campaign.status_reason
    wait_for(lambda: not Call.objects.filter(campaign_link__contact__campaign=campaign,
                                             status__in=(CallStatus.QUEUED, CallStatus.SENDING)).exists(),
             timeout=20, what="queued calls to be skipped")
    refused = received(sandbox_requests, numbers)
    assert refused and {r["status"] for r in refused} == {401}
    assert len(refused) < 20
    assert CampaignContact.objects.filter(campaign=campaign, status=C.FAILED).count() == 0

    credential_update(credential=live_credential, auth_token=django_settings.SANDBOX_AUTH_TOKEN)
    campaign_resume(campaign=campaign)
    final_contacts(campaign, timeout=60)
    accepted = [r["number"] for r in received(sandbox_requests, numbers) if r["status"] == 200]
    assert Counter(accepted) == Counter(numbers)
    assert statuses(campaign) == {C.ACCEPTED: 20}


def test_it_retries_failed_calls_after_the_delay_but_never_unknown_ones(
        runtime, live_team, live_version, live_credential, sandbox_requests, moved_clock):
    refused, maybe = "+12125550400", "+12125550500"  # the sandbox answers 400, and 500 (unknown)
    campaign = start(live_team, live_version, live_credential, [refused, maybe, "+12125559001"], max_attempts=2,
                     retry_delay_seconds=3600)

    def contact(number: str) -> CampaignContact:
        return CampaignContact.objects.get(campaign=campaign, number=number)

    wait_for(lambda: contact(refused).status == C.PENDING and contact(refused).attempts == 1, timeout=30,
             what="the failed call to wait for its retry")
    wait_for(lambda: contact(maybe).status == C.UNKNOWN, timeout=30, what="the 500 to be final")
    assert contact(refused).next_attempt_at > clock.now() + timedelta(minutes=59)
    moved_clock.advance(timedelta(minutes=61))  # in this process and in the workers

    final_contacts(campaign, timeout=30)
    assert (contact(refused).status, contact(refused).attempts) == (C.FAILED, 2)
    log = Counter(r["number"] for r in sandbox_requests())
    assert (log[refused], log[maybe], log["+12125559001"]) == (2, 1, 1)
    keys = {r["idempotency_key"] for r in sandbox_requests(number=refused)}
    assert len(keys) == 2  # a retry is a new call with its own idempotency key


def test_it_dials_nobody_for_a_campaign_started_before_versions_were_checked(
        runtime, campaign_broker, live_team, live_credential, sandbox_requests):
    """Campaign rows written straight to the table, as before campaigns refused a Call step with a fixed
    number: the worker's last check refuses a call already queued, beat's tick pauses the campaign before
    claiming anyone, and the reason is on the campaign."""
    from editor.calls import samespace
    from editor.calls.tasks import place_call
    from editor.campaigns.models import CampaignCall, CampaignPacing
    from editor.campaigns.services.dispatch import PRECHECK
    from tests.support.workers import publishing_to

    fixed = "917507161643"
    document = copy.deepcopy(FLOW)
    document["steps"][0]["number"] = fixed
    version = make_version(live_team, document=document)

    def started_before(name: str, numbers: list[str]) -> Campaign:
        campaign = Campaign.objects.create(
            team=live_team, name=name, flow_version=version, credential=live_credential, timezone="UTC",
            window_start=time(0), window_end=time(0), weekdays=list(range(7)), calls_per_minute=0,
            status=CampaignStatus.RUNNING, status_changed_at=clock.now(), started_at=clock.now())
        CampaignPacing.objects.create(campaign=campaign)
        CampaignContact.objects.bulk_create(CampaignContact(campaign=campaign, number=n) for n in numbers)
        return campaign

    def sent_nothing() -> None:
        dialled = {r["number"] for r in sandbox_requests()}
        assert not dialled & {fixed, *queued_numbers, *pending_numbers}, dialled

    # 1. A call queued for it by the runner of before; no tick runs meanwhile, so the worker's own
    # last check meets the campaign still running.
    queued_numbers, pending_numbers = us_numbers(2, start=9500), us_numbers(3, start=9600)
    runtime.stop_beat()
    try:
        queued = started_before("Queued before", queued_numbers)
        contact = CampaignContact.objects.get(campaign=queued, number=queued_numbers[0])
        call = Call.objects.create(
            team=live_team, flow_version=version, credential=live_credential, number=contact.number,
            not_before=clock.real_now(), message_due_at=clock.real_now(), precheck=PRECHECK,
            request_payload=samespace.build_payload(document=document, cloud_id=live_credential.cloud_id,
                                                    number=contact.number, variables={}))
        CampaignCall.objects.create(call=call, contact=contact)
        CampaignContact.objects.filter(pk=contact.pk).update(status=C.CALLING, attempts=1, last_call=call)
        url, queue = campaign_broker
        with publishing_to(url):
            place_call.apply_async(args=[call.pk], queue=queue)
        wait_for(lambda: Call.objects.get(pk=call.pk).status == CallStatus.SKIPPED, timeout=30,
                 what="the worker to refuse the queued call")
    finally:
        runtime.start_beat()
    call.refresh_from_db()
    assert call.attempts.count() == 0 and "does not dial this contact's number" in call.error
    queued.refresh_from_db()
    assert queued.status == CampaignStatus.PAUSED and fixed in queued.status_reason
    contact.refresh_from_db()
    assert (contact.status, contact.attempts) == (C.PENDING, 0)

    # 2. Beat's tick finds another one running: paused before any contact is claimed.
    ticking = started_before("Running before", pending_numbers)
    wait_for(lambda: Campaign.objects.get(pk=ticking.pk).status == CampaignStatus.PAUSED, timeout=30,
             what="the tick to pause the campaign")
    ticks = runtime.beat.text().count("campaigns-tick")
    wait_for(lambda: runtime.beat.text().count("campaigns-tick") >= ticks + 2, timeout=20, what="two more ticks")
    ticking.refresh_from_db()
    assert ticking.status_reason.startswith("Paused so that no call goes out. The Call step of this campaign's "
                                            f"flow version dials {fixed}, not each contact's number.")
    assert not Call.objects.filter(campaign_link__contact__campaign=ticking).exists()
    assert statuses(ticking) == {C.PENDING: 3}
    assert Campaign.objects.get(pk=queued.pk).status == CampaignStatus.PAUSED  # still: nothing resumed it
    sent_nothing()
