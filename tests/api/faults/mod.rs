//! Faults injected into a running Roster: the user service killed, the database stalled,
//! the database restarted. Each runs the split deployment as real processes on PostgreSQL
//! (see [`deployment`]) under requests of every dialect, and checks what clients are told
//! while it lasts, that Roster recovers by itself, and that nothing acknowledged is lost;
//! [`retries`] checks that writes retried with their keys through each take effect once.
//!
//! PostgreSQL only: without `ROSTER_TEST_DATABASE_URL` each test says so and passes. The
//! database restart also needs `ROSTER_FAULTS_PG_RESTART=1` (see [`pg_restart`]).

mod deployment;
mod dialects;
mod kill;
mod load;
mod pg_restart;
mod retries;
mod stall;
