"""One start-up for every shell: open the data folder, enroll or load the device, build its services.

:class:`DeviceStartup` knows no window. The associate window, the kiosk, the tests and the
benchmarks all get a ready device the same way::

    startup = DeviceStartup(settings, data_dir, training=False, kind="tablet")
    record = await startup.prepare()          # None: not enrolled yet
    record = record or await startup.enroll(hub_url, code)
    device = startup.open(record)             # DeviceServices, typed
    ...
    await startup.aclose()

A tablet's services include the counters' (customers, pickups, stock, returns: personal data);
a kiosk's include none of them, only :class:`~storeassist.services.kiosk_desk.KioskDesk`
(``services.kiosk``), and its sync keeps the catalog, stock, keys and revoked cards only.

Everything slow (SQLite files, the keyring, seeding the training hub) runs on worker threads;
nothing here blocks the event loop. Progress is reported through ``progress(text, fraction)``
with English source text, marked for lupdate, that the shell translates
(``QCoreApplication.translate("training", …)``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from storeassist.config import DeviceRecord, Settings, load_device_record, save_device_record
from storeassist.words import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from storeassist.client import HubClient
    from storeassist.contract import StaffSession
    from storeassist.local import LocalCache, Outbox
    from storeassist.security.credentials import CredentialStore
    from storeassist.services.add_note import AddCustomerNote
    from storeassist.services.kiosk_desk import KioskDesk
    from storeassist.services.pickup_arrivals import PickupArrivals
    from storeassist.services.pickup_desk import PickupDesk
    from storeassist.services.recommend_products import RecommendProducts
    from storeassist.services.return_desk import ReturnDesk
    from storeassist.services.sign_in_staff import SignInStaff, StaffSessionState
    from storeassist.services.stock_catalog import CatalogFill
    from storeassist.services.stock_desk import StockDesk
    from storeassist.services.view_customer import ViewCustomer
    from storeassist.sync import SyncEngine
    from storeassist.training import TrainingHub

log = logging.getLogger("storeassist.app")

DeviceKind = Literal["tablet", "kiosk"]
#: How long start-up waits for the hub's store list when it must learn the store's formats.
STORE_DETAILS_DEADLINE_S = 3.0
Progress = Callable[[str, "float | None"], None]


def _no_progress(_text: str, _fraction: float | None) -> None:
    return None


class NotOnKiosk(AttributeError):
    """A counter's service asked of a kiosk: a kiosk has none of them (they hold personal data)."""


@dataclass(frozen=True)
class CounterServices:
    """The associate counters' services. Each reads or writes customers' personal data, so only
    a tablet has them; a kiosk's :class:`DeviceServices` has none."""

    view_customer: ViewCustomer
    notes: AddCustomerNote
    suggestions: RecommendProducts
    pickups: PickupDesk
    pickup_arrivals: PickupArrivals
    stock_desk: StockDesk
    returns: ReturnDesk


@dataclass(frozen=True)
class DeviceServices:
    """A ready device: every service a shell or feature may use, closed in reverse at shutdown.

    Each feature's screen declares the part it uses as a Protocol; this class satisfies them all.
    A tablet has the counters' services (``counters``) and no ``kiosk``; a kiosk has its
    :class:`~storeassist.services.kiosk_desk.KioskDesk` and no counters' service (asking for one
    raises :class:`NotOnKiosk`, an ``AttributeError``).
    """

    record: DeviceRecord
    credentials: CredentialStore
    client: HubClient
    cache: LocalCache
    outbox: Outbox
    sync: SyncEngine
    staff: StaffSessionState
    sign_in: SignInStaff
    counters: CounterServices | None = None
    kiosk: KioskDesk | None = None

    # -- the counters' services (a tablet's only) ---------------------------------------------

    def _counters(self, name: str) -> CounterServices:
        if self.counters is None:
            raise NotOnKiosk(f"a kiosk has no {name} service")
        return self.counters

    @property
    def view_customer(self) -> ViewCustomer:
        return self._counters("view_customer").view_customer

    @property
    def notes(self) -> AddCustomerNote:
        return self._counters("notes").notes

    @property
    def suggestions(self) -> RecommendProducts:
        return self._counters("suggestions").suggestions

    @property
    def pickups(self) -> PickupDesk:
        return self._counters("pickups").pickups

    @property
    def pickup_arrivals(self) -> PickupArrivals:
        return self._counters("pickup_arrivals").pickup_arrivals

    @property
    def stock_desk(self) -> StockDesk:
        return self._counters("stock_desk").stock_desk

    @property
    def returns(self) -> ReturnDesk:
        return self._counters("returns").returns

    # -- the store ----------------------------------------------------------------------------

    @property
    def store_id(self) -> int:
        return self.record.store_id

    @property
    def store_name(self) -> str:
        return self.record.store_name

    # How the store writes numbers, money and times (None: the hub has not said; defaults apply).
    @property
    def store_locale(self) -> str | None:
        return self.record.store_locale

    @property
    def store_currency(self) -> str | None:
        return self.record.store_currency

    @property
    def store_timezone(self) -> str | None:
        return self.record.store_timezone

    async def store_names(self) -> Mapping[int, str]:
        """The chain's store names by id (the hub's list; raises the client's error offline)."""
        return {store.id: store.name for store in await self.client.stores()}

    async def aclose(self) -> None:
        await self.sync.aclose()
        await self.client.aclose()
        self.cache.close()
        self.outbox.close()


class DeviceStartup:
    """From "data folder" to "device ready": the typed builder shared by every shell.

    ``keyring_backend`` is for tests (an in-memory keyring); the app uses the OS keyring.
    """

    def __init__(
        self,
        settings: Settings,
        data_dir: Path,
        *,
        training: bool,
        kind: DeviceKind = "tablet",
        keyring_backend: KeyringBackend | None = None,
        progress: Progress = _no_progress,
    ) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self.training = training
        self.kind: DeviceKind = kind
        self._keyring_backend = keyring_backend
        self._progress = progress
        self.training_hub: TrainingHub | None = None
        self.services: DeviceServices | None = None
        self._credentials: CredentialStore | None = None
        self._cache: LocalCache | None = None
        self._outbox: Outbox | None = None
        #: Sign-outs on their way to the hub (kept so the loop does not drop them).
        self._sign_outs: set[asyncio.Future[None]] = set()

    @property
    def device_dir(self) -> Path:
        """This device's own records: a kiosk started from the same folder as a tablet (the demo
        does) keeps its own enrollment, never the tablet's."""
        from storeassist.training import training_dir

        base = training_dir(self.data_dir) if self.training else self.data_dir
        return base / "kiosk" if self.kind == "kiosk" else base

    # -- getting ready ----------------------------------------------------------------------

    async def prepare(self) -> DeviceRecord | None:
        """Open this device's records (and, in training, start the practice hub and enroll).

        Returns the device's record, or None when it is not enrolled yet: then :meth:`enroll`."""
        if self.training:
            from storeassist.training import start_training_hub

            self.training_hub = await start_training_hub(self.data_dir, self._progress)
        self._progress(QT_TRANSLATE_NOOP("training", "Opening this tablet's records…"), 0.9)
        await asyncio.to_thread(self._open_local)
        record = await asyncio.to_thread(load_device_record, self.device_dir)
        credentials = self._credentials
        assert credentials is not None
        enrolled = record is not None and await asyncio.to_thread(credentials.load) is not None
        if self.training_hub is not None:
            if not enrolled:
                enrolling = QT_TRANSLATE_NOOP(
                    "training", "Enrolling this tablet with the practice back office…"
                )
                self._progress(enrolling, 0.95)
                code = await asyncio.to_thread(self.training_hub.issue_enrollment_code)
                record = await self.enroll(self.training_hub.url, code)
                enrolled = True
            assert record is not None
            # The practice hub listens on a new port each start.
            record = record.model_copy(update={"hub_url": self.training_hub.url})
        if not enrolled or record is None:
            return None
        return await self._with_store_details(record)

    def _open_local(self) -> None:
        """Runs on a worker thread: SQLite files and the keyring may be slow to open."""
        from storeassist.local import LocalCache, Outbox
        from storeassist.local.sqlite import StorageLocationUnusable, location_unusable
        from storeassist.security.credentials import CredentialStore

        folder = self.device_dir
        if folder.exists() and not folder.is_dir():
            cause = "a file with that name is in the way"
            raise StorageLocationUnusable(
                f"StoreAssist cannot keep its data in {folder}: {cause}. "
                "Move or rename that file (or ask IT to), then restart StoreAssist.",
                path=folder,
                cause=cause,
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where the folder should be, no permission, a full disk
            raise location_unusable(folder, "the device's data folder", exc) from exc
        self._credentials = CredentialStore(
            folder,
            backend=self._keyring_backend,
            account=("training-" if self.training else "") + ("kiosk" if self.kind == "kiosk" else "device"),
        )
        ttl = timedelta(days=self.settings.cache_personal_data_days)
        self._cache = LocalCache(folder / "cache.sqlite", personal_data_ttl=ttl)
        # Customers not seen for longer than the configured time leave the tablet before anyone looks.
        purged = self._cache.purge_expired(now=datetime.now(UTC))
        if purged:
            log.info("purged %d expired customer profiles at start-up", purged)
        # Read the pickup queue once here, off the GUI thread: the first board then paints at once.
        self._cache.open_pickups()
        self._outbox = Outbox(folder / "outbox.sqlite")

    async def enroll(self, hub_url: str, code: str) -> DeviceRecord:
        """Enroll with ``hub_url`` using a one-time ``code``; the record is saved when it returns."""
        from storeassist.client import HubClient
        from storeassist.services.enroll_device import EnrollDevice

        assert self._credentials is not None and self._cache is not None, "prepare() first"
        client = HubClient(hub_url)
        try:
            enrollment = await EnrollDevice(client, self._credentials, self._cache).enroll(
                code, self.settings.device_name, self.kind
            )
        finally:
            await client.aclose()
        record = DeviceRecord(
            device_id=enrollment.device_id,
            store_id=enrollment.store_id,
            store_name=enrollment.store_name,
            hub_url=hub_url,
            store_locale=enrollment.store_locale,
            store_currency=enrollment.store_currency,
            store_timezone=enrollment.store_timezone,
        )
        await asyncio.to_thread(save_device_record, self.device_dir, record)
        return record

    def open(self, record: DeviceRecord) -> DeviceServices:
        """Build the enrolled device's services (nothing runs yet: the shell starts sync)."""
        from storeassist.client import HubClient
        from storeassist.services.sign_in_staff import SignInStaff, StaffSessionState
        from storeassist.services.stock_catalog import CatalogFill
        from storeassist.sync import SyncEngine

        credentials, cache, outbox = self._credentials, self._cache, self._outbox
        assert credentials is not None and cache is not None and outbox is not None, "prepare() first"
        client = HubClient(record.hub_url, credentials.load)
        sync = SyncEngine(
            client, outbox, cache, record.store_id, feed="kiosk" if self.kind == "kiosk" else "store"
        )
        client.add_reachability_listener(sync.note_reachability)
        # Any call the hub refuses because this device was revoked stops sync, which says why.
        client.add_revocation_listener(sync.note_revoked)
        staff = StaffSessionState(idle_minutes=self.settings.staff_idle_minutes)
        # The hub's staff session and the tablet's sign-in end together, whichever ends first.
        client.add_staff_session_listener(staff.sign_out)
        catalog_fill = CatalogFill()
        sync.snapshot_progress.connect(catalog_fill.note)
        counters = kiosk = None
        if self.kind == "kiosk":
            kiosk = self._kiosk_desk(record, client, cache, catalog_fill)
        else:
            counters = self._counters(record, client, cache, outbox, sync, staff, catalog_fill)
        self.services = DeviceServices(
            record=record,
            credentials=credentials,
            client=client,
            cache=cache,
            outbox=outbox,
            sync=sync,
            staff=staff,
            sign_in=SignInStaff(client, record.store_id),
            counters=counters,
            kiosk=kiosk,
        )
        staff.add_listener(self._staff_changed)
        return self.services

    def _kiosk_desk(
        self, record: DeviceRecord, client: HubClient, cache: LocalCache, catalog_fill: CatalogFill
    ) -> KioskDesk:
        """A kiosk's one service: a shopper's answers go from the hub to the screen, never to the
        cache, the outbox or a log."""
        from storeassist.services.kiosk_desk import KioskDesk

        return KioskDesk(
            client,
            cache,
            record.store_id,
            currency=record.store_currency or "USD",
            fresh_for=timedelta(hours=self.settings.stock_fresh_hours),
            catalog_filling=catalog_fill,
            idle_warning_s=self.settings.kiosk_idle_warning_s,
            idle_reset_s=self.settings.kiosk_idle_reset_s,
            hub_went_quiet=client.note_gave_up,
        )

    def _counters(
        self,
        record: DeviceRecord,
        client: HubClient,
        cache: LocalCache,
        outbox: Outbox,
        sync: SyncEngine,
        staff: StaffSessionState,
        catalog_fill: CatalogFill,
    ) -> CounterServices:
        """A tablet's counters: customers, pickups, stock and returns."""
        from storeassist.services.add_note import AddCustomerNote
        from storeassist.services.identify_customer import IdentifyCustomer
        from storeassist.services.pending_actions import PendingActions
        from storeassist.services.pickup_arrivals import PickupArrivals
        from storeassist.services.pickup_desk import PickupDesk
        from storeassist.services.recommend_products import RecommendProducts
        from storeassist.services.record_profile_view import RecordProfileView
        from storeassist.services.return_desk import ReturnDesk
        from storeassist.services.search_customers import SearchCustomers
        from storeassist.services.stock_desk import StockDesk
        from storeassist.services.stock_holds import kept_customer_name
        from storeassist.services.view_customer import ViewCustomer

        identify = IdentifyCustomer(
            client,
            cache,
            cache.verification_keys,
            staff_id=staff.staff_id,
            hub_went_quiet=client.note_gave_up,
        )
        notes = AddCustomerNote(outbox, record.store_id, staff_id=staff.staff_id)
        viewed = RecordProfileView(outbox, record.store_id, staff_id=staff.staff_id)
        view_customer = ViewCustomer(
            identify,
            record.store_id,
            lambda: staff.role,
            staff_id=staff.staff_id,
            record_cached_view=lambda customer_id, who: viewed.cached_view(customer_id, staff_id=who),
            waiting_notes=PendingActions(outbox).notes_for,
            search=SearchCustomers(client),
        )
        return CounterServices(
            view_customer=view_customer,
            notes=notes,
            suggestions=RecommendProducts(client, cache),
            pickups=PickupDesk(
                client, cache, outbox, sync, record.store_id, staff, hub_went_quiet=client.note_gave_up
            ),
            pickup_arrivals=PickupArrivals(cache, outbox, sync, record.store_id, staff),
            stock_desk=StockDesk(
                client,
                cache,
                outbox,
                sync,
                record.store_id,
                staff,
                currency=record.store_currency or "USD",
                fresh_for=timedelta(hours=self.settings.stock_fresh_hours),
                catalog_filling=catalog_fill,
                customer_name=kept_customer_name(cache),
                hub_went_quiet=client.note_gave_up,
            ),
            returns=ReturnDesk(
                client,
                cache,
                outbox,
                sync,
                record.store_id,
                staff,
                offline_cap_cents=self.settings.returns_offline_cap_cents,
                hub_went_quiet=client.note_gave_up,
            ),
        )

    async def _with_store_details(self, record: DeviceRecord) -> DeviceRecord:
        """A device enrolled before the hub said how its store writes (locale, currency, time
        zone) asks the hub's store list once, briefly, and keeps the answer; offline it starts
        with the defaults and asks again at the next start."""
        from storeassist.client import HubClient, HubError

        if record.store_locale is not None or self._credentials is None:
            return record
        asking = QT_TRANSLATE_NOOP(
            "training", "Asking the back office how this store writes dates and prices…"
        )
        self._progress(asking, 0.95)
        client = HubClient(record.hub_url, self._credentials.load)
        try:
            async with asyncio.timeout(STORE_DETAILS_DEADLINE_S):
                stores = await client.stores()
        except (HubError, TimeoutError) as exc:
            log.info("the store's formats are not known yet (%s)", type(exc).__name__)
            return record
        finally:
            await client.aclose()
        for store in stores:
            if store.id == record.store_id:
                learned = record.model_copy(
                    update={
                        "store_locale": store.locale,
                        "store_currency": store.currency,
                        "store_timezone": store.timezone,
                    }
                )
                await asyncio.to_thread(save_device_record, self.device_dir, learned)
                return learned
        return record

    def _staff_changed(self, session: StaffSession | None) -> None:
        services = self.services
        if services is None:
            return
        if session is not None:
            services.sync.wake()  # commands and changes waited for someone to be signed in
            return
        task = asyncio.ensure_future(self._tell_hub_signed_out(services.client))
        self._sign_outs.add(task)
        task.add_done_callback(self._sign_outs.discard)

    @staticmethod
    async def _tell_hub_signed_out(client: HubClient) -> None:
        try:
            await client.staff_sign_out()
        except Exception as exc:  # the session ends at the hub by itself when idle
            log.info("hub sign-out not confirmed (%s)", type(exc).__name__)

    # -- training ---------------------------------------------------------------------------

    async def practice_sign_in(self) -> StaffSession:
        """Training starts signed in as a practice associate: nothing to remember to try it."""
        if self.training_hub is None or self.services is None:
            raise RuntimeError("practice sign-in exists only in training mode, once the device is open")
        badge = await asyncio.to_thread(self.training_hub.practice_badge)
        session = await self.services.sign_in.sign_in_badge(badge)
        self.services.staff.sign_in(session)
        return session

    async def practice_loyalty_code(self, customer_id: int = 1) -> str:
        """Training: a loyalty code for a demo customer, as if a card were scanned."""
        if self.training_hub is None:
            raise RuntimeError("practice codes exist only in training mode")
        return await asyncio.to_thread(self.training_hub.practice_loyalty_code, customer_id)

    # -- shutting down ----------------------------------------------------------------------

    async def aclose(self) -> None:
        if self._sign_outs:  # let a sign-out on its way reach the hub before the client closes
            await asyncio.wait(self._sign_outs, timeout=2)
        if self.services is not None:
            await self.services.aclose()
        else:
            if self._cache is not None:
                self._cache.close()
            if self._outbox is not None:
                self._outbox.close()
        if self.training_hub is not None:
            await asyncio.to_thread(self.training_hub.stop)
