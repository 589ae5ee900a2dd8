"""The dossier: member booklets, their persons and contact details (DOS-1, DOS-2)."""
