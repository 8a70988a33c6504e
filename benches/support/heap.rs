//! A global allocator that counts the bytes on the heap, and the most there
//! were since [`reset_peak`]: what the benchmarks report as memory.
//!
//! It needs `unsafe impl GlobalAlloc`; it only forwards to the system
//! allocator. Include it with `#[path = "support/heap.rs"] mod heap;`.
#![allow(unsafe_code, dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

/// Bytes on the heap now.
pub static HEAP: AtomicIsize = AtomicIsize::new(0);
/// The most bytes on the heap since the last [`reset_peak`].
pub static PEAK: AtomicIsize = AtomicIsize::new(0);

struct Counting;

fn grew(by: isize) {
    let now = HEAP.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size() as isize);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HEAP.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size as isize - layout.size() as isize);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes on the heap now.
pub fn heap() -> isize {
    HEAP.load(Ordering::Relaxed)
}

/// Starts counting the peak from the heap as it is now, and answers it.
pub fn reset_peak() -> isize {
    let now = heap();
    PEAK.store(now, Ordering::Relaxed);
    now
}

/// The most bytes on the heap since the last [`reset_peak`].
pub fn peak() -> isize {
    PEAK.load(Ordering::Relaxed)
}
