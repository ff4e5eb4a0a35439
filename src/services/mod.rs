//! The "no-server" services, as lighter models on the same engine: AWS Batch ([`batch`]), App Runner
//! ([`apprunner`]), Elastic Beanstalk deployment policies ([`beanstalk`]) and Lightsail prices
//! ([`lightsail`]). Outposts is prose only in the book: there is nothing to simulate.

pub mod apprunner;
pub mod batch;
pub mod beanstalk;
pub mod lightsail;
