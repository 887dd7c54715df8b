"""A plausible, reproducible Japanese demo town: the same seed always gives the same town."""
