"""The texts of the letters to a complainant, in Dutch and French. `{…}` are filled in by
letters.py; a `[…]` paragraph appears only when its field has a value."""

from __future__ import annotations

_MONTHS_NL = (
    "januari februari maart april mei juni juli augustus september oktober november december"
)
_MONTHS_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
MONTHS = {"nl": _MONTHS_NL.split(), "fr": _MONTHS_FR.split()}

VERDICTS = {
    "nl": {
        "founded": "gegrond",
        "partly_founded": "gedeeltelijk gegrond",
        "unfounded": "ongegrond",
    },
    "fr": {
        "founded": "fondée",
        "partly_founded": "partiellement fondée",
        "unfounded": "non fondée",
    },
}

GROUNDS = {
    "nl": {
        "anonymous": "De klachtenbemiddelaar behandelt geen anonieme klachten.",
        "unrelated_to_fund": "De klachtenbemiddelaar behandelt enkel klachten over iets wat ons "
        "ziekenfonds gedaan of juist niet gedaan heeft.",
    },
    "fr": {
        "anonymous": "Le médiateur de plaintes ne traite pas les plaintes anonymes.",
        "unrelated_to_fund": "Le médiateur de plaintes traite uniquement les plaintes relatives à "
        "ce que notre mutualité a fait ou omis de faire.",
    },
}

GREETING = {"nl": "Beste {name},", "fr": "Bonjour {name},"}
GREETING_UNNAMED = {"nl": "Geachte mevrouw, geachte heer,", "fr": "Madame, Monsieur,"}

SIGN_OFF = {
    "nl": "Met vriendelijke groeten,\n{sender}",
    "fr": "Meilleures salutations,\n{sender}",
}
SENDERS = {
    "nl": {
        "fund": "De klachtendienst van je ziekenfonds",
        "mediator": "De nationale klachtenbemiddelaar",
    },
    "fr": {
        "fund": "Le service des plaintes de votre mutualité",
        "mediator": "Le médiateur national de plaintes",
    },
}

# ID-10: every letter says that the fund never asks for credentials, as the seed warns.
PHISHING_NOTICE = {
    "nl": "Let op phishing: wij vragen je nooit een wachtwoord of code per e-mail, sms of "
    "telefoon.",
    "fr": "Attention au phishing : nous ne vous demandons jamais de mot de passe ni de code "
    "par e-mail, SMS ou téléphone.",
}

BODIES = {
    ("acknowledgement", False): {
        "nl": "We hebben je klacht van {received_on} goed ontvangen en geregistreerd onder "
        "dossiernummer {file_number}. Hou dit nummer bij de hand als je ons over je klacht "
        "contacteert. We bekijken nu of we je klacht kunnen behandelen. Klachtenbemiddeling "
        "is kosteloos.",
        "fr": "Nous avons bien reçu votre plainte du {received_on} et l'avons enregistrée sous "
        "le numéro de dossier {file_number}. Gardez ce numéro à portée de main lorsque vous "
        "nous contactez au sujet de votre plainte. Nous examinons à présent si votre plainte "
        "peut être traitée. La médiation de plaintes est gratuite.",
    },
    ("acknowledgement", True): {
        "nl": "Je klacht van {received_on} is geregistreerd onder dossiernummer {file_number}. "
        "Hou dit nummer bij de hand als je ons over je klacht contacteert. Het spijt ons dat "
        "je deze bevestiging niet eerder kreeg; je klachtenbehandelaar neemt je dossier op.",
        "fr": "Votre plainte du {received_on} est enregistrée sous le numéro de dossier "
        "{file_number}. Gardez ce numéro à portée de main lorsque vous nous contactez au sujet "
        "de votre plainte. Nous regrettons que cette confirmation vous parvienne si tard ; "
        "votre gestionnaire de plainte prend votre dossier en charge.",
    },
    ("inadmissibility", False): {
        "nl": "Je klacht van {received_on} met dossiernummer {file_number} kunnen we niet "
        "behandelen. {ground}\n\n{motivation}\n\nWe sluiten je dossier hiermee af.",
        "fr": "Nous ne pouvons pas traiter votre plainte du {received_on}, numéro de dossier "
        "{file_number}. {ground}\n\n{motivation}\n\nNous clôturons ainsi votre dossier.",
    },
    ("information_request", False): {
        "nl": "Om je klacht met dossiernummer {file_number} verder te onderzoeken, hebben we "
        "meer informatie nodig:\n\n{question}\n\nZodra we je antwoord hebben, zetten we het "
        "onderzoek verder.",
        "fr": "Pour poursuivre l'examen de votre plainte, numéro de dossier {file_number}, "
        "nous avons besoin d'informations complémentaires :\n\n{question}\n\nDès réception de "
        "votre réponse, nous poursuivrons l'examen.",
    },
    ("status", False): {
        "nl": "Je klacht met dossiernummer {file_number} is nog in onderzoek. Zo staat het "
        "ervoor:\n\n{note}\n\nJe krijgt minstens om de 3 weken een bericht van ons.",
        "fr": "Votre plainte, numéro de dossier {file_number}, est toujours à l'examen. Où en "
        "sommes-nous :\n\n{note}\n\nVous recevrez de nos nouvelles au moins toutes les 3 "
        "semaines.",
    },
    ("status", True): {
        "nl": "Je klacht met dossiernummer {file_number} is nog in onderzoek. We hebben nog "
        "geen antwoord voor je, maar we zijn je niet vergeten: binnen 3 weken krijg je "
        "opnieuw een bericht of ons antwoord.",
        "fr": "Votre plainte, numéro de dossier {file_number}, est toujours à l'examen. Nous "
        "n'avons pas encore de réponse, mais nous ne vous oublions pas : dans les 3 semaines, "
        "vous recevrez un nouveau message ou notre réponse.",
    },
    ("answer", False): {
        "nl": "We hebben je klacht met dossiernummer {file_number} onderzocht. We vinden je "
        "klacht {verdict}.\n\n{motivation}\n\n[Ons advies: {advice}]\n\nGa je niet akkoord met "
        "dit antwoord? Bezorg je klacht dan aan de nationale klachtenbemiddelaar, die je "
        "dossier opnieuw onderzoekt: {mediator}.",
        "fr": "Nous avons examiné votre plainte, numéro de dossier {file_number}. Nous "
        "estimons votre plainte {verdict}.\n\n{motivation}\n\n[Notre conseil : {advice}]\n\n"
        "Vous n'êtes pas d'accord avec cette réponse ? Transmettez alors votre plainte au "
        "médiateur national de plaintes, qui réexaminera votre dossier : {mediator}.",
    },
    ("mediator_answer", False): {
        "nl": "De nationale klachtenbemiddelaar heeft je klacht met dossiernummer "
        "{file_number} opnieuw onderzocht en vindt ze {verdict}.\n\n{motivation}\n\n"
        "[Advies: {advice}]",
        "fr": "Le médiateur national de plaintes a réexaminé votre plainte, numéro de dossier "
        "{file_number}, et l'estime {verdict}.\n\n{motivation}\n\n[Conseil : {advice}]",
    },
}
