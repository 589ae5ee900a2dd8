from services.dossier.app import definition
from shared.service import serve

serve(definition)
