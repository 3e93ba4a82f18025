"""`make bench`: the app under gunicorn against a generated dataset (see README, Performance)."""
