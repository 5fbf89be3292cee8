//! `custody-registry`: the server and its administration commands.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use custody_registry::auth::{add_user, create_token, Role};
use custody_registry::db::{connect, migrate, schema_version, Pool, MIGRATIONS};
use custody_registry::ingest::{enroll, ingest, Registry, DEFAULT_MAX_SEGMENT_BYTES};
use custody_registry::{api, keys, projection};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "custody-registry",
    version,
    about = "Custody Registry: every site's ledger on one national view, on PostgreSQL"
)]
struct Cli {
    /// PostgreSQL URL, e.g. postgresql://registry@localhost/registry or
    /// postgresql:///registry?host=/run/postgresql
    #[arg(long, global = true, env = "DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,
    /// The registry's private key file (created with mode 0600 on first use)
    #[arg(
        long,
        global = true,
        env = "CUSTODY_REGISTRY_KEY_FILE",
        value_name = "FILE"
    )]
    key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create or upgrade the database schema (versioned migrations)
    Migrate,
    /// Run the HTTP server
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Largest segment accepted, in bytes
        #[arg(long, default_value_t = DEFAULT_MAX_SEGMENT_BYTES)]
        max_segment_bytes: usize,
    },
    /// The registry's public key
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Enrol sites
    #[command(subcommand)]
    Site(SiteCommand),
    /// Store a segment brought on a file and write the cosignature for the site
    Import {
        file: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Drop the national projections and rebuild them from the stored events
    Rebuild,
    /// Registry users (people): Argon2id passwords, roles inspector or administrator
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for machines
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand, Debug)]
enum KeysCommand {
    /// Write the public key file that sites give to `custody verify --registry-key`
    Export {
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum SiteCommand {
    /// Enrol a site from the public key file `custody keys export` wrote
    Enroll {
        #[arg(long)]
        name: String,
        #[arg(long)]
        key_file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a user or reset their password (from CUSTODY_REGISTRY_PASSWORD)
    Add {
        name: String,
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Create an API token and print it (only its digest is stored)
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "inspector")]
        role: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn database_url(cli: &Cli) -> Result<String> {
    cli.database_url
        .clone()
        .context("no database: give --database-url URL or set DATABASE_URL")
}

async fn current_schema(url: &str) -> Result<tokio_postgres::Client> {
    let client = connect(url).await?;
    let version = schema_version(&client).await?;
    let latest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if version < latest {
        anyhow::bail!(
            "the database schema is at version {version}, this registry needs {latest}: run `custody-registry migrate`"
        );
    }
    Ok(client)
}

async fn run(cli: Cli) -> Result<()> {
    let key_path = cli.key_file.clone().unwrap_or_else(keys::default_key_path);
    match &cli.command {
        Command::Migrate => {
            let mut client = connect(&database_url(&cli)?).await?;
            let applied = migrate(&mut client).await?;
            if applied.is_empty() {
                println!(
                    "schema is current (version {})",
                    schema_version(&client).await?
                );
            } else {
                println!("applied migrations {applied:?}");
            }
        }
        Command::Serve {
            listen,
            max_segment_bytes,
        } => {
            let url = database_url(&cli)?;
            drop(current_schema(&url).await?);
            let key = keys::load_or_create(&key_path)?;
            let reg = Registry {
                pool: Pool::new(&url, 32),
                key: Arc::new(key),
                max_segment_bytes: *max_segment_bytes,
            };
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            println!(
                "custody-registry listening on http://{}",
                listener.local_addr()?
            );
            api::serve(reg, listener, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
        Command::Keys(KeysCommand::Export { output }) => {
            let key = keys::load_or_create(&key_path)?;
            let text = custody_core::sync::registry_key_file(&key.verifying_key());
            custody_core::files::write_atomically(output, text.as_bytes())?;
            println!(
                "registry public key written to {} (private key: {})",
                output.display(),
                key_path.display()
            );
        }
        Command::Site(SiteCommand::Enroll { name, key_file }) => {
            let client = current_schema(&database_url(&cli)?).await?;
            let text = std::fs::read_to_string(key_file)
                .with_context(|| format!("cannot read {}", key_file.display()))?;
            let (site_id, kid) = enroll(&client, name, &text).await?;
            println!("enrolled site {site_id} ({name}), key {kid}");
        }
        Command::Import { file, output } => {
            let url = database_url(&cli)?;
            drop(current_schema(&url).await?);
            let key = keys::load_or_create(&key_path)?;
            let reg = Registry {
                pool: Pool::new(&url, 1),
                key: Arc::new(key),
                max_segment_bytes: DEFAULT_MAX_SEGMENT_BYTES,
            };
            // A segment from a stick: refused before reading when larger than one may be.
            let bytes = custody_core::files::read_limited(file, DEFAULT_MAX_SEGMENT_BYTES as u64)?;
            let cosignature = ingest(&reg, &bytes).await?;
            let answer = serde_json::to_string_pretty(&cosignature)? + "\n";
            custody_core::files::write_atomically(output, answer.as_bytes())?;
            println!(
                "stored; checkpoint {} of site {} cosigned, answer written to {}",
                cosignature.size,
                cosignature.site_id,
                output.display()
            );
        }
        Command::Rebuild => {
            let mut client = current_schema(&database_url(&cli)?).await?;
            let before = projection::digests(&client).await?;
            let events = projection::rebuild(&mut client).await?;
            let after = projection::digests(&client).await?;
            for ((table, a), (_, b)) in before.iter().zip(after.iter()) {
                let note = if a == b { "unchanged" } else { "CHANGED" };
                println!("{table:<20} {b}  {note}");
            }
            println!("replayed {events} events");
        }
        Command::User(UserCommand::Add { name, role }) => {
            let client = current_schema(&database_url(&cli)?).await?;
            let password = std::env::var("CUSTODY_REGISTRY_PASSWORD")
                .context("set the password in CUSTODY_REGISTRY_PASSWORD")?;
            add_user(&client, name, &password, Role::parse(role)?).await?;
            println!("user {name} ({role}) saved");
        }
        Command::Token(TokenCommand::Create { name, role }) => {
            let client = current_schema(&database_url(&cli)?).await?;
            let token = create_token(&client, name, Role::parse(role)?).await?;
            println!("{token}");
        }
    }
    Ok(())
}
