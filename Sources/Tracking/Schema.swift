import GRDB

/// The runs.db schema, as named migrations applied in order (see docs/runs-db.md).
///
/// Never edit a migration that has shipped: add a new one. A database that has migrations this
/// list does not know was written by a newer FunAudio and is refused (``TrackingError/newerSchema(path:unknownMigrations:)``).
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runs-metrics-artifacts") { db in
            try db.execute(sql: v1)
        }
        return migrator
    }

    /// Times are Unix seconds (REAL); booleans are 0/1; hashes are lowercase hex SHA-256.
    static let v1 = """
        CREATE TABLE experiments (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            description TEXT,
            created_at  REAL NOT NULL
        );

        CREATE TABLE runs (
            id               INTEGER PRIMARY KEY,
            experiment_id    INTEGER NOT NULL REFERENCES experiments(id),
            file             TEXT,
            config           TEXT NOT NULL,
            config_sha256    TEXT NOT NULL,
            seed             INTEGER,
            sweep_id         TEXT,
            parent_run_id    INTEGER REFERENCES runs(id),
            funaudio_version TEXT NOT NULL,
            git_commit       TEXT,
            host             TEXT NOT NULL,
            cpu              TEXT NOT NULL,
            threads          INTEGER NOT NULL,
            library_versions TEXT NOT NULL DEFAULT '{}',
            pid              INTEGER NOT NULL,
            status           TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'finished', 'failed', 'interrupted', 'crashed')),
            error            TEXT,
            started_at       REAL NOT NULL,
            ended_at         REAL,
            heartbeat_at     REAL NOT NULL
        );
        CREATE INDEX runs_by_experiment ON runs(experiment_id);
        CREATE INDEX runs_by_status ON runs(status, heartbeat_at);
        CREATE INDEX runs_by_sweep ON runs(sweep_id);

        CREATE TABLE params (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            key    TEXT NOT NULL,
            value,
            type   TEXT NOT NULL CHECK (type IN ('int', 'float', 'bool', 'string', 'null')),
            PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;

        CREATE TABLE tags (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            tag    TEXT NOT NULL,
            PRIMARY KEY (run_id, tag)
        ) WITHOUT ROWID;

        CREATE TABLE metric_keys (
            id   INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        -- No foreign keys here: this table takes a million rows a second from the batch writer.
        CREATE TABLE metric_values (
            run_id    INTEGER NOT NULL,
            key_id    INTEGER NOT NULL,
            step      INTEGER NOT NULL,
            value     REAL,
            wall_time REAL NOT NULL
        );
        CREATE INDEX metric_values_by_run_key_step ON metric_values(run_id, key_id, step);

        CREATE TABLE cells (
            run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            cell_index   INTEGER NOT NULL,
            kind         TEXT NOT NULL,
            status       TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'finished', 'failed', 'interrupted', 'reused')),
            reused       INTEGER NOT NULL DEFAULT 0,
            input_sha256 TEXT,
            started_at   REAL NOT NULL,
            ended_at     REAL,
            output       TEXT,
            PRIMARY KEY (run_id, cell_index)
        ) WITHOUT ROWID;

        CREATE TABLE blobs (
            sha256  TEXT PRIMARY KEY,
            size    INTEGER NOT NULL,
            storage TEXT NOT NULL CHECK (storage IN ('inline', 'file')),
            data    BLOB
        );

        CREATE TABLE artifacts (
            id         INTEGER PRIMARY KEY,
            run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            cell_index INTEGER,
            step       INTEGER,
            kind       TEXT NOT NULL,
            name       TEXT NOT NULL,
            media_type TEXT NOT NULL,
            size       INTEGER NOT NULL,
            sha256     TEXT NOT NULL REFERENCES blobs(sha256),
            created_at REAL NOT NULL
        );
        CREATE INDEX artifacts_by_run_name ON artifacts(run_id, name);
        CREATE INDEX artifacts_by_sha256 ON artifacts(sha256);

        CREATE TABLE log_lines (
            id        INTEGER PRIMARY KEY,
            run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            wall_time REAL NOT NULL,
            level     TEXT NOT NULL,
            message   TEXT NOT NULL
        );
        CREATE INDEX log_lines_by_run ON log_lines(run_id, id);

        -- Metric points with their key names: what people query.
        CREATE VIEW metrics AS
            SELECT v.run_id, k.name AS key, v.step, v.value, v.wall_time
            FROM metric_values v JOIN metric_keys k ON k.id = v.key_id;

        -- One row per run and metric key: the value at the highest step (the latest write at
        -- that step wins), the lowest and highest value, and how many points there are.
        CREATE VIEW metric_summary AS
            SELECT v.run_id, k.name AS key, COUNT(*) AS points,
                   MAX(v.step) AS last_step,
                   (SELECT l.value FROM metric_values l
                     WHERE l.run_id = v.run_id AND l.key_id = v.key_id
                     ORDER BY l.step DESC, l.rowid DESC LIMIT 1) AS last_value,
                   MIN(v.value) AS min_value, MAX(v.value) AS max_value
            FROM metric_values v JOIN metric_keys k ON k.id = v.key_id
            GROUP BY v.run_id, v.key_id;

        -- Latest value of each metric per run.
        CREATE VIEW latest_metrics AS
            SELECT run_id, key, last_step AS step, last_value AS value FROM metric_summary;

        -- One row per run: who, what, when, its params and its final and best (lowest and
        -- highest) metric values, as JSON objects keyed by dotted param / metric name.
        CREATE VIEW run_overview AS
            SELECT r.id AS run_id, e.name AS experiment, r.status, r.seed, r.sweep_id,
                   r.started_at, r.ended_at,
                   COALESCE(r.ended_at, r.heartbeat_at) - r.started_at AS duration_s,
                   (SELECT json_group_object(p.key, p.value) FROM params p
                     WHERE p.run_id = r.id) AS params,
                   (SELECT json_group_object(s.key, s.last_value) FROM metric_summary s
                     WHERE s.run_id = r.id) AS final_metrics,
                   (SELECT json_group_object(s.key, s.min_value) FROM metric_summary s
                     WHERE s.run_id = r.id) AS min_metrics,
                   (SELECT json_group_object(s.key, s.max_value) FROM metric_summary s
                     WHERE s.run_id = r.id) AS max_metrics,
                   r.error
            FROM runs r JOIN experiments e ON e.id = r.experiment_id;
        """
}
