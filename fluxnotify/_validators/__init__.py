"""Validators generated from ``schemas/`` by scripts/generate_validators.py (do not edit them)."""
