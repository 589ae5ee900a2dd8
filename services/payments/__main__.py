from services.payments.app import definition
from shared.service import serve

serve(definition)
