"""Protected exploration time: a Friday DM asks members of EXPLORATION_GROUPS how much time
they spent exploring that week."""
