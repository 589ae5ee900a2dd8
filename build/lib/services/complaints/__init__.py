"""Complaints (klachtenprocedure, seed 004): registration, deadlines, answers."""
