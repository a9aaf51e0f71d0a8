"""A workaround for Celery 5.7.0 + kombu 5.7.0 on Redis: keep the worker alive when Redis restarts.

When the broker connection drops while the worker holds unacknowledged messages (acks_late, ETA
tasks), ``Consumer.on_connection_error_after_connected`` first ``collect()``s the connection, which
clears the transport's client, then ``close()``s it; closing the channel tries to restore the
unacked messages, builds a Redis client from that cleared client and raises AttributeError
(``'NoneType' object has no attribute 'hostname'`` in ``kombu.transport.redis._connparams``).
``ignore_errors`` only swallows connection errors, so the worker dies with "Unrecoverable error"
instead of reconnecting.

Nothing is lost by skipping that restore: if Redis kept its data the messages come back from its
unacked set after the visibility timeout, and if it lost them the calls reaper re-enqueues every
due queued call from the database. Remove this module when a Celery release fixes the close order.
"""

from __future__ import annotations

import logging

from celery.worker.consumer import consumer as _consumer

logger = logging.getLogger(__name__)
_original = _consumer.Consumer.on_connection_error_after_connected


def _on_connection_error_after_connected(self, exc):  # type: ignore[no-untyped-def]
    try:
        return _original(self, exc)
    except AttributeError:
        logger.warning(
            "The broker connection was lost and its unacknowledged messages could not be restored "
            "(a Celery 5.7 bug); reconnecting. They return after the visibility timeout or through the reaper."
        )
        return None


_current = _consumer.Consumer.on_connection_error_after_connected
if getattr(_current, "__name__", "") != "_on_connection_error_after_connected":  # patch once
    _consumer.Consumer.on_connection_error_after_connected = _on_connection_error_after_connected
