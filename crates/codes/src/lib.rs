//! What a scanned code means: Custody's own label codes, GS1 element strings, ISO/IEC 15434
//! envelopes and MIL-STD-130 UIIs (sans-IO: bytes in, typed values out); plus rendering Custody
//! labels (PNG, SVG, PDF, ZPL) and reading codes back from images.

pub mod classify;
pub mod decode;
pub mod escape;
pub mod gs1;
pub mod iso15434;
pub mod label;
pub mod render;
pub mod serial;
pub mod uii;

pub use classify::{classify, CodeError, Scanned};
pub use decode::{decode_image, decode_luma, DecodeError, Decoded};
pub use escape::{unescape, Aim, EscapeError};
pub use gs1::{Gs1Data, Gs1Element, Gs1Error, Gs1Source};
pub use iso15434::{parse_envelope, Envelope, EnvelopeError, Format};
pub use label::{LabelCode, LabelCodeError, LabelKind, ScanCommand};
pub use render::{
    render_command_sheet_pdf, render_label_luma, render_label_pdf, render_label_png,
    render_label_svg, render_sheet_pdf, render_zpl, LabelSpec, RenderError, SheetLayout,
};
pub use serial::{normalize_manufacturer, normalize_serial};
pub use uii::{Uii, UiiConstruct, UiiError};
