"""Business rules shared by the app and the hub: pure Python, no Qt, HTTP or SQL."""
