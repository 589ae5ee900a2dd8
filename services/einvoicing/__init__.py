"""The einvoicing service (port 8004): the premium invoices of the Neutra insurances per
household and month, their documents, and who receives them electronically (seed 001, 003)."""
