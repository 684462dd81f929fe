"""The device record keeps how the store writes money and times, and reads records from before."""

from __future__ import annotations

import json
from pathlib import Path

from storeassist.config import DEVICE_RECORD_NAME, DeviceRecord, load_device_record, save_device_record


def test_a_record_written_before_stores_had_a_locale_still_opens(tmp_path: Path) -> None:
    written_by_an_older_app = {
        "device_id": 3,
        "store_id": 1,
        "store_name": "Union Square",
        "hub_url": "http://hub",
    }
    (tmp_path / DEVICE_RECORD_NAME).write_text(json.dumps(written_by_an_older_app), encoding="utf-8")

    record = load_device_record(tmp_path)

    assert record is not None and record.store_name == "Union Square"
    assert (record.store_locale, record.store_currency, record.store_timezone) == (None, None, None)


def test_the_stores_locale_currency_and_time_zone_are_kept(tmp_path: Path) -> None:
    record = DeviceRecord(
        device_id=3,
        store_id=7,
        store_name="Mitte",
        hub_url="http://hub",
        store_locale="de_DE",
        store_currency="EUR",
        store_timezone="Europe/Berlin",
    )
    save_device_record(tmp_path, record)
    assert load_device_record(tmp_path) == record
