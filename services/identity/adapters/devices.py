"""The app's devices and their PINs in identity's own table (ID-8): argon2-hashed, and
revoked (`AppDeviceRevoked`) after too many wrong PINs in a row."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from services.identity.adapters.passwords import hash_password, verify_password
from services.identity.adapters.private_tables import app_devices
from services.identity.domain.accounts import Account, AccountError
from services.identity.domain.devices import revokes
from services.identity.handlers.saving import save_accounts
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository


async def register_device(
    uow: UnitOfWork, aggregates: Repository, account: Account, device_id: str, pin: str
) -> None:
    """Sets the device's PIN; a device of the same account gets a new one (and is usable again
    if it had been revoked). Raises AccountError for a device of another account."""
    devices = app_devices.c
    owner = await uow.conn.scalar(select(devices.account_id).where(devices.device_id == device_id))
    if owner not in (None, account.account_id):
        raise AccountError("this device is registered to another account")
    account.register_device(device_id)
    await uow.conn.execute(delete(app_devices).where(devices.device_id == device_id))
    await uow.conn.execute(
        insert(app_devices).values(
            device_id=device_id,
            account_id=account.account_id,
            pin_hash=await hash_password(pin),
            failed_attempts=0,
            revoked=False,
        )
    )
    await save_accounts(aggregates, account)


async def check_pin(
    uow: UnitOfWork, aggregates: Repository, device_id: str, pin: str
) -> str | None:
    """The device's account if the PIN is right. Every attempt is counted before the PIN is
    checked, so concurrent guesses share the limit; the caller commits a wrong attempt too.
    Too many wrong ones revoke the device: identity's decision, saved with `aggregates`."""
    devices = app_devices.c
    counted = await uow.conn.execute(
        update(app_devices)
        .where(devices.device_id == device_id, devices.revoked.is_(False))
        .values(failed_attempts=devices.failed_attempts + 1)
    )
    row = None
    if counted.rowcount == 1:
        query = select(app_devices).where(devices.device_id == device_id)
        row = (await uow.conn.execute(query)).one()
    if await verify_password(row.pin_hash if row else None, pin):
        await uow.conn.execute(
            update(app_devices).where(devices.device_id == device_id).values(failed_attempts=0)
        )
        return row.account_id
    if row is not None and revokes(row.failed_attempts):
        await uow.conn.execute(
            update(app_devices).where(devices.device_id == device_id).values(revoked=True)
        )
        # Whatever the account's state; saved like any other, a concurrent change of the
        # account is a conflict (409, api/passwordless_logins.py).
        account = await aggregates.get(Account, row.account_id)
        account.revoke_device(device_id)
        await save_accounts(aggregates, account)
    return None
