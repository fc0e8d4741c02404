"""Dramatiq broker selection, made once per process before any actor is declared.

`BROKER_URL` (or `REDIS_URL`) picks the real broker: `amqp://` -> RabbitMQ, `redis://` -> Redis.
With neither, a StubBroker holds messages in memory and `start_inprocess_worker` consumes them
in threads of the web process, so `make run` needs no services (messages queued there vanish on
restart; the job sweeper re-enqueues them from the database, which is the source of truth).
"""

from __future__ import annotations

import logging
import threading

import dramatiq
import dramatiq.errors
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_worker: dramatiq.Worker | None = None


def build_broker(url: str) -> dramatiq.Broker:
    if url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url)
    if url:
        raise ValueError(f"BROKER_URL must start with amqp:// or redis://, got {url.split(':')[0]}")
    broker = StubBroker()
    broker.emit_after("process_boot")
    return broker


def configure_broker(url: str, extra_middleware: list[Middleware] | None = None) -> dramatiq.Broker:
    broker = build_broker(url)
    for middleware in extra_middleware or []:
        broker.add_middleware(middleware)
    dramatiq.set_broker(broker)
    return broker


def broker_errors() -> tuple[type[BaseException], ...]:
    """What a send raises when the broker does not answer: dramatiq's own connection errors
    (RabbitMQ), redis-py's (the Redis broker lets them through) and socket errors."""
    errors: list[type[BaseException]] = [dramatiq.errors.BrokerConnectionError, OSError]
    try:
        import redis

        errors.append(redis.exceptions.RedisError)
    except ImportError:  # a RabbitMQ-only install
        pass
    return tuple(errors)


def start_inprocess_worker(threads: int = 1) -> dramatiq.Worker:
    """Consume the in-memory broker from threads of this process (development default)."""
    global _worker
    with _lock:
        if _worker is None:
            _worker = dramatiq.Worker(dramatiq.get_broker(), worker_threads=threads)
            _worker.start()
            logger.info("worker.inprocess.started", extra={"threads": threads})
        return _worker


def stop_inprocess_worker() -> None:
    global _worker
    with _lock:
        if _worker is not None:
            _worker.stop()
            _worker = None
