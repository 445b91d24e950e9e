//! The pace a client learned, kept between runs: a short run starts at the server's pace
//! instead of spending its first seconds learning it again.

use usercom_core::Client;

use crate::error::Error;
use crate::store::{now_ms, on_db};
use crate::Store;

impl Store {
    /// Starts `client` at the pace kept for its server, unless it has learned one itself.
    pub(crate) async fn resume_pace(&self, client: &Client) -> Result<(), Error> {
        if client.throttle_stats().learned_rate.is_some() {
            return Ok(());
        }
        let failed = self.failed("reading the pace kept");
        let sql = "SELECT rate FROM usercom_sync_pace WHERE server = $1";
        let server = client.base_url();
        let kept: Option<(f64,)> = on_db!(self.db(), pool => {
            sqlx::query_as(sql).bind(server).fetch_optional(pool).await.map_err(&failed)?
        });
        if let Some((rate,)) = kept {
            client.resume_learned_rate(rate);
        }
        Ok(())
    }

    /// Keeps the pace `client` paces at now, if it learned one, for the next run.
    pub(crate) async fn keep_pace(&self, client: &Client) -> Result<(), Error> {
        let Some(rate) = client.throttle_stats().learned_rate else {
            return Ok(());
        };
        let failed = self.failed("keeping the pace learned");
        let server = client.base_url();
        on_db!(self.db(), pool => {
            sqlx::query(
                "INSERT INTO usercom_sync_pace (server, rate, learned_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (server) DO UPDATE SET rate = excluded.rate, \
                 learned_at = excluded.learned_at",
            )
            .bind(server)
            .bind(rate)
            .bind(now_ms())
            .execute(pool)
            .await
            .map_err(&failed)?;
        });
        Ok(())
    }
}
