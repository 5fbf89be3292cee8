//! Handheld scanners: sans-IO framing and vendor codecs, device profiles, and thin transports.
