from services.einvoicing.app import definition
from shared.service import serve

serve(definition)
