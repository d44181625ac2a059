"""Ticket logs: readers, calibration of a scenario from a log, and backtests."""
