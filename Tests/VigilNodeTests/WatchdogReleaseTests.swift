import Foundation
import Testing
@testable import VigilNode
@testable import VigilCluster

/// The lost-node release by watchdog timeout, and the feeding rule (pure).
@Suite struct WatchdogReleaseTests {
    typealias Published = ClusterView.PublishedWatchdog

    @Test func aLostNodeIsDueOnlyOnceItsWatchdogTimeoutHasPassedSinceItWasSeenLost() {
        var release = WatchdogRelease()
        let watchdogs = ["n1": Published(incarnation: 11, releaseAfter: .milliseconds(1500))]
        release.observe(lost: [:], now: .seconds(1))
        #expect(release.due(watchdogs: watchdogs, now: .seconds(2)).orders.isEmpty)
        // n1's lease expires: first seen lost at 5 s.
        release.observe(lost: ["n1": 11], now: .seconds(5))
        var due = release.due(watchdogs: watchdogs, now: .milliseconds(6499))
        #expect(due.orders.isEmpty)
        #expect(due.next == .milliseconds(6500))
        // Seeing it lost again does not move the start of the wait.
        release.observe(lost: ["n1": 11], now: .seconds(6))
        due = release.due(watchdogs: watchdogs, now: .milliseconds(6500))
        #expect(due.orders == [FenceOrder(node: "n1", member: 11)])
        #expect(due.next == nil)
    }

    @Test func aNodeWithoutAWatchdogOrAnotherIncarnationsIsNeverDue() {
        var release = WatchdogRelease()
        release.observe(lost: ["n2": 12, "n1": 21], now: .seconds(1))
        // n2 published none; n1's was published by incarnation 11, and 21 (later) is lost.
        let watchdogs = ["n1": Published(incarnation: 11, releaseAfter: .seconds(1))]
        #expect(release.due(watchdogs: watchdogs, now: .seconds(100)).orders.isEmpty)
        #expect(release.due(watchdogs: watchdogs, now: .seconds(100)).next == nil)
    }

    @Test func aLaterIncarnationsWatchdogOnTheSameNodeCounts() {
        var release = WatchdogRelease()
        release.observe(lost: ["n1": 11], now: .seconds(1))
        let later = ["n1": Published(incarnation: 15, releaseAfter: .seconds(2))]
        #expect(release.due(watchdogs: later, now: .milliseconds(2999)).orders.isEmpty)
        #expect(release.due(watchdogs: later, now: .seconds(3)).orders == [FenceOrder(node: "n1", member: 11)])
    }

    @Test func aNodeNoLongerLostIsForgotten() {
        var release = WatchdogRelease()
        let watchdogs = ["n1": Published(incarnation: 11, releaseAfter: .seconds(1))]
        release.observe(lost: ["n1": 11], now: .seconds(1))
        release.observe(lost: [:], now: .seconds(2))
        #expect(release.due(watchdogs: watchdogs, now: .seconds(100)).orders.isEmpty)
        // Lost again later: the wait starts again.
        release.observe(lost: ["n1": 11], now: .seconds(50))
        #expect(release.due(watchdogs: watchdogs, now: .milliseconds(50_999)).orders.isEmpty)
        #expect(release.due(watchdogs: watchdogs, now: .seconds(51)).orders.count == 1)
    }

    @Test(arguments: [(true, true, true), (true, false, true), (false, false, true), (false, true, false)])
    func theWatchdogIsFedWhileTheLeaseIsConfirmedOrNothingExclusiveRuns(leaseConfirmed: Bool, holdsGuarded: Bool, feed: Bool) {
        #expect(WatchdogRule.shouldFeed(leaseConfirmed: leaseConfirmed, holdsGuarded: holdsGuarded) == feed)
    }

    @Test func feedIntervalLeavesRoomForLateRounds() {
        #expect(WatchdogRule.feedInterval(timeout: .seconds(1)) == .milliseconds(200))
        #expect(WatchdogRule.feedInterval(timeout: .seconds(60)) == .milliseconds(500))
    }

    @Test func aWatchdogThatFitsBeforeTheLeaseCanExpireIsStarvedEarlyAndReleasesAtOnce() {
        // TTL 2 s: margin 500 ms, renewals every 250 ms; a 1 s watchdog plus 100 ms slack
        // leaves 900 ms of feeding after each confirmed renewal.
        let policy = MembershipPolicy(ttl: .seconds(2))
        #expect(WatchdogRule.slack(policy: policy) == .milliseconds(100))
        #expect(WatchdogRule.lead(policy: policy, timeout: .seconds(1)) == .milliseconds(1100))
        #expect(WatchdogRule.releaseAfter(policy: policy, timeout: .seconds(1)) == .zero)
        // The last feed is at most `lead` before the lease can expire; the reset follows
        // within the timeout plus the slack: never after the expiry.
        let expiry = Duration.seconds(10)
        let lastFeed = expiry - WatchdogRule.lead(policy: policy, timeout: .seconds(1))
        #expect(lastFeed + .seconds(1) + WatchdogRule.slack(policy: policy) <= expiry)
    }

    @Test func aWatchdogTooLongForTheTTLIsStarvedAtTheSelfFenceAndPeersWaitTheRest() {
        // 2 s TTL, 2 s watchdog: no room to stop feeding 2.1 s before expiry.
        let policy = MembershipPolicy(ttl: .seconds(2))
        #expect(WatchdogRule.lead(policy: policy, timeout: .seconds(2)) == policy.safetyMargin)
        #expect(WatchdogRule.releaseAfter(policy: policy, timeout: .seconds(2)) == .milliseconds(1600))
        // A 10 s TTL has room for a 5 s watchdog.
        let long = MembershipPolicy(ttl: .seconds(10))
        #expect(WatchdogRule.lead(policy: long, timeout: .seconds(5)) == .seconds(5) + long.safetyMargin / 5)
        #expect(WatchdogRule.releaseAfter(policy: long, timeout: .seconds(5)) == .zero)
    }

    @Test func theLeadIsNeverShorterThanTheSelfFenceMargin() {
        // A 100 ms (test) watchdog still stops being fed only at the self-fence deadline.
        let policy = MembershipPolicy(ttl: .seconds(2))
        #expect(WatchdogRule.lead(policy: policy, timeout: .milliseconds(100)) == policy.safetyMargin)
        #expect(WatchdogRule.releaseAfter(policy: policy, timeout: .milliseconds(100)) == .zero)
    }

    @Test func aRecordWithoutReleaseAfterMeansWaitTheTimeout() throws {
        let old = try JSONDecoder().decode(NodeWatchdogRecord.self, from: Data(#"{"timeout-ms": 1000}"#.utf8))
        #expect(old.releaseAfter == .seconds(1))
        let new = try JSONDecoder().decode(NodeWatchdogRecord.self, from: Data(#"{"timeout-ms": 1000, "release-after-ms": 0}"#.utf8))
        #expect(new.releaseAfter == .zero)
    }
}
