//! HTTP Signatures (draft-cavage, as Joyent's `http-signature` 1.4 speaks them) over OpenSSH
//! public keys: parsing keys and `Authorization: Signature` headers, fingerprints, signing
//! strings and verification. No dependency on the rest of Roster: the user service (the
//! authority over keys) and the gateway (which re-checks cached keys) both use it.

// The fuzz targets' entry points: never part of a normal build.
#[cfg(any(test, fuzzing))]
pub mod fuzzing;
mod header;
mod key;
mod wire;

pub use header::{Algorithm, HeaderError, SignatureParams, parse_authorization, signing_string};
pub use key::{KeyError, KeyKind, PublicKey, VerifyError};
