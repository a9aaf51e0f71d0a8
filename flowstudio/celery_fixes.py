"""Workarounds for Celery 5.7.0 + kombu 5.7.0 on Redis: keep the worker alive when Redis restarts.

Applied by ``install(app)`` in flowstudio/celery.py, when a worker starts (``worker_init``); never as
a side effect of an import. It patches only the versions it was written for (``FIXES``): with any
other version it leaves Celery alone and says so, and tests/test_celery_fixes.py fails until someone
checks whether the new release still needs it.

When the broker connection drops while the worker holds unacknowledged messages (acks_late, ETA
tasks), ``Consumer.on_connection_error_after_connected`` first ``collect()``s the connection, which
clears the transport's client, then ``close()``s it; closing the channel tries to restore the
unacked messages, builds a Redis client from that cleared client and raises AttributeError
(``'NoneType' object has no attribute 'hostname'`` in ``kombu.transport.redis._connparams``).
``ignore_errors`` only swallows connection errors, so the worker dies with "Unrecoverable error"
instead of reconnecting.

Nothing is lost by skipping that restore: if Redis kept its data the messages come back from its
unacked set after the visibility timeout, and if it lost them the calls reaper re-enqueues every
due queued call from the database.

The same cleared client kills the worker a second way: a task still running when the connection
dropped finishes after the consumer has reconnected, and acknowledging (or rejecting) its message
goes through the old channel, whose transport has no client any more (the same AttributeError, raised
inside the event loop: "Unrecoverable error"). Such a message cannot be acknowledged anywhere, so the
acknowledgement is dropped: if Redis kept the message it is delivered again after the visibility
timeout and the task finds its work done (place_call's claim is a conditional UPDATE; a tick claims
with skip_locked), and if Redis lost it there is nothing to acknowledge.

Remove this module when a Celery release fixes the close order.
"""

from __future__ import annotations

import logging
from typing import Any

import celery
import kombu
from celery.signals import worker_init
from celery.worker.consumer import consumer as _consumer
from kombu.transport import redis as _redis

logger = logging.getLogger(__name__)

# The (celery, kombu) versions whose bug this works around.
FIXES = ("5.7.0", "5.7.0")
_original = _consumer.Consumer.on_connection_error_after_connected
_original_ack = _redis.QoS.ack
_original_reject = _redis.QoS.reject


def _on_connection_error_after_connected(self, exc):  # type: ignore[no-untyped-def]
    try:
        return _original(self, exc)
    except AttributeError:
        logger.warning(
            "The broker connection was lost and its unacknowledged messages could not be restored "
            "(a Celery 5.7 bug); reconnecting. They return after the visibility timeout or through the reaper."
        )
        return None


def _collected(qos: Any) -> bool:
    """The channel's connection was collected after the broker went away (its transport lost its client)."""
    return getattr(getattr(qos.channel, "connection", None), "client", None) is None


def _dropped(delivery_tag: Any) -> None:
    logger.warning(
        "A task finished after the broker connection it came on was lost, so its message %s cannot be "
        "acknowledged (a Celery 5.7 bug); if the broker kept it, its redelivery finds the work done.", delivery_tag
    )


def _ack(self, delivery_tag):  # type: ignore[no-untyped-def]
    if _collected(self):
        return _dropped(delivery_tag)
    return _original_ack(self, delivery_tag)


def _reject(self, delivery_tag, requeue=False):  # type: ignore[no-untyped-def]
    if _collected(self):
        return _dropped(delivery_tag)
    return _original_reject(self, delivery_tag, requeue=requeue)


def applies() -> bool:
    return (celery.__version__, kombu.__version__) == FIXES


def apply() -> bool:
    """Patch the consumer and the Redis transport's acknowledgements. Returns whether the patches are in place."""
    if not applies():
        logger.warning("flowstudio/celery_fixes.py targets celery/kombu %s and is not applied to %s/%s.",
                       "/".join(FIXES), celery.__version__, kombu.__version__)
        return False
    _consumer.Consumer.on_connection_error_after_connected = _on_connection_error_after_connected
    _redis.QoS.ack = _ack
    _redis.QoS.reject = _reject
    return True


def install(app: Any) -> None:
    """Apply the patch in worker processes when they start (nothing changes in web processes)."""

    def on_worker_init(**kwargs: Any) -> None:
        apply()

    worker_init.connect(on_worker_init, weak=False, dispatch_uid="flowstudio.celery_fixes")
