"""Data access layer: everything that talks to the explored database lives here.

Nothing in this package sees a request; the HTTP layer passes typed arguments in.
"""
