//! The count of the store's writes that caches check before trusting what they hold.

/// A count of this process's writes to the store. It grows when a write starts and again when
/// it ends, so a cache filled after reading the count `n` still holds what the store holds
/// as long as the count reads `n` (writes by other processes are not counted).
pub trait WriteCounter: Send + Sync + 'static {
    fn writes(&self) -> u64;
}
