//! The container lab both timing examples measure: one service of `tasks` tasks (256 CPU units,
//! 512 MiB each) on 30 m5.xlarge instances, ten in each of three zones, in a lab block of its own.

/// The lab block (TOML, without its fence) with a scenario cell `cluster` of `tasks` tasks.
pub fn block(tasks: u32) -> String {
    format!(
        r#"id = "timing"
title = "{tasks} tasks on thirty instances"
not_modelled = "Timing only."

[[cells]]
kind = "scenario"
id = "cluster"
scenario = '''
[[instance]]
name = "i"
type = "m5.xlarge"
az = "us-east-1a"
count = 10
[[instance]]
name = "j"
type = "m5.xlarge"
az = "us-east-1b"
count = 10
[[instance]]
name = "k"
type = "m5.xlarge"
az = "us-east-1c"
count = 10
[[task_definition]]
family = "web"
[[task_definition.container]]
name = "app"
image = "web:1"
cpu = 256
memory = 512
[[service]]
name = "web"
task_definition = "web"
desired_count = {tasks}
'''

[solution]
"#
    )
}
