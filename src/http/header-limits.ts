// Request header limits, apart from the server so that the entry point can hand uWS its buffer size
// before uWS loads (it reads UWS_HTTP_MAX_HEADERS_SIZE once, when the module loads).

/** Request header fields accepted in total, names plus values (SPEC §4.7); beyond → our 431. */
export const MAX_HEADER_BYTES = 64 * 1024

/**
 * uWS's buffer for a request head that arrives over several reads: the fields above plus room for the
 * request line and the separators, so that every head within our limit reaches the handler (which
 * answers the JSON 431); a head that outgrows this buffer gets uWS's own 431 and is closed.
 */
export const UWS_HEADER_BUFFER_BYTES = MAX_HEADER_BYTES + 16 * 1024
