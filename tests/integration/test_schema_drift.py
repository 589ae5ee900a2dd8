"""Issue 9, item 9: every table is declared once. The code reads and writes the `Table`
declarations, the database has what the migrations made; after a service migrates all its
trees, Alembic's autogenerate comparison of the two must find nothing, on either backend."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Index, Integer, MetaData, String, Table

from services.complaints import read_model as complaints_read_model
from services.complaints.app import definition as complaints_service
from services.dossier import care_read_model as dossier_care_read_model
from services.dossier import contributions as dossier_contributions
from services.dossier import insurance_read_model as dossier_insurance_read_model
from services.dossier import privacy_read_model as dossier_privacy_read_model
from services.dossier import read_model as dossier_read_model
from services.dossier.app import definition as dossier_service
from services.einvoicing import announcements as einvoicing_announcements
from services.einvoicing import households as einvoicing_households
from services.einvoicing import payables as einvoicing_payables
from services.einvoicing import read_model as einvoicing_read_model
from services.einvoicing.app import definition as einvoicing_service
from services.identity.adapters import administrators, members, private_tables
from services.identity.app import definition as identity_service
from services.monitoring import (
    complaint_deadlines,
    invoice_figures,
    payment_figures,
    privacy_deadlines,
)
from services.monitoring import read_model as monitoring_read_model
from services.monitoring.app import definition as monitoring_service
from services.payments import (
    care_records,
    covers,
    hospital_read_model,
    payables,
    youth_savings_read_model,
)
from services.payments import members as payment_members
from services.payments import read_model as payments_read_model
from services.payments.app import definition as payments_service
from shared.access import read_model as access_read_model
from shared.eventstore import connect, schema
from shared.privacy import exports
from shared.privacy.exports import made as exports_made

# The trees every service migrates beside its own: the event store's and the access projection's.
SHARED = [schema.metadata, access_read_model.metadata]
# The trees some services migrate beside their own: the copies they make for access requests.
BESIDE = {exports.MIGRATIONS: exports_made.metadata}

# Each service's own tables, module by module.
SERVICES = {
    "identity": (
        identity_service,
        [private_tables.metadata, members.metadata, administrators.metadata],
    ),
    "dossier": (
        dossier_service,
        [
            dossier_read_model.metadata,
            dossier_privacy_read_model.metadata,
            dossier_care_read_model.metadata,
            dossier_insurance_read_model.metadata,
            dossier_contributions.metadata,
        ],
    ),
    "payments": (
        payments_service,
        [
            payment_members.metadata,
            care_records.metadata,
            payables.metadata,
            payments_read_model.metadata,
            youth_savings_read_model.metadata,
            covers.metadata,
            hospital_read_model.metadata,
        ],
    ),
    "einvoicing": (
        einvoicing_service,
        [
            einvoicing_households.metadata,
            einvoicing_read_model.metadata,
            einvoicing_payables.metadata,
            einvoicing_announcements.metadata,
        ],
    ),
    "complaints": (complaints_service, [complaints_read_model.metadata]),
    "monitoring": (
        monitoring_service,
        [
            monitoring_read_model.metadata,
            complaint_deadlines.metadata,
            privacy_deadlines.metadata,
            payment_figures.metadata,
            invoice_figures.metadata,
        ],
    ),
}


@pytest.fixture(params=SERVICES)
def service(request) -> str:
    return request.param


async def test_issue9_the_migrated_schema_is_the_declared_one(service, database_url):
    definition, own = SERVICES[service]
    beside = [tables for tree, tables in BESIDE.items() if tree in definition.migrations]

    drift = await _migrate_and_compare(database_url, definition, declared([*SHARED, *beside, *own]))

    assert drift == set()


async def test_issue9_the_comparison_sees_each_kind_of_drift(database_url):
    drifted = declared([*SHARED, exports_made.metadata, *SERVICES["dossier"][1]])
    persons = drifted.tables["booklet_persons"]
    persons.append_column(Column("first_name", String(101), nullable=False), replace_existing=True)
    persons.append_column(
        Column("role", String(16), nullable=False, server_default="holder"), replace_existing=True
    )
    persons.append_column(Column("nickname", String(20)))
    Index("ix_booklet_persons_last_name", persons.c.last_name)
    Table("ghost", drifted, Column("id", Integer, primary_key=True))
    drifted.remove(drifted.tables["person_index"])

    drift = await _migrate_and_compare(database_url, dossier_service, drifted)

    assert drift == {
        "modify_type booklet_persons.first_name",
        "modify_default booklet_persons.role",
        "add_column booklet_persons.nickname",
        "add_index ix_booklet_persons_last_name",
        "add_table ghost",
        "remove_table person_index",
    }


def test_issue9_every_table_module_of_a_service_is_compared(service):
    _, own = SERVICES[service]

    found = {frozenset(m.tables) for m in _metadata_in(f"services.{service}")}

    assert found == {frozenset(m.tables) for m in own}


def declared(metadatas: list[MetaData]) -> MetaData:
    """One MetaData holding every table of `metadatas` (compare_metadata takes one)."""
    union = MetaData()
    for metadata in metadatas:
        for table in metadata.tables.values():
            assert table.name not in union.tables, f"{table.name} is declared twice"
            table.to_metadata(union)
    return union


async def _migrate_and_compare(database_url, definition, metadata: MetaData) -> set[str]:
    database = connect(database_url)
    try:
        await database.migrate(*definition.migrations)
        async with database.read() as conn:
            return await conn.run_sync(_drift, metadata)
    finally:
        await database.dispose()


def _drift(connection, metadata: MetaData) -> set[str]:
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "include_name": _not_a_version_table,
        },
    )
    diffs = compare_metadata(context, metadata)
    # Changes to one column's type, nullability or default come grouped in a list.
    return {_described(d) for diff in diffs for d in (diff if isinstance(diff, list) else [diff])}


def _not_a_version_table(name, type_, _parent_names) -> bool:
    # Each tree records its revision in a table of its own; Alembic only leaves out the one
    # the MigrationContext names.
    return not (type_ == "table" and name.startswith("alembic_version_"))


def _described(diff: tuple) -> str:
    operation = diff[0]
    if operation.startswith("modify_"):
        return f"{operation} {diff[2]}.{diff[3]}"
    if operation in ("add_column", "remove_column"):
        return f"{operation} {diff[2]}.{diff[3].name}"
    return f"{operation} {diff[1].name}"


def _metadata_in(package_name: str) -> list[MetaData]:
    """Every MetaData a module of the package holds (its entry point and migrations aside)."""
    package = importlib.import_module(package_name)
    found: dict[int, MetaData] = {}
    for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
        if module.name.endswith(".__main__") or ".migrations" in module.name:
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, MetaData) and value not in SHARED:
                found[id(value)] = value
    return list(found.values())
