//! `custody report certificate|manifest|stocktake|history`: documents issued through
//! custody-issue (which seals through core and logs the issue) and written to `--output`.

use crate::cmd_report::{Common, Format};
use crate::session::Context;
use anyhow::Result;
use custody_issue::{IssueOptions, Issued};

fn options(common: &Common) -> IssueOptions {
    let format = match common.format {
        Format::Pdf => custody_issue::Format::Pdf,
        Format::Csv => custody_issue::Format::Csv,
        Format::Json => custody_issue::Format::Json,
    };
    IssueOptions {
        utc_offset_minutes: common.utc_offset_minutes,
        ..IssueOptions::new(common.lang.language(), format)
    }
}

fn write(common: &Common, doc: &Issued) -> Result<()> {
    custody_core::files::write_atomically(&common.output, &doc.bytes)?;
    let out = common.output.display();
    match &doc.seal {
        Some(seal) => println!(
            "{} {} issued to {out} (logged as event {}, sealed at checkpoint {})\nSeal: {}",
            doc.title, doc.id, seal.issued_seq, seal.checkpoint_seq, seal.text
        ),
        None => println!(
            "{} {} list written to {out} (unsigned export; issue the PDF for a sealed document)",
            doc.title, doc.id
        ),
    }
    Ok(())
}

pub fn certificate(ctx: &Context, batch: &str, common: &Common) -> Result<()> {
    let (mut ledger, actor) = ctx.login()?;
    let doc = custody_issue::certificate(&mut ledger, &actor, batch, &options(common))?;
    write(common, &doc)
}

pub fn manifest(ctx: &Context, manifest: &str, common: &Common) -> Result<()> {
    let (mut ledger, actor) = ctx.login()?;
    let doc = custody_issue::manifest(&mut ledger, &actor, manifest, &options(common))?;
    write(common, &doc)
}

pub fn stocktake(ctx: &Context, stocktake: &str, common: &Common) -> Result<()> {
    let (mut ledger, actor) = ctx.login()?;
    let doc = custody_issue::stocktake(&mut ledger, &actor, stocktake, &options(common))?;
    write(common, &doc)
}

pub fn release_receipt(ctx: &Context, item: &str, common: &Common) -> Result<()> {
    let (mut ledger, actor) = ctx.login()?;
    let doc = custody_issue::release_receipt(&mut ledger, &actor, item, &options(common))?;
    write(common, &doc)
}

pub fn disposition(ctx: &Context, from: &str, to: &str, common: &Common) -> Result<()> {
    let day = |t: &str| {
        chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .map_err(|_| anyhow::anyhow!("'{t}' is not a date (YYYY-MM-DD)"))
    };
    let (from, to) = (day(from)?, day(to)?);
    let (mut ledger, actor) = ctx.login()?;
    let doc = custody_issue::disposition_report(&mut ledger, &actor, from, to, &options(common))?;
    write(common, &doc)
}

/// An item's history is not sealed; it is anchored to a signed checkpoint written first.
pub fn history(ctx: &Context, item: &str, common: &Common) -> Result<()> {
    let (mut ledger, actor) = ctx.login()?;
    let doc = custody_issue::history(&mut ledger, &actor, item, &options(common))?;
    custody_core::files::write_atomically(&common.output, &doc.bytes)?;
    println!(
        "History of {} written to {} (checkpoint at event {})",
        doc.id,
        common.output.display(),
        doc.checkpoint_seq
    );
    Ok(())
}
