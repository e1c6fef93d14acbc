//! The configuration reference: every setting with its file key, its `ROSTER_*` variable and
//! its default, as the code has them (README.md's table is checked against this list by the
//! test below, so that it cannot drift), and the check of a settings file's keys.

use crate::settings::Settings;
use figment::Provider as _;
use figment::providers::{Format as _, Toml};
use std::path::Path;

/// One setting as the reference documents it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingRef {
    /// The TOML file key.
    pub key: String,
    /// The environment variable.
    pub variable: String,
    /// The default as text (`10`, `127.0.0.1:50051`, `true`), or `None` when the setting is
    /// unset by default and the README says in words what then applies.
    pub default: Option<String>,
}

impl Settings {
    /// Every setting, sorted by key.
    pub fn reference() -> Vec<SettingRef> {
        let Ok(serde_json::Value::Object(defaults)) = serde_json::to_value(Settings::default())
        else {
            return Vec::new();
        };
        defaults
            .into_iter()
            .map(|(key, value)| SettingRef {
                variable: format!("ROSTER_{}", key.to_ascii_uppercase()),
                default: match value {
                    serde_json::Value::Null => None,
                    serde_json::Value::String(s) => Some(s),
                    other @ (serde_json::Value::Bool(_)
                    | serde_json::Value::Number(_)
                    | serde_json::Value::Array(_)
                    | serde_json::Value::Object(_)) => Some(other.to_string()),
                },
                key,
            })
            .collect()
    }

    /// Keys of the settings file at `path` that name no setting (likely typos); they are
    /// ignored, and the binary says so at start.
    pub fn unknown_file_keys(path: &Path) -> Vec<String> {
        let keys = Self::keys();
        let Ok(profiles) = Toml::file_exact(path).data() else {
            return Vec::new(); // unreadable files are reported by `load`
        };
        let mut unknown: Vec<String> = profiles
            .into_values()
            .flat_map(figment::value::Dict::into_keys)
            .filter(|k| !keys.contains(k))
            .collect();
        unknown.sort();
        unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of README.md's configuration table.
    struct Row {
        key: String,
        variable: String,
        default: String,
        meaning: String,
    }

    fn readme_rows() -> Vec<Row> {
        let readme = include_str!("../../../README.md");
        let section = readme
            .split("\n### Configuration\n")
            .nth(1)
            .expect("README.md has a `### Configuration` section");
        section
            .lines()
            .take_while(|l| !l.starts_with('#'))
            .filter(|l| l.starts_with("| `"))
            .map(|row| {
                let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
                let cell = |i: usize| cells.get(i).copied().unwrap_or_default().to_owned();
                Row {
                    key: cell(0).trim_matches('`').to_owned(),
                    variable: cell(1).trim_matches('`').to_owned(),
                    default: cell(2),
                    meaning: cell(3),
                }
            })
            .collect()
    }

    /// A single code span, `like this`, and nothing else.
    fn literal(cell: &str) -> Option<&str> {
        let inner = cell.strip_prefix('`')?.strip_suffix('`')?;
        (!inner.contains('`')).then_some(inner)
    }

    /// What is wrong with the table, one line per row to add, fix or remove.
    fn problems(code: &[SettingRef], rows: &[Row]) -> Vec<String> {
        let mut out = Vec::new();
        for s in code {
            let found: Vec<&Row> = rows.iter().filter(|r| r.key == s.key).collect();
            let Some(row) = found.first() else {
                let default = s.default.as_ref().map_or_else(
                    || "<what applies when unset>".to_owned(),
                    |d| format!("`{d}`"),
                );
                out.push(format!(
                    "missing row for `{}`; add: | `{}` | `{}` | {default} | <meaning> |",
                    s.key, s.key, s.variable
                ));
                continue;
            };
            if found.len() > 1 {
                out.push(format!("`{}` has {} rows; keep one", s.key, found.len()));
            }
            if row.variable != s.variable {
                out.push(format!(
                    "row `{}`: variable is `{}`, must be `{}`",
                    s.key, row.variable, s.variable
                ));
            }
            match &s.default {
                Some(d) if literal(&row.default) != Some(d.as_str()) => out.push(format!(
                    "row `{}`: default is {}, the code's default is `{d}` (write it in backticks)",
                    s.key, row.default
                )),
                None if row.default.is_empty() => out.push(format!(
                    "row `{}`: the setting is unset by default; say what then applies",
                    s.key
                )),
                Some(_) | None => {}
            }
            if row.meaning.is_empty() {
                out.push(format!("row `{}`: the meaning is empty", s.key));
            }
        }
        for r in rows.iter().filter(|r| !code.iter().any(|s| s.key == r.key)) {
            out.push(format!(
                "row `{}` names no setting: remove it, or add the setting to `Settings`",
                r.key
            ));
        }
        out
    }

    #[test]
    fn the_readme_table_matches_every_setting_its_variable_and_default() {
        let problems = problems(&Settings::reference(), &readme_rows());
        assert!(
            problems.is_empty(),
            "README.md `### Configuration` table is out of date with crates/roster/src/settings.rs:\n  - {}",
            problems.join("\n  - ")
        );
    }

    #[test]
    fn the_check_names_each_missing_wrong_or_extra_row() {
        let code = vec![
            SettingRef {
                key: "a".into(),
                variable: "ROSTER_A".into(),
                default: Some("10".into()),
            },
            SettingRef {
                key: "b".into(),
                variable: "ROSTER_B".into(),
                default: None,
            },
            SettingRef {
                key: "c".into(),
                variable: "ROSTER_C".into(),
                default: Some("x".into()),
            },
        ];
        let row = |key: &str, variable: &str, default: &str| Row {
            key: key.into(),
            variable: variable.into(),
            default: default.into(),
            meaning: "m".into(),
        };
        let rows = vec![
            row("a", "ROSTER_AA", "`11`"),
            row("b", "ROSTER_B", ""),
            row("gone", "ROSTER_GONE", "`1`"),
        ];
        assert_eq!(
            problems(&code, &rows),
            [
                "row `a`: variable is `ROSTER_AA`, must be `ROSTER_A`",
                "row `a`: default is `11`, the code's default is `10` (write it in backticks)",
                "row `b`: the setting is unset by default; say what then applies",
                "missing row for `c`; add: | `c` | `ROSTER_C` | `x` | <meaning> |",
                "row `gone` names no setting: remove it, or add the setting to `Settings`",
            ]
        );
    }

    #[test]
    fn defaults_are_rendered_as_an_operator_writes_them() {
        let r = Settings::reference();
        let default = |k: &str| r.iter().find(|s| s.key == k).unwrap().default.clone();
        assert_eq!(default("grpc_addr").as_deref(), Some("127.0.0.1:50051"));
        assert_eq!(default("migrate_on_start").as_deref(), Some("true"));
        assert_eq!(default("data_dir").as_deref(), Some("./roster-data"));
        assert_eq!(default("database_url"), None);
        assert!(r.iter().all(|s| s.variable.starts_with("ROSTER_")));
    }

    #[test]
    fn unknown_keys_of_a_settings_file_are_found() {
        let dir = std::env::temp_dir().join(format!("roster-ref-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("roster.toml");
        std::fs::write(
            &path,
            "grpc_addr = \"127.0.0.1:1\"\ngrcp_addr = 1\nzzz = true\n",
        )
        .unwrap();
        assert_eq!(Settings::unknown_file_keys(&path), ["grcp_addr", "zzz"]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
