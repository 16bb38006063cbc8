import Foundation

/// Cluster properties, resource and operation defaults, nodes.
extension Translation {
    /// Properties that describe a running Pacemaker and mean nothing to Vigil.
    static let informationalProperties: Set<String> = [
        "dc-version", "cluster-infrastructure", "have-watchdog", "last-lrm-refresh", "cluster-recheck-interval",
        "stonith-timeout", "election-timeout", "shutdown-escalation", "join-integration-timeout", "join-finalization-timeout",
        "pe-error-series-max", "pe-warn-series-max", "pe-input-series-max", "batch-limit", "migration-limit",
        "node-health-strategy", "load-threshold", "node-action-limit", "placement-strategy", "priority-fencing-delay",
        "concurrent-fencing", "stonith-max-attempts", "dc-deadtime", "enable-startup-probes", "startup-fencing",
    ]

    mutating func readProperties(_ section: CIBElement) {
        for (property, value, element) in section.nvpairs(in: "cluster_property_set") {
            switch property {
            case "cluster-name":
                name = Self.vigilName(value)
                if name != value { note(element, "cluster-name \"\(value)\" becomes \"\(name)\" (Vigil names: letters, digits, '-', '_')") }
            case "no-quorum-policy":
                switch value {
                case "stop", "freeze", "ignore": noQuorumPolicy = value
                default: error(element, "no-quorum-policy \(value) is not translated: Vigil has stop, freeze and ignore")
                }
            case "stonith-enabled":
                stonithEnabled = !["false", "no", "0", "off"].contains(value.lowercased())
            case "symmetric-cluster":
                if ["false", "no", "0", "off"].contains(value.lowercased()) {
                    error(element, "an opt-in cluster (symmetric-cluster=false) is not translated: every Vigil resource may run on every node unless a constraint says otherwise")
                }
            case "default-resource-stickiness":
                stickiness = value
            case "maintenance-mode":
                if ["true", "yes", "1", "on"].contains(value.lowercased()) {
                    error(element, "maintenance-mode is not translated: put each node in maintenance with vigil node maintenance")
                }
            case "start-failure-is-fatal":
                if ["false", "no", "0", "off"].contains(value.lowercased()) {
                    note(element, "start-failure-is-fatal=false: in Vigil a failed start counts one failure towards migration-threshold")
                }
            case "stop-all-resources":
                if ["true", "yes", "1", "on"].contains(value.lowercased()) {
                    error(element, "stop-all-resources is not translated: set target-role: stopped on each resource")
                }
            default:
                if !Self.informationalProperties.contains(property) {
                    error(element, "cluster property \(property) is not translated")
                }
            }
        }
    }

    mutating func readResourceDefaults(_ section: CIBElement) {
        for (property, value, element) in section.nvpairs(in: "meta_attributes") {
            switch property {
            case "resource-stickiness", "default-resource-stickiness": stickiness = value
            case "migration-threshold": defaultMigrationThreshold = value
            case "failure-timeout": defaultFailureTimeout = Self.duration(value) ?? value
            case "target-role", "is-managed", "priority", "allow-migrate", "multiple-active", "requires", "critical":
                error(element, "resource default \(property) is not translated: set it on each resource")
            default: error(element, "resource default \(property) is not translated")
            }
        }
    }

    mutating func readOperationDefaults(_ section: CIBElement) {
        for (property, value, element) in section.nvpairs(in: "meta_attributes") {
            switch property {
            case "timeout":
                defaultOperationTimeout = Self.duration(value)
                if defaultOperationTimeout == nil { error(element, "timeout \(value) is not a duration Vigil reads") }
            case "record-pending":
                break
            default: error(element, "operation default \(property) is not translated")
            }
        }
    }

    mutating func readNodes(_ section: CIBElement) {
        for node in section.children("node") {
            let name = node["uname"] ?? node["id"] ?? ""
            if node["type"] == "remote" || node["type"] == "ping" {
                error(node, "a \(node["type"] ?? "") node is not translated: Vigil nodes run an agent")
                continue
            }
            var attributes: [(String, String)] = []
            for (attribute, value, element) in node.nvpairs(in: "instance_attributes") {
                if attribute.hasPrefix("#") {
                    error(element, "attribute \(attribute) is not translated: names starting with '#' are Vigil's")
                } else if attribute == "standby" || attribute == "maintenance" {
                    note(element, "\(attribute)=\(value) is not carried over: set it with vigil node \(attribute == "standby" ? "standby" : "maintenance") \(name)")
                } else {
                    attributes.append((attribute, value))
                }
            }
            if !node.children("utilization").isEmpty { error(node, "utilization is not translated") }
            nodes.append((name, attributes))
        }
    }

    /// `text` as a Vigil name: characters other than letters, digits, `-` and `_` become `-`.
    static func vigilName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }

    /// A Pacemaker duration as a Vigil one.
    static func duration(_ text: String) -> String? { PacemakerDuration.vigil(text) }
}
