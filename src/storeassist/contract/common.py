"""Pieces every part of the contract uses."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

API_PREFIX = "/v1"

Channel = Literal["web", "app", "store", "marketplace"]
Role = Literal["associate", "supervisor", "manager", "admin"]


class WireModel(BaseModel):
    """Base of every contract model: unknown fields are refused, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Problem(WireModel):
    """An error answer in the style of RFC 9457 (``application/problem+json``).

    ``code`` is stable and machine-readable (``token_expired``, ``not_found`` …); ``detail`` is
    written for a person and never contains a stack trace or personal data.
    """

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    code: str
