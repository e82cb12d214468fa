-- Delivery cursors of the audit sinks: the Seq of the last event that each
-- sink delivered. A sink resumes after its cursor, so it delivers every
-- event at least once, across restarts and outages.

CREATE TABLE audit_sink_cursors (
    name        text PRIMARY KEY,
    seq         bigint NOT NULL,
    updated_at  bigint NOT NULL
);
