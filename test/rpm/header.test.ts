import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeHeader, encodeHeader, regionTrailer, RPM_TYPE, RPMTAG, typeAlignment } from '../../src/rpm/index.js';

const T = RPM_TYPE;

describe('header encoding', () => {
  // Odd-length strings before each number type force padding in front of it.
  const tags = [
    { tag: RPMTAG.NAME, type: T.STRING, value: 'abc' },
    { tag: RPMTAG.FILEMODES, type: T.INT16, value: [0o100644, 0o40755] },
    { tag: RPMTAG.VERSION, type: T.STRING, value: 'x' },
    { tag: RPMTAG.FILESIZES, type: T.INT32, value: [1, 0xffffffff] },
    { tag: RPMTAG.RELEASE, type: T.STRING, value: 'yz' },
    { tag: 5009, type: T.INT64, value: [1n, 2n ** 40n] },
    { tag: RPMTAG.BASENAMES, type: T.STRING_ARRAY, value: ['a', '', 'ccc'] },
    { tag: RPMTAG.SUMMARY, type: T.I18NSTRING, value: ['summary ü'] },
    { tag: RPMTAG.FILEVERIFYFLAGS, type: T.INT32, value: [-1] },
    { tag: 1004 + 10000, type: T.BIN, value: Buffer.from([1, 2, 3]) },
  ];
  const buf = encodeHeader(tags, RPMTAG.HEADERIMMUTABLE);
  const h = decodeHeader(buf, 0);

  test('magic, counts and total length', () => {
    assert.deepEqual([...buf.subarray(0, 8)], [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
    assert.equal(h.il, tags.length + 1);
    assert.equal(buf.length, 16 + h.il * 16 + h.dl);
    assert.equal(h.byteLength, buf.length);
  });

  test('the region entry comes first and its trailer closes the data', () => {
    assert.deepEqual(h.index[0], { tag: 63, type: T.BIN, offset: h.dl - 16, count: 16 });
    assert.deepEqual(regionTrailer(buf, 0, h), { tag: 63, type: T.BIN, offset: -h.il * 16, count: 16 });
  });

  test('entries are sorted by tag, offsets increase and respect alignment', () => {
    const rest = h.index.slice(1);
    for (let i = 1; i < rest.length; i++) {
      assert.ok(rest[i].tag > rest[i - 1].tag, 'sorted by tag');
      assert.ok(rest[i].offset >= rest[i - 1].offset, 'offsets increase');
    }
    for (const e of rest) assert.equal(e.offset % typeAlignment(e.type), 0, `tag ${e.tag} aligned`);
    assert.ok(rest.some((e) => e.type === T.INT64), 'an INT64 entry was laid out');
  });

  test('values decode back', () => {
    const get = (tag: number) => h.entries.get(tag)?.value;
    assert.equal(get(RPMTAG.NAME), 'abc');
    assert.deepEqual(get(RPMTAG.FILEMODES), [0o100644, 0o40755]);
    assert.deepEqual(get(RPMTAG.FILESIZES), [1, 0xffffffff]);
    assert.deepEqual(get(5009), [1n, 2n ** 40n]);
    assert.deepEqual(get(RPMTAG.BASENAMES), ['a', '', 'ccc']);
    assert.deepEqual(get(RPMTAG.SUMMARY), ['summary ü']);
    assert.deepEqual(get(RPMTAG.FILEVERIFYFLAGS), [0xffffffff]);
    assert.deepEqual(get(1004 + 10000), Buffer.from([1, 2, 3]));
    const counts = Object.fromEntries(h.index.map((e) => [e.tag, e.count]));
    assert.equal(counts[RPMTAG.BASENAMES], 3);
    assert.equal(counts[1004 + 10000], 3);
  });

  test('decoding at an offset and rejecting garbage', () => {
    const shifted = Buffer.concat([Buffer.alloc(40, 7), buf]);
    assert.equal(decodeHeader(shifted, 40).entries.get(RPMTAG.NAME)?.value, 'abc');
    assert.throws(() => decodeHeader(shifted, 0), /magic/);
    assert.throws(() => decodeHeader(buf.subarray(0, buf.length - 1), 0), /truncated/);
  });

  test('duplicate tags are refused', () => {
    assert.throws(() => encodeHeader([tags[0], tags[0]], 63), /duplicate/);
  });
});
