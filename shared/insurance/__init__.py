"""The Neutra optional insurances' rules every service applies alike (seed 003): when cover
starts and ends, and the waiting periods. The dossier shows them (DOS-8); payments pays
hospital claims at the level they leave (PAY-5)."""
