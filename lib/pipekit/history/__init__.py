"""Run history: fetched from GitHub's REST API into SQLite, reported, and fitted to the design's estimates."""
