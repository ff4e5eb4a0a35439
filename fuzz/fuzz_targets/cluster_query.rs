//! Fuzzes the cluster query language: parsing any text and evaluating what parses must not panic.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(expr) = cloudbook::ecs::query::parse(text) {
        let attributes: BTreeMap<String, String> =
            [("ecs.instance-type".to_string(), "t3.small".to_string())].into_iter().collect();
        let groups: BTreeMap<String, u32> = [("service:web".to_string(), 1)].into_iter().collect();
        let target = cloudbook::ecs::query::QueryTarget {
            instance_id: "i-1",
            attributes: &attributes,
            running_tasks_count: 1,
            task_groups: &groups,
            agent_connected: true,
        };
        let _ = expr.eval(&target);
    }
});
