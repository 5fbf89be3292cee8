//! `custody report`: documents from the ledger, rendered by custody-docs (PDF, CSV, JSON).

use crate::session::Context;
use anyhow::{Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};
use custody_docs::export::{history_csv, to_json, CsvOptions};
use custody_docs::{CheckpointRef, HistoryEvent, ItemHistory, ItemLine, Language, RenderOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Lang {
    En,
    #[value(name = "sr-Latn")]
    SrLatn,
    #[value(name = "sr-Cyrl")]
    SrCyrl,
    Bs,
    Hr,
    Cnr,
    Sq,
    Mk,
    Ro,
}

impl Lang {
    pub fn language(self) -> Language {
        match self {
            Lang::En => Language::English,
            Lang::SrLatn => Language::SerbianLatin,
            Lang::SrCyrl => Language::SerbianCyrillic,
            Lang::Bs => Language::Bosnian,
            Lang::Hr => Language::Croatian,
            Lang::Cnr => Language::Montenegrin,
            Lang::Sq => Language::Albanian,
            Lang::Mk => Language::Macedonian,
            Lang::Ro => Language::Romanian,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Format {
    Pdf,
    Csv,
    Json,
}

#[derive(Args, Debug)]
pub struct Common {
    /// Language of the document: en, sr-Latn, sr-Cyrl (Serbian), bs (Bosnian), hr (Croatian),
    /// cnr (Montenegrin), sq (Albanian), mk (Macedonian), ro (Romanian)
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
    #[arg(long, value_enum, default_value = "pdf")]
    pub format: Format,
    /// The site's offset from UTC in minutes, for printed times (e.g. 60 for CET)
    #[arg(long, default_value_t = 60, allow_hyphen_values = true)]
    pub utc_offset_minutes: i32,
    /// Where to write the document
    #[arg(short, long)]
    pub output: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Destruction certificate of an executed batch, sealed with the site key (needs --as)
    Certificate {
        /// Batch code (B-...)
        batch: String,
        #[command(flatten)]
        common: Common,
    },
    /// Handover manifest, sealed with the site key (needs --as)
    Manifest {
        /// Manifest code (M-...)
        manifest: String,
        #[command(flatten)]
        common: Common,
    },
    /// Report of a closed stocktake, sealed with the site key (needs --as inspector or administrator)
    Stocktake {
        /// Stocktake code (S-...)
        stocktake: String,
        #[command(flatten)]
        common: Common,
    },
    /// The full custody history of one item (a signed checkpoint is written first, and printed)
    History {
        /// Custody code or serial
        item: String,
        #[command(flatten)]
        common: Common,
    },
}

fn checkpoint_ref(seq: i64, head_hex: &str) -> Result<CheckpointRef> {
    let bytes = (0..head_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(head_hex.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<Vec<u8>, _>>()
        .context("checkpoint head hash is not hex")?;
    Ok(CheckpointRef {
        seq: seq as u64,
        head_hash: bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("checkpoint head hash is not 32 bytes"))?,
    })
}

pub fn run(ctx: &Context, cmd: ReportCommand) -> Result<ExitCode> {
    match cmd {
        ReportCommand::Certificate { batch, common } => {
            crate::cmd_documents::certificate(ctx, &batch, &common)?
        }
        ReportCommand::Manifest { manifest, common } => {
            crate::cmd_documents::manifest(ctx, &manifest, &common)?
        }
        ReportCommand::Stocktake { stocktake, common } => {
            crate::cmd_documents::stocktake(ctx, &stocktake, &common)?
        }
        ReportCommand::History { item, common } => {
            let mut ledger = ctx.open()?;
            ledger.checkpoint("item history issued")?;
            let (covered, head) = ledger.latest_checkpoint()?;
            let (view, history) = ledger.history(&item)?;
            let events = history
                .into_iter()
                .map(|h| {
                    Ok(HistoryEvent {
                        seq: h.seq as u64,
                        time: chrono::DateTime::parse_from_rfc3339(&h.time)?
                            .with_timezone(&chrono::Utc),
                        kind: h.kind,
                        actor: h.actor.unwrap_or_default(),
                        witness: h.witness.unwrap_or_default(),
                        from: h.movement.from,
                        to: h.movement.to,
                        notes: if h.movement.notes.is_empty() {
                            h.summary
                        } else {
                            h.movement.notes
                        },
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let doc = ItemHistory {
                history_id: format!("H-{}-{}", view.code, covered),
                site_name: ledger.site_name()?,
                site_id: ledger.site_id().to_string(),
                issued_on: chrono::Utc::now().date_naive(),
                item: ItemLine {
                    custody_code: view.code.clone(),
                    item_type: view
                        .weapon_type
                        .clone()
                        .unwrap_or_else(|| view.kind.clone()),
                    make: view.manufacturer.clone(),
                    model: view.model.clone(),
                    calibre: view.calibre.clone(),
                    serial: view.serial.clone(),
                },
                status: view.status.to_string(),
                location: view.location_name.clone().unwrap_or_default(),
                events,
                checkpoint: checkpoint_ref(covered, &head)?,
            };
            let language = common.lang.language();
            let bytes = match common.format {
                Format::Pdf => doc.to_pdf(&RenderOptions {
                    language,
                    utc_offset_minutes: common.utc_offset_minutes,
                })?,
                Format::Csv => history_csv(
                    &doc,
                    CsvOptions {
                        excel_bom: true,
                        language: Some(language),
                    },
                )
                .into_bytes(),
                Format::Json => to_json(&doc).into_bytes(),
            };
            std::fs::write(&common.output, bytes)
                .with_context(|| format!("cannot write {}", common.output.display()))?;
            println!(
                "History of {} written to {} (checkpoint at event {covered})",
                view.code,
                common.output.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
