from services.identity.app import definition
from shared.service import serve

serve(definition)
