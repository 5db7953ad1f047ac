"""Finding ideas, experiments and learnings again: `/idea search`, `/idea learnings`, the
idea pickers and the similar ideas shown before posting."""
