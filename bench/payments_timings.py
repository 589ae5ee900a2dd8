"""Wall-clock timings of the payments service's steps, for the bench's profile: each function
below is wrapped (in the service process only, when profiling) to count its calls and add up
the time from call to return. For a coroutine that is wall time, waits included, and it
overlaps: the command handler, the relay, the projector and the timers share one event loop,
so a step's time includes what ran while it waited. A step's time over the phase's is how busy
it kept its loop; nested steps are included in their callers'.

cProfile's figures for coroutines run through SQLAlchemy's greenlets are unreliable; these are
not, and they need no change to the service's code."""

from __future__ import annotations

import functools
import importlib
import inspect
import time
from collections import Counter

# (module, attribute): a module's function, or "Class.method".
STEPS = [
    ("shared.messaging.commands", "CommandBus.handle_record"),
    ("shared.messaging.commands", "CommandBus._authenticate"),
    ("shared.messaging.commands", "CommandBus._open"),
    ("shared.messaging.commands", "CommandBus._decode"),
    ("shared.messaging.commands", "CommandBus._finish"),
    ("shared.messaging.commands", "_outcome"),
    ("services.payments.certificates", "_decide"),
    ("services.payments.certificates", "_load"),
    ("services.payments.certificates", "_reimburse"),
    ("services.payments.certificates", "_book"),
    ("services.payments.care_records", "Certificates.recorded"),
    ("services.payments.household_years", "count"),
    ("services.payments.household_years", "_settle_ceiling"),
    ("services.payments.household_years", "_save"),
    ("services.payments.payables", "Payables.owe"),
    ("services.payments.payables", "Payables.payable"),
    ("services.payments.payables", "Payables.mark_paid"),
    ("services.payments.payables", "Payables.remaining"),
    ("services.payments.payables", "Payables.hold"),
    ("services.payments.payment_runs", "_accounts"),
    ("services.payments.payment_runs", "_pay"),
    ("services.payments.payment_runs", "_transfer_file"),
    ("services.payments.domain.payment_run", "plan"),
    ("services.payments.sepa", "credit_transfer_file"),
    ("services.payments.sepa", "summary"),
    ("shared.eventstore.repository", "Repository.get"),
    ("shared.eventstore.repository", "Repository.save"),
    ("shared.eventstore.store", "EventStore.append"),
    ("shared.eventstore.store", "EventStore.read_stream"),
    ("shared.eventstore.store", "EventStore.read_all"),
    ("shared.eventstore.store", "sealed_payloads"),
    ("shared.eventstore.store", "opened"),
    ("shared.eventstore.unit_of_work", "UnitOfWork.commit"),
    ("shared.eventstore.unit_of_work", "UnitOfWork.claim_message"),
    ("shared.eventstore.unit_of_work", "UnitOfWork.enqueue"),
    ("shared.privacy.envelopes", "seal"),
    ("shared.privacy.envelopes", "open_sealed"),
    ("shared.projections", "Projector._advance"),
    ("shared.projections", "HeldWrites.flush"),
    ("services.payments.read_model", "PaymentsHistory.apply"),
    ("services.payments.read_model", "_maf_year"),
    ("services.payments.read_model", "_paid"),
    ("shared.messaging.relay", "Relay.publish_pending"),
    ("shared.messaging.relay", "Relay._publish_events"),
    ("shared.messaging.relay", "Relay._publish_outbox"),
    ("shared.messaging.relay", "Relay._publish_command_keys"),
    ("shared.messaging.relay", "Relay._send"),
    ("shared.trust", "ProducerCredential.sign"),
    ("shared.timers", "Scheduler._due"),
    ("shared.timers", "Scheduler._fire"),
    ("shared.contracts.registry", "Registry.decode"),
]


class Timings:
    def __init__(self) -> None:
        self.on = False
        self.calls: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()

    def install(self) -> list[str]:
        """Wraps every step it finds; returns those it did not find (renamed since)."""
        missing = []
        for module_name, attribute in STEPS:
            try:
                module = importlib.import_module(module_name)
                owner_name, _, name = attribute.rpartition(".")
                owner = getattr(module, owner_name) if owner_name else module
                original = getattr(owner, name)
            except (ImportError, AttributeError):
                missing.append(f"{module_name}.{attribute}")
                continue
            setattr(
                owner, name, self._wrap(f"{module_name.rsplit('.', 1)[-1]}.{attribute}", original)
            )
        return missing

    def _wrap(self, label: str, original):
        if inspect.iscoroutinefunction(original):

            @functools.wraps(original)
            async def timed(*args, **kwargs):
                if not self.on:
                    return await original(*args, **kwargs)
                started = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    self.calls[label] += 1
                    self.seconds[label] += time.perf_counter() - started

            return timed
        if inspect.isasyncgenfunction(original):
            return original

        @functools.wraps(original)
        def timed_sync(*args, **kwargs):
            if not self.on:
                return original(*args, **kwargs)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.calls[label] += 1
                self.seconds[label] += time.perf_counter() - started

        return timed_sync

    def start(self) -> None:
        self.calls.clear()
        self.seconds.clear()
        self.on = True

    def stop(self) -> list[dict]:
        self.on = False
        return [
            {"step": label, "calls": self.calls[label], "seconds": round(seconds, 3)}
            for label, seconds in self.seconds.most_common()
        ]
