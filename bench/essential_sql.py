"""The essential SQL of each benchmarked page: what a hand-written program would ask the
database to show the same page to the same user, run directly through psycopg2 for the
overhead ratio R = page p50 / (trivial view p50 + essential SQL p50).

Parameters: user, org (the user's organization), today, case, person, key (the name's match
key), words (the full-text query), anchor_sort and anchor_id (the deep page's cursor row).
"""

# ruff: noqa: S608 - fixed SQL text built from constants; values go in as parameters

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Who may see a case: assigned, or followed by the user's organization.
VISIBLE_CASE = """(
    EXISTS (SELECT 1 FROM cases_caseassignment a WHERE a.case_id = c.id AND a.user_id = %(user)s)
    OR EXISTS (SELECT 1 FROM cases_case_watched_by w
               WHERE w.case_id = c.id AND w.organization_id = %(org)s))"""
VISIBLE_PERSON = (
    """(
    p.is_public_figure
    OR EXISTS (SELECT 1 FROM people_person_watched_by w
               WHERE w.person_id = p.id AND w.organization_id = %(org)s)
    OR EXISTS (SELECT 1 FROM cases_caseparticipant cp JOIN cases_case c ON c.id = cp.case_id
               WHERE cp.person_id = p.id AND """
    + VISIBLE_CASE
    + "))"
)

_CASE_LIST_ROWS = (
    """
SELECT c.id, c.title, c.kind, c.status, c.opened, c.reference, o.name,
       (SELECT min(lower(h.date)) FROM hearings_hearing h
        WHERE h.case_id = c.id AND lower(h.date) >= %(today)s) AS next_hearing
FROM cases_case c LEFT JOIN people_organization o ON o.id = c.court_id
WHERE c.status = 'open' AND {where} AND """
    + VISIBLE_CASE
    + """
ORDER BY coalesce(lower(c.opened), '0001-01-01') DESC, c.id DESC LIMIT 51"""
)
_CASE_FACETS = (
    """
SELECT c.status, c.kind, count(*) FROM cases_case c WHERE """
    + VISIBLE_CASE
    + """
GROUP BY c.status, c.kind"""
)


def _name_search(params: dict[str, Any]) -> list[str]:
    """Equal keys, or a word of the name close to each word typed (pg_trgm's `%>`, one
    condition per word, read through the GIN trigram index in one scan)."""
    words = params["key"].split()
    close = " AND ".join(f"{{t}}.search_key %%> %(w{n})s" for n in range(len(words)))
    similarity = (
        "greatest(similarity({t}.search_key, %(key)s), word_similarity(%(key)s, {t}.search_key))"
    )
    return [
        f"""SELECT v.person_id, v.text, v.search_key, {similarity.format(t="v")} AS s
           FROM people_namevariant v JOIN people_person p ON p.id = v.person_id
           WHERE (v.search_key = %(key)s OR ({close.format(t="v")})) AND """
        + VISIBLE_PERSON
        + """ ORDER BY s DESC, v.id LIMIT 200""",
        f"""SELECT p.id, p.display_name, {similarity.format(t="p")} AS s
           FROM people_person p
           WHERE (p.search_key = %(key)s OR ({close.format(t="p")})) AND """
        + VISIBLE_PERSON
        + """ ORDER BY s DESC, p.id LIMIT 200""",
    ]


def name_search_params(key: str) -> dict[str, str]:
    """The parameters of `_name_search`: the key and each of its words."""
    return {"key": key, **{f"w{n}": word for n, word in enumerate(key.split())}}


# A name shared by enough persons to fill the page: equal keys only, through the btree
# indexes on `search_key` (people/name_search.py skips the trigram pass).
_NAME_EXACT = [
    """SELECT v.person_id, v.text, v.search_key FROM people_namevariant v
       JOIN people_person p ON p.id = v.person_id
       WHERE v.search_key = %(key)s AND """
    + VISIBLE_PERSON
    + """ ORDER BY v.person_id, v.id LIMIT 200""",
    """SELECT p.id, p.display_name, p.search_key FROM people_person p
       WHERE p.search_key = %(key)s AND """
    + VISIBLE_PERSON
    + """ ORDER BY p.id LIMIT 200""",
]

_TSQUERY = """((websearch_to_tsquery('english'::regconfig, %(words)s)
                 || websearch_to_tsquery('russian'::regconfig, %(words)s))
                 || websearch_to_tsquery('simple'::regconfig, %(words)s))"""
# The 2,001 most recent matches (newest-first index or GIN, as the planner finds cheaper),
# ranked, one page of them; then that page's highlights.
_REPORT_SEARCH = [
    f"""SELECT s.id, count(*) OVER () FROM sources_source s WHERE s.id IN (
         SELECT id FROM sources_source
         WHERE (NOT confidential OR created_by_id = %(user)s) AND search_document @@ {_TSQUERY}
         ORDER BY published DESC NULLS LAST, id DESC LIMIT 2001)
       ORDER BY ts_rank_cd(s.search_document, {_TSQUERY}) DESC,
                s.published DESC NULLS LAST, s.id DESC
       LIMIT 20""",
    """SELECT s.id, s.title, ts_headline('english', s.text,
              websearch_to_tsquery('english', %(words)s), 'MaxFragments=2')
       FROM sources_source s WHERE s.id IN (
         SELECT id FROM sources_source ORDER BY published DESC NULLS LAST, id DESC LIMIT 20)""",
]

# A page's statements, or a function of the page's parameters giving them.
Statements = list[str] | Callable[[dict[str, Any]], list[str]]

ESSENTIAL_SQL: dict[str, Statements] = {
    "dashboard": [
        """SELECT c.id, c.title, c.status, o.name,
                  (SELECT min(lower(h.date)) FROM hearings_hearing h WHERE h.case_id = c.id
                   AND h.status = 'scheduled' AND upper(h.date) > %(today)s) AS nh
           FROM cases_case c LEFT JOIN people_organization o ON o.id = c.court_id
           WHERE """
        + VISIBLE_CASE
        + """ ORDER BY nh NULLS LAST, c.status = 'closed', c.opened DESC NULLS LAST, c.title
           LIMIT 51""",
        """SELECT p.id, p.display_name FROM people_person p
           WHERE NOT p.is_public_figure AND """
        + VISIBLE_PERSON
        + " ORDER BY p.display_name, p.id LIMIT 51",
        """SELECT ci.id, ci.start, p.display_name, c.title FROM cases_custodyinterval ci
           JOIN people_person p ON p.id = ci.person_id
           LEFT JOIN cases_case c ON c.id = ci.case_id
           WHERE ci."end" IS NULL AND NOT ci.end_unknown AND ci.kind <> 'abroad'
             AND (ci.case_id IS NULL OR """
        + VISIBLE_CASE
        + """) ORDER BY ci.start NULLS LAST, p.display_name LIMIT 100""",
        """SELECT h.id, h.date, h.time, c.title FROM hearings_hearing h
           JOIN cases_case c ON c.id = h.case_id
           WHERE h.status = 'scheduled' AND upper(h.date) > %(today)s AND """
        + VISIBLE_CASE
        + " ORDER BY h.date, h.time LIMIT 20",
        """SELECT s.id, s.title FROM sources_source s WHERE NOT s.confidential
           ORDER BY s.published DESC NULLS LAST, s.created_at DESC LIMIT 10""",
    ],
    "case_list_p1": [_CASE_LIST_ROWS.format(where="TRUE"), _CASE_FACETS],
    "case_list_deep": [
        _CASE_LIST_ROWS.format(
            where="(coalesce(lower(c.opened), '0001-01-01'), c.id)"
            " < (%(anchor_sort)s, %(anchor_id)s)"
        ),
        _CASE_FACETS,
    ],
    "case_page": [
        "SELECT c.*, o.name FROM cases_case c LEFT JOIN people_organization o ON o.id = c.court_id"
        " WHERE c.id = %(case)s AND " + VISIBLE_CASE,
        """SELECT cp.role, p.id, p.display_name FROM cases_caseparticipant cp
           JOIN people_person p ON p.id = cp.person_id WHERE cp.case_id = %(case)s""",
        "SELECT * FROM hearings_hearing WHERE case_id = %(case)s ORDER BY date, time",
        """SELECT ch.*, lp.article, lp.part FROM cases_charge ch
           JOIN cases_legalprovision lp ON lp.id = ch.provision_id WHERE ch.case_id = %(case)s""",
        "SELECT * FROM cases_custodyinterval WHERE case_id = %(case)s",
        """SELECT ci.*, s.title FROM sources_citation ci
           JOIN sources_source s ON s.id = ci.source_id
           WHERE ci.content_type_id = (SELECT id FROM django_content_type
                                       WHERE app_label = 'cases' AND model = 'case')
             AND ci.object_id = %(case)s""",
    ],
    "person_heavy": [
        "SELECT * FROM people_person p WHERE p.id = %(person)s AND " + VISIBLE_PERSON,
        "SELECT * FROM people_namevariant WHERE person_id = %(person)s",
        """SELECT cp.*, c.title FROM cases_caseparticipant cp JOIN cases_case c ON c.id = cp.case_id
           WHERE cp.person_id = %(person)s""",
        """SELECT h.* FROM hearings_hearing h WHERE h.case_id IN
           (SELECT case_id FROM cases_caseparticipant WHERE person_id = %(person)s)""",
        "SELECT * FROM cases_custodyinterval WHERE person_id = %(person)s",
        "SELECT * FROM people_lifeevent WHERE person_id = %(person)s",
        "SELECT * FROM cases_charge WHERE defendant_id = %(person)s",
        "SELECT * FROM cases_asylumclaim WHERE person_id = %(person)s",
        """SELECT ci.*, s.title, s.published FROM sources_citation ci
           JOIN sources_source s ON s.id = ci.source_id
           WHERE ci.content_type_id = (SELECT id FROM django_content_type
                                       WHERE app_label = 'people' AND model = 'person')
             AND ci.object_id = %(person)s""",
    ],
    "name_common": _NAME_EXACT,
    "name_rare": _name_search,
    "name_cyrillic": _name_search,
    "name_typo": _name_search,
    "api_search": _NAME_EXACT,
    "fts_rare": _REPORT_SEARCH,
    "fts_medium": _REPORT_SEARCH,
    "fts_common": _REPORT_SEARCH,
    "ical": [
        """SELECT h.id, h.date, h.time, c.title FROM hearings_hearing h
           JOIN cases_case c ON c.id = h.case_id
           WHERE h.status = 'scheduled' AND upper(h.date) > %(today)s AND """
        + VISIBLE_CASE
        + " ORDER BY h.date, h.time",
    ],
    "trivial": ["SELECT 1"],
}
