//! Settings as an operator gives them to the real binary: unknown `ROSTER_*` variables and
//! unknown settings-file keys are reported at start (and ignored); known ones are not.

use crate::support::process::roster_command;

/// The JSON log lines of a run.
fn log_lines(stderr: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test]
async fn unknown_roster_variables_and_file_keys_are_reported_at_start() {
    // Arrange: a typo in a variable and in the file, next to settings that exist.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("roster.toml");
    std::fs::write(&config, "max_batch_users = 5\nmax_bacth_users = 6\n").unwrap();
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("r.db").display());
    let env = [
        ("ROSTER_DATA_DIR", dir.path().display().to_string()),
        ("ROSTER_DATABASE_URL", db),
        ("ROSTER_LOG_FORMAT", "json".to_owned()),
        ("ROSTER_CONFIG", config.display().to_string()),
        ("ROSTER_SHUTDOWN_GRACE_SECONDS", "10".to_owned()),
    ];

    // Act
    let out = roster_command(&["migrate"], &env).await;

    // Assert: the command still runs; each unknown name is reported once, nothing else.
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = log_lines(&out.stderr);
    let reported: Vec<&str> = lines
        .iter()
        .filter(|v| v["message"] == "Unknown setting in the environment; it is ignored.")
        .filter_map(|v| v["variable"].as_str())
        .collect();
    assert_eq!(reported, ["ROSTER_SHUTDOWN_GRACE_SECONDS"], "{lines:#?}");
    let keys: Vec<&str> = lines
        .iter()
        .filter(|v| v["message"] == "Unknown setting in the settings file; it is ignored.")
        .filter_map(|v| v["key"].as_str())
        .collect();
    assert_eq!(keys, ["max_bacth_users"], "{lines:#?}");
}

#[tokio::test]
async fn a_setting_with_a_bad_value_stops_the_binary_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("ROSTER_DATA_DIR", dir.path().display().to_string()),
        ("ROSTER_SHUTDOWN_GRACE_SECS", "soon".to_owned()),
    ];
    let out = roster_command(&["migrate"], &env).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid settings") && err.contains("SHUTDOWN_GRACE_SECS"),
        "{err}"
    );
}
