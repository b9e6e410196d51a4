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

        for (unsigned int i = 1;`]
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
    ['            resTemplateLocal->PrototypeTemplate()->Set(String::NewFromUtf8(isolate, "pause", NewStringType::kNormal).ToLocalChecked(), FunctionTemplate::New(isolate, res_pause<SSL>));\n',
      `            resTemplateLocal->PrototypeTemplate()->Set(String::NewFromUtf8(isolate, "pause", NewStringType::kNormal).ToLocalChecked(), FunctionTemplate::New(isolate, res_pause<SSL>));
            resTemplateLocal->PrototypeTemplate()->Set(String::NewFromUtf8(isolate, "writeContinue", NewStringType::kNormal).ToLocalChecked(), FunctionTemplate::New(isolate, res_writeContinue<SSL>));
`]
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
for (const [file, edits] of Object.entries(UWS_EDITS)) edit(join(OUT, file), edits)
console.log(`uws-source: ${CRATE} from ${crate} and the bindings of uwebsockets prepared in ${OUT}`)
