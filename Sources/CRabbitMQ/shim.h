#ifndef VIGIL_CRABBITMQ_SHIM_H
#define VIGIL_CRABBITMQ_SHIM_H
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <amqp_framing.h>

/* amqp_login is variadic, which Swift cannot call: a fixed-arity wrapper for
   PLAIN authentication (no heartbeats, default frame size). */
static inline amqp_rpc_reply_t vigil_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                      const char *user, const char *password) {
    return amqp_login(state, vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, user, password);
}

/* queue.declare of a durable quorum queue (x-queue-type = quorum); passive = 0. */
static inline amqp_queue_declare_ok_t *vigil_amqp_declare_quorum(amqp_connection_state_t state, amqp_channel_t channel,
                                                                 const char *queue) {
    amqp_table_entry_t entry;
    entry.key = amqp_cstring_bytes("x-queue-type");
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = amqp_cstring_bytes("quorum");
    amqp_table_t arguments;
    arguments.num_entries = 1;
    arguments.entries = &entry;
    return amqp_queue_declare(state, channel, amqp_cstring_bytes(queue), 0, 1, 0, 0, arguments);
}

/* basic.publish of a persistent message (delivery mode 2) through the default exchange. */
static inline int vigil_amqp_publish_persistent(amqp_connection_state_t state, amqp_channel_t channel, const char *queue,
                                                const char *body) {
    amqp_basic_properties_t properties;
    properties._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
    properties.delivery_mode = 2;
    return amqp_basic_publish(state, channel, amqp_empty_bytes, amqp_cstring_bytes(queue), 0, 0, &properties,
                              amqp_cstring_bytes(body));
}

/* Waits for the broker's confirm of delivery tag `tag` (confirm mode): 1 acked, 0 nacked,
   -1 the channel or connection was closed by the broker, else a negative library status
   (AMQP_STATUS_TIMEOUT when nothing came within `timeout`). */
static inline int vigil_amqp_wait_confirm(amqp_connection_state_t state, uint64_t tag, struct timeval *timeout) {
    for (;;) {
        amqp_frame_t frame;
        int status = amqp_simple_wait_frame_noblock(state, &frame, timeout);
        if (status != AMQP_STATUS_OK) return status < 0 ? status : -100;
        if (frame.frame_type != AMQP_FRAME_METHOD) continue;
        switch (frame.payload.method.id) {
        case AMQP_BASIC_ACK_METHOD: {
            amqp_basic_ack_t *ack = (amqp_basic_ack_t *)frame.payload.method.decoded;
            if (ack->delivery_tag == tag || (ack->multiple && ack->delivery_tag >= tag)) return 1;
            break;
        }
        case AMQP_BASIC_NACK_METHOD: {
            amqp_basic_nack_t *nack = (amqp_basic_nack_t *)frame.payload.method.decoded;
            if (nack->delivery_tag == tag || (nack->multiple && nack->delivery_tag >= tag)) return 0;
            break;
        }
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD:
            return -1;
        default:
            break;
        }
    }
}
#endif
