//! The SSH wire format of public-key blobs (RFC 4251 §5): big-endian `uint32` lengths
//! followed by that many bytes.

/// A reader over a key blob that refuses to read past its end.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// The next length-prefixed string, or `None` if the blob is too short.
    pub(crate) fn string(&mut self) -> Option<&'a [u8]> {
        let (len, rest) = self.rest.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
        if rest.len() < len {
            return None;
        }
        let (s, rest) = rest.split_at(len);
        self.rest = rest;
        Some(s)
    }

    /// An `mpint`: a string holding a two's-complement big-endian integer; positive ones
    /// may start with a zero byte, which is dropped.
    pub(crate) fn mpint(&mut self) -> Option<&'a [u8]> {
        let s = self.string()?;
        Some(match s.split_first() {
            Some((0, rest)) => rest,
            _ => s,
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_read_within_bounds() {
        let blob = [0, 0, 0, 2, b'h', b'i', 0, 0, 0, 3, 0, 1, 2];
        let mut r = Reader::new(&blob);
        assert_eq!(r.string(), Some(&b"hi"[..]));
        assert_eq!(r.mpint(), Some(&[1, 2][..]));
        assert!(r.is_empty());
        assert_eq!(Reader::new(&[0, 0, 0, 9, 1]).string(), None);
        assert_eq!(Reader::new(&[0, 0]).string(), None);
        assert_eq!(Reader::new(&[255, 255, 255, 255]).string(), None);
    }
}
