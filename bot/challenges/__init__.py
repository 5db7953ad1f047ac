"""Challenges: a "How might we …?" question put to everyone between two dates, its card, the
ideas submitted to it, and the winners its sponsor picks."""
