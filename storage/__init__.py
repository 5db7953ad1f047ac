"""Persistence: SQLModel tables, the async engine, service functions and migrations."""
