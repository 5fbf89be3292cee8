//! `custody report`: documents from the ledger, rendered by custody-docs (PDF, CSV, JSON).

use crate::session::Context;
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use custody_docs::Language;
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
    /// Intake against disposal per category for a period, sealed (PDF) or as CSV / JSON
    Disposition {
        /// First day (YYYY-MM-DD)
        #[arg(long)]
        from: String,
        /// Last day (YYYY-MM-DD), included
        #[arg(long)]
        to: String,
        #[command(flatten)]
        common: Common,
    },
    /// The release receipt of an exhibit released to its owner, sealed again (needs --as)
    ReleaseReceipt {
        /// Custody code (E-...)
        item: String,
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
        ReportCommand::Disposition { from, to, common } => {
            crate::cmd_documents::disposition(ctx, &from, &to, &common)?
        }
        ReportCommand::ReleaseReceipt { item, common } => {
            crate::cmd_documents::release_receipt(ctx, &item, &common)?
        }
        ReportCommand::History { item, common } => {
            crate::cmd_documents::history(ctx, &item, &common)?
        }
    }
    Ok(ExitCode::SUCCESS)
}
