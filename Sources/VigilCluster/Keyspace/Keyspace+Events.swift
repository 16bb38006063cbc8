import Foundation
public import VigilStore

extension Keyspace {
    /// The put of an agent's event record, for the transaction of the change it reports.
    ///
    /// The key is `events/<time in µs>-<writer>`: the millisecond time, with `counter % 1000`
    /// as the microseconds, so one writer's events within a millisecond keep distinct keys
    /// and their order.
    public func eventPut(_ record: EventRecord, at time: Int64, counter: Int, writer: String) -> TxnOp {
        let value = (try? JSONEncoder().encode(record)).map(Array.init) ?? []
        return .put(key: event(time * 1000 + Int64(counter % 1000), node: writer), value: value, lease: nil)
    }
}
