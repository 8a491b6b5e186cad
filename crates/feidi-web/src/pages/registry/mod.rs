//! The registry's pages — list with filters, detail, create and edit forms — for every kind,
//! from one generic implementation and a description per kind. In three parts:
//!
//! - [`engine`]: the generic list/form engine every kind's pages are built from — the list with
//!   its filters and sorting, the detail page, the create and edit forms that keep what was typed
//!   and its errors, the names behind ids ([`Lookups`]), the form builder, and the helpers the
//!   other pages share (`refill`, `href_with`);
//! - [`kinds`]: what the pages show of each kind — jurisdictions, zones, enterprises, projects,
//!   stages and task forces: their columns, fields, filters and labels;
//! - [`land`]: what a parcel's page adds — its pipeline and the form for its next step;
//! - [`resettlement`]: what a household's page adds — its compensation and an admin's look at
//!   its ID number — and a dispute's mediation and resolution;
//! - [`project`]: what a project's page adds — its schedule of milestones and their timeline, its
//!   investment progress, its monthly reports, and the handlers that set milestones and submit
//!   and review reports.

mod engine;
mod kinds;
mod land;
mod project;
mod resettlement;

use axum::Router;
use axum::routing::post;

use crate::AppState;
use engine::pages;
use feidi_app::kinds::{
    Disputes, Enterprises, Households, Jurisdictions, Parcels, Projects, Stages, TaskForces, Zones,
};
use project::{review_report_form, set_milestone, submit_report_form};

pub(super) use engine::{Cell, FormBuilder, FormPage, Header, ListPage, Lookups, Opt, href_with, refill};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/milestones/{kind}", post(set_milestone))
        .route("/projects/{id}/reports", post(submit_report_form))
        .route(
            "/projects/{id}/reports/{month}/{action}",
            post(review_report_form),
        )
        .merge(pages::<Projects>())
        .merge(pages::<Enterprises>())
        .merge(pages::<Zones>())
        .merge(pages::<Jurisdictions>())
        .merge(pages::<Stages>())
        .merge(pages::<TaskForces>())
        .route("/parcels/{id}/steps", post(land::record_step))
        .route("/parcels/{id}/split", post(land::split_form))
        .route("/parcels/{id}/merge", post(land::merge_form))
        .merge(pages::<Parcels>())
        .route(
            "/households/{id}/compensations",
            post(resettlement::add_compensation),
        )
        .route(
            "/households/{id}/compensations/{cid}/pay",
            post(resettlement::pay_compensation),
        )
        .route("/households/{id}/id-number", post(resettlement::reveal_id_number))
        .merge(pages::<Households>())
        .route("/disputes/{id}/{action}", post(resettlement::dispute_action))
        .merge(pages::<Disputes>())
}
