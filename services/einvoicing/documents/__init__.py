"""The documents of a premium invoice: the PDF with its EPC QR code (INV-2) and the UBL XML."""
