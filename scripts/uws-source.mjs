// Prepares the sources of the uWebSockets.js addon that binding.gyp builds (target "uws"), before node-gyp
// runs (package.json "install"). Three registry packages, none copied into this repository:
//   - uWebSockets and uSockets (C++/C): the crate libuwebsockets-sys, fetched by cargo (the exact version
//     pinned in native/uws/Cargo.toml; cargo checks it against the registry's checksum);
//   - the Node bindings (addon.cpp and its headers): the npm package `uwebsockets` (its prebuilt binaries
//     are not used: they refuse HTTP/1.0).
// They are copied to node_modules/.kastlex-uws/ and changed there (UWS_EDITS): HTTP/1.0 served (upstream
// answers it 505) and a few front-end fixes. Usage: node scripts/uws-source.mjs
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const MANIFEST = join(ROOT, 'native/uws/Cargo.toml')
const CRATE = 'libuwebsockets-sys'
const OUT = join(ROOT, 'node_modules/.kastlex-uws')

/** A complete HTTP/1.1 answer closing the connection, as a C++ string literal: `{"error": message}`. */
function jsonError (status, message) {
  const body = JSON.stringify({ error: message })
  return JSON.stringify(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${body.length}\r\n\r\n${body}`)
}

/**
 * The edit that registers methods on one of the bindings' templates (`res`, `req`, `ws`), right after its method
 * `after`: each [name, native function], in the line upstream writes for every method.
 */
function registerAfter (indent, template, after, ...added) {
  const line = ([name, fn]) => `${indent}${template}TemplateLocal->PrototypeTemplate()->Set(String::NewFromUtf8(isolate, "${name}", NewStringType::kNormal).ToLocalChecked(), FunctionTemplate::New(isolate, ${fn}));\n`
  const anchor = line(after)
  return [anchor, anchor + added.map(line).join('')]
}

/**
 * Each edit replaces text that must occur exactly once (a new upstream version that moved it fails the
 * install here, not at run time). Together: a request line ending in HTTP/1.0 is parsed like HTTP/1.1 and
 * marked ancient; an ancient request needs no Host header, and a head may end right after the request line
 * (upstream waited for a header field that never comes); its connection closes after the answer unless
 * the request said `Connection: keep-alive`; and the answer says which (`Connection: close` or
 * `Connection: keep-alive`), as HTTP/1.0 clients expect. Beside HTTP/1.0: heads split anywhere are
 * waited for, heads with too many fields or bytes no field may hold are refused at once instead of left
 * waiting, uWS's own refusals (400, 431) are JSON, and a HEAD answer no longer ends its connection, and
 * `100 Continue` is written by the gateway (res.writeContinue) instead of before every handler.
 */
const UWS_EDITS = {
  'uWebSockets/src/HttpParser.h': [
    ['if (memcmp(" HTTP/1.1\\r\\n", data, 11) == 0) {',
      'if (memcmp(" HTTP/1.1\\r\\n", data, 11) == 0 || memcmp(" HTTP/1.0\\r\\n", data, 11) == 0) {'],
    // headers[0] is the request line: its value (the target) is followed by " HTTP/1.x".
    ['req->ancientHttp = false;',
      'req->ancientHttp = req->headers->value.data()[req->headers->value.length() + 8] == \'0\';'],
    ['if (!req->getHeader("host").data()) {',
      'if (!req->ancientHttp && !req->getHeader("host").data()) {'],
    // A request line that has not fully arrived is waited for (upstream answered 505 when a read ended
    // inside it); one that has arrived and is not `METHOD /target HTTP/1.x` is a bad request (400).
    [`        if (!(postPaddedBuffer = consumeRequestLine(postPaddedBuffer, headers[0]))) {
            /* Error - invalid request line */
            /* Assuming it is 505 HTTP Version Not Supported */
            err = HTTP_ERROR_505_HTTP_VERSION_NOT_SUPPORTED;`,
    `        char *requestLine = postPaddedBuffer;
        if (!(postPaddedBuffer = consumeRequestLine(postPaddedBuffer, headers[0]))) {
            if (!memchr(requestLine, '\\n', (size_t) (end - requestLine))) return 0;
            err = HTTP_ERROR_400_BAD_REQUEST;`],
    // More header lines than uWS has room for: 431 (upstream waited for more data until the idle timeout).
    ['        /* We ran out of header space, too large request */\n        return 0;',
      '        err = HTTP_ERROR_431_REQUEST_HEADER_FIELDS_TOO_LARGE;\n        return 0;'],
    // A byte that cannot be in a field name or value: 400 (upstream waited until the idle timeout). The
    // data ends in a fenced CR, so a name stopping there, or in the data's last CR, has merely not arrived.
    ['                /* Error: invalid chars in field name */\n                return 0;',
      `                if (postPaddedBuffer < end && !(postPaddedBuffer[0] == '\\r' && postPaddedBuffer + 1 == end)) err = HTTP_ERROR_400_BAD_REQUEST;
                return 0;`],
    ['                    /* Error - invalid chars in field value */\n                    return 0;',
      '                    err = HTTP_ERROR_400_BAD_REQUEST;\n                    return 0;'],
    // A head without any field (HTTP/1.0 needs none) ends right after the request line.
    ['        headers++;\n\n        for (unsigned int i = 1;',
      `        headers++;

        if (postPaddedBuffer[0] == '\\r' && postPaddedBuffer[1] == '\\n') {
            headers->key = std::string_view(nullptr, 0);
            return (unsigned int) ((postPaddedBuffer + 2) - start);
        }

        for (unsigned int i = 1;`],
    // Only SP and HTAB are trimmed around a field value: upstream compared plain (signed) chars with 33,
    // so UTF-8 bytes (≥ 0x80, negative) at either end were cut off too (`clé` arrived as `cl`).
    ['while (headers->value.length() && headers->value.back() < 33) {',
      'while (headers->value.length() && (unsigned char) headers->value.back() < 33) {'],
    ['while (headers->value.length() && headers->value.front() < 33) {',
      'while (headers->value.length() && (unsigned char) headers->value.front() < 33) {']
  ],
  // uWS's own refusals (a head it cannot parse or hold) in the gateway's error format.
  'uWebSockets/src/HttpErrors.h': [
    ['"HTTP/1.1 431 Request Header Fields Too Large\\r\\nConnection: close\\r\\n\\r\\n<h1>Request Header Fields Too Large</h1><hr><i>uWebSockets/20 Server</i>"',
      jsonError('431 Request Header Fields Too Large', 'request header fields too large')],
    ['"HTTP/1.1 400 Bad Request\\r\\nConnection: close\\r\\n\\r\\n<h1>Bad Request</h1><hr><i>uWebSockets/20 Server</i>"',
      jsonError('400 Bad Request', 'bad request')]
  ],
  'uWebSockets/src/HttpContext.h': [
    // No automatic `100 Continue` before the handler runs: the gateway writes it (writeContinue) once a
    // route asks for the body, i.e. after authentication, permission and content-length passed (SPEC §10.6a).
    [`            /* Middleware? Automatically respond to expectations */
            std::string_view expect = user.httpRequest->getHeader("expect");
            if (expect.length() && expect == "100-continue") {
                user.httpResponse->writeContinue();
            }

`, ''],
    ['if (httpRequest->isAncient() || httpRequest->getHeader("connection").length() == 5) {',
      `if (httpRequest->isAncient()) {
                    std::string_view connection = httpRequest->getHeader("connection");
                    bool keepAlive = connection.length() == 10;
                    for (size_t i = 0; keepAlive && i < 10; i++) keepAlive = (connection[i] | 0x20) == "keep-alive"[i];
                    httpResponseData->state |= keepAlive ? HttpResponseData<SSL>::HTTP_ANCIENT_KEEP_ALIVE
                        : HttpResponseData<SSL>::HTTP_ANCIENT_CLOSE | HttpResponseData<SSL>::HTTP_CONNECTION_CLOSE;
                } else if (httpRequest->getHeader("connection").length() == 5) {`]
  ],
  'uWebSockets/src/HttpResponseData.h': [
    ['HTTP_CONNECTION_CLOSE = 16 // used', 'HTTP_CONNECTION_CLOSE = 16, // used\n        HTTP_ANCIENT_KEEP_ALIVE = 32,\n        HTTP_ANCIENT_CLOSE = 64']
  ],
  // res.writeContinue() in JS, for the 100 Continue uWS no longer writes itself (HTTP and HTTPS apps).
  'bindings/HttpResponseWrapper.h': [
    ['    /* Takes nothing, returns this */\n    template <int SSL>\n    static void res_resume(',
      `    /* Takes nothing, returns this */
    template <int SSL>
    static void res_writeContinue(const FunctionCallbackInfo<Value> &args) {
        auto *res = getHttpResponse<SSL>(args);
        if (res) {
            assumeCorked();
            res->writeContinue();
            args.GetReturnValue().Set(args.Holder());
        }
    }

    /* Takes nothing, returns this */
    template <int SSL>
    static void res_resume(`],
    registerAfter('            ', 'res', ['pause', 'res_pause<SSL>'], ['writeContinue', 'res_writeContinue<SSL>'])
  ],
  'uWebSockets/src/HttpResponse.h': [
    ['    void writeMark() {\n',
      `    void writeMark() {
        /* HTTP/1.0: the connection header says what happens next (internalEnd wrote "close" already when the
         * application closes a keep-alive connection) */
        int state = getHttpResponseData()->state;
        if (state & HttpResponseData<SSL>::HTTP_ANCIENT_CLOSE) writeHeader("Connection", "close");
        else if ((state & HttpResponseData<SSL>::HTTP_ANCIENT_KEEP_ALIVE) && !(state & HttpResponseData<SSL>::HTTP_CONNECTION_CLOSE)) writeHeader("Connection", "keep-alive");
`],
    // endWithoutBody (HEAD) with a reported length left the response pending (its body never "written"),
    // so uWS closed the connection at the next request on it.
    ['            internalEnd({nullptr, 0}, reportedContentLength.value(), false, true, closeConnection);',
      `            getHttpResponseData()->offset = reportedContentLength.value();
            internalEnd({nullptr, 0}, reportedContentLength.value(), false, true, closeConnection);`]
  ]
}

/**
 * HTTP/1.1 pipelining (upstream closes the connection when it parses a request while an answer is
 * pending). Such a request now waits: the parser stops at its first byte, the bytes from there on are kept
 * unparsed (`held`, one read at most: reading the socket stops while bytes are held), and once the answer
 * before it is complete and written out (the socket's next writable event, so never inside the
 * application's end()), the kept bytes go through the data handler again, as if just read. Reading resumes
 * when nothing is held any more, unless the application paused the response.
 */
const PIPELINING_EDITS = {
  'uWebSockets/src/HttpParser.h': [
    ['static void *FULLPTR = (void *)~(uintptr_t)0;',
      `static void *FULLPTR = (void *)~(uintptr_t)0;
/* Returned by a request handler for a request that must wait for the answer before it (pipelining) */
static void *HELDPTR = (void *)~(uintptr_t)1;`],
    ['struct HttpParser {\n\nprivate:\n',
      `struct HttpParser {

public:
    /* The bytes from the first byte of a request that waits (pipelining) on, not parsed yet */
    std::string held;

private:
`],
    // The waiting request's head is not consumed: its bytes are held from its first one.
    ['            void *returnedUser = requestHandler(user, req);\n',
      `            void *returnedUser = requestHandler(user, req);
            if (returnedUser == HELDPTR) {
                return {consumedTotal - consumed, HELDPTR};
            }
`],
    ['        HttpRequest req;\n\n        if (remainingStreamingBytes) {',
      `        HttpRequest req;

        /* A request waits: whatever arrives is kept behind it (the socket is not read until it is parsed) */
        if (held.length()) {
            held.append(data, length);
            return {0, user};
        }

        if (remainingStreamingBytes) {`],
    [`            std::pair<unsigned int, void *> consumed = fenceAndConsumePostPadded<true>(fallback.data(), (unsigned int) fallback.length(), user, reserved, &req, requestHandler, dataHandler);
            if (consumed.second != user) {`,
    `            std::pair<unsigned int, void *> consumed = fenceAndConsumePostPadded<true>(fallback.data(), (unsigned int) fallback.length(), user, reserved, &req, requestHandler, dataHandler);
            if (consumed.second == HELDPTR) {
                /* The fallback holds the start of the waiting request, data all of it that was read since */
                held.assign(fallback.data() + consumed.first, had - consumed.first);
                held.append(data, length);
                fallback.clear();
                return {0, user};
            }
            if (consumed.second != user) {`],
    [`        std::pair<unsigned int, void *> consumed = fenceAndConsumePostPadded<false>(data, length, user, reserved, &req, requestHandler, dataHandler);
        if (consumed.second != user) {`,
    `        std::pair<unsigned int, void *> consumed = fenceAndConsumePostPadded<false>(data, length, user, reserved, &req, requestHandler, dataHandler);
        if (consumed.second == HELDPTR) {
            held.assign(data + consumed.first, length - consumed.first);
            return {0, user};
        }
        if (consumed.second != user) {`]
  ],
  // The data handler, callable again with the held bytes.
  'uWebSockets/src/HttpContextData.h': [
    ['    bool isParsingHttp = false;\n',
      '    bool isParsingHttp = false;\n    us_socket_t *(*onData)(us_socket_t *, char *, int) = nullptr;\n']
  ],
  'uWebSockets/src/HttpResponseData.h': [
    // uSockets keeps its poll event bits in an internal header; binding.gyp builds it on libuv.
    ['#include "HttpParser.h"\n', `#include "HttpParser.h"

#ifndef LIBUS_SOCKET_READABLE
#include <uv.h>
#define LIBUS_SOCKET_READABLE UV_READABLE
#define LIBUS_SOCKET_WRITABLE UV_WRITABLE
#endif
`],
    ['    int state = 0;\n', '    int state = 0;\n\n    /* The application paused reading (pause() without resume() since) */\n    bool paused = false;\n']
  ],
  'uWebSockets/src/HttpContext.h': [
    ['us_socket_context_on_data(SSL, getSocketContext(), [](us_socket_t *s, char *data, int length) {',
      'us_socket_context_on_data(SSL, getSocketContext(), getSocketContextData()->onData = [](us_socket_t *s, char *data, int length) -> us_socket_t * {'],
    // Checked before the timeout and the offset are reset: they belong to the pending answer.
    [`                /* For every request we reset the timeout and hang until user makes action */
                /* Warning: if we are in shutdown state, resetting the timer is a security issue! */
                us_socket_timeout(SSL, (us_socket_t *) s, 0);

                /* Reset httpResponse */
                HttpResponseData<SSL> *httpResponseData = (HttpResponseData<SSL> *) us_socket_ext(SSL, (us_socket_t *) s);
                httpResponseData->offset = 0;

                /* Are we not ready for another request yet? Terminate the connection. */
                if (httpResponseData->state & HttpResponseData<SSL>::HTTP_RESPONSE_PENDING) {
                    us_socket_close(SSL, (us_socket_t *) s, 0, nullptr);
                    return nullptr;
                }
`,
    `                HttpResponseData<SSL> *httpResponseData = (HttpResponseData<SSL> *) us_socket_ext(SSL, (us_socket_t *) s);

                /* Not ready for another request yet (pipelined): it waits, unparsed, for the pending answer */
                if (httpResponseData->state & HttpResponseData<SSL>::HTTP_RESPONSE_PENDING) {
                    return HELDPTR;
                }

                /* For every request we reset the timeout and hang until user makes action */
                /* Warning: if we are in shutdown state, resetting the timer is a security issue! */
                us_socket_timeout(SSL, (us_socket_t *) s, 0);

                /* Reset httpResponse */
                httpResponseData->offset = 0;
`],
    ['            httpContextData->isParsingHttp = false;\n',
      `            httpContextData->isParsingHttp = false;

            /* A request waits: read no more until it is parsed */
            if (returnedSocket == s && httpResponseData->held.length()) {
                us_poll_change((us_poll_t *) s, us_socket_context_loop(SSL, us_socket_context(SSL, s)), us_poll_events((us_poll_t *) s) & LIBUS_SOCKET_WRITABLE);
            }
`],
    ['    static HttpContextData<SSL> *getSocketContextDataS(us_socket_t *s) {\n',
      `    /* Once the answer a request waited for (pipelining) is complete and written out, parses the held bytes */
    static us_socket_t *parseHeld(us_socket_t *s) {
        HttpResponseData<SSL> *httpResponseData = (HttpResponseData<SSL> *) us_socket_ext(SSL, s);
        if (httpResponseData->held.empty() || (httpResponseData->state & HttpResponseData<SSL>::HTTP_RESPONSE_PENDING)
            || ((AsyncSocket<SSL> *) s)->getBufferedAmount() || us_socket_is_closed(SSL, s)) {
            return s;
        }
        std::string bytes = std::move(httpResponseData->held);
        httpResponseData->held.clear();
        size_t length = bytes.length();
        bytes.resize(length + MINIMUM_HTTP_POST_PADDING);
        s = getSocketContextDataS(s)->onData(s, bytes.data(), (int) length);
        /* Read again, unless another request waits or the application paused reading */
        if (!us_socket_is_closed(SSL, s) && httpResponseData->held.empty() && !httpResponseData->paused) {
            us_poll_change((us_poll_t *) s, us_socket_context_loop(SSL, us_socket_context(SSL, s)), us_poll_events((us_poll_t *) s) | LIBUS_SOCKET_READABLE);
        }
        return s;
    }

    static HttpContextData<SSL> *getSocketContextDataS(us_socket_t *s) {
`],
    // An answer streamed through onWritable may complete here: the writable event that follows may never come.
    [`                 * It makes little sense to drain any backpressure when the user has registered onWritable. */
                return s;`,
    `                 * It makes little sense to drain any backpressure when the user has registered onWritable. */
                return parseHeld(s);`],
    [`            /* Expect another writable event, or another request within the timeout */
            asyncSocket->timeout(HTTP_IDLE_TIMEOUT_S);
`,
    `            /* Expect another writable event, or another request within the timeout */
            asyncSocket->timeout(HTTP_IDLE_TIMEOUT_S);

            s = parseHeld(s);
`]
  ],
  'uWebSockets/src/HttpResponse.h': [
    [`    HttpResponse *pause() {
        Super::pause();`,
    `    HttpResponse *pause() {
        getHttpResponseData()->paused = true;
        Super::pause();`],
    // Reading, unless a request is held (uSockets' resume restores events saved by whichever socket paused last).
    [`    HttpResponse *resume() {
        Super::resume();`,
    `    HttpResponse *resume() {
        getHttpResponseData()->paused = false;
        Super::resume();
        if (getHttpResponseData()->held.empty()) readHeld(LIBUS_SOCKET_READABLE);`],
    ['    void writeMark() {\n',
      `    /* Adds events to the socket's poll: writable once a held request may be parsed, readable on resume */
    void readHeld(int events) {
        us_poll_t *p = (us_poll_t *) this;
        us_poll_change(p, us_socket_context_loop(SSL, us_socket_context(SSL, (us_socket_t *) this)), us_poll_events(p) | events);
    }

    void writeMark() {
`],
    ['            Super::write("\\r\\n0\\r\\n\\r\\n", 7);\n\n            httpResponseData->markDone();\n',
      '            Super::write("\\r\\n0\\r\\n\\r\\n", 7);\n\n            httpResponseData->markDone();\n            if (httpResponseData->held.length()) readHeld(LIBUS_SOCKET_WRITABLE);\n'],
    ['            if (httpResponseData->offset == totalSize) {\n                httpResponseData->markDone();\n',
      '            if (httpResponseData->offset == totalSize) {\n                httpResponseData->markDone();\n                if (httpResponseData->held.length()) readHeld(LIBUS_SOCKET_WRITABLE);\n']
  ]
}

/**
 * The produce stream's edits (SPEC §10.4a). ws.pause() / ws.resume() in JS: reading a WebSocket stops and restarts (the produce stream's flow control,
 * SPEC §10.4a). Only the readable event is taken away and given back, so that a paused socket still drains
 * what it has to send (uWS's own AsyncSocket::pause clears both events, and keeps the events to restore in one
 * slot shared by every socket of the thread).
 */
const WEBSOCKET_EDITS = {
  // A message over maxPayloadLength (KASTLEX_MAX_BODY_BYTES) ends the connection with a close frame 1009 after
  // what was already sent, where upstream dropped the TCP connection (the client saw only 1006).
  'uWebSockets/src/WebSocketContext.h': [
    ['    static void forceClose(WebSocketState<isServer> */*wState*/, void *s, std::string_view reason = {}) {\n',
      `    static void forceClose(WebSocketState<isServer> */*wState*/, void *s, std::string_view reason = {}) {
        if (reason == ERR_TOO_BIG_MESSAGE) {
            ((WebSocket<SSL, isServer, USERDATA> *) s)->end(1009, "message too big");
            return;
        }
`]
  ],
  'bindings/WebSocketWrapper.h': [
    ['    /* Takes nothing, returns integer */\n    template <bool SSL>\n    static void uWS_WebSocket_getBufferedAmount(',
      `    /* Takes nothing: stops (pause) or restarts (resume) reading the socket; what it sends still drains */
    template <bool SSL, bool READ>
    static void uWS_WebSocket_setReading(const FunctionCallbackInfo<Value> &args) {
        auto *ws = getWebSocket<SSL>(args);
        if (ws && !us_socket_is_closed(SSL, (us_socket_t *) ws)) {
            us_poll_t *p = (us_poll_t *) ws;
            int events = READ ? (us_poll_events(p) | LIBUS_SOCKET_READABLE) : (us_poll_events(p) & LIBUS_SOCKET_WRITABLE);
            us_poll_change(p, us_socket_context_loop(SSL, us_socket_context(SSL, (us_socket_t *) ws)), events);
        }
    }

    /* Takes nothing, returns integer */
    template <bool SSL>
    static void uWS_WebSocket_getBufferedAmount(`],
    registerAfter('        ', 'ws', ['getBufferedAmount', 'uWS_WebSocket_getBufferedAmount<SSL>'], ['pause', 'uWS_WebSocket_setReading<SSL, false>'], ['resume', 'uWS_WebSocket_setReading<SSL, true>'])
  ]
}

/**
 * The consume stream's Server-Sent Events (SPEC §10.5): a response written chunk by chunk (res.write) for as
 * long as the stream lasts, with backpressure. res.getBufferedAmount() in JS: what the socket has not taken
 * yet. An onWritable handler is called once that buffer is empty (upstream called it on every writable event
 * and left the buffer undrained, expecting tryEnd to drain it, which res.write cannot be asked to do without
 * new data). A write the socket pushes back no longer starts uWS's 10 s timeout, written alone or corked (a
 * consumer may stop reading for longer; the stream bounds what waits for it, and closes a stalled one itself).
 */
const EVENT_STREAM_EDITS = {
  'uWebSockets/src/HttpContext.h': [
    [`                us_socket_timeout(SSL, s, 0);

                /* We expect the developer to return whether or not write was successful (true).`,
    `                us_socket_timeout(SSL, s, 0);

                asyncSocket->write(nullptr, 0, true, 0);
                if (asyncSocket->getBufferedAmount() > 0) return s;

                /* We expect the developer to return whether or not write was successful (true).`]
  ],
  'uWebSockets/src/HttpResponse.h': [
    [`        auto [written, failed] = Super::write(data.data(), (int) data.length());
        if (failed) {
            Super::timeout(HTTP_TIMEOUT_S);
        }

        /* If we did not fail the write, accept more */`,
    `        auto [written, failed] = Super::write(data.data(), (int) data.length());

        /* If we did not fail the write, accept more */`],
    // The same timeout when a corked write is pushed back (res.cork(() => res.write(…)), as the stream writes).
    [`            if (failed) {
                /* For now we only have one single timeout so let's use it */`,
    `            if (failed && !(getHttpResponseData()->state & HttpResponseData<SSL>::HTTP_WRITE_CALLED)) {
                /* For now we only have one single timeout so let's use it */`],
    ['    /* Get the current byte write offset for this Http response */\n',
      `    /* Bytes written and not yet taken by the socket */
    unsigned int getBufferedAmount() {
        return Super::getBufferedAmount();
    }

    /* Get the current byte write offset for this Http response */
`]
  ],
  'bindings/HttpResponseWrapper.h': [
    ['    /* Returns the current write offset */\n',
      `    /* Returns the bytes written and not yet taken by the socket */
    template <int SSL>
    static void res_getBufferedAmount(const FunctionCallbackInfo<Value> &args) {
        Isolate *isolate = args.GetIsolate();
        auto *res = getHttpResponse<SSL>(args);
        if (res) {
            args.GetReturnValue().Set(Integer::NewFromUnsigned(isolate, res->getBufferedAmount()));
        }
    }

    /* Returns the current write offset */
`],
    registerAfter('            ', 'res', ['getWriteOffset', 'res_getWriteOffset<SSL>'], ['getBufferedAmount', 'res_getBufferedAmount<SSL>'])
  ]
}

/**
 * req.getHeaderList(): the request's header lines as one array, [name, value, name, value, …] in the order they
 * came (names lower-case, as uWS keeps them; text decoded as forEach decodes it). forEach calls back into
 * JavaScript once per line, which cost more than the copying (README, Performance).
 */
const HEADER_LIST_EDITS = {
  'bindings/HttpRequestWrapper.h': [
    ['    /* Takes int, returns string (must be in bounds) */\n',
      `    /* Takes nothing, returns [name, value, …] of every header line, in order */
    template <int QUIC>
    static void req_getHeaderList(const FunctionCallbackInfo<Value> &args) {
        Isolate *isolate = args.GetIsolate();
        auto *req = getHttpRequest<QUIC>(args);
        if (req) {
            Local<Value> lines[2 * UWS_HTTP_MAX_HEADERS_COUNT];
            size_t count = 0;
            for (auto p : *req) {
                lines[count++] = String::NewFromUtf8(isolate, p.first.data(), NewStringType::kNormal, p.first.length()).ToLocalChecked();
                lines[count++] = String::NewFromUtf8(isolate, p.second.data(), NewStringType::kNormal, p.second.length()).ToLocalChecked();
            }
            args.GetReturnValue().Set(Array::New(isolate, lines, count));
        }
    }

    /* Takes int, returns string (must be in bounds) */
`],
    registerAfter('            ', 'req', ['forEach', 'req_forEach<QUIC>'], ['getHeaderList', 'req_getHeaderList<QUIC>'])
  ]
}

/**
 * Every call from uWS into JavaScript (CallJS: request handlers, onData, onAborted, …) runs inside a v8::TryCatch
 * that captures no message. Without one, V8 builds a message with a stack trace at every throw, even one that
 * JavaScript catches a few frames up (it cannot know that no `finally` throws it on), and the gateway answers a
 * refused request (404, 401, 400, …) by throwing its HttpError (README, Performance: 23.4 → 18.3 µs a 404). An
 * exception JavaScript did not catch is thrown again, with no TryCatch around it, by a native function called
 * the same way: V8 and Node report it as uncaught, as before (test/unit/http/uws-exceptions.test.ts).
 */
const CAUGHT_THROW_EDITS = {
  'bindings/Utilities.h': [
    [`    /* Slow path */
    auto ret = node::MakeCallback(isolate, isolate->GetCurrentContext()->Global(), f, argc, argv, {0, 0});
    insideCorkCallback--;
    return ret;
}
`,
    `    /* Slow path */
    MaybeLocal<Value> ret;
    Local<Value> uncaught;
    {
        TryCatch tryCatch(isolate);
        tryCatch.SetCaptureMessage(false);
        ret = node::MakeCallback(isolate, isolate->GetCurrentContext()->Global(), f, argc, argv, {0, 0});
        if (tryCatch.HasCaught() && tryCatch.CanContinue()) uncaught = tryCatch.Exception();
    }
    if (!uncaught.IsEmpty()) {
        Local<Context> context = isolate->GetCurrentContext();
        Local<Function> rethrow;
        if (Function::New(context, [](const FunctionCallbackInfo<Value> &args) {
            args.GetIsolate()->ThrowException(args[0]);
        }).ToLocal(&rethrow)) {
            node::MakeCallback(isolate, context->Global(), rethrow, 1, &uncaught, {0, 0});
        }
    }
    insideCorkCallback--;
    return ret;
}
`]
  ]
}

/** cargo from PATH, else where rustup installs it (a non-login shell may not have it on PATH). */
function cargo () {
  const rustup = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin', 'cargo')
  try {
    execFileSync('cargo', ['--version'], { stdio: 'ignore' })
    return 'cargo'
  } catch {
    if (existsSync(rustup)) return rustup
    throw new Error('cargo not found: it fetches the uWebSockets sources (install Rust\'s cargo, e.g. apt-get install -y cargo)')
  }
}

function crateDirectory () {
  const command = cargo()
  execFileSync(command, ['fetch', '--manifest-path', MANIFEST], { stdio: 'inherit' })
  const metadata = JSON.parse(execFileSync(command, ['metadata', '--format-version', '1', '--manifest-path', MANIFEST], { maxBuffer: 64 << 20 }).toString())
  const crate = metadata.packages.find((p) => p.name === CRATE)
  if (crate === undefined) throw new Error(`cargo metadata lists no ${CRATE}`)
  return dirname(crate.manifest_path)
}

function edit (file, edits) {
  let text = readFileSync(file, 'utf8')
  for (const [from, to] of edits) {
    const count = text.split(from).length - 1
    if (count !== 1) throw new Error(`${file}: expected the text to change once, found it ${count} times: ${from}`)
    text = text.replace(from, () => to)
  }
  writeFileSync(file, text)
}

const crate = crateDirectory()
const bindings = join(dirname(createRequire(import.meta.url).resolve('uwebsockets/package.json')), 'src')
rmSync(OUT, { recursive: true, force: true })
mkdirSync(OUT, { recursive: true })
cpSync(join(crate, 'uWebSockets/src'), join(OUT, 'uWebSockets/src'), { recursive: true })
cpSync(join(crate, 'uWebSockets/uSockets/src'), join(OUT, 'uWebSockets/uSockets/src'), { recursive: true })
cpSync(bindings, join(OUT, 'bindings'), { recursive: true, filter: (path) => !path.endsWith('.node') })
for (const edits of [UWS_EDITS, PIPELINING_EDITS, WEBSOCKET_EDITS, EVENT_STREAM_EDITS, HEADER_LIST_EDITS, CAUGHT_THROW_EDITS]) {
  for (const [file, fileEdits] of Object.entries(edits)) edit(join(OUT, file), fileEdits)
}
console.log(`uws-source: ${CRATE} from ${crate} and the bindings of uwebsockets prepared in ${OUT}`)
