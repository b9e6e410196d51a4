// SPEC §2.5: the one `Accept` parser of every negotiated route.
import test from 'ava'
import { acceptsEventStream, acceptsHtml, negotiate, type Representation } from '../../../src/http/negotiate.js'

const JSON_: Representation = { kind: 'json' }
const BINARY: Representation = { kind: 'binary', contentType: 'application/binary' }
const OCTET: Representation = { kind: 'binary', contentType: 'application/octet-stream' }
const NOT_ACCEPTABLE = undefined

const cases: ReadonlyArray<readonly [string | undefined, Representation | undefined]> = [
  // The examples of §2.5, verbatim.
  ['text/plain, application/binary', BINARY],
  ['application/json;q=0.1, application/binary', BINARY],
  ['application/octet-stream', OCTET],
  ['text/html, */*;q=0.8', JSON_],
  ['application/*', JSON_],
  ['*/*, application/json;q=0', BINARY],
  ['text/html', NOT_ACCEPTABLE],
  // No or empty Accept → JSON.
  [undefined, JSON_],
  ['', JSON_],
  ['   ', JSON_],
  // Single candidates.
  ['application/json', JSON_],
  ['application/binary', BINARY],
  ['*/*', JSON_],
  // Ties: the matching element that comes first wins, then JSON.
  ['application/binary, application/json', BINARY],
  ['application/json, application/binary', JSON_],
  ['application/octet-stream, application/binary', OCTET],
  ['application/binary, application/octet-stream', BINARY],
  ['application/binary;q=0.5, application/json;q=0.5', BINARY],
  // Highest quality wins regardless of position.
  ['application/json;q=0.5, application/binary;q=0.6', BINARY],
  ['application/binary;q=0.5, application/json', JSON_],
  ['application/octet-stream;q=0.9, application/binary;q=0.8', OCTET],
  // Most specific matching element decides a candidate's quality: exact > type/* > */*.
  ['*/*;q=0.1, application/binary', BINARY],
  ['application/binary, */*', BINARY],
  ['application/*;q=0.2, application/binary;q=0.3', BINARY],
  ['application/binary;q=0.3, application/*;q=0.4', JSON_],
  ['*/*;q=0.9, application/*;q=0.1, application/binary;q=0.5', BINARY],
  ['*/*;q=1, application/json;q=0, application/binary;q=0', OCTET],
  ['application/*;q=0, */*', NOT_ACCEPTABLE],
  // All qualities 0 → 406.
  ['application/json;q=0, application/binary;q=0, application/octet-stream;q=0', NOT_ACCEPTABLE],
  ['*/*;q=0', NOT_ACCEPTABLE],
  ['text/*, image/png', NOT_ACCEPTABLE],
  // q: 0–1, at most 3 decimals; an element with an invalid q is ignored (RFC 9110 qvalue grammar).
  ['application/json;q=0.001', JSON_],
  ['application/json;q=1.000', JSON_],
  ['application/json;q=1.', JSON_],
  ['application/json;q=0.1234, application/binary;q=0.5', BINARY],
  ['application/binary;q=0.5, application/json;q=1.5', BINARY],
  ['application/binary;q=0.5, application/json;q=-1', BINARY],
  ['application/binary;q=0.5, application/json;q=abc', BINARY],
  ['application/binary;q=0.5, application/json;q=', BINARY],
  ['application/binary;q=0.5, application/json;q=1.001', BINARY],
  ['application/json;q=0.1234', NOT_ACCEPTABLE],
  // Other parameters do not change matching.
  ['application/binary;charset=utf-8', BINARY],
  ['application/binary; level=1; q=0.5, application/json;q=0.4', BINARY],
  // Unparseable elements are ignored.
  ['garbage, application/binary', BINARY],
  ['application, application/binary', BINARY],
  ['*/binary, application/binary;q=0.5', BINARY],
  ['application/binary/x, application/json;q=0.5', JSON_],
  [',,application/binary,,', BINARY],
  // Case-insensitive.
  ['APPLICATION/BINARY', BINARY],
  ['Application/Octet-Stream', OCTET],
  ['application/json;Q=0, application/binary', BINARY],
  ['TEXT/HTML', NOT_ACCEPTABLE],
  // Whitespace around elements and parameters is trimmed.
  ['  application/binary  ', BINARY],
  ['text/html ,\tapplication/binary', BINARY],
  ['application/json ; q=0.1 , application/binary ; q = 0.2', BINARY],
  // Several Accept lines arrive joined with ','.
  ['text/html,application/binary', BINARY]
]

test('negotiate picks the representation of SPEC §2.5', (t) => {
  for (const [accept, expected] of cases) {
    t.deepEqual(negotiate(accept), expected, `Accept: ${JSON.stringify(accept)}`)
  }
})

const htmlCases: ReadonlyArray<readonly [string | undefined, boolean]> = [
  [undefined, true],
  ['', true],
  ['text/html', true],
  ['TEXT/HTML', true],
  ['text/*', true],
  ['*/*', true],
  ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
  ['application/json', false],
  ['text/plain', false],
  ['text/html;q=0', false],
  ['text/html;q=0, */*', false],
  ['text/*;q=0, text/html', true],
  ['*/*;q=0', false],
  ['text/html;q=0.0001', false]
]

test('acceptsHtml: text/html with quality > 0, or no Accept (route H)', (t) => {
  for (const [accept, expected] of htmlCases) {
    t.is(acceptsHtml(accept), expected, `Accept: ${JSON.stringify(accept)}`)
  }
})

test('acceptsEventStream: text/event-stream with quality > 0, or no Accept (a stream route\'s SSE, SPEC §10.5)', (t) => {
  const cases: ReadonlyArray<readonly [string | undefined, boolean]> = [
    [undefined, true],
    ['', true],
    ['*/*', true],
    ['text/*', true],
    ['text/event-stream', true],
    ['application/json, text/event-stream;q=0.1', true],
    ['TEXT/EVENT-STREAM', true],
    ['application/json', false],
    ['text/event-stream;q=0', false],
    ['text/html, */*;q=0', false],
    ['*/*, text/event-stream;q=0', false]
  ]
  for (const [accept, expected] of cases) t.is(acceptsEventStream(accept), expected, `Accept: ${JSON.stringify(accept)}`)
})
