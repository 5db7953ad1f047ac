"""Lightbulb: a self-hosted Slack app that makes innovation a company-wide habit."""
