"""Statistics as pure functions of records: the metric registry, metrics, the service
level, staffed time, confidence intervals, offered load and queueing theory."""
