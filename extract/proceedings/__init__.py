"""Read what a council did (roll calls, votes, entries and exits, items dealt with) from a document's text."""
