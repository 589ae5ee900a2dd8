"""Each service's part of the copy of a person's data made for their access or portability
request (DOS-12): answering.py answers `PersonalDataRequested`, made.py keeps which copies
were made of whom. A service that holds personal data wires it with its own part builder:

    subscriptions=[..., exports.subscription("identity", personal_data.part_of)],
    timer_handlers={..., **exports.HANDLERS},
    migrations=[..., exports.MIGRATIONS],
"""

from pathlib import Path

from shared.eventstore.database import Migrations
from shared.messaging.consumer import Subscription
from shared.privacy.exports.answering import KEPT, PartOf, answering, on_kept_a_month

MIGRATIONS = Migrations(Path(__file__).parent / "migrations", "alembic_version_exports")

HANDLERS = {KEPT: on_kept_a_month}


def subscription(service: str, part_of: PartOf) -> Subscription:
    """The dossier's requests (and erasures), answered by `service` with `part_of`."""
    return Subscription("personal-data", ["dossier"], answering(service, part_of))


__all__ = ["HANDLERS", "MIGRATIONS", "PartOf", "subscription"]
