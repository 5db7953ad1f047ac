"""Ideas captured where they happen: **Save as idea** on a Slack message, and **Add to an
idea**, which attaches a message to an idea as evidence."""
