#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| roster_httpsig::fuzzing::httpsig_header(data));
