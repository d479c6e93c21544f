"""The verification page's words in English and Lithuanian."""

from __future__ import annotations

HEADLINES = {
    "en": {
        "genuine.qualityLabel": "Genuine badge from a Quality Label holder",
        "genuine.qualityLabelNow": "Genuine badge from a Quality Label holder, but the registry "
        "cannot confirm it held the label when it issued this badge",
        "genuine.qualityLabelAtIssuance": "Genuine badge; its issuer held the Quality Label when "
        "it issued it, but the label {change} on {labelEnded}",
        "genuine.issuanceNotWitnessed": "Genuine badge; its issuer dates it {claimedAt}, before "
        "its Quality Label {change} on {labelEnded}, but the registry has no record of its "
        "issuance",
        "genuine.registered": "Genuine badge from a registered issuer without the Quality Label",
        "genuine.notTrusted": "Genuine badge; its issuer is in the Badges4Good registry, but its "
        "registration is not in force",
        "genuine.notRegistered": "Genuine badge; its issuer is not in the Badges4Good registry",
        "genuine.unknown": "Genuine badge; its issuer's standing in the registry could not be "
        "checked",
        "revoked": "This badge has been revoked by its issuer.",
        "suspended": "This badge is suspended by its issuer.",
        "expired": "This badge has expired.",
        "not_yet_valid": "This badge is not valid yet.",
        "not_verified": "This badge could not be verified.",
        "incomplete": "This badge could not be fully checked.",
    },
    "lt": {
        "genuine.qualityLabel": "Tikras ženklelis, išduotas Kokybės ženklo turėtojo",
        "genuine.qualityLabelNow": "Tikras ženklelis, išduotas Kokybės ženklo turėtojo, tačiau "
        "registras negali patvirtinti, kad išdavėjas turėjo ženklą, kai išdavė šį ženklelį",
        "genuine.qualityLabelAtIssuance": "Tikras ženklelis; jo išdavėjas turėjo Kokybės ženklą, "
        "kai jį išdavė, tačiau {labelEnded} ženklas {change}",
        "genuine.issuanceNotWitnessed": "Tikras ženklelis; išdavėjas nurodo jo datą {claimedAt}, "
        "ankstesnę nei {labelEnded}, kai jo Kokybės ženklas {change}, tačiau registras neturi "
        "įrašo apie šio ženklelio išdavimą",
        "genuine.registered": "Tikras ženklelis, išduotas registruoto išdavėjo, neturinčio "
        "Kokybės ženklo",
        "genuine.notTrusted": "Tikras ženklelis; jo išdavėjas yra Badges4Good registre, tačiau "
        "jo registracija negalioja",
        "genuine.notRegistered": "Tikras ženklelis; jo išdavėjo nėra Badges4Good registre",
        "genuine.unknown": "Tikras ženklelis; nepavyko patikrinti jo išdavėjo padėties registre",
        "revoked": "Išdavėjas šį ženklelį atšaukė.",
        "suspended": "Išdavėjas šio ženklelio galiojimą sustabdė.",
        "expired": "Šio ženklelio galiojimas baigėsi.",
        "not_yet_valid": "Šis ženklelis dar negalioja.",
        "not_verified": "Šio ženklelio patvirtinti nepavyko.",
        "incomplete": "Šio ženklelio nepavyko patikrinti iki galo.",
    },
}

# How the label stopped, as the headlines say it.
CHANGES = {
    "en": {
        "suspended": "was suspended",
        "withdrawn": "was withdrawn",
        "expired": "expired",
        "": "was interrupted",
    },
    "lt": {
        "suspended": "sustabdytas",
        "withdrawn": "atšauktas",
        "expired": "nebegalioja",
        "": "nutrūko",
    },
}

CHECK_NAMES = {
    "en": {
        "structure": "Credential format",
        "schema": "Open Badges schema",
        "proof": "Signature",
        "issuer_binding": "Signed by the issuer",
        "jwt_claims": "Token claims match the badge",
        "validity_window": "Dates",
        "status": "Revocation and suspension",
        "endorsement": "Endorsement",
        "issuer_registered": "Issuer in the Badges4Good registry",
        "label_at_issuance": "Quality Label when the badge was issued",
        "label_now": "Quality Label now",
    },
    "lt": {
        "structure": "Kredencialo formatas",
        "schema": "Open Badges schema",
        "proof": "Parašas",
        "issuer_binding": "Pasirašė išdavėjas",
        "jwt_claims": "Žetono duomenys atitinka ženklelį",
        "validity_window": "Galiojimo datos",
        "status": "Atšaukimas ir sustabdymas",
        "endorsement": "Rekomendacija",
        "issuer_registered": "Išdavėjas Badges4Good registre",
        "label_at_issuance": "Kokybės ženklas ženklelio išdavimo metu",
        "label_now": "Kokybės ženklas dabar",
    },
}

# Trust checks answer a question about the issuer, so they say yes or no, never "passed".
TRUST = frozenset({"issuer_registered", "label_at_issuance", "label_now"})
STATE_WORDS = {
    "en": {"pass": "Passed", "fail": "Failed", "could_not_check": "Could not check"},
    "lt": {"pass": "Atitinka", "fail": "Neatitinka", "could_not_check": "Nepavyko patikrinti"},
}
TRUST_WORDS = {
    "en": {"pass": "Yes", "fail": "No", "could_not_check": "Unknown"},
    "lt": {"pass": "Taip", "fail": "Ne", "could_not_check": "Nežinoma"},
}

# A plain sentence per passing check (by name) and per finding (by code).
PASSED = {
    "en": {
        "structure": "It is a well-formed credential.",
        "schema": "It follows the Open Badges schema.",
        "proof": "The signature is valid.",
        "issuer_binding": "The issuer itself signed it.",
        "jwt_claims": "The token's claims match the badge.",
        "validity_window": "It is within its validity period.",
        "status": "The issuer has not revoked or suspended it.",
        "endorsement": "The endorsement is valid.",
        "issuer_registered": "{organisationName} is a registered issuer.",
        "label_at_issuance.witnessed": "{organisationName} held the Quality Label when the "
        "registry witnessed the issuance of this badge ({witnessedAt}).",
        "label_at_issuance": "{organisationName} has held the Quality Label without a break "
        "since {claimedAt}, the date the badge gives.",
        "label_now": "{organisationName} holds the Quality Label (valid until {labelValidUntil}).",
    },
    "lt": {
        "structure": "Tai tinkamos struktūros kredencialas.",
        "schema": "Atitinka Open Badges schemą.",
        "proof": "Parašas galioja.",
        "issuer_binding": "Jį pasirašė pats išdavėjas.",
        "jwt_claims": "Žetono duomenys atitinka ženklelį.",
        "validity_window": "Ženklelis galioja.",
        "status": "Išdavėjas jo neatšaukė ir nesustabdė.",
        "endorsement": "Rekomendacija galioja.",
        "issuer_registered": "„{organisationName}“ yra registruotas išdavėjas.",
        "label_at_issuance.witnessed": "„{organisationName}“ turėjo Kokybės ženklą, kai "
        "registras užfiksavo šio ženklelio išdavimą ({witnessedAt}).",
        "label_at_issuance": "„{organisationName}“ nepertraukiamai turi Kokybės ženklą nuo "
        "{claimedAt} – ženklelyje nurodytos datos.",
        "label_now": "„{organisationName}“ turi Kokybės ženklą (galioja iki {labelValidUntil}).",
    },
}
FINDINGS = {
    "en": {
        "revoked": "The issuer has revoked this badge.",
        "suspended": "The issuer has suspended this badge.",
        "expired": "It expired on {validUntil}.",
        "not_yet_valid": "It is valid only from {validFrom}.",
        "PROOF_VERIFICATION_ERROR": "The signature does not match: the badge was changed after "
        "it was signed, or signed with another key.",
        "INVALID_VERIFICATION_METHOD": "The signing key is not a key of the signer.",
        "issuer_not_signer": "No valid signature on it is the issuer's own.",
        "STATUS_RETRIEVAL_ERROR": "The issuer's status list could not be retrieved.",
        "STATUS_VERIFICATION_ERROR": "The issuer's status list could not be trusted.",
        "schema_violation": "It does not follow the Open Badges schema.",
        "schema_unavailable": "The schema could not be retrieved.",
        "no_schema": "No schema applies to it.",
        "MALFORMED_VALUE_ERROR": "It is not a well-formed credential.",
        "malformed_jwt": "It is not a well-formed token.",
        "issuer_not_registered": "The issuer is not in the Badges4Good registry.",
        "issuer_not_trusted": "{organisationName} is in the registry, but its registration is "
        "not in force.",
        "label_not_held_at_issuance": "{organisationName} did not hold the Quality Label when "
        "this badge was issued.",
        "issuance_not_witnessed": "The issuer dates this badge {claimedAt}; the registry has no "
        "record of its issuance.",
        "no_issuance_date": "The badge gives no date and the registry has no record of its "
        "issuance.",
        "label_suspended": "The Quality Label of {organisationName} was suspended on {labelEnded}.",
        "label_withdrawn": "The Quality Label of {organisationName} was withdrawn on {labelEnded}.",
        "label_expired": "The Quality Label of {organisationName} expired on {labelEnded}.",
        "no_label": "{organisationName} does not hold the Quality Label.",
        "registry_unreachable": "The registry could not be asked.",
        "trust_copy_stale": "The registry could not be asked.",
        "not_configured": "No registry is configured.",
        "fail": "This check failed.",
        "could_not_check": "This check could not be completed.",
    },
    "lt": {
        "revoked": "Išdavėjas šį ženklelį atšaukė.",
        "suspended": "Išdavėjas šio ženklelio galiojimą sustabdė.",
        "expired": "Jo galiojimas baigėsi {validUntil}.",
        "not_yet_valid": "Jis galioja tik nuo {validFrom}.",
        "PROOF_VERIFICATION_ERROR": "Parašas neatitinka: ženklelis pakeistas po pasirašymo arba "
        "pasirašytas kitu raktu.",
        "INVALID_VERIFICATION_METHOD": "Pasirašymo raktas nepriklauso pasirašiusiajam.",
        "issuer_not_signer": "Nė vienas galiojantis parašas nepriklauso išdavėjui.",
        "STATUS_RETRIEVAL_ERROR": "Nepavyko gauti išdavėjo būsenų sąrašo.",
        "STATUS_VERIFICATION_ERROR": "Išdavėjo būsenų sąrašu pasitikėti negalima.",
        "schema_violation": "Jis neatitinka Open Badges schemos.",
        "schema_unavailable": "Nepavyko gauti schemos.",
        "no_schema": "Jokia schema jam netaikoma.",
        "MALFORMED_VALUE_ERROR": "Tai netinkamos struktūros kredencialas.",
        "malformed_jwt": "Tai netinkamos struktūros žetonas.",
        "issuer_not_registered": "Išdavėjo nėra Badges4Good registre.",
        "issuer_not_trusted": "„{organisationName}“ yra registre, tačiau jo registracija "
        "negalioja.",
        "label_not_held_at_issuance": "„{organisationName}“ neturėjo Kokybės ženklo, kai šis "
        "ženklelis buvo išduotas.",
        "issuance_not_witnessed": "Išdavėjas nurodo ženklelio datą {claimedAt}; registras neturi "
        "įrašo apie jo išdavimą.",
        "no_issuance_date": "Ženklelyje nenurodyta data, o registras neturi įrašo apie jo "
        "išdavimą.",
        "label_suspended": "„{organisationName}“ Kokybės ženklo galiojimas sustabdytas "
        "{labelEnded}.",
        "label_withdrawn": "„{organisationName}“ Kokybės ženklas atšauktas {labelEnded}.",
        "label_expired": "„{organisationName}“ Kokybės ženklo galiojimas baigėsi {labelEnded}.",
        "no_label": "„{organisationName}“ neturi Kokybės ženklo.",
        "registry_unreachable": "Nepavyko pasiekti registro.",
        "trust_copy_stale": "Nepavyko pasiekti registro.",
        "not_configured": "Registras nenurodytas.",
        "fail": "Ši patikra nepavyko.",
        "could_not_check": "Šios patikros nepavyko atlikti.",
    },
}

WORDS = {
    "en": {
        "title": "Verify an Open Badge",
        "paste": "Paste a badge: the credential JSON or its VC-JWT",
        "email": "Recipient's email (optional): check that the badge was issued to it",
        "verify": "Verify",
        "upload": "…or upload a baked badge image (PNG or SVG)",
        "verify_image": "Verify image",
        "checks": "Checks",
        "technical": "Technical details",
        "claims": "What the badge claims (not verified)",
        "registry_link": "{organisationName} in the Badges4Good registry",
        "again": "Verify another badge",
        "issuer": "Issuer",
        "issuer_id": "Issuer ID",
        "recipient": "Recipient",
        "valid_from": "Valid from",
        "valid_until": "Valid until",
        "recipient.hidden": "hidden (identified by a hashed identity)",
        "recipient.none": "not named",
        "email.yes": "The badge was issued to {email}.",
        "email.no": "The badge was not issued to {email}.",
        "not_a_badge": "That is neither credential JSON nor a VC-JWT.",
        "fetch_failed": "Could not fetch the badge: {reason}",
        "no_badge_in_image": "No badge found in that image: {reason}",
        "image_alt": "Badge image of {name}",
        "switch": "Lietuviškai",
    },
    "lt": {
        "title": "Patikrinti Open Badge ženklelį",
        "paste": "Įklijuokite ženklelį: kredencialo JSON arba jo VC-JWT",
        "email": "Gavėjo el. paštas (neprivaloma): patikrinti, ar ženklelis išduotas šiuo adresu",
        "verify": "Tikrinti",
        "upload": "…arba įkelkite ženklelio paveikslėlį (PNG arba SVG)",
        "verify_image": "Tikrinti paveikslėlį",
        "checks": "Patikros",
        "technical": "Techninė informacija",
        "claims": "Ką teigia ženklelis (nepatvirtinta)",
        "registry_link": "„{organisationName}“ Badges4Good registre",
        "again": "Tikrinti kitą ženklelį",
        "issuer": "Išdavėjas",
        "issuer_id": "Išdavėjo ID",
        "recipient": "Gavėjas",
        "valid_from": "Galioja nuo",
        "valid_until": "Galioja iki",
        "recipient.hidden": "paslėptas (nurodytas užšifruota tapatybe)",
        "recipient.none": "nenurodytas",
        "email.yes": "Ženklelis išduotas adresu {email}.",
        "email.no": "Ženklelis išduotas ne adresu {email}.",
        "not_a_badge": "Tai nei kredencialo JSON, nei VC-JWT.",
        "fetch_failed": "Nepavyko atsisiųsti ženklelio: {reason}",
        "no_badge_in_image": "Šiame paveikslėlyje ženklelio nerasta: {reason}",
        "image_alt": "Ženklelio „{name}“ paveikslėlis",
        "switch": "English",
    },
}
