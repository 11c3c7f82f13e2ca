"""Synthetic incident narratives: templates with slot filling, in five written languages.

Languages: ``fr`` (French), ``ar`` (Modern Standard Arabic), ``ary`` (Moroccan Darija in
Arabic script), ``ary-Latn`` (Darija in Latin "Arabizi" with the digits 3, 7, 9) and ``en``.
A narrative is an optional opening, one of several sentences for the incident's category,
zero to two evidence sentences carrying personal data (phone numbers, handles, links,
e-mail, CIN, RIB) and an optional closing, so the wording varies widely. All of it is
invented; the personal data is there so that scrubbing is exercised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

Lang = str
LANGS: tuple[Lang, ...] = ("fr", "ar", "ary", "ary-Latn", "en")

OPENINGS: dict[Lang, tuple[str, ...]] = {
    "fr": (
        "Je m'appelle {name}.",
        "Bonjour, je suis {name}, je vous contacte au sujet d'un problème sur {platform}.",
        "Déclaration de {name} (CIN {cin}) :",
        "Bonjour,",
        "Madame, Monsieur,",
        "Je souhaite signaler des faits qui durent depuis {when}.",
    ),
    "ar": (
        "اسمي {name}.",
        "السلام عليكم، أنا {name} وأتواصل معكم بخصوص مشكلة على {platform}.",
        "تصريح {name} (رقم البطاقة الوطنية {cin}):",
        "السلام عليكم،",
        "أود أن أبلغ عن وقائع مستمرة منذ {when}.",
    ),
    "ary": (
        "سميتي {name}.",
        "السلام، أنا {name} وبغيت نشكي على واحد المشكل ف {platform}.",
        "السلام عليكم،",
        "هادي {when} وهاد المشكل كاين.",
    ),
    "ary-Latn": (
        "smiti {name}.",
        "salam, ana {name} w bghit nchki 3la wa7d lmochkil f {platform}.",
        "salam 3alikom,",
        "hadi {when} w had lmochkil kayn.",
    ),
    "en": (
        "My name is {name}.",
        "Hello, I am {name} and I am writing about a problem on {platform}.",
        "Hello,",
        "I want to report something that has been going on for {when}.",
    ),
}

CORES: dict[Lang, dict[str, tuple[str, ...]]] = {
    "fr": {
        "cyberharassment": (
            "{perp} m'insulte et m'humilie tous les jours sur {platform}, il publie des commentaires moqueurs sous mes photos.",
            "Depuis {when}, {perp} m'envoie des messages méchants sur {platform} et pousse d'autres comptes à faire pareil.",
            "Je reçois des dizaines de messages injurieux par jour sur {platform}, je n'ose plus ouvrir l'application.",
        ),
        "sexual_harassment": (
            "{perp} m'envoie des messages à caractère sexuel sur {platform} alors que je lui ai dit d'arrêter.",
            "J'ai reçu sans le demander des photos obscènes de {perp} sur {platform}.",
            "Sur {platform}, {perp} me fait des propositions sexuelles insistantes et des remarques sur mon corps.",
        ),
        "cyberstalking": (
            "{perp} sait toujours où je suis, je pense qu'il a installé une application espion sur mon téléphone.",
            "Depuis {when}, {perp} surveille tous mes comptes, m'appelle sans arrêt et me suit grâce à la localisation de {platform}.",
        ),
        "threats": (
            "{perp} a écrit sur {platform} qu'il allait me tuer si je ne revenais pas.",
            "J'ai reçu des menaces de violence de la part de {perp} sur {platform} : il dit qu'il va s'en prendre à ma famille.",
        ),
        "ncii": (
            "{perp} a publié sur {platform} des photos intimes de moi sans mon accord.",
            "Des vidéos intimes prises sans mon consentement circulent sur {platform}, c'est {perp} qui les a partagées.",
        ),
        "sexual_deepfakes": (
            "Quelqu'un a fabriqué un montage à caractère sexuel avec mon visage et le diffuse sur {platform}.",
            "{perp} partage sur {platform} une fausse vidéo sexuelle générée par intelligence artificielle (deepfake) où l'on voit mon visage.",
        ),
        "sextortion": (
            "{perp} menace de publier mes photos intimes sur {platform} si je ne lui envoie pas {amount} dirhams.",
            "Après un appel vidéo sur {platform}, {perp} a enregistré l'appel et exige de l'argent, sinon il envoie la vidéo à mes contacts.",
        ),
        "grooming": (
            "Mon enfant de {age} ans discute depuis {when} avec {perp} sur {platform}, qui lui offre des cadeaux et lui demande de garder le secret.",
            "Un adulte rencontré sur {platform} complimente mon enfant de {age} ans, lui demande des photos et veut le voir seul.",
        ),
        "csam": (
            "J'ai découvert sur {platform} des images d'abus sexuels sur des enfants partagées dans un groupe.",
            "Des photos sexuelles d'un mineur de l'école circulent sur {platform}.",
        ),
        "doxxing": (
            "{perp} a publié mon adresse, mon numéro et le nom de mon lycée sur {platform}.",
            "Mes données personnelles ont été diffusées sur {platform} avec un appel à venir me trouver.",
        ),
        "impersonation": (
            "{perp} a créé un faux compte à mon nom sur {platform} et écrit à mes proches.",
            "Mon compte {platform} a été piraté, {perp} a changé le mot de passe et publie à ma place.",
        ),
        "gendered_hate": (
            "On m'insulte sur {platform} avec des propos haineux contre les femmes chaque fois que je donne mon avis.",
            "Une campagne de messages haineux contre les femmes vise mes publications sur {platform}.",
        ),
        "virtual_sexual_assault": (
            "Dans {platform}, un avatar a coincé le mien et simulé des gestes sexuels malgré mes refus.",
            "Pendant une session sur {platform} avec le casque VR, plusieurs joueurs ont encerclé mon avatar et ont mimé une agression sexuelle.",
        ),
        "other": (
            "J'ai un problème avec {perp} sur {platform} et je ne sais pas à qui m'adresser.",
            "Il se passe quelque chose de grave sur mon compte {platform}, j'ai besoin de conseils.",
        ),
    },
    "ar": {
        "cyberharassment": (
            "يقوم {perp} بشتمي وإهانتي يوميا على {platform} وينشر تعليقات ساخرة تحت صوري.",
            "منذ {when} يرسل لي {perp} رسائل مسيئة على {platform} ويحرض حسابات أخرى ضدي.",
        ),
        "sexual_harassment": (
            "يرسل لي {perp} رسائل ذات طابع جنسي على {platform} رغم أنني طلبت منه التوقف.",
            "تلقيت صورا فاحشة من {perp} على {platform} دون أن أطلبها.",
        ),
        "cyberstalking": (
            "{perp} يعرف دائما مكاني، وأظن أنه ثبت تطبيق تجسس على هاتفي.",
            "منذ {when} يراقب {perp} كل حساباتي على {platform} ويتصل بي باستمرار.",
        ),
        "threats": (
            "كتب {perp} على {platform} أنه سيقتلني إذا لم أعد إليه.",
            "تلقيت على {platform} تهديدات بالعنف من {perp} يقول فيها إنه سيؤذي عائلتي.",
        ),
        "ncii": (
            "نشر {perp} صورا حميمة لي على {platform} دون موافقتي.",
            "تنتشر على {platform} مقاطع فيديو حميمة صورت دون علمي، وقد شاركها {perp}.",
        ),
        "sexual_deepfakes": (
            "قام شخص بتركيب صور جنسية مزيفة بوجهي وينشرها على {platform}.",
            "ينشر {perp} على {platform} فيديو جنسيا مزيفا مصنوعا بالذكاء الاصطناعي يظهر فيه وجهي.",
        ),
        "sextortion": (
            "يهددني {perp} بنشر صوري الخاصة على {platform} إذا لم أرسل له {amount} درهم.",
            "بعد مكالمة فيديو على {platform} سجل {perp} المكالمة ويطلب مالا وإلا سيرسلها إلى أصدقائي.",
        ),
        "grooming": (
            "يتحدث طفلي البالغ {age} سنة منذ {when} مع {perp} على {platform}، يقدم له هدايا ويطلب منه الحفاظ على السر.",
            "تعرف شخص بالغ على طفلي ذي {age} سنة في {platform} ويطلب منه صورا ويريد لقاءه وحده.",
        ),
        "csam": (
            "اكتشفت على {platform} صورا لاعتداءات جنسية على أطفال تتم مشاركتها في مجموعة.",
            "تنتشر على {platform} صور جنسية لقاصر من المدرسة.",
        ),
        "doxxing": (
            "نشر {perp} عنواني ورقم هاتفي واسم مدرستي على {platform}.",
            "تم نشر بياناتي الشخصية على {platform} مع دعوة للبحث عني.",
        ),
        "impersonation": (
            "أنشأ {perp} حسابا مزيفا باسمي على {platform} ويراسل أقاربي.",
            "تمت قرصنة حسابي على {platform} وغير {perp} كلمة السر وصار ينشر باسمي.",
        ),
        "gendered_hate": (
            "أتعرض على {platform} لشتائم معادية للنساء كلما عبرت عن رأيي.",
            "حملة من الرسائل الحاقدة على النساء تستهدف منشوراتي على {platform}.",
        ),
        "virtual_sexual_assault": (
            "في {platform} حاصر أفاتار شخص آخر أفاتاري وقام بحركات جنسية رغم رفضي.",
            "أثناء جلسة على {platform} بنظارة الواقع الافتراضي، أحاط عدة لاعبين بأفاتاري وقاموا بمحاكاة اعتداء جنسي.",
        ),
        "other": (
            "لدي مشكلة مع {perp} على {platform} ولا أعرف لمن ألجأ.",
            "يحدث شيء خطير في حسابي على {platform} وأحتاج إلى المساعدة.",
        ),
    },
    "ary": {
        "cyberharassment": (
            "{perp} كيسبني وكيحشمني كل نهار ف {platform} وكيكتب تعليقات خايبة تحت تصاوري.",
            "من {when} و{perp} كيصيفط ليا ميساجات ديال السب ف {platform}.",
        ),
        "sexual_harassment": (
            "{perp} كيصيفط ليا ميساجات فيهم كلام جنسي ف {platform} واخا قلت ليه حبس.",
            "صيفط ليا {perp} تصاور خايبين ف {platform} بلا ما نطلب.",
        ),
        "cyberstalking": (
            "{perp} ديما عارف فين أنا، كنظن دار ليا شي تطبيق ديال التجسس ف التيليفون.",
            "من {when} و{perp} كيراقب ليا الحسابات ديالي ف {platform} وكيعيط ليا بزاف.",
        ),
        "threats": (
            "{perp} كتب ليا ف {platform} غادي يقتلني إلا ما رجعتش ليه.",
            "{perp} كيهددني ف {platform} باللي غادي يأذي العائلة ديالي.",
        ),
        "ncii": (
            "{perp} نشر تصاوري الخاصة ف {platform} بلا موافقتي.",
            "كاينين فيديوهات خاصة ديالي كيدوروا ف {platform}، {perp} هو اللي نشرهم.",
        ),
        "sexual_deepfakes": (
            "شي واحد دار مونطاج جنسي بوجهي وكينشرو ف {platform}.",
            "{perp} كينشر ف {platform} فيديو جنسي مفبرك بالذكاء الاصطناعي فيه وجهي.",
        ),
        "sextortion": (
            "{perp} كيهددني ينشر تصاوري ف {platform} إلا ما صيفطتش ليه {amount} درهم.",
            "من بعد واحد الأبيل فيديو ف {platform}، {perp} سجلو وكيطلب الفلوس ولا غادي يصيفطو للصحابي.",
        ),
        "grooming": (
            "ولدي عندو {age} عام وكيهضر من {when} مع {perp} ف {platform}، كيعطيه كادوات وكيقول ليه ما يقول والو لحتى واحد.",
            "واحد الراجل كبير تعرف على ولدي اللي عندو {age} عام ف {platform} وكيطلب منو تصاور وبغا يتلاقى معاه بوحدو.",
        ),
        "csam": (
            "لقيت ف {platform} تصاور ديال اعتداء جنسي على دراري صغار كيتبادلوهم ف واحد الكروب.",
            "كاينين تصاور جنسية ديال قاصر من المدرسة كيدوروا ف {platform}.",
        ),
        "doxxing": (
            "{perp} نشر العنوان ديالي والنمرة ديالي وسمية المدرسة ف {platform}.",
            "نشروا المعلومات الشخصية ديالي ف {platform} وكيقولو للناس يقلبوا عليا.",
        ),
        "impersonation": (
            "{perp} دار حساب مزور بسميتي ف {platform} وكيصيفط للعائلة ديالي.",
            "تهكر ليا الحساب ديال {platform}، {perp} بدل كلمة السر وولى كينشر بلاصتي.",
        ),
        "gendered_hate": (
            "ف {platform} كيسبوني بكلام كيحقر العيالات كل ما نعطي رايي.",
            "كاينة حملة ديال الكراهية ضد العيالات على البوسطات ديالي ف {platform}.",
        ),
        "virtual_sexual_assault": (
            "ف {platform} واحد الأفاتار حاصر الأفاتار ديالي ودار حركات جنسية واخا رفضت.",
            "وأنا ف {platform} بالكاسك ديال VR، بزاف ديال اللاعبين دارو بالأفاتار ديالي ومثلو اعتداء جنسي.",
        ),
        "other": (
            "عندي مشكل مع {perp} ف {platform} وما عرفتش فين نمشي.",
            "كاين شي حاجة خطيرة ف الحساب ديالي ف {platform} ومحتاج المساعدة.",
        ),
    },
    "ary-Latn": {
        "cyberharassment": (
            "{perp} kaysebni w kay7echmni kol nhar f {platform}, kayktb commentairat khaybin ta7t tsawri.",
            "mn {when} w {perp} kaysifet liya messages dyal sb f {platform}.",
        ),
        "sexual_harassment": (
            "{perp} kaysifet liya messages fihom klam jinsi f {platform} wakha gelt lih 7bes.",
            "sifet liya {perp} tsawer khaybin f {platform} bla ma ntleb.",
        ),
        "cyberstalking": (
            "{perp} dima 3aref fin ana, kandon dar liya chi application dyal tajasos f telephone.",
            "mn {when} w {perp} kayraqeb liya les comptes dyali f {platform} w kay3ayet liya bzaf.",
        ),
        "threats": (
            "{perp} kteb liya f {platform} ghadi y9telni ila ma rje3tch lih.",
            "{perp} kayhededni f {platform} bli ghadi yadi l3a2ila dyali.",
        ),
        "ncii": (
            "{perp} nchr tsawri lkhassa f {platform} bla mwafa9a dyali.",
            "kaynin videos khassin dyali kaydouro f {platform}, {perp} howa li nchrhom.",
        ),
        "sexual_deepfakes": (
            "chi wa7d dar montage jinsi b wjhi w kaynchro f {platform}.",
            "{perp} kaynchr f {platform} video jinsi mfabrek b AI fih wjhi (deepfake).",
        ),
        "sextortion": (
            "{perp} kayhededni ynchr tsawri f {platform} ila ma sifetch lih {amount} dh.",
            "mn b3d wa7d appel video f {platform}, {perp} sejlo w kaytleb lflous wla ghadi ysifto l s7abi.",
        ),
        "grooming": (
            "weldi 3ndo {age} 3am w kayhder mn {when} m3a {perp} f {platform}, kay3tih cadeaux w kaygol lih ma ygol walo l 7ta wa7d.",
            "wa7d rajel kbir t3erf 3la weldi li 3ndo {age} 3am f {platform} w kaytleb mno tsawer w bgha ytla9a m3ah bo7do.",
        ),
        "csam": (
            "l9it f {platform} tsawer dyal i3tida2 jinsi 3la drari sghar kaytbadlohom f wa7d groupe.",
            "kaynin tsawer jinsiya dyal wa7d 9aser mn lmadrasa kaydouro f {platform}.",
        ),
        "doxxing": (
            "{perp} nchr l3onwan dyali w nmra dyali w smiyt lmadrasa f {platform}.",
            "nchro les informations dyali f {platform} w kaygolo l nas y9elbo 3liya.",
        ),
        "impersonation": (
            "{perp} dar compte mzewer b smiti f {platform} w kaysifet l 3a2ila dyali.",
            "thaka liya compte dyal {platform}, {perp} beddel mot de passe w wla kaynchr blasti.",
        ),
        "gendered_hate": (
            "f {platform} kaysebouni b klam kay7e9er l3yalat kol ma n3ti rayi.",
            "kayna 7amla dyal lkarahiya dd l3yalat 3la les posts dyali f {platform}.",
        ),
        "virtual_sexual_assault": (
            "f {platform} wa7d avatar 7aser l avatar dyali w dar 7arakat jinsiya wakha rfdt.",
            "w ana f {platform} b casque VR, bzaf dyal les joueurs daro b avatar dyali w mettlo i3tida2 jinsi.",
        ),
        "other": (
            "3ndi mochkil m3a {perp} f {platform} w ma 3reftch fin nmchi.",
            "kayna chi haja khatira f compte dyali f {platform}, m7taj l mosa3ada.",
        ),
    },
    "en": {
        "cyberharassment": (
            "{perp} insults and humiliates me every day on {platform} and posts mocking comments under my photos.",
            "For {when}, {perp} has been sending me abusive messages on {platform} and getting other accounts to join in.",
        ),
        "sexual_harassment": (
            "{perp} keeps sending me sexual messages on {platform} even though I told him to stop.",
            "I received obscene pictures from {perp} on {platform} that I never asked for.",
        ),
        "cyberstalking": (
            "{perp} always knows where I am; I think he installed a spy app on my phone.",
            "For {when}, {perp} has been monitoring all my {platform} accounts and calling me non-stop.",
        ),
        "threats": (
            "{perp} wrote on {platform} that he would kill me if I did not come back.",
            "I got threats of violence from {perp} on {platform} saying he will hurt my family.",
        ),
        "ncii": (
            "{perp} posted intimate photos of me on {platform} without my consent.",
            "Intimate videos taken without my consent are circulating on {platform}; {perp} shared them.",
        ),
        "sexual_deepfakes": (
            "Someone made a fake sexual image with my face and is spreading it on {platform}.",
            "{perp} is sharing on {platform} an AI-generated sexual deepfake video that shows my face.",
        ),
        "sextortion": (
            "{perp} threatens to post my private pictures on {platform} unless I send him {amount} dirhams.",
            "After a video call on {platform}, {perp} recorded it and demands money or he will send it to my friends.",
        ),
        "grooming": (
            "My {age}-year-old child has been chatting for {when} with {perp} on {platform}, who gives gifts and asks to keep it secret.",
            "An adult met on {platform} keeps asking my {age}-year-old child for pictures and wants to meet alone.",
        ),
        "csam": (
            "I found images of child sexual abuse being shared in a group on {platform}.",
            "Sexual pictures of a minor from school are circulating on {platform}.",
        ),
        "doxxing": (
            "{perp} posted my address, phone number and school on {platform}.",
            "My personal data was published on {platform} with a call to come and find me.",
        ),
        "impersonation": (
            "{perp} created a fake account in my name on {platform} and is messaging my relatives.",
            "My {platform} account was hacked; {perp} changed the password and posts as me.",
        ),
        "gendered_hate": (
            "I get misogynistic insults on {platform} every time I give my opinion.",
            "A hate campaign against women is targeting my posts on {platform}.",
        ),
        "virtual_sexual_assault": (
            "In {platform}, another avatar cornered mine and made sexual gestures although I refused.",
            "During a VR session on {platform}, several players surrounded my avatar and simulated a sexual assault.",
        ),
        "other": (
            "I have a problem with {perp} on {platform} and do not know where to turn.",
            "Something serious is happening on my {platform} account and I need help.",
        ),
    },
}

# Evidence sentences; each carries personal data the scrubber must remove.
EVIDENCE: dict[Lang, tuple[str, ...]] = {
    "fr": (
        "Son numéro est le {phone}.",
        "Il utilise le compte @{handle}.",
        "Voici le lien : {url}",
        "Vous pouvez me joindre au {vphone} ou par mail à {email}.",
        "Il m'écrit depuis le {phone} et le compte @{handle}.",
    ),
    "ar": (
        "رقم هاتفه هو {phone}.",
        "يستعمل الحساب @{handle}.",
        "هذا هو الرابط: {url}",
        "يمكنكم التواصل معي على الرقم {vphone} أو عبر البريد {email}.",
        "يراسلني من الرقم {phone} ومن الحساب @{handle}.",
    ),
    "ary": (
        "النمرة ديالو هي {phone}.",
        "كيستعمل الحساب @{handle}.",
        "هاهو الليان: {url}",
        "تقدرو تعيطو ليا ف {vphone} ولا ف الإيميل {email}.",
        "كيكتب ليا من {phone} ومن الحساب @{handle}.",
    ),
    "ary-Latn": (
        "nmra dyalo hia {phone}.",
        "kaysta3mel compte @{handle}.",
        "hahowa lien: {url}",
        "t9dro t3ayto liya f {vphone} wla f email {email}.",
        "kayktb liya mn {phone} w mn compte @{handle}.",
    ),
    "en": (
        "His number is {phone}.",
        "He uses the account @{handle}.",
        "Here is the link: {url}",
        "You can reach me on {vphone} or by e-mail at {email}.",
        "He writes to me from {phone} and the account @{handle}.",
    ),
}
RIB_SENTENCE: dict[Lang, str] = {
    "fr": "Il exige le virement sur le RIB {rib}.",
    "ar": "طلب تحويل المبلغ إلى رقم الحساب البنكي {rib}.",
    "ary": "طلب نحول الفلوس للحساب البنكي {rib}.",
    "ary-Latn": "tleb n7awel lflous l RIB {rib}.",
    "en": "He asked for the transfer to the bank account (RIB) {rib}.",
}
CLOSINGS: dict[Lang, tuple[str, ...]] = {
    "fr": (
        "Je veux que ça s'arrête.",
        "Merci de m'aider à faire supprimer ces contenus.",
        "J'ai peur pour ma sécurité.",
        "Je demande que des mesures soient prises.",
    ),
    "ar": (
        "أريد أن يتوقف هذا.",
        "أرجو مساعدتي على حذف هذا المحتوى.",
        "أخاف على سلامتي.",
        "أطالب باتخاذ الإجراءات اللازمة.",
    ),
    "ary": (
        "بغيت هادشي يوقف.",
        "عافاكم عاونوني نحيدو هاد المحتوى.",
        "عندي الخوف على راسي.",
        "بغيت تديرو شي حاجة.",
    ),
    "ary-Latn": (
        "bghit hadchi ywe9ef.",
        "3afakom 3awnouni n7aydo had lcontenu.",
        "3ndi lkhof 3la rasi.",
        "bghit dirou chi 7aja.",
    ),
    "en": (
        "I want this to stop.",
        "Please help me get this content removed.",
        "I am afraid for my safety.",
        "I ask that action be taken.",
    ),
}
# Perpetrator descriptions by relationship (partner/family, other known, unknown, not known).
PERPS: dict[Lang, tuple[tuple[str, ...], ...]] = {
    "fr": (
        ("mon ex-mari", "mon ex-fiancé", "mon mari", "un cousin"),
        ("un collègue", "un camarade de classe", "un voisin", "un ancien ami"),
        ("un inconnu", "un faux profil", "une personne que je ne connais pas", "un joueur inconnu"),
        ("quelqu'un", "une personne"),
    ),
    "ar": (
        ("طليقي", "خطيبي السابق", "زوجي", "ابن عمي"),
        ("زميل في العمل", "زميل في القسم", "أحد الجيران", "صديق قديم"),
        ("شخص مجهول", "حساب مزيف", "شخص لا أعرفه", "لاعب مجهول"),
        ("شخص ما", "أحدهم"),
    ),
    "ary": (
        ("الراجل اللي طلقني", "الخطيب ديالي القديم", "راجلي", "ولد عمي"),
        ("واحد صاحبي ف الخدمة", "واحد معايا ف القسم", "الجار", "واحد صاحبي قديم"),
        ("واحد ما كنعرفوش", "حساب فيك", "شي واحد مجهول", "واحد اللاعب ما كنعرفوش"),
        ("شي واحد", "واحد"),
    ),
    "ary-Latn": (
        ("rajli l9dim", "lkhatib dyali l9dim", "rajli", "weld 3mmi"),
        ("wa7d m3aya f lkhedma", "wa7d m3aya f l9ism", "ljar", "wa7d sa7bi l9dim"),
        ("wa7d ma kan3rfouch", "compte fake", "chi wa7d majhoul", "wa7d joueur ma kan3rfouch"),
        ("chi wa7d", "wa7d"),
    ),
    "en": (
        ("my ex-husband", "my ex-fiancé", "my husband", "a cousin"),
        ("a colleague", "a classmate", "a neighbour", "an old friend"),
        ("a stranger", "a fake profile", "someone I do not know", "an unknown player"),
        ("someone", "a person"),
    ),
}
WHEN: dict[Lang, tuple[str, ...]] = {
    "fr": ("deux semaines", "un mois", "trois mois", "six mois", "plusieurs jours", "un an"),
    "ar": ("أسبوعين", "شهر", "ثلاثة أشهر", "ستة أشهر", "عدة أيام", "سنة"),
    "ary": ("جوج سيمانات", "شهر", "تلت شهور", "ستة شهور", "شحال من نهار", "عام"),
    "ary-Latn": ("jouj simanat", "chhar", "tlt chhour", "sta chhour", "ch7al mn nhar", "3am"),
    "en": ("two weeks", "a month", "three months", "six months", "several days", "a year"),
}
AMOUNTS = (500, 1000, 1500, 2000, 3000, 5000, 10000)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s and s[0].isascii() else s


class _Slots(dict[str, object]):
    """Slot values, the costly ones computed only when a chosen sentence needs them."""

    def __init__(self, eager: dict[str, object], lazy: Mapping[str, Callable[[], str]]) -> None:
        super().__init__(eager)
        self.lazy = lazy

    def __missing__(self, key: str) -> object:
        value = self.lazy[key]()
        self[key] = value
        return value


PII_SLOTS = ("name", "cin", "phone", "vphone", "handle", "url", "email", "rib")


def narrative(
    lang: Lang,
    category: str,
    r: Sequence[int],
    *,
    name: str,
    platform: str,
    rel: int,
    age: int,
    pii: Mapping[str, Callable[[], str]],
) -> tuple[str, list[str]]:
    """One narrative and the personal-data strings planted in it.

    ``r`` holds eight non-negative random integers (the row's recipe) that pick the
    sentences and the slot values, so the text is a pure function of the row. ``pii`` gives,
    for ``cin``, ``phone`` (the perpetrator's), ``vphone`` (the victim's), ``handle``,
    ``url``, ``email`` and ``rib``, a function computing the value when a sentence uses it
    (``cin`` returns "" for a person without a CIN, e.g. a minor).
    """
    slots = _Slots(
        {
            "name": name,
            "platform": platform,
            "perp": PERPS[lang][rel][r[0] % len(PERPS[lang][rel])],
            "when": WHEN[lang][r[1] % len(WHEN[lang])],
            "amount": AMOUNTS[r[2] % len(AMOUNTS)],
            "age": age,
        },
        pii,
    )
    parts: list[str] = []
    used: list[str] = []
    openings = OPENINGS[lang]
    o = r[3] % (len(openings) + 2)  # two chances in (n + 2) of no opening
    op = openings[o] if o < len(openings) else ""
    if op and (name or "{name}" not in op) and ("{cin}" not in op or slots["cin"]):
        parts.append(op)
    cores = CORES[lang][category]
    parts.append(cores[r[4] % len(cores)])
    ev = EVIDENCE[lang]
    n_ev = r[5] % 3  # 0, 1 or 2 evidence sentences
    for j in range(n_ev):
        parts.append(ev[(r[6] + j * 2) % len(ev)])
    if category == "sextortion" and r[2] % 2 == 0:
        parts.append(RIB_SENTENCE[lang])
    closings = CLOSINGS[lang]
    c = r[7] % (len(closings) + 1)
    if c < len(closings):
        parts.append(closings[c])
    out: list[str] = []
    for p in parts:
        sentence = p.format_map(slots)
        out.append(sentence if out and out[-1].endswith(",") else _cap(sentence))
    text = " ".join(out)
    if lang == "fr":
        text = text.replace(" de un", " d'un").replace(" de une", " d'une")
    for key in PII_SLOTS:
        value = str(slots.get(key) or "")
        if value and value in text:
            used.append(value)
    return text, used
