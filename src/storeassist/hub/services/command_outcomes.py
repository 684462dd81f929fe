"""Why a command was not applied: a refusal or a conflict, with its result code and params.

Kept apart from the effects so that every module of effects (``command_effects``, ``pickups``)
raises the same classes and ``commands`` reads them, without one effects module importing another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from storeassist import contract

#: Work that must outlive the refusal's rolled-back SAVEPOINT (a wrong pickup code still counts).
Aftermath = Callable[[Session], None]


class CommandNotApplied(Exception):
    """Why a command is not applied: ``code`` (a key of ``contract.RESULT_CODES``) with exactly the
    params that code names, and ``reason``, the same in English.

    ``aftermath``, if given, runs in the batch's transaction after the effect's SAVEPOINT is rolled
    back: what a refusal itself must record (a wrong pickup code counts towards the lock)."""

    def __init__(
        self, code: str, reason: str, *, aftermath: Aftermath | None = None, **params: str | int
    ) -> None:
        super().__init__(reason)
        expected = contract.RESULT_CODES.get(code)
        if expected is None or set(params) != set(expected):
            raise ValueError(f"result code {code!r} with params {sorted(params)} is not documented")
        self.code = code
        self.params = params
        self.reason = reason
        self.aftermath = aftermath


class CommandRefused(CommandNotApplied):
    """The command is rejected: it is wrong whatever the hub holds."""


class CommandConflict(CommandNotApplied):
    """The command no longer fits what the hub holds (``facts``, the state found)."""

    def __init__(
        self,
        code: str,
        reason: str,
        facts: dict[str, Any],
        *,
        aftermath: Aftermath | None = None,
        **params: str | int,
    ) -> None:
        super().__init__(code, reason, aftermath=aftermath, **params)
        self.facts = facts
