"""Schema migrations, applied in order; PRAGMA user_version records how far a database has come."""

MIGRATIONS: tuple[str, ...] = (
    # 1: stories, the sites they name, incidents and the reports that make them, feed state, the outbox.
    """
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        feed TEXT NOT NULL,
        key TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,          -- empty for a copy: near-duplicates are stored once
        words TEXT NOT NULL,         -- dedupe fingerprint, space-separated
        published TEXT NOT NULL,     -- ISO 8601, UTC
        copy_of INTEGER REFERENCES stories(id),
        UNIQUE (feed, key)
    );
    CREATE INDEX stories_url ON stories(url);
    CREATE INDEX stories_published ON stories(published);
    CREATE TABLE story_sites (
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        site_id TEXT NOT NULL,
        PRIMARY KEY (story_id, site_id)
    );
    CREATE INDEX story_sites_site ON story_sites(site_id, story_id);
    CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        site_id TEXT NOT NULL,
        day TEXT,                    -- the attack's local day, ISO
        facts TEXT NOT NULL,         -- JSON of IncidentFacts, derived from the reports
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX incidents_site_day ON incidents(site_id, day);
    CREATE TABLE reports (
        incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        story_id INTEGER NOT NULL REFERENCES stories(id),
        published TEXT NOT NULL,
        url TEXT NOT NULL,
        feed TEXT NOT NULL,
        title TEXT NOT NULL,
        day TEXT,
        day_is_explicit INTEGER NOT NULL,
        weapons TEXT NOT NULL,       -- JSON list
        killed INTEGER,
        wounded INTEGER,
        claim TEXT,
        evidence TEXT NOT NULL,      -- JSON list of sentences
        is_copy INTEGER NOT NULL,
        PRIMARY KEY (incident_id, story_id)
    );
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        name TEXT,
        etag TEXT,
        last_modified TEXT,
        last_poll TEXT,
        last_success TEXT,
        last_error TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        next_poll TEXT,
        flagged INTEGER NOT NULL DEFAULT 0,
        added_by_command INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        action TEXT NOT NULL,        -- new | update
        facts TEXT NOT NULL,         -- JSON of the facts to show
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT,
        sent_at TEXT,
        last_error TEXT
    );
    CREATE INDEX outbox_pending ON outbox(sent_at, id);
    CREATE TABLE messages (
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        channel_id INTEGER NOT NULL,
        message_id INTEGER,
        nonce TEXT NOT NULL,
        PRIMARY KEY (incident_id, channel_id)
    );
    """,
    # 2: full-text search over stored stories; sites added and removed in chat.
    """
    CREATE VIRTUAL TABLE story_search USING fts5(title, text, content='stories', content_rowid='id',
                                                 tokenize='unicode61 remove_diacritics 2');
    CREATE TRIGGER stories_search_insert AFTER INSERT ON stories BEGIN
        INSERT INTO story_search(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER stories_search_delete AFTER DELETE ON stories BEGIN
        INSERT INTO story_search(story_search, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER stories_search_update AFTER UPDATE ON stories BEGIN
        INSERT INTO story_search(story_search, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO story_search(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TABLE site_changes (
        site_id TEXT PRIMARY KEY,
        site TEXT,                   -- JSON of the site when added in chat; NULL when removed
        changed_by TEXT,
        changed_at TEXT NOT NULL
    );
    """,
    # 3: which side of midnight a report put the attack ("late Tuesday", "early Wednesday").
    """
    ALTER TABLE reports ADD COLUMN day_edge TEXT;
    """,
    # 4: alerts Discord refuses for good (a 4xx other than 429, twice) are parked, not retried forever.
    """
    ALTER TABLE outbox ADD COLUMN parked_at TEXT;
    """,
    # 5: incidents are retold from the stories' own attacks in publish order (issue 11): each story keeps
    # what the matcher found in it; an incident can be merged into another or withdrawn. Stories stored
    # before keep the attacks their reports recorded.
    """
    ALTER TABLE stories ADD COLUMN attacks TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE incidents ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
    ALTER TABLE incidents ADD COLUMN merged_into INTEGER REFERENCES incidents(id);
    CREATE INDEX stories_copy_of ON stories(copy_of);
    CREATE INDEX reports_story ON reports(story_id);
    UPDATE stories SET attacks = (
        SELECT json_group_array(json_object(
            'site_id', i.site_id, 'day', r.day, 'day_is_explicit', r.day_is_explicit, 'weapons', json(r.weapons),
            'killed', r.killed, 'wounded', r.wounded, 'claim', r.claim, 'evidence', json(r.evidence),
            'day_edge', r.day_edge))
        FROM reports r JOIN incidents i ON i.id = r.incident_id
        WHERE r.story_id = stories.id AND NOT (r.is_copy = 1 AND r.evidence = '[]'));
    """,
    # 6: the entries of each feed's last document, by a hash of what they said: a poll skips those unchanged.
    """
    CREATE TABLE feed_entries (
        feed_url TEXT NOT NULL,
        digest TEXT NOT NULL,        -- the entry as the feed gave it, and the watchlist it was matched with
        PRIMARY KEY (feed_url, digest)
    ) WITHOUT ROWID;
    """,
    # 7: many workers: a poller leases the feeds it polls and a delivery worker the incidents it sends; a named
    # lease (the Discord gateway) is held by one process.
    """
    ALTER TABLE feeds ADD COLUMN lease_holder TEXT;
    ALTER TABLE feeds ADD COLUMN lease_until TEXT;
    ALTER TABLE incidents ADD COLUMN delivery_holder TEXT;
    ALTER TABLE incidents ADD COLUMN delivery_until TEXT;
    CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        until TEXT NOT NULL
    );
    CREATE INDEX feeds_next_poll ON feeds(next_poll);
    CREATE INDEX outbox_unsent ON outbox(incident_id) WHERE sent_at IS NULL AND parked_at IS NULL;
    """,
    # 8: a story's cost does not grow with the stories stored: the stories naming a site near a time are found
    # through story_sites by (site, publish time), not by walking every story that ever named the site; and an
    # entry read again unchanged is known by a digest of what it said, before any analysis (stories stored
    # before have none: they are analysed once more, as before).
    """
    ALTER TABLE story_sites ADD COLUMN published TEXT NOT NULL DEFAULT '';
    UPDATE story_sites SET published = (SELECT s.published FROM stories s WHERE s.id = story_sites.story_id);
    DROP INDEX story_sites_site;
    CREATE INDEX story_sites_site_published ON story_sites(site_id, published, story_id);
    ALTER TABLE stories ADD COLUMN digest TEXT;
    """,
    # 9: notices for the admins (a feed failing for long), queued by the poller that saw the failures and
    # posted by a process that delivers: a poller has no Discord.
    """
    CREATE TABLE notices (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        taken_at TEXT                -- taken by a delivering process to post
    );
    CREATE INDEX notices_waiting ON notices(id) WHERE taken_at IS NULL;
    """,
    # 10: the search index is written again only when a story's title or text changes, not when the story is
    # marked a copy or its attacks are stored again (every attack report was indexed twice).
    """
    DROP TRIGGER stories_search_update;
    CREATE TRIGGER stories_search_update AFTER UPDATE OF title, text ON stories
    WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN
        INSERT INTO story_search(story_search, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO story_search(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    """,
    # 11: a feed moved by a permanent redirect remembers the URL the config file or /feeds add gave: a restart
    # keeps polling the moved feed, with its validators and the entries it has read, not the old URL afresh.
    """
    ALTER TABLE feeds ADD COLUMN listed_url TEXT;
    """,
    # 12: heartbeats: when each process last ran its delivery, so that a health check can tell alerts waiting on a
    # stuck or dead delivery from alerts waiting out a Discord outage.
    """
    CREATE TABLE heartbeats (
        name TEXT PRIMARY KEY,       -- what ran, and where: delivery@host:pid
        at TEXT NOT NULL
    );
    """,
)
