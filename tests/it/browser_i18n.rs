//! The Korean edition in headless Chromium, on the course site the browser tests build once:
//! the Korean "Your first function" page mounts its quiz and lab with Korean UI text, the
//! language picker opens the same page in English with the learner's progress, and the Korean
//! edition's search finds pages by bare Korean nouns (the text has particles attached) and by an
//! English term. A Korean page with a container lab draws its cells, step-through and cost panel
//! with Korean UI text while ECS's own words stay in English.
// A test drives real files, processes and sockets; the core's no-I/O rule is not for it.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use super::browser::Browser;

const WAIT: Duration = Duration::from_secs(90);
const PAGE: &str = "lambda/first-function.html";

#[tokio::test(flavor = "multi_thread")]
async fn the_korean_page_mounts_in_korean_and_the_picker_keeps_page_and_progress() {
    let b = Browser::start().await;
    b.open(&format!("ko/{PAGE}")).await;
    b.wait_ready(".cloudbook-quiz").await;
    b.wait_ready(".cloudbook-lab").await;
    assert_eq!(b.js("return document.documentElement.lang").await, json!("ko"));

    // The quiz: translated text, Korean UI strings.
    assert!(b.text(".cb-position").await.contains("3문제 중 1번"));
    assert!(b.text(".cloudbook-quiz").await.contains("기본값으로 둡니다"));
    b.click_label(".cloudbook-quiz", "3초").await;
    b.click(".cloudbook-quiz .cb-submit").await;
    assert!(
        b.text(".cloudbook-quiz .cb-verdict")
            .await
            .starts_with("정답입니다")
    );

    // The lab: translated title and instructions, Korean buttons; the code stays as written.
    let lab = b.text(".cloudbook-lab").await;
    assert!(lab.contains("인사하고, 한 번 더 인사하기"), "{lab}");
    assert!(lab.contains("콜드 스타트가 몇 번인지 세어 보세요"), "{lab}");
    let run = ".cloudbook-lab [data-cloudbook-cell=\"invoke\"] [data-cloudbook-action=\"run\"]";
    assert_eq!(b.text(run).await, "호출", "the invoke cell's button, in Korean");
    let code = b
        .js("return document.querySelector('.cloudbook-lab textarea').value")
        .await;
    assert!(
        code.as_str().is_some_and(|c| c.contains("Hi, ${event.name}!")),
        "{code}"
    );

    // Run all: the start badge and its reason speak Korean (on an English page the reason is
    // the core's sentence, which goals quote).
    b.click(".cloudbook-lab [data-cloudbook-action=\"run-all\"]")
        .await;
    let first = ".cloudbook-lab [data-cloudbook-cell=\"invoke\"] .cb-run-output";
    let shown = super::browser_lab::wait_text(&b, first, "콜드: 첫 요청이라 실행 환경이 아직 없음").await;
    assert!(shown.contains("콜드 스타트"), "{shown}");

    // The picker opens the same page in English, where the answer given in Korean counts.
    b.click("a.cloudbook-language[hreflang=\"en\"]").await;
    b.wait_ready(".cloudbook-quiz").await;
    let url = b.client.current_url().await.expect("a URL");
    assert_eq!(url.path(), format!("/{PAGE}"));
    assert_eq!(b.js("return document.documentElement.lang").await, json!("en"));
    assert!(b.text(".cloudbook-quiz .cb-score").await.contains("1 / 3"));

    // And back: the Korean page shows the same progress.
    b.click("a.cloudbook-language[hreflang=\"ko\"]").await;
    b.wait_ready(".cloudbook-quiz").await;
    assert_eq!(
        b.client.current_url().await.expect("a URL").path(),
        format!("/ko/{PAGE}")
    );
    assert!(b.text(".cloudbook-quiz .cb-score").await.contains("1 / 3"));
    b.close().await;
}

/// The result links of the page's own search for `term`, typed into mdBook's search bar.
#[tokio::test(flavor = "multi_thread")]
async fn a_korean_container_lab_speaks_korean_and_keeps_ecs_words() {
    let b = Browser::start().await;
    b.open("ko/ecs/ec2-vs-fargate.html").await;
    b.wait_ready(".cloudbook-sched").await;
    let scenario = ".cloudbook-sched [data-cloudbook-cell=\"scenario\"]";
    let run = format!("{scenario} [data-cloudbook-action=\"run\"]");
    assert_eq!(b.text(&run).await, "시나리오 실행");
    b.click(&run).await;
    assert_eq!(
        b.text(&format!("{scenario} [data-cloudbook-action=\"step\"]"))
            .await,
        "다음 ▶",
        "the step-through's controls are Korean"
    );
    let cost = b.text(&format!("{scenario} [data-cloudbook-cost]")).await;
    assert!(
        cost.contains("같은 작업을 한 달에") && cost.contains("vCPU-시간"),
        "{cost}"
    );
    let frame = b.text(&format!("{scenario} .cb-cluster")).await;
    assert!(frame.contains("시점의 클러스터"), "{frame}");
    // The fargate cell: its form labels in Korean, its price line too.
    let fargate = ".cloudbook-sched [data-cloudbook-cell=\"fargate\"]";
    assert!(b.text(fargate).await.contains("운영 체제"));
    b.click(&format!("{fargate} [data-cloudbook-action=\"run\"]"))
        .await;
    let price = b.text(&format!("{fargate} .cb-fargate")).await;
    assert!(price.contains("시간당"), "{price}");
    b.close().await;
}

async fn search(b: &Browser, term: &str) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let links = b
            .client
            .execute(
                "const bar = document.getElementById('mdbook-searchbar');
                 if (document.getElementById('mdbook-search-wrapper').classList.contains('hidden')) {
                     document.getElementById('mdbook-search-toggle').click();
                 }
                 if (bar.value !== arguments[0]) { bar.value = arguments[0]; }
                 bar.dispatchEvent(new KeyboardEvent('keyup', { bubbles: true }));
                 const header = document.getElementById('mdbook-searchresults-header').textContent;
                 return { header, links: [...document.querySelectorAll('#mdbook-searchresults a')]
                     .map(a => a.getAttribute('href')) };",
                vec![json!(term)],
            )
            .await
            .expect("script runs");
        let header = links["header"].as_str().unwrap_or_default().to_string();
        let links: Vec<String> = links["links"]
            .as_array()
            .map(|a| a.iter().filter_map(|l| l.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        // The header names the term once the index is loaded and the search ran.
        if header.contains(term) || tokio::time::Instant::now() > deadline {
            return links;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn korean_search_finds_bare_nouns_and_english_terms() {
    let b = Browser::start().await;
    b.open("ko/index.html").await;
    b.client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("mdbook-search-toggle"))
        .await
        .expect("the search button");
    // Each bare noun appears on its page only with a particle attached (핸들러를, 환경을,
    // 시뮬레이터는, 플레이그라운드는, 청구되는); the last query carries a particle itself.
    for (term, page) in [
        ("핸들러", "lambda/first-function.html"),
        ("환경", "lambda/first-function.html"),
        ("시뮬레이터", "introduction.html"),
        ("플레이그라운드", "introduction.html"),
        ("청구", "lambda/first-function.html"),
        ("핸들러를", "lambda/first-function.html"),
        ("Fargate", "ecs/fargate.html"),
    ] {
        let links = search(&b, term).await;
        assert!(
            links.iter().any(|l| l.starts_with(page)),
            "searching the Korean edition for {term:?} finds {page}: {links:?}"
        );
    }
    // English search keeps working on the English edition.
    b.open("index.html").await;
    let links = search(&b, "Fargate").await;
    assert!(
        links.iter().any(|l| l.starts_with("ecs/fargate.html")),
        "{links:?}"
    );
    b.close().await;
}
