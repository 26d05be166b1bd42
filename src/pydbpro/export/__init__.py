"""File exporters: CSV, XLSX and PDF writers fed with rows in batches (no database here)."""
