"""The Celery workaround in flowstudio/celery_fixes.py is tied to the versions it was written for."""

import celery
import kombu
from celery.signals import worker_init
from celery.worker.consumer import consumer

from flowstudio import celery_fixes


def test_it_targets_the_pinned_celery_and_kombu():
    # When this fails, the pinned Celery or kombu changed: check whether the new release still loses
    # the worker on a Redis restart (tests/calls/test_worker.py), then update FIXES or drop the module.
    assert (celery.__version__, kombu.__version__) == celery_fixes.FIXES


def test_it_patches_the_consumer_only_when_a_worker_starts(monkeypatch):
    monkeypatch.setattr(consumer.Consumer, "on_connection_error_after_connected", celery_fixes._original)
    # Connected by flowstudio/celery.py, but nothing is patched until a worker starts.
    assert consumer.Consumer.on_connection_error_after_connected is celery_fixes._original
    worker_init.send(sender=None)
    assert consumer.Consumer.on_connection_error_after_connected is celery_fixes._on_connection_error_after_connected


def test_it_leaves_other_versions_alone(monkeypatch):
    monkeypatch.setattr(consumer.Consumer, "on_connection_error_after_connected", celery_fixes._original)
    monkeypatch.setattr(celery_fixes, "FIXES", ("0.0", "0.0"))
    assert celery_fixes.apply() is False
    assert consumer.Consumer.on_connection_error_after_connected is celery_fixes._original
