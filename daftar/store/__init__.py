"""The read model: SQLModel tables, the engine, and the idempotent writes activities make."""
