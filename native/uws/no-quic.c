/* The uWebSockets.js bindings always contain H3App (HTTP/3); KastleX never creates one and builds uSockets
 * without its QUIC implementation (lsquic and BoringSSL are not needed). These stand in for the QUIC
 * functions the bindings reference, so that the addon links and loads: creating a QUIC context fails
 * (NULL), and as no context can exist, the rest are never reached. */
#include <stddef.h>
#include "libusockets.h"
#include "quic.h"

us_quic_socket_context_t *us_create_quic_socket_context (struct us_loop_t *loop, us_quic_socket_context_options_t options, int ext_size) { (void) loop; (void) options; (void) ext_size; return NULL; }
us_quic_socket_context_t *us_quic_socket_context (us_quic_socket_t *s) { (void) s; return NULL; }
void *us_quic_socket_context_ext (us_quic_socket_context_t *context) { (void) context; return NULL; }
us_quic_listen_socket_t *us_quic_socket_context_listen (us_quic_socket_context_t *context, const char *host, int port, int ext_size) { (void) context; (void) host; (void) port; (void) ext_size; return NULL; }
int us_quic_socket_context_get_header (us_quic_socket_context_t *context, int index, char **name, int *name_length, char **value, int *value_length) { (void) context; (void) index; (void) name; (void) name_length; (void) value; (void) value_length; return 0; }
void us_quic_socket_context_set_header (us_quic_socket_context_t *context, int index, const char *key, int key_length, const char *value, int value_length) { (void) context; (void) index; (void) key; (void) key_length; (void) value; (void) value_length; }
void us_quic_socket_context_send_headers (us_quic_socket_context_t *context, us_quic_stream_t *s, int num, int has_body) { (void) context; (void) s; (void) num; (void) has_body; }
void us_quic_socket_context_on_stream_data (us_quic_socket_context_t *context, void (*f)(us_quic_stream_t *s, char *data, int length)) { (void) context; (void) f; }
void us_quic_socket_context_on_stream_end (us_quic_socket_context_t *context, void (*f)(us_quic_stream_t *s)) { (void) context; (void) f; }
void us_quic_socket_context_on_stream_headers (us_quic_socket_context_t *context, void (*f)(us_quic_stream_t *s)) { (void) context; (void) f; }
void us_quic_socket_context_on_stream_open (us_quic_socket_context_t *context, void (*f)(us_quic_stream_t *s, int is_client)) { (void) context; (void) f; }
void us_quic_socket_context_on_stream_close (us_quic_socket_context_t *context, void (*f)(us_quic_stream_t *s)) { (void) context; (void) f; }
void us_quic_socket_context_on_open (us_quic_socket_context_t *context, void (*f)(us_quic_socket_t *s, int is_client)) { (void) context; (void) f; }
void us_quic_socket_context_on_close (us_quic_socket_context_t *context, void (*f)(us_quic_socket_t *s)) { (void) context; (void) f; }
void us_quic_socket_context_on_stream_writable (us_quic_socket_context_t *context, void (*f)(us_quic_stream_t *s)) { (void) context; (void) f; }
void *us_quic_stream_ext (us_quic_stream_t *s) { (void) s; return NULL; }
us_quic_socket_t *us_quic_stream_socket (us_quic_stream_t *s) { (void) s; return NULL; }
int us_quic_stream_write (us_quic_stream_t *s, char *data, int length) { (void) s; (void) data; (void) length; return 0; }
int us_quic_stream_shutdown (us_quic_stream_t *s) { (void) s; return 0; }
void us_quic_stream_close (us_quic_stream_t *s) { (void) s; }
