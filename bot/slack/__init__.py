"""Everything Lightbulb knows about Slack itself: text rules, limits, the client, Block Kit."""
