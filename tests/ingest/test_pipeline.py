"""The whole import on both backends: idempotence, quarantine, privacy, de-duplication, targets."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import sqlalchemy as sa

from marsad.config import Settings
from marsad.ingest import ingest_file, ingest_summary
from marsad.store import Store, tables
from tests.ingest.conftest import (
    POLICE_HEADER,
    POLICE_PROFILE,
    police_row,
    write_csv,
    write_profile,
)

HOTLINE_PROFILE = copy.deepcopy(POLICE_PROFILE)
HOTLINE_PROFILE.update(
    id="test_hotline", source={"code": "hotline", "name": "Hotline", "kind": "hotline"}
)


def test_reimport_is_idempotent_and_records_are_unique_per_source(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    rows = [police_row(i) for i in range(1, 51)] + [police_row(99, age="abc")]
    path = write_csv(tmp_path / "reg.csv", rows)
    first = ingest_file(store, settings, path, police_profile, progress=False)
    assert (first.rows_read, first.accepted, first.quarantined, first.already_imported) == (
        51,
        50,
        1,
        False,
    )
    again = ingest_file(store, settings, path, police_profile, progress=False)
    assert again.already_imported and again.batch_id == first.batch_id
    assert (again.accepted, again.quarantined) == (50, 1)
    assert store.count("incidents") == 50 and store.count("quarantine") == 1
    assert store.count("incident_categories") == 50
    # a later export of the same register: 50 known records, 5 new ones
    path2 = write_csv(tmp_path / "reg2.csv", [police_row(i) for i in range(1, 56)])
    second = ingest_file(store, settings, path2, police_profile, progress=False)
    assert (second.accepted, second.skipped_existing, second.already_imported) == (5, 50, False)
    assert store.count("incidents") == 55 and store.count("import_batches") == 2


def test_quarantine_keeps_a_safe_raw_row(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    header = [*POLICE_HEADER, "adresse"]
    bad = police_row(7, age="1O", recit="Salma Bennani: appelle le 0661234567", adresse="12 rue X")
    path = write_csv(tmp_path / "reg.csv", [bad], header=header)
    ingest_file(store, settings, path, police_profile, progress=False)
    with store.connect() as c:
        q = c.execute(sa.select(tables.quarantine)).one()
    assert q.row_number == 2 and q.status == "open"
    assert q.errors == [
        {
            "column": "age",
            "code": "ingest.not_int",
            "message": "Column 'age' in row 2 of reg.csv must be a whole number from 0 to 120; got '1O'.",
        }
    ]
    raw = q.raw
    assert raw["age"] == "1O" and raw["region"] == "Casablanca-Settat"
    assert raw["recit"] == "[NAME]: appelle le [PHONE]"
    assert raw["tel_victime"].startswith("pseudonym:") and "45 67" not in raw["tel_victime"]
    assert raw["num_plainte"].startswith("pseudonym:")
    assert (
        "nom_victime" not in raw and "adresse" not in raw
    )  # names and unmapped columns never kept


def _db_text(store: Store, settings: Settings) -> str:
    """Every byte the store holds, as text: the SQLite files, or every text column on PostgreSQL."""
    if store.dialect == "sqlite":
        store.close()
        db = Path(settings.db_url.removeprefix("sqlite:///"))
        blobs = [p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists()]
        return b"".join(blobs).decode("utf-8", errors="replace")
    parts: list[str] = []
    with store.connect() as c:
        for table in tables.metadata.sorted_tables:
            cols = [col.name for col in table.columns]
            for row in c.execute(
                sa.text(f"SELECT {', '.join(f'CAST({n} AS TEXT)' for n in cols)} FROM {table.name}")
            ):
                parts.extend(str(v) for v in row if v is not None)
    return "\n".join(parts)


def test_no_raw_identifier_reaches_the_store(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    identifiers = {
        "phones": ["06 61 23 45 67", "+212 7 71 23 45 68", "0662.33.44.55", "00212 6 63 12 34 56"],
        "cins": ["BK445566", "JA778899", "X991122"],
        "names": ["Yasmine Alaoui", "Nadia Berrada", "كوثر الإدريسي"],
        "emails": ["yasmine.alaoui@gmail.com", "n.berrada@menara.ma"],
        "handles": ["@yasmine_alaoui2009", "@nadia.b.officiel"],
    }
    rows = []
    for i in range(12):
        phone = identifiers["phones"][i % 4]
        name = identifiers["names"][i % 3]
        email = identifiers["emails"][i % 2]
        handle = identifiers["handles"][i % 2]
        recit = (
            f"{name} reçoit des menaces de {handle} au {phone}; écrire à {email}, "
            f"CIN {identifiers['cins'][i % 3]}, voir https://instagram.com/{handle[1:]}"
        )
        rows.append(
            police_row(
                i,
                tel_victime=phone,
                cin_suspect=identifiers["cins"][i % 3],
                nom_victime=name,
                recit=recit,
                age="1O" if i % 4 == 0 else "20",
            )
        )
    path = write_csv(tmp_path / "reg.csv", rows)
    report = ingest_file(store, settings, path, police_profile, progress=False)
    assert report.quarantined == 3 and report.accepted == 9
    content = _db_text(store, settings)
    assert "[PHONE]" in content and "[NAME]" in content  # the scrubbed text is there
    needles: list[str] = []
    for values in identifiers.values():
        for v in values:
            needles += [v, v.lower(), json.dumps(v)[1:-1]]  # JSON columns escape non-ASCII
    for phone in identifiers["phones"]:
        digits = "".join(ch for ch in phone if ch.isdigit())
        needles += [digits, digits[-9:]]
    for name in identifiers["names"]:
        needles += name.split()
    found = sorted({n for n in needles if len(n) >= 4 and n in content})
    assert found == [], f"raw identifiers found in the store: {found}"


def test_duplicates_across_sources_are_linked_not_deleted(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    police = write_csv(
        tmp_path / "police.csv",
        [
            police_row(
                1,
                tel_victime="0612345678",
                date_faits="01/03/2024",
                infraction="harcèlement",
                espace="réseau social",
            ),
            police_row(
                2, tel_victime="0622222222", date_faits="01/03/2024", infraction="harcèlement"
            ),
            police_row(
                3, tel_victime="0633333333", date_faits="01/03/2024", infraction="harcèlement"
            ),
            police_row(
                4,
                tel_victime="0644444444",
                date_faits="01/03/2024",
                infraction="harcèlement",
                espace="réseau social",
            ),
        ],
    )
    hot_profile = write_profile(tmp_path / "hot.yaml", HOTLINE_PROFILE)
    hotline = write_csv(
        tmp_path / "hotline.csv",
        [
            # same victim written differently, 20 days later, same category, space unknown -> linked
            police_row(
                11,
                tel_victime="+212 6 12 34 56 78",
                date_faits="21/03/2024",
                infraction="harcèlement",
                espace="",
            ),
            # 45 days later -> not the same incident
            police_row(
                12, tel_victime="06 22 22 22 22", date_faits="15/04/2024", infraction="harcèlement"
            ),
            # another category -> not the same incident
            police_row(
                13, tel_victime="06 33 33 33 33", date_faits="02/03/2024", infraction="sextorsion"
            ),
            # another known space -> not the same incident
            police_row(
                14,
                tel_victime="06 44 44 44 44",
                date_faits="02/03/2024",
                infraction="harcèlement",
                espace="jeu",
            ),
        ],
    )
    ingest_file(store, settings, police, police_profile, progress=False)
    rep = ingest_file(store, settings, hotline, hot_profile, progress=False)
    assert rep.duplicates_linked == 1
    with store.connect() as c:
        inc = {r.id: r for r in c.execute(sa.select(tables.incidents))}
        links = c.execute(sa.select(tables.incident_links)).all()
    assert store.count("incidents") == 8  # nothing deleted
    assert len(links) == 1
    link = links[0]
    dup, orig = inc[link.incident_id], inc[link.linked_id]
    assert dup.victim_key == orig.victim_key and dup.source_id != orig.source_id
    assert dup.duplicate_of == orig.id and orig.duplicate_of is None
    assert sum(r.duplicate_of is not None for r in inc.values()) == 1
    assert orig.source_row == 2 and dup.source_row == 2 and dup.incident_date.day == 21
    # a third source reporting the same incident points to the same, earliest record
    third = copy.deepcopy(POLICE_PROFILE)
    third.update(id="test_ngo", source={"code": "ngo", "name": "NGO", "kind": "ngo"})
    ngo = write_csv(
        tmp_path / "ngo.csv", [police_row(21, tel_victime="0612345678", date_faits="10/03/2024")]
    )
    rep3 = ingest_file(
        store, settings, ngo, write_profile(tmp_path / "ngo.yaml", third), progress=False
    )
    assert rep3.duplicates_linked == 2
    with store.connect() as c:
        dup_of = c.execute(
            sa.select(tables.incidents.c.duplicate_of).where(
                tables.incidents.c.batch_id == rep3.batch_id
            )
        ).scalar_one()
    assert dup_of == orig.id
    summary = ingest_summary(store)
    assert summary.incidents == 9 and summary.distinct_incidents == 7
    assert {s.source: s.duplicates_linked for s in summary.sources} == {
        "police": 0,
        "hotline": 1,
        "ngo": 2,
    }


def test_population_profile_and_other_targets(
    tmp_path: Path, store: Store, settings: Settings
) -> None:
    pop = tmp_path / "pop.csv"
    pop.write_text(
        "year;region;age_band_scheme;age_band;sex;population\n"
        "2024;MA-06;analysis;0-11;female;512000\n"
        "2024;Casablanca-Settat;analysis;60 +;Hommes;301000\n"
        "2024;MA-06;analysis;99-100;F;1\n"
        "2024;MA-06;legal;15-17;F;-5\n",
        encoding="utf-8",
    )
    rep = ingest_file(store, settings, pop, "population", progress=False)
    assert (rep.accepted, rep.quarantined) == (2, 2)
    assert rep.errors[0].startswith(
        "Column 'age_band' in row 4 of pop.csv must be an age band of scheme analysis"
    )
    assert (
        rep.errors[1]
        == "Column 'population' in row 5 of pop.csv must be a whole number of at least 0; got '-5'."
    )
    with store.connect() as c:
        cells = c.execute(sa.select(tables.population).order_by(tables.population.c.age_band)).all()
    assert [
        (r.region, r.age_band, r.age_band_scheme, r.sex, r.population, r.synthetic) for r in cells
    ] == [
        ("MA-06", "0-11", "analysis", "female", 512000, False),
        ("MA-06", "60+", "analysis", "male", 301000, False),
    ]
    # survey microdata with answers, from JSON Lines
    survey = write_profile(
        tmp_path / "survey.yaml",
        {
            "id": "test_survey",
            "source": {"code": "enq", "name": "Survey", "kind": "survey"},
            "target": "survey",
            "fields": {
                "respondent_key": {"column": "id", "type": "pseudonym", "kind": "id"},
                "stratum": {"column": "strate"},
                "psu": {"column": "grappe"},
                "weight": {"column": "poids", "type": "float", "min": 0},
                "age": {"column": "age", "type": "int"},
                "gender": {"column": "sexe", "map": {"F": "female", "M": "male"}},
                "cv_past_12m": {"column": "q1", "type": "bool"},
                "answers": {"type": "answers", "columns": ["q1", "q2"]},
            },
        },
    )
    sp = tmp_path / "s.jsonl"
    sp.write_text(
        "\n".join(
            json.dumps(r, ensure_ascii=False)
            for r in [
                {
                    "id": "R1",
                    "strate": "urbain-06",
                    "grappe": "G1",
                    "poids": "812,5",
                    "age": 16,
                    "sexe": "F",
                    "q1": "oui",
                    "q2": "مرة في الأسبوع 0612345678",
                },
                {
                    "id": "R2",
                    "strate": "rural-06",
                    "grappe": "G9",
                    "poids": -1,
                    "age": 30,
                    "sexe": "M",
                    "q1": "non",
                    "q2": "",
                },
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    rep = ingest_file(store, settings, sp, survey, progress=False)
    assert (rep.accepted, rep.quarantined) == (1, 1)
    with store.connect() as c:
        r = c.execute(sa.select(tables.survey_responses)).one()
    assert (r.survey, r.weight, r.age_band, r.gender, r.cv_past_12m) == (
        "enq",
        812.5,
        "15-17",
        "female",
        True,
    )
    assert (
        r.answers == {"q1": "oui", "q2": "مرة في الأسبوع [PHONE]"} and len(r.respondent_key) == 64
    )
    # chat transcript
    chat = write_profile(
        tmp_path / "chat.yaml",
        {
            "id": "test_chat",
            "source": {"code": "game", "name": "Game", "kind": "platform"},
            "target": "chat",
            "fields": {
                "conversation_key": {"column": "conv", "type": "pseudonym", "kind": "id"},
                "turn": {"column": "turn", "type": "int"},
                "speaker_key": {"column": "user", "type": "pseudonym", "kind": "handle"},
                "sent_at": {"column": "ts", "type": "datetime"},
                "text": {"column": "msg"},
                "space": {"value": "video_game"},
            },
        },
    )
    cp = tmp_path / "chat.csv"
    cp.write_text(
        "conv,turn,user,ts,msg\nC1,1,@kid_22,2024-03-01T20:00:00,slt t'as quel age?\n"
        "C1,2,@x_man,2024-03-01T20:01:00+01:00,envoie ta photo sur snap @x_man99\n",
        encoding="utf-8",
    )
    rep = ingest_file(store, settings, cp, chat, progress=False)
    assert rep.accepted == 2
    with store.connect() as c:
        msgs = c.execute(
            sa.select(tables.chat_messages).order_by(tables.chat_messages.c.turn)
        ).all()
    assert msgs[1].text == "envoie ta photo sur snap [HANDLE]" and msgs[0].space == "video_game"
    assert msgs[0].speaker_key != msgs[1].speaker_key
