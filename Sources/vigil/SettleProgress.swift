import Foundation
import Glibc
import VigilCluster
import VigilModel
import VigilScheduler

/// Shows a wait for the cluster to settle (`config apply --wait`, `resource move --wait`):
/// on a terminal one line redrawn in place; otherwise a line whenever what is left changes.
/// Ends with one line: what was reached and how long it took, or what is still left.
actor SettleProgress {
    private let started = ContinuousClock.now
    private let terminal = isatty(STDERR_FILENO) == 1
    private var drawn = false

    /// Seconds since the wait began, one decimal.
    var elapsed: String {
        let duration = ContinuousClock.now - started
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1f s", seconds)
    }

    /// Shows `settlement` (progress goes to standard error, so that the outcome on standard
    /// output stays one line for scripts).
    func show(_ settlement: Settlement) {
        guard !settlement.settled else { return }
        let line = "[\(elapsed)] \(settlement.summary)"
        if terminal {
            let width = Int(Self.columns())
            let clipped = line.count > width - 1 ? String(line.prefix(max(10, width - 2))) + "…" : line
            FileHandle.standardError.write(Data("\r\u{1B}[K\(clipped)".utf8))
            drawn = true
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// Clears the progress line (on a terminal) before the outcome is printed.
    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }

    private static func columns() -> UInt16 {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return size.ws_col
    }

    /// Where each resource runs, for the outcome line: `web on n2; db on n1 n2 n3`.
    static func placements(_ status: ClusterStatus, only resources: [String]? = nil) -> String {
        let names = resources ?? status.resourceOrder
        let parts = names.map { resource -> String in
            let running = (status.resources[resource] ?? [:]).filter { $0.value != .stopped }
            guard !running.isEmpty else { return "\(resource) stopped" }
            let nodes = status.nodeOrder.filter { running[$0] != nil }.map { node in
                let state = running[node] ?? .started
                return state == .started ? node : "\(node) (\(state.rawValue))"
            }
            return "\(resource) on \(nodes.joined(separator: " "))"
        }
        return parts.isEmpty ? "no resources" : parts.joined(separator: "; ")
    }

    /// The wall clock as the coordinator reads it.
    static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
    }
}

extension SettleProgress {
    /// Waits until the cluster has carried out its plan (and `condition` holds), showing
    /// progress; prints the one-line outcome, and exits 1 when it was not reached within
    /// `timeout` seconds (the line says what is left, and `explain` names the resources to
    /// ask `vigil explain` about).
    static func wait(
        _ client: ClusterClient, timeout: Int, reached: String, resources: [String]? = nil, explain: [String] = [],
        target: String? = nil, condition: (@Sendable (ClusterView) -> String?)? = nil
    ) async throws {
        let progress = SettleProgress()
        let settlement = try await client.waitUntilSettled(
            timeout: .seconds(timeout), now: { SettleProgress.now() }, condition: condition,
            progress: { settlement in await progress.show(settlement) })
        await progress.finish()
        let elapsed = await progress.elapsed
        if settlement.settled {
            print("\(reached) in \(elapsed): \(placements(settlement.status, only: resources))")
            return
        }
        var line = "not settled after \(timeout) s: \(settlement.summary)"
        if let view = try? await client.view(), let config = view.config {
            let now = SettleProgress.now()
            let (_, explanations) = Scheduler.explain(
                config: StateBuilder.effectiveConfig(config, view: view), state: StateBuilder.state(from: view, config: config, now: now))
            for name in explain {
                guard let explanation = explanations[name] else { continue }
                if let target, let score = explanation.nodes.first(where: { $0.node == target }) {
                    // Why not where it was sent: that node's terms.
                    let terms = score.terms.map { "\($0.reason) (\($0.score))" }.joined(separator: ", ")
                    line += "; \(name) on \(target): score \(score.score)\(terms.isEmpty ? "" : ": \(terms)")"
                } else {
                    line += "; \(name): \(explanation.decision)"
                }
            }
        }
        printError(line)
        if !explain.isEmpty { printError("(vigil explain \(explain[0]) shows every node's score)") }
        throw ExitCodeError.invalidInput
    }
}
