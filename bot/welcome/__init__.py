"""Greeting people where they meet Lightbulb: a mention in a channel, the first visit to its
Messages tab, joining the ideas channel. Each says the same few things `/idea help` says, in
a sentence or three, and never twice in a row to the same person."""
