// zstd for the fetch path. Other clients write zstd batches (the Java producer often does), and the
// library decompresses zstd with node:zlib, which has it from Node 22.15 on: there its codec is used
// (native, faster). On older Node (20 here) fzstd, a pure JavaScript decompressor, reads them: no
// install script and no native build, at about a sixth of a native decompressor's speed (README).
import { decompress } from 'fzstd'

/** Batch attributes bits 0–2 for zstd (KIP-110). */
const ZSTD = 4

interface Codec { readonly decompressSync: (data: Buffer) => Buffer, readonly available: boolean }

const fzstd: Codec = {
  decompressSync: (data) => {
    const records = decompress(data)
    return Buffer.from(records.buffer, records.byteOffset, records.byteLength)
  },
  available: true
}

/** The library's codecs by attribute bits, with a zstd that works on this Node. */
export function withZstd<Codecs extends Readonly<Record<number, Codec | undefined>>> (codecs: Codecs): Codecs {
  return codecs[ZSTD]?.available === true ? codecs : { ...codecs, [ZSTD]: fzstd }
}
