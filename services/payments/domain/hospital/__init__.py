"""The hospitalisation-insurance claim calculator (PAY-5): the Neutra product tables and what a
product pays on a claim, line by line. Pure; the entry point is `claims.decide_claim`."""
