//! The "no-server" services, as lighter models on the same engine: AWS Batch ([`batch`]), App Runner
//! ([`apprunner`]), Elastic Beanstalk deployment policies ([`beanstalk`]) and Lightsail prices
//! ([`lightsail`]). Outposts is prose only in the book: there is nothing to simulate.

// `pub` only where the fuzz targets need it; the rest is crate-visible so that the compiler
// reports what nothing uses.
// Public for the playground: the App Runner service cell (#11) draws its scaling.
pub mod apprunner;
pub mod batch;
pub(crate) mod beanstalk;
pub(crate) mod lightsail;
