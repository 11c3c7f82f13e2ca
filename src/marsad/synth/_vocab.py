"""How each synthetic source writes its codes (the value maps of the shipped profiles).

Each source has its own words for the same thing, as real registers do: French labels at the
police, English/French at the hotline, Arabic at the NGO, form choice names in the Kobo
export. ``tests/synth`` checks every value here appears in the matching shipped profile.
Where a code has several spellings the generator picks among them.
"""

from __future__ import annotations

import unicodedata

REGION_FR = {
    "MA-01": "Tanger-Tétouan-Al Hoceïma", "MA-02": "L'Oriental", "MA-03": "Fès-Meknès",
    "MA-04": "Rabat-Salé-Kénitra", "MA-05": "Béni Mellal-Khénifra", "MA-06": "Casablanca-Settat",
    "MA-07": "Marrakech-Safi", "MA-08": "Drâa-Tafilalet", "MA-09": "Souss-Massa",
    "MA-10": "Guelmim-Oued Noun", "MA-11": "Laâyoune-Sakia El Hamra",
    "MA-12": "Dakhla-Oued Ed-Dahab",
}  # fmt: skip
REGION_EN = {
    "MA-01": "Tanger-Tetouan-Al Hoceima", "MA-02": "Oriental", "MA-03": "Fes-Meknes",
    "MA-04": "Rabat-Sale-Kenitra", "MA-05": "Beni Mellal-Khenifra", "MA-06": "Casablanca-Settat",
    "MA-07": "Marrakech-Safi", "MA-08": "Draa-Tafilalet", "MA-09": "Souss-Massa",
    "MA-10": "Guelmim-Oued Noun", "MA-11": "Laayoune-Sakia El Hamra",
    "MA-12": "Dakhla-Oued Ed-Dahab",
}  # fmt: skip
REGION_AR = {
    "MA-01": "طنجة تطوان الحسيمة", "MA-02": "الشرق", "MA-03": "فاس مكناس",
    "MA-04": "الرباط سلا القنيطرة", "MA-05": "بني ملال خنيفرة", "MA-06": "الدار البيضاء سطات",
    "MA-07": "مراكش آسفي", "MA-08": "درعة تافيلالت", "MA-09": "سوس ماسة",
    "MA-10": "كلميم واد نون", "MA-11": "العيون الساقية الحمراء", "MA-12": "الداخلة وادي الذهب",
}  # fmt: skip


def slug(text: str) -> str:
    """ASCII snake_case of a label (Kobo choice names)."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = "".join(ch.lower() if ch.isalnum() else "_" for ch in ascii_)
    return "_".join(p for p in out.split("_") if p)


REGION_KOBO = {k: slug(v) for k, v in REGION_EN.items()}

CATEGORY: dict[str, dict[str, tuple[str, ...]]] = {
    "police": {
        "cyberharassment": ("Harcèlement en ligne", "Cyberharcèlement"),
        "sexual_harassment": ("Harcèlement sexuel en ligne",),
        "cyberstalking": ("Traque et surveillance numérique",),
        "threats": ("Menaces", "Menaces de mort"),
        "ncii": ("Diffusion d'images intimes",),
        "sexual_deepfakes": ("Montage à caractère sexuel",),
        "sextortion": ("Chantage sexuel", "Sextorsion"),
        "grooming": ("Sollicitation de mineur",),
        "csam": ("Pédopornographie",),
        "doxxing": ("Divulgation de données personnelles",),
        "impersonation": ("Usurpation d'identité", "Piratage de compte"),
        "gendered_hate": ("Injure sexiste",),
        "virtual_sexual_assault": ("Agression sexuelle en monde virtuel",),
        "other": ("Autre",),
    },
    "hotline": {
        "cyberharassment": ("Online harassment", "Bullying"),
        "sexual_harassment": ("Sexual harassment",),
        "cyberstalking": ("Stalking / spyware",),
        "threats": ("Threats",),
        "ncii": ("Intimate image abuse",),
        "sexual_deepfakes": ("Deepfake",),
        "sextortion": ("Sextortion",),
        "grooming": ("Grooming",),
        "csam": ("CSAM",),
        "doxxing": ("Doxxing",),
        "impersonation": ("Hacked / fake account",),
        "gendered_hate": ("Sexist hate speech",),
        "virtual_sexual_assault": ("Virtual world assault",),
        "other": ("Other",),
    },
    "ngo": {
        "cyberharassment": ("تحرش إلكتروني",),
        "sexual_harassment": ("تحرش جنسي إلكتروني",),
        "cyberstalking": ("تتبع ومراقبة",),
        "threats": ("تهديد",),
        "ncii": ("نشر صور حميمية",),
        "sexual_deepfakes": ("صور مفبركة جنسية",),
        "sextortion": ("ابتزاز جنسي",),
        "grooming": ("استدراج قاصر",),
        "csam": ("استغلال جنسي للأطفال",),
        "doxxing": ("نشر معطيات شخصية",),
        "impersonation": ("انتحال صفة",),
        "gendered_hate": ("خطاب كراهية ضد النساء",),
        "virtual_sexual_assault": ("اعتداء في عالم افتراضي",),
        "other": ("أخرى",),
    },
    "outreach": {
        "cyberharassment": ("harcelement",),
        "sexual_harassment": ("harcelement_sexuel",),
        "cyberstalking": ("traque",),
        "threats": ("menaces",),
        "ncii": ("images_intimes",),
        "sexual_deepfakes": ("deepfake",),
        "sextortion": ("sextorsion",),
        "grooming": ("pedopiegeage",),
        "csam": ("pedocriminalite",),
        "doxxing": ("doxxing_donnees",),
        "impersonation": ("usurpation",),
        "gendered_hate": ("haine_sexiste",),
        "virtual_sexual_assault": ("agression_virtuelle",),
        "other": ("autre_type",),
    },
}
SPACE: dict[str, dict[str, str]] = {
    "police": {
        "social_network": "Réseau social", "messaging": "Messagerie", "video_game": "Jeu vidéo",
        "virtual_world": "Monde virtuel", "dating_app": "Site de rencontre", "forum": "Forum",
        "email_sms": "SMS/Courriel", "other": "Autre",
    },
    "hotline": {
        "social_network": "Social media", "messaging": "Messaging", "video_game": "Online game",
        "virtual_world": "Metaverse / VR", "dating_app": "Dating app", "forum": "Forum / Discord",
        "email_sms": "SMS / e-mail", "other": "Other",
    },
    "ngo": {
        "social_network": "شبكات التواصل الاجتماعي", "messaging": "تطبيقات المراسلة",
        "video_game": "ألعاب الفيديو", "virtual_world": "عالم افتراضي",
        "dating_app": "تطبيق مواعدة", "forum": "منتدى", "email_sms": "رسائل قصيرة أو بريد",
        "other": "أخرى",
    },
    "outreach": {
        "social_network": "reseau_social", "messaging": "messagerie", "video_game": "jeu_video",
        "virtual_world": "monde_virtuel", "dating_app": "rencontre", "forum": "forum_discussion",
        "email_sms": "sms_email", "other": "autre_espace",
    },
}  # fmt: skip
# Gender: index 0 female, 1 male, 2 other; hotline distinguishes children and adults.
GENDER: dict[str, tuple[tuple[str, ...], ...]] = {
    "police": (("F", "Féminin"), ("M", "Masculin"), ("Autre",)),
    "hotline_minor": (("Girl", "Fille"), ("Boy", "Garçon"), ("Other",)),
    "hotline_adult": (("Woman", "Femme", "F"), ("Man", "Homme", "M"), ("Other",)),
    "ngo": (("أنثى",), ("ذكر",), ("آخر",)),
    "outreach": (("feminin",), ("masculin",), ("autre_genre",)),
}
RELATIONSHIP: dict[str, tuple[str, ...]] = {
    "police": ("Conjoint ou famille", "Connaissance", "Inconnu", "Non précisé"),
    "hotline": ("Partner / family", "Known person", "Stranger", "Not known"),
    "ngo": ("شريك أو فرد من الأسرة", "شخص معروف", "شخص مجهول", "غير محدد"),
    "outreach": ("partenaire_famille", "connaissance", "inconnu", "ne_sait_pas"),
}
YES_NO: dict[str, tuple[str, str]] = {
    "police": ("Oui", "Non"),
    "hotline": ("Yes", "No"),
    "ngo": ("نعم", "لا"),
    "outreach": ("yes", "no"),
}
# Legal-scheme age groups the hotline writes when the caller's age is not known.
HOTLINE_AGE_GROUP = {"0-14": "Under 15", "15-17": "15-17", "18+": "18+"}
# Values that are in no map: planted "unknown code" dirty rows.
UNKNOWN_CODES = {
    "police": ("Code 77", "A VERIFIER"),
    "hotline": ("Unclassified (see notes)", "TBD"),
    "ngo": ("غير مصنف", "XX"),
    "outreach": ("type_99", "choix_inconnu"),
}
BAD_DATES = {
    "police": ("31/02/2023", "hier", "00/00/0000"),
    "hotline": ("hier", "31/02/2023", "yesterday"),
    "ngo": ("31-02-2023", "أمس", "32-13-2022"),
    "outreach": ("2023-02-30", "lbare7", "2022-13-01"),
}
BAD_AGES = ("1O", "150", "-3", "vingt")
