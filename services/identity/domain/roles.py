"""Whose account a member of staff may act on (block, unblock, close): only one of a lower or
equal role, so a role can never lock out the roles that oversee it.

The roles are partially ordered:

    member  <  complaints_handler, mediator, member_services  <  admin

The three middle roles are incomparable, not equal: each outranks members and is outranked
by admins, but none acts on another's account. Member services block and close accounts at the
desk (art 6.2); complaints handlers and the mediator handle complaints about the fund, member
services' decisions among them, and the mediator must stay independent of those it mediates
about. Were the three equal, member services could silence the people who review them. Only
an administrator acts on a complaints handler's or the mediator's account.

A role equals itself: member services act on fellow member services' accounts, admins on
admins' (the last usable administrator excepted, see accounts.py)."""

from __future__ import annotations

from shared.contracts import Role

BOTTOM: Role = "member"
TOP: Role = "admin"


def at_or_above(actor: Role, account: Role) -> bool:
    """Whether `actor` outranks or equals `account` in the partial order above."""
    return actor == account or actor == TOP or account == BOTTOM
