"""Slack listeners, one module per Slack surface; `bot.server.app` registers them all."""
