from services.monitoring.app import definition
from shared.service import serve

serve(definition)
