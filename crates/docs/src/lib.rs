//! Documents: PDF, CSV and JSON renderings of ledger facts, each carrying a signed QR seal.
