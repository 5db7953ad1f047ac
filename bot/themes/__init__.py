"""Themes: where the company is going, the ideas that point there, and the owner who makes the
first decision on each of them."""
