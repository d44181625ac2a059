"""Staffing optimisation for cross-authorised windows (uses ``sim``; ``sim`` never imports it)."""
