"""Audit rows of the counter's reads, written without making the counter wait behind a sync.

SQLite has one writer. A device draining its outbox holds it for a chunk of commands at a time,
and a scan's audit row used to wait for that chunk on the event loop, stalling every other
request with it. Now a profile view writes its audit row at once when the writer is free (the
usual case: audited before the answer leaves), and otherwise hands the row to this writer's
thread, which writes everything handed to it as soon as the writer is free again, in one
transaction. The rows are the same either way; only the moment of writing differs, by at most
one chunk of commands.

Audit rows are written with ``synchronous=NORMAL`` like every non-command write, so a power cut
could lose the last few either way; a row still queued when the process is killed is lost too.
Stopping the hub (``close``) writes whatever is queued first.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from storeassist.hub.services.access import CallingDevice
from storeassist.hub.services.database import HubDatabase, utc_now
from storeassist.hub.services.staff_sessions import StaffCaller, touch
from storeassist.hub.services.trust import write_audit

log = logging.getLogger("storeassist.hub.audit")


@dataclass(frozen=True, slots=True)
class _Pending:
    at: datetime
    device_id: int
    staff_id: int | None
    action: str
    subject: str


class AuditWriter:
    """Writes a staff member's audited read now if the database writer is free, else very soon."""

    def __init__(self, db: HubDatabase) -> None:
        self._db = db
        self._queue: deque[_Pending] = deque()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def record(self, who: StaffCaller | CallingDevice, *, action: str, subject: str) -> None:
        """Audit ``action`` on ``subject`` by a staff member (renewing their session when due) or
        by a device with nobody signed in (a kiosk)."""
        device_id, staff_id = (
            (who.device.id, who.staff_id) if isinstance(who, StaffCaller) else (who.id, None)
        )
        with self._db.writing_statements_if_free() as connection:
            if connection is not None:
                write_audit(
                    connection, device_id=device_id, staff_id=staff_id, action=action, subject=subject
                )
                if isinstance(who, StaffCaller) and who.touch_due(utc_now()):
                    touch(connection, who)
                return
        row = _Pending(utc_now(), device_id, staff_id, action, subject)
        if self._closed:  # the hub is stopping and the thread is gone: write it here, waiting
            self._write([row])
            return
        with self._wake:
            self._queue.append(row)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hub-audit", daemon=True)
                self._thread.start()
            self._wake.notify()

    def pending(self) -> int:
        with self._wake:
            return len(self._queue)

    def close(self) -> None:
        """Write what is queued, then stop the thread (the hub is stopping)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._write(self._take())

    def _take(self) -> list[_Pending]:
        with self._wake:
            rows = list(self._queue)
            self._queue.clear()
            return rows

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
            if not self._write(self._take()):
                with self._wake:
                    self._wake.wait(timeout=1.0)  # the database is in trouble: do not spin

    def _write(self, rows: list[_Pending]) -> bool:
        if not rows:
            return True
        try:
            with self._db.writing_statements() as connection:
                for row in rows:
                    write_audit(
                        connection,
                        device_id=row.device_id,
                        staff_id=row.staff_id,
                        action=row.action,
                        subject=row.subject,
                        at=row.at,
                    )
        except Exception:
            # The rows cannot be written now (database gone, disk full): put them back for the
            # next attempt rather than lose them, and say so without any personal data.
            log.exception("%d audit rows could not be written yet", len(rows))
            with self._wake:
                self._queue.extendleft(reversed(rows))
            return False
        return True
