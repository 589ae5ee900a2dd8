"""INV-5, INV-6: maintenance and terms changes announced by an administrator, kept for the
portal to show every member: maintenance until it ends, a terms change until a month after it
took effect."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import Column, Date, MetaData, String, Table, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.einvoicing.domain.announcements import Announcement
from shared.clock import brussels_day
from shared.contracts import Event, EventEnvelope
from shared.contracts.einvoicing import (
    AnnounceMaintenance,
    AnnounceTermsChange,
    MaintenanceAnnounced,
    TermsChangeAnnounced,
)
from shared.eventstore.schema import UtcDateTime
from shared.messaging.commands import CommandContext

metadata = MetaData()

announcements = Table(
    "announcements",
    metadata,
    Column("notice_id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),  # maintenance | terms
    Column("starts_at", UtcDateTime),
    Column("ends_at", UtcDateTime),
    Column("effect", String(16)),
    Column("terms_version", String(32)),
    Column("takes_effect_on", Date),
    Column("text_nl", String(1000), nullable=False),
    Column("text_fr", String(1000), nullable=False),
)


async def announce_maintenance(command: AnnounceMaintenance, ctx: CommandContext) -> None:
    announcement = await ctx.aggregates.get(Announcement, ctx.derived_id("announcement"))
    announcement.maintenance(command)
    await ctx.aggregates.save(announcement)


async def announce_terms_change(command: AnnounceTermsChange, ctx: CommandContext) -> None:
    announcement = await ctx.aggregates.get(Announcement, ctx.derived_id("announcement"))
    announcement.terms_change(command, brussels_day(ctx.uow.clock.now()))
    await ctx.aggregates.save(announcement)


class AnnouncementsProjection:
    name = "announcements"
    tables = (announcements,)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        match event:
            case MaintenanceAnnounced() as maintenance:
                row = maintenance.model_dump(
                    include={"notice_id", "starts_at", "ends_at", "effect"}
                )
                texts = {"text_nl": maintenance.message_nl, "text_fr": maintenance.message_fr}
                await conn.execute(insert(announcements), row | texts | {"kind": "maintenance"})
            case TermsChangeAnnounced() as terms:
                row = terms.model_dump(include={"notice_id", "terms_version", "takes_effect_on"})
                texts = {"text_nl": terms.summary_nl, "text_fr": terms.summary_fr}
                await conn.execute(insert(announcements), row | texts | {"kind": "terms"})


class AnnouncementView(BaseModel):
    kind: str
    starts_at: datetime | None
    ends_at: datetime | None
    effect: str | None
    terms_version: str | None
    takes_effect_on: date | None
    text_nl: str
    text_fr: str


async def current(conn: AsyncConnection, now: datetime) -> list[AnnouncementView]:
    """What members are to be told now: maintenance not over yet, terms changes coming or
    taken effect within the last month."""
    row = announcements.c
    recent = brussels_day(now) - timedelta(days=31)
    found = await conn.execute(
        select(announcements)
        .where(or_(row.ends_at > now, row.takes_effect_on >= recent))
        .order_by(row.starts_at, row.takes_effect_on)
    )
    return [AnnouncementView.model_validate(a._asdict()) for a in found]


HANDLERS = {AnnounceMaintenance: announce_maintenance, AnnounceTermsChange: announce_terms_change}
