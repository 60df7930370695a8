"""Typer command functions: parse options, call the library, return an exit code.

Modules here import only typer and the standard library at module level, so
that start-up stays cheap; heavy imports happen inside the command bodies.
"""
