"""Lowering from the loop level to machine code."""
