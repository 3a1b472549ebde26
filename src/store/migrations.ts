/**
 * Versioned schema migrations, applied in order at start and by `contactd migrate`.
 * Never edit a released migration: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
      CREATE TABLE site_versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        site_id TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        loaded_at INTEGER NOT NULL,
        site_json TEXT NOT NULL
      );
      CREATE TABLE zones (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
      CREATE TABLE doors (id TEXT PRIMARY KEY, name TEXT NOT NULL, from_zone TEXT NOT NULL, to_zone TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
      CREATE TABLE rooms (id TEXT PRIMARY KEY, name TEXT NOT NULL, zone TEXT NOT NULL, capacity INTEGER NOT NULL, shared INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1);
      CREATE TABLE cameras (id TEXT PRIMARY KEY, name TEXT NOT NULL, zones_json TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);

      CREATE TABLE people (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('child', 'adult', 'staff')),
        full_name TEXT NOT NULL,
        initials TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('reception', 'supervisor', 'manager', 'safeguarding-lead', 'admin')),
        person_id TEXT REFERENCES people(id),
        created_at INTEGER NOT NULL,
        disabled_at INTEGER
      );

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        csrf_token TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);

      CREATE TABLE cases (
        id TEXT PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        family_name TEXT NOT NULL,
        referral_json TEXT NOT NULL,
        risk_level TEXT NOT NULL CHECK (risk_level IN ('low', 'medium', 'high')),
        risk_assessed_on TEXT NOT NULL,
        risk_review_due TEXT NOT NULL,
        settings_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        closed_on TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE keep_apart (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases(id),
        person_a TEXT NOT NULL REFERENCES people(id),
        person_b TEXT NOT NULL REFERENCES people(id),
        reason TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        CHECK (person_a <> person_b)
      );
      CREATE INDEX keep_apart_a ON keep_apart(person_a);
      CREATE INDEX keep_apart_b ON keep_apart(person_b);

      CREATE TABLE training (
        id TEXT PRIMARY KEY,
        staff_id TEXT NOT NULL REFERENCES people(id),
        kind TEXT NOT NULL,
        completed_on TEXT NOT NULL,
        expires_on TEXT NOT NULL
      );
      CREATE INDEX training_staff ON training(staff_id);

      CREATE TABLE bookings (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases(id),
        room_id TEXT NOT NULL REFERENCES rooms(id),
        service_type TEXT NOT NULL CHECK (service_type IN ('supported', 'supervised', 'handover')),
        start_at INTEGER NOT NULL,
        end_at INTEGER NOT NULL,
        local_date TEXT NOT NULL,
        supervisor_id TEXT REFERENCES people(id),
        status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        CHECK (end_at > start_at)
      );
      CREATE INDEX bookings_date ON bookings(local_date);
      CREATE INDEX bookings_room ON bookings(room_id, start_at);

      CREATE TABLE booking_participants (
        booking_id TEXT NOT NULL REFERENCES bookings(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        role TEXT NOT NULL,
        party TEXT,
        PRIMARY KEY (booking_id, person_id)
      );

      CREATE TABLE movements (
        id TEXT PRIMARY KEY,
        booking_id TEXT NOT NULL REFERENCES bookings(id),
        person_id TEXT NOT NULL REFERENCES people(id),
        door_id TEXT NOT NULL,
        from_zone TEXT NOT NULL,
        to_zone TEXT NOT NULL,
        purpose TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        window_end INTEGER NOT NULL,
        after_json TEXT
      );
      CREATE INDEX movements_booking ON movements(booking_id);
      CREATE INDEX movements_window ON movements(window_start);

      CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people(id),
        kind TEXT NOT NULL CHECK (kind IN ('card', 'pin', 'qr')),
        value TEXT NOT NULL,
        booking_id TEXT REFERENCES bookings(id),
        schedule_json TEXT,
        issued_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX credentials_value ON credentials(kind, value);
      CREATE INDEX credentials_booking ON credentials(booking_id);

      CREATE TABLE access_decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        door_id TEXT,
        reader_id TEXT,
        person_id TEXT,
        movement_id TEXT,
        outcome TEXT NOT NULL,
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail_json TEXT
      );
      CREATE INDEX access_decisions_at ON access_decisions(at);

      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        details_json TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      -- Append-only: the chain detects edits made around these triggers.
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    `,
  },
  {
    version: 3,
    name: 'alerts and access state',
    sql: `
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        text TEXT NOT NULL,
        source TEXT NOT NULL,
        zone_id TEXT,
        door_id TEXT,
        dedupe_key TEXT NOT NULL,
        repeats INTEGER NOT NULL DEFAULT 0,
        raised_at INTEGER NOT NULL,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        resolved_at INTEGER,
        resolved_by TEXT,
        note TEXT,
        escalated_at INTEGER,
        escalations INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX alerts_open ON alerts(resolved_at, raised_at);
      CREATE INDEX alerts_dedupe ON alerts(dedupe_key, resolved_at);
      -- Small named documents, e.g. the access core's learned state, saved after each decision.
      CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
      -- Lockdown survives a restart: the latest row is the current state.
      CREATE TABLE lockdown_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        active INTEGER NOT NULL,
        by TEXT NOT NULL,
        reason TEXT NOT NULL,
        at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'footage',
    sql: `
      -- One row per recorded segment file, written as the segment closes. Times are the
      -- daemon's clock; skew_ms is the camera clock's measured offset at recording time.
      CREATE TABLE footage_segments (
        id INTEGER PRIMARY KEY,
        camera_id TEXT NOT NULL,
        start_at INTEGER NOT NULL,
        end_at INTEGER NOT NULL,
        path TEXT NOT NULL UNIQUE,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        skew_ms INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        deleted_at INTEGER,
        deleted_reason TEXT,
        CHECK (end_at >= start_at)
      );
      -- "Segments of camera C overlapping [from, to)": a range scan on start_at bounded by the longest
      -- segment; end_at in the index makes finding the ids a covering-index scan.
      CREATE INDEX footage_segments_camera_start ON footage_segments(camera_id, start_at, end_at) WHERE deleted_at IS NULL;
      CREATE INDEX footage_segments_end ON footage_segments(end_at) WHERE deleted_at IS NULL;
      -- kind 'visit': ref_id is a booking id; 'evidence-hold': an alert id (or a manual hold id).
      CREATE TABLE footage_tags (
        segment_id INTEGER NOT NULL REFERENCES footage_segments(id),
        kind TEXT NOT NULL CHECK (kind IN ('visit', 'evidence-hold')),
        ref_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (segment_id, kind, ref_id)
      ) WITHOUT ROWID;
      CREATE INDEX footage_tags_ref ON footage_tags(kind, ref_id);
      -- Evidence holds cover a time window on some cameras, also for segments not yet recorded.
      CREATE TABLE footage_holds (
        id TEXT PRIMARY KEY,
        alert_id TEXT,
        zone_id TEXT,
        camera_ids_json TEXT NOT NULL,
        from_at INTEGER NOT NULL,
        to_at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX footage_holds_to ON footage_holds(to_at);
      -- Time a camera was not recorded (recorder down, stream dead, disk full).
      CREATE TABLE footage_gaps (
        id INTEGER PRIMARY KEY,
        camera_id TEXT NOT NULL,
        from_at INTEGER NOT NULL,
        to_at INTEGER NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE INDEX footage_gaps_camera ON footage_gaps(camera_id, from_at);
    `,
  },
  {
    version: 4,
    name: 'access state by entry',
    sql: `
      -- The access core's learned state, one row per entry (map: possible, doors, passages,
      -- meta), so each decision writes only what it changed. The earlier one-document copy in
      -- kv ('access-state') is moved here by the daemon the first time it loads the state.
      CREATE TABLE access_state (
        map TEXT NOT NULL CHECK (map IN ('possible', 'doors', 'passages', 'meta')),
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (map, key)
      ) WITHOUT ROWID;
    `,
  },
];
