"""Dramatiq actor of the API: webhook deliveries. The retry schedule lives in the delivery row
(see sora_site.api.webhooks), so dramatiq's own retries are off."""

from __future__ import annotations

import dramatiq

from sora_site.api.webhooks import webhook_delivery_attempt

WEBHOOK_QUEUE = "webhooks"


@dramatiq.actor(queue_name=WEBHOOK_QUEUE, max_retries=0, time_limit=60_000)
def deliver_webhook(delivery_id: int) -> None:
    webhook_delivery_attempt(delivery_id)
