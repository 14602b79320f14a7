//! Runs the examples as part of the test suite, so they keep compiling and working.

#![cfg(feature = "sqlite")]

#[path = "../examples/quickstart.rs"]
#[allow(dead_code)]
mod quickstart;

#[tokio::test]
async fn quickstart_lists_the_two_matching_records() {
    let listed = quickstart::run().await.expect("quickstart failed");
    // order-0 (closed) and order-2 are billing runs for acme.
    assert_eq!(listed, 2);
}
