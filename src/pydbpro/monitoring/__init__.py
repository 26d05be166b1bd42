"""Performance logging and Prometheus metrics: always on, independent of the activity log."""
