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
#endif
