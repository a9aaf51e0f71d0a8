"""The Celery workaround in flowstudio/celery_fixes.py is tied to the versions it was written for."""

import celery
import kombu
from celery.signals import worker_init
from celery.worker.consumer import consumer
from kombu.transport import redis

from flowstudio import celery_fixes


def unpatched(monkeypatch) -> None:
    monkeypatch.setattr(consumer.Consumer, "on_connection_error_after_connected", celery_fixes._original)
    monkeypatch.setattr(redis.QoS, "ack", celery_fixes._original_ack)
    monkeypatch.setattr(redis.QoS, "reject", celery_fixes._original_reject)


def test_it_targets_the_pinned_celery_and_kombu():
    # When this fails, the pinned Celery or kombu changed: check whether the new release still loses
    # the worker on a Redis restart (tests/calls/test_worker.py), then update FIXES or drop the module.
    assert (celery.__version__, kombu.__version__) == celery_fixes.FIXES


def test_it_patches_the_consumer_only_when_a_worker_starts(monkeypatch):
    unpatched(monkeypatch)
    # Connected by flowstudio/celery.py, but nothing is patched until a worker starts.
    assert consumer.Consumer.on_connection_error_after_connected is celery_fixes._original
    assert redis.QoS.ack is celery_fixes._original_ack
    worker_init.send(sender=None)
    assert consumer.Consumer.on_connection_error_after_connected is celery_fixes._on_connection_error_after_connected
    assert (redis.QoS.ack, redis.QoS.reject) == (celery_fixes._ack, celery_fixes._reject)


class Transport:
    def __init__(self, client) -> None:
        self.client = client


class Channel:
    def __init__(self, client) -> None:
        self.connection = Transport(client)


def qos_on(client) -> redis.QoS:
    qos = redis.QoS.__new__(redis.QoS)  # only its channel matters here
    qos.channel = Channel(client)
    return qos


def test_it_drops_the_acknowledgement_of_a_message_from_a_lost_connection(monkeypatch, caplog):
    # After the broker went away, the consumer collected the old connection: its transport has no client.
    seen = []
    monkeypatch.setattr(celery_fixes, "_original_ack", lambda qos, tag: seen.append(("ack", tag)))
    monkeypatch.setattr(celery_fixes, "_original_reject", lambda qos, tag, requeue: seen.append(("reject", tag)))
    lost, live = qos_on(None), qos_on(object())
    assert celery_fixes._ack(lost, "tag-1") is None and celery_fixes._reject(lost, "tag-2", requeue=True) is None
    assert seen == [] and "cannot be acknowledged" in caplog.text
    celery_fixes._ack(live, "tag-3")
    celery_fixes._reject(live, "tag-4", requeue=False)
    assert seen == [("ack", "tag-3"), ("reject", "tag-4")]  # a live connection acknowledges as before


def test_it_leaves_other_versions_alone(monkeypatch):
    unpatched(monkeypatch)
    monkeypatch.setattr(celery_fixes, "FIXES", ("0.0", "0.0"))
    assert celery_fixes.apply() is False
    assert consumer.Consumer.on_connection_error_after_connected is celery_fixes._original
    assert (redis.QoS.ack, redis.QoS.reject) == (celery_fixes._original_ack, celery_fixes._original_reject)
