from services.complaints.app import definition
from shared.service import serve

serve(definition)
