"""Table models over rows from ``app.db.views``."""
