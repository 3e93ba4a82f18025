"""A synthetic but realistic dataset for `manage.py generate_dataset` and `make bench`."""
