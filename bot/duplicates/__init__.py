"""Ideas marked as duplicates of others, and the votes their voters agree to move."""
