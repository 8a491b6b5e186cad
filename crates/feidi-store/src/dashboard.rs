//! The portfolio's totals, read from the aggregates kept with every project write.

use feidi_core::Money;
use feidi_core::model::Category;
use serde::Serialize;

use crate::value::Cols;
use crate::{Store, StoreError, StoreResult};

/// One category's share of the portfolio.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CategoryTotals {
    pub category: Category,
    pub project_count: i64,
    pub total_investment: Money,
}

/// The portfolio as of now.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PortfolioTotals {
    pub project_count: i64,
    pub total_investment: Money,
    pub by_category: Vec<CategoryTotals>,
}

impl Store {
    /// The portfolio's totals: three rows read, however many projects there are.
    pub async fn portfolio_totals(&self) -> StoreResult<PortfolioTotals> {
        let rows = sqlx::query("SELECT category, project_count, total_investment FROM portfolio_totals")
            .fetch_all(&self.read)
            .await?;
        let mut by_category = Vec::new();
        for row in &rows {
            let c = Cols::Row(row);
            let code = c.text("category")?;
            let category =
                Category::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("category {code}")))?;
            by_category.push(CategoryTotals {
                category,
                project_count: c.int("project_count")?,
                total_investment: Money::from_hundredths(c.int("total_investment")?),
            });
        }
        by_category.sort_by_key(|c| Category::ALL.iter().position(|k| *k == c.category));
        Ok(PortfolioTotals {
            project_count: by_category.iter().map(|c| c.project_count).sum(),
            total_investment: by_category.iter().map(|c| c.total_investment).sum(),
            by_category,
        })
    }
}
