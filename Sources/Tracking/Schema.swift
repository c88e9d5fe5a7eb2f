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
        migrator.registerMigration("v2-runs-model-source") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-metric-goals-and-cells") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4-merged-shards") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5-metric-buckets") { db in
            try db.execute(sql: v5)
        }
        return migrator
    }

    /// Which run of runs.db each run merged from a shard became, and the state of the shard
    /// run when it was merged: merging the same shard again adds nothing, and a shard whose
    /// run went on since replaces what the last merge copied (see ``RunStore/merge(shards:)``).
    /// `origin` names the shard's run (host, start time, config hash and id in the shard).
    static let v4 = """
        CREATE TABLE merged_runs (
            origin    TEXT PRIMARY KEY,
            run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            stamp     TEXT NOT NULL,
            shard     TEXT NOT NULL,
            merged_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX merged_runs_by_run ON merged_runs(run_id);
        """

    /// Migrations a shard may lack: merging reads nothing they add.
    static let notNeededInShards: Set<String> = ["v4-merged-shards", "v5-metric-buckets"]

    /// Migrations a read-only store can do without: they only add nullable columns, which
    /// read as NULL when missing, so a reading command reads an older file as it is.
    /// (`metric_buckets` is only an index: without it every point is read.)
    static let readableWithout: Set<String> = ["v2-runs-model-source", "v4-merged-shards", "v5-metric-buckets"]

    /// The lowest and highest point of each step bucket of a long metric of an ended run
    /// (``MetricBuckets``): what a comparison page reads instead of every point.
    static let v5 = """
        CREATE TABLE metric_buckets (
            run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            key_id    INTEGER NOT NULL REFERENCES metric_keys(id),
            bucket    INTEGER NOT NULL,
            min_step  INTEGER NOT NULL,
            min_value REAL NOT NULL,
            max_step  INTEGER NOT NULL,
            max_value REAL NOT NULL,
            PRIMARY KEY (run_id, key_id, bucket)
        ) WITHOUT ROWID;
        """

    /// The run whose trained model a run reused instead of training (its train cell was
    /// `reused`): its page shows that run's curves.
    static let v2 = """
        ALTER TABLE runs ADD COLUMN model_source_run_id INTEGER REFERENCES runs(id);
        """

    /// Each metric key carries its split, goal (`minimize`, `maximize` or `none`) and unit, as
    /// the code that records it declares them; each segment of points the notebook cell that
    /// wrote it. Views gain the goal: `metric_summary.best_value`, `best_metrics` and
    /// `run_overview.best_metrics` take the minimum or the maximum as the goal says.
    ///
    /// Databases written before: keys take the goals FunAudio's code gives them today (other
    /// keys have none, so no best), and each segment the cell that was running when its
    /// first point was written (what reports used to work out from the times on every read).
    static let v3 = """
        ALTER TABLE metric_keys ADD COLUMN split TEXT;
        ALTER TABLE metric_keys ADD COLUMN goal TEXT NOT NULL DEFAULT 'none'
            CHECK (goal IN ('minimize', 'maximize', 'none'));
        ALTER TABLE metric_keys ADD COLUMN unit TEXT;
        UPDATE metric_keys SET
            split = CASE WHEN instr(name, '.') > 1 THEN substr(name, 1, instr(name, '.') - 1) END,
            goal = CASE
                WHEN name = 'train.utterances_per_s' THEN 'maximize'
                WHEN name IN ('train.lr', 'train.grad_norm') THEN 'none'
                WHEN name GLOB 'train.*' OR name GLOB 'val.*' OR name GLOB 'eval.*' OR name GLOB 'eval_unseen.*'
                     OR name = 'synth.real_time_factor' THEN 'minimize'
                ELSE 'none' END,
            unit = CASE WHEN name = 'train.utterances_per_s' THEN 'utterances/s'
                        WHEN name GLOB 'eval*.mcd' THEN 'dB' END;

        ALTER TABLE metric_segments ADD COLUMN cell_index INTEGER;
        UPDATE metric_segments SET cell_index = (
            SELECT c.cell_index FROM cells c, metric_values v
            WHERE v.rowid = metric_segments.first_rowid AND c.run_id = metric_segments.run_id
              AND c.started_at <= v.wall_time AND (c.ended_at IS NULL OR v.wall_time <= c.ended_at)
            ORDER BY c.started_at DESC LIMIT 1);

        DROP VIEW metrics;
        CREATE VIEW metrics AS
            SELECT s.run_id, k.name AS key, v.step, v.value, v.wall_time, s.cell_index AS cell
            FROM metric_segments s
            JOIN metric_keys k ON k.id = s.key_id
            JOIN metric_values v ON v.rowid BETWEEN s.first_rowid AND s.last_rowid;

        DROP VIEW latest_metrics;
        DROP VIEW metric_summary;
        CREATE VIEW metric_summary AS
            SELECT s.run_id, k.name AS key, k.split, k.goal, k.unit, SUM(s.points) AS points,
                   MAX(s.last_step) AS last_step,
                   (SELECT l.last_value FROM metric_segments l
                     WHERE l.run_id = s.run_id AND l.key_id = s.key_id
                     ORDER BY l.last_step DESC, l.id DESC LIMIT 1) AS last_value,
                   MIN(s.min_value) AS min_value, MAX(s.max_value) AS max_value,
                   CASE k.goal WHEN 'minimize' THEN MIN(s.min_value) WHEN 'maximize' THEN MAX(s.max_value) END
                       AS best_value,
                   MIN(s.cell_index) AS cell
            FROM metric_segments s JOIN metric_keys k ON k.id = s.key_id
            GROUP BY s.run_id, s.key_id;
        CREATE VIEW latest_metrics AS
            SELECT run_id, key, last_step AS step, last_value AS value FROM metric_summary;
        CREATE VIEW best_metrics AS
            SELECT run_id, key, goal, best_value AS value FROM metric_summary WHERE goal != 'none';

        DROP VIEW run_overview;
        CREATE VIEW run_overview AS
            SELECT r.id AS run_id, e.name AS experiment, r.status, r.seed, r.sweep_id,
                   r.started_at, r.ended_at,
                   COALESCE(r.ended_at, r.heartbeat_at) - r.started_at AS duration_s,
                   (SELECT json_group_object(p.key, p.value) FROM params p WHERE p.run_id = r.id) AS params,
                   (SELECT json_group_object(m.key, m.last_value) FROM metric_summary m WHERE m.run_id = r.id)
                       AS final_metrics,
                   (SELECT json_group_object(m.key, m.best_value) FROM metric_summary m
                     WHERE m.run_id = r.id AND m.goal != 'none') AS best_metrics,
                   (SELECT json_group_object(m.key, m.min_value) FROM metric_summary m WHERE m.run_id = r.id)
                       AS min_metrics,
                   (SELECT json_group_object(m.key, m.max_value) FROM metric_summary m WHERE m.run_id = r.id)
                       AS max_metrics,
                   r.error, r.model_source_run_id
            FROM runs r JOIN experiments e ON e.id = r.experiment_id;
        """

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
        -- The points themselves, in insertion order, with no index: keeping an index up to date
        -- costs 3-4x the insert itself, and this table takes a million rows a second. The
        -- writer inserts each batch grouped by key, so every (run, key) has contiguous rowid
        -- ranges, recorded in metric_segments: they serve as the index.
        CREATE TABLE metric_values (
            run_id    INTEGER NOT NULL,
            key_id    INTEGER NOT NULL,
            step      INTEGER NOT NULL,
            value     REAL,
            wall_time REAL NOT NULL
        );

        -- One row per (batch, run, key): the rowid range of its points in metric_values and
        -- their statistics, so latest/best values never need to scan the points.
        CREATE TABLE metric_segments (
            id          INTEGER PRIMARY KEY,
            run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            key_id      INTEGER NOT NULL REFERENCES metric_keys(id),
            first_rowid INTEGER NOT NULL,
            last_rowid  INTEGER NOT NULL,
            points      INTEGER NOT NULL,
            first_step  INTEGER NOT NULL,
            last_step   INTEGER NOT NULL,
            last_value  REAL,
            min_value   REAL,
            max_value   REAL
        );
        CREATE INDEX metric_segments_by_run_key ON metric_segments(run_id, key_id, last_step);

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

        -- Metric points with their key names: what people query. Filtering on run_id (and key)
        -- reads only that run's segments and their rowid ranges.
        CREATE VIEW metrics AS
            SELECT s.run_id, k.name AS key, v.step, v.value, v.wall_time
            FROM metric_segments s
            JOIN metric_keys k ON k.id = s.key_id
            JOIN metric_values v ON v.rowid BETWEEN s.first_rowid AND s.last_rowid;

        -- One row per run and metric key: the value at the highest step (the latest write at
        -- that step wins), the lowest and highest value, and how many points there are.
        CREATE VIEW metric_summary AS
            SELECT s.run_id, k.name AS key, SUM(s.points) AS points,
                   MAX(s.last_step) AS last_step,
                   (SELECT l.last_value FROM metric_segments l
                     WHERE l.run_id = s.run_id AND l.key_id = s.key_id
                     ORDER BY l.last_step DESC, l.id DESC LIMIT 1) AS last_value,
                   MIN(s.min_value) AS min_value, MAX(s.max_value) AS max_value
            FROM metric_segments s JOIN metric_keys k ON k.id = s.key_id
            GROUP BY s.run_id, s.key_id;

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
                   (SELECT json_group_object(k.name,
                        (SELECT l.last_value FROM metric_segments l WHERE l.run_id = r.id AND l.key_id = k.id
                          ORDER BY l.last_step DESC, l.id DESC LIMIT 1))
                     FROM metric_keys k WHERE k.id IN (SELECT key_id FROM metric_segments WHERE run_id = r.id)
                   ) AS final_metrics,
                   (SELECT json_group_object(k.name,
                        (SELECT MIN(m.min_value) FROM metric_segments m WHERE m.run_id = r.id AND m.key_id = k.id))
                     FROM metric_keys k WHERE k.id IN (SELECT key_id FROM metric_segments WHERE run_id = r.id)
                   ) AS min_metrics,
                   (SELECT json_group_object(k.name,
                        (SELECT MAX(m.max_value) FROM metric_segments m WHERE m.run_id = r.id AND m.key_id = k.id))
                     FROM metric_keys k WHERE k.id IN (SELECT key_id FROM metric_segments WHERE run_id = r.id)
                   ) AS max_metrics,
                   r.error
            FROM runs r JOIN experiments e ON e.id = r.experiment_id;
        """
}
