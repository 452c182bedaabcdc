"""The demo's staff logins and resident nicknames."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StaffLogin:
    email: str
    name: str
    #: A membership role, or "partner", "superadmin" or "resident".
    role: str
    #: Organization slug of the membership (None for platform-wide roles).
    org: str | None = None
    #: What the logins table shows in its organization column.
    where: str = ""


LOGINS = [
    StaffLogin("admin@huddinge.demo", "Anna Lindqvist", "admin", "huddinge"),
    StaffLogin("planerare@huddinge.demo", "Erik Johansson", "planner", "huddinge"),
    StaffLogin("dialogledare@huddinge.demo", "Sara Nilsson", "facilitator", "huddinge"),
    StaffLogin("moderator@huddinge.demo", "Mohammed Ali", "moderator", "huddinge"),
    StaffLogin("planerare@botkyrka.demo", "Leila Haddad", "planner", "botkyrka"),
    StaffLogin("planerare@haninge.demo", "Johan Berg", "planner", "haninge"),
    StaffLogin("planerare@tyreso.demo", "Karin Ek", "planner", "tyreso"),
    StaffLogin(
        "partner@sh.demo",
        "Maria Forsberg",
        "partner",
        None,
        "Södertörns högskola (partner in Flemingsberg)",
    ),
    StaffLogin(
        "superadmin@platsdialog.demo", "Plattformsadministratör", "superadmin", None, "(all)"
    ),
    StaffLogin("invanare@platsdialog.demo", "Alex Nord", "resident", None, "-"),
]

#: Parents who take part in the account-only discussion in Trollbäcken.
ACCOUNT_RESIDENTS = [
    "Lina",
    "Tomas",
    "Fatima",
    "Jonas",
    "Elin",
    "Ahmed",
    "Petra",
    "Niklas",
    "Sofia",
    "Hassan",
    "Maja",
    "Daniel",
    "Emma",
    "Kristoffer",
    "Nora",
    "Olof",
]

NICKNAMES = [
    "Tumbabo",
    "Kaffetanten",
    "Pendlaren",
    "CykelCarro",
    "Bibliotekarien",
    "Granne_på_torget",
    "TumbaTorsten",
    "Mamma_till_tre",
    "Hundägaren",
    "Skejtaren",
    "Pensionär62",
    "Grodingebo",
    "Studenten",
    "Nattugglan",
    "Marknadsfan",
    "Linnea K",
    "Ali B",
    "Stina",
    "Kalle",
    "Hemmahos",
    "Botkyrkabo",
    "Sagan",
    "Ruben",
    "Tullingebo",
]
