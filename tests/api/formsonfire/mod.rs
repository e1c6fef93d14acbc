//! Forms On Fire over real HTTP, every rule in JSON and in XML.

mod auth;
mod fields;
mod formats;
mod hostile;
mod interop;
mod search;
mod users;
mod vendor;
