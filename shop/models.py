"""The domain-event outbox."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """A domain event, written in the transaction that caused it; the relay publishes it to Kafka.

    Nothing is lost while Kafka is down: the row waits here. `position` orders the
    relay; `event_id` is what consumers de-duplicate on.
    """

    position = models.BigAutoField(verbose_name=_("position"), primary_key=True)
    event_id = models.UUIDField(verbose_name=_("event id"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(verbose_name=_("type"), max_length=64, db_index=True)
    version = models.PositiveSmallIntegerField(verbose_name=_("version"), default=1)
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"), default=timezone.now)
    user_id = models.BigIntegerField(verbose_name=_("user id"), null=True, blank=True)
    session_key = models.CharField(verbose_name=_("session key"), max_length=64, blank=True)
    payload = models.JSONField(verbose_name=_("payload"), default=dict)
    published_at = models.DateTimeField(verbose_name=_("published at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"), default=0)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["position"]
        indexes = [
            models.Index(
                fields=["position"], condition=models.Q(published_at__isnull=True), name="shop_outbox_unpublished"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"

    @property
    def key(self) -> str:
        """Kafka key: one person's events go to one partition, so they stay in order."""
        if self.user_id:
            return f"user:{self.user_id}"
        return f"session:{self.session_key}" if self.session_key else f"event:{self.event_id}"

    def message(self) -> dict:
        """The versioned JSON sent to Kafka (see docs/events.md)."""
        return {
            "id": str(self.event_id),
            "type": self.type,
            "version": self.version,
            "occurred_at": self.occurred_at.isoformat(),
            "user_id": self.user_id,
            "session": self.session_key or None,
            "payload": self.payload,
        }
