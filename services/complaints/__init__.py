"""Complaints (klachtenprocedure, seed 004): the procedure's steps, its deadlines on durable
timers, the letters to the complainant and the CMP-9 report."""
