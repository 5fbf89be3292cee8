//! `custody labels`: write Custody labels as PNG, SVG, PDF or ZPL, A4 sheets of labels, and
//! the command sheet. Layout and encoding live in custody-codes; this file only does I/O.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use custody_codes::render::{render_label_pdf, render_label_svg};
use custody_codes::{
    render_command_sheet_pdf, render_label_png, render_sheet_pdf, render_zpl, LabelCode, LabelSpec,
    SheetLayout,
};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: LabelsCommand,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum OutputFormat {
    Png,
    Svg,
    Pdf,
    Zpl,
}

#[derive(clap::Subcommand, Debug)]
enum LabelsCommand {
    /// Render one label.
    Render {
        /// The Custody code, e.g. W-00000-00001-W.
        #[arg(long)]
        code: String,
        /// The short description line (make and serial, shelf, name).
        #[arg(long, default_value = "")]
        text: String,
        #[arg(long, value_enum, default_value = "png")]
        format: OutputFormat,
        /// Resolution for PNG (default 300) and ZPL (default 203, the common Zebra head).
        #[arg(long)]
        dpi: Option<u32>,
        #[arg(long, default_value_t = 50.0)]
        width_mm: f32,
        #[arg(long, default_value_t = 25.0)]
        height_mm: f32,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Put many labels on A4 sheets (PDF).
    Sheet {
        /// One label per line: the code, then optionally a TAB and the description.
        #[arg(long)]
        codes_file: PathBuf,
        #[arg(long, default_value_t = 8)]
        rows: u32,
        #[arg(long, default_value_t = 3)]
        cols: u32,
        #[arg(long, default_value_t = 10.0)]
        margin_mm: f32,
        #[arg(long, default_value_t = 2.0)]
        gap_mm: f32,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print ledger labels on A4 sheets: given items, every location, or every person's badge.
    Print {
        /// Custody codes or serials of items to label
        items: Vec<String>,
        /// Labels for every registered location (shelf and rack labels)
        #[arg(long)]
        locations: bool,
        /// Badge labels for every person
        #[arg(long)]
        badges: bool,
        /// A lot label for an ammunition lot (id, lot number or label code; repeat)
        #[arg(long = "lot")]
        lots: Vec<String>,
        /// Package labels for a lot: LOT=COUNT labels (repeat); each scanned in a count
        /// counts one package of the lot
        #[arg(long = "packages")]
        packages: Vec<String>,
        #[arg(long, default_value_t = 8)]
        rows: u32,
        #[arg(long, default_value_t = 3)]
        cols: u32,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print the command sheet (done, cancel, undo last, next) as one A4 PDF.
    Commands {
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn write(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    custody_core::files::write_atomically(path, bytes)?;
    Ok(())
}

pub fn run(ctx: &crate::session::Context, args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        LabelsCommand::Render {
            code,
            text,
            format,
            dpi,
            width_mm,
            height_mm,
            output,
        } => {
            let code = LabelCode::parse(&code).with_context(|| format!("'{code}'"))?;
            let spec = LabelSpec::new(code, text).with_size(width_mm, height_mm);
            match format {
                OutputFormat::Png => write(&output, &render_label_png(&spec, dpi.unwrap_or(300))?)?,
                OutputFormat::Svg => write(&output, render_label_svg(&spec)?.as_bytes())?,
                OutputFormat::Pdf => write(&output, &render_label_pdf(&spec)?)?,
                OutputFormat::Zpl => {
                    write(&output, render_zpl(&spec, dpi.unwrap_or(203))?.as_bytes())?
                }
            }
        }
        LabelsCommand::Sheet {
            codes_file,
            rows,
            cols,
            margin_mm,
            gap_mm,
            output,
        } => {
            let text = std::fs::read_to_string(&codes_file)
                .with_context(|| format!("cannot read {}", codes_file.display()))?;
            let mut labels = Vec::new();
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let (code, description) = line.split_once('\t').unwrap_or((line, ""));
                let code = LabelCode::parse(code.trim()).with_context(|| {
                    format!("{} line {}: '{}'", codes_file.display(), n + 1, code.trim())
                })?;
                labels.push(LabelSpec::new(code, description.trim()));
            }
            let layout = SheetLayout {
                margin_mm,
                gap_mm,
                ..SheetLayout::a4(rows, cols)
            };
            write(&output, &render_sheet_pdf(&labels, &layout)?)?;
            eprintln!("{} labels written to {}", labels.len(), output.display());
        }
        LabelsCommand::Print {
            items,
            locations,
            badges,
            lots,
            packages,
            rows,
            cols,
            output,
        } => {
            let ledger = ctx.open()?;
            let mut labels: Vec<(String, String)> = Vec::new();
            for lot in &lots {
                let v = ledger.ammo_lot(lot)?;
                labels.push((v.label_code.clone(), lot_text(&v)));
            }
            for wanted in &packages {
                let (lot, count) = wanted
                    .rsplit_once('=')
                    .and_then(|(l, n)| Some((l, n.trim().parse::<usize>().ok()?)))
                    .filter(|(_, n)| (1..=10_000).contains(n))
                    .with_context(|| format!("'{wanted}': write LOT=COUNT, 1 to 10000 labels"))?;
                let v = ledger.ammo_lot(lot)?;
                // The maker's way of saying lot and count (GS1 AIs 10 and 30), readable.
                let text = format!(
                    "{} x{} {} (10){}(30){}",
                    lot_text(&v),
                    v.lot.units_per_package,
                    v.lot.unit,
                    v.lot.lot_number,
                    v.lot.units_per_package
                );
                labels.extend(std::iter::repeat_n((v.package_code.clone(), text), count));
            }
            for wanted in &items {
                let item = ledger.find_item(wanted)?;
                let text = item.label_text();
                labels.push((item.code, text));
            }
            if locations {
                labels.extend(ledger.locations()?.into_iter().map(|l| (l.code, l.name)));
            }
            if badges {
                labels.extend(
                    ledger
                        .persons()?
                        .into_iter()
                        .map(|p| (p.label_code, p.name)),
                );
            }
            if labels.is_empty() {
                anyhow::bail!(
                    "nothing to print: name items, or add --locations, --badges, --lot or --packages"
                );
            }
            let specs = labels
                .into_iter()
                .map(|(code, text)| {
                    let code =
                        LabelCode::parse(&code).with_context(|| format!("stored code '{code}'"))?;
                    Ok(LabelSpec::new(code, text))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            write(
                &output,
                &render_sheet_pdf(&specs, &SheetLayout::a4(rows, cols))?,
            )?;
            eprintln!("{} labels written to {}", specs.len(), output.display());
        }
        LabelsCommand::Commands { output } => write(&output, &render_command_sheet_pdf()?)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The description line of a lot's labels: lot number, calibre, type, hazard.
fn lot_text(v: &custody_core::ammo::LotView) -> String {
    [
        v.lot.lot_number.as_str(),
        v.lot.calibre.as_str(),
        v.lot.ammo_type.as_str(),
        v.lot.hazard.as_str(),
    ]
    .into_iter()
    .filter(|t| !t.is_empty())
    .collect::<Vec<_>>()
    .join(" ")
}
