"""Typed settings for the app, read once at start from ``storeassist.toml`` in the data folder.

The composition root (:mod:`storeassist.app`) loads them and passes the pieces down; no other
module reads the file or the environment on its own (style.md §11). A missing file means
defaults; a file that does not validate is reported with a message a person can act on.
"""

from __future__ import annotations

import platform
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from storeassist.domain.kiosk import IDLE_RESET_S, IDLE_WARNING_S
from storeassist.domain.returns import DEFAULT_POLICY
from storeassist.settings_file import CONFIG_FILE_NAME, ConfigError, read_settings_file

__all__ = [
    "CONFIG_FILE_NAME",
    "DEVICE_RECORD_NAME",
    "ConfigError",
    "DeviceRecord",
    "ScannerSettings",
    "Settings",
    "load_device_record",
    "load_settings",
    "save_device_record",
]


class ScannerSettings(BaseModel):
    """Keyboard-wedge timing. Scanners type a key every ~5–10 ms; people take 100 ms or more."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Longest pause between two keys of one scanner burst.
    max_key_gap_ms: int = Field(default=30, ge=5, le=200)
    #: Fewest characters before Enter for a fast burst to count as a scan.
    min_length: int = Field(default=3, ge=1, le=64)
    #: A fast burst this long is a scan even when the scanner sends no Enter after it.
    min_length_without_enter: int = Field(default=8, ge=2, le=256)


class Settings(BaseModel):
    """Everything the app can be told through ``storeassist.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hub_url: str | None = Field(default=None, description="the back office; set at enrollment if absent")
    store_id: int | None = Field(default=None, ge=1)
    device_name: str = Field(default_factory=lambda: platform.node() or "StoreAssist tablet", max_length=80)
    scanner: ScannerSettings = ScannerSettings()
    #: Personal data in the device cache is dropped after this many days.
    cache_personal_data_days: int = Field(default=30, ge=1, le=365)
    #: A signed-in staff member is signed out after this many minutes without a touch or key.
    staff_idle_minutes: int = Field(default=5, ge=1, le=240)
    #: A stock count older than this many hours is shown as uncertain ("about N · 4 days ago"),
    #: never as fact (``domain.stock.FRESH_FOR``).
    stock_fresh_hours: int = Field(default=72, ge=1, le=24 * 90)
    #: The most (in minor units) a return taken while the hub cannot be reached may be worth; at
    #: most the policy's own cap (``domain.returns.ReturnPolicy.offline_cap_cents``), 0 for none.
    returns_offline_cap_cents: int = Field(
        default=DEFAULT_POLICY.offline_cap_cents, ge=0, le=DEFAULT_POLICY.offline_cap_cents
    )
    #: Interface language (a Qt locale name such as ``de_DE``); empty means the system's.
    language: str = ""
    #: Run the self-service kiosk rather than the associate app (as ``storeassist --kiosk``).
    kiosk: bool = False
    #: Seconds without a touch before the kiosk warns a shopper it will start over, and before
    #: it does (forgetting them); the warning comes at least 5 s before the reset.
    kiosk_idle_warning_s: int = Field(default=IDLE_WARNING_S, ge=5, le=600)
    kiosk_idle_reset_s: int = Field(default=IDLE_RESET_S, ge=10, le=900)

    @model_validator(mode="after")
    def _warning_before_reset(self) -> Settings:
        if self.kiosk_idle_warning_s > self.kiosk_idle_reset_s - 5:
            raise ValueError(
                "kiosk_idle_warning_s must be at least 5 seconds less than kiosk_idle_reset_s "
                f"(now {self.kiosk_idle_warning_s} and {self.kiosk_idle_reset_s})"
            )
        return self


def load_settings(data_dir: Path) -> Settings:
    """Read ``<data_dir>/storeassist.toml``; defaults when the file does not exist."""
    path = data_dir / CONFIG_FILE_NAME
    data = read_settings_file(data_dir)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ConfigError(f"The settings file {path} has mistakes: {problems}") from exc


class DeviceRecord(BaseModel):
    """What this device remembers about its enrollment (``device.json``); never the credential,
    which lives in the OS keyring (``storeassist.security.credentials``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    device_id: int
    store_id: int
    store_name: str
    hub_url: str
    #: How the store writes numbers, dates and money (a Qt locale name, an ISO 4217 currency, an
    #: IANA time zone), from the enrollment answer or ``/v1/stores``. None in a record written
    #: before the hub sent them, until the app has asked.
    store_locale: str | None = None
    store_currency: str | None = None
    store_timezone: str | None = None


DEVICE_RECORD_NAME = "device.json"


def load_device_record(data_dir: Path) -> DeviceRecord | None:
    """The enrollment record, or None when this device has not been enrolled (or the file is damaged)."""
    try:
        return DeviceRecord.model_validate_json((data_dir / DEVICE_RECORD_NAME).read_bytes())
    except (FileNotFoundError, ValidationError):
        return None


def save_device_record(data_dir: Path, record: DeviceRecord) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = data_dir / (DEVICE_RECORD_NAME + ".tmp")
    temporary.write_text(record.model_dump_json(indent=2), encoding="utf-8")
    temporary.replace(data_dir / DEVICE_RECORD_NAME)
