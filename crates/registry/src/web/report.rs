//! The yearly destruction report (the breakdown of SEESAC's regional figures: destroyed
//! weapons by country of manufacture and type, and by site), read from the kept aggregate
//! `agg_destroyed`; as CSV, and as a PDF sealed with the registry's key through custody-docs.

use crate::error::{RegistryError, Result};
use crate::ingest::Registry;
use custody_docs::{
    CheckpointRef, CountryTotal, ItemLine, NationalDestructionReport, RenderOptions, Seal,
    SiteTotal,
};
use sha2::{Digest, Sha256};

pub struct YearFigures {
    pub year: i32,
    pub by_country: Vec<CountryTotal>,
    pub by_site: Vec<SiteTotal>,
    pub total: i64,
}

/// Years with any destruction, newest first.
pub async fn years(reg: &Registry) -> Result<Vec<i32>> {
    let conn = reg.pool.get().await?;
    Ok(conn
        .query(
            "SELECT DISTINCT year FROM agg_destroyed ORDER BY year DESC",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

pub async fn figures(reg: &Registry, year: i32) -> Result<YearFigures> {
    let conn = reg.pool.get().await?;
    let by_country: Vec<CountryTotal> = conn
        .query(
            "SELECT country, weapon_type, sum(destroyed)::bigint FROM agg_destroyed WHERE year = $1
             GROUP BY 1, 2 ORDER BY 1, 2",
            &[&year],
        )
        .await?
        .iter()
        .map(|r| CountryTotal {
            country: r.get(0),
            item_type: r.get(1),
            destroyed: r.get::<_, i64>(2).max(0) as u64,
        })
        .collect();
    let by_site: Vec<SiteTotal> = conn
        .query(
            "SELECT s.name, a.site_id, sum(a.destroyed)::bigint FROM agg_destroyed a
             JOIN sites s ON s.site_id = a.site_id WHERE a.year = $1
             GROUP BY 1, 2 ORDER BY 1, 2",
            &[&year],
        )
        .await?
        .iter()
        .map(|r| SiteTotal {
            site_name: r.get(0),
            site_id: r.get(1),
            destroyed: r.get::<_, i64>(2).max(0) as u64,
        })
        .collect();
    let total = by_country.iter().map(|c| c.destroyed as i64).sum();
    Ok(YearFigures {
        year,
        by_country,
        by_site,
        total,
    })
}

/// One line per country, type and site; cells a spreadsheet would run are defused.
pub async fn csv(reg: &Registry, year: i32) -> Result<String> {
    let conn = reg.pool.get().await?;
    let rows = conn
        .query(
            "SELECT a.year, a.country, a.weapon_type, a.site_id, s.name, a.destroyed
             FROM agg_destroyed a JOIN sites s ON s.site_id = a.site_id WHERE a.year = $1
             ORDER BY a.country, a.weapon_type, s.name, a.site_id",
            &[&year],
        )
        .await?;
    let mut out = String::from("year,country,weapon_type,site_id,site_name,destroyed\r\n");
    for r in rows {
        let cells = [
            r.get::<_, i32>(0).to_string(),
            r.get(1),
            r.get(2),
            r.get(3),
            r.get(4),
            r.get::<_, i64>(5).to_string(),
        ];
        let line: Vec<String> = cells.iter().map(|c| quote(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

fn quote(cell: &str) -> String {
    let safe = custody_docs::export::spreadsheet_safe(cell);
    if safe.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe.into_owned()
    }
}

/// What the registry holds when the report is issued: the number of events it holds and the
/// SHA-256 of every site's head (`site_id TAB seq TAB head hex LF`, by site id). Anyone with
/// the registry's site heads can recompute it.
pub async fn registry_checkpoint(reg: &Registry) -> Result<CheckpointRef> {
    let conn = reg.pool.get().await?;
    let rows = conn
        .query(
            "SELECT site_id, head_seq, encode(head_hash, 'hex') FROM sites ORDER BY site_id",
            &[],
        )
        .await?;
    let mut h = Sha256::new();
    let mut seq = 0u64;
    for r in rows {
        let site: String = r.get(0);
        let head_seq: i64 = r.get(1);
        let head: String = r.get(2);
        seq += head_seq.max(0) as u64;
        h.update(format!("{site}\t{head_seq}\t{head}\n").as_bytes());
    }
    Ok(CheckpointRef {
        seq,
        head_hash: h.finalize().into(),
    })
}

/// The sealed PDF. Its sealed list names every destroyed item of the year (one indexed
/// read of the year's destroyed items, for a download, never for a page).
pub async fn pdf(reg: &Registry, year: i32, lang: custody_docs::Language) -> Result<Vec<u8>> {
    let f = figures(reg, year).await?;
    let checkpoint = registry_checkpoint(reg).await?;
    let conn = reg.pool.get().await?;
    let items: Vec<ItemLine> = conn
        .query(
            "SELECT code, weapon_type, maker, model, serial FROM items
             WHERE status = 'destroyed'
               AND status_time >= make_timestamptz($1, 1, 1, 0, 0, 0, 'UTC')
               AND status_time < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, 'UTC')
             ORDER BY code, serial",
            &[&year],
        )
        .await?
        .iter()
        .map(|r| ItemLine {
            custody_code: r.get(0),
            item_type: r.get(1),
            make: r.get(2),
            model: r.get(3),
            calibre: String::new(),
            serial: r.get(4),
        })
        .collect();
    let today = chrono::Utc::now().date_naive();
    let key_id = custody_docs::KeyId::of(&reg.key.verifying_key());
    let report = NationalDestructionReport {
        report_id: format!("NR-{year}-{}", today.format("%Y%m%d")),
        registry_name: format!("Custody Registry {key_id}"),
        year,
        issued_on: today,
        by_country: f.by_country,
        by_site: f.by_site,
        items,
        checkpoint,
    };
    let fields = report
        .seal_fields()
        .map_err(|e| RegistryError::Internal(format!("report seal: {e}")))?;
    let seal = Seal::sign(fields, &reg.key)
        .map_err(|e| RegistryError::Internal(format!("report seal: {e}")))?;
    let bytes =
        tokio::task::spawn_blocking(move || report.to_pdf(&seal, &RenderOptions::new(lang)))
            .await
            .map_err(|e| RegistryError::Internal(e.to_string()))?
            .map_err(|e| RegistryError::Internal(format!("report PDF: {e}")))?;
    Ok(bytes)
}
