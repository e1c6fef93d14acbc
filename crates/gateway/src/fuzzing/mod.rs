//! Entry points for the fuzz targets in `fuzz/` (built with `--cfg fuzzing`) and for the test
//! that replays their committed seeds. Each takes any bytes, as a request would carry them,
//! and returns nothing: a panic is a finding, so besides driving the parsers the way a
//! request does they assert what must hold of what the parsers return.

mod ceql;
mod formsonfire;
mod scim_filter;
#[cfg(test)]
mod seeds;

pub use ceql::ceql;
pub use formsonfire::{formsonfire_json, formsonfire_xml};
pub use scim_filter::scim_filter;
