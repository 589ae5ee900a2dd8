"""Which service takes which commands, and what each command asks for: the contracts, read
for the command line's help and its first check of what a user typed."""

from __future__ import annotations

from types import ModuleType

from shared.contracts import (
    Command,
    access,
    care,
    complaints,
    dossier,
    einvoicing,
    hospital,
    identity,
    insurance,
    payments,
    privacy,
    youth_savings,
)

# The contract modules whose commands each service handles.
CONTRACTS: dict[str, tuple[ModuleType, ...]] = {
    "identity": (identity, access),
    "dossier": (dossier, privacy, care, insurance),
    "payments": (payments, youth_savings, hospital),
    "einvoicing": (einvoicing,),
    "complaints": (complaints,),
}


def commands_of(service: str) -> dict[str, type[Command]]:
    modules = {m.__name__ for m in CONTRACTS[service]}
    return {
        model.type_name: model
        for module in CONTRACTS[service]
        for model in vars(module).values()
        if isinstance(model, type)
        and issubclass(model, Command)
        and model.__module__ in modules
        and hasattr(model, "type_name")
    }


def fields(model: type[Command]) -> str:
    """The payload's fields, optional ones in brackets."""
    return ", ".join(
        name if info.is_required() else f"[{name}]" for name, info in model.model_fields.items()
    )


def help_text() -> str:
    """Every service's commands with their fields and who may send them, for `--help`."""
    blocks = []
    for service in CONTRACTS:
        lines = [f"\b\n{service}:"]
        for name, model in sorted(commands_of(service).items()):
            roles = "/".join(sorted(model.allowed_roles))
            lines.append(f"  {name} {{{fields(model)}}}  ({roles})")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
