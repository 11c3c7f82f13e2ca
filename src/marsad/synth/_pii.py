"""Synthetic personal data: Moroccan names, phone numbers, CIN numbers, e-mails, handles, RIBs.

All values are invented. Numbers are drawn through bijections of the victim's index, so two
victims never share a phone number or a CIN while the same victim keeps hers in every source.
"""

from __future__ import annotations

import numpy as np

# (Latin transliteration, Arabic script)
FEMALE_FIRST: tuple[tuple[str, str], ...] = (
    ("Fatima Zahra", "فاطمة الزهراء"), ("Khadija", "خديجة"), ("Meryem", "مريم"),
    ("Salma", "سلمى"), ("Imane", "إيمان"), ("Hajar", "هاجر"), ("Nadia", "نادية"),
    ("Sanaa", "سناء"), ("Houda", "هدى"), ("Asmae", "أسماء"), ("Zineb", "زينب"),
    ("Kawtar", "كوثر"), ("Loubna", "لبنى"), ("Soukaina", "سكينة"), ("Ikram", "إكرام"),
    ("Hanane", "حنان"), ("Naima", "نعيمة"), ("Rachida", "رشيدة"), ("Samira", "سميرة"),
    ("Latifa", "لطيفة"), ("Ghizlane", "غزلان"), ("Oumaima", "أميمة"), ("Wiam", "وئام"),
    ("Chaimae", "شيماء"), ("Hiba", "هبة"), ("Yasmine", "ياسمين"), ("Malak", "ملاك"),
    ("Aya", "آية"), ("Douae", "دعاء"), ("Rim", "ريم"), ("Btissam", "ابتسام"),
    ("Karima", "كريمة"), ("Amina", "أمينة"), ("Siham", "سهام"), ("Najat", "نجاة"),
    ("Fadwa", "فدوى"), ("Mouna", "منى"), ("Ilham", "إلهام"), ("Nisrine", "نسرين"),
    ("Safae", "صفاء"),
)  # fmt: skip
MALE_FIRST: tuple[tuple[str, str], ...] = (
    ("Mohamed", "محمد"), ("Youssef", "يوسف"), ("Ayoub", "أيوب"), ("Hamza", "حمزة"),
    ("Mehdi", "المهدي"), ("Amine", "أمين"), ("Othmane", "عثمان"), ("Anas", "أنس"),
    ("Yassine", "ياسين"), ("Omar", "عمر"), ("Karim", "كريم"), ("Rachid", "رشيد"),
    ("Hicham", "هشام"), ("Khalid", "خالد"), ("Abdelilah", "عبد الإله"), ("Soufiane", "سفيان"),
    ("Ilyas", "إلياس"), ("Zakaria", "زكرياء"), ("Badr", "بدر"), ("Adam", "آدم"),
    ("Ismail", "إسماعيل"), ("Reda", "رضا"), ("Said", "سعيد"), ("Mustapha", "مصطفى"),
    ("Abdellah", "عبد الله"), ("Walid", "وليد"), ("Nabil", "نبيل"), ("Tarik", "طارق"),
    ("Saad", "سعد"), ("Adil", "عادل"),
)  # fmt: skip
LAST: tuple[tuple[str, str], ...] = (
    ("Benali", "بنعلي"), ("El Idrissi", "الإدريسي"), ("Alaoui", "العلوي"), ("Bennani", "بناني"),
    ("Tazi", "التازي"), ("El Amrani", "العمراني"), ("Berrada", "برادة"), ("Chraibi", "الشرايبي"),
    ("El Fassi", "الفاسي"), ("Ouazzani", "الوزاني"), ("Lahlou", "لحلو"), ("Benjelloun", "بنجلون"),
    ("Kettani", "الكتاني"), ("El Mansouri", "المنصوري"), ("Ait Ali", "آيت علي"),
    ("Ait Lahcen", "آيت لحسن"), ("Amzil", "أمزيل"), ("Boukhris", "بوخريص"), ("Ouali", "الوالي"),
    ("Zerouali", "الزروالي"), ("Hajji", "الحجي"), ("El Khatib", "الخطيب"), ("Naciri", "الناصري"),
    ("Sqalli", "السقلي"), ("Belhaj", "بلحاج"), ("Cherkaoui", "الشرقاوي"), ("Rami", "الرامي"),
    ("Bouzidi", "البوزيدي"), ("Filali", "الفيلالي"), ("El Ouardi", "الوردي"), ("Tahiri", "الطاهري"),
    ("Moussaoui", "الموساوي"), ("Haddad", "الحداد"), ("Jabri", "الجابري"), ("Slaoui", "السلاوي"),
    ("Bouazza", "بوعزة"), ("Essaidi", "السعيدي"), ("Benkirane", "بنكيران"), ("Lamrani", "لمراني"),
    ("Ziani", "الزياني"),
)  # fmt: skip
N_FIRST = min(len(FEMALE_FIRST), len(MALE_FIRST))
CIN_PREFIXES: tuple[str, ...] = (
    "A", "AB", "B", "BE", "BH", "BJ", "BK", "C", "CB", "CD", "D", "DA", "E", "EE", "F", "G",
    "GA", "H", "HA", "I", "IA", "J", "JA", "JB", "K", "L", "LA", "M", "N", "PA", "Q", "R",
    "S", "T", "U", "UA", "V", "W", "X", "Y", "Z", "ZG",
)  # fmt: skip
MAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "hotmail.fr", "yahoo.fr", "outlook.com", "menara.ma", "hotmail.com",
)  # fmt: skip
HANDLE_WORDS: tuple[str, ...] = (
    "king", "queen", "sniper", "princess", "ghost", "lion", "star", "shadow", "moon",
    "dz", "boss", "angel", "gamer", "wolf", "rose", "tiger", "atlas", "casa", "rbati", "simo",
)  # fmt: skip
BANKS: tuple[str, ...] = ("007", "011", "013", "021", "022", "101", "145", "190", "225", "230")

_MOD8 = 10**8
_A8 = 48_271_019  # odd and not a multiple of 5: a bijection of Z/10^8
_MOD6 = 10**6
_A6 = 386_633


def phone_numbers(index: np.ndarray, mobile7: np.ndarray, offset: int = 0) -> np.ndarray:
    """National significant numbers (9 digits, 6xxxxxxxx or 7xxxxxxxx), unique per index."""
    body = (_A8 * (index.astype(np.int64) + offset) + 12_345_679) % _MOD8
    return np.where(mobile7, 700_000_000, 600_000_000).astype(np.int64) + body


def phone_number(index: int, mobile7: bool, offset: int = 0) -> int:
    """Scalar version of :func:`phone_numbers`."""
    return (700_000_000 if mobile7 else 600_000_000) + (_A8 * (index + offset) + 12_345_679) % _MOD8


PHONE_STYLES = 7


def format_phone(nsn: int, style: int) -> str:
    """One of the usual written forms of a Moroccan mobile number."""
    d = f"{nsn:09d}"
    if style == 0:
        return f"0{d[0]} {d[1:3]} {d[3:5]} {d[5:7]} {d[7:9]}"
    if style == 1:
        return f"0{d}"
    if style == 2:
        return f"+212{d}"
    if style == 3:
        return f"+212 {d[0]} {d[1:3]} {d[3:5]} {d[5:7]} {d[7:9]}"
    if style == 4:
        return f"0{d[:3]}-{d[3:]}"
    if style == 5:
        return f"00212{d}"
    return f"0{d[0]}.{d[1:3]}.{d[3:5]}.{d[5:7]}.{d[7:9]}"


def cin(index: int) -> str:
    """A CIN-like number (letters + 6 digits), unique per index below 42 million."""
    p = len(CIN_PREFIXES)
    return f"{CIN_PREFIXES[index % p]}{(_A6 * (index // p) + 104_729) % _MOD6:06d}"


def first_name(gender: int, k: int, arabic: bool = False) -> str:
    table = MALE_FIRST if gender == 1 else FEMALE_FIRST
    return table[k % len(table)][1 if arabic else 0]


def last_name(k: int, arabic: bool = False) -> str:
    return LAST[k % len(LAST)][1 if arabic else 0]


def _ascii(name: str) -> str:
    return name.lower().replace(" ", "")


def email(gender: int, first: int, last: int, salt: int) -> str:
    f = _ascii(first_name(gender, first))
    ln = _ascii(last_name(last))
    dom = MAIL_DOMAINS[salt % len(MAIL_DOMAINS)]
    style = salt % 3
    if style == 0:
        return f"{f}.{ln}{salt % 97}@{dom}"
    if style == 1:
        return f"{f[0]}{ln}{1990 + salt % 20}@{dom}"
    return f"{f}_{ln}@{dom}"


def handle(k: int) -> str:
    """A perpetrator's or player's handle (without the @)."""
    w1 = HANDLE_WORDS[k % len(HANDLE_WORDS)]
    w2 = HANDLE_WORDS[(k // 7) % len(HANDLE_WORDS)]
    return f"{w1}_{w2}{k % 1000:03d}" if k % 2 else f"{w1}{w2.capitalize()}{k % 100}"


def rib(k: int) -> str:
    """A 24-digit RIB-like number written in its usual groups (bank, town, account, key)."""
    bank = BANKS[k % len(BANKS)]
    town = f"{(k * 37) % 1000:03d}"
    account = f"{(k * 2_654_435_761) % 10**16:016d}"
    key = f"{(k * 13) % 97:02d}"
    return f"{bank} {town} {account} {key}"


def url(platform: str, handle_: str, k: int) -> str:
    p = platform.lower()
    if p == "facebook":
        return f"https://www.facebook.com/profile.php?id=1000{k % 10**11:011d}"
    if p == "instagram":
        return f"https://www.instagram.com/{handle_}/"
    if p == "tiktok":
        return f"https://www.tiktok.com/@{handle_}/video/72{k % 10**17:017d}"
    if p == "telegram":
        return f"https://t.me/{handle_}"
    if p == "x":
        return f"https://x.com/{handle_}/status/17{k % 10**17:017d}"
    if p == "youtube":
        return f"https://youtu.be/{handle_[:6]}{k % 10**5:05d}"
    return f"https://bit.ly/{handle_[:4]}{k % 10**6:06d}"
