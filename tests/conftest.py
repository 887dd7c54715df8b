"""Shared test set-up: every test that touches the database uses the real PostGIS."""
