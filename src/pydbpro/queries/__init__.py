"""The console's per-user query history and saved queries, kept in PyDBPro's store."""
