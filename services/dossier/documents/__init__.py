"""The documents a member prints from the portal about a person of the booklet (DOS-10, seed 000
"Documenten aanvragen en afdrukken"), made by the dossier because it owns what they show: the
sheet of labels (roze klevers / vignettes), the return envelope (briefomslag) to the person's
regional fund, the incapacity certificate form (getuigschrift van arbeidsongeschiktheid /
certificat d'incapacité de travail) with the member's part filled in, and the provisional
replacement certificate of the European Health Insurance Card (the travel document).

Pure: what a document shows comes in as plain data. Set as every document of the fund is
(shared/pdf.py), in Dutch or French, dates as Belgians write them (Babel); the PDF is dated on
the day it is issued, so the same request on the same day gives the same bytes."""

from services.dossier.documents.ehic import EhicCertificate, render_ehic_certificate
from services.dossier.documents.envelope import render_envelope
from services.dossier.documents.incapacity_form import render_incapacity_form
from services.dossier.documents.labels import render_labels
from services.dossier.documents.person import Issued, Member, PostalAddress

__all__ = [
    "EhicCertificate",
    "Issued",
    "Member",
    "PostalAddress",
    "render_ehic_certificate",
    "render_envelope",
    "render_incapacity_form",
    "render_labels",
]
