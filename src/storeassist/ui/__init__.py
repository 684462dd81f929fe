"""The associate tablet's and the kiosk's widgets, screens, item models and theme.

Knows services through their public methods and signals; never SQL or HTTP (architecture.md).
"""
