"""Typer command functions: parse options, call the library, return an exit code.

Modules here import only typer, the standard library and first-party modules
without dependencies (errors, root) at module level, so that start-up stays
cheap (``--help`` imports every command module); the rest is imported inside
the command bodies.
"""
