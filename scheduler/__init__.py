"""Recurring work inside the bot's event loop.

APScheduler's job store stays in memory: it cannot be shared between processes.
Anything that must happen once across replicas is decided by a claim in the database,
never by the scheduler alone.
"""
