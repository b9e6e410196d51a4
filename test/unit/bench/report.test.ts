// The report file name's label suffix, shared by bench:compare (BENCH_LABEL) and bench:scale (BENCH_SCALE_LABEL).
import test from 'ava'
import { labelSuffix } from '../../../bench/report.js'

test('a label becomes a file-name-safe suffix; none or empty gives none', (t) => {
  t.is(labelSuffix(undefined), '')
  t.is(labelSuffix(''), '')
  t.is(labelSuffix('ab-code-88a2b94'), '-ab-code-88a2b94')
  t.is(labelSuffix('../x y/z'), '-..-x-y-z')
})
