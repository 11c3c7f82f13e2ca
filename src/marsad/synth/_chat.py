"""Synthetic game and virtual-world chat transcripts (JSON Lines, one message per line).

Three kinds of conversation: **grooming** (the stages of O'Connell 2003, *A typology of
child cybersexploitation and online grooming practices*: friendship forming, relationship
forming, risk assessment, exclusivity, sexual stage, plus moving to a private channel and
asking to meet), **sextortion** (flirt, image exchange, threat, demand, pressure) and
**benign** play talk with ordinary trash talk. Harmful conversations escalate over turns;
the labels and the first harmful turn go to ``truth.json``, never into the file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

from marsad.synth import _pii as P

CHAT_LANGS = ("fr", "ar", "ary", "ary-Latn", "en")
LANG_P = (0.30, 0.10, 0.20, 0.25, 0.15)
KIND_P = {"benign": 0.62, "grooming": 0.22, "sextortion": 0.16}
PLATFORMS = (
    ("video_game", "Free Fire"), ("video_game", "PUBG Mobile"), ("video_game", "Fortnite"),
    ("video_game", "Minecraft"), ("virtual_world", "Roblox"), ("virtual_world", "VRChat"),
    ("virtual_world", "Horizon Worlds"), ("virtual_world", "Rec Room"),
)  # fmt: skip

# Lines of the adult/aggressor ("A") by stage, and of the child/target ("C").
GROOMING: dict[str, tuple[tuple[str, ...], ...]] = {
    "fr": (
        ("t'es trop fort(e) à ce jeu, on fait équipe ?", "gg bien joué, tu joues souvent ?"),
        (
            "je peux t'envoyer des diamants si tu veux",
            "t'es la personne la plus sympa ici, je me sens proche de toi",
        ),
        ("tes parents regardent ton téléphone ?", "t'es seul(e) dans ta chambre là ?"),
        ("ne dis rien à personne, c'est notre secret", "personne ne te comprend comme moi"),
        (
            "ajoute-moi sur Snap, mon numéro c'est {phone}",
            "on parle en privé sur WhatsApp ? c'est {phone}",
        ),
        ("envoie une photo de toi en pyjama", "montre-moi ton corps, juste pour moi"),
        (
            "on se voit samedi au centre commercial ? viens seul(e)",
            "je peux venir te chercher après l'école",
        ),
    ),
    "en": (
        ("you're really good at this game, wanna team up?", "gg nice play, do you play a lot?"),
        (
            "i can send you some robux if you want",
            "you're the nicest person here, i feel close to you",
        ),
        ("do your parents check your phone?", "are you alone in your room right now?"),
        ("don't tell anyone, it's our secret", "nobody understands you like i do"),
        ("add me on snap, my number is {phone}", "let's talk in private on whatsapp, it's {phone}"),
        ("send me a pic of you in your pyjamas", "show me your body, just for me"),
        ("wanna meet saturday at the mall? come alone", "i can pick you up after school"),
    ),
    "ar": (
        ("أنت بارع جدا في هذه اللعبة، هل نلعب معا؟", "أحسنت، هل تلعب كثيرا؟"),
        ("أستطيع أن أرسل لك جواهر إن أردت", "أنت ألطف شخص هنا، أشعر أنني قريب منك"),
        ("هل يراقب والداك هاتفك؟", "هل أنت وحدك في غرفتك الآن؟"),
        ("لا تخبر أحدا، هذا سرنا", "لا أحد يفهمك مثلي"),
        ("أضفني على سناب، رقمي هو {phone}", "لنتحدث على واتساب، رقمي {phone}"),
        ("أرسل لي صورة لك بملابس النوم", "أرني جسمك، لي فقط"),
        ("هل نلتقي يوم السبت في المركز التجاري؟ تعال وحدك", "أستطيع أن آتي لأخذك بعد المدرسة"),
    ),
    "ary": (
        ("نتا واعر بزاف ف هاد اللعبة، نلعبو مع بعض؟", "برافو عليك، كتلعب بزاف؟"),
        ("نقدر نصيفط ليك الديامون إلا بغيتي", "نتا أحسن واحد هنا، كنحس براسي قريب ليك"),
        ("واش الواليدين كيشوفو ليك التيليفون؟", "واش نتا بوحدك ف البيت دابا؟"),
        ("ما تقول لحتى واحد، هادا سر بيناتنا", "حتى واحد ما كيفهمك بحالي"),
        ("زيدني ف سناب، النمرة ديالي {phone}", "نهضرو ف الواتساب؟ هاهي النمرة {phone}"),
        ("صيفط ليا تصويرة ديالك بالبيجامة", "وريني جسمك، غير ليا أنا"),
        ("نتلاقاو نهار السبت ف المول؟ جي بوحدك", "نقدر نجي نديك من المدرسة"),
    ),
    "ary-Latn": (
        ("nta wa3r bzaf f had l3ba, nl3bo m3a ba3d?", "bravo 3lik, katl3eb bzaf?"),
        ("n9der nsifet lik diamants ila bghiti", "nta a7sen wa7d hna, kan7ess rasi 9rib lik"),
        ("wach lwalidin kaychoufo lik telephone?", "wach nta bo7dek f lbit daba?"),
        ("ma tgol l 7ta wa7d, hada sir binatna", "7ta wa7d ma kayfhmek b7ali"),
        ("zidni f snap, nmra dyali {phone}", "nhadro f whatsapp? hahia nmra {phone}"),
        ("sifet liya tswira dyalek b pyjama", "werrini jismek, ghir liya ana"),
        ("ntla9aw nhar sebt f mall? ji bo7dek", "n9der nji nddik mn lmadrasa"),
    ),
}
GROOMING_HARMFUL_FROM = 2  # stage index from which the conversation is harmful
SEXTORTION: dict[str, tuple[tuple[str, ...], ...]] = {
    "fr": (
        ("salut, t'es mignon(ne) sur ton profil", "on peut faire connaissance ?"),
        ("envoie une photo sexy, je t'envoie la mienne", "on fait un appel vidéo ce soir ?"),
        (
            "j'ai enregistré notre appel, je vais l'envoyer à tous tes contacts",
            "j'ai tes photos, tout le monde va les voir",
        ),
        ("paie {amount} DH sur le RIB {rib} ou je publie", "envoie {amount} dirhams avant ce soir"),
        ("tu as une heure, après c'est fini pour toi", "si tu bloques, je poste tout"),
    ),
    "en": (
        ("hey you look cute on your profile", "can we get to know each other?"),
        ("send a sexy pic and i'll send mine", "video call tonight?"),
        (
            "i recorded our call, i'm sending it to all your followers",
            "i have your pics, everyone will see them",
        ),
        ("pay {amount} dirhams to {rib} or i post it", "send {amount} before tonight"),
        ("you have one hour, then it's over for you", "if you block me i post everything"),
    ),
    "ar": (
        ("مرحبا، صورتك جميلة", "هل يمكن أن نتعارف؟"),
        ("أرسل صورة مثيرة وسأرسل لك صورتي", "هل نجري مكالمة فيديو الليلة؟"),
        ("سجلت مكالمتنا وسأرسلها لكل أصدقائك", "لدي صورك وسيراها الجميع"),
        ("ادفع {amount} درهم في الحساب {rib} وإلا سأنشرها", "أرسل {amount} درهم قبل الليلة"),
        ("أمامك ساعة واحدة وبعدها ستندم", "إذا حظرتني سأنشر كل شيء"),
    ),
    "ary": (
        ("سلام، زوين ف البروفايل ديالك", "نتعرفو على بعض؟"),
        ("صيفط ليا تصويرة سيكسي ونصيفط ليك ديالي", "نديرو أبيل فيديو الليلة؟"),
        (
            "سجلت الأبيل ديالنا وغادي نصيفطو لكاع الصحاب ديالك",
            "عندي التصاور ديالك وغادي يشوفوهم الناس كاملين",
        ),
        ("خلص {amount} درهم ف الحساب {rib} ولا غادي ننشر", "صيفط {amount} درهم قبل الليل"),
        ("عندك ساعة وصافي", "إلا بلوكيتيني غادي ننشر كلشي"),
    ),
    "ary-Latn": (
        ("salam, zwin f profil dyalek", "nt3arfo 3la ba3d?"),
        ("sifet liya tswira sexy w nsifet lik dyali", "ndiro appel video lil?"),
        (
            "sejjelt l'appel dyalna w ghadi nsifto l ga3 s7abek",
            "3ndi tsawer dyalek w ghadi ychofohom nas kamlin",
        ),
        ("khless {amount} dh f RIB {rib} wla ghadi nnchr", "sifet {amount} dh 9bel lil"),
        ("3ndek sa3a w safi", "ila blokitini ghadi nnchr kolchi"),
    ),
}
SEXTORTION_HARMFUL_FROM = 2
BENIGN: dict[str, tuple[str, ...]] = {
    "fr": ("gg les gars", "qui vient en ranked ?", "t'as vu la nouvelle map ?", "lag de ouf ce soir",
           "on refait une partie ?", "j'ai fini mes devoirs, je peux jouer", "noob va, t'as raté le tir mdr",
           "bien joué pour la win", "demain même heure ?"),
    "en": ("gg guys", "who's up for ranked?", "did you see the new map?", "so much lag tonight",
           "one more round?", "finished my homework, i can play", "lol you missed that shot noob",
           "nice one for the win", "same time tomorrow?"),
    "ar": ("لعبة جيدة يا شباب", "من يريد أن يلعب مباراة مصنفة؟", "هل رأيت الخريطة الجديدة؟",
           "الاتصال بطيء الليلة", "جولة أخرى؟", "أنهيت واجباتي ويمكنني اللعب", "أحسنت على الفوز",
           "غدا في نفس الوقت؟"),
    "ary": ("برافو عليكم", "شكون جاي نلعبو رانكد؟", "شفتي الماب الجديدة؟", "اللاغ بزاف الليلة",
            "نعاودو واحد البارتي؟", "ساليت الدوفوار ونقدر نلعب", "هههه ضيعتي الضربة",
            "مبروك على الربحة", "غدا نفس الساعة؟"),
    "ary-Latn": ("bravo 3likom", "chkoun jay nl3bo ranked?", "chefti map jdida?", "lag bzaf lyoum",
                 "n3awdo wa7d partie?", "salit devoir w n9der nl3eb", "hhhh dyya3ti tir a noob",
                 "mabrouk 3la rb7a", "ghda nfs sa3a?"),
}  # fmt: skip
CHILD: dict[str, tuple[str, ...]] = {
    "fr": ("ok", "merci !", "je sais pas", "pourquoi ?", "j'ai {age} ans", "mdr", "non mes parents dorment", "d'accord"),
    "en": ("ok", "thanks!", "i don't know", "why?", "i'm {age}", "lol", "no my parents are asleep", "sure"),
    "ar": ("حسنا", "شكرا!", "لا أعرف", "لماذا؟", "عمري {age} سنة", "هههه", "لا، والداي نائمان", "موافق"),
    "ary": ("واخا", "شكرا!", "ما عرفتش", "علاش؟", "عندي {age} عام", "ههههه", "لا الواليدين ناعسين", "مزيان"),
    "ary-Latn": ("wakha", "chokran!", "ma 3reftch", "3lach?", "3ndi {age} 3am", "hhhhh", "la lwalidin n3esin", "mzyan"),
}  # fmt: skip
PLEAD: dict[str, tuple[str, ...]] = {
    "fr": ("s'il te plaît supprime", "je n'ai pas d'argent", "laisse-moi tranquille"),
    "en": ("please delete it", "i don't have money", "leave me alone"),
    "ar": ("أرجوك احذفها", "ليس لدي مال", "اتركني وشأني"),
    "ary": ("عافاك مسحها", "ما عنديش الفلوس", "خليني فحالي"),
    "ary-Latn": ("3afak ms7ha", "ma 3ndich lflous", "khlini f 7ali"),
}


def write(path: Path, rng: np.random.Generator, n_conv: int) -> tuple[int, dict[str, Any]]:
    """Write the transcripts; return (messages, truth by conversation)."""
    kinds = list(KIND_P)
    kind_idx = rng.choice(len(kinds), size=n_conv, p=np.array(list(KIND_P.values())))
    lang_idx = rng.choice(len(CHAT_LANGS), size=n_conv, p=np.array(LANG_P))
    plat_idx = rng.integers(0, len(PLATFORMS), n_conv)
    start0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    truth: dict[str, Any] = {}
    lines = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for c in range(n_conv):
            kind = kinds[int(kind_idx[c])]
            lang = CHAT_LANGS[int(lang_idx[c])]
            space, platform = PLATFORMS[int(plat_idx[c])]
            seed = rng.integers(0, 2**31 - 1, 16)
            child_age = int(10 + seed[0] % 8) if kind != "sextortion" else int(13 + seed[0] % 12)
            a_handle = P.handle(int(seed[1]))
            c_handle = P.handle(int(seed[2]) + 1)
            cid = f"conv-{c + 1:06d}"
            t = start0 + dt.timedelta(minutes=int(seed[3] % (60 * 24 * 660)))
            slots = {
                "phone": P.format_phone(
                    P.phone_number(int(seed[4]) % 40_000_000, bool(seed[5] % 2), 60_000_000),
                    int(seed[6] % P.PHONE_STYLES),
                ),
                "amount": (500, 1000, 2000, 3000, 5000)[int(seed[7] % 5)],
                "rib": P.rib(int(seed[8])),
                "age": child_age,
            }
            msgs: list[tuple[str, str]] = []
            first_harm: int | None = None
            if kind == "benign":
                n = 6 + int(seed[9] % 10)
                for i in range(n):
                    speaker = a_handle if i % 2 == 0 else c_handle
                    pool = BENIGN[lang] if i % 3 else BENIGN[lang] + CHILD[lang][:4]
                    msgs.append((speaker, pool[int(seed[(10 + i) % 16] + i * 7) % len(pool)]))
            else:
                stages = GROOMING[lang] if kind == "grooming" else SEXTORTION[lang]
                harm_from = GROOMING_HARMFUL_FROM if kind == "grooming" else SEXTORTION_HARMFUL_FROM
                # a benign warm-up of a few game lines, then the escalation
                for i in range(int(seed[9] % 4)):
                    msgs.append((c_handle if i % 2 else a_handle, BENIGN[lang][int(seed[10] + i) % len(BENIGN[lang])]))  # fmt: skip
                for s, options in enumerate(stages):
                    if s == harm_from:
                        first_harm = len(msgs) + 1
                    msgs.append((a_handle, options[int(seed[11] + s) % len(options)]))
                    reply_pool = (
                        PLEAD[lang] if kind == "sextortion" and s >= harm_from else CHILD[lang]
                    )
                    msgs.append((c_handle, reply_pool[int(seed[12] + 3 * s) % len(reply_pool)]))
            declared = bool(seed[13] % 3 == 0)
            for turn, (speaker, text) in enumerate(msgs, start=1):
                t += dt.timedelta(seconds=int(5 + (seed[14] * turn) % 240))
                rec = {
                    "conversation_id": cid,
                    "turn": turn,
                    "speaker": speaker,
                    "timestamp": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "declared_age": child_age if declared and speaker == c_handle else None,
                    "platform": platform,
                    "space": space,
                    "text": text.format(**slots),
                    "synthetic": True,
                }
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                lines += 1
            truth[cid] = {
                "label": kind,
                "language": lang,
                "turns": len(msgs),
                "first_harmful_turn": first_harm,
                "aggressor": a_handle if kind != "benign" else None,
                "target_age": child_age,
            }
    return lines, truth
