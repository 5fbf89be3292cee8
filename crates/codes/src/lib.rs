//! What a scanned code means: Custody's own label codes, GS1 element strings, ISO/IEC 15434
//! envelopes and MIL-STD-130 UIIs. Sans-IO: bytes in, typed values out.

pub mod label;

pub use label::{LabelCode, LabelCodeError, LabelKind, ScanCommand};
