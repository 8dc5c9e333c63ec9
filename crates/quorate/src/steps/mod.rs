//! What several commands share (commands never import each other): the
//! build steps of `build` and `demo`, the reproduction of `reproduce` and
//! `demo`, trust resolution, HTML reports.

pub mod explain;
pub mod html;
pub mod project;
pub mod release;
pub mod reproduce;
pub mod trust;
