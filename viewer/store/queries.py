"""Read-only questions the panels ask about one actor (the actor card)."""

from __future__ import annotations

from dataclasses import dataclass

from viewer.store.project import Project


@dataclass
class ActorArticle:
    article_id: int
    title: str
    published: str | None
    mentions: int


@dataclass
class ActorCard:
    id: int
    name: str
    kind: str
    country: str
    role: str
    aliases: list[str]
    articles: list[ActorArticle]
    quotes: list[str]
    events: int


def actor_card(project: Project, actor_id: int) -> ActorCard | None:
    """Everything the card shows: aliases, the articles that mention the actor, what they said."""
    rows = list(project.db.query("select id, name, kind, country, role from actors where id = ?", [actor_id]))
    if not rows:
        return None
    a = rows[0]
    aliases = sorted(r["alias"] for r in project.db.query(
        "select alias from actor_aliases where actor_id = ?", [actor_id]))
    articles = [
        ActorArticle(r["id"], r["title"] or "", r["published"], r["n"])
        for r in project.db.query(
            "select a.id, a.title, a.published, count(*) as n from mentions m join articles a on a.id = m.article_id "
            "where m.actor_id = ? group by a.id order by a.published, a.id", [actor_id])
    ]
    quotes = [r["text"] for r in project.db.query(
        "select text from quotes where speaker_id = ? order by article_id, start_offset", [actor_id])]
    events = project.db.execute("select count(*) from event_actors where actor_id = ?", [actor_id]).fetchone()[0]
    return ActorCard(a["id"], a["name"], a["kind"] or "", a["country"] or "", a["role"] or "", aliases, articles,
                     quotes, events)


def mention_spans(project: Project, actor_id: int, article_id: int) -> list[tuple[int, int]]:
    """Where an article names the actor, as offsets into its text."""
    return [(r["start_offset"], r["end_offset"]) for r in project.db.query(
        "select start_offset, end_offset from mentions where actor_id = ? and article_id = ? order by start_offset",
        [actor_id, article_id])]
