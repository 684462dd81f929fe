"""StoreAssist: store-associate and kiosk app, and its reference back office (the hub)."""
