import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension EtcdStore {
    /// Watches keys under `prefix` from `fromRevision`; see ``ClusterStore/watch(prefix:fromRevision:)``.
    ///
    /// The watch is one streaming `/v3/watch` request to the current endpoint. When that
    /// stream fails or ends, the watch moves to the next endpoint and resumes from the
    /// revision after the last event delivered; if that revision was compacted meanwhile,
    /// it yields `.compacted`. It throws `unavailable` when no endpoint accepted the watch
    /// for ``EtcdConfiguration/watchRetryTimeout``.
    public func watch(prefix: String, fromRevision: Int64) -> WatchStream {
        WatchStream(.etcd(EtcdWatchRequest(store: self, prefix: prefix, fromRevision: fromRevision)))
    }

    /// Watches without previous values: a deletion of large keys (a thousand old events)
    /// then costs the stream their keys, not their contents.
    public func watch(prefix: String, fromRevision: Int64, previousValues: Bool) -> WatchStream {
        WatchStream(.etcd(EtcdWatchRequest(store: self, prefix: prefix, fromRevision: fromRevision, previousValues: previousValues)))
    }

    /// Opens a watch stream on one endpoint and returns its body.
    func openWatch(
        prefix: String, from revision: Int64, endpointIndex: Int, previousValues: Bool = true
    ) async throws -> HTTPClientResponse.Body {
        let (key, rangeEnd) = Self.bounds(.prefix(prefix))
        let create = EtcdWire.WatchCreate(
            key: key, range_end: rangeEnd, start_revision: revision > 0 ? .init(revision) : nil, prev_kv: previousValues)
        let payload = Array(try JSONEncoder().encode(EtcdWire.WatchRequest(create_request: create)))
        let endpoint = endpoints[endpointIndex]
        var request = HTTPClientRequest(url: endpoint + "/v3/watch")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        do {
            if let token = try await token(endpointIndex: endpointIndex) {
                request.headers.add(name: "Authorization", value: token)
            }
        } catch let failure as Failure {
            throw failure.error
        }
        request.body = .bytes(ByteBuffer(bytes: payload))
        let response: HTTPClientResponse
        do {
            // The deadline covers the response head only (async-http-client cancels it once
            // the head arrives): the stream itself lives as long as its consumer.
            response = try await watchClient.execute(
                request, deadline: .now() + TimeAmount(configuration.requestTimeout), logger: logger)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw Self.classifyTransport(error, endpoint: endpoint, path: "/v3/watch").error
        }
        guard response.status == .ok else {
            let bytes = try? await response.body.collect(upTo: 1 << 20)
            let body = bytes.flatMap { try? JSONDecoder().decode(EtcdWire.ErrorBody.self, from: Data($0.readableBytesView)) }
            let failure = Self.classifyAnswer(status: response.status, body: body, endpoint: endpoint, path: "/v3/watch")
            if failure.kind == .badToken && configuration.credentials != nil {
                invalidateToken()
                throw VigilStoreError(.unavailable, "etcd rejected the auth token of a watch; authenticating again")
            }
            throw failure.error
        }
        return response.body
    }
}
