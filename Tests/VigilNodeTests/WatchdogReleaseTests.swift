import Testing
@testable import VigilNode

/// The lost-node release by watchdog timeout, and the feeding rule (pure).
@Suite struct WatchdogReleaseTests {
    typealias Published = ClusterView.PublishedWatchdog

    @Test func aLostNodeIsDueOnlyOnceItsWatchdogTimeoutHasPassedSinceItWasSeenLost() {
        var release = WatchdogRelease()
        let watchdogs = ["n1": Published(incarnation: 11, timeout: .milliseconds(1500))]
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
        let watchdogs = ["n1": Published(incarnation: 11, timeout: .seconds(1))]
        #expect(release.due(watchdogs: watchdogs, now: .seconds(100)).orders.isEmpty)
        #expect(release.due(watchdogs: watchdogs, now: .seconds(100)).next == nil)
    }

    @Test func aLaterIncarnationsWatchdogOnTheSameNodeCounts() {
        var release = WatchdogRelease()
        release.observe(lost: ["n1": 11], now: .seconds(1))
        let later = ["n1": Published(incarnation: 15, timeout: .seconds(2))]
        #expect(release.due(watchdogs: later, now: .milliseconds(2999)).orders.isEmpty)
        #expect(release.due(watchdogs: later, now: .seconds(3)).orders == [FenceOrder(node: "n1", member: 11)])
    }

    @Test func aNodeNoLongerLostIsForgotten() {
        var release = WatchdogRelease()
        let watchdogs = ["n1": Published(incarnation: 11, timeout: .seconds(1))]
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
}
