//! Evidence commands: intake, the review list, disposition decisions, legal holds, release to
//! the owner with a sealed receipt, and the administrator's review defaults; plus the
//! amendment arguments `custody item|location|user amend` share. Every rule is in custody-core.

use crate::cmd_report::Lang;
use crate::session::Context;
use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use custody_core::evidence::{Order, Owner};
use custody_core::{AuthorityKind, Disposition, EvidenceRecord, IdDocumentType};
use custody_issue::{Format, IssueOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// `--set field=value` pairs, as `(field, value)`.
pub fn field_values(sets: &[String]) -> Result<Vec<(String, String)>> {
    if sets.is_empty() {
        bail!("nothing to amend: give at least one --set FIELD=VALUE");
    }
    sets.iter()
        .map(|s| match s.split_once('=') {
            Some((f, v)) if !f.trim().is_empty() => Ok((f.trim().to_string(), v.to_string())),
            _ => bail!("--set '{s}' is not FIELD=VALUE (e.g. --set serial=AB12345)"),
        })
        .collect()
}

/// What every amendment records besides its fields.
#[derive(Args, Debug)]
pub struct AmendArgs {
    /// FIELD=VALUE to correct (repeat for several)
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Why the record was wrong
    #[arg(long)]
    pub reason: String,
    /// The document or report the correction rests on
    #[arg(long, default_value = "")]
    pub reference: String,
}

/// An order: who issued it and its number.
#[derive(Args, Debug)]
pub struct OrderArgs {
    /// case_officer, prosecutor or court
    #[arg(long)]
    authority_kind: AuthorityKind,
    /// The court, prosecutor's office or officer, by name
    #[arg(long)]
    authority: String,
    /// The order's reference number
    #[arg(long)]
    order: String,
    #[arg(long, default_value = "")]
    note: String,
}

impl OrderArgs {
    fn order(&self) -> Order {
        Order {
            authority_kind: self.authority_kind,
            authority: self.authority.clone(),
            reference: self.order.clone(),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum EvidenceCommand {
    /// Register an exhibit; prints its new Custody code. Its review date is --review-date, or
    /// the administrator's default for its category (custody evidence review-default)
    Add {
        #[arg(long)]
        case: String,
        #[arg(long)]
        exhibit: String,
        #[arg(long)]
        description: String,
        /// weapon, ammunition, explosive, other
        #[arg(long, default_value = "other")]
        category: String,
        /// Seal numbers on the package (repeat or comma-separate)
        #[arg(long, value_delimiter = ',')]
        seal: Vec<String>,
        #[arg(long)]
        legal_hold: bool,
        /// Reference of the decision that allows disposal (needed before destruction)
        #[arg(long, default_value = "")]
        disposal_authority: String,
        /// First review date (YYYY-MM-DD)
        #[arg(long)]
        review_date: Option<String>,
        #[arg(long)]
        location: Option<String>,
    },
    /// Exhibits whose review date has come (today, or --on DATE) and that await a decision
    Due {
        /// YYYY-MM-DD (default: today, UTC)
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record a disposition decision on an order: keep_until (with --until), release_to_owner,
    /// return_to_agency, destroy (the disposal authority a destruction batch needs) or
    /// retain_permanently
    Dispose {
        /// The exhibit's code (or its serial); with --case, leave it out
        #[arg(required_unless_present = "case", conflicts_with = "case")]
        item: Option<String>,
        /// The same decision for every exhibit of this case still at the site
        #[arg(long)]
        case: Option<String>,
        #[arg(long)]
        decision: Disposition,
        /// New review date for keep_until (YYYY-MM-DD)
        #[arg(long)]
        until: Option<String>,
        #[command(flatten)]
        order: OrderArgs,
    },
    /// Place a legal hold on an exhibit, on an order
    Hold {
        item: String,
        #[command(flatten)]
        order: OrderArgs,
    },
    /// Lift a legal hold, on the order of a prosecutor or a court
    HoldLift {
        item: String,
        #[command(flatten)]
        order: OrderArgs,
    },
    /// Hand an exhibit to its owner (a release_to_owner decision is needed); the owner's
    /// identity document is recorded and a sealed release receipt is written to --output
    Release {
        item: String,
        /// The owner's name as on the identity document
        #[arg(long)]
        owner: String,
        /// national_id, passport, driving_licence or residence_permit
        #[arg(long)]
        id_type: IdDocumentType,
        #[arg(long)]
        id_number: String,
        /// Witness badge (types their own PIN when asked); required where the site says so
        #[arg(long)]
        witness: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
        /// Where to write the release receipt (PDF)
        #[arg(short, long)]
        output: PathBuf,
        /// Language of the receipt
        #[arg(long, value_enum, default_value = "en")]
        lang: Lang,
    },
    /// Administrators: days from intake to the first review for a category (0 removes it)
    ReviewDefault { category: String, days: u32 },
    /// Administrators: whether a release to the owner needs a witness (required or optional)
    ReleaseWitness { value: String },
    /// The site's evidence settings
    Settings,
}

fn hold(ctx: &Context, item: &str, order: &OrderArgs, place: bool) -> Result<()> {
    let (mut ledger, actor) = ctx.login()?;
    let seq = ledger.evidence_hold(&actor, item, place, &order.order(), &order.note)?;
    let what = if place { "placed" } else { "lifted" };
    println!(
        "{item}: legal hold {what} on order {} (event {seq})",
        order.order
    );
    Ok(())
}

fn date(text: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| anyhow::anyhow!("'{text}' is not a date (YYYY-MM-DD)"))
}

pub fn evidence(ctx: &Context, cmd: EvidenceCommand) -> Result<ExitCode> {
    match cmd {
        EvidenceCommand::Add {
            case,
            exhibit,
            description,
            category,
            seal,
            legal_hold,
            disposal_authority,
            review_date,
            location,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let record = EvidenceRecord {
                case_number: case,
                exhibit_number: exhibit,
                description,
                category,
                seal_numbers: seal,
                legal_hold,
                disposal_authority,
                retention_date: review_date.unwrap_or_default(),
                ..EvidenceRecord::default()
            };
            let r = ledger.register_evidence(&actor, record, location.as_deref())?;
            let review = ledger.find_item(&r.code)?.review_date;
            println!(
                "Registered exhibit {} (event {}); review date {}",
                r.code,
                r.seq,
                review.as_deref().unwrap_or("none")
            );
        }
        EvidenceCommand::Due { on, json } => {
            let ledger = ctx.open()?;
            let on = match on {
                Some(d) => date(&d)?,
                None => chrono::Utc::now().date_naive(),
            };
            let due = ledger.evidence_due(on)?;
            if json {
                println!("{}", serde_json::to_string(&due)?);
            } else {
                for i in &due {
                    println!(
                        "{}  review {}  case {} exhibit {}  {}  [{}]",
                        i.code,
                        i.review_date.as_deref().unwrap_or(""),
                        i.case_number,
                        i.exhibit_number,
                        i.description,
                        i.status
                    );
                }
                println!("{} exhibits due for review on {on}", due.len());
            }
        }
        EvidenceCommand::Dispose {
            item,
            case,
            decision,
            until,
            order,
        } => {
            let until = until.as_deref().map(date).transpose()?;
            let (mut ledger, actor) = ctx.login()?;
            let (what, seqs) = match (item, case) {
                (Some(item), _) => {
                    let seq = ledger.evidence_dispose(
                        &actor,
                        &item,
                        decision,
                        &order.order(),
                        until,
                        &order.note,
                    )?;
                    (item, vec![seq])
                }
                (None, Some(case)) => {
                    let seqs = ledger.evidence_dispose_case(
                        &actor,
                        &case,
                        decision,
                        &order.order(),
                        until,
                        &order.note,
                    )?;
                    (format!("case {case} ({} exhibits)", seqs.len()), seqs)
                }
                (None, None) => bail!("name the exhibit, or --case CASE"),
            };
            let events: Vec<String> = seqs.iter().map(i64::to_string).collect();
            println!(
                "{what}: decision {} on order {} (events {})",
                decision.as_str(),
                order.order,
                events.join(", ")
            );
        }
        EvidenceCommand::Hold { item, order } => hold(ctx, &item, &order, true)?,
        EvidenceCommand::HoldLift { item, order } => hold(ctx, &item, &order, false)?,
        EvidenceCommand::Release {
            item,
            owner,
            id_type,
            id_number,
            witness,
            note,
            output,
            lang,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let w = match witness {
                Some(b) => Some(crate::cmd_workflows::witnesses(&mut ledger, &[b])?.remove(0)),
                None => None,
            };
            let seq = ledger.evidence_release(
                &actor,
                w.as_ref(),
                &item,
                &Owner {
                    name: owner.clone(),
                    id_document_type: id_type,
                    id_document_number: id_number,
                },
                &note,
            )?;
            println!("{item} RELEASED to {owner} (event {seq})");
            // The release is on the record whatever happens next; say how to get the receipt.
            let again = || {
                format!(
                    "the release is recorded (event {seq}), but its receipt was not written: \
                     issue it with custody report release-receipt {item} -o FILE"
                )
            };
            let doc = custody_issue::release_receipt(
                &mut ledger,
                &actor,
                &item,
                &IssueOptions::new(lang.language(), Format::Pdf),
            )
            .with_context(again)?;
            custody_core::files::write_atomically(&output, &doc.bytes).with_context(again)?;
            if let Some(seal) = &doc.seal {
                println!(
                    "Release receipt {} written to {} (logged as event {})\nSeal: {}",
                    doc.id,
                    output.display(),
                    seal.issued_seq,
                    seal.text
                );
            }
        }
        EvidenceCommand::ReviewDefault { category, days } => {
            let (mut ledger, admin) = ctx.login()?;
            let name = format!("review_days.{category}");
            let seq = ledger.set_setting(&admin, &name, &days.to_string())?;
            println!("{name} = {days} (event {seq})");
        }
        EvidenceCommand::ReleaseWitness { value } => {
            let (mut ledger, admin) = ctx.login()?;
            let seq =
                ledger.set_setting(&admin, custody_core::evidence::RELEASE_WITNESS, &value)?;
            println!("release_witness = {value} (event {seq})");
        }
        EvidenceCommand::Settings => {
            let ledger = ctx.open()?;
            for s in ledger.settings()? {
                println!("{} = {}", s.name, s.value);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
