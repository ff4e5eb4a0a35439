//! Strings written in place, gettext style: a component writes its English as `tx("Zone")` or
//! `txf("Pending ({})", &[&n])`, and on a Korean page (`<html lang="ko">`, see
//! [`super::use_page_language`]) the English is looked up in the table below. The container lab's
//! cells, the charts and the Lambda run's start reason use it; the quiz widgets and the Lambda
//! notebook's controls use the `Msg` table of `i18n.rs`.
//!
//! In a template, `{}` takes the next argument; a Korean template may also write `{0}`, `{1}`…
//! to put the arguments in Korean word order. An English string without a Korean entry shows in
//! English; a native test reads the components' sources and requires an entry, with the same
//! arguments, for every string they pass here.

use std::fmt::Display;

/// `en`, or its Korean on a Korean page.
pub fn tx(en: &'static str) -> &'static str {
    if super::korean() {
        korean(en).unwrap_or(en)
    } else {
        en
    }
}

/// `en` (or its Korean on a Korean page) with its `{}` filled by `args`, in order.
pub fn txf(en: &'static str, args: &[&dyn Display]) -> String {
    fill(tx(en), args)
}

/// The Korean of `en`, if the table has it.
pub fn korean(en: &str) -> Option<&'static str> {
    KO.iter().find(|(e, _)| *e == en).map(|(_, k)| *k)
}

/// `template` with `{}` replaced by the next argument and `{N}` by argument `N`; a placeholder
/// without its argument is left as written.
pub fn fill(template: &str, args: &[&dyn Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .filter(|&c| after[..c].bytes().all(|b| b.is_ascii_digit()));
        match close {
            Some(c) => {
                let index = if c == 0 {
                    next += 1;
                    next - 1
                } else {
                    after[..c].parse().unwrap_or(usize::MAX)
                };
                match args.get(index) {
                    Some(a) => out.push_str(&a.to_string()),
                    None => out.push_str(&rest[open..open + c + 2]),
                }
                rest = &after[c + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// English → Korean. Terms follow po/TERMINOLOGY.md; ECS's own words (RUNNING, task definition
/// families, failure messages) and API values stay in English, as the AWS console shows them.
const KO: &[(&str, &str)] = &[
    // Cells: labels and Run buttons.
    ("ECS scenario", "ECS 시나리오"),
    ("Run scenario", "시나리오 실행"),
    ("Rolling deployment", "롤링 배포"),
    ("Deploy", "배포"),
    ("Images", "이미지"),
    ("Build, push and pull", "빌드, 푸시, 풀"),
    ("Container storage", "컨테이너 스토리지"),
    ("Run the steps", "단계 실행"),
    ("Start-up", "시작 시간"),
    ("Start them", "시작하기"),
    ("Fargate task size", "Fargate 작업 크기"),
    ("Price it", "요금 계산"),
    ("AWS Batch", "AWS Batch"),
    ("Submit the jobs", "작업 제출"),
    ("Elastic Beanstalk", "Elastic Beanstalk"),
    ("App Runner", "App Runner"),
    ("Send the load", "부하 보내기"),
    ("Lightsail", "Lightsail"),
    ("Outposts", "Outposts"),
    ("Draw it", "그리기"),
    ("Cell", "셀"),
    ("Run", "실행"),
    // Forms.
    (
        "Service {} of the scenario cell \"{}\".",
        "시나리오 셀 \"{1}\"의 서비스 {0}입니다.",
    ),
    ("Task definition to deploy", "배포할 작업 정의"),
    (
        "Minimum healthy percent (empty: the service's)",
        "최소 정상 상태 백분율(비워 두면 서비스의 값)",
    ),
    (
        "Maximum percent (empty: the service's)",
        "최대 백분율(비워 두면 서비스의 값)",
    ),
    ("Update at", "업데이트 시각"),
    ("Watch for", "관찰 시간"),
    ("Build of {}", "{} 빌드"),
    ("Repository tag mutability", "리포지토리 태그 변경 가능성"),
    (
        "Workloads (container, container-pull, fargate, vm)",
        "워크로드(container, container-pull, fargate, vm)",
    ),
    ("Image size (MB)", "이미지 크기(MB)"),
    ("Pull rate (MB/s)", "풀 속도(MB/s)"),
    ("VM: middleware start", "VM: 미들웨어 시작"),
    ("VM: application start", "VM: 애플리케이션 시작"),
    ("CPU units", "CPU 단위"),
    ("Memory (MiB)", "메모리(MiB)"),
    ("Operating system", "운영 체제"),
    ("Architecture", "아키텍처"),
    ("Platform version", "플랫폼 버전"),
    ("Ephemeral storage (GiB)", "임시 스토리지(GiB)"),
    ("Hours a month", "월 사용 시간"),
    ("Deployment policy", "배포 정책"),
    ("Instances", "인스턴스"),
    (
        "Batch size (a number or a percentage)",
        "배치 크기(개수 또는 백분율)",
    ),
    (
        "The new version passes its health checks",
        "새 버전이 상태 확인을 통과함",
    ),
    ("Deploy time", "배포 시간"),
    ("Instance launch time", "인스턴스 시작 시간"),
    ("Health check time", "상태 확인 시간"),
    ("Traffic to the new version (%)", "새 버전으로 보내는 트래픽(%)"),
    ("Evaluation time", "평가 시간"),
    ("vCPU", "vCPU"),
    ("Memory (GB)", "메모리(GB)"),
    ("Max concurrency per instance", "인스턴스당 최대 동시성"),
    ("Minimum instances", "최소 인스턴스 수"),
    ("Maximum instances", "최대 인스턴스 수"),
    (
        "Load: one line per change, time and requests in flight (1h 250)",
        "부하: 변화마다 한 줄, 시각과 처리 중인 요청 수(1h 250)",
    ),
    ("Run for", "실행 시간"),
    ("Bundle", "번들"),
    ("Data out (GB a month)", "데이터 송신(월 GB)"),
    ("Region", "리전"),
    ("Availability zone", "가용 영역"),
    ("Racks", "랙 수"),
    ("Scenario file (TOML)", "시나리오 파일(TOML)"),
    ("Container host file (TOML)", "컨테이너 호스트 파일(TOML)"),
    ("Batch file (TOML)", "Batch 파일(TOML)"),
    ("Common edits", "자주 하는 수정"),
    // Scenario and deployment output.
    (
        "Tasks RUNNING during the deployment: between {} and {} (minimum healthy {}%, maximum {}%).",
        "배포 중 RUNNING 작업 수: {}~{}개(최소 정상 상태 {}%, 최대 {}%).",
    ),
    (
        "The file has errors; nothing ran.",
        "파일에 오류가 있어 아무것도 실행하지 않았습니다.",
    ),
    ("Service events ({})", "서비스 이벤트({}개)"),
    (
        "Trace (as cloudbook sim ecs prints it)",
        "트레이스(cloudbook sim ecs가 출력하는 그대로)",
    ),
    ("Decision {} of {}", "결정 {1}개 중 {0}번째"),
    ("After all {} decisions", "결정 {}개를 모두 마친 뒤"),
    ("Placement step-through", "배치 단계별 보기"),
    ("|◀ First", "|◀ 처음"),
    ("◀ Back", "◀ 이전"),
    ("Step ▶", "다음 ▶"),
    ("Play", "재생"),
    ("Pause", "일시 정지"),
    ("Last ▶|", "끝 ▶|"),
    ("Speed", "속도"),
    ("{} a second", "초당 {}개"),
    ("Timeline", "타임라인"),
    (
        "The cluster after all {} placement decisions.",
        "배치 결정 {}개를 모두 마친 뒤의 클러스터입니다.",
    ),
    ("service {}, ", "서비스 {}, "),
    (", ports {}", ", 포트 {}"),
    (
        "Decision {} at {}: task {} ({}{}), {}, {} CPU units, {} MiB{}",
        "결정 {0}({1}): 작업 {2}({3}{4}), {5}, {6} CPU 단위, {7}MiB{8}",
    ),
    (
        "Filter: which instances can hold the task",
        "필터: 작업을 받을 수 있는 인스턴스",
    ),
    ("Instance", "인스턴스"),
    ("Zone", "영역"),
    ("Verdict", "판정"),
    ("Constraint {}: {}", "제약 조건 {}: {}"),
    ("removes none", "제외된 인스턴스 없음"),
    ("removes {}", "{} 제외"),
    ("Strategy {}: ", "전략 {}: "),
    ("; keeps {}", "; 남은 인스턴스 {}"),
    ("Placed on {}.", "{}에 배치했습니다."),
    (
        "Placed on Fargate capacity (no instance to choose).",
        "Fargate 용량에 배치했습니다(고를 인스턴스가 없음).",
    ),
    ("{} CPU units, {} MiB, {}", "{} CPU 단위, {}MiB, {}"),
    ("The cluster at {}", "{} 시점의 클러스터"),
    ("units", "단위"),
    ("Memory", "메모리"),
    ("Fargate", "Fargate"),
    (
        "{} {} · {} CPU units, {} MiB · {}",
        "{} {} · {} CPU 단위, {}MiB · {}",
    ),
    ("Pending ({})", "대기 중({}개)"),
    ("{} (service {})", "{} (서비스 {})"),
    ("{} ({}, service {})", "{} ({}, 서비스 {})"),
    ("The cluster as a table", "표로 보는 클러스터"),
    ("Type", "유형"),
    ("CPU used", "사용 중인 CPU"),
    ("Memory used", "사용 중인 메모리"),
    ("Tasks", "작업"),
    ("{} of {}", "{} / {}"),
    ("{} of {} MiB", "{} / {}MiB"),
    ("Services at the end", "마지막 시점의 서비스"),
    ("Service", "서비스"),
    ("Task definition", "작업 정의"),
    ("Desired", "원하는 수"),
    ("Running", "실행 중"),
    ("Pending", "대기 중"),
    (" (cheaper)", " (더 저렴함)"),
    ("Cost for {} hours", "{}시간 비용"),
    ("EBS {} GB: {}", "EBS {}GB: {}"),
    ("{} vCPU-hours: {}", "{} vCPU-시간: {}"),
    ("{} GB-hours: {}", "{} GB-시간: {}"),
    (
        "{} GB-hours of storage over 20 GB: {}",
        "20GB를 넘는 스토리지 {} GB-시간: {}",
    ),
    (
        "The same tasks for {} hours a month.",
        "같은 작업을 한 달에 {}시간 실행할 때입니다.",
    ),
    // Images.
    ("Reference", "참조"),
    ("Result", "결과"),
    ("Bytes moved", "전송한 바이트"),
    ("Layers sent", "보낸 레이어"),
    ("Layers skipped (already there)", "건너뛴 레이어(이미 있음)"),
    ("Digest", "다이제스트"),
    ("✔ done", "✔ 완료"),
    ("Build {} → {}", "빌드 {} → {}"),
    ("Layers, bottom first", "레이어(아래부터)"),
    ("Instruction", "명령"),
    ("Layer", "레이어"),
    ("Size", "크기"),
    ("Cache", "캐시"),
    ("= cached", "= 캐시됨"),
    ("+ built", "+ 빌드함"),
    ("Pushes to the registry", "레지스트리로 푸시"),
    ("Pulls onto a fresh host", "새 호스트로 풀"),
    ("Registry tags", "레지스트리 태그"),
    ("Tag", "태그"),
    (
        "docker save {}: {} archive; loaded on a fresh host: {}",
        "docker save {}: {} 아카이브, 새 호스트에 로드함: {}",
    ),
    // Storage.
    ("Reads", "읽기"),
    ("Container", "컨테이너"),
    ("Path", "경로"),
    ("Content", "내용"),
    ("(no such file)", "(파일 없음)"),
    (
        "Where each file lives at the end",
        "마지막 시점에 각 파일이 있는 곳",
    ),
    ("Writable layer of container", "쓰기 가능한 레이어, 컨테이너"),
    ("Volume", "볼륨"),
    ("Host (bind mounts): ", "호스트(바인드 마운트): "),
    ("nothing", "없음"),
    // Start-up.
    ("The phases as a table", "표로 보는 단계"),
    ("Workload", "워크로드"),
    ("Phase", "단계"),
    ("Starts at (ms)", "시작 시각(ms)"),
    ("Takes (ms)", "걸린 시간(ms)"),
    ("{} ({} ms)", "{}({}ms)"),
    // Fargate.
    (
        "{} CPU units, {} MiB, {} {}, platform {}: {} an hour, {} a month",
        "{} CPU 단위, {}MiB, {} {}, 플랫폼 {}: 시간당 {}, 월 {}",
    ),
    (
        "Memory sizes valid with {} CPU units on {}: {} MiB",
        "{1}에서 {0} CPU 단위와 함께 쓸 수 있는 메모리 크기: {2}MiB",
    ),
    ("vCPU: {} an hour", "vCPU: 시간당 {}"),
    ("memory: {} an hour", "메모리: 시간당 {}"),
    (
        "storage over 20 GiB: {} an hour",
        "20GiB를 넘는 스토리지: 시간당 {}",
    ),
    // Batch.
    ("{} ({}) after {}", "{}({}), 선행 작업 {}"),
    ("Jobs and what they wait for", "작업과 각 작업이 기다리는 작업"),
    ("Jobs", "작업"),
    ("Job", "작업"),
    ("Status", "상태"),
    ("Attempts", "시도 횟수"),
    ("Waits for", "기다리는 작업"),
    ("Started", "시작"),
    ("Stopped", "중지"),
    ("Reason", "이유"),
    ("Trace", "트레이스"),
    // Beanstalk and App Runner.
    ("took {}", "소요 시간 {}"),
    ("capacity {}% to {}%", "용량 {}%~{}%"),
    ("worst errors {}%", "최대 오류율 {}%"),
    ("served two versions at once", "두 버전을 동시에 서비스함"),
    (
        "never served two versions at once",
        "두 버전을 동시에 서비스한 적 없음",
    ),
    (
        "AWS App Runner has been closed to new customers since 30 April 2026; existing customers keep using it, and AWS points new ones to Amazon ECS.",
        "AWS App Runner는 2026년 4월 30일부터 신규 고객을 받지 않습니다. 기존 고객은 계속 사용할 수 있으며, AWS는 신규 고객에게 Amazon ECS를 안내합니다.",
    ),
    ("active instance-hours: {}", "활성 인스턴스-시간: {}"),
    ("provisioned instance-hours: {}", "프로비저닝된 인스턴스-시간: {}"),
    ("bill for {} h: {}", "{}시간 요금: {}"),
    ("a 730-hour month: {}", "730시간(한 달): {}"),
    ("requests rejected: {}", "거부된 요청: {}"),
    // Lightsail and Outposts.
    ("Bundles", "번들"),
    ("A month", "월 요금"),
    ("vCPUs", "vCPU"),
    ("RAM (GB)", "RAM(GB)"),
    ("SSD (GB)", "SSD(GB)"),
    ("Transfer (TB)", "전송량(TB)"),
    (" ◀ chosen", " ◀ 선택함"),
    (
        "transfer allowance {} GB, over it {} GB: {}",
        "전송 허용량 {}GB, 초과분 {}GB: {}",
    ),
    ("total {}", "합계 {}"),
    (
        "Region {} with zones {}; {} rack(s) anchored to {}",
        "리전 {0}, 가용 영역 {1}; {3}에 연결된 랙 {2}개",
    ),
    ("Region {}", "리전 {}"),
    (
        "⚓ {} Outposts rack(s) on premises, linked here",
        "⚓ 온프레미스의 Outposts 랙 {}개가 여기에 연결됨",
    ),
    // Charts.
    ("{} peaks at {} ({} {})", "{} 최고 {}({} {})"),
    ("per {} s", "{}초당"),
    ("simulated seconds", "시뮬레이션 시간(초)"),
    ("Invocations, errors and throttles", "호출, 오류, 스로틀"),
    ("invocations", "호출"),
    ("errors", "오류"),
    ("throttles", "스로틀"),
    ("Duration", "기간"),
    ("Concurrent executions", "동시 실행"),
    ("most at once", "동시에 가장 많을 때"),
    ("concurrency", "동시성"),
    ("Cold starts", "콜드 스타트"),
    ("cold starts", "콜드 스타트"),
    ("cheapest {} MB", "최저 비용 {}MB"),
    ("fastest {} MB", "최고 속도 {}MB"),
    ("memory (MB)", "메모리(MB)"),
    ("Duration against memory", "메모리별 기간"),
    ("average duration", "평균 기간"),
    ("Cost against memory", "메모리별 비용"),
    ("USD per million", "100만 건당 USD"),
    ("cost per million invocations", "호출 100만 건당 비용"),
    ("{} running", "{} 실행 중"),
    ("all revisions", "모든 개정"),
    ("minimum healthy ({}%)", "최소 정상 상태({}%)"),
    ("maximum ({}%)", "최대({}%)"),
    ("Tasks running during the deployment", "배포 중 실행 중인 작업"),
    ("tasks", "작업"),
    ("Instances by version", "버전별 인스턴스"),
    ("instances", "인스턴스"),
    ("old version", "이전 버전"),
    ("new version", "새 버전"),
    ("out of service", "서비스 중단"),
    (
        "Capacity, errors and new-version traffic",
        "용량, 오류, 새 버전 트래픽",
    ),
    ("capacity", "용량"),
    ("traffic to the new version", "새 버전으로 가는 트래픽"),
    ("Requests in", "들어오는 요청"),
    ("requests in flight", "처리 중인 요청"),
    ("rejected", "거부됨"),
    ("Instances out", "인스턴스"),
    ("active", "활성"),
    ("provisioned", "프로비저닝됨"),
    // The Lambda run's start badge: why it was cold or warm.
    (
        "cold: first request, no environment exists yet",
        "콜드: 첫 요청이라 실행 환경이 아직 없음",
    ),
    (
        "cold: first request to version {}",
        "콜드: 버전 {}에 대한 첫 요청",
    ),
    (
        "cold: no idle environment ({} busy)",
        "콜드: 유휴 실행 환경 없음({}개 사용 중)",
    ),
    (
        "cold: no idle environment (the earlier ones were reclaimed or reset)",
        "콜드: 유휴 실행 환경 없음(이전 환경은 회수되었거나 재설정됨)",
    ),
    (
        "warm: environment {} idle since {}",
        "웜: 실행 환경 {0}, {1}부터 유휴 상태",
    ),
    ("throttled: {}", "스로틀됨: {}"),
    ("no environment was used", "실행 환경을 사용하지 않음"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `tx("…")`/`txf("…"` call in these sources, with its English as written in Rust.
    const SOURCES: &[&str] = &[
        include_str!("../components/sched.rs"),
        include_str!("../components/sched_out.rs"),
        include_str!("../chart.rs"),
        include_str!("../components/output.rs"),
    ];

    fn calls() -> Vec<String> {
        let mut out = Vec::new();
        for src in SOURCES {
            let mut rest = *src;
            while let Some(at) = rest.find("tx") {
                let after = &rest[at + 2..];
                let after = after.strip_prefix('f').unwrap_or(after);
                rest = after;
                let Some(lit) = after.strip_prefix("(").map(str::trim_start) else {
                    continue;
                };
                let Some(lit) = lit.strip_prefix('"') else {
                    continue;
                };
                let mut s = String::new();
                let mut chars = lit.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => s.push(chars.next().unwrap_or('\\')),
                        c => s.push(c),
                    }
                }
                out.push(s);
            }
        }
        out
    }

    fn placeholders(s: &str) -> usize {
        s.matches("{}").count() + (0..10).filter(|n| s.contains(&format!("{{{n}}}"))).count()
    }

    /// The page words the start reason from its data; on an English page that must be the very
    /// sentence the core writes in `reason` (which goals quote and `lab run` prints).
    #[test]
    fn the_start_reason_the_page_shows_in_english_is_the_cores() {
        use cloudbook::lab::StartWhy;
        let whys = [
            StartWhy::FirstRequest,
            StartWhy::NewVersion { version: 2 },
            StartWhy::NoIdleBusy { busy: 3 },
            StartWhy::NoIdleReclaimed,
            StartWhy::Warm {
                env: 1,
                idle_since: "00:00:01.143".into(),
            },
            StartWhy::Throttled {
                cause: "Rate Exceeded.".into(),
            },
            StartWhy::NoEnvironment,
        ];
        assert!(!crate::i18n::korean());
        for why in &whys {
            assert_eq!(crate::components::output::start_reason(why), why.english());
        }
        // The Korean puts the arguments where Korean word order wants them.
        let warm = korean("warm: environment {} idle since {}").expect("Korean");
        assert_eq!(
            fill(warm, &[&1, &"00:00:01.143"]),
            "웜: 실행 환경 1, 00:00:01.143부터 유휴 상태"
        );
    }

    #[test]
    fn every_string_the_components_pass_has_korean_with_the_same_arguments() {
        let calls = calls();
        assert!(calls.len() > 200, "the scan found the calls: {}", calls.len());
        for en in &calls {
            let ko = korean(en).unwrap_or_else(|| panic!("no Korean for {en:?}: add it to KO"));
            assert_eq!(placeholders(en), placeholders(ko), "{en:?} → {ko:?}");
            assert!(
                ko.matches("{}").count() == 0 || !ko.contains("{0}"),
                "mixed placeholders in {ko:?}"
            );
        }
        for (en, _) in KO {
            assert!(
                calls.iter().any(|c| c == en),
                "{en:?} is in KO but no component uses it"
            );
        }
        let mut seen: Vec<&str> = KO.iter().map(|(e, _)| *e).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), KO.len(), "an English key is in KO twice");
    }

    #[test]
    fn templates_fill_in_order_or_by_index() {
        assert_eq!(fill("Decision {} of {}", &[&3, &7]), "Decision 3 of 7");
        assert_eq!(fill("결정 {1}개 중 {0}번째", &[&3, &7]), "결정 7개 중 3번째");
        assert_eq!(
            fill("{} and {}", &[&1]),
            "1 and {}",
            "a missing argument stays visible"
        );
        assert_eq!(fill("{x} {", &[&1]), "{x} {", "other braces are text");
        assert_eq!(
            txf("Pending ({})", &[&2]),
            "Pending (2)",
            "English off Korean pages"
        );
        assert_eq!(tx("Zone"), "Zone");
    }
}
